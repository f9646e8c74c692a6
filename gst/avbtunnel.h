/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_GST_TUNNEL_H
#define AVB_GST_TUNNEL_H

/*
 * Tunnelled mode between a decoder element and a sink element.
 *
 * A decoder element with tunnelled=true, before it opens its HAL decoder,
 * sends the custom downstream query AVB_GST_TUNNEL_QUERY with "kind"
 * ("video" or "audio") and "decoder-id" (int) from its source pad. The
 * avbvideosink / avbaudiosink downstream answers it by calling
 * setVideoDecoder / setAudioDecoder(decoder-id) on its open sink
 * controller, and sets "sink-id" (int) in the answer. The decoder then opens
 * in tunnelled mode: frames go from the decoder to the HAL's sink inside
 * avbufferd; the decoder element pushes only empty buffers (no memory) with
 * the frames' timestamps, and events (segment, flush, EOS), so GStreamer
 * still sees the stream's progress. The decoder's end of stream comes after
 * the HAL's sink presented the last frame.
 *
 * A query nobody answers (no sink element of ours downstream, or a sink that
 * could not link) leaves the decoder to fail with a clear error.
 */

#include <gst/gst.h>

#define AVB_GST_TUNNEL_QUERY "avbuffer-tunnel"

/*
 * Asks downstream of pad to take decoder `decoder_id`'s tunnelled output;
 * TRUE and the sink's id in *ret_sink_id when a sink element did.
 */
static inline gboolean avb_gst_tunnel_link(GstPad *srcpad, const char *kind, gint decoder_id,
                                           gint *ret_sink_id)
{
        GstQuery *q = gst_query_new_custom(
            GST_QUERY_CUSTOM, gst_structure_new(AVB_GST_TUNNEL_QUERY, "kind", G_TYPE_STRING, kind,
                                                "decoder-id", G_TYPE_INT, decoder_id, NULL));
        gboolean ok = gst_pad_peer_query(srcpad, q) &&
                      gst_structure_get_int(gst_query_get_structure(q), "sink-id", ret_sink_id);

        gst_query_unref(q);
        return ok;
}

#endif
