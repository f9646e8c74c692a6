package com.rdk.hal.audiosink;

import com.rdk.hal.audiosink.IAudioSinkController;
import com.rdk.hal.audiosink.IAudioSinkControllerListener;
import com.rdk.hal.audiosink.IAudioSinkEventListener;
import com.rdk.hal.audiosink.Capabilities;
import com.rdk.hal.audiosink.ContentType;
import com.rdk.hal.audiosink.Property;
import com.rdk.hal.PropertyValue;
import com.rdk.hal.State;

/**
 * One audio sink resource: where decoded PCM is presented. Anyone may read
 * it; one client at a time opens it and drives it through the controller
 * open returns.
 */
@VintfStability
interface IAudioSink
{
    /** The id of an audio sink resource. */
    @VintfStability
    parcelable Id {
        /** No sink. */
        const int UNDEFINED = -1;
        int value;
    }

    /** What the sink can take; the same answer every time. */
    Capabilities getCapabilities();

    /** A property's value, or null when the sink has no such property. */
    @nullable PropertyValue getProperty(in Property property);

    /** Sets a property; false when it is read-only or the value does not fit. */
    boolean setProperty(in Property property, in PropertyValue propertyValue);

    /** The sink's state now. */
    State getState();

    /**
     * Opens the sink for the caller to play contentType. Throws ILLEGAL_STATE
     * when already open; the sink is stopped and closed should the caller die,
     * and every frame it had queued is freed.
     */
    @nullable IAudioSinkController open(in ContentType contentType, in IAudioSinkControllerListener audioSinkControllerListener);

    /** Closes a controller this sink returned; the sink must be READY. */
    boolean close(in IAudioSinkController audioSinkController);

    /** Adds an observer; false when it is already there. */
    boolean registerEventListener(in IAudioSinkEventListener audioSinkEventListener);

    /** Removes an observer; false when it was not registered. */
    boolean unregisterEventListener(in IAudioSinkEventListener audioSinkEventListener);
}
