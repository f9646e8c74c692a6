package com.rdk.hal.avclock;

import com.rdk.hal.avclock.ClockMode;
import com.rdk.hal.avclock.ClockTime;

/** Drives an opened AV clock; acts only for the client that opened it. */
@VintfStability
interface IAVClockController {
    /** READY to STARTED; the clock is unprimed until its mode's source gives a first time. */
    void start();

    /** STARTED back to READY. */
    void stop();

	/** Chooses the clock's source, only while READY; false for a mode not offered. */
	boolean setClockMode(in ClockMode clockMode);

    /** The source chosen (READY or STARTED). */
    ClockMode getClockMode();

	/**
	 * Feeds one PCR sample (PCR mode, STARTED): pcrTimeNs seen at
	 * sampleTimestampNs on the monotonic clock; false for bad values.
	 */
	boolean notifyPCRSample(in long pcrTimeNs, in long sampleTimestampNs);

 	/** The clock's time now, or null while STARTED but not yet primed. */
 	@nullable ClockTime getCurrentClockTime();

    /** Changes the speed; 0.0 pauses, 1.0 is normal; false for a rate refused. Not in PCR mode. */
    boolean setPlaybackRate(in double rate);

    /** The speed set (not in PCR mode). */
    double getPlaybackRate();
}
