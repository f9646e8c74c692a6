package com.rdk.hal.audiosink;

import com.rdk.hal.audiosink.Volume;
import com.rdk.hal.audiosink.VolumeRamp;
import com.rdk.hal.audiodecoder.IAudioDecoder;
import com.rdk.hal.audiodecoder.FrameMetadata;
import com.rdk.hal.avclock.IAVClock;

/** Drives an opened audio sink; acts only for the client that opened it. */
@VintfStability
interface IAudioSinkController {
	/**
	 * Takes the tunnelled output of this audio decoder (UNDEFINED: none);
	 * false for an unknown decoder.
	 */
	boolean setAudioDecoder(in IAudioDecoder.Id audioDecoderId);

    /** The decoder set, or UNDEFINED. */
    IAudioDecoder.Id getAudioDecoder();

    /** Paces presentation by this clock. */
    void attachClock(in IAVClock.Id clockId);

    /** Presents frames as soon as they come again. */
    void detachClock();

    /** The clock attached, or UNDEFINED. */
    IAVClock.Id getClock();

    /** READY to STARTED: queued frames begin to be presented. */
    void start();

    /** STARTED back to READY; what was queued is released. */
    void stop();

    /**
     * Queues one PCM frame to be presented at nsPresentationTime. The sink
     * owns bufferHandle from now on and frees it once the frame is presented
     * or dropped. false when the queue is full (onFrameBufferAvailable
     * follows) or the handle is not the caller's.
     */
    boolean queueAudioFrame(in long nsPresentationTime, in long bufferHandle, in FrameMetadata metadata);

	/** Drops and frees every queued frame; onFlushComplete follows. */
	void flush();

    /** The volume and mute now. */
    Volume getVolume();

    /** Sets volume (0.0 to 1.0) and mute at once; false when out of range. */
    boolean setVolume(in Volume volume);

    /** Moves the volume to targetVolume over overMs with this curve; false for bad values. */
    boolean setVolumeRamp(in double targetVolume, in int overMs, in VolumeRamp volumeRamp);
}
