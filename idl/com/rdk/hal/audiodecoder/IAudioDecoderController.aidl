package com.rdk.hal.audiodecoder;

import com.rdk.hal.audiodecoder.CSDAudioFormat;
import com.rdk.hal.audiodecoder.Property;
import com.rdk.hal.audiodecoder.InputBufferMetadata;
import com.rdk.hal.PropertyValue;

/**
 * The handle of the client that opened an audio decoder. It stops working
 * once the decoder is closed or its client dies. Calls in the wrong state
 * fail with EX_ILLEGAL_STATE and change nothing.
 */
@VintfStability
interface IAudioDecoderController {
    /**
     * Write a property. False for an unknown property or a bad value;
     * EX_UNSUPPORTED_OPERATION for a read-only one; EX_ILLEGAL_STATE outside
     * the states the property names.
     */
    boolean setProperty(in Property property, in PropertyValue propertyValue);

    /** READY -> STARTING -> STARTED. */
    void start();

    /** STARTED -> STOPPING -> READY; what is queued or undelivered is freed. */
    void stop();

    /**
     * Queue one coded buffer (STARTED only). True: the decoder owns it from
     * now on. False: the queue is full and the caller keeps it until
     * onDecodeBufferAvailable. EX_ILLEGAL_ARGUMENT for a bad handle or
     * metadata.discontinuity set.
     */
    boolean decodeBufferWithMetadata(in long bufferHandle, in InputBufferMetadata metadata);

    /** Drop what is queued and undelivered (STARTED only); reset: back to READY. */
    void flush(in boolean reset);

    /** The next buffers are not continuous in time with earlier ones (STARTED only). */
    void signalDiscontinuity();

    /**
     * Give the decoder the stream's out-of-band configuration (STARTED only)
     * before the first buffer that needs it. False for an empty or malformed
     * record, or a format the codec does not use.
     */
    boolean parseCodecSpecificData(in CSDAudioFormat csdAudioFormat, in byte[] codecData);

    /** The channel count and sample rate, for streams that do not carry them (READY only). */
    void setAudioFormat(in int channels, in int sampleRate);
}
