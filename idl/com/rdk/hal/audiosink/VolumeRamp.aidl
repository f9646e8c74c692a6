package com.rdk.hal.audiosink;

/** The curve setVolumeRamp follows. */
@VintfStability
@Backing(type="int")
enum VolumeRamp {
    LINEAR = 0,
    IN_CUBIC = 1,
    OUT_CUBIC = 2,
}
