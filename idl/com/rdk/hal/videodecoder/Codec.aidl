package com.rdk.hal.videodecoder;

@VintfStability
@Backing(type="int")
enum Codec {
    H264 = 0,
    HEVC = 1,
}
