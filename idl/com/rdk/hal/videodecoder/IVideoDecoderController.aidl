package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.Property;
import com.rdk.hal.videodecoder.CSDVideoFormat;
import com.rdk.hal.videodecoder.MasteringDisplayInfo;
import com.rdk.hal.videodecoder.ContentLightLevel;
import com.rdk.hal.videodecoder.Colorimetry;
import com.rdk.hal.videodecoder.InputBufferMetadata;
import com.rdk.hal.PropertyValue;

/**
 * The handle of the client that opened a video decoder: everything that
 * changes the decoder goes through it. It stops working once the decoder is
 * closed or its client dies. Calls made in the wrong state fail with
 * EX_ILLEGAL_STATE and change nothing.
 */
@VintfStability
interface IVideoDecoderController
{
    /** READY -> STARTING -> STARTED. */
    void start();

    /**
     * STARTED -> STOPPING -> READY. Coded buffers not yet decoded and frames
     * not yet delivered are freed.
     */
    void stop();

    /**
     * Write a property. False for an unknown property or a bad value;
     * EX_UNSUPPORTED_OPERATION for a read-only one; EX_ILLEGAL_STATE outside
     * the states the property names.
     */
    boolean setProperty(in Property property, in PropertyValue propertyValue);

    /**
     * Queue one coded frame for decoding (STARTED only). True: the decoder
     * owns the buffer from now on and frees it. False: the queue is full, the
     * caller keeps the buffer and hears onDecodeBufferAvailable once there is
     * room. EX_ILLEGAL_ARGUMENT for a handle that is not a live buffer the
     * caller may pass, or metadata.discontinuity set. endOfStream on the last
     * buffer makes the decoder drain and mark its last frame.
     */
    boolean decodeBufferWithMetadata(in long bufferHandle, in InputBufferMetadata metadata);

    /**
     * Drop every queued coded buffer and undelivered frame (STARTED only).
     * reset: also go back to READY, as if just opened.
     */
    void flush(in boolean reset);

    /** The next buffers are not continuous in time with what came before (STARTED only). */
    void signalDiscontinuity();

    /**
     * Give the decoder the stream's out-of-band configuration (STARTED
     * only), before the first coded buffer that needs it. False for an
     * empty or malformed record or a format that does not match the codec.
     */
    boolean parseCodecSpecificData(in CSDVideoFormat csdVideoFormat, in byte[] codecData);

    /** HDR mastering display from the container, or null to forget it (READY only). */
    void setMasteringDisplayInfo(in @nullable MasteringDisplayInfo info);

    /** HDR light levels from the container, or null to forget them (READY only). */
    void setContentLightLevel(in @nullable ContentLightLevel info);

    /** The colour space, when the stream does not signal it (READY only). */
    void setColorimetry(in Colorimetry colorimetry);

    /** The stream's frame size as the container states it (READY only); EX_ILLEGAL_ARGUMENT when not positive. */
    void setStreamResolution(in int width, in int height);

    /** The stream's frame rate as the container states it (READY only); 0/0 means unknown. */
    void setFrameRate(in int numerator, in int denominator);

    /** Which Dolby Vision layers the stream has (READY only). */
    void setDolbyVisionLayerFlags(in boolean blPresent, in boolean elPresent);
}
