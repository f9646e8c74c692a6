package com.rdk.hal.videodecoder;

/** The colour space of a stream (primaries and matrix together). */
@VintfStability
@Backing(type="int")
enum Colorimetry {
    /** Not signalled by the stream and not set by the client. */
    UNKNOWN = 0,
    /** ITU-R BT.601, 525-line systems. */
    BT601_525 = 1,
    /** ITU-R BT.601, 625-line systems. */
    BT601_625 = 2,
    /** ITU-R BT.709. */
    BT709 = 3,
    /** ITU-R BT.2020, non-constant luminance. */
    BT2020 = 4,
    /** ITU-R BT.2020, constant luminance. */
    BT2020_CL = 5,
    /** DCI-P3 primaries with a D65 white point. */
    DCI_P3_D65 = 6,
    /** DCI-P3 primaries with a D60 white point. */
    DCI_P3_D60 = 7,
}
