package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.FrameMetadata;
import com.rdk.hal.audiodecoder.State;

/** What an audio decoder tells its client (oneway). See IVideoDecoderListener. */
@VintfStability
oneway interface IAudioDecoderListener {
    const int ERROR_DECODE = 1;
    const int ERROR_VPU = 2;

    void onFrameOutput(in long nsPresentationTime, in long frameHandle,
                       in @nullable FrameMetadata metadata);
    void onDecodeBufferAvailable();
    void onStateChanged(in State oldState, in State newState);
    void onError(in int errorCode, in String message);
}
