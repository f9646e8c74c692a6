package com.rdk.hal.avbuffer;

/**
 * A pool of buffer memory carved from one heap, for one decoder.
 * Handles are unique across all heaps and clients while the pool lives.
 */
@VintfStability
parcelable Pool {
    /** The pool handle: 0 to 127, assigned by the service. */
    byte handle;
}
