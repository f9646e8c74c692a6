package com.rdk.hal.audiodecoder;

/** Decoder states, as the RDK decoder HALs name them. */
@VintfStability
@Backing(type="int")
enum State {
    UNKNOWN = 0,
    CLOSED = 1,
    OPENING = 2,
    READY = 3,
    STARTING = 4,
    STARTED = 5,
    FLUSHING = 6,
    STOPPING = 7,
    CLOSING = 8,
}
