package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.CodecCapabilities;
import com.rdk.hal.videodecoder.Colorimetry;
import com.rdk.hal.videodecoder.DynamicRange;

/** What one video decoder can do; fixed for the life of the service. */
@VintfStability
parcelable Capabilities
{
    /** One entry per codec and profile. */
    CodecCapabilities[] supportedCodecs;
    DynamicRange[] supportedDynamicRanges;
    Colorimetry[] supportedColorimetries;
    /** Whether open(codec, secure=true, ...) can succeed. */
    boolean supportsSecure;
}
