package com.rdk.hal.avclock;

/** The keys of IAVClock.getProperty. */
@VintfStability
@Backing(type="int")
enum Property {
	/** The clock's id (read-only). */
	RESOURCE_ID = 0,
	/** How far apart audio and video were presented lately, in milliseconds (read-only). */
	METRIC_AV_SYNC_ACCURACY_MS = 1000,
	/** How many times the clock was re-based since it started (read-only). */
	METRIC_AV_RESYNC_COUNT = 1001,
}
