/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbvideosink: decoded frames (video/x-raw(memory:AVBuffer), I420 or NV12)
 * handed by handle to the published Video Sink HAL
 * (IVideoSinkController.queueVideoFrame), which presents them by the
 * pipeline's AV clock. Everything but the HAL calls is avbsink.c's.
 *
 * The frame's plane layout goes with it in the metadata's extension
 * (avb.avbuffer.PlaneLayout): from the buffer's GstVideoMeta, else from the
 * caps, so the HAL's sink reads the visible picture where it lies.
 */
#include <errno.h>

#include <gst/video/video.h>

#include "avb_avbuffer.h"
#include "avbmemory.h"
#include "avbsink.h"
#include "com_rdk_hal_videosink.h"

#define VS(x) com_rdk_hal_videosink_##x

#define AVB_GST_TYPE_VIDEO_SINK (avb_gst_video_sink_get_type())
G_DECLARE_FINAL_TYPE(AvbGstVideoSink, avb_gst_video_sink, AVB_GST, VIDEO_SINK, AvbGstSink)

struct _AvbGstVideoSink {
        AvbGstSink parent;
        GstVideoInfo info; /* from the caps */
};

G_DEFINE_TYPE(AvbGstVideoSink, avb_gst_video_sink, AVB_GST_TYPE_SINK)
GST_ELEMENT_REGISTER_DECLARE(avbvideosink);
GST_ELEMENT_REGISTER_DEFINE(avbvideosink, "avbvideosink", GST_RANK_NONE, AVB_GST_TYPE_VIDEO_SINK)

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                            GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE_WITH_FEATURES(
                                AVB_GST_CAPS_FEATURE_MEMORY, "{ I420, NV12 }")));

/* ---- the controller listener ------------------------------------------------ */

static const VS(IVideoSinkControllerListener_ops) listener_ops = {
    .onFirstFrameRendered = avb_gst_sink_ignore_pts,
    .onEndOfStream = avb_gst_sink_on_eos,
    .onVideoUnderflow = avb_gst_sink_ignore,
    .onVideoResumed = avb_gst_sink_ignore,
    .onFlushComplete = avb_gst_sink_ignore,
    .onStateChanged = avb_gst_ignore_state,
    .onFrameBufferAvailable = avb_gst_sink_on_space,
};

/* ---- the HAL calls ------------------------------------------------------------ */

static int vs_open(AvbGstSink *s, avb_binder *mgr, int32_t id, avb_binder **ret_sink,
                   avb_binder **ret_ctl, avb_binder **ret_listener)
{
        VS(IVideoSink_Id) sid = {.value = id};
        avb_status st = VS(IVideoSinkManager_getVideoSink)(mgr, &sid, ret_sink);

        if (!avb_status_is_ok(&st) || !*ret_sink)
                return -ENODEV;
        /* the listener keeps the element alive for as long as the HAL may call it */
        if (VS(IVideoSinkControllerListener_new_local)(&listener_ops, g_object_ref(s),
                                                       g_object_unref, ret_listener) < 0) {
                g_object_unref(s);
                return -ENOMEM;
        }
        st = VS(IVideoSink_open)(*ret_sink, *ret_listener, ret_ctl);
        return avb_status_is_ok(&st) ? 0 : -EIO;
}

static avb_status vs_close(avb_binder *sink, avb_binder *ctl, bool *ret)
{
        return VS(IVideoSink_close)(sink, ctl, ret);
}

static avb_status vs_flush(avb_binder *ctl)
{
        return VS(IVideoSinkController_flush)(ctl, false);
}

static avb_status vs_attach(avb_binder *ctl, int32_t clock_id)
{
        com_rdk_hal_avclock_IAVClock_Id id = {.value = clock_id};

        return VS(IVideoSinkController_attachClock)(ctl, &id);
}

static avb_status vs_set_decoder(avb_binder *ctl, int32_t decoder_id, bool *ret)
{
        com_rdk_hal_videodecoder_IVideoDecoder_Id id = {.value = decoder_id};

        return VS(IVideoSinkController_setVideoDecoder)(ctl, &id, ret);
}

/* The plane layout of buf: its GstVideoMeta where it has one, else the caps'. */
static void plane_layout(AvbGstVideoSink *v, GstBuffer *buf, avb_avbuffer_PlaneLayout *l,
                         int32_t offsets[3], int32_t strides[3])
{
        GstVideoMeta *meta = gst_buffer_get_video_meta(buf);
        guint n = meta ? meta->n_planes : GST_VIDEO_INFO_N_PLANES(&v->info);

        n = MIN(n, 3u);
        for (guint i = 0; i < n; i++) {
                offsets[i] =
                    (int32_t)(meta ? meta->offset[i] : GST_VIDEO_INFO_PLANE_OFFSET(&v->info, i));
                strides[i] = meta ? meta->stride[i] : GST_VIDEO_INFO_PLANE_STRIDE(&v->info, i);
        }
        l->format = GST_VIDEO_INFO_FORMAT(&v->info) == GST_VIDEO_FORMAT_NV12
                        ? avb_avbuffer_PlaneLayout_FORMAT_NV12
                        : avb_avbuffer_PlaneLayout_FORMAT_I420;
        l->width = meta ? (int32_t)meta->width : GST_VIDEO_INFO_WIDTH(&v->info);
        l->height = meta ? (int32_t)meta->height : GST_VIDEO_INFO_HEIGHT(&v->info);
        l->offsets = offsets;
        l->offsets_count = n;
        l->strides = strides;
        l->strides_count = n;
        l->frameBytes = (int32_t)gst_buffer_get_size(buf);
}

static avb_status vs_queue(AvbGstSink *s, avb_binder *ctl, int64_t pts, int64_t handle,
                           GstBuffer *buf, bool eos, bool *ret)
{
        com_rdk_hal_videodecoder_FrameMetadata md;
        avb_avbuffer_PlaneLayout l;
        int32_t offsets[3], strides[3];
        avb_status st;

        com_rdk_hal_videodecoder_FrameMetadata_init(&md);
        avb_avbuffer_PlaneLayout_init(&l);
        md.endOfStream = eos;
        plane_layout(AVB_GST_VIDEO_SINK(s), buf, &l, offsets, strides);
        if (avb_avbuffer_PlaneLayout_holder_put(&md.extension, &l) < 0)
                return avb_status_from_errno(-ENOMEM, "plane layout");
        st = VS(IVideoSinkController_queueVideoFrame)(ctl, pts, handle, &md, ret);
        avb_parcelable_holder_fini(&md.extension);
        return st;
}

/* ---- the element ----------------------------------------------------------------- */

static gboolean set_caps(GstBaseSink *base, GstCaps *caps)
{
        AvbGstVideoSink *v = AVB_GST_VIDEO_SINK(base);

        return gst_video_info_from_caps(&v->info, caps);
}

static void avb_gst_video_sink_class_init(AvbGstVideoSinkClass *klass)
{
        GstElementClass *e = GST_ELEMENT_CLASS(klass);
        AvbGstSinkClass *s = AVB_GST_SINK_CLASS(klass);

        gst_element_class_add_static_pad_template(e, &sink_template);
        gst_element_class_set_static_metadata(
            e, "AV Buffer HAL video sink", "Sink/Video",
            "Hands decoded frames by their AV buffer handles to the Video Sink HAL, which "
            "presents them by the pipeline's AV clock",
            "avbuffer");
        GST_BASE_SINK_CLASS(klass)->set_caps = set_caps;
        s->kind = "video";
        s->service = VS(IVideoSinkManager_serviceName);
        s->open = vs_open;
        s->close = vs_close;
        s->start = VS(IVideoSinkController_start);
        s->stop = VS(IVideoSinkController_stop);
        s->flush = vs_flush;
        s->attach_clock = vs_attach;
        s->set_decoder = vs_set_decoder;
        s->queue = vs_queue;
}

static void avb_gst_video_sink_init(AvbGstVideoSink *v)
{
        gst_video_info_init(&v->info);
}
