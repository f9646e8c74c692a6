package com.rdk.hal.audiodecoder;

/** The layout of the codec configuration given to parseCodecSpecificData. */
@VintfStability
@Backing(type="int")
enum CSDAudioFormat
{
    /** An ISO/IEC 14496-3 AudioSpecificConfig (MP4's esds decoder specific info). */
    MP4_AUDIO_SPECIFIC_CONFIG = 0,
    ALS_SPECIFIC_CONFIG = 1,
    ALAC_SPECIFIC_CONFIG = 2,
    /** The body of MP4's dec3 box. */
    EAC3_SPECIFIC_CONFIG = 3,
    /** The body of MP4's dac4 box. */
    AC4_SPECIFIC_CONFIG = 4
}
