package com.rdk.hal.videodecoder;

/** The video compression formats a decoder may support. */
@VintfStability
@Backing(type="int")
enum Codec {
    /** ISO/IEC 13818-2. */
    MPEG2_VIDEO = 1,
    /** ITU-T H.264 (AVC). */
    H264_AVC = 2,
    /** ITU-T H.265 (HEVC). */
    H265_HEVC = 3,
    /** VP9. */
    VP9 = 4,
    /** AOMedia Video 1. */
    AV1 = 5,
}
