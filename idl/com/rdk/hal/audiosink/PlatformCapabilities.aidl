package com.rdk.hal.audiosink;

import com.rdk.hal.audiodecoder.PCMFormat;

/** The platform's audio output as a whole. */
@VintfStability
parcelable PlatformCapabilities {
    /** Whether a low-latency path exists. */
    boolean supportsLowLatency;
    /** The rate the system mixer runs at. */
    int systemMixerSampleRateHz;
    /** The sample format the system mixer runs in. */
    PCMFormat systemMixerPCMFormat;
    /** Whether planar (non-interleaved) PCM is accepted. */
    boolean supportsPlanarFormat;
    /** Whether the SoC's own compressed formats pass through. */
    boolean supportsSoCProprietary;
    /** The most channels one sink takes. */
    int maxNumChannels;
    /** Whether Dolby Atmos output is possible. */
    boolean supportsDolbyAtmos;
}
