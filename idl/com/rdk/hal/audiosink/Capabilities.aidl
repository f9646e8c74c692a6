package com.rdk.hal.audiosink;

import com.rdk.hal.audiosink.ContentType;

/** What one audio sink can take. */
@VintfStability
parcelable Capabilities
{
	/** Whether frames in secure buffers can be queued. */
	boolean supportsSecure;
	/** The content types open accepts. */
	ContentType[] supportedContentTypes;
}
