package com.rdk.hal.videosink;

/** What a video sink can do; the published HAL defines no fields yet. */
@VintfStability
parcelable Capabilities
{
}
