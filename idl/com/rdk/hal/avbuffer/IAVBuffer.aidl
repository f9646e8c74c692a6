package com.rdk.hal.avbuffer;

import com.rdk.hal.audiodecoder.IAudioDecoder;
import com.rdk.hal.avbuffer.HeapMetrics;
import com.rdk.hal.avbuffer.IAVBufferSpaceListener;
import com.rdk.hal.avbuffer.Pool;
import com.rdk.hal.avbuffer.PoolMetrics;
import com.rdk.hal.videodecoder.IVideoDecoder;

/**
 * The AV Buffer HAL: heaps, pools and buffers for audio and video frames.
 *
 * Buffers are referred to by int64 handles that are unique across every
 * pool, heap and vendor frame pool, so any handle can be given to free().
 * Where a method raises an exception, its return value must not be used.
 */
@VintfStability
interface IAVBuffer {
    /** The name the service registers under with the service manager. */
    const @utf8InCpp String serviceName = "AVBuffer";

    /**
     * Usage of the secure or non-secure heap. A heap that the platform does
     * not implement reports 0 bytes.
     */
    HeapMetrics getHeapMetrics(in boolean secureHeap);

    /**
     * Creates a pool for a video decoder; the vendor chooses its size.
     * EX_ILLEGAL_ARGUMENT for an unknown decoder, EX_NULL_POINTER for a null
     * listener, EX_ILLEGAL_STATE for a secure pool while the decoder is not
     * configured, EX_SERVICE_SPECIFIC with HALError.OUT_OF_MEMORY when the
     * heap has no room.
     */
    Pool createVideoPool(in boolean secureHeap, in IVideoDecoder.Id videoDecoderId,
            in IAVBufferSpaceListener listener);

    /**
     * Creates a pool for an audio decoder, as createVideoPool() does.
     * IAudioDecoder.Id.UNDEFINED is accepted for audio that goes to no decoder.
     */
    Pool createAudioPool(in boolean secureHeap, in IAudioDecoder.Id audioDecoderId,
            in IAVBufferSpaceListener listener);

    /**
     * Destroys an empty pool. Returns false for an unknown pool; raises
     * EX_SERVICE_SPECIFIC with HALError.NOT_EMPTY while buffers are allocated.
     */
    boolean destroyPool(in Pool poolHandle);

    /** Usage of one pool. EX_ILLEGAL_ARGUMENT for an unknown pool. */
    PoolMetrics getPoolMetrics(in Pool poolHandle);

    /** Usage of every pool made from the secure or non-secure heap. */
    PoolMetrics[] getAllPoolMetrics(in boolean secureHeap);

    /**
     * Allocates a buffer for one frame; never blocks. Returns its handle.
     * EX_ILLEGAL_ARGUMENT for an unknown pool or a size that is not positive
     * or larger than the pool; EX_SERVICE_SPECIFIC with
     * HALError.OUT_OF_MEMORY when the pool has no room now.
     */
    long alloc(in Pool poolHandle, in int size);

    /**
     * Asks for one onSpaceAvailable() once an allocation of `size` bytes
     * fits in the pool. Returns false for an unknown pool or a size that is
     * not in 1..pool size.
     */
    boolean notifyWhenSpaceAvailable(in Pool poolHandle, in int size);

    /**
     * Shrinks the most recent allocation of its pool to newSize bytes.
     * EX_ILLEGAL_STATE when it is not the most recent; EX_ILLEGAL_ARGUMENT
     * for an unknown handle or a size not in 1..current size.
     */
    boolean trimSize(in long bufferHandle, in int newSize);

    /**
     * Returns a buffer to its pool, whichever client allocated it; vendor
     * frame pool handles are accepted too. Returns false for an unknown handle.
     */
    boolean free(in long bufferHandle);

    /** Whether a handle names a live buffer. */
    boolean isValid(in long bufferHandle);

    /** Debug aid: the live buffer handles of a pool. */
    long[] getAllocList(in Pool poolHandle);

    /**
     * Debug aid: the SHA-1 of a buffer's content. Only in debug builds;
     * otherwise EX_UNSUPPORTED_OPERATION.
     */
    byte[] calculateSHA1(in long bufferHandle);
}
