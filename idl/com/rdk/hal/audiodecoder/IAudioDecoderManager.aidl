package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.IAudioDecoder;

/**
 * The entry point of the audio decoder HAL, registered with the service
 * manager under serviceName.
 */
@VintfStability
interface IAudioDecoderManager
{
    /** The name this service is registered under. */
    const @utf8InCpp String serviceName = "audiodecodermanager";

    /** The ids of every audio decoder, open or not. */
    IAudioDecoder.Id[] getAudioDecoderIds();

    /** The decoder with this id, or null when there is none. */
    @nullable IAudioDecoder getAudioDecoder(in IAudioDecoder.Id decoderResourceId);
}
