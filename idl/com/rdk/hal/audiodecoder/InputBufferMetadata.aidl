package com.rdk.hal.audiodecoder;

/** What a client says about one coded buffer it gives the decoder. */
@VintfStability
parcelable InputBufferMetadata {
    /** Presentation time of the buffer's first sample, in nanoseconds. */
    long nsPresentationTime;
    /** True on the last buffer of the stream. */
    boolean endOfStream;
    /** Reserved in this version: must be false (use signalDiscontinuity). */
    boolean discontinuity;
    /** Nanoseconds of decoded audio to drop from the start of this buffer (gapless playback). */
    int trimStartNs;
    /** Nanoseconds of decoded audio to drop from its end. */
    int trimEndNs;
}
