package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.Codec;
import com.rdk.hal.videodecoder.CodecProfile;
import com.rdk.hal.videodecoder.CodecLevel;
import com.rdk.hal.videodecoder.PixelFormat;

/** What a decoder can do with one codec at one profile. */
@VintfStability
parcelable CodecCapabilities
{
    Codec codec;
    /** The highest profile decoded. */
    CodecProfile profile;
    /** The highest level decoded at that profile. */
    CodecLevel level;
    /** Frames per second at the largest size. */
    int maxFrameRate;
    int maxFrameWidth;
    int maxFrameHeight;
    /** The samplings decoded frames can come out in. */
    PixelFormat[] supportedOutputPixelFormats;
}
