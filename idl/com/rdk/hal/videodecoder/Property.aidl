package com.rdk.hal.videodecoder;

/**
 * The properties of a video decoder, read with IVideoDecoder.getProperty
 * and written with IVideoDecoderController.setProperty. Every value is an
 * intValue. Writing a read-only property raises EX_UNSUPPORTED_OPERATION,
 * a writable one outside the states named for it EX_ILLEGAL_STATE.
 */
@VintfStability
@Backing(type="int")
enum Property {
    /** The decoder's id. Read-only. */
    RESOURCE_ID = 0,
    /** Size in bytes of the coded input the decoder queues. Read-only. */
    INPUT_QUEUE_DEPTH = 1,
    /** Number of frame buffers in the decoder's output pool. Read-only. */
    OUTPUT_FRAME_POOL_SIZE = 2,
    /**
     * The OperationalMode in use; one of those the manager reports.
     * Written in READY or STARTED.
     */
    OPERATIONAL_MODE = 3,
    /** 1: output frames as early as possible (no reordering delay). 0 on open. Written in READY. */
    LOW_LATENCY_MODE = 4,
    /** 0: output frames with errors; 1: drop them. 0 on open. Written in READY. */
    DECODE_ERROR_POLICY = 5,
    /** The AVSource of the stream, repeated in frame metadata. UNKNOWN on open. Written in READY. */
    AV_SOURCE = 6,
    /**
     * 1: put a SHA-1 of each decoded frame's picture in its metadata (rows of
     * visible pixels, plane by plane, top to bottom). 0 on open. Written in
     * READY or STARTED.
     */
    SHA1_CALC = 7,
    /** 1 when the decoder was opened for the secure video path. Read-only. */
    SECURE_VIDEO = 8,
    /** Frames decoded since open, flush or stop; -1 when not counted. Read-only. */
    METRIC_FRAMES_DECODED = 1000,
    /** Decode errors since open, flush or stop; -1 when not counted. Read-only. */
    METRIC_DECODE_ERRORS = 1001,
    /** Frames not output because of errors since open, flush or stop; -1 when not counted. Read-only. */
    METRIC_FRAMES_DROPPED = 1002,
}
