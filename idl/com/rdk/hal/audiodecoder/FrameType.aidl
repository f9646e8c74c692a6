package com.rdk.hal.audiodecoder;

/** What an output audio frame holds. */
@VintfStability
@Backing(type="byte")
enum FrameType {
    /** Decoded samples, described by PCMMetadata. */
    PCM = 0,
    /** A format only the SoC's own audio path understands. */
    SOC_PROPRIETARY = 1,
}
