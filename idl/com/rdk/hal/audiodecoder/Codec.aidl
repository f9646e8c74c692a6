package com.rdk.hal.audiodecoder;

@VintfStability
@Backing(type="int")
enum Codec {
    AAC = 0,
    MP2 = 1,
}
