package com.rdk.hal.avclock;

import com.rdk.hal.avclock.Capabilities;
import com.rdk.hal.avclock.IAVClockController;
import com.rdk.hal.avclock.IAVClockControllerListener;
import com.rdk.hal.avclock.IAVClockEventListener;
import com.rdk.hal.avclock.Property;
import com.rdk.hal.PropertyValue;
import com.rdk.hal.State; 

/**
 * One AV clock resource: the time base sinks pace their frames by. Anyone
 * may read it; one client at a time opens it and drives it through the
 * controller open returns.
 */
@VintfStability
interface IAVClock 
{
    /** The id of a clock resource. */
    @VintfStability
    parcelable Id {
        /** No clock. */
        const int UNDEFINED = -1;
        int value;
    }

    /** What the clock can do; the same answer every time. */
    Capabilities getCapabilities();

    /** The clock's state now (CLOSED, READY, STARTED...). */
    State getState();

    /** A property's value, or null when the clock has no such property. */
    @nullable PropertyValue getProperty(in Property property);

    /** Sets a property; false when it is read-only or the value does not fit. */
    boolean setProperty(in Property property, in PropertyValue propertyValue);

    /**
     * Opens the clock for the caller: mode AUTO, rate 1.0, no sinks. Throws
     * ILLEGAL_STATE when already open. The clock is stopped and closed
     * should the caller die.
     */
    @nullable IAVClockController open(in IAVClockControllerListener avClockControllerListener);

    /** Closes a controller this clock returned; the clock must be READY. */
    boolean close(in IAVClockController avClockController);

    /** Adds an observer of state changes; false when it is already there. */
    boolean registerEventListener(in IAVClockEventListener avClockEventListener);

    /** Removes an observer; false when it was not registered. */
    boolean unregisterEventListener(in IAVClockEventListener avClockEventListener);
}
