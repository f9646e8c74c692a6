package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.ScanType;
import com.rdk.hal.videodecoder.PixelFormat;
import com.rdk.hal.videodecoder.DynamicRange;
import com.rdk.hal.videodecoder.MasteringDisplayInfo;
import com.rdk.hal.videodecoder.ContentLightLevel;
import com.rdk.hal.videodecoder.Colorimetry;
import com.rdk.hal.AVSource;

/**
 * The description of a decoded frame, sent with the first frame after start
 * or flush, whenever it changes, and with the last frame (endOfStream).
 */
@VintfStability
parcelable FrameMetadata {
    /** Pixel aspect ratio, x:y. */
    int parX;
    int parY;
    /** Sample aspect ratio, x:y. */
    int sarX;
    int sarY;
    /** Size of the decoded picture in pixels, including any cropped border. */
    int codedWidth;
    int codedHeight;
    /** The visible rectangle inside the coded picture. */
    int activeX;
    int activeY;
    int activeWidth;
    int activeHeight;
    /** Bits per sample. */
    int colorDepth;
    PixelFormat pixelFormat;
    DynamicRange dynamicRange;
    ScanType scanType;
    /** Active format description code (ETSI TS 101 154), 0 when absent. */
    int afd;
    /** Frame rate as a fraction; 0/0 when unknown. */
    int frameRateNumerator;
    int frameRateDenominator;
    /** True on the last frame of the stream. */
    boolean endOfStream;
    /** True on the first frame after a discontinuity. */
    boolean discontinuity;
    /** True while the decoder runs in low latency mode. */
    boolean lowLatency;
    Colorimetry colorimetry;
    /** HDR mastering display, when the stream or the client gave one. */
    @nullable MasteringDisplayInfo masteringDisplayInfo;
    /** HDR light levels, when the stream or the client gave them. */
    @nullable ContentLightLevel contentLightLevel;
    /** The decoder's AV_SOURCE property. */
    AVSource source;
    /** SHA-1 of the frame's picture when SHA1_CALC is on (20 bytes), empty otherwise. */
    byte[] sha1;
    /** Vendor additions. */
    ParcelableHolder extension;
}
