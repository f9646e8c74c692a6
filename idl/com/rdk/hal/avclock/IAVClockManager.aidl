package com.rdk.hal.avclock;

import com.rdk.hal.avclock.IAVClock;

/**
 * The entry point of the AV clock HAL, registered with the service manager
 * under serviceName.
 */
@VintfStability
interface IAVClockManager 
{
    /** The name this service is registered under. */
    const @utf8InCpp String serviceName = "AVClockManager";

	/** The ids of every clock, open or not. */
	IAVClock.Id[] getAVClockIds();   

    /** The clock with this id, or null when there is none. */
    @nullable IAVClock getAVClock(in IAVClock.Id avClockId);
}
