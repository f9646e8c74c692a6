package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.Codec;

/** What one audio decoder can do; fixed for the life of the service. */
@VintfStability
parcelable Capabilities
{
    Codec[] supportedCodecs;
    /** Whether open(codec, secure=true, ...) can succeed. */
    boolean supportsSecure;
}
