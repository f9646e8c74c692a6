package com.rdk.hal;

/**
 * The lifecycle of an RDK HAL resource (a decoder, a sink...).
 *
 * A resource is CLOSED until a client opens it; OPENING, STARTING,
 * FLUSHING, STOPPING and CLOSING are the transitions between the stable
 * states READY and STARTED, and a listener sees each one as a pair of state
 * changes (for example READY -> STARTING, then STARTING -> STARTED).
 */
@VintfStability
@Backing(type="int")
enum State {
    /** Not known yet (the service is still coming up). */
    UNKNOWN = 0,
    /** Nobody has the resource open. */
    CLOSED = 1,
    /** An open is in progress. */
    OPENING = 2,
    /** Open and configured, not processing data. */
    READY = 3,
    /** A start is in progress. */
    STARTING = 4,
    /** Processing data. */
    STARTED = 5,
    /** Dropping what is queued; goes back to STARTED (or READY on a reset). */
    FLUSHING = 6,
    /** A stop is in progress; ends in READY. */
    STOPPING = 7,
    /** A close is in progress; ends in CLOSED. */
    CLOSING = 8
}
