package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.FrameMetadata;

/** Where an audio decoder sends its output; given to open. */
@VintfStability
oneway interface IAudioDecoderControllerListener {
    /**
     * A decoded frame. Non-tunnelled: the receiver owns frameAVBufferHandle;
     * tunnelled: the handle is -1. metadata as for video: on the first frame
     * after start or flush, on a change, and on the end-of-stream frame.
     */
    void onFrameOutput(in long nsPresentationTime, in long frameAVBufferHandle, in @nullable FrameMetadata metadata);

    /** The input queue has room again after decodeBufferWithMetadata returned false. */
    void onDecodeBufferAvailable();
}
