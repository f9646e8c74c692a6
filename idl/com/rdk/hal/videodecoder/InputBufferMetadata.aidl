package com.rdk.hal.videodecoder;

/** What a client says about one coded buffer it gives the decoder. */
@VintfStability
parcelable InputBufferMetadata {
    /** Presentation time of the frame the buffer holds, in nanoseconds. */
    long nsPresentationTime;
    /** True on the last buffer of the stream: the decoder drains and marks its last frame. */
    boolean endOfStream;
    /** Reserved in this version: must be false (use signalDiscontinuity). */
    boolean discontinuity;
}
