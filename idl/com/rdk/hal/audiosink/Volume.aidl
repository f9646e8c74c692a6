package com.rdk.hal.audiosink;

/** A sink's volume and mute, kept apart so unmuting restores the level. */
@VintfStability
parcelable Volume {
    /** 0.0 (silent) to 1.0 (full). */
    double volume;
	/** Whether the sink is muted. */
	boolean muted;
}
