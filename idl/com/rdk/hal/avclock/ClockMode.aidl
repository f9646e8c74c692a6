package com.rdk.hal.avclock;

/** Where an AV clock takes its time from. */
@VintfStability
@Backing(type="int")
enum ClockMode {
	/** The implementation picks a source from the sinks attached (the default). */
	AUTO = 0,
	/** Program clock reference samples the client passes to notifyPCRSample. */
	PCR = 1,
	/** The audio the attached audio sink presents. */
	AUDIO_MASTER = 2,
	/** The video the attached video sink presents. */
	VIDEO_MASTER = 3,
}
