package com.rdk.hal.videodecoder;

/** Content light levels of an HDR stream (CTA-861.3), in candela per square metre. */
@VintfStability
parcelable ContentLightLevel {
    /** Brightest pixel of the whole stream. */
    int maxCLL;
    /** Highest frame-average light level of the stream. */
    int maxFALL;
}
