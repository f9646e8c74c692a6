package com.rdk.hal.audiodecoder;

/** The reasons IAudioDecoderEventListener.onDecodeError gives (the values of com.rdk.hal.HALError). */
@VintfStability
@Backing(type="int")
enum ErrorCode {
    SUCCESS = 0,
    BUFFER_FULL = 1,
    INVALID_RESOURCE = 2,
    INVALID_CODEC = 3,
    DEFERRED = 4,
    OUT_OF_MEMORY = 5,
    OUT_OF_BOUNDS = 6,
    NOT_EMPTY = 7,
    INVALID_ARGUMENT = 8
}
