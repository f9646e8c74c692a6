package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.OperationalMode;
import com.rdk.hal.videodecoder.IVideoDecoder;

/**
 * The entry point of the video decoder HAL, registered with the service
 * manager under serviceName. Lists the decoders and hands them out.
 */
@VintfStability
interface IVideoDecoderManager
{
    /** The name this service is registered under. */
    const @utf8InCpp String serviceName = "VideoDecoderManager";

    /** The ids of every video decoder, open or not. */
    IVideoDecoder.Id[] getVideoDecoderIds();

    /** The operational modes the platform supports (see OperationalMode). */
    OperationalMode[] getSupportedOperationalModes();

    /** The decoder with this id, or null when there is none. */
    @nullable IVideoDecoder getVideoDecoder(in IVideoDecoder.Id videoDecoderId);
}
