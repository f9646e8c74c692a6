package com.rdk.hal.avbuffer;

/** How much of a heap the pools take. */
@VintfStability
parcelable HeapMetrics {
    /** Whether these are the secure heap's metrics. */
    boolean secure;
    /** Bytes of the pools created in the heap. */
    int bytesUsed;
    /** Size of the heap in bytes; 0 when the heap is not implemented. */
    int bytesTotal;
}
