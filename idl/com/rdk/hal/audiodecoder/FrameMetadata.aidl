package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.PCMMetadata;
import com.rdk.hal.audiodecoder.Codec;
import com.rdk.hal.AVSource;
import com.rdk.hal.audiodecoder.FrameType;

/**
 * The description of a decoded audio frame, sent with the first frame
 * after start or flush, whenever it changes, and with the last frame.
 */
@VintfStability
parcelable FrameMetadata {
    FrameType type;
    /** The codec the frame was decoded from. */
    Codec sourceCodec;
    boolean isDolbyAtmos;
    /** Trimming the decoder applied, echoed from the input metadata. */
    int trimStartNs;
    int trimEndNs;
    boolean lowLatency;
    /** True on the last frame of the stream. */
    boolean endOfStream;
    /** True on the first frame after a discontinuity. */
    boolean discontinuity;
    /** The decoder's AV_SOURCE property. */
    AVSource source;
    /** The PCM layout when type is PCM, null otherwise. */
    @nullable PCMMetadata metadata;
    /** Bytes for the SoC's own audio path, empty when unused. */
    byte[] SoCPrivate;
    /** Vendor additions. */
    ParcelableHolder extension;
}
