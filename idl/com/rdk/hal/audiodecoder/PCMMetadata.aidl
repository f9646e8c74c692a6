package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.ChannelType;
import com.rdk.hal.audiodecoder.PCMFormat;

/** The layout of decoded PCM in an output frame. */
@VintfStability
parcelable PCMMetadata {
    int numChannels;
    /** One entry per channel, in the order channels appear. */
    ChannelType[] channelTypes;
    /** Samples per second per channel. */
    int sampleRate;
    PCMFormat format;
    /** True: each channel's samples together; false: channels interleaved. */
    boolean planarFormat;
    /** Vendor additions. */
    ParcelableHolder extension;
}
