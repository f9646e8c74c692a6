package com.rdk.hal.audiodecoder;

/**
 * The properties of an audio decoder, read with IAudioDecoder.getProperty
 * and written with IAudioDecoderController.setProperty. Values are
 * intValue unless stated; writing a read-only property raises
 * EX_UNSUPPORTED_OPERATION.
 */
@VintfStability
@Backing(type="int")
enum Property {
    /** The decoder's id. Read-only. */
    RESOURCE_ID = 0,
    /** 1: output as early as possible. 0 on open. Written in READY. */
    LOW_LATENCY_MODE = 1,
    /** The AVSource of the stream, repeated in frame metadata. Written in READY. */
    AV_SOURCE = 3,
    /** 1 when the decoder was opened for the secure path. Read-only. */
    SECURE_AUDIO = 4,
    /** AC-4: the presentation group to decode. */
    AC4_PRESENTATION_GROUP_INDEX = 200,
    /** AC-4: the first preferred language (stringValue, ISO 639). */
    AC4_PREFERRED_LANG1 = 201,
    /** AC-4: the second preferred language (stringValue, ISO 639). */
    AC4_PREFERRED_LANG2 = 202,
    /** AC-4: the kind of associated audio wanted. */
    AC4_ASSOCIATED_TYPE = 203,
    /** AC-4: whether language or associated type wins when choosing automatically. */
    AC4_AUTO_SELECTION_PRIORITY = 204,
    /** AC-4: balance between main and associated audio. */
    AC4_MIXER_BALANCE = 205,
    /** AC-4: 1 to mix associated audio in. */
    AC4_ASSOCIATED_AUDIO_MIXING_ENABLE = 206,
    /** Frames decoded since open, flush or stop; -1 when not counted. Read-only. */
    METRIC_FRAMES_DECODED = 1000,
    /** Decode errors since open, flush or stop; -1 when not counted. Read-only. */
    METRIC_DECODE_ERRORS = 1001,
    /** Frames not output because of errors; -1 when not counted. Read-only. */
    METRIC_FRAMES_DROPPED = 1002,
}
