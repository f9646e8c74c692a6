package com.rdk.hal.videosink;

import com.rdk.hal.videosink.IVideoSink;

/**
 * The entry point of the video sink HAL, registered with the service
 * manager under serviceName.
 */
@VintfStability
interface IVideoSinkManager
{
    /** The name this service is registered under. */
    const @utf8InCpp String serviceName = "VideoSinkManager";

    /** The ids of every video sink, open or not. */
    IVideoSink.Id[] getVideoSinkIds();

    /** The sink with this id, or null when there is none. */
    @nullable IVideoSink getVideoSink(in IVideoSink.Id videoSinkId);
}
