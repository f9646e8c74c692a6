package com.rdk.hal.videodecoder;

/** The format and layout of decoded frames. */
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
    /**
     * Where each plane starts in the frame buffer, in bytes, and its bytes
     * per row: 2 entries for NV12 (Y, interleaved UV), 3 for I420 (Y, U, V).
     * softvpu and the v4l2 backend in MMAP mode pack frames (strides: the
     * width for Y and NV12's UV, width / 2 for I420's U and V); a VPU that
     * writes frames in its own layout (v4l2 in DMABUF mode) reports its row
     * padding and plane placement here.
     */
    int[] planeOffsets;
    int[] planeStrides;
}
