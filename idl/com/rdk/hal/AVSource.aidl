package com.rdk.hal;

/**
 * Where an audio or video stream comes from. A client tells a decoder with
 * its AV_SOURCE property; the decoder repeats it in the metadata of what it
 * outputs, so that later stages (sinks, picture quality) can act on it.
 */
@VintfStability
@Backing(type="int")
enum AVSource {
    /** Let the implementation decide. */
    AUTO = -1,
    /** Not stated (the default). */
    UNKNOWN = 0,
    /** Delivered over IP (streaming, download). */
    IP = 1,
    /** Received by a broadcast tuner. */
    TUNER = 2,
    /** Produced on the device itself (user interface sounds, local files). */
    SYSTEM = 3,
    /** HDMI inputs 1 to 5. */
    HDMI_1 = 101,
    HDMI_2 = 102,
    HDMI_3 = 103,
    HDMI_4 = 104,
    HDMI_5 = 105,
    /** Analogue composite inputs 1 to 5. */
    COMPOSITE_1 = 201,
    COMPOSITE_2 = 202,
    COMPOSITE_3 = 203,
    COMPOSITE_4 = 204,
    COMPOSITE_5 = 205,
}
