package com.rdk.hal.videodecoder;

/**
 * The colour volume of the display the content was mastered on (SMPTE ST
 * 2086). Chromaticity coordinates are in units of 0.00002, luminance in
 * units of 0.0001 candela per square metre, as the SEI carries them.
 */
@VintfStability
parcelable MasteringDisplayInfo {
    int greenPrimaryX;
    int greenPrimaryY;
    int bluePrimaryX;
    int bluePrimaryY;
    int redPrimaryX;
    int redPrimaryY;
    int whitePointX;
    int whitePointY;
    int maxLuminance;
    int minLuminance;
}
