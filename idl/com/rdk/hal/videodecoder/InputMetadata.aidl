package com.rdk.hal.videodecoder;

/** What comes with one coded buffer. */
@VintfStability
parcelable InputMetadata {
    /** Presentation time of the access unit, in nanoseconds. */
    long nsPresentationTime;
}
