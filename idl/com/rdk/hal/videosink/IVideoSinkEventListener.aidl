package com.rdk.hal.videosink;

import com.rdk.hal.State;

/** Observes one video sink; any number may be registered. */
@VintfStability
oneway interface IVideoSinkEventListener
{
    /** The first picture since start or flush was presented. */
    void onFirstFrameRendered(in long nsPresentationTime);

    /** The picture marked end of stream was presented. */
    void onEndOfStream(in long nsPresentationTime);

    /** The sink ran out of pictures while started. */
    void onVideoUnderflow();

    /** Presentation went on again after an underflow. */
    void onVideoResumed();

    /** A flush has released the queued pictures. */
    void onFlushComplete();

    /** The sink moved from oldState to newState. */
    void onStateChanged(in State oldState, in State newState);
}
