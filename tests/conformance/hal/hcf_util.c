/* SPDX-License-Identifier: Apache-2.0 */
/* The HAL runner's plumbing (hcf.h): checks, connecting, listeners, buffers, streams. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <avbuffer/servicemanager.h>

#include "../cf_time.h"
#include "avb_avbuffer.h"
#include "hcf.h"

#define VD(x) com_rdk_hal_videodecoder_##x
#define AD(x) com_rdk_hal_audiodecoder_##x

/* ---- failing ------------------------------------------------------------ */

void hcf_fail_at(hcf_ctx *c, const char *file, int line, const char *fmt, ...)
{
        const char *base = strrchr(file, '/');
        va_list ap;
        int n;

        n = snprintf(c->msg, sizeof(c->msg), "%s:%d: ", base ? base + 1 : file, line);
        if (n < 0 || (size_t)n >= sizeof(c->msg))
                n = 0;
        va_start(ap, fmt);
        vsnprintf(c->msg + n, sizeof(c->msg) - (size_t)n, fmt, ap);
        va_end(ap);
        longjmp(c->jb, 1);
}

void hcf_skip(hcf_ctx *c, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
        va_end(ap);
        longjmp(c->jb, 2);
}

void hcf_note(hcf_ctx *c, const char *fmt, ...)
{
        va_list ap;

        if (!c->o->verbose)
                return;
        va_start(ap, fmt);
        fputs("    note: ", stdout);
        vprintf(fmt, ap);
        fputc('\n', stdout);
        va_end(ap);
        fflush(stdout);
}

void hcf_expect_at(hcf_ctx *c, const char *file, int line, const avb_status *st, int32_t ex,
                   const char *what)
{
        if (st->exception == ex)
                return;
        hcf_fail_at(c, file, line, "%s: got %s%s%s, want %s", what,
                    avb_exception_name(st->exception), st->message[0] ? " \"" : "",
                    st->message[0] ? st->message : "", avb_exception_name(ex));
}

int hcf_timeout_ms(const hcf_ctx *c, int base_ms)
{
        return base_ms * c->o->time_scale;
}

/* ---- connecting ------------------------------------------------------------ */

static avb_status on_space(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        return avb_status_ok();
}

static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops space_ops = {
    .onSpaceAvailable = on_space,
};

int hcf_connect(hcf_ctx *c)
{
        const hcf_opts *o = c->o;
        avb_binder *sm = NULL;
        char *ep = NULL;
        uint32_t id = 0;
        int e;

        e = avb_sm_connect(&sm);
        if (e == 0 && o->endpoint) {
                e = avb_endpoint_split(o->endpoint, &ep, &id);
                if (e == 0)
                        e = avb_binder_connect(ep, id, &c->avb);
                free(ep);
        } else if (e == 0) {
                e = avb_service_get(sm, o->service, hcf_timeout_ms(c, 10000), &c->avb);
        }
        if (e == 0)
                e = avb_service_get(sm, o->video_service, hcf_timeout_ms(c, 10000), &c->vmgr);
        if (e == 0)
                e = avb_service_get(sm, o->audio_service, hcf_timeout_ms(c, 10000), &c->amgr);
        if (e == 0)
                e = avb_helper_new(c->avb, &c->helper);
        if (e == 0)
                e = com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&space_ops, NULL, NULL,
                                                                          &c->space);
        avb_binder_unref(sm);
        if (e < 0)
                fprintf(stderr, "avbuffer-hal-conformance: cannot reach the services: %s\n",
                        strerror(-e));
        return e;
}

void hcf_disconnect(hcf_ctx *c)
{
        c->helper = avb_helper_free(c->helper);
        c->space = avb_binder_unref(c->space);
        c->vmgr = avb_binder_unref(c->vmgr);
        c->amgr = avb_binder_unref(c->amgr);
        c->avb = avb_binder_unref(c->avb);
}

/* ---- listeners ------------------------------------------------------------- */

static hcf_frame *add_frame(hcf_rec *r, int64_t pts, int64_t h)
{
        hcf_frame *f = r->n_frames < HCF_MAX_FRAMES ? &r->frames[r->n_frames] : NULL;

        r->n_frames++;
        if (f) {
                memset(f, 0, sizeof(*f));
                f->pts = pts;
                f->handle = h;
        }
        return f;
}

static void video_meta(hcf_frame *f, const VD(FrameMetadata) * m)
{
        avb_avbuffer_PlaneLayout l;

        f->has_meta = true;
        f->eos = m->endOfStream;
        f->width = m->activeWidth;
        f->height = m->activeHeight;
        f->sha1_len = m->sha1_count < sizeof(f->sha1) ? m->sha1_count : sizeof(f->sha1);
        memcpy(f->sha1, m->sha1, f->sha1_len);
        if (m->sha1_count > sizeof(f->sha1))
                f->sha1_len = m->sha1_count; /* wrong length: the case says so */
        if (avb_avbuffer_PlaneLayout_holder_get(&m->extension, &l) <= 0) /* 1: present */
                return;
        f->has_layout = true;
        f->layout_format = l.format;
        f->layout_w = l.width;
        f->layout_h = l.height;
        f->frame_bytes = l.frameBytes;
        f->n_planes =
            l.offsets_count == l.strides_count && l.offsets_count <= 3 ? l.offsets_count : 0;
        for (size_t i = 0; i < f->n_planes; i++) {
                f->offsets[i] = l.offsets[i];
                f->strides[i] = l.strides[i];
        }
        avb_avbuffer_PlaneLayout_fini(&l);
}

static avb_status on_video_frame(void *impl, avb_call *call, int64_t pts, int64_t h,
                                 const VD(FrameMetadata) * m)
{
        hcf_rec *r = impl;
        hcf_frame *f;

        (void)call;
        pthread_mutex_lock(&r->m);
        f = add_frame(r, pts, h);
        if (f && m)
                video_meta(f, m);
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->m);
        return avb_status_ok();
}

static avb_status on_audio_frame(void *impl, avb_call *call, int64_t pts, int64_t h,
                                 const AD(FrameMetadata) * m)
{
        hcf_rec *r = impl;
        hcf_frame *f;

        (void)call;
        pthread_mutex_lock(&r->m);
        f = add_frame(r, pts, h);
        if (f && m) {
                f->has_meta = true;
                f->eos = m->endOfStream;
                f->source_codec = m->sourceCodec;
                if (m->metadata) {
                        f->has_pcm = true;
                        f->channels = m->metadata->numChannels;
                        f->rate = m->metadata->sampleRate;
                        f->pcm_format = m->metadata->format;
                }
        }
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->m);
        return avb_status_ok();
}

static avb_status on_user_data(void *impl, avb_call *call, int64_t pts, const int8_t *d, size_t n)
{
        hcf_rec *r = impl;

        (void)call;
        (void)pts;
        (void)d;
        (void)n;
        pthread_mutex_lock(&r->m);
        r->user_data++;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->m);
        return avb_status_ok();
}

static avb_status on_available(void *impl, avb_call *call)
{
        hcf_rec *r = impl;

        (void)call;
        pthread_mutex_lock(&r->m);
        r->available++;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->m);
        return avb_status_ok();
}

/* State is an int32_t enum in both packages. */
static avb_status on_state(void *impl, avb_call *call, int32_t from, int32_t to)
{
        hcf_rec *r = impl;

        (void)call;
        pthread_mutex_lock(&r->m);
        if (r->n_states < HCF_MAX_STATES) {
                r->states[r->n_states][0] = from;
                r->states[r->n_states][1] = to;
        }
        r->n_states++;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->m);
        return avb_status_ok();
}

static avb_status on_error(void *impl, avb_call *call, int32_t code, int32_t vendor)
{
        hcf_rec *r = impl;

        (void)call;
        (void)code;
        (void)vendor;
        pthread_mutex_lock(&r->m);
        r->errors++;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->m);
        return avb_status_ok();
}

static const VD(IVideoDecoderControllerListener_ops) video_ctl_ops = {
    .onFrameOutput = on_video_frame,
    .onUserDataOutput = on_user_data,
    .onDecodeBufferAvailable = on_available,
};
static const VD(IVideoDecoderEventListener_ops) video_ev_ops = {
    .onDecodeError = on_error,
    .onStateChanged = on_state,
};
static const AD(IAudioDecoderControllerListener_ops) audio_ctl_ops = {
    .onFrameOutput = on_audio_frame,
    .onDecodeBufferAvailable = on_available,
};
static const AD(IAudioDecoderEventListener_ops) audio_ev_ops = {
    .onDecodeError = on_error,
    .onStateChanged = on_state,
};

/* Every recorder ever made: reachable until exit, as their listeners must be. */
static hcf_rec *all_recs;

hcf_rec *hcf_rec_new(hcf_ctx *c, bool audio)
{
        hcf_rec *r = calloc(1, sizeof(*r));
        int e;

        HCF_CHECK(c, r, "out of memory");
        pthread_mutex_init(&r->m, NULL);
        pthread_cond_init(&r->cv, NULL);
        r->audio = audio;
        r->next_alloc = all_recs;
        all_recs = r;
        if (audio) {
                e = AD(IAudioDecoderControllerListener_new_local)(&audio_ctl_ops, r, NULL,
                                                                  &r->controller_listener);
                if (e == 0)
                        e = AD(IAudioDecoderEventListener_new_local)(&audio_ev_ops, r, NULL,
                                                                     &r->event_listener);
        } else {
                e = VD(IVideoDecoderControllerListener_new_local)(&video_ctl_ops, r, NULL,
                                                                  &r->controller_listener);
                if (e == 0)
                        e = VD(IVideoDecoderEventListener_new_local)(&video_ev_ops, r, NULL,
                                                                     &r->event_listener);
        }
        HCF_CHECK(c, e == 0, "listener: %s", strerror(-e));
        return r;
}

bool hcf_rec_wait(hcf_ctx *c, hcf_rec *r, bool (*cond)(const hcf_rec *r, const void *arg),
                  const void *arg, int base_ms)
{
        int64_t end = avb_now_ms() + hcf_timeout_ms(c, base_ms);
        bool ok;

        pthread_mutex_lock(&r->m);
        while (!(ok = cond(r, arg))) {
                struct timespec ts;

                if (avb_now_ms() > end)
                        break;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 20 * 1000000L;
                ts.tv_sec += ts.tv_nsec / 1000000000L;
                ts.tv_nsec %= 1000000000L;
                pthread_cond_timedwait(&r->cv, &r->m, &ts);
        }
        pthread_mutex_unlock(&r->m);
        return ok;
}

static bool have_frames(const hcf_rec *r, const void *arg)
{
        return r->n_frames >= *(const size_t *)arg;
}

void hcf_wait_frames(hcf_ctx *c, hcf_rec *r, size_t n, const char *what)
{
        HCF_CHECK(c, hcf_rec_wait(c, r, have_frames, &n, 20000), "%s: %zu of %zu frames heard",
                  what, r->n_frames, n);
}

static bool have_eos(const hcf_rec *r, const void *arg)
{
        (void)arg;
        for (size_t i = 0; i < r->n_frames && i < HCF_MAX_FRAMES; i++)
                if (r->frames[i].eos)
                        return true;
        return false;
}

size_t hcf_drain_to_eos(hcf_ctx *c, hcf_rec *r, void (*fn)(hcf_ctx *c, const hcf_frame *f))
{
        int64_t end = avb_now_ms() + hcf_timeout_ms(c, 30000);
        size_t done = 0, n;

        for (;;) {
                bool eos = hcf_rec_wait(c, r, have_eos, NULL, 50);

                pthread_mutex_lock(&r->m);
                n = r->n_frames < HCF_MAX_FRAMES ? r->n_frames : HCF_MAX_FRAMES;
                pthread_mutex_unlock(&r->m);
                /* frames are only appended: those below n stay as they are */
                for (; done < n; done++) {
                        hcf_frame *f = &r->frames[done];
                        bool ok;

                        if (fn)
                                fn(c, f);
                        if (f->handle >= 0 && !f->freed) {
                                f->freed = true;
                                (void)com_rdk_hal_avbuffer_IAVBuffer_free(c->avb, f->handle, &ok);
                        }
                        if (f->eos)
                                return done;
                }
                HCF_CHECK(c, !eos || done < n, "the end-of-stream frame was not kept");
                HCF_CHECK(c, avb_now_ms() < end,
                          "no frame with metadata.endOfStream after %zu frames", n);
        }
}

static bool in_state(const hcf_rec *r, const void *arg)
{
        return r->n_states && r->n_states <= HCF_MAX_STATES &&
               r->states[r->n_states - 1][1] == *(const int32_t *)arg;
}

void hcf_wait_state(hcf_ctx *c, hcf_rec *r, int32_t state, const char *what)
{
        HCF_CHECK(c, hcf_rec_wait(c, r, in_state, &state, 20000),
                  "%s: no onStateChanged to %d (%zu changes heard)", what, (int)state, r->n_states);
}

void hcf_rec_free_frames(hcf_ctx *c, hcf_rec *r)
{
        pthread_mutex_lock(&r->m);
        for (size_t i = 0; i < r->n_frames && i < HCF_MAX_FRAMES; i++) {
                hcf_frame *f = &r->frames[i];
                bool ok;

                if (f->freed || f->handle < 0)
                        continue;
                f->freed = true;
                (void)com_rdk_hal_avbuffer_IAVBuffer_free(c->avb, f->handle, &ok);
        }
        pthread_mutex_unlock(&r->m);
}

/* ---- coded buffers ---------------------------------------------------------- */

static void need_pool(hcf_ctx *c, hcf_dec *d)
{
        avb_status st;

        if (d->have_pool)
                return;
        if (d->audio) {
                AD(IAudioDecoder_Id) id = {.value = d->id};

                st = com_rdk_hal_avbuffer_IAVBuffer_createAudioPool(c->avb, false, &id, c->space,
                                                                    &d->pool);
        } else {
                VD(IVideoDecoder_Id) id = {.value = d->id};

                st = com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(c->avb, false, &id, c->space,
                                                                    &d->pool);
        }
        HCF_EXPECT_EX(c, st, AVB_EX_NONE, "IAVBuffer.create*Pool for the decoder");
        d->have_pool = true;
}

int64_t hcf_buf(hcf_ctx *c, hcf_dec *d, const void *data, size_t len)
{
        int64_t end = avb_now_ms() + hcf_timeout_ms(c, 20000), h = 0;
        avb_status st;
        int e;

        need_pool(c, d);
        HCF_CHECK(c, c->n_bufs < HCF_MAX_BUFS, "the case holds too many buffers");
        for (;;) { /* the pool may be full of buffers the decoder has yet to consume */
                st = com_rdk_hal_avbuffer_IAVBuffer_alloc(c->avb, &d->pool, (int32_t)len, &h);
                if (avb_status_is_ok(&st))
                        break;
                HCF_CHECK(c, st.exception == AVB_EX_SERVICE_SPECIFIC && avb_now_ms() < end,
                          "alloc of %zu bytes: %s \"%s\"", len, avb_exception_name(st.exception),
                          st.message);
                hcf_rec_free_frames(c, d->rec);
                cf_sleep_ms(5);
        }
        c->bufs[c->n_bufs++] = h;
        e = avb_helper_write(c->helper, h, 0, data, len);
        HCF_CHECK(c, e == 0, "helper write: %s", strerror(-e));
        return h;
}

void hcf_buf_given(hcf_ctx *c, int64_t h)
{
        for (size_t i = 0; i < c->n_bufs; i++)
                if (c->bufs[i] == h) {
                        c->bufs[i] = c->bufs[--c->n_bufs];
                        return;
                }
}

void hcf_heap(hcf_ctx *c, bool secure, int32_t *ret_used)
{
        com_rdk_hal_avbuffer_HeapMetrics m;

        HCF_OK(c, com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(c->avb, secure, &m),
               "getHeapMetrics");
        *ret_used = m.bytesUsed;
}

/* ---- streams ---------------------------------------------------------------- */

/* Offset of the start code at or after i (len when none); *sc its length. */
static size_t next_start(const uint8_t *b, size_t len, size_t i, size_t *sc)
{
        for (; i + 3 <= len; i++) {
                if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                        *sc = 3;
                        return i;
                }
                if (i + 4 <= len && b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 0 && b[i + 3] == 1) {
                        *sc = 4;
                        return i;
                }
        }
        *sc = 0;
        return len;
}

/*
 * Access units of an H.264 Annex B stream (H.264 7.4.1.2.3): a unit ends
 * before an AUD, SEI, SPS or PPS, or before a slice whose first_mb_in_slice
 * is 0 (its first bit set), once it holds a slice.
 */
static void split_annexb(hcf_stream *s)
{
        size_t i, sc, cap = 64;
        bool have_slice = false;

        s->off = malloc(cap * sizeof(*s->off));
        s->n = 0;
        for (i = next_start(s->data, s->len, 0, &sc); s->off && i < s->len;) {
                size_t next, nsc;
                uint8_t type = i + sc < s->len ? s->data[i + sc] & 0x1f : 0;
                bool slice = type == 1 || type == 5;
                bool first_mb0 = slice && i + sc + 1 < s->len && (s->data[i + sc + 1] & 0x80);
                bool starts = (type >= 6 && type <= 9) || first_mb0;

                if (s->n == 0 || (starts && have_slice)) {
                        if (s->n + 2 > cap) {
                                size_t *o = realloc(s->off, (cap *= 2) * sizeof(*o));

                                if (!o) {
                                        free(s->off);
                                        s->off = NULL;
                                        return;
                                }
                                s->off = o;
                        }
                        s->off[s->n++] = i;
                        have_slice = false;
                }
                have_slice |= slice;
                next = next_start(s->data, s->len, i + sc, &nsc);
                i = next;
                sc = nsc;
        }
        if (s->off)
                s->off[s->n] = s->len;
}

static void split_fixed(hcf_stream *s, size_t chunk)
{
        s->n = (s->len + chunk - 1) / chunk;
        s->off = malloc((s->n + 1) * sizeof(*s->off));
        for (size_t i = 0; s->off && i <= s->n; i++)
                s->off[i] = i * chunk < s->len ? i * chunk : s->len;
}

void hcf_stream_load(hcf_ctx *c, const char *name, bool audio, hcf_stream *ret)
{
        char path[4096];
        FILE *f;
        long n;

        memset(ret, 0, sizeof(*ret));
        if (!c->o->streams)
                hcf_skip(c, "no test streams (--streams DIR: tests/decode/gen-streams.sh needs "
                            "an ffmpeg that encodes)");
        snprintf(path, sizeof(path), "%s/%s", c->o->streams, name);
        f = fopen(path, "rb");
        if (!f)
                hcf_skip(c, "no stream %s: %s", path, strerror(errno));
        if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
                ret->data = malloc((size_t)n);
                if (ret->data && fread(ret->data, 1, (size_t)n, f) == (size_t)n)
                        ret->len = (size_t)n;
        }
        fclose(f);
        HCF_CHECK(c, ret->len, "%s: cannot read it", path);
        if (audio)
                split_fixed(ret, 4096);
        else
                split_annexb(ret);
        HCF_CHECK(c, ret->off && ret->n, "%s: no units in it", path);
}

void hcf_stream_free(hcf_stream *s)
{
        free(s->data);
        free(s->off);
        memset(s, 0, sizeof(*s));
}

static bool available_above(const hcf_rec *r, const void *arg)
{
        return r->available > *(const int *)arg;
}

/* Waits for an onDecodeBufferAvailable after `seen`, freeing frames meanwhile. */
static void wait_available(hcf_ctx *c, hcf_rec *r, int seen)
{
        int64_t end = avb_now_ms() + hcf_timeout_ms(c, 20000);

        do {
                hcf_rec_free_frames(c, r); /* the decoder may wait for output blocks */
                if (hcf_rec_wait(c, r, available_above, &seen, 50))
                        return;
        } while (avb_now_ms() < end);
        hcf_fail_at(c, __FILE__, __LINE__, "no onDecodeBufferAvailable after a refused buffer");
}

void hcf_feed(hcf_ctx *c, hcf_dec *d, const hcf_stream *s, size_t n, bool eos)
{
        n = n && n < s->n ? n : s->n;
        for (size_t i = 0; i < n; i++) {
                int64_t h = hcf_buf(c, d, s->data + s->off[i], s->off[i + 1] - s->off[i]);
                bool last = eos && i + 1 == n, ok = false;

                for (;;) {
                        int seen;

                        pthread_mutex_lock(&d->rec->m);
                        seen = d->rec->available;
                        pthread_mutex_unlock(&d->rec->m);
                        HCF_OK(c, hcf_decode(d, h, (int64_t)i * 40000000, last, false, &ok),
                               "decodeBufferWithMetadata");
                        if (ok)
                                break;
                        wait_available(c, d->rec, seen);
                }
                hcf_buf_given(c, h);
        }
}
