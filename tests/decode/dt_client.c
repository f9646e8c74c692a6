/* SPDX-License-Identifier: Apache-2.0 */
/* The decode tests' client side (dt.h). */
#include <errno.h>
#include <spawn.h>
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
#include "util.h"

extern char **environ;

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

/* ---- listeners ----------------------------------------------------------- */

enum dt_error dt_error_kind(int32_t vendor_error)
{
        switch (vendor_error) {
        case -ENODEV:
                return DT_ERROR_VPU;
        case -EPIPE:
                return DT_ERROR_SINK;
        default:
                return DT_ERROR_DECODE;
        }
}

/*
 * One onFrameOutput. A frame with endOfStream is a frame and the end of
 * stream; (-1, -1, endOfStream) is the end of stream alone (no frame was left
 * to carry it). Tunnelled frames have handle -1 too, but a real pts.
 */
static void queue_frame(struct dt_listener *l, int64_t pts, int64_t handle,
                        const struct dt_meta *meta)
{
        bool marker = meta && meta->eos && pts == -1 && handle == -1;

        pthread_mutex_lock(&l->m);
        while (l->gated)
                pthread_cond_wait(&l->c, &l->m);
        if (!marker) {
                if (l->received && pts <= l->last_pts)
                        l->out_of_order++;
                l->last_pts = pts;
                l->received++;
        }
        if (meta && meta->eos) {
                l->eos++;
                l->eos_markers += marker;
                l->received_at_eos = l->received;
        }
        if (!marker && l->n < DT_QUEUE) {
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
                d = (struct dt_meta){.a = m->activeWidth,
                                     .b = m->activeHeight,
                                     .eos = m->endOfStream,
                                     .discontinuity = m->discontinuity,
                                     .format = m->pixelFormat,
                                     .coded_w = m->codedWidth,
                                     .coded_h = m->codedHeight,
                                     .x = m->activeX,
                                     .y = m->activeY,
                                     .depth = m->colorDepth,
                                     .scan = m->scanType,
                                     .source = m->source};
                avb_avbuffer_PlaneLayout pl;

                if (avb_avbuffer_PlaneLayout_holder_get(&m->extension, &pl) == 1) {
                        /* the arrays must agree; more than 3 planes is no format we know */
                        d.n_planes = pl.offsets_count == pl.strides_count && pl.offsets_count <= 3
                                         ? pl.offsets_count
                                         : 99;
                        for (size_t i = 0; i < d.n_planes && i < 3; i++) {
                                d.offset[i] = pl.offsets[i];
                                d.stride[i] = pl.strides[i];
                        }
                        d.frame_bytes = pl.frameBytes;
                        if (pl.format != avb_avbuffer_PlaneLayout_FORMAT_I420 || pl.width != d.a ||
                            pl.height != d.b)
                                d.n_planes = 98; /* not the picture the metadata describes */
                        avb_avbuffer_PlaneLayout_fini(&pl);
                }
                d.has_sha1 = m->sha1_count == sizeof(d.sha1);
                if (d.has_sha1)
                        memcpy(d.sha1, m->sha1, sizeof(d.sha1));
        }
        queue_frame(impl, pts, handle, m ? &d : NULL);
        return avb_status_ok();
}

static avb_status on_audio_frame(void *impl, avb_call *call, int64_t pts, int64_t handle,
                                 const com_rdk_hal_audiodecoder_FrameMetadata *m)
{
        struct dt_meta d = {0};

        (void)call;
        if (m) {
                d = (struct dt_meta){.eos = m->endOfStream,
                                     .discontinuity = m->discontinuity,
                                     .codec = m->sourceCodec,
                                     .format = -1};
                if (m->metadata)
                        d = (struct dt_meta){.a = m->metadata->sampleRate,
                                             .b = m->metadata->numChannels,
                                             .eos = m->endOfStream,
                                             .discontinuity = m->discontinuity,
                                             .format = m->metadata->format,
                                             .codec = m->sourceCodec,
                                             .planar = m->metadata->planarFormat};
                /* the PCM's size: avbufferd's avb.avbuffer.PcmLayout in the extension */
                avb_avbuffer_PcmLayout pl;

                avb_avbuffer_PcmLayout_init(&pl);
                if (avb_avbuffer_PcmLayout_holder_get(&m->extension, &pl) == 1)
                        d.frame_bytes = pl.frameBytes;
        }
        queue_frame(impl, pts, handle, m ? &d : NULL);
        return avb_status_ok();
}

static avb_status on_user_data(void *impl, avb_call *call, int64_t pts, const int8_t *data,
                               size_t len)
{
        struct dt_listener *l = impl;

        (void)call;
        pthread_mutex_lock(&l->m);
        if (l->n_user_data < DT_USER_DATA) {
                struct dt_user_data *u = &l->user_data[l->n_user_data];

                u->pts = pts;
                u->len = len;
                u->received_before = l->received;
                memcpy(u->data, data, len < sizeof(u->data) ? len : sizeof(u->data));
        }
        l->n_user_data++;
        pthread_cond_broadcast(&l->c);
        pthread_mutex_unlock(&l->m);
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

static avb_status on_state(void *impl, avb_call *call, com_rdk_hal_State from, com_rdk_hal_State to)
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

static avb_status on_error(void *impl, avb_call *call, int32_t code, int32_t vendor)
{
        struct dt_listener *l = impl;

        (void)call;
        fprintf(stderr, "  listener: decode error %d, vendor error %d (%s)\n", (int)code,
                (int)vendor, strerror(-vendor));
        pthread_mutex_lock(&l->m);
        l->errors[dt_error_kind(vendor)]++;
        pthread_cond_broadcast(&l->c);
        pthread_mutex_unlock(&l->m);
        return avb_status_ok();
}

/* State, ErrorCode and Codec are int32_t in both packages: the same functions serve both. */
static const com_rdk_hal_videodecoder_IVideoDecoderControllerListener_ops video_listener_ops = {
    .onFrameOutput = on_video_frame,
    .onUserDataOutput = on_user_data,
    .onDecodeBufferAvailable = on_available,
};

static const com_rdk_hal_audiodecoder_IAudioDecoderControllerListener_ops audio_listener_ops = {
    .onFrameOutput = on_audio_frame,
    .onDecodeBufferAvailable = on_available,
};

static const com_rdk_hal_videodecoder_IVideoDecoderEventListener_ops video_event_ops = {
    .onDecodeError = on_error,
    .onStateChanged = on_state,
};

static const com_rdk_hal_audiodecoder_IAudioDecoderEventListener_ops audio_event_ops = {
    .onDecodeError = on_error,
    .onStateChanged = on_state,
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
        static avb_status name##_decode(avb_binder *ctl, int64_t h, int64_t pts, bool eos,         \
                                        bool *ret)                                                 \
        {                                                                                          \
                P##_InputBufferMetadata md = {.nsPresentationTime = pts, .endOfStream = eos};      \
                return P##_I##I##DecoderController_decodeBufferWithMetadata(ctl, h, &md, ret);     \
        }                                                                                          \
        static avb_status name##_listen(avb_binder *dec, avb_binder *l, bool on, bool *ret)        \
        {                                                                                          \
                return on ? P##_I##I##Decoder_registerEventListener(dec, l, ret)                   \
                          : P##_I##I##Decoder_unregisterEventListener(dec, l, ret);                \
        }                                                                                          \
        static avb_status name##_pool(avb_binder *av, bool secure, int32_t id, avb_binder *l,      \
                                      com_rdk_hal_avbuffer_Pool *ret)                              \
        {                                                                                          \
                P##_I##I##Decoder_Id did = {.value = id};                                          \
                return com_rdk_hal_avbuffer_IAVBuffer_create##I##Pool(av, secure, &did, l, ret);   \
        }                                                                                          \
        const struct dt_api dt_##name = {                                                          \
            .get = name##_get,                                                                     \
            .open = P##_I##I##Decoder_open,                                                        \
            .start = P##_I##I##DecoderController_start,                                            \
            .stop = P##_I##I##DecoderController_stop,                                              \
            .flush = P##_I##I##DecoderController_flush,                                            \
            .close = P##_I##I##Decoder_close,                                                      \
            .decode = name##_decode,                                                               \
            .state = P##_I##I##Decoder_getState,                                                   \
            .listen = name##_listen,                                                               \
            .pool = name##_pool,                                                                   \
            .codec = C,                                                                            \
        };

DT_PACKAGE(video, com_rdk_hal_videodecoder, Video, com_rdk_hal_videodecoder_Codec_H264_AVC)
DT_PACKAGE(audio, com_rdk_hal_audiodecoder, Audio, com_rdk_hal_audiodecoder_Codec_MPEG2)

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
                                    com_rdk_hal_videodecoder_IVideoDecoderManager_serviceName, 5000,
                                    &t->mgr);
        if (e == 0)
                e = avb_helper_new(t->av, &t->helper);
        if (e == 0)
                e = avb_service_get(t->sm,
                                    com_rdk_hal_audiodecoder_IAudioDecoderManager_serviceName, 5000,
                                    &t->amgr);
        if (e == 0)
                e = com_rdk_hal_videodecoder_IVideoDecoderControllerListener_new_local(
                    &video_listener_ops, &t->l, NULL, &t->l.binder);
        if (e == 0)
                e = com_rdk_hal_audiodecoder_IAudioDecoderControllerListener_new_local(
                    &audio_listener_ops, &t->l, NULL, &t->l.audio_binder);
        if (e == 0)
                e = com_rdk_hal_videodecoder_IVideoDecoderEventListener_new_local(
                    &video_event_ops, &t->l, NULL, &t->l.events);
        if (e == 0)
                e = com_rdk_hal_audiodecoder_IAudioDecoderEventListener_new_local(
                    &audio_event_ops, &t->l, NULL, &t->l.audio_events);
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
        avb_binder_unref(t->l.events);
        avb_binder_unref(t->l.audio_events);
        avb_binder_unref(t->ctl);
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

static avb_binder *events_of(struct dt *t)
{
        return t->api == &dt_audio ? t->l.audio_events : t->l.events;
}

/* The event listener leaves the decoder it watched and watches the new one. */
void dt_get_decoder(struct dt *t, int32_t id)
{
        bool ok;

        if (t->dec)
                DT_OK(t->api->listen(t->dec, events_of(t), false, &ok), "unregisterEventListener");
        t->dec = avb_binder_unref(t->dec);
        t->ctl = avb_binder_unref(t->ctl);
        DT_OK(t->api->get(t->api == &dt_audio ? t->amgr : t->mgr, id, &t->dec), "get decoder");
        if (!t->dec)
                dt_fail("no decoder %d", (int)id);
        t->dec_id = id;
        DT_OK(t->api->listen(t->dec, events_of(t), true, &ok), "registerEventListener");
        if (!ok)
                dt_fail("registerEventListener: false");
}

void dt_open(struct dt *t, bool secure)
{
        avb_binder *l = t->api == &dt_audio ? t->l.audio_binder : t->l.binder;

        t->secure = secure;
        t->ctl = avb_binder_unref(t->ctl);
        t->have_meta = false;
        DT_OK(t->api->open(t->dec, t->api->codec, secure, l, &t->ctl), "open");
        if (!t->ctl)
                dt_fail("open returned no controller");
        /* a secure frame cannot be mapped: its SHA-1 comes in its metadata */
        if (secure && t->api == &dt_video &&
            !dt_set_property(t, com_rdk_hal_videodecoder_Property_SHA1_CALC, 1))
                dt_fail("setProperty(SHA1_CALC, 1): false");
}

void dt_open_start(struct dt *t, bool secure)
{
        dt_open(t, secure);
        dt_start(t);
}

void dt_start(struct dt *t)
{
        DT_OK(t->api->start(t->ctl), "start");
        if (t->have_pool)
                return;
        DT_OK(t->api->pool(t->av, t->secure, t->dec_id, t->space, &t->pool), "create pool");
        t->have_pool = true;
}

void dt_close(struct dt *t)
{
        bool ok = false;

        DT_OK(t->api->close(t->dec, t->ctl, &ok), "close");
        if (!ok)
                dt_fail("close: false");
        t->ctl = avb_binder_unref(t->ctl);
}

void dt_stop_close(struct dt *t)
{
        bool ok;

        DT_OK(t->api->stop(t->ctl), "stop");
        dt_close(t);
        dt_drain_frames(t, false, 0);
        if (t->have_pool)
                DT_OK(com_rdk_hal_avbuffer_IAVBuffer_destroyPool(t->av, &t->pool, &ok),
                      "destroyPool");
        t->have_pool = false;
}

int32_t dt_get_property(struct dt *t, int32_t property)
{
        com_rdk_hal_PropertyValue *v = NULL;
        int32_t r;

        DT_OK(com_rdk_hal_videodecoder_IVideoDecoder_getProperty(t->dec, property, &v),
              "getProperty");
        if (!v || !v->value || v->value->tag != com_rdk_hal_PropertyValue_Value_TAG_intValue)
                dt_fail("getProperty(%d): no intValue", (int)property);
        r = v->value->u.intValue;
        com_rdk_hal_PropertyValue_fini(v);
        free(v);
        return r;
}

bool dt_set_property(struct dt *t, int32_t property, int32_t value)
{
        com_rdk_hal_PropertyValue_Value val = {.tag = com_rdk_hal_PropertyValue_Value_TAG_intValue,
                                               .u.intValue = value};
        com_rdk_hal_PropertyValue v = {.value = &val};
        bool ok = false;

        DT_OK(
            com_rdk_hal_videodecoder_IVideoDecoderController_setProperty(t->ctl, property, &v, &ok),
            "setProperty");
        return ok;
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
                snprintf(t->ref[t->n_ref++], sizeof(t->ref[0]), "%.*s", (int)strcspn(last, "\r\n"),
                         last);
        }
        fclose(f);
        if (!t->n_ref)
                dt_fail("%s: no frames", path);
}

/* ---- frames -------------------------------------------------------------- */

void dt_hex(const uint8_t *d, size_t n, char *out)
{
        for (size_t i = 0; i < n; i++)
                sprintf(out + 2 * i, "%02x", d[i]);
}

const char *dt_ref(struct dt *t, size_t i)
{
        return i < t->n_ref ? t->ref[i] : "";
}

bool dt_i420_layout(const struct dt_meta *m, int32_t stride)
{
        int32_t luma = stride * m->b, chroma = stride / 2 * (m->b / 2);

        return m->n_planes == 3 && m->offset[0] == 0 && m->offset[1] == luma &&
               m->offset[2] == luma + chroma && m->stride[0] == stride &&
               m->stride[1] == stride / 2 && m->stride[2] == stride / 2;
}

size_t dt_frame_bytes(const struct dt_meta *m)
{
        if (m->coded_w > 0 && m->n_planes)
                return m->frame_bytes > 0 ? (size_t)m->frame_bytes : 0;
        if (m->coded_w > 0)
                return (size_t)m->a * (size_t)m->b + 2 * ((size_t)(m->a / 2) * (size_t)(m->b / 2));
        /* audio: every frame's metadata says how many bytes of PCM it holds */
        return m->frame_bytes > 0 ? (size_t)m->frame_bytes : 0;
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

/*
 * MD5 of the picture of an I420 frame, plane by plane, row by row where the
 * layout puts them: ffmpeg's framemd5 of yuv420p (the MD5 of the first
 * frameBytes when the planes are packed).
 */
static void picture_md5(const struct dt_meta *m, const uint8_t *p, uint8_t md5[16])
{
        struct AVMD5 *ctx = av_md5_alloc();

        if (!ctx)
                dt_fail("out of memory");
        av_md5_init(ctx);
        for (int c = 0; c < 3; c++) {
                int32_t sub = c ? 2 : 1, w = m->a / sub, stride = w, off = c ? m->a * m->b : 0;

                if (c == 2)
                        off += (m->a / 2) * (m->b / 2);
                if (m->n_planes == 3) {
                        stride = m->stride[c];
                        off = m->offset[c];
                }
                for (int32_t y = 0; y < m->b / sub; y++)
                        av_md5_update(ctx, p + off + (size_t)y * (size_t)stride, (size_t)w);
        }
        av_md5_final(ctx, md5);
        av_free(ctx);
}

/*
 * Digest of one frame: MD5 of its picture or PCM (mapped), or for a secure
 * frame, which cannot be mapped, the SHA-1 of its metadata (SHA1_CALC); where
 * the build has IAVBuffer.calculateSHA1 that must agree as well.
 */
static void frame_digest(struct dt *t, const struct dt_frame *f, char out[41])
{
        void *p;
        size_t size;
        int e = avb_helper_map(t->helper, f->handle, &p, &size);
        uint8_t md5[16];

        if (t->secure) {
                int8_t *d = NULL;
                size_t n = 0;

                if (e != -EPERM)
                        dt_fail("a secure frame was mapped (or not refused with EPERM: %d)", e);
                if (!f->has_meta || !f->meta.has_sha1)
                        dt_fail("secure frame %zu without a SHA-1 in its metadata", t->n_frames);
                dt_hex(f->meta.sha1, sizeof(f->meta.sha1), out);
                avb_status st =
                    com_rdk_hal_avbuffer_IAVBuffer_calculateSHA1(t->av, f->handle, &d, &n);
                if (st.exception == AVB_EX_UNSUPPORTED_OPERATION) { /* debug_api=false */
                        t->no_sha1 = true;
                        return;
                }
                DT_OK(st, "calculateSHA1");
                char buf[41] = "";
                if (n == 20)
                        dt_hex((const uint8_t *)d, n, buf);
                free(d);
                if (strcmp(buf, out))
                        dt_fail("frame %zu: calculateSHA1 %s, metadata sha1 %s", t->n_frames, buf,
                                out);
                return;
        }
        if (e < 0)
                dt_fail("map frame %lld: %s", (long long)f->handle, strerror(-e));
        if (size < dt_frame_bytes(&t->meta))
                dt_fail("frame buffer of %zu bytes, frame of %zu", size, dt_frame_bytes(&t->meta));
        if (t->api == &dt_video)
                picture_md5(&t->meta, p, md5);
        else
                av_md5_sum(md5, p, (int)dt_frame_bytes(&t->meta));
        dt_hex(md5, sizeof(md5), out);
        avb_helper_unmap(t->helper, f->handle, p);
}

/* What the tests' streams decode to: I420 (video) or interleaved S16 (audio). */
static bool meta_usable(struct dt *t, const struct dt_meta *m)
{
        if (t->api == &dt_video)
                return m->format == com_rdk_hal_videodecoder_PixelFormat_YCBCR420 && m->a > 0 &&
                       m->b > 0 && m->x >= 0 && m->y >= 0 && m->x + m->a <= m->coded_w &&
                       m->y + m->b <= m->coded_h && (m->n_planes == 0 || m->n_planes == 3);
        return m->format == com_rdk_hal_audiodecoder_PCMFormat_S16LE && !m->planar && m->b > 0 &&
               m->codec == t->api->codec;
}

static void take_frame(struct dt *t, const struct dt_frame *f, bool check)
{
        bool ok;

        if (t->on_frame)
                t->on_frame(t, f);
        if (f->has_meta) {
                t->meta = f->meta;
                t->have_meta = true;
                t->width = f->meta.a;
                t->height = f->meta.b;
                if (check && !t->frame_ok && !meta_usable(t, &f->meta))
                        dt_fail("frame metadata: %dx%d in %dx%d at (%d, %d), format %d, codec %d, "
                                "%zu planes",
                                (int)f->meta.a, (int)f->meta.b, (int)f->meta.coded_w,
                                (int)f->meta.coded_h, (int)f->meta.x, (int)f->meta.y,
                                (int)f->meta.format, (int)f->meta.codec, f->meta.n_planes);
        } else if (!t->have_meta) {
                dt_fail("first frame without metadata");
        }
        if (t->tunnelled) { /* no handle may reach the client; the sink is checked instead */
                if (f->handle != -1)
                        dt_fail("tunnelled: frame handle %lld reached the client",
                                (long long)f->handle);
                t->n_frames++;
                return;
        }
        if (t->give_frame && t->give_frame(t, f)) {
                t->n_frames++;
                return;
        }
        if (check && t->frame_ok) {
                if (!frame_checked(t, f))
                        t->n_bad++;
        } else if (check) {
                char d[41];

                frame_digest(t, f, d);
                if (strcmp(d, dt_ref(t, t->n_frames))) {
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
        int64_t end = avb_now_ms() + ms;

        for (;;) {
                pthread_mutex_lock(&t->l.m);
                bool done = cond(t);
                pthread_mutex_unlock(&t->l.m);
                if (done)
                        return true;
                if (avb_now_ms() > end)
                        return false;
                dt_drain_frames(t, check, 10);
        }
}

static bool got_available(struct dt *t)
{
        return t->l.available > t->available_seen;
}

static bool got_eos(struct dt *t)
{
        return t->l.eos > 0;
}

/* ---- pushing ------------------------------------------------------------- */

int64_t dt_fill_buffer(struct dt *t, const uint8_t *data, size_t n, bool hold)
{
        int64_t end = avb_now_ms() + 10000;
        int64_t h;

        for (;;) {
                avb_status st =
                    com_rdk_hal_avbuffer_IAVBuffer_alloc(t->av, &t->pool, (int32_t)n, &h);
                if (avb_status_is_ok(&st))
                        break;
                if (st.exception != AVB_EX_SERVICE_SPECIFIC || avb_now_ms() > end)
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
 * One coded buffer through decodeBufferWithMetadata (endOfStream: eos),
 * waiting for room when it is refused; false when it was refused and
 * o->stop_when_full gave it back.
 */
static bool push_one(struct dt *t, const uint8_t *data, size_t n, int64_t pts, bool eos, bool *hold,
                     const struct dt_push *o)
{
        int64_t h = dt_fill_buffer(t, data, n, *hold);
        bool accepted = false;

        for (;;) {
                pthread_mutex_lock(&t->l.m);
                t->available_seen = t->l.available;
                pthread_mutex_unlock(&t->l.m);
                DT_OK(t->api->decode(t->ctl, h, pts, eos, &accepted), "decodeBufferWithMetadata");
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

/* The last buffer carried endOfStream: wait until a frame output carries it. */
static void wait_eos(struct dt *t, const struct dt_push *o)
{
        if (o->eos && !dt_wait(t, got_eos, 20000, o->check))
                dt_fail("no end of stream after %zu frames", t->n_frames);
}

size_t dt_push(struct dt *t, const uint8_t *data, size_t len, const struct dt_push *o)
{
        bool hold = o->hold_until_full, eos = o->eos || o->eos_no_wait;
        size_t off = 0, end = o->limit && o->limit < len ? o->limit : len;
        int64_t pts = 0;

        while (off < end) {
                size_t n = end - off < o->chunk ? end - off : o->chunk;

                if (!push_one(t, data + off, n, pts, eos && off + n == end, &hold, o))
                        return off;
                off += n;
                pts += 40000000;
        }
        wait_eos(t, o);
        return off;
}

size_t dt_push_samples(struct dt *t, const uint8_t *const *sample, const size_t *size, size_t n,
                       int64_t frame_ns, const struct dt_push *o)
{
        bool hold = o->hold_until_full, eos = o->eos || o->eos_no_wait;
        size_t i;

        for (i = 0; i < n; i++)
                if (!push_one(t, sample[i], size[i], (int64_t)i * frame_ns, eos && i + 1 == n,
                              &hold, o))
                        return i;
        wait_eos(t, o);
        return n;
}

size_t dt_split_frames(const uint8_t *data, size_t len, const uint8_t ***ret_au, size_t **ret_size)
{
        AVCodecParserContext *parser = av_parser_init(AV_CODEC_ID_H264);
        AVCodecContext *ctx = avcodec_alloc_context3(NULL);
        const uint8_t **au = NULL;
        size_t *size = NULL, off = 0, n = 0, cap = 0;

        if (!parser || !ctx)
                dt_fail("no H.264 parser in this libavcodec");
        /* a NULL input flushes the parser's last access unit */
        for (bool flushing = false; !flushing;) {
                uint8_t *out = NULL;
                int out_len = 0, used;

                flushing = off == len;
                used = av_parser_parse2(parser, ctx, &out, &out_len, flushing ? NULL : data + off,
                                        (int)(len - off), AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
                if (used < 0)
                        dt_fail("the H.264 parser failed");
                off += (size_t)used;
                if (out_len > 0) {
                        uint8_t *copy = malloc((size_t)out_len);

                        if (n == cap) {
                                cap = cap ? 2 * cap : 64;
                                au = realloc(au, cap * sizeof(*au));
                                size = realloc(size, cap * sizeof(*size));
                        }
                        if (!copy || !au || !size)
                                dt_fail("out of memory");
                        memcpy(copy, out, (size_t)out_len);
                        au[n] = copy;
                        size[n++] = (size_t)out_len;
                }
                if (!flushing && used == 0 && out_len == 0)
                        dt_fail("the H.264 parser made no progress");
        }
        av_parser_close(parser);
        avcodec_free_context(&ctx);
        *ret_au = au;
        *ret_size = size;
        return n;
}

void dt_free_frames(const uint8_t **au, size_t *size, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free((void *)au[i]);
        free(au);
        free(size);
}

size_t dt_push_frames(struct dt *t, const uint8_t *data, size_t len, int64_t frame_ns,
                      const struct dt_push *o)
{
        const uint8_t **au;
        size_t *size, n = dt_split_frames(data, len, &au, &size);
        size_t pushed = dt_push_samples(t, au, size, n, frame_ns, o);

        dt_free_frames(au, size, n);
        return pushed;
}

void dt_samples_split(const uint8_t *data, size_t len, struct dt_samples *ret)
{
        size_t cap = 64, off = 0;

        *ret = (struct dt_samples){0};
        ret->sample = malloc(cap * sizeof(*ret->sample));
        ret->size = malloc(cap * sizeof(*ret->size));
        while (ret->sample && ret->size && off + 4 <= len) {
                size_t n = (size_t)data[off] << 24 | (size_t)data[off + 1] << 16 |
                           (size_t)data[off + 2] << 8 | data[off + 3];

                off += 4;
                if (n > len - off)
                        dt_fail("samples: record %zu overruns the file", ret->n);
                if (ret->n == cap) {
                        cap *= 2;
                        ret->sample = realloc(ret->sample, cap * sizeof(*ret->sample));
                        ret->size = realloc(ret->size, cap * sizeof(*ret->size));
                        if (!ret->sample || !ret->size)
                                break;
                }
                ret->sample[ret->n] = data + off;
                ret->size[ret->n++] = n;
                off += n;
        }
        if (!ret->sample || !ret->size)
                dt_fail("out of memory");
        if (off != len)
                dt_fail("samples: %zu bytes left after the last record", len - off);
}

void dt_samples_free(struct dt_samples *s)
{
        free(s->sample);
        free(s->size);
        *s = (struct dt_samples){0};
}

int32_t dt_pool_used(struct dt *t)
{
        com_rdk_hal_avbuffer_PoolMetrics m;

        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_getPoolMetrics(t->av, &t->pool, &m), "getPoolMetrics");
        return m.bytesUsed;
}

int32_t dt_state(struct dt *t)
{
        int32_t s;

        DT_OK(t->api->state(t->dec, &s), "getState");
        return s;
}

pid_t dt_spawn_ready(const char *exe, char *const argv[], char *line, size_t len, int *ret_fd)
{
        posix_spawn_file_actions_t fa;
        int fds[2];
        pid_t pid;

        if (pipe(fds) < 0)
                dt_fail("pipe");
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        if (posix_spawn(&pid, exe, &fa, NULL, argv, environ))
                dt_fail("spawn");
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        memset(line, 0, len);
        if (read(fds[0], line, len - 1) <= 0 || strncmp(line, "ready", 5))
                dt_fail("the child did not get ready");
        *ret_fd = fds[0];
        return pid;
}
