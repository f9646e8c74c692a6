package com.rdk.hal.audiodecoder;

/** What comes with one coded buffer. */
@VintfStability
parcelable InputMetadata {
    /** Presentation time of the audio frame, in nanoseconds. */
    long nsPresentationTime;
}
