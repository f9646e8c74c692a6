package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.Codec;
import com.rdk.hal.videodecoder.IVideoDecoderListener;
import com.rdk.hal.videodecoder.InputMetadata;
import com.rdk.hal.videodecoder.State;

/**
 * A video decoder instance of the platform.
 *
 * The AV Buffer HAL uses its Id to size pools for the decoder a pool will
 * feed. The methods are the decode path (served by avbufferd, reached
 * through IVideoDecoderManager.getVideoDecoder()):
 *
 *   CLOSED --open--> READY --start--> STARTED --stop--> READY --close--> CLOSED
 *                                     STARTED --flush--> STARTED
 *
 * Every transition is reported to the listener (onStateChanged), transient
 * states included (OPENING, STARTING, FLUSHING, STOPPING, CLOSING). A call
 * in the wrong state raises EX_ILLEGAL_STATE. One client opens a decoder at
 * a time (EX_ILLEGAL_STATE for a second); only that client may drive it, and
 * its death closes the decoder.
 *
 * Buffers are non-tunnelled: decoded frames reach the listener as AV buffer
 * handles that the client owns (pass them on, or IAVBuffer.free them).
 */
@VintfStability
interface IVideoDecoder {
    /** The identity of a video decoder resource. */
    parcelable Id {
        /** No decoder. */
        const int UNDEFINED = -1;
        /** Decoder index, 0-based, as the platform profile declares it. */
        int value = UNDEFINED;
    }

    /** The decoder's id. */
    Id getId();
    /** The current state. */
    State getState();
    /**
     * CLOSED -> READY. Opening is what configures the decoder: a secure pool
     * may be created for it from then on. secure: input comes from secure
     * buffers and frames go to a secure frame pool (no client can map them).
     * close() puts the decoder back as the platform configured it.
     * EX_ILLEGAL_ARGUMENT for an unsupported codec; EX_ILLEGAL_STATE when
     * not CLOSED; EX_SERVICE_SPECIFIC INVALID_RESOURCE when the VPU is not
     * available.
     */
    void open(in Codec codec, in boolean secure, in IVideoDecoderListener listener);
    /** READY -> STARTED. */
    void start();
    /** STARTED: drop and free every queued input buffer, and pending frames; stays STARTED. */
    void flush();
    /** STARTED -> READY; frees every queued input buffer. */
    void stop();
    /** READY -> CLOSED. */
    void close();
    /**
     * Queue one coded buffer (an AV buffer handle of a pool of this decoder,
     * holding `size` bytes: the buffer's size, as allocated or trimmed).
     * true: the decoder owns the buffer now and frees it once consumed.
     * false: the input queue is full; the caller keeps the buffer and
     * exactly one onDecodeBufferAvailable() follows.
     * EX_ILLEGAL_STATE outside STARTED; EX_ILLEGAL_ARGUMENT for an invalid
     * handle or one in the wrong heap for the open mode.
     */
    boolean decodeBufferWithMetadata(in long bufferHandle, in InputMetadata metadata);
    /**
     * End of stream: decode what is queued; after the last frame the
     * listener gets onFrameOutput(0, -1, metadata with endOfStream set).
     * The decoder stays STARTED and takes a new stream. EX_ILLEGAL_STATE
     * outside STARTED.
     */
    void signalEndOfStream();
}
