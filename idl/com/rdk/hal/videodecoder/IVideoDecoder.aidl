package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.Capabilities;
import com.rdk.hal.videodecoder.IVideoDecoderController;
import com.rdk.hal.videodecoder.Property;
import com.rdk.hal.videodecoder.PropertyKVPair;
import com.rdk.hal.videodecoder.Codec;
import com.rdk.hal.videodecoder.IVideoDecoderControllerListener;
import com.rdk.hal.videodecoder.IVideoDecoderEventListener;
import com.rdk.hal.PropertyValue;
import com.rdk.hal.State;

/**
 * One video decoder resource. Anyone may read it; one client at a time
 * opens it and drives it through the controller open returns.
 */
@VintfStability
interface IVideoDecoder
{
    /** The id of a decoder resource. */
    @VintfStability
    parcelable Id {
        /** No decoder. */
        const int UNDEFINED = -1;
        int value;
    }

    /** What the decoder can decode; does not depend on its state. */
    Capabilities getCapabilities();

    /** The value of a property, or null for a property this decoder does not know. */
    @nullable PropertyValue getProperty(in Property property);

    /**
     * Several properties at once. False with EX_ILLEGAL_ARGUMENT when the
     * list is empty or names an unknown property (then nothing is returned).
     */
    boolean getPropertyMulti(in Property[] properties, out PropertyKVPair[] propertyKVList);

    /** The current state. */
    State getState();

    /**
     * Open the decoder for codec and take it from CLOSED to READY (the event
     * listeners see CLOSED -> OPENING -> READY). Returns the controller, or
     * null when the codec or the secure mode is not supported.
     * EX_ILLEGAL_STATE when the decoder is not CLOSED; EX_NULL_POINTER
     * without a listener.
     */
    @nullable IVideoDecoderController open(in Codec codec, in boolean secure, in IVideoDecoderControllerListener videoDecoderControllerListener);

    /**
     * open, telling the decoder the largest frame it will see so that it can
     * size its frame pool. EX_ILLEGAL_ARGUMENT when the size is not positive
     * or exceeds the codec's capabilities.
     */
    @nullable IVideoDecoderController openWithResolution(in Codec codec, in boolean secure, in IVideoDecoderControllerListener videoDecoderControllerListener, in int maxWidth, in int maxHeight);

    /**
     * Close what open returned, from READY, back to CLOSED; the controller is
     * dead afterwards. False (EX_ILLEGAL_STATE) when the decoder is not READY
     * or the controller is not this decoder's current one.
     */
    boolean close(in IVideoDecoderController videoDecoderController);

    /** Add a listener for state changes and errors; false when it is already registered. */
    boolean registerEventListener(in IVideoDecoderEventListener videoDecoderEventListener);

    /** Remove a listener; false when it was not registered. */
    boolean unregisterEventListener(in IVideoDecoderEventListener videoDecoderEventListener);
}
