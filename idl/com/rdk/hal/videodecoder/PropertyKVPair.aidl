package com.rdk.hal.videodecoder;

import com.rdk.hal.videodecoder.Property;
import com.rdk.hal.PropertyValue;

/** A property and its value, as getPropertyMulti returns them. */
@VintfStability
parcelable PropertyKVPair{
    Property property;
    PropertyValue propertyValue;
}
