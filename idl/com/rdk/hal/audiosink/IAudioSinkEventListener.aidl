package com.rdk.hal.audiosink;

import com.rdk.hal.audiosink.ErrorCode;
import com.rdk.hal.State;

/** Observes one audio sink; any number may be registered. */
@VintfStability
oneway interface IAudioSinkEventListener {
    /** The sink moved from oldState to newState. */
    void onStateChanged(in State oldState, in State newState);

    /** The first frame since start or flush was presented. */
    void onFirstFrameRendered(in long nsPresentationTime);

    /** The frame marked end of stream was presented. */
    void onEndOfStream(in long nsPresentationTime);

    /** The sink ran out of frames while started. */
    void onAudioUnderflow();

    /** Presentation went on again after an underflow. */
    void onAudioResumed(in long nsPresentationTime);

    /** A flush has released every queued frame. */
    void onFlushComplete();
}
