package com.rdk.hal.videosink;

/** The keys of the video sink's properties. */
@VintfStability
@Backing(type="int")
enum Property
{
    /** The sink's id (read-only). */
    RESOURCE_ID = 0,
    /** How many pictures the sink queues before refusing more. */
    SINK_QUEUE_DEPTH = 1,
    /** Where the video comes from (a com.rdk.hal.AVSource value). */
    AV_SOURCE = 2,
    /** 1: show the first picture at once, before the clock starts. */
    RENDER_FIRST_FRAME = 3,
    /** Pictures queued since open (read-only). */
    METRIC_FRAMES_RECEIVED = 1000,
    /** Pictures presented (read-only). */
    METRIC_FRAMES_PRESENTED = 1001,
    /** Pictures dropped for coming too late (read-only). */
    METRIC_FRAMES_DROPPED_LATE = 1002,
    /** Pictures dropped by frame-rate conversion (read-only). */
    METRIC_FRAMES_DROPPED_FRC = 1003,
    /** Pictures shown twice by frame-rate conversion (read-only). */
    METRIC_FRAMES_REPEATED_FRC = 1004,
    /** Pictures shown again because the next was missing (read-only). */
    METRIC_FRAMES_REPEATED_MISSING_FRAME = 1005,
    /** How many times the sink underflowed (read-only). */
    METRIC_UNDERFLOWED = 1006,
}
