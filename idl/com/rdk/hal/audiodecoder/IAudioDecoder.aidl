package com.rdk.hal.audiodecoder;

/**
 * An audio decoder instance of the platform.
 *
 * Only its identity is declared here: the AV Buffer HAL uses it to size
 * pools for the decoder a pool will feed.
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
}
