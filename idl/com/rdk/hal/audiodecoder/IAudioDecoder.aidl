package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.IAudioDecoderControllerListener;
import com.rdk.hal.audiodecoder.IAudioDecoderEventListener;
import com.rdk.hal.audiodecoder.IAudioDecoderController;
import com.rdk.hal.audiodecoder.Capabilities;
import com.rdk.hal.audiodecoder.Property;
import com.rdk.hal.audiodecoder.Codec;
import com.rdk.hal.audiodecoder.CSDAudioFormat;
import com.rdk.hal.audiodecoder.State;
import com.rdk.hal.PropertyValue;

/**
 * One audio decoder resource. Anyone may read it; one client at a time
 * opens it and drives it through the controller open returns.
 */
@VintfStability
interface IAudioDecoder
{
    /** The id of a decoder resource. */
    @VintfStability
    parcelable Id {
        /** No decoder. */
        const int UNDEFINED = -1;
        int value;
    }

    /** What the decoder can decode. */
    Capabilities getCapabilities();

    /** The value of a property, or null for one this decoder does not know. */
    @nullable PropertyValue getProperty(in Property property);

    /** The current state. */
    State getState();

    /**
     * Open the decoder for codec, CLOSED -> OPENING -> READY. Returns the
     * controller, or null when the codec or the secure mode is not supported.
     * EX_ILLEGAL_STATE when not CLOSED; EX_NULL_POINTER without a listener.
     */
    @nullable IAudioDecoderController open(in Codec codec, in boolean secure, in IAudioDecoderControllerListener audioDecoderControllerListener);

    /**
     * Close what open returned, from READY, back to CLOSED. False
     * (EX_ILLEGAL_STATE) when not READY or not the current controller.
     */
    boolean close(in IAudioDecoderController audioDecoderController);

    /** Add a listener for state changes and errors; false when already registered. */
    boolean registerEventListener(in IAudioDecoderEventListener audioDecoderEventListener);

    /** Remove a listener; false when it was not registered. */
    boolean unregisterEventListener(in IAudioDecoderEventListener audioDecoderEventListener);
}
