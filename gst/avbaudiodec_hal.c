/* SPDX-License-Identifier: Apache-2.0 */
/* One open audio decoder of the published HAL (avbaudiodec_hal.h). */
#include <errno.h>

#include "avb_avbuffer.h"
#include "avbaudiodec_hal.h"
#include "avbmemory.h"
#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_avbuffer.h"

#define AD(x) com_rdk_hal_audiodecoder_##x
#define AV(x) com_rdk_hal_avbuffer_##x

/* How long a wait lasts before the call is simply tried again (a lost notification costs this). */
#define RETRY_US (100 * 1000)

struct avb_adec {
        gint ref; /* the element's and each listener's */
        avb_gst_conn *conn;
        avb_binder *dec, *ctl, *listener, *space_listener;
        AV(Pool) pool;
        bool have_pool;
        GstAllocator *in, *out; /* the input pool's; frames (wrap only) */
        GMutex lock;
        GCond cond;
        GQueue frames;          /* of avb_adec_frame, from onFrameOutput */
        guint available, space; /* notifications counted */
        bool flushing, closed;
};

static avb_adec *adec_ref(avb_adec *d)
{
        g_atomic_int_inc(&d->ref);
        return d;
}

static void adec_unref(void *p)
{
        avb_adec *d = p;

        if (!g_atomic_int_dec_and_test(&d->ref))
                return;
        g_mutex_clear(&d->lock);
        g_cond_clear(&d->cond);
        avb_gst_conn_unref(d->conn);
        g_free(d);
}

void avb_adec_free_handle(avb_adec *d, int64_t handle)
{
        bool ok;

        if (handle != -1)
                (void)AV(IAVBuffer_free)(d->conn->av, handle, &ok);
}

/* ---- listeners (IPC threads) ------------------------------------------------- */

static avb_status on_frame(void *impl, avb_call *call, int64_t pts, int64_t handle,
                           const AD(FrameMetadata) * m)
{
        avb_adec *d = impl;
        avb_adec_frame *f = g_new0(avb_adec_frame, 1);
        avb_avbuffer_PcmLayout l;

        (void)call;
        f->pts = pts;
        f->handle = handle;
        if (m) {
                f->eos = m->endOfStream;
                if (m->metadata && m->metadata->sampleRate > 0 && m->metadata->numChannels > 0) {
                        f->has_format = true;
                        f->rate = m->metadata->sampleRate;
                        f->channels = m->metadata->numChannels;
                }
                avb_avbuffer_PcmLayout_init(&l);
                if (avb_avbuffer_PcmLayout_holder_get(&m->extension, &l) == 1)
                        f->frame_bytes = l.frameBytes;
                avb_avbuffer_PcmLayout_fini(&l);
        }
        g_mutex_lock(&d->lock);
        if (d->closed) { /* nobody will take it */
                g_mutex_unlock(&d->lock);
                avb_adec_free_handle(d, handle);
                g_free(f);
                return avb_status_ok();
        }
        g_queue_push_tail(&d->frames, f);
        g_cond_broadcast(&d->cond);
        g_mutex_unlock(&d->lock);
        return avb_status_ok();
}

static void count(avb_adec *d, guint *counter)
{
        g_mutex_lock(&d->lock);
        (*counter)++;
        g_cond_broadcast(&d->cond);
        g_mutex_unlock(&d->lock);
}

static avb_status on_available(void *impl, avb_call *call)
{
        avb_adec *d = impl;

        (void)call;
        count(d, &d->available);
        return avb_status_ok();
}

static avb_status on_space(void *impl, avb_call *call)
{
        avb_adec *d = impl;

        (void)call;
        count(d, &d->space);
        return avb_status_ok();
}

static const AD(IAudioDecoderControllerListener_ops) listener_ops = {
    .onFrameOutput = on_frame,
    .onDecodeBufferAvailable = on_available,
};

static const AV(IAVBufferSpaceListener_ops) space_ops = {
    .onSpaceAvailable = on_space,
};

/* ---- open and close ------------------------------------------------------------ */

int avb_adec_open(avb_gst_conn *conn, int32_t id, enum avb_adec_codec codec, bool secure,
                  avb_adec **ret)
{
        avb_adec *d = g_new0(avb_adec, 1);
        avb_binder *mgr = NULL;
        AD(IAudioDecoder_Id) did = {.value = id};
        avb_status st = avb_status_ok();
        int e;

        d->ref = 1;
        d->conn = avb_gst_conn_ref(conn);
        g_mutex_init(&d->lock);
        g_cond_init(&d->cond);
        g_queue_init(&d->frames);
        e = avb_gst_conn_service(conn, AD(IAudioDecoderManager_serviceName), &mgr);
        if (e == 0)
                st = AD(IAudioDecoderManager_getAudioDecoder)(mgr, &did, &d->dec);
        avb_binder_unref(mgr);
        if (e == 0 && (!avb_status_is_ok(&st) || !d->dec))
                e = -ENOENT;
        if (e == 0 && (AD(IAudioDecoderControllerListener_new_local)(
                           &listener_ops, adec_ref(d), adec_unref, &d->listener) < 0 ||
                       AV(IAVBufferSpaceListener_new_local)(&space_ops, adec_ref(d), adec_unref,
                                                            &d->space_listener) < 0))
                e = -ENOMEM;
        if (e == 0) {
                st = AD(IAudioDecoder_open)(d->dec, (AD(Codec))codec, secure, d->listener, &d->ctl);
                e = !avb_status_is_ok(&st) ? -EIO : !d->ctl ? -EBUSY : 0;
        }
        if (e == 0)
                st = AD(IAudioDecoderController_start)(d->ctl);
        if (e == 0 && avb_status_is_ok(&st))
                st = AV(IAVBuffer_createAudioPool)(conn->av, secure, &did, d->space_listener,
                                                   &d->pool);
        if (e == 0 && !avb_status_is_ok(&st))
                e = -EIO;
        if (e < 0) {
                char buf[256];

                GST_WARNING("audio decoder %d: %s %s", id, g_strerror(-e),
                            avb_status_to_string(&st, buf, sizeof(buf)));
                avb_adec_close(d);
                return e;
        }
        d->have_pool = true;
        d->in = avb_gst_allocator_new(conn, secure);
        avb_gst_allocator_set_pool(d->in, d->pool.handle);
        d->out = avb_gst_allocator_new(conn, secure);
        *ret = d;
        return 0;
}

avb_adec *avb_adec_close(avb_adec *d)
{
        avb_adec_frame *f;
        bool ok;

        if (!d)
                return NULL;
        if (d->ctl) {
                /* failures mean avbufferd is gone, and the buffers with it */
                (void)AD(IAudioDecoderController_stop)(d->ctl);
                (void)AD(IAudioDecoder_close)(d->dec, d->ctl, &ok);
        }
        g_mutex_lock(&d->lock);
        d->closed = true;
        g_mutex_unlock(&d->lock);
        while ((f = g_queue_pop_head(&d->frames))) {
                avb_adec_free_handle(d, f->handle);
                g_free(f);
        }
        /* input memories still alive keep their own reference to the allocator */
        g_clear_object(&d->in);
        g_clear_object(&d->out);
        if (d->have_pool)
                (void)AV(IAVBuffer_destroyPool)(d->conn->av, &d->pool, &ok);
        avb_binder_unref(d->ctl);
        avb_binder_unref(d->dec);
        avb_binder_unref(d->listener);
        avb_binder_unref(d->space_listener);
        adec_unref(d);
        return NULL;
}

int avb_adec_codec_data(avb_adec *d, const uint8_t *data, size_t len)
{
        bool ok = false;
        avb_status st = AD(IAudioDecoderController_parseCodecSpecificData)(
            d->ctl, AD(CSDAudioFormat_MP4_AUDIO_SPECIFIC_CONFIG), (const int8_t *)data, len, &ok);

        return !avb_status_is_ok(&st) ? -EIO : ok ? 0 : -EINVAL;
}

/* ---- streaming ------------------------------------------------------------------- */

/* Waits (lock held) until *counter moves past seen or a flush; false when flushing. */
static bool wait_counter(avb_adec *d, guint *counter, guint seen)
{
        while (*counter == seen && !d->flushing &&
               g_cond_wait_until(&d->cond, &d->lock, g_get_monotonic_time() + RETRY_US))
                ;
        return !d->flushing;
}

int avb_adec_alloc(avb_adec *d, size_t size, GstMemory **ret)
{
        for (;;) {
                guint seen;
                bool ok = false;
                int e;

                g_mutex_lock(&d->lock);
                seen = d->space;
                g_mutex_unlock(&d->lock);
                e = avb_gst_allocator_alloc_handle(d->in, size, ret);
                if (e != -ENOSPC)
                        return e;
                (void)AV(IAVBuffer_notifyWhenSpaceAvailable)(d->conn->av, &d->pool, (int32_t)size,
                                                             &ok);
                g_mutex_lock(&d->lock);
                ok = wait_counter(d, &d->space, seen);
                g_mutex_unlock(&d->lock);
                if (!ok)
                        return -ECANCELED;
        }
}

int avb_adec_decode(avb_adec *d, int64_t handle, int64_t pts, bool eos)
{
        AD(InputBufferMetadata) md = {.nsPresentationTime = pts, .endOfStream = eos};

        for (;;) {
                bool accepted = false, ok;
                guint seen;
                avb_status st;

                g_mutex_lock(&d->lock);
                seen = d->available;
                g_mutex_unlock(&d->lock);
                st = AD(IAudioDecoderController_decodeBufferWithMetadata)(d->ctl, handle, &md,
                                                                          &accepted);
                if (!avb_status_is_ok(&st)) {
                        char buf[256];

                        GST_WARNING("decodeBufferWithMetadata: %s",
                                    avb_status_to_string(&st, buf, sizeof(buf)));
                        return -EIO;
                }
                if (accepted)
                        return 0;
                g_mutex_lock(&d->lock);
                ok = wait_counter(d, &d->available, seen);
                g_mutex_unlock(&d->lock);
                if (!ok)
                        return -ECANCELED;
        }
}

bool avb_adec_pop(avb_adec *d, avb_adec_frame *ret)
{
        avb_adec_frame *f = NULL;

        g_mutex_lock(&d->lock);
        while (!d->flushing && !(f = g_queue_pop_head(&d->frames)))
                g_cond_wait(&d->cond, &d->lock);
        g_mutex_unlock(&d->lock);
        if (!f)
                return false;
        *ret = *f;
        g_free(f);
        return true;
}

void avb_adec_set_flushing(avb_adec *d, bool flushing)
{
        g_mutex_lock(&d->lock);
        d->flushing = flushing;
        g_cond_broadcast(&d->cond);
        g_mutex_unlock(&d->lock);
}

int avb_adec_flush(avb_adec *d)
{
        avb_status st = AD(IAudioDecoderController_flush)(d->ctl, false);
        avb_adec_frame *f;

        g_mutex_lock(&d->lock);
        while ((f = g_queue_pop_head(&d->frames))) {
                avb_adec_free_handle(d, f->handle);
                g_free(f);
        }
        g_mutex_unlock(&d->lock);
        return avb_status_is_ok(&st) ? 0 : -EIO;
}

GstMemory *avb_adec_wrap(avb_adec *d, int64_t handle, size_t size)
{
        return avb_gst_allocator_wrap(d->out, handle, size);
}
