package com.rdk.hal.audiodecoder;

/** The loudspeaker position a PCM channel is meant for. */
@VintfStability
@Backing(type="int")
enum ChannelType {
    MONO = 0,
    FRONT_LEFT = 1,
    FRONT_RIGHT = 2,
    FRONT_CENTER = 3,
    /** Low frequency effects. */
    LFE = 4,
    SIDE_LEFT = 5,
    SIDE_RIGHT = 6,
    /** Height channels. */
    UP_LEFT = 7,
    UP_RIGHT = 8,
    BACK_LEFT = 9,
    BACK_RIGHT = 10,
    BACK_CENTER = 11,
}
