package com.rdk.hal.avclock;

/** A reading of an AV clock, paired with the system time it was taken at. */
@VintfStability
parcelable ClockTime 
{
    /** The clock's time, in nanoseconds of media time. */
    long clockTimeNs;
    /** CLOCK_MONOTONIC at the moment of the reading, in nanoseconds. */
    long sampleTimestampNs;
}
