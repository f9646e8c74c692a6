package avb.avbuffer;

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
}
