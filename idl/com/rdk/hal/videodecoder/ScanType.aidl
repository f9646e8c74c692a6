package com.rdk.hal.videodecoder;

/** How a decoded frame was scanned. */
@VintfStability
@Backing(type="int")
enum ScanType {
    /** One picture sampled at one instant. */
    PROGRESSIVE_FRAME = 0,
    /** Two interleaved fields sampled at different instants. */
    INTERLACED_FRAME = 1,
}
