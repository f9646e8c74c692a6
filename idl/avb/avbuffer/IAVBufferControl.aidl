package avb.avbuffer;

import avb.avbuffer.SinkFrame;

/**
 * The vendor control plane of avbufferd, for trusted vendor components only
 * (the profile's trusted users and groups); others get EX_SECURITY.
 * Served as object 2 beside IAVBuffer.
 */
interface IAVBufferControl {
    /** Object id of this interface on the AV Buffer service's endpoint. */
    const int OBJECT_ID = 2;

    /**
     * Marks a decoder configured (secure pools may be made for it) or not.
     * EX_ILLEGAL_ARGUMENT for a decoder the profile does not declare.
     */
    void setDecoderConfigured(boolean video, int decoderId, boolean configured);

    /**
     * The vendor media topology (entities, pads, links; Media Controller
     * style) as text, or as a Graphviz digraph when dot is true. Read-only:
     * any caller the access list admits may ask, trusted or not.
     */
    String describeGraph(boolean dot);

    /**
     * media-ctl -l: enables or disables the link from pad `source` to pad
     * `sink`, pads named "entity:index" as describeGraph prints them.
     * Enabling "video-decoder-N:3" -> "video-sink-N:0" puts decoder N in
     * tunnelled mode from its next start: its frames go to the stand-in sink,
     * and its listener gets frame handle -1. Trusted callers only.
     * EX_ILLEGAL_ARGUMENT: a bad pad name, no such link, or an immutable
     * link; EX_ILLEGAL_STATE: a pad of the link streams and the link is not
     * dynamic, or the sink pad already has an enabled link.
     */
    void setupLink(String source, String sink, boolean enabled);

    /**
     * media-ctl -V: what pad `pad` carries (fourcc as the four characters
     * read little-endian, width, height; 0 means any). Links are validated
     * against it when a decoder starts. Trusted callers only.
     * EX_ILLEGAL_ARGUMENT: a bad pad; EX_ILLEGAL_STATE: the pad streams.
     */
    void setPadFormat(String pad, int fourcc, int width, int height);

    /**
     * What the stand-in sink entity `sink` (e.g. "video-sink-0") presented
     * since the last call, oldest first; the sink keeps the last 4096.
     * Trusted callers only. EX_ILLEGAL_ARGUMENT: no such sink.
     */
    SinkFrame[] takeSinkFrames(String sink);
}
