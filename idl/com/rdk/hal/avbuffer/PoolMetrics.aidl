package com.rdk.hal.avbuffer;

import com.rdk.hal.avbuffer.Pool;

/** How much of a pool its allocations take. */
@VintfStability
parcelable PoolMetrics {
    /** The pool these metrics describe. */
    Pool poolHandle;
    /** Bytes of the live allocations in the pool, alignment included. */
    int bytesUsed;
    /** Size of the pool in bytes. */
    int bytesTotal;
}
