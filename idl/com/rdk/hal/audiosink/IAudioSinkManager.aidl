package com.rdk.hal.audiosink;

import com.rdk.hal.audiosink.IAudioSink;
import com.rdk.hal.audiosink.PlatformCapabilities;

/**
 * The entry point of the audio sink HAL, registered with the service
 * manager under serviceName.
 */
@VintfStability
interface IAudioSinkManager
{
    /** The name this service is registered under. */
    const @utf8InCpp String serviceName = "AudioSinkManager";

	/** The ids of every audio sink, open or not. */
	IAudioSink.Id[] getAudioSinkIds();

    /** What the platform's audio path as a whole offers. */
    PlatformCapabilities getPlatformCapabilities();

    /** The sink with this id, or null when there is none. */
    @nullable IAudioSink getAudioSink(in IAudioSink.Id audioSinkId);
}
