/* SPDX-License-Identifier: Apache-2.0 */
/* One open decoder of the published video decoder HAL (avbvideodec_hal.h). */
#include <errno.h>
#include <string.h>

#include "avb_avbuffer.h"
#include "com_rdk_hal.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_videodecoder.h"

#include "avbmemory.h"
#include "avbvideodec_hal.h"

GST_DEBUG_CATEGORY_STATIC(avb_vdec_debug);
#define GST_CAT_DEFAULT avb_vdec_debug

/* How often a wait looks again without being woken (a lost wake-up costs this much). */
#define WAIT_SLICE_US (G_TIME_SPAN_SECOND / 2)

/* The listeners' state: lives until exit (see the header), reused by the next decoder. */
typedef struct slot {
        GMutex lock;
        GCond cond;
        avb_vdec *d;               /* the decoder using the slot, NULL while free */
        GQueue frames;             /* avb_vdec_frame* */
        unsigned available, space; /* onDecodeBufferAvailable and onSpaceAvailable calls */
        bool flushing;
        avb_binder *listener, *space_listener;
        struct slot *next_free;
} slot;

struct avb_vdec {
        avb_gst_conn *conn;
        avb_binder *dec, *ctl;
        com_rdk_hal_avbuffer_Pool pool;
        bool have_pool, started;
        GstAllocator *allocator;
        slot *s;
};

static GMutex free_slots_lock;
static slot *free_slots;

static void free_handle(avb_gst_conn *conn, int64_t handle)
{
        bool ok = false;
        avb_status st = com_rdk_hal_avbuffer_IAVBuffer_free(conn->av, handle, &ok);

        if (!avb_status_is_ok(&st) || !ok)
                GST_WARNING("free frame %" G_GINT64_FORMAT ": %s", handle, st.message);
}

/* ---- listeners ------------------------------------------------------------------ */

static void meta_from(const com_rdk_hal_videodecoder_FrameMetadata *m, avb_vdec_meta *ret)
{
        avb_avbuffer_PlaneLayout pl;

        *ret = (avb_vdec_meta){.width = m->activeWidth,
                               .height = m->activeHeight,
                               .fps_n = m->frameRateNumerator,
                               .fps_d = m->frameRateDenominator > 0 ? m->frameRateDenominator : 1,
                               .par_n = m->parX > 0 ? m->parX : 1,
                               .par_d = m->parY > 0 ? m->parY : 1};
        if (ret->fps_n < 0)
                ret->fps_n = 0;
        avb_avbuffer_PlaneLayout_init(&pl);
        if (avb_avbuffer_PlaneLayout_holder_get(&m->extension, &pl) == 1) {
                if (pl.format == avb_avbuffer_PlaneLayout_FORMAT_I420 && pl.offsets_count == 3 &&
                    pl.strides_count == 3 && pl.frameBytes > 0) {
                        ret->n_planes = 3;
                        for (size_t i = 0; i < 3; i++) {
                                ret->offset[i] = pl.offsets[i];
                                ret->stride[i] = pl.strides[i];
                        }
                        ret->frame_bytes = (size_t)pl.frameBytes;
                } else {
                        GST_WARNING("a plane layout that is not I420's: treated as packed");
                }
                avb_avbuffer_PlaneLayout_fini(&pl);
        }
        if (!ret->n_planes)
                ret->frame_bytes = (size_t)ret->width * (size_t)ret->height +
                                   2 * ((size_t)(ret->width / 2) * (size_t)(ret->height / 2));
}

static avb_status on_frame(void *impl, avb_call *call, int64_t pts, int64_t handle,
                           const com_rdk_hal_videodecoder_FrameMetadata *m)
{
        slot *s = impl;
        avb_vdec_frame *f = g_new0(avb_vdec_frame, 1);

        (void)call;
        f->pts = pts;
        f->handle = handle;
        if (m) {
                f->has_meta = true;
                f->eos = m->endOfStream;
                f->discontinuity = m->discontinuity;
                meta_from(m, &f->meta);
        }
        g_mutex_lock(&s->lock);
        if (s->d) {
                g_queue_push_tail(&s->frames, f);
                f = NULL;
                g_cond_broadcast(&s->cond);
        }
        g_mutex_unlock(&s->lock);
        if (f) { /* a late frame of a decoder closed since */
                GST_DEBUG("frame %" G_GINT64_FORMAT " for no decoder", handle);
                g_free(f);
        }
        return avb_status_ok();
}

static avb_status on_user_data(void *impl, avb_call *call, int64_t pts, const int8_t *data,
                               size_t len)
{
        (void)impl;
        (void)call;
        (void)data;
        GST_LOG("user data of %zu bytes at %" G_GINT64_FORMAT, len, pts);
        return avb_status_ok();
}

static void count_call(slot *s, unsigned *counter)
{
        g_mutex_lock(&s->lock);
        (*counter)++;
        g_cond_broadcast(&s->cond);
        g_mutex_unlock(&s->lock);
}

static avb_status on_available(void *impl, avb_call *call)
{
        slot *s = impl;

        (void)call;
        count_call(s, &s->available);
        return avb_status_ok();
}

static avb_status on_space(void *impl, avb_call *call)
{
        slot *s = impl;

        (void)call;
        count_call(s, &s->space);
        return avb_status_ok();
}

static const com_rdk_hal_videodecoder_IVideoDecoderControllerListener_ops listener_ops = {
    .onFrameOutput = on_frame,
    .onUserDataOutput = on_user_data,
    .onDecodeBufferAvailable = on_available,
};

static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops space_ops = {
    .onSpaceAvailable = on_space,
};

static slot *slot_take(avb_vdec *d)
{
        slot *s;

        g_mutex_lock(&free_slots_lock);
        s = free_slots;
        if (s)
                free_slots = s->next_free;
        g_mutex_unlock(&free_slots_lock);
        if (!s) {
                s = g_new0(slot, 1);
                g_mutex_init(&s->lock);
                g_cond_init(&s->cond);
                g_queue_init(&s->frames);
                if (com_rdk_hal_videodecoder_IVideoDecoderControllerListener_new_local(
                        &listener_ops, s, NULL, &s->listener) < 0 ||
                    com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&space_ops, s, NULL,
                                                                          &s->space_listener) < 0) {
                        GST_ERROR("cannot make the listeners");
                        return NULL; /* the slot is kept: a listener may have been made */
                }
        }
        g_mutex_lock(&s->lock);
        s->d = d;
        s->flushing = false;
        g_mutex_unlock(&s->lock);
        return s;
}

static void slot_give_back(slot *s, avb_gst_conn *conn)
{
        avb_vdec_frame *f;

        g_mutex_lock(&s->lock);
        s->d = NULL;
        while ((f = g_queue_pop_head(&s->frames))) {
                if (f->handle != -1)
                        free_handle(conn, f->handle);
                g_free(f);
        }
        g_mutex_unlock(&s->lock);
        g_mutex_lock(&free_slots_lock);
        s->next_free = free_slots;
        free_slots = s;
        g_mutex_unlock(&free_slots_lock);
}

/* ---- the decoder ---------------------------------------------------------------- */

static int get_decoder(avb_gst_conn *conn, int32_t id, avb_binder **ret)
{
        avb_binder *mgr = NULL;
        com_rdk_hal_videodecoder_IVideoDecoder_Id did = {.value = id};
        int e = avb_gst_conn_service(
            conn, com_rdk_hal_videodecoder_IVideoDecoderManager_serviceName, &mgr);
        avb_status st;

        if (e < 0)
                return e;
        *ret = NULL;
        st = com_rdk_hal_videodecoder_IVideoDecoderManager_getVideoDecoder(mgr, &did, ret);
        avb_binder_unref(mgr);
        if (!avb_status_is_ok(&st)) {
                GST_WARNING("getVideoDecoder(%d): %s", id, st.message);
                return -EIO;
        }
        return *ret ? 0 : -ENOENT;
}

int avb_vdec_query(avb_gst_conn *conn, int32_t id, avb_vdec_caps *ret)
{
        avb_binder *dec = NULL;
        com_rdk_hal_videodecoder_Capabilities caps;
        avb_status st;
        int e = get_decoder(conn, id, &dec);

        if (e < 0)
                return e;
        com_rdk_hal_videodecoder_Capabilities_init(&caps);
        st = com_rdk_hal_videodecoder_IVideoDecoder_getCapabilities(dec, &caps);
        avb_binder_unref(dec);
        if (!avb_status_is_ok(&st))
                return -EIO;
        *ret = (avb_vdec_caps){.secure = caps.supportsSecure};
        for (size_t i = 0; i < caps.supportedCodecs_count; i++) {
                const com_rdk_hal_videodecoder_CodecCapabilities *c = &caps.supportedCodecs[i];

                if (c->codec != com_rdk_hal_videodecoder_Codec_H264_AVC)
                        continue;
                ret->h264 = true;
                ret->max_width = MAX(ret->max_width, c->maxFrameWidth);
                ret->max_height = MAX(ret->max_height, c->maxFrameHeight);
        }
        com_rdk_hal_videodecoder_Capabilities_fini(&caps);
        return 0;
}

static int set_mode(avb_vdec *d, bool tunnelled)
{
        com_rdk_hal_PropertyValue_Value val = {
            .tag = com_rdk_hal_PropertyValue_Value_TAG_intValue,
            .u.intValue = tunnelled ? com_rdk_hal_videodecoder_OperationalMode_TUNNELLED
                                    : com_rdk_hal_videodecoder_OperationalMode_NON_TUNNELLED};
        com_rdk_hal_PropertyValue v = {.value = &val};
        bool ok = false;
        avb_status st = com_rdk_hal_videodecoder_IVideoDecoderController_setProperty(
            d->ctl, com_rdk_hal_videodecoder_Property_OPERATIONAL_MODE, &v, &ok);

        if (!avb_status_is_ok(&st) || !ok) {
                GST_WARNING("setProperty(OPERATIONAL_MODE, %d): %s", tunnelled, st.message);
                return -EIO;
        }
        return 0;
}

int avb_vdec_open(avb_gst_conn *conn, int32_t id, bool secure, bool tunnelled, avb_vdec **ret)
{
        avb_vdec *d = g_new0(avb_vdec, 1);
        com_rdk_hal_videodecoder_IVideoDecoder_Id did = {.value = id};
        avb_status st;
        int e;

        d->conn = avb_gst_conn_ref(conn);
        d->allocator = avb_gst_allocator_new(conn, secure);
        d->s = slot_take(d);
        e = d->s ? get_decoder(conn, id, &d->dec) : -ENOMEM;
        if (e < 0)
                goto fail;
        st = com_rdk_hal_videodecoder_IVideoDecoder_open(
            d->dec, com_rdk_hal_videodecoder_Codec_H264_AVC, secure, d->s->listener, &d->ctl);
        if (!avb_status_is_ok(&st) || !d->ctl) {
                GST_WARNING("open(H264, secure %d): %s", secure,
                            d->ctl ? st.message : "no controller (busy or mode not supported)");
                e = -EBUSY;
                goto fail;
        }
        e = set_mode(d, tunnelled);
        if (e < 0)
                goto fail;
        st = com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(conn->av, secure, &did,
                                                            d->s->space_listener, &d->pool);
        if (!avb_status_is_ok(&st)) {
                GST_WARNING("createVideoPool(%d, secure %d): %s", id, secure, st.message);
                e = -EIO;
                goto fail;
        }
        d->have_pool = true;
        avb_gst_allocator_set_pool(d->allocator, d->pool.handle);
        st = com_rdk_hal_videodecoder_IVideoDecoderController_start(d->ctl);
        if (!avb_status_is_ok(&st)) {
                GST_WARNING("start: %s", st.message);
                e = -EIO;
                goto fail;
        }
        d->started = true;
        *ret = d;
        return 0;
fail:
        avb_vdec_close(d);
        return e;
}

avb_vdec *avb_vdec_close(avb_vdec *d)
{
        avb_status st;
        bool ok = false;

        if (!d)
                return NULL;
        if (d->started) {
                st = com_rdk_hal_videodecoder_IVideoDecoderController_stop(d->ctl);
                if (!avb_status_is_ok(&st))
                        GST_WARNING("stop: %s", st.message);
        }
        if (d->ctl) {
                st = com_rdk_hal_videodecoder_IVideoDecoder_close(d->dec, d->ctl, &ok);
                if (!avb_status_is_ok(&st) || !ok)
                        GST_WARNING("close: %s", st.message);
        }
        /* frames that came before the stop are ours to free */
        if (d->s)
                slot_give_back(d->s, d->conn);
        if (d->have_pool) {
                st = com_rdk_hal_avbuffer_IAVBuffer_destroyPool(d->conn->av, &d->pool, &ok);
                if (!avb_status_is_ok(&st) || !ok)
                        GST_WARNING("destroyPool(%d): %s", d->pool.handle, st.message);
        }
        avb_binder_unref(d->ctl);
        avb_binder_unref(d->dec);
        gst_object_unref(d->allocator);
        avb_gst_conn_unref(d->conn);
        g_free(d);
        return NULL;
}

GstAllocator *avb_vdec_allocator(avb_vdec *d)
{
        return d->allocator;
}

int avb_vdec_codec_data(avb_vdec *d, const uint8_t *data, size_t len)
{
        bool ok = false;
        avb_status st = com_rdk_hal_videodecoder_IVideoDecoderController_parseCodecSpecificData(
            d->ctl, com_rdk_hal_videodecoder_CSDVideoFormat_AVC_DECODER_CONFIGURATION_RECORD,
            (const int8_t *)data, len, &ok);

        if (!avb_status_is_ok(&st)) {
                GST_WARNING("parseCodecSpecificData: %s", st.message);
                return -EIO;
        }
        return ok ? 0 : -EINVAL;
}

/*
 * Waits until *counter passes `seen` or the slot flushes; false when
 * flushing. Wakes up now and then to look again: the call that armed the
 * wait may have raced a callback (the caller retries its call then).
 */
static bool wait_counter(slot *s, const unsigned *counter, unsigned seen)
{
        bool ok;

        g_mutex_lock(&s->lock);
        if (*counter == seen && !s->flushing)
                g_cond_wait_until(&s->cond, &s->lock, g_get_monotonic_time() + WAIT_SLICE_US);
        ok = !s->flushing;
        g_mutex_unlock(&s->lock);
        return ok;
}

static unsigned counter_now(slot *s, const unsigned *counter, bool *ret_flushing)
{
        unsigned v;

        g_mutex_lock(&s->lock);
        v = *counter;
        *ret_flushing = s->flushing;
        g_mutex_unlock(&s->lock);
        return v;
}

int avb_vdec_alloc(avb_vdec *d, size_t size, GstMemory **ret)
{
        for (;;) {
                bool flushing, ok = false;
                unsigned seen = counter_now(d->s, &d->s->space, &flushing);
                int e;
                avb_status st;

                if (flushing)
                        return -ECANCELED;
                e = avb_gst_allocator_alloc_handle(d->allocator, size, ret);
                if (e != -ENOSPC)
                        return e < 0 ? -EIO : 0;
                st = com_rdk_hal_avbuffer_IAVBuffer_notifyWhenSpaceAvailable(
                    d->conn->av, &d->pool, (int32_t)MIN(size, (size_t)INT32_MAX), &ok);
                if (!avb_status_is_ok(&st))
                        return -EIO;
                if (!ok)
                        return -EMSGSIZE; /* more than the pool can ever hold */
                GST_LOG("pool full: waiting for %zu bytes", size);
                if (!wait_counter(d->s, &d->s->space, seen))
                        return -ECANCELED;
        }
}

int avb_vdec_decode(avb_vdec *d, int64_t handle, int64_t pts, bool eos)
{
        com_rdk_hal_videodecoder_InputBufferMetadata md = {.nsPresentationTime = pts,
                                                           .endOfStream = eos};

        for (;;) {
                bool flushing, accepted = false;
                unsigned seen = counter_now(d->s, &d->s->available, &flushing);
                avb_status st;

                if (flushing)
                        return -ECANCELED;
                st = com_rdk_hal_videodecoder_IVideoDecoderController_decodeBufferWithMetadata(
                    d->ctl, handle, &md, &accepted);
                if (!avb_status_is_ok(&st)) {
                        GST_WARNING("decodeBufferWithMetadata: %s", st.message);
                        return -EIO;
                }
                if (accepted)
                        return 0;
                GST_LOG("decoder queue full: waiting");
                if (!wait_counter(d->s, &d->s->available, seen))
                        return -ECANCELED;
        }
}

bool avb_vdec_pop(avb_vdec *d, avb_vdec_frame *ret)
{
        slot *s = d->s;
        avb_vdec_frame *f = NULL;

        g_mutex_lock(&s->lock);
        while (!s->flushing && !(f = g_queue_pop_head(&s->frames)))
                g_cond_wait(&s->cond, &s->lock);
        g_mutex_unlock(&s->lock);
        if (!f)
                return false;
        *ret = *f;
        g_free(f);
        return true;
}

void avb_vdec_set_flushing(avb_vdec *d, bool flushing)
{
        g_mutex_lock(&d->s->lock);
        d->s->flushing = flushing;
        g_cond_broadcast(&d->s->cond);
        g_mutex_unlock(&d->s->lock);
}

int avb_vdec_flush(avb_vdec *d)
{
        avb_vdec_frame *f;
        avb_status st = com_rdk_hal_videodecoder_IVideoDecoderController_flush(d->ctl, false);

        g_mutex_lock(&d->s->lock);
        while ((f = g_queue_pop_head(&d->s->frames))) {
                if (f->handle != -1)
                        free_handle(d->conn, f->handle);
                g_free(f);
        }
        g_mutex_unlock(&d->s->lock);
        if (!avb_status_is_ok(&st)) {
                GST_WARNING("flush: %s", st.message);
                return -EIO;
        }
        return 0;
}

void avb_vdec_free_handle(avb_vdec *d, int64_t handle)
{
        free_handle(d->conn, handle);
}

int avb_vdec_discontinuity(avb_vdec *d)
{
        avb_status st =
            com_rdk_hal_videodecoder_IVideoDecoderController_signalDiscontinuity(d->ctl);

        if (!avb_status_is_ok(&st)) {
                GST_WARNING("signalDiscontinuity: %s", st.message);
                return -EIO;
        }
        return 0;
}

void avb_vdec_init_debug(void)
{
        GST_DEBUG_CATEGORY_INIT(avb_vdec_debug, "avbvdechal", 0, "avbvideodec's HAL side");
}
