package com.rdk.hal.audiosink;

/** The keys of IAudioSink.getProperty and setProperty. */
@VintfStability
@Backing(type="int")
enum Property {
    /** The sink's id (read-only). */
    RESOURCE_ID = 0,
    /** The loudness reference level, in dB. */
    REFERENCE_LEVEL = 1,
    /** How long a frame takes from presentation to the output, in nanoseconds (read-only). */
    RENDER_LATENCY_NS = 2,
    /** How much audio is queued now, in nanoseconds (read-only). */
    QUEUE_DEPTH_NS = 3,
    /** The mixer input this sink feeds. */
    MIXER_ID = 4,
    /** Where the audio comes from (a com.rdk.hal.AVSource value). */
    AV_SOURCE = 5,
    /** Whether the output is held in Dolby Atmos. */
    DOLBY_ATMOS_LOCK = 6,
    /** Placeholder for metrics the published HAL has not named yet. */
    METRIC_xxxx = 1000,
}
