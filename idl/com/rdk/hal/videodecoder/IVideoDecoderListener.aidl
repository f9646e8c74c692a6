package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.FrameMetadata;
import com.rdk.hal.videodecoder.State;

/**
 * What a video decoder tells its client (oneway: the decoder never waits).
 */
@VintfStability
oneway interface IVideoDecoderListener {
    /** A corrupt or undecodable bitstream; the decoder keeps going. */
    const int ERROR_DECODE = 1;
    /** The VPU failed (e.g. its firmware crashed); in-flight buffers were freed. */
    const int ERROR_VPU = 2;
    /**
     * Tunnelled: the stream's resolution does not fit the link to the sink
     * (its pad asks for another); frames are dropped until it fits again or
     * the decoder stops.
     */
    const int ERROR_SINK = 3;

    /**
     * A decoded frame. frameHandle is an AV buffer handle the client now
     * owns (non-tunnelled: pass it on or IAVBuffer.free it), or -1 for the
     * end-of-stream marker that follows the last frame. metadata is present
     * on the first frame, whenever the format changes, and on the
     * end-of-stream marker (endOfStream set); null otherwise.
     */
    void onFrameOutput(in long nsPresentationTime, in long frameHandle,
                       in @nullable FrameMetadata metadata);
    /** Room in the input queue after decodeBufferWithMetadata() returned false. */
    void onDecodeBufferAvailable();
    void onStateChanged(in State oldState, in State newState);
    /** errorCode: ERROR_*. */
    void onError(in int errorCode, in String message);
}
