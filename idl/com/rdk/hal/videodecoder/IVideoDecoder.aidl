package com.rdk.hal.videodecoder;

/**
 * A video decoder instance of the platform.
 *
 * Only its identity is declared here: the AV Buffer HAL uses it to size
 * pools for the decoder a pool will feed.
 */
@VintfStability
interface IVideoDecoder {
    /** The identity of a video decoder resource. */
    parcelable Id {
        /** No decoder. */
        const int UNDEFINED = -1;
        /** Decoder index, 0-based, as the platform profile declares it. */
        int value = UNDEFINED;
    }
}
