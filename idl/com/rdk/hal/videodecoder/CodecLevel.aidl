package com.rdk.hal.videodecoder;

/**
 * Coding levels (bounds on frame size, rate and bitrate), numbered by codec
 * in hundreds like CodecProfile.
 */
@VintfStability
@Backing(type="int")
enum CodecLevel {
    MPEG2_LEVEL_LOW = 1,
    MPEG2_LEVEL_MAIN = 2,
    MPEG2_LEVEL_HIGH = 3,
    H264_LEVEL_3 = 100,
    H264_LEVEL_3_1 = 101,
    /** 1080p at 30 frames per second. */
    H264_LEVEL_4 = 102,
    H264_LEVEL_4_1 = 103,
    H264_LEVEL_5 = 104,
    H264_LEVEL_5_1 = 105,
    H264_LEVEL_5_2 = 106,
    H265_LEVEL_4 = 200,
    H265_LEVEL_4_1 = 201,
    H265_LEVEL_5 = 202,
    H265_LEVEL_5_1 = 203,
    H265_LEVEL_5_2 = 204,
    H265_LEVEL_6 = 205,
    H265_LEVEL_6_1 = 206,
    H265_LEVEL_6_2 = 207,
    VP9_LEVEL_1 = 300,
    VP9_LEVEL_1_1 = 301,
    VP9_LEVEL_2 = 302,
    VP9_LEVEL_2_1 = 303,
    VP9_LEVEL_3 = 304,
    VP9_LEVEL_3_1 = 305,
    VP9_LEVEL_4 = 306,
    VP9_LEVEL_4_1 = 307,
    VP9_LEVEL_5 = 308,
    VP9_LEVEL_5_1 = 309,
    VP9_LEVEL_5_2 = 310,
    VP9_LEVEL_6 = 311,
    VP9_LEVEL_6_1 = 312,
    VP9_LEVEL_6_2 = 313,
    AV1_LEVEL_4_0 = 400,
    AV1_LEVEL_4_1 = 401,
    AV1_LEVEL_5_0 = 402,
    AV1_LEVEL_5_1 = 403,
    AV1_LEVEL_6_0 = 404,
    AV1_LEVEL_6_1 = 405,
}
