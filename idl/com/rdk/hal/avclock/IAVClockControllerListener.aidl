package com.rdk.hal.avclock;

import com.rdk.hal.State;
import com.rdk.hal.avclock.ClockTime;

/** What the client that opened a clock hears about it. */
@VintfStability
oneway interface IAVClockControllerListener {
    /** The clock moved from oldState to newState. */
    void onStateChanged(in State oldState, in State newState);

    /** The started clock has its first time and from now on reads non-null. */
    void onPrimed(in ClockTime currentClockTime);
 }
