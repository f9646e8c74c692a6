package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.ErrorCode;
import com.rdk.hal.State;

/** Observes one video decoder; any number may be registered. */
@VintfStability
oneway interface IVideoDecoderEventListener {
    /** A decode failed; vendorErrorCode says how (avbufferd: a negative errno). */
    void onDecodeError(in ErrorCode errorCode, in int vendorErrorCode);

    /** The decoder moved from oldState to newState. */
    void onStateChanged(in State oldState, in State newState);
}
