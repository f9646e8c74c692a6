package com.rdk.hal.videodecoder;

/** The format of decoded frames. Frames are packed (stride = width). */
@VintfStability
parcelable FrameMetadata {
    const int PIXEL_FORMAT_NV12 = 1;
    const int PIXEL_FORMAT_I420 = 2;

    int width;
    int height;
    int pixelFormat;
    /** Bytes of frame data in the frame buffer. */
    int frameBytes;
    /** Set on the end-of-stream marker (frame handle -1). */
    boolean endOfStream;
}
