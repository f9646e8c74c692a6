package avb.avbuffer;

/**
 * How much PCM a decoded audio frame holds in its AV buffer. avbufferd puts
 * one in the extension of every audio FrameMetadata it sends (audio frames
 * always carry metadata), since the published metadata gives the format but
 * not the size: the frame's samples are its first frameBytes bytes.
 */
@VintfStability
parcelable PcmLayout {
    /** Bytes of PCM from the start of the buffer. */
    int frameBytes;
    /** Samples per channel in those bytes. */
    int samples;
}
