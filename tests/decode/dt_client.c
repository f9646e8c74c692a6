/* SPDX-License-Identifier: Apache-2.0 */
/* The decode tests' client side (dt.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/md5.h>

#include <avbuffer/servicemanager.h>

#include "dt.h"

void dt_fail(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        fputs("FAIL: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        exit(1);
}

static uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- listener ------------------------------------------------------------ */

static void queue_frame(struct dt_listener *l, int64_t pts, int64_t handle,
                        const struct dt_meta *meta)
{
        pthread_mutex_lock(&l->m);
        while (l->gated)
                pthread_cond_wait(&l->c, &l->m);
        if (meta && meta->eos && handle < 0) {
                l->eos++;
                l->received_at_eos = l->received;
        } else {
                if (l->received && pts <= l->last_pts)
                        l->out_of_order++;
                l->last_pts = pts;
                l->received++;
        }
        if (!(meta && meta->eos && handle < 0) && l->n < DT_QUEUE) {
                struct dt_frame *f = &l->q[(l->head + l->n++) % DT_QUEUE];

                f->pts = pts;
                f->handle = handle;
                f->has_meta = meta != NULL;
                if (meta)
                        f->meta = *meta;
        }
        pthread_cond_broadcast(&l->c);
        pthread_mutex_unlock(&l->m);
}

static avb_status on_video_frame(void *impl, avb_call *call, int64_t pts, int64_t handle,
                                 const com_rdk_hal_videodecoder_FrameMetadata *m)
{
        struct dt_meta d = {0};

        (void)call;
        if (m) {
                d = (struct dt_meta){m->frameBytes, m->width, m->height, m->endOfStream,
                                     m->pixelFormat};
                /* the two arrays must agree; more than 3 planes is no format we know */
                d.n_planes = m->planeOffsets_count == m->planeStrides_count &&
                                             m->planeOffsets_count <= 3
                                     ? m->planeOffsets_count
                                     : 99;
                for (size_t i = 0; i < d.n_planes && i < 3; i++) {
                        d.offset[i] = m->planeOffsets[i];
                        d.stride[i] = m->planeStrides[i];
                }
        }
        queue_frame(impl, pts, handle, m ? &d : NULL);
        return avb_status_ok();
}

static avb_status on_audio_frame(void *impl, avb_call *call, int64_t pts, int64_t handle,
                                 const com_rdk_hal_audiodecoder_FrameMetadata *m)
{
        struct dt_meta d = {0};

        (void)call;
        if (m)
                d = (struct dt_meta){m->frameBytes, m->sampleRate, m->channels, m->endOfStream,
                                     m->sampleFormat};
        queue_frame(impl, pts, handle, m ? &d : NULL);
        return avb_status_ok();
}

static avb_status on_available(void *impl, avb_call *call)
{
        struct dt_listener *l = impl;

        (void)call;
        pthread_mutex_lock(&l->m);
        l->available++;
        pthread_cond_broadcast(&l->c);
        pthread_mutex_unlock(&l->m);
        return avb_status_ok();
}

static avb_status on_state(void *impl, avb_call *call, com_rdk_hal_videodecoder_State from,
                           com_rdk_hal_videodecoder_State to)
{
        struct dt_listener *l = impl;

        (void)call;
        (void)from;
        pthread_mutex_lock(&l->m);
        l->state = to;
        l->received_at_state = l->received;
        pthread_cond_broadcast(&l->c);
        pthread_mutex_unlock(&l->m);
        return avb_status_ok();
}

static avb_status on_error(void *impl, avb_call *call, int32_t code, const char *msg)
{
        struct dt_listener *l = impl;

        (void)call;
        fprintf(stderr, "  listener: error %d: %s\n", (int)code, msg);
        pthread_mutex_lock(&l->m);
        if (code >= 0 && code < (int32_t)(sizeof(l->errors) / sizeof(l->errors[0])))
                l->errors[code]++;
        pthread_cond_broadcast(&l->c);
        pthread_mutex_unlock(&l->m);
        return avb_status_ok();
}

/* State and Codec are int32_t in both packages: the same functions serve both. */
static const com_rdk_hal_videodecoder_IVideoDecoderListener_ops video_listener_ops = {
        .onFrameOutput = on_video_frame,
        .onDecodeBufferAvailable = on_available,
        .onStateChanged = on_state,
        .onError = on_error,
};

static const com_rdk_hal_audiodecoder_IAudioDecoderListener_ops audio_listener_ops = {
        .onFrameOutput = on_audio_frame,
        .onDecodeBufferAvailable = on_available,
        .onStateChanged = on_state,
        .onError = on_error,
};

/* ---- the two packages ------------------------------------------------------ */

/*
 * The calls of one package, P (prefix) and I (Video, Audio): the packages
 * differ only in their types. C codec of the streams the tests use.
 */
#define DT_PACKAGE(name, P, I, C)                                                                  \
        static avb_status name##_get(avb_binder *mgr, int32_t id, avb_binder **ret)                \
        {                                                                                          \
                P##_I##I##Decoder_Id did = {.value = id};                                          \
                return P##_I##I##DecoderManager_get##I##Decoder(mgr, &did, ret);                   \
        }                                                                                          \
        static avb_status name##_decode(avb_binder *dec, int64_t h, int64_t pts, bool *ret)        \
        {                                                                                          \
                P##_InputMetadata md = {.nsPresentationTime = pts};                                \
                return P##_I##I##Decoder_decodeBufferWithMetadata(dec, h, &md, ret);               \
        }                                                                                          \
        static avb_status name##_pool(avb_binder *av, bool secure, int32_t id, avb_binder *l,      \
                                      com_rdk_hal_avbuffer_Pool *ret)                              \
        {                                                                                          \
                P##_I##I##Decoder_Id did = {.value = id};                                          \
                return com_rdk_hal_avbuffer_IAVBuffer_create##I##Pool(av, secure, &did, l, ret);   \
        }                                                                                          \
        const struct dt_api dt_##name = {                                                          \
                .get = name##_get,                                                                 \
                .open = P##_I##I##Decoder_open,                                                    \
                .start = P##_I##I##Decoder_start,                                                  \
                .stop = P##_I##I##Decoder_stop,                                                    \
                .close = P##_I##I##Decoder_close,                                                  \
                .eos = P##_I##I##Decoder_signalEndOfStream,                                        \
                .decode = name##_decode,                                                           \
                .state = P##_I##I##Decoder_getState,                                               \
                .pool = name##_pool,                                                               \
                .codec = C,                                                                        \
        };

DT_PACKAGE(video, com_rdk_hal_videodecoder, Video, com_rdk_hal_videodecoder_Codec_H264)
DT_PACKAGE(audio, com_rdk_hal_audiodecoder, Audio, com_rdk_hal_audiodecoder_Codec_MP2)

static avb_status on_space(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        return avb_status_ok();
}

static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops space_ops = {
        .onSpaceAvailable = on_space,
};

/* ---- set-up -------------------------------------------------------------- */

void dt_connect(struct dt *t)
{
        int e;

        t->api = &dt_video;
        pthread_mutex_init(&t->l.m, NULL);
        pthread_cond_init(&t->l.c, NULL);
        e = avb_sm_connect(&t->sm);
        if (e == 0)
                e = avb_service_get(t->sm, com_rdk_hal_avbuffer_IAVBuffer_serviceName, 5000,
                                    &t->av);
        if (e == 0)
                e = avb_service_get(t->sm,
                                    com_rdk_hal_videodecoder_IVideoDecoderManager_serviceName,
                                    5000, &t->mgr);
        if (e == 0)
                e = avb_helper_new(t->av, &t->helper);
        if (e == 0)
                e = avb_service_get(t->sm,
                                    com_rdk_hal_audiodecoder_IAudioDecoderManager_serviceName,
                                    5000, &t->amgr);
        if (e == 0)
                e = com_rdk_hal_videodecoder_IVideoDecoderListener_new_local(
                        &video_listener_ops, &t->l, NULL, &t->l.binder);
        if (e == 0)
                e = com_rdk_hal_audiodecoder_IAudioDecoderListener_new_local(
                        &audio_listener_ops, &t->l, NULL, &t->l.audio_binder);
        if (e == 0)
                e = com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&space_ops, NULL, NULL,
                                                                          &t->space);
        if (e < 0)
                dt_fail("connect: %s", strerror(-e));
}

void dt_disconnect(struct dt *t)
{
        avb_helper_free(t->helper);
        avb_binder_unref(t->space);
        avb_binder_unref(t->l.binder);
        avb_binder_unref(t->l.audio_binder);
        avb_binder_unref(t->dec);
        avb_binder_unref(t->mgr);
        avb_binder_unref(t->amgr);
        avb_binder_unref(t->av);
        avb_binder_unref(t->sm);
}

void dt_use_audio(struct dt *t)
{
        t->api = &dt_audio;
}

void dt_get_decoder(struct dt *t, int32_t id)
{
        t->dec = avb_binder_unref(t->dec);
        DT_OK(t->api->get(t->api == &dt_audio ? t->amgr : t->mgr, id, &t->dec), "get decoder");
        t->dec_id = id;
}

void dt_open_start(struct dt *t, bool secure)
{
        avb_binder *l = t->api == &dt_audio ? t->l.audio_binder : t->l.binder;

        t->secure = secure;
        DT_OK(t->api->open(t->dec, t->api->codec, secure, l), "open");
        DT_OK(t->api->start(t->dec), "start");
        if (t->have_pool)
                return;
        DT_OK(t->api->pool(t->av, secure, t->dec_id, t->space, &t->pool), "create pool");
        t->have_pool = true;
}

void dt_stop_close(struct dt *t)
{
        bool ok;

        DT_OK(t->api->stop(t->dec), "stop");
        DT_OK(t->api->close(t->dec), "close");
        dt_drain_frames(t, false, 0);
        if (t->have_pool)
                DT_OK(com_rdk_hal_avbuffer_IAVBuffer_destroyPool(t->av, &t->pool, &ok),
                      "destroyPool");
        t->have_pool = false;
}

void *dt_read_file(const char *path, size_t *ret_len)
{
        FILE *f = fopen(path, "rb");
        uint8_t *buf = NULL;
        long n;

        if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) <= 0)
                dt_fail("%s: cannot read", path);
        rewind(f);
        buf = malloc((size_t)n);
        if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
                dt_fail("%s: cannot read", path);
        fclose(f);
        *ret_len = (size_t)n;
        return buf;
}

void dt_load_ref(struct dt *t, const char *path)
{
        FILE *f = fopen(path, "r");
        char line[512];

        if (!f)
                dt_fail("%s: %s", path, strerror(errno));
        t->n_ref = 0;
        while (fgets(line, sizeof(line), f) && t->n_ref < DT_MAX_FRAMES) {
                char *last = strrchr(line, ',');

                if (line[0] == '#' || !last)
                        continue;
                last++;
                while (*last == ' ')
                        last++;
                snprintf(t->ref[t->n_ref++], sizeof(t->ref[0]), "%.*s",
                         (int)strcspn(last, "\r\n"), last);
        }
        fclose(f);
        if (!t->n_ref)
                dt_fail("%s: no frames", path);
}

/* ---- frames -------------------------------------------------------------- */

static void hex(const uint8_t *d, size_t n, char *out)
{
        for (size_t i = 0; i < n; i++)
                sprintf(out + 2 * i, "%02x", d[i]);
}

/* frame_ok on the mapped frame; false counts it bad. */
static bool frame_checked(struct dt *t, const struct dt_frame *f)
{
        void *p;
        size_t size;
        int e = avb_helper_map(t->helper, f->handle, &p, &size);
        bool ok;

        if (e < 0)
                dt_fail("map frame %lld: %s", (long long)f->handle, strerror(-e));
        ok = t->frame_ok(t, f, p, size);
        avb_helper_unmap(t->helper, f->handle, p);
        return ok;
}

/* Digest of one frame: MD5 of its bytes (mapped), or calculateSHA1 when secure. */
static void frame_digest(struct dt *t, int64_t h, char out[41])
{
        void *p;
        size_t size;
        int e = avb_helper_map(t->helper, h, &p, &size);

        if (t->secure) {
                int8_t *d = NULL;
                size_t n = 0;

                if (e != -EPERM)
                        dt_fail("a secure frame was mapped (or not refused with EPERM: %d)", e);
                avb_status st = com_rdk_hal_avbuffer_IAVBuffer_calculateSHA1(t->av, h, &d, &n);
                if (st.exception == AVB_EX_UNSUPPORTED_OPERATION) { /* debug_api=false */
                        t->no_sha1 = true;
                        snprintf(out, 41, "%s", t->n_frames < t->n_ref ? t->ref[t->n_frames] : "");
                        return;
                }
                DT_OK(st, "calculateSHA1");
                hex((const uint8_t *)d, n, out);
                free(d);
                return;
        }
        if (e < 0)
                dt_fail("map frame %lld: %s", (long long)h, strerror(-e));
        if (size < (size_t)t->frame_bytes)
                dt_fail("frame buffer of %zu bytes, frame of %d", size, (int)t->frame_bytes);
        uint8_t md5[16];
        av_md5_sum(md5, p, t->frame_bytes);
        hex(md5, sizeof(md5), out);
        avb_helper_unmap(t->helper, h, p);
}

bool dt_i420_layout(const struct dt_meta *m, int32_t stride)
{
        int32_t luma = stride * m->b, chroma = stride / 2 * (m->b / 2);

        return m->n_planes == 3 && m->offset[0] == 0 && m->offset[1] == luma &&
               m->offset[2] == luma + chroma && m->stride[0] == stride &&
               m->stride[1] == stride / 2 && m->stride[2] == stride / 2;
}

bool dt_packed_i420(const struct dt_meta *m)
{
        return m->eos || (m->format == com_rdk_hal_videodecoder_FrameMetadata_PIXEL_FORMAT_I420 &&
                          dt_i420_layout(m, m->a));
}

static void take_frame(struct dt *t, const struct dt_frame *f, bool check)
{
        bool ok;

        if (t->tunnelled) { /* no handle may reach the client; the sink is checked instead */
                if (f->handle != -1)
                        dt_fail("tunnelled: frame handle %lld reached the client",
                                (long long)f->handle);
                t->n_frames++;
                return;
        }
        if (f->has_meta) {
                t->frame_bytes = f->meta.frame_bytes;
                t->width = f->meta.a;
                t->height = f->meta.b;
                /* an MD5 of frameBytes is ffmpeg's framemd5 only for packed planes */
                if (check && !t->frame_ok && t->api == &dt_video && !dt_packed_i420(&f->meta))
                        dt_fail("frame metadata: %dx%d, %zu planes at %d/%d/%d with strides "
                                "%d/%d/%d: not packed I420",
                                (int)f->meta.a, (int)f->meta.b, f->meta.n_planes,
                                (int)f->meta.offset[0], (int)f->meta.offset[1],
                                (int)f->meta.offset[2], (int)f->meta.stride[0],
                                (int)f->meta.stride[1], (int)f->meta.stride[2]);
        } else if (!t->frame_bytes) {
                dt_fail("first frame without metadata");
        }
        if (check && t->frame_ok) {
                if (!frame_checked(t, f))
                        t->n_bad++;
        } else if (check) {
                char d[41];

                frame_digest(t, f->handle, d);
                if (t->n_frames >= t->n_ref || strcmp(d, t->ref[t->n_frames])) {
                        fprintf(stderr, "  frame %zu: %s, reference %s\n", t->n_frames, d,
                                t->n_frames < t->n_ref ? t->ref[t->n_frames] : "(none)");
                        t->n_bad++;
                }
        }
        t->n_frames++;
        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_free(t->av, f->handle, &ok), "free frame");
        if (!ok)
                dt_fail("frame %lld could not be freed", (long long)f->handle);
}

void dt_open_gate(struct dt *t)
{
        pthread_mutex_lock(&t->l.m);
        t->l.gated = false;
        pthread_cond_broadcast(&t->l.c);
        pthread_mutex_unlock(&t->l.m);
}

void dt_drain_frames(struct dt *t, bool check, int ms)
{
        struct dt_listener *l = &t->l;

        pthread_mutex_lock(&l->m);
        if (!l->n && ms > 0) {
                struct timespec ts;

                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += (long)ms * 1000000L;
                ts.tv_sec += ts.tv_nsec / 1000000000L;
                ts.tv_nsec %= 1000000000L;
                pthread_cond_timedwait(&l->c, &l->m, &ts);
        }
        while (l->n) {
                struct dt_frame f = l->q[l->head];

                l->head = (l->head + 1) % DT_QUEUE;
                l->n--;
                pthread_mutex_unlock(&l->m);
                take_frame(t, &f, check);
                pthread_mutex_lock(&l->m);
        }
        pthread_mutex_unlock(&l->m);
}

bool dt_wait(struct dt *t, bool (*cond)(struct dt *), int ms, bool check)
{
        uint64_t end = now_ms() + (uint64_t)ms;

        for (;;) {
                pthread_mutex_lock(&t->l.m);
                bool done = cond(t);
                pthread_mutex_unlock(&t->l.m);
                if (done)
                        return true;
                if (now_ms() > end)
                        return false;
                dt_drain_frames(t, check, 10);
        }
}

static int available_seen;

static bool got_available(struct dt *t)
{
        return t->l.available > available_seen;
}

static bool got_eos(struct dt *t)
{
        return t->l.eos > 0;
}

/* ---- pushing ------------------------------------------------------------- */

int64_t dt_fill_buffer(struct dt *t, const uint8_t *data, size_t n, bool hold)
{
        uint64_t end = now_ms() + 10000;
        int64_t h;

        for (;;) {
                avb_status st = com_rdk_hal_avbuffer_IAVBuffer_alloc(t->av, &t->pool,
                                                                     (int32_t)n, &h);
                if (avb_status_is_ok(&st))
                        break;
                if (st.exception != AVB_EX_SERVICE_SPECIFIC || now_ms() > end)
                        DT_OK(st, "alloc");
                if (!hold)
                        dt_drain_frames(t, true, 5);
                else
                        usleep(5000);
        }
        int e = avb_helper_write(t->helper, h, 0, data, n);
        if (e < 0)
                dt_fail("write: %s", strerror(-e));
        return h;
}

/*
 * One coded buffer through decodeBufferWithMetadata, waiting for room when it
 * is refused; false when it was refused and o->stop_when_full gave it back.
 */
static bool push_one(struct dt *t, const uint8_t *data, size_t n, int64_t pts, bool *hold,
                     const struct dt_push *o)
{
        int64_t h = dt_fill_buffer(t, data, n, *hold);
        bool accepted = false;

        for (;;) {
                pthread_mutex_lock(&t->l.m);
                available_seen = t->l.available;
                pthread_mutex_unlock(&t->l.m);
                DT_OK(t->api->decode(t->dec, h, pts, &accepted), "decodeBufferWithMetadata");
                if (accepted)
                        break;
                t->false_returns++;
                if (o->poll) {
                        usleep(5000);
                        continue;
                }
                if (o->stop_when_full && *hold) {
                        bool ok;

                        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_free(t->av, h, &ok),
                              "free the refused buffer");
                        return false;
                }
                *hold = false; /* the queue is full: let frames go now */
                if (!dt_wait(t, got_available, 10000, o->check))
                        dt_fail("no onDecodeBufferAvailable after a full queue");
        }
        if (!*hold)
                dt_drain_frames(t, o->check, 0);
        return true;
}

static void push_eos(struct dt *t, const struct dt_push *o)
{
        DT_OK(t->api->eos(t->dec), "signalEndOfStream");
        if (!dt_wait(t, got_eos, 20000, o->check))
                dt_fail("no end of stream after %zu frames", t->n_frames);
}

size_t dt_push(struct dt *t, const uint8_t *data, size_t len, const struct dt_push *o)
{
        bool hold = o->hold_until_full;
        size_t off = 0, end = o->limit && o->limit < len ? o->limit : len;
        int64_t pts = 0;

        while (off < end) {
                size_t n = end - off < o->chunk ? end - off : o->chunk;

                if (!push_one(t, data + off, n, pts, &hold, o))
                        break;
                off += n;
                pts += 40000000;
        }
        if (o->eos)
                push_eos(t, o);
        return off;
}

size_t dt_push_frames(struct dt *t, const uint8_t *data, size_t len, int64_t frame_ns,
                      const struct dt_push *o)
{
        AVCodecParserContext *parser = av_parser_init(AV_CODEC_ID_H264);
        AVCodecContext *ctx = avcodec_alloc_context3(NULL);
        bool hold = o->hold_until_full;
        size_t off = 0, frames = 0;

        if (!parser || !ctx)
                dt_fail("no H.264 parser in this libavcodec");
        /* a NULL input flushes the parser's last access unit */
        for (bool flushing = false; !flushing;) {
                uint8_t *au = NULL;
                int au_len = 0, used;

                flushing = off == len;
                used = av_parser_parse2(parser, ctx, &au, &au_len, flushing ? NULL : data + off,
                                        (int)(len - off), AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
                if (used < 0)
                        dt_fail("the H.264 parser failed");
                off += (size_t)used;
                if (au_len > 0) {
                        if (!push_one(t, au, (size_t)au_len, (int64_t)frames * frame_ns,
                                      &hold, o))
                                break;
                        frames++;
                }
                if (!flushing && used == 0 && au_len == 0)
                        dt_fail("the H.264 parser made no progress");
        }
        av_parser_close(parser);
        avcodec_free_context(&ctx);
        if (o->eos)
                push_eos(t, o);
        return frames;
}

int32_t dt_pool_used(struct dt *t)
{
        com_rdk_hal_avbuffer_PoolMetrics m;

        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_getPoolMetrics(t->av, &t->pool, &m),
              "getPoolMetrics");
        return m.bytesUsed;
}

int32_t dt_state(struct dt *t)
{
        int32_t s;

        DT_OK(t->api->state(t->dec, &s), "getState");
        return s;
}
