/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_GST_SINK_H
#define AVB_GST_SINK_H

/*
 * AvbGstSink: what avbvideosink and avbaudiosink share (abstract,
 * GstBaseSink). The subclass supplies the calls of its HAL package
 * (com.rdk.hal.videosink or .audiosink) in its class; this base drives them.
 *
 * - start (READY to PAUSED): opens sink "sink-id" of the HAL, attaches it to
 *   the pipeline's AV clock (avbclock.h; "clock-id") and starts it. stop
 *   closes it, which frees every frame the HAL still held.
 * - Each buffer's first memory must be an AV buffer (memory:AVBuffer, a
 *   decoder's frame). Its handle is taken out of the memory (it must be
 *   exclusive; a shared one is copied first) and queued with the buffer's
 *   running time: the HAL owns it from then on. A full queue waits for the
 *   controller listener's onFrameBufferAvailable, broken by a flush or a
 *   state change. A buffer without memory (tunnelled mode) is only counted.
 * - One frame is held back until the next arrives or EOS, so that the last
 *   frame can carry endOfStream; EOS goes on once the HAL's onEndOfStream
 *   says that frame was presented.
 * - Pacing is the HAL's: the base sink does not sync to the GStreamer clock
 *   ("sync" is FALSE), the HAL's sink presents each frame when the AV clock
 *   reaches its time, and the AV clock runs (rate 1) only in PLAYING.
 * - A flush (seek) flushes the HAL's sink and restarts the AV clock.
 * - The tunnel query (avbtunnel.h) makes the HAL's sink take the decoder's
 *   output directly (setVideoDecoder / setAudioDecoder).
 *
 * Locking: the HAL listener's threads only touch the counters under the
 * element's lock; every HAL call is made from a GStreamer thread.
 */

#include <stdbool.h>
#include <stdint.h>

#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

#include "avbconn.h"

G_BEGIN_DECLS

#define AVB_GST_TYPE_SINK (avb_gst_sink_get_type())
G_DECLARE_DERIVABLE_TYPE(AvbGstSink, avb_gst_sink, AVB_GST, SINK, GstBaseSink)

/* What the HAL's controller listener heard (avb_gst_sink_heard). */
enum avb_gst_sink_event {
        AVB_GST_SINK_SPACE, /* onFrameBufferAvailable */
        AVB_GST_SINK_EOS,   /* onEndOfStream */
};

struct _AvbGstSinkClass {
        GstBaseSinkClass parent_class;
        const char *kind;    /* "video" or "audio", as the tunnel query names it */
        const char *service; /* the HAL's manager */
        /*
         * Opens sink `id` of manager `mgr` with a controller listener whose
         * notifications call avb_gst_sink_heard(s, ...): the sink object, its
         * controller and the listener (0), or -errno.
         */
        int (*open)(AvbGstSink *s, avb_binder *mgr, int32_t id, avb_binder **ret_sink,
                    avb_binder **ret_ctl, avb_binder **ret_listener);
        avb_status (*close)(avb_binder *sink, avb_binder *ctl, bool *ret);
        avb_status (*start)(avb_binder *ctl);
        avb_status (*stop)(avb_binder *ctl);
        avb_status (*flush)(avb_binder *ctl);
        avb_status (*attach_clock)(avb_binder *ctl, int32_t clock_id);
        avb_status (*set_decoder)(avb_binder *ctl, int32_t decoder_id, bool *ret);
        /* queues frame `handle` (buf's) at pts; *ret false when the queue is full */
        avb_status (*queue)(AvbGstSink *s, avb_binder *ctl, int64_t pts, int64_t handle,
                            GstBuffer *buf, bool eos, bool *ret);
};

/* For the subclass's listener, from any thread. */
void avb_gst_sink_heard(AvbGstSink *s, enum avb_gst_sink_event ev);

/*
 * Controller listener methods both HALs' listeners share (impl: the
 * AvbGstSink; any thread): onEndOfStream and onFrameBufferAvailable tell
 * the element (avb_gst_sink_heard); the others are news it does not need
 * (a method with a pts, or one without).
 */
avb_status avb_gst_sink_on_eos(void *impl, avb_call *call, int64_t pts);
avb_status avb_gst_sink_on_space(void *impl, avb_call *call);
avb_status avb_gst_sink_ignore_pts(void *impl, avb_call *call, int64_t pts);
avb_status avb_gst_sink_ignore(void *impl, avb_call *call);

G_END_DECLS

#endif
