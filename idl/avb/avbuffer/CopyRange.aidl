package avb.avbuffer;

/** One range of a copy between two buffers, in bytes from each buffer's start. */
parcelable CopyRange {
    int srcOffset;
    int dstOffset;
    int size;
}
