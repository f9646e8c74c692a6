package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.FrameMetadata;
import com.rdk.hal.audiodecoder.ErrorCode;
import com.rdk.hal.audiodecoder.State;

/** Observes one audio decoder; any number may be registered. */
@VintfStability
oneway interface IAudioDecoderEventListener {
    /** A decode failed; vendorErrorCode says how (avbufferd: a negative errno). */
    void onDecodeError(in ErrorCode errorCode, in int vendorErrorCode);

    /** The decoder moved from oldState to newState. */
    void onStateChanged(in State oldState, in State newState);
 }
