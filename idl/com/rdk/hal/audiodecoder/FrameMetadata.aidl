package com.rdk.hal.audiodecoder;

/** The format of decoded PCM frames. */
@VintfStability
parcelable FrameMetadata {
    const int SAMPLE_FORMAT_S16 = 1;

    int sampleRate;
    int channels;
    int sampleFormat;
    /** Bytes of PCM in the frame buffer. */
    int frameBytes;
    boolean endOfStream;
}
