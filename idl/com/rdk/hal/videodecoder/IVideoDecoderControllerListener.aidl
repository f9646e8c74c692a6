package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.FrameMetadata;

/** Where a video decoder sends its output; given to open. */
@VintfStability
oneway interface IVideoDecoderControllerListener {
    /**
     * A decoded frame, in presentation order. Non-tunnelled: the receiver
     * owns frameAVBufferHandle and must free it or pass it on. Tunnelled: the
     * handle is -1. metadata is present on the first frame after start or
     * flush, whenever it changes, and on the end-of-stream frame; null
     * otherwise.
     */
    void onFrameOutput(in long nsPresentationTime, in long frameAVBufferHandle, in @nullable FrameMetadata metadata);

    /**
     * The user data of one frame (for example ATSC A/53 captions carried in
     * SEI), starting at its user identifier, in the frames' presentation order.
     */
    void onUserDataOutput(in long nsPresentationTime, in byte[] userData);

    /** The input queue has room again after decodeBufferWithMetadata returned false. */
    void onDecodeBufferAvailable();
}
