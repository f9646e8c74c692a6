package com.rdk.hal.avclock;

/** What an AV clock can do; the published HAL defines no fields yet. */
@VintfStability
parcelable Capabilities
{
}
