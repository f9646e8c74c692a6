package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.IAudioDecoder;

/**
 * The audio decoders of the platform, registered with the service manager
 * as serviceName by avbufferd.
 */
@VintfStability
interface IAudioDecoderManager {
    const String serviceName = "AudioDecoderManager";

    /** The ids the platform profile declares (UNDEFINED is not a decoder). */
    IAudioDecoder.Id[] getAudioDecoderIds();
    /** The decoder with that id; EX_ILLEGAL_ARGUMENT for an unknown id. */
    IAudioDecoder getAudioDecoder(in IAudioDecoder.Id id);
}
