/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbvideodec: a GstVideoDecoder over the published video decoder HAL
 * (docs/gstreamer.md). Coded input goes to the decoder as AV buffer
 * handles; frames come back as handles wrapped in AVBuffer memory.
 *
 * Threads: handle_frame runs on the sink streaming thread and gives its
 * input to the HAL, holding one buffer back so that the last one of a
 * stream can carry endOfStream (the HAL has no end-of-stream-only input).
 * onFrameOutput arrives on the IPC callback thread, which only queues it
 * (avbvideodec_hal.c); a task on the source pad pops frames, matches each
 * to its GstVideoCodecFrame by pts and pushes it. Every wait for the HAL
 * (pool room, queue room, the drain) is made without the stream lock, and
 * FLUSH_START breaks it.
 */
#include <errno.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/video/video.h>

#include "avbmemory.h"
#include "avbvideodec_hal.h"

GST_DEBUG_CATEGORY_STATIC(avb_video_dec_debug);
#define GST_CAT_DEFAULT avb_video_dec_debug

#define AVB_TYPE_VIDEO_DEC (avb_video_dec_get_type())
G_DECLARE_FINAL_TYPE(AvbVideoDec, avb_video_dec, AVB, VIDEO_DEC, GstVideoDecoder)

enum { PROP_0, PROP_SECURE, PROP_TUNNELLED, PROP_DECODER_ID };

struct _AvbVideoDec {
        GstVideoDecoder parent;
        /* properties (object lock) */
        gboolean secure, tunnelled;
        gint decoder_id;
        /* from open to close */
        avb_gst_conn *conn;
        avb_vdec_caps hal_caps;
        /* from start to stop */
        avb_vdec *vdec;
        GstVideoCodecState *input_state;
        /* streaming thread (stream lock) */
        int64_t held;     /* the input held back, or -1 */
        int64_t held_pts; /* its pts */
        bool discont_pending;
        bool after_flush; /* no buffer since start or flush */
        /* the source pad task (and lock below for what others read) */
        avb_vdec_meta meta;
        bool have_meta, negotiated;
        gboolean downstream_meta; /* downstream reads GstVideoMeta */
        GMutex lock;
        GCond cond;
        GstFlowReturn task_ret;
        bool eos_seen;
};

G_DEFINE_TYPE(AvbVideoDec, avb_video_dec, GST_TYPE_VIDEO_DECODER)
GST_ELEMENT_REGISTER_DECLARE(avbvideodec);
GST_ELEMENT_REGISTER_DEFINE(avbvideodec, "avbvideodec", GST_RANK_NONE, AVB_TYPE_VIDEO_DEC)

#define H264_CAPS(features)                                                                        \
        "video/x-h264" features ", stream-format=(string)byte-stream, alignment=(string)au; "      \
        "video/x-h264" features ", stream-format=(string)avc, alignment=(string)au"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS(H264_CAPS("") "; " H264_CAPS("(" AVB_GST_CAPS_FEATURE_MEMORY ")")));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE_WITH_FEATURES(AVB_GST_CAPS_FEATURE_MEMORY,
                                                      "I420") "; " GST_VIDEO_CAPS_MAKE("I420")));

/* The key an input buffer goes to the HAL with: its pts, else one made up from its number. */
static int64_t frame_key(GstVideoCodecFrame *frame)
{
        if (GST_CLOCK_TIME_IS_VALID(frame->pts))
                return (int64_t)frame->pts;
        return (int64_t)frame->system_frame_number * GST_MSECOND;
}

static void free_held(AvbVideoDec *self)
{
        if (self->held != -1 && self->vdec)
                avb_vdec_free_handle(self->vdec, self->held);
        self->held = -1;
}

/* ---- output: the source pad task ------------------------------------------------ */

static GstVideoCodecFrame *find_frame(AvbVideoDec *self, int64_t key)
{
        GList *frames = gst_video_decoder_get_frames(GST_VIDEO_DECODER(self));
        GstVideoCodecFrame *found = NULL;

        for (GList *l = frames; l; l = l->next) {
                GstVideoCodecFrame *f = l->data;

                if (!found && frame_key(f) == key)
                        found = gst_video_codec_frame_ref(f);
        }
        g_list_free_full(frames, (GDestroyNotify)gst_video_codec_frame_unref);
        return found;
}

/* Whether the HAL's layout is what GstVideoInfo gives for the negotiated size. */
static bool layout_is_default(AvbVideoDec *self, const GstVideoInfo *info)
{
        if (!self->meta.n_planes)
                return GST_VIDEO_INFO_PLANE_STRIDE(info, 0) == self->meta.width &&
                       GST_VIDEO_INFO_PLANE_STRIDE(info, 1) == self->meta.width / 2;
        for (guint i = 0; i < 3; i++)
                if ((gsize)self->meta.offset[i] != GST_VIDEO_INFO_PLANE_OFFSET(info, i) ||
                    self->meta.stride[i] != GST_VIDEO_INFO_PLANE_STRIDE(info, i))
                        return false;
        return true;
}

static gboolean negotiate_output(AvbVideoDec *self)
{
        GstVideoDecoder *dec = GST_VIDEO_DECODER(self);
        GstVideoCodecState *st =
            gst_video_decoder_set_output_state(dec, GST_VIDEO_FORMAT_I420, (guint)self->meta.width,
                                               (guint)self->meta.height, self->input_state);
        GstCaps *plain, *avb, *peer;
        gboolean ok;

        if (self->meta.fps_n > 0) {
                GST_VIDEO_INFO_FPS_N(&st->info) = self->meta.fps_n;
                GST_VIDEO_INFO_FPS_D(&st->info) = self->meta.fps_d;
        }
        GST_VIDEO_INFO_PAR_N(&st->info) = self->meta.par_n;
        GST_VIDEO_INFO_PAR_D(&st->info) = self->meta.par_d;
        plain = gst_video_info_to_caps(&st->info);
        avb = gst_caps_copy(plain);
        gst_caps_set_features(avb, 0, gst_caps_features_new(AVB_GST_CAPS_FEATURE_MEMORY, NULL));
        peer = gst_pad_peer_query_caps(GST_VIDEO_DECODER_SRC_PAD(dec), NULL);
        /*
         * Plain video/x-raw for non-secure frames whenever downstream reads
         * it (the memory is still AVBuffer memory, mappable); memory:AVBuffer
         * otherwise, and always for secure frames, which nothing may map.
         */
        gst_caps_replace(&st->caps, NULL);
        if (!self->secure && gst_caps_can_intersect(peer, plain))
                st->caps = gst_caps_ref(plain);
        else if (gst_caps_can_intersect(peer, avb))
                st->caps = gst_caps_ref(avb);
        GST_DEBUG_OBJECT(self, "output %" GST_PTR_FORMAT " to a peer taking %" GST_PTR_FORMAT,
                         st->caps, peer);
        ok = st->caps && gst_video_decoder_negotiate(dec);
        gst_caps_unref(peer);
        gst_caps_unref(plain);
        gst_caps_unref(avb);
        gst_video_codec_state_unref(st);
        if (!ok)
                GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, (NULL),
                                  ("downstream takes none of the caps for %dx%d %s frames",
                                   self->meta.width, self->meta.height,
                                   self->secure ? "secure (memory:AVBuffer only)" : ""));
        self->negotiated = ok;
        return ok;
}

/* A frame in its AV buffer, with its plane layout; a copy where downstream needs one. */
static GstBuffer *frame_buffer(AvbVideoDec *self, int64_t handle)
{
        GstVideoCodecState *st = gst_video_decoder_get_output_state(GST_VIDEO_DECODER(self));
        GstMemory *mem =
            avb_gst_allocator_wrap(avb_vdec_allocator(self->vdec), handle, self->meta.frame_bytes);
        GstBuffer *buf, *copy;
        gsize offset[GST_VIDEO_MAX_PLANES] = {0};
        gint stride[GST_VIDEO_MAX_PLANES] = {0};
        GstVideoFrame in, out;
        GstVideoInfo info;
        bool sysmem = !gst_caps_features_contains(gst_caps_get_features(st->caps, 0),
                                                  AVB_GST_CAPS_FEATURE_MEMORY);

        if (!mem) {
                gst_video_codec_state_unref(st);
                return NULL;
        }
        buf = gst_buffer_new();
        gst_buffer_append_memory(buf, mem);
        for (guint i = 0; i < 3; i++) {
                offset[i] = self->meta.n_planes ? (gsize)self->meta.offset[i]
                                                : GST_VIDEO_INFO_PLANE_OFFSET(&st->info, i);
                stride[i] = self->meta.n_planes ? self->meta.stride[i]
                                                : GST_VIDEO_INFO_PLANE_STRIDE(&st->info, i);
        }
        if (!self->meta.n_planes) { /* packed at the picture's size */
                stride[0] = self->meta.width;
                stride[1] = stride[2] = self->meta.width / 2;
                offset[1] = (gsize)self->meta.width * (gsize)self->meta.height;
                offset[2] = offset[1] + (gsize)stride[1] * (gsize)(self->meta.height / 2);
        }
        gst_buffer_add_video_meta_full(buf, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_I420,
                                       (guint)self->meta.width, (guint)self->meta.height, 3, offset,
                                       stride);
        if (!sysmem || self->downstream_meta || layout_is_default(self, &st->info)) {
                gst_video_codec_state_unref(st);
                return buf;
        }
        /* downstream reads the default layout only: one copy into it */
        info = st->info;
        gst_video_codec_state_unref(st);
        copy = gst_buffer_new_allocate(NULL, GST_VIDEO_INFO_SIZE(&info), NULL);
        if (gst_video_frame_map(&in, &info, buf, GST_MAP_READ)) {
                if (gst_video_frame_map(&out, &info, copy, GST_MAP_WRITE)) {
                        gst_video_frame_copy(&out, &in);
                        gst_video_frame_unmap(&out);
                }
                gst_video_frame_unmap(&in);
        }
        gst_buffer_unref(buf);
        return copy;
}

static GstFlowReturn output_frame(AvbVideoDec *self, const avb_vdec_frame *f)
{
        GstVideoDecoder *dec = GST_VIDEO_DECODER(self);
        GstVideoCodecFrame *frame;
        GstFlowReturn ret = GST_FLOW_OK;

        GST_VIDEO_DECODER_STREAM_LOCK(dec);
        frame = find_frame(self, f->pts);
        if (!frame) {
                GST_DEBUG_OBJECT(self, "frame at %" G_GINT64_FORMAT " matches no input", f->pts);
                if (f->handle != -1)
                        avb_vdec_free_handle(self->vdec, f->handle);
        } else if (f->handle == -1) { /* tunnelled: the vendor sink has it */
                gst_video_decoder_release_frame(dec, frame);
        } else if (!self->negotiated && !negotiate_output(self)) {
                avb_vdec_free_handle(self->vdec, f->handle);
                gst_video_decoder_release_frame(dec, frame);
                ret = GST_FLOW_NOT_NEGOTIATED;
        } else {
                frame->output_buffer = frame_buffer(self, f->handle);
                if (frame->output_buffer)
                        ret = gst_video_decoder_finish_frame(dec, frame);
                else
                        ret = gst_video_decoder_drop_frame(dec, frame);
        }
        GST_VIDEO_DECODER_STREAM_UNLOCK(dec);
        return ret;
}

static void src_loop(AvbVideoDec *self)
{
        GstPad *src = GST_VIDEO_DECODER_SRC_PAD(self);
        avb_vdec_frame f;
        GstFlowReturn ret = GST_FLOW_OK;

        if (!avb_vdec_pop(self->vdec, &f)) {
                GST_DEBUG_OBJECT(self, "flushing: the task pauses");
                ret = GST_FLOW_FLUSHING;
                goto pause;
        }
        if (f.has_meta) {
                if (!self->have_meta || f.meta.width != self->meta.width ||
                    f.meta.height != self->meta.height || f.meta.fps_n != self->meta.fps_n ||
                    f.meta.fps_d != self->meta.fps_d)
                        self->negotiated = false; /* a new format: renegotiate */
                self->meta = f.meta;
                self->have_meta = true;
        }
        if (f.handle != -1 || f.pts != -1)
                ret = output_frame(self, &f);
        if (f.eos) {
                g_mutex_lock(&self->lock);
                self->eos_seen = true;
                g_cond_broadcast(&self->cond);
                g_mutex_unlock(&self->lock);
        }
        if (ret == GST_FLOW_OK)
                return;
pause:
        if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS)
                GST_ELEMENT_FLOW_ERROR(self, ret);
        g_mutex_lock(&self->lock);
        self->task_ret = ret;
        g_cond_broadcast(&self->cond);
        g_mutex_unlock(&self->lock);
        gst_pad_pause_task(src);
}

static void start_task(AvbVideoDec *self)
{
        GstPad *src = GST_VIDEO_DECODER_SRC_PAD(self);

        if (gst_pad_get_task_state(src) == GST_TASK_STARTED)
                return;
        g_mutex_lock(&self->lock);
        self->task_ret = GST_FLOW_OK;
        g_mutex_unlock(&self->lock);
        gst_pad_start_task(src, (GstTaskFunction)src_loop, self, NULL);
}

static void stop_task(AvbVideoDec *self)
{
        if (self->vdec)
                avb_vdec_set_flushing(self->vdec, true);
        gst_pad_stop_task(GST_VIDEO_DECODER_SRC_PAD(self));
}

/* ---- input ------------------------------------------------------------------------ */

/* The input as an AV buffer handle of ours: taken over (AVBuffer memory) or copied in. */
static int input_handle(AvbVideoDec *self, GstBuffer *in, int64_t *ret_handle)
{
        GstVideoDecoder *dec = GST_VIDEO_DECODER(self);
        GstMemory *mem = gst_buffer_n_memory(in) == 1 ? gst_buffer_peek_memory(in, 0) : NULL;
        GstMemory *av = NULL;
        gsize size = gst_buffer_get_size(in);
        GstMapInfo src, dst;
        int e;

        if (mem && avb_gst_is_memory(mem) && avb_gst_memory_is_secure(mem) == (bool)self->secure &&
            gst_buffer_is_writable(in) && avb_gst_memory_steal(mem, ret_handle) == 0)
                return 0;
        if (size == 0)
                return -ENODATA;
        GST_VIDEO_DECODER_STREAM_UNLOCK(dec);
        e = avb_vdec_alloc(self->vdec, size, &av);
        GST_VIDEO_DECODER_STREAM_LOCK(dec);
        if (e < 0)
                return e;
        if (mem && avb_gst_is_memory(mem)) {
                /* an AV buffer we may not take: copied buffer to buffer */
                avb_helper_range r = {.src_offset = (uint32_t)mem->offset, .size = (uint32_t)size};

                e = avb_helper_copy(self->conn->helper, avb_gst_memory_handle(av),
                                    avb_gst_memory_handle(mem), &r, 1);
        } else if (!gst_buffer_map(in, &src, GST_MAP_READ)) {
                e = -EIO;
        } else {
                if (self->secure)
                        e = avb_helper_write(self->conn->helper, avb_gst_memory_handle(av), 0,
                                             src.data, src.size);
                else if (gst_memory_map(av, &dst, GST_MAP_WRITE)) {
                        memcpy(dst.data, src.data, src.size);
                        gst_memory_unmap(av, &dst);
                } else
                        e = -EIO;
                gst_buffer_unmap(in, &src);
        }
        if (e == 0)
                e = avb_gst_memory_steal(av, ret_handle);
        gst_memory_unref(av); /* frees the handle unless it was taken */
        return e;
}

/* Gives the held-back buffer to the decoder (with endOfStream when eos). */
static GstFlowReturn send_held(AvbVideoDec *self, bool eos)
{
        GstVideoDecoder *dec = GST_VIDEO_DECODER(self);
        int e;

        if (self->held == -1)
                return GST_FLOW_OK;
        GST_VIDEO_DECODER_STREAM_UNLOCK(dec);
        e = avb_vdec_decode(self->vdec, self->held, self->held_pts, eos);
        GST_VIDEO_DECODER_STREAM_LOCK(dec);
        if (e == 0) {
                self->held = -1;
                return GST_FLOW_OK;
        }
        free_held(self);
        if (e == -ECANCELED)
                return GST_FLOW_FLUSHING;
        GST_ELEMENT_ERROR(self, STREAM, DECODE, (NULL), ("the decoder refused a buffer"));
        return GST_FLOW_ERROR;
}

static GstFlowReturn handle_frame(GstVideoDecoder *dec, GstVideoCodecFrame *frame)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);
        GstFlowReturn ret;
        int64_t h = -1;
        int e;

        g_mutex_lock(&self->lock);
        ret = self->task_ret;
        g_mutex_unlock(&self->lock);
        if (ret != GST_FLOW_OK && ret != GST_FLOW_FLUSHING) {
                gst_video_decoder_release_frame(dec, frame);
                return ret;
        }
        start_task(self);
        if (GST_BUFFER_FLAG_IS_SET(frame->input_buffer, GST_BUFFER_FLAG_DISCONT) &&
            !self->after_flush)
                self->discont_pending = true;
        self->after_flush = false;
        e = input_handle(self, frame->input_buffer, &h);
        if (e == -ECANCELED) {
                gst_video_codec_frame_unref(frame);
                return GST_FLOW_FLUSHING;
        }
        if (e < 0) {
                GST_ELEMENT_ERROR(self, RESOURCE, NO_SPACE_LEFT, (NULL),
                                  ("no AV buffer for %zu bytes of input: %s",
                                   gst_buffer_get_size(frame->input_buffer), g_strerror(-e)));
                gst_video_decoder_release_frame(dec, frame);
                return GST_FLOW_ERROR;
        }
        ret = send_held(self, false);
        if (ret == GST_FLOW_OK && self->discont_pending) {
                /* the HAL takes a discontinuity as a call before the buffer after it */
                avb_vdec_discontinuity(self->vdec);
                self->discont_pending = false;
        }
        self->held = h;
        self->held_pts = frame_key(frame);
        gst_video_codec_frame_unref(frame);
        if (ret != GST_FLOW_OK)
                free_held(self);
        return ret;
}

/* endOfStream on the held buffer, then wait until the task has pushed the last frame. */
static GstFlowReturn drain(GstVideoDecoder *dec)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);
        GstFlowReturn ret;

        if (!self->vdec || self->held == -1)
                return GST_FLOW_OK;
        g_mutex_lock(&self->lock);
        self->eos_seen = false;
        g_mutex_unlock(&self->lock);
        start_task(self);
        ret = send_held(self, true);
        if (ret != GST_FLOW_OK)
                return ret;
        GST_DEBUG_OBJECT(self, "draining");
        GST_VIDEO_DECODER_STREAM_UNLOCK(dec);
        g_mutex_lock(&self->lock);
        while (!self->eos_seen && self->task_ret == GST_FLOW_OK)
                g_cond_wait(&self->cond, &self->lock);
        ret = self->eos_seen ? GST_FLOW_OK : self->task_ret;
        g_mutex_unlock(&self->lock);
        GST_VIDEO_DECODER_STREAM_LOCK(dec);
        GST_DEBUG_OBJECT(self, "drained: %s", gst_flow_get_name(ret));
        return ret;
}

/* ---- GstVideoDecoder ------------------------------------------------------------ */

static gboolean dec_open(GstVideoDecoder *dec)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);
        int e = avb_gst_conn_get(&self->conn);

        if (e == 0)
                e = avb_vdec_query(self->conn, self->decoder_id, &self->hal_caps);
        if (e < 0) {
                GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ_WRITE, (NULL),
                                  ("video decoder %d of avbuffer (socket dir %s): %s",
                                   self->decoder_id, avb_socket_dir(), g_strerror(-e)));
                self->conn = avb_gst_conn_unref(self->conn);
                return FALSE;
        }
        return TRUE;
}

static gboolean dec_close(GstVideoDecoder *dec)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);

        self->conn = avb_gst_conn_unref(self->conn);
        return TRUE;
}

static gboolean dec_start(GstVideoDecoder *dec)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);
        int e =
            avb_vdec_open(self->conn, self->decoder_id, self->secure, self->tunnelled, &self->vdec);

        if (e < 0) {
                GST_ELEMENT_ERROR(self, RESOURCE, BUSY, (NULL),
                                  ("cannot open video decoder %d (secure %d, tunnelled %d): %s",
                                   self->decoder_id, self->secure, self->tunnelled,
                                   g_strerror(-e)));
                return FALSE;
        }
        self->held = -1;
        self->have_meta = self->negotiated = false;
        self->after_flush = true;
        self->task_ret = GST_FLOW_OK;
        return TRUE;
}

static gboolean dec_stop(GstVideoDecoder *dec)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);

        stop_task(self);
        free_held(self);
        self->vdec = avb_vdec_close(self->vdec);
        g_clear_pointer(&self->input_state, gst_video_codec_state_unref);
        return TRUE;
}

static gboolean set_format(GstVideoDecoder *dec, GstVideoCodecState *state)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);
        GstStructure *s = gst_caps_get_structure(state->caps, 0);
        const gchar *format = gst_structure_get_string(s, "stream-format");
        GstMapInfo map;
        int e = 0;

        /* new parameter sets go in only when no coded buffer is in flight */
        if (self->held != -1 && drain(dec) != GST_FLOW_OK)
                return FALSE;
        if (self->input_state)
                gst_video_codec_state_unref(self->input_state);
        self->input_state = gst_video_codec_state_ref(state);
        if (g_strcmp0(format, "avc") != 0)
                return TRUE;
        if (!state->codec_data || !gst_buffer_map(state->codec_data, &map, GST_MAP_READ)) {
                GST_ELEMENT_ERROR(self, STREAM, FORMAT, (NULL), ("avc without codec_data"));
                return FALSE;
        }
        e = avb_vdec_codec_data(self->vdec, map.data, map.size);
        gst_buffer_unmap(state->codec_data, &map);
        if (e < 0)
                GST_ELEMENT_ERROR(self, STREAM, FORMAT, (NULL),
                                  ("the decoder refused the avcC record: %s", g_strerror(-e)));
        return e == 0;
}

static gboolean flush(GstVideoDecoder *dec)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);

        GST_DEBUG_OBJECT(self, "flush");
        /* FLUSH_START stopped the task; now the HAL drops what it holds */
        stop_task(self);
        free_held(self);
        if (self->vdec) {
                avb_vdec_flush(self->vdec);
                avb_vdec_set_flushing(self->vdec, false);
        }
        self->after_flush = true;
        self->discont_pending = false;
        g_mutex_lock(&self->lock);
        self->task_ret = GST_FLOW_OK;
        g_mutex_unlock(&self->lock);
        return TRUE;
}

static gboolean sink_event(GstVideoDecoder *dec, GstEvent *event)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);
        bool flush_start = GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_START;
        gboolean ret;

        if (flush_start && self->vdec) /* breaks every wait of the streaming thread */
                avb_vdec_set_flushing(self->vdec, true);
        if (GST_EVENT_TYPE(event) == GST_EVENT_EOS && self->tunnelled) {
                /*
                 * Tunnelled, no buffer ever leaves the element, and the base
                 * class takes EOS after input without output for a failed
                 * decode ("no valid frames found"). Drain as it would, then
                 * forward EOS without its check.
                 */
                GST_VIDEO_DECODER_STREAM_LOCK(dec);
                if (drain(dec) != GST_FLOW_OK)
                        GST_WARNING_OBJECT(self, "the tunnelled decoder did not drain");
                GST_VIDEO_DECODER_STREAM_UNLOCK(dec);
                return gst_pad_push_event(GST_VIDEO_DECODER_SRC_PAD(dec), event);
        }
        ret = GST_VIDEO_DECODER_CLASS(avb_video_dec_parent_class)->sink_event(dec, event);
        if (flush_start)
                gst_pad_stop_task(GST_VIDEO_DECODER_SRC_PAD(dec));
        return ret;
}

static gboolean decide_allocation(GstVideoDecoder *dec, GstQuery *query)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);

        self->downstream_meta =
            gst_query_find_allocation_meta(query, GST_VIDEO_META_API_TYPE, NULL);
        return GST_VIDEO_DECODER_CLASS(avb_video_dec_parent_class)->decide_allocation(dec, query);
}

static GstCaps *sink_getcaps(GstVideoDecoder *dec, GstCaps *filter)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(dec);
        GstCaps *caps = gst_video_decoder_proxy_getcaps(dec, NULL, filter);

        if (self->conn && !self->hal_caps.h264) {
                gst_caps_unref(caps);
                return gst_caps_new_empty();
        }
        if (self->conn && self->hal_caps.max_width > 0) {
                GstCaps *in = gst_caps_copy(caps);

                /* the sizes the decoder takes, in every structure */
                for (guint i = 0; i < gst_caps_get_size(in); i++)
                        gst_structure_set(gst_caps_get_structure(in, i), "width",
                                          GST_TYPE_INT_RANGE, 1, self->hal_caps.max_width, "height",
                                          GST_TYPE_INT_RANGE, 1, self->hal_caps.max_height, NULL);
                gst_caps_unref(caps);
                caps = gst_caps_intersect(in, gst_static_pad_template_get_caps(&sink_template));
                gst_caps_unref(in);
        }
        return caps;
}

static GstStateChangeReturn change_state(GstElement *element, GstStateChange transition)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(element);

        /* the task may wait for a frame holding the source pad's stream lock,
         * which deactivating the pad takes: stop it first */
        if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
                stop_task(self);
        return GST_ELEMENT_CLASS(avb_video_dec_parent_class)->change_state(element, transition);
}

/* ---- GObject -------------------------------------------------------------------- */

static void set_property(GObject *obj, guint id, const GValue *v, GParamSpec *pspec)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(obj);

        GST_OBJECT_LOCK(self);
        switch (id) {
        case PROP_SECURE:
                self->secure = g_value_get_boolean(v);
                break;
        case PROP_TUNNELLED:
                self->tunnelled = g_value_get_boolean(v);
                break;
        case PROP_DECODER_ID:
                self->decoder_id = g_value_get_int(v);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
        }
        GST_OBJECT_UNLOCK(self);
}

static void get_property(GObject *obj, guint id, GValue *v, GParamSpec *pspec)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(obj);

        GST_OBJECT_LOCK(self);
        switch (id) {
        case PROP_SECURE:
                g_value_set_boolean(v, self->secure);
                break;
        case PROP_TUNNELLED:
                g_value_set_boolean(v, self->tunnelled);
                break;
        case PROP_DECODER_ID:
                g_value_set_int(v, self->decoder_id);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
        }
        GST_OBJECT_UNLOCK(self);
}

static void finalize(GObject *obj)
{
        AvbVideoDec *self = AVB_VIDEO_DEC(obj);

        g_mutex_clear(&self->lock);
        g_cond_clear(&self->cond);
        G_OBJECT_CLASS(avb_video_dec_parent_class)->finalize(obj);
}

static void avb_video_dec_class_init(AvbVideoDecClass *klass)
{
        GObjectClass *oc = G_OBJECT_CLASS(klass);
        GstElementClass *ec = GST_ELEMENT_CLASS(klass);
        GstVideoDecoderClass *vc = GST_VIDEO_DECODER_CLASS(klass);
        GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;

        GST_DEBUG_CATEGORY_INIT(avb_video_dec_debug, "avbvideodec", 0, "AV Buffer video decoder");
        avb_vdec_init_debug();
        oc->set_property = set_property;
        oc->get_property = get_property;
        oc->finalize = finalize;
        g_object_class_install_property(
            oc, PROP_SECURE,
            g_param_spec_boolean("secure", "Secure",
                                 "Coded input and frames in the secure heap (frames are "
                                 "never mappable: memory:AVBuffer only)",
                                 FALSE, rw));
        g_object_class_install_property(
            oc, PROP_TUNNELLED,
            g_param_spec_boolean("tunnelled", "Tunnelled",
                                 "Frames go from the decoder to the vendor sink; none "
                                 "flows downstream",
                                 FALSE, rw));
        g_object_class_install_property(oc, PROP_DECODER_ID,
                                        g_param_spec_int("decoder-id", "Decoder id",
                                                         "IVideoDecoder.Id of the decoder to open",
                                                         0, G_MAXINT, 0, rw));
        gst_element_class_add_static_pad_template(ec, &sink_template);
        gst_element_class_add_static_pad_template(ec, &src_template);
        gst_element_class_set_static_metadata(
            ec, "AV Buffer video decoder", "Codec/Decoder/Video/Hardware",
            "Decodes H.264 through the RDK video decoder HAL of avbuffer", "avbuffer");
        ec->change_state = change_state;
        vc->open = dec_open;
        vc->close = dec_close;
        vc->start = dec_start;
        vc->stop = dec_stop;
        vc->set_format = set_format;
        vc->handle_frame = handle_frame;
        vc->flush = flush;
        vc->drain = drain;
        vc->finish = drain;
        vc->sink_event = sink_event;
        vc->decide_allocation = decide_allocation;
        vc->getcaps = sink_getcaps;
}

static void avb_video_dec_init(AvbVideoDec *self)
{
        gst_video_decoder_set_packetized(GST_VIDEO_DECODER(self), TRUE);
        g_mutex_init(&self->lock);
        g_cond_init(&self->cond);
        self->held = -1;
}
