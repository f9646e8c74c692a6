package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.Codec;
import com.rdk.hal.audiodecoder.IAudioDecoderListener;
import com.rdk.hal.audiodecoder.InputMetadata;
import com.rdk.hal.audiodecoder.State;

/**
 * An audio decoder instance of the platform.
 *
 * The AV Buffer HAL uses its Id to size pools for the decoder a pool will
 * feed. The methods are the decode path, with the state machine and buffer
 * contract of IVideoDecoder (see there); frames are PCM.
 */
@VintfStability
interface IAudioDecoder {
    /** The identity of an audio decoder resource. */
    parcelable Id {
        /**
         * No decoder: audio that goes to no decoder, such as system PCM.
         * Valid for IAVBuffer.createAudioPool().
         */
        const int UNDEFINED = -1;
        /** Decoder index, 0-based, as the platform profile declares it. */
        int value = UNDEFINED;
    }

    Id getId();
    State getState();
    /** CLOSED -> READY; see IVideoDecoder.open. */
    void open(in Codec codec, in boolean secure, in IAudioDecoderListener listener);
    void start();
    void flush();
    void stop();
    void close();
    /** See IVideoDecoder.decodeBufferWithMetadata. */
    boolean decodeBufferWithMetadata(in long bufferHandle, in InputMetadata metadata);
    void signalEndOfStream();
}
