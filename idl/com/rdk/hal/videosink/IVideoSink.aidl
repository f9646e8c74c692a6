package com.rdk.hal.videosink;

import com.rdk.hal.videosink.Capabilities;
import com.rdk.hal.videosink.IVideoSinkController;
import com.rdk.hal.videosink.IVideoSinkControllerListener;
import com.rdk.hal.videosink.IVideoSinkEventListener;
import com.rdk.hal.videosink.Property;
import com.rdk.hal.PropertyValue;
import com.rdk.hal.State;

/**
 * One video sink resource: where decoded pictures are presented. Anyone may
 * read it; one client at a time opens it and drives it through the
 * controller open returns.
 */
@VintfStability
interface IVideoSink
{
    /** The id of a video sink resource. */
    @VintfStability
    parcelable Id {
        /** No sink. */
        const int UNDEFINED = -1;
        int value;
    }

    /** What the sink can do; the same answer every time. */
    Capabilities getCapabilities();

    /** A property's value, or null when the sink has no such property. */
    @nullable PropertyValue getProperty(in Property property);

    /** The sink's state now. */
    State getState();

    /**
     * Opens the sink for the caller. Throws ILLEGAL_STATE when already open;
     * the sink is stopped and closed should the caller die, and every frame
     * it had queued is freed.
     */
    @nullable IVideoSinkController open(in IVideoSinkControllerListener videoSinkControllerListener);

    /** Closes a controller this sink returned; the sink must be READY. */
    boolean close(in IVideoSinkController videoSinkController);

    /** Adds an observer; false when it is already there. */
    boolean registerEventListener(in IVideoSinkEventListener videoSinkEventListener);

    /** Removes an observer; false when it was not registered. */
    boolean unregisterEventListener(in IVideoSinkEventListener videoSinkEventListener);
}
