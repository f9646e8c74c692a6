package com.rdk.hal.audiodecoder;

/** The audio coding formats a decoder may support. */
@VintfStability
@Backing(type="int")
enum Codec {
    /** Uncompressed samples. */
    PCM = 0,
    /** MPEG-4 AAC, low complexity. */
    AAC_LC = 1,
    /** AAC with spectral band replication. */
    HE_AAC = 2,
    /** HE-AAC with parametric stereo. */
    HE_AAC2 = 3,
    AAC_ELD = 4,
    DOLBY_AC3 = 5,
    /** E-AC-3. */
    DOLBY_AC3_PLUS = 6,
    /** E-AC-3 with joint object coding (Atmos). */
    DOLBY_AC3_PLUS_JOC = 7,
    DOLBY_AC4 = 8,
    DOLBY_MAT = 9,
    DOLBY_MAT2 = 10,
    DOLBY_TRUEHD = 11,
    /** MPEG-1/2 audio layer II. */
    MPEG2 = 12,
    /** MPEG-1/2 audio layer III. */
    MP3 = 13,
    FLAC = 14,
    VORBIS = 15,
    DTS = 16,
    OPUS = 17,
    WMA = 18,
    REALAUDIO = 19,
    /** MPEG-D unified speech and audio coding. */
    USAC = 20,
    X_HE_AAC = 21,
    /** The Bluetooth SBC codec. */
    SBC = 22,
    AVS = 23
}
