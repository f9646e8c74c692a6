package avb.avbuffer;

/** One frame a tunnelled-mode stand-in sink presented. */
parcelable SinkFrame {
    /** The frame's presentation time, as the decoder gave it. */
    long nsPresentationTime;
    /** When it was due: its pts minus the first pts since the sink's clock was anchored. */
    long nsDue;
    /** When it was presented, since the anchor; never before nsDue. */
    long nsPresented;
    /** MD5 of the frame's bytes in lower-case hex; empty in builds without the debug API. */
    String md5;
}
