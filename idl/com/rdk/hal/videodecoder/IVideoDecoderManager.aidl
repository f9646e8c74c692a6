package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.IVideoDecoder;

/**
 * The video decoders of the platform, registered with the service manager
 * as serviceName by avbufferd.
 */
@VintfStability
interface IVideoDecoderManager {
    const String serviceName = "VideoDecoderManager";

    /** The ids the platform profile declares. */
    IVideoDecoder.Id[] getVideoDecoderIds();
    /** The decoder with that id; EX_ILLEGAL_ARGUMENT for an unknown id. */
    IVideoDecoder getVideoDecoder(in IVideoDecoder.Id id);
}
