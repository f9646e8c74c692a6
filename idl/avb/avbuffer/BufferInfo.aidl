package avb.avbuffer;

/** Where a live buffer lives. */
parcelable BufferInfo {
    /** Whether the buffer is in the secure heap (never mappable by clients). */
    boolean secure;
    /** Offset of the buffer in its heap, in bytes. */
    int heapOffset;
    /** Allocated size in bytes (after any trim). */
    int size;
}
