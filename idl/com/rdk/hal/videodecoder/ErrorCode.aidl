package com.rdk.hal.videodecoder;

/**
 * The reasons IVideoDecoderEventListener.onDecodeError gives. The published
 * interface has a single placeholder value so far; the vendor error code
 * passed beside it says more.
 */
@VintfStability
@Backing(type="int")
enum ErrorCode {
    /** A decode error (see the vendor error code). */
    xxxx = 1,
}
