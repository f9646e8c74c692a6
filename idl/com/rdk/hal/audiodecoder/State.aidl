package com.rdk.hal.audiodecoder;

/**
 * The lifecycle of an audio decoder; the same states, with the same values,
 * as com.rdk.hal.State, which the audio decoder package does not use.
 */
@VintfStability
@Backing(type="int")
enum State {
    UNKNOWN   = 0,
    /** Nobody has the decoder open. */
    CLOSED    = 1,
    OPENING   = 2,
    /** Open, not decoding. */
    READY     = 3,
    STARTING  = 4,
    /** Decoding. */
    STARTED   = 5,
    FLUSHING  = 6,
    STOPPING  = 7,
    CLOSING   = 8
}
