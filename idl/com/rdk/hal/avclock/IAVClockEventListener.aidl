package com.rdk.hal.avclock;

import com.rdk.hal.State;

/** Observes one AV clock; any number may be registered. */
@VintfStability
oneway interface IAVClockEventListener {
    /** The clock moved from oldState to newState. */
    void onStateChanged(in State oldState, in State newState);
 }
