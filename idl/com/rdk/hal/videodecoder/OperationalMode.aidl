package com.rdk.hal.videodecoder;

/** Where decoded frames go; the values are bits so that modes can be combined. */
@VintfStability
@Backing(type="int")
enum OperationalMode {
    /** Frames go straight to the video sink fed by this decoder; the client gets handle -1. */
    TUNNELLED = 1 << 0,
    /** Each frame's AV buffer handle is handed to the client. */
    NON_TUNNELLED = 1 << 1,
    /** Frames are also made available as graphics textures. */
    GRAPHICS_TEXTURE = 1 << 2
}
