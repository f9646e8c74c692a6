package com.rdk.hal.videosink;

import com.rdk.hal.videodecoder.IVideoDecoder;
import com.rdk.hal.videodecoder.FrameMetadata;
import com.rdk.hal.videosink.Property;
import com.rdk.hal.PropertyValue;
import com.rdk.hal.avclock.IAVClock;

/** Drives an opened video sink; acts only for the client that opened it. */
@VintfStability
interface IVideoSinkController
{
    /** Sets a property; false when it is read-only or the value does not fit. */
    boolean setProperty(in Property property, in PropertyValue propertyValue);

    /**
     * Takes the tunnelled output of this video decoder (UNDEFINED: none);
     * false for an unknown decoder.
     */
    boolean setVideoDecoder(in IVideoDecoder.Id videoDecoderId);

    /** The decoder set, or UNDEFINED. */
    IVideoDecoder.Id getVideoDecoder();

    /** Paces presentation by this clock. */
    void attachClock(in IAVClock.Id clockId);

    /** Presents frames as soon as they come again. */
    void detachClock();

    /** The clock attached, or UNDEFINED. */
    IAVClock.Id getClock();

    /** READY to STARTED: queued frames begin to be presented. */
    void start();

    /** STARTED back to READY. */
    void stop();

    /**
     * Queues one picture to be presented at nsPresentationTime. The sink owns
     * frameBufferHandle from now on and frees it once the picture is
     * presented or dropped. false when the queue is full
     * (onFrameBufferAvailable follows) or the handle is not the caller's.
     */
    boolean queueVideoFrame(in long nsPresentationTime, in long frameBufferHandle, in FrameMetadata metadata);

    /** Drops and frees every queued picture, keeping the one shown when holdLastFrame. */
    void flush(in boolean holdLastFrame);

    /** Drops, without showing them, the pictures queued before nsPresentationTime. */
    void discardFramesUntil(in long nsPresentationTime);
}
