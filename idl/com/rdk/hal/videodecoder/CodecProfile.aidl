package com.rdk.hal.videodecoder;

/**
 * Coding profiles, numbered by codec in hundreds (MPEG-2 1.., H.264 100..,
 * H.265 200.., VP9 300.., AV1 400..).
 */
@VintfStability
@Backing(type="int")
enum CodecProfile {
    MPEG2_SIMPLE = 1,
    MPEG2_MAIN = 2,
    /** H.264 constrained to the simplest tools. */
    H264_BASELINE = 100,
    H264_MAIN = 101,
    /** H.264 High (8-bit 4:2:0 with the 8x8 transform). */
    H264_HIGH = 102,
    H265_MAIN = 200,
    /** H.265 with 10-bit samples. */
    H265_MAIN_10 = 201,
    /** H.265 Main 10 carrying HDR10 signalling. */
    H265_MAIN_10_HDR10 = 202,
    /** VP9 profiles 0 to 3 (bit depth and chroma sampling grow with the number). */
    VP9_PROFILE_0 = 300,
    VP9_PROFILE_1 = 301,
    VP9_PROFILE_2 = 302,
    VP9_PROFILE_3 = 303,
    AV1_MAIN = 400,
    AV1_HIGH = 401,
}
