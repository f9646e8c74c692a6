package avb.avbuffer;

/**
 * Where the planes of a decoded video frame lie in its AV buffer. avbufferd
 * puts one in the extension of every FrameMetadata it sends, since the
 * published metadata describes the picture but not the buffer: a client that
 * maps a non-secure frame reads plane i at offsets[i], row r of it at
 * offsets[i] + r * strides[i].
 */
@VintfStability
parcelable PlaneLayout {
    /** The planes' layout: I420 (Y, Cb, Cr) or NV12 (Y, CbCr). */
    const int FORMAT_I420 = 1;
    const int FORMAT_NV12 = 2;
    int format;
    /** Width and height of the picture in the buffer (the active picture). */
    int width;
    int height;
    /** One entry per plane. */
    int[] offsets;
    int[] strides;
    /** Bytes of the frame in the buffer, from its start. */
    int frameBytes;
}
