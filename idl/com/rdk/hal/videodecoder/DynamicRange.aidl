package com.rdk.hal.videodecoder;

/** The dynamic range signalled by a stream. */
@VintfStability
@Backing(type="int")
enum DynamicRange {
    UNKNOWN = 0,
    /** Standard dynamic range. */
    SDR = 1,
    /** Hybrid log-gamma. */
    HLG = 2,
    /** PQ transfer with static metadata. */
    HDR10 = 3,
    /** PQ transfer with dynamic metadata. */
    HDR10_PLUS = 4,
    DOLBY_VISION = 5
}
