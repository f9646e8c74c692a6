/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Audio Sink HAL proofs and the A/V sync proof (suite 'decode'): a
 * client decodes with the published decoders and queues every frame handle
 * into the sinks, never mapping it, the sinks paced by AV clock 0; what the
 * sinks presented (read with IAVBufferControl.takeSinkFrames, as `avbufctl
 * sink` does) is checked against ffmpeg's framemd5 and the clock.
 *
 *   asink          MP2 into audio sink 0 (AUDIO_MASTER clock): MD5s equal
 *                  ffmpeg's s16le framemd5, no frame before its time, a pause
 *                  (rate 0) presents nothing until resumed, first frame and
 *                  end of stream heard, flush frees what was queued (a whole
 *                  stream decodes again through the same 16 frame blocks),
 *                  properties, volume and ramps, an earlier open's controller
 *                  and a foreign one refused (EX_ILLEGAL_STATE, close too)
 *   asink-secure   the same from the secure audio frame pool
 *   asink-wav      asink into audio sink 0, whose decoder entry in
 *                  profile.yaml has `sink_output: audio-sink-0.wav`: the
 *                  file's header says PCM S16LE, 2 channels, 48 kHz, its
 *                  sizes match the file, and its data starts with ffmpeg's
 *                  s16le decode of the whole stream
 *   asink-kill     a client dies with frames queued in a paused sink: the
 *                  sink closes, the heap is back, a whole stream decodes
 *   avsync         one client, a 10 s programme: video into video sink 0,
 *                  audio into audio sink 0, both on clock 0 (AUDIO_MASTER);
 *                  every frame no earlier than its time, every presented
 *                  picture's MD5 ffmpeg's for its pts, and audio and video
 *                  within one video frame (40 ms) of each other throughout
 *                  (the worst offset printed). The video being the slave,
 *                  pictures too late to show in sync may be dropped (a
 *                  loaded machine): they must be the ones the sink counts in
 *                  METRIC_FRAMES_DROPPED_LATE, and their number is printed
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <avbuffer/servicemanager.h>

#include "avb_avbuffer.h"
#include "avb_config.h"
#include "com_rdk_hal_audiosink.h"
#include "com_rdk_hal_avclock.h"
#include "com_rdk_hal_videosink.h"
#include "dt.h"
#include "util.h"

#define AS(x) com_rdk_hal_audiosink_##x
#define VS(x) com_rdk_hal_videosink_##x
#define CK(x) com_rdk_hal_avclock_##x

#define MS             1000000LL
#define VIDEO_FRAME_NS (40 * MS)
#define SYNC_LIMIT_NS  VIDEO_FRAME_NS
#define MAX_RECORDS    2048

extern char **environ;
static const char *dir, *self;

static char *path(const char *name)
{
        static char buf[4096];

        snprintf(buf, sizeof(buf), "%s/%s", dir, name);
        return buf;
}

/* ---- what a sink's controller listener heard ---------------------------------------- */

struct heard {
        pthread_mutex_t m;
        pthread_cond_t c;
        int first, eos, flushed, space, state;
        int64_t eos_pts;
};

static struct heard audio_heard = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
static struct heard video_heard = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static void hear(struct heard *h, int *what, int64_t pts)
{
        pthread_mutex_lock(&h->m);
        (*what)++;
        if (what == &h->eos)
                h->eos_pts = pts;
        pthread_cond_broadcast(&h->c);
        pthread_mutex_unlock(&h->m);
}

static avb_status on_first(void *impl, avb_call *call, int64_t pts)
{
        struct heard *h = impl;

        (void)call;
        hear(h, &h->first, pts);
        return avb_status_ok();
}

static avb_status on_eos(void *impl, avb_call *call, int64_t pts)
{
        struct heard *h = impl;

        (void)call;
        hear(h, &h->eos, pts);
        return avb_status_ok();
}

static avb_status on_flushed(void *impl, avb_call *call)
{
        struct heard *h = impl;

        (void)call;
        hear(h, &h->flushed, 0);
        return avb_status_ok();
}

static avb_status on_space(void *impl, avb_call *call)
{
        struct heard *h = impl;

        (void)call;
        hear(h, &h->space, 0);
        return avb_status_ok();
}

static avb_status on_nothing(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        return avb_status_ok();
}

static avb_status on_resumed(void *impl, avb_call *call, int64_t pts)
{
        (void)impl;
        (void)call;
        (void)pts;
        return avb_status_ok();
}

static avb_status on_state(void *impl, avb_call *call, com_rdk_hal_State from, com_rdk_hal_State to)
{
        struct heard *h = impl;

        (void)call;
        (void)from;
        pthread_mutex_lock(&h->m);
        h->state = to;
        pthread_cond_broadcast(&h->c);
        pthread_mutex_unlock(&h->m);
        return avb_status_ok();
}

static const AS(IAudioSinkControllerListener_ops) audio_listener_ops = {
    .onStateChanged = on_state,
    .onFirstFrameRendered = on_first,
    .onEndOfStream = on_eos,
    .onAudioUnderflow = on_nothing,
    .onAudioResumed = on_resumed,
    .onFlushComplete = on_flushed,
    .onFrameBufferAvailable = on_space,
};

static const VS(IVideoSinkControllerListener_ops) video_listener_ops = {
    .onFirstFrameRendered = on_first,
    .onEndOfStream = on_eos,
    .onVideoUnderflow = on_nothing,
    .onVideoResumed = on_nothing,
    .onFlushComplete = on_flushed,
    .onStateChanged = on_state,
    .onFrameBufferAvailable = on_space,
};

/* Wait (up to 30 s) until *counter reaches n. */
static void wait_heard(struct heard *h, int *counter, int n, const char *what)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 30;
        pthread_mutex_lock(&h->m);
        while (*counter < n)
                if (pthread_cond_timedwait(&h->c, &h->m, &ts) != 0) {
                        pthread_mutex_unlock(&h->m);
                        dt_fail("the sink's listener never heard %s", what);
                }
        pthread_mutex_unlock(&h->m);
}

/* ---- the clock ------------------------------------------------------------------------ */

static avb_status on_clock_state(void *impl, avb_call *call, com_rdk_hal_State a,
                                 com_rdk_hal_State b)
{
        (void)impl;
        (void)call;
        (void)a;
        (void)b;
        return avb_status_ok();
}

static avb_status on_primed(void *impl, avb_call *call, const CK(ClockTime) * t)
{
        (void)impl;
        (void)call;
        (void)t;
        return avb_status_ok();
}

static const CK(IAVClockControllerListener_ops) clock_listener_ops = {
    .onStateChanged = on_clock_state,
    .onPrimed = on_primed,
};

static avb_binder *clock_ctl; /* clock 0, opened and started */

static void clock_open(struct dt *t, CK(ClockMode) mode)
{
        avb_binder *mgr = NULL, *clock = NULL, *l = NULL;
        CK(IAVClock_Id) id = {.value = 0};
        bool ok = false;

        if (avb_service_get(t->sm, CK(IAVClockManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", CK(IAVClockManager_serviceName));
        DT_OK(CK(IAVClockManager_getAVClock)(mgr, &id, &clock), "getAVClock");
        if (!clock ||
            CK(IAVClockControllerListener_new_local)(&clock_listener_ops, NULL, NULL, &l) < 0)
                dt_fail("no clock 0");
        DT_OK(CK(IAVClock_open)(clock, l, &clock_ctl), "clock open");
        DT_OK(CK(IAVClockController_setClockMode)(clock_ctl, mode, &ok), "setClockMode");
        if (!ok || !clock_ctl)
                dt_fail("clock mode %d refused", (int)mode);
        DT_OK(CK(IAVClockController_start)(clock_ctl), "clock start");
        avb_binder_unref(l);
        avb_binder_unref(clock);
        avb_binder_unref(mgr);
}

static void clock_rate(double rate)
{
        bool ok = false;

        DT_OK(CK(IAVClockController_setPlaybackRate)(clock_ctl, rate, &ok), "setPlaybackRate");
        if (!ok)
                dt_fail("setPlaybackRate(%g) refused", rate);
}

/* ---- the records -------------------------------------------------------------------------- */

struct records {
        const char *sink;
        avb_avbuffer_SinkFrame r[MAX_RECORDS];
        size_t n;
};

static avb_binder *control(struct dt *t)
{
        static avb_binder *ctl;

        if (!ctl && avb_binder_connect(avb_binder_endpoint(t->av),
                                       avb_avbuffer_IAVBufferControl_OBJECT_ID, &ctl) < 0)
                dt_fail("cannot reach IAVBufferControl");
        return ctl;
}

/* Append what the sink presented since the last take; how many came. */
static size_t take(struct dt *t, struct records *rs)
{
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t n = 0;

        DT_OK(avb_avbuffer_IAVBufferControl_takeSinkFrames(control(t), rs->sink, &sf, &n),
              "takeSinkFrames");
        for (size_t i = 0; i < n; i++) {
                if (rs->n < MAX_RECORDS)
                        rs->r[rs->n++] = sf[i]; /* moved: its md5 now ours */
                else
                        avb_avbuffer_SinkFrame_fini(&sf[i]);
        }
        free(sf);
        return n;
}

static void records_clear(struct records *rs)
{
        for (size_t i = 0; i < rs->n; i++)
                avb_avbuffer_SinkFrame_fini(&rs->r[i]);
        rs->n = 0;
}

/*
 * Every record matches its reference frame, and none was presented before
 * it was due. frame_ns 0: record i is frame i, and every frame is there;
 * else the frame of pts p is p / frame_ns and frames may be missing
 * (dropped), none out of order. Returns how many are missing.
 */
static size_t check_records(struct dt *t, const struct records *rs, const char *what,
                            int64_t frame_ns)
{
        size_t bad = 0, early = 0, next = 0;

        if (frame_ns == 0 && rs->n != t->n_ref)
                dt_fail("%s: %zu frames presented for %zu reference frames", what, rs->n, t->n_ref);
        for (size_t i = 0; i < rs->n; i++) {
                int64_t pts = rs->r[i].nsPresentationTime;
                size_t at = frame_ns ? (size_t)(pts / frame_ns) : i;

                if (frame_ns && (pts < 0 || pts % frame_ns || at < next || at >= t->n_ref))
                        dt_fail("%s: record %zu has pts %lld: not a frame after the one before",
                                what, i, (long long)pts);
                next = at + 1;
                if (AVB_DEBUG_API && strcmp(rs->r[i].md5, t->ref[at])) {
                        fprintf(stderr, "  frame %zu: sink %s, reference %s\n", at, rs->r[i].md5,
                                t->ref[at]);
                        bad++;
                }
                if (rs->r[i].nsPresented < rs->r[i].nsDue) {
                        fprintf(stderr, "  frame %zu: presented at %lld, due at %lld\n", i,
                                (long long)rs->r[i].nsPresented, (long long)rs->r[i].nsDue);
                        early++;
                }
        }
        if (bad || early)
                dt_fail("%s: %zu of %zu frames differ from ffmpeg's framemd5, %zu early", what, bad,
                        rs->n, early);
        printf("  %s: %zu frames presented, none early, MD5s %s\n", what, rs->n,
               AVB_DEBUG_API ? "equal ffmpeg's framemd5" : "not summed (debug_api=false)");
        return t->n_ref - rs->n;
}

/* ---- queueing frames ----------------------------------------------------------------------- */

static avb_binder *audio_ctl, *video_ctl;
static int64_t audio_last_pts;
static size_t pause_at = SIZE_MAX; /* asink: pause the clock when this frame is queued */
static struct records audio_recs = {.sink = "audio-sink-0"}, video_recs = {.sink = "video-sink-0"};

/* A refused frame: wait for onFrameBufferAvailable (or a moment), then try again. */
static void wait_space(struct heard *h, int before)
{
        struct timespec ts = avb_timespec_in_ms(CLOCK_REALTIME, 50);

        pthread_mutex_lock(&h->m);
        if (h->space == before)
                (void)pthread_cond_timedwait(&h->c, &h->m, &ts);
        pthread_mutex_unlock(&h->m);
}

static void pause_and_check(struct dt *t);

static bool never(struct dt *t)
{
        (void)t;
        return false;
}

/* give_frame (audio): the frame, never mapped, with its PCM layout; the sink owns it now. */
static bool queue_audio(struct dt *t, const struct dt_frame *f)
{
        const struct dt_meta *m = &t->meta;
        com_rdk_hal_audiodecoder_FrameMetadata md;
        com_rdk_hal_audiodecoder_PCMMetadata pcm;
        avb_avbuffer_PcmLayout l = {.frameBytes = m->frame_bytes};
        bool ok = false;

        com_rdk_hal_audiodecoder_FrameMetadata_init(&md);
        com_rdk_hal_audiodecoder_PCMMetadata_init(&pcm);
        pcm.numChannels = m->b;
        pcm.sampleRate = m->a;
        pcm.format = m->format;
        md.metadata = &pcm;
        /* the decoder marks the stream's last frame; the count is a second witness */
        md.endOfStream = (f->has_meta && f->meta.eos) || t->n_frames + 1 == t->n_ref;
        l.samples = m->b > 0 ? m->frame_bytes / (2 * m->b) : 0;
        if (avb_avbuffer_PcmLayout_holder_put(&md.extension, &l) < 0)
                dt_fail("PCM layout: no memory");
        for (int tries = 0; !ok; tries++) {
                int before = audio_heard.space;

                DT_OK(AS(IAudioSinkController_queueAudioFrame)(audio_ctl, f->pts, f->handle, &md,
                                                               &ok),
                      "queueAudioFrame");
                if (!ok && tries > 1000)
                        dt_fail("queueAudioFrame: the sink's queue stays full");
                if (!ok)
                        wait_space(&audio_heard, before);
        }
        avb_parcelable_holder_fini(&md.extension);
        audio_last_pts = f->pts;
        if (t->n_frames == pause_at)
                pause_and_check(t);
        return true;
}

/* give_frame (video): the frame with its plane layout. */
static bool queue_video(struct dt *t, const struct dt_frame *f)
{
        const struct dt_meta *m = &t->meta;
        com_rdk_hal_videodecoder_FrameMetadata md;
        avb_avbuffer_PlaneLayout l;
        bool ok = false;

        com_rdk_hal_videodecoder_FrameMetadata_init(&md);
        /* the decoder marks the stream's last frame; the count is a second witness */
        md.endOfStream = (f->has_meta && f->meta.eos) || t->n_frames + 1 == t->n_ref;
        avb_avbuffer_PlaneLayout_init(&l);
        l.format = avb_avbuffer_PlaneLayout_FORMAT_I420;
        l.width = m->a;
        l.height = m->b;
        l.offsets = (int32_t *)m->offset;
        l.strides = (int32_t *)m->stride;
        l.offsets_count = l.strides_count = m->n_planes;
        l.frameBytes = m->frame_bytes;
        if (m->n_planes && avb_avbuffer_PlaneLayout_holder_put(&md.extension, &l) < 0)
                dt_fail("plane layout: no memory");
        for (int tries = 0; !ok; tries++) {
                int before = video_heard.space;

                DT_OK(VS(IVideoSinkController_queueVideoFrame)(video_ctl, f->pts, f->handle, &md,
                                                               &ok),
                      "queueVideoFrame");
                if (!ok && tries > 1000)
                        dt_fail("queueVideoFrame: the sink's queue stays full");
                if (!ok)
                        wait_space(&video_heard, before);
        }
        avb_parcelable_holder_fini(&md.extension);
        return true;
}

/*
 * MPEG-1 layer II frames one per buffer, frame i at i * 1152 / rate: the
 * decoder's frames then carry the stream's own timeline.
 */
static size_t mp2_split(const uint8_t *d, size_t len, const uint8_t **au, size_t *size,
                        int64_t *ret_frame_ns)
{
        static const int kbps[16] = {0,   32,  48,  56,  64,  80,  96,  112,
                                     128, 160, 192, 224, 256, 320, 384, 0};
        static const int rates[4] = {44100, 48000, 32000, 0};
        size_t n = 0;

        for (size_t off = 0; off + 4 <= len && n < DT_MAX_FRAMES;) {
                int rate = rates[(d[off + 2] >> 2) & 3], br = kbps[d[off + 2] >> 4];
                size_t bytes;

                if (d[off] != 0xff || (d[off + 1] & 0xfe) != 0xfc || !rate || !br)
                        dt_fail("not an MPEG-1 layer II frame at byte %zu", off);
                bytes = (size_t)(144 * br * 1000 / rate) + ((d[off + 2] >> 1) & 1);
                au[n] = d + off;
                size[n++] = off + bytes <= len ? bytes : len - off;
                *ret_frame_ns = 1152LL * 1000000000LL / rate;
                off += bytes;
        }
        return n;
}

/* The whole MP2 stream `name` into the decoder (frames to give_frame); waits for its end. */
static void push_mp2(struct dt *t, const char *name, size_t limit)
{
        static const uint8_t *au[DT_MAX_FRAMES];
        static size_t size[DT_MAX_FRAMES];
        struct dt_push o = {.eos = limit == 0, .poll = true};
        size_t len, n;
        int64_t frame_ns = 0;
        uint8_t *data = dt_read_file(path(name), &len);

        t->n_frames = 0;
        t->l.eos = 0;
        n = mp2_split(data, len, au, size, &frame_ns);
        dt_push_samples(t, au, size, limit && limit < n ? limit : n, frame_ns, &o);
        free(data);
}

/* ---- asink ------------------------------------------------------------------------------------
 */

/*
 * From queue_audio at frame pause_at: pause the clock; what was presented
 * is taken, and nothing more may come while paused; then resume.
 */
static void pause_and_check(struct dt *t)
{
        size_t n;

        clock_rate(0.0);
        usleep(100000); /* a frame being presented when the rate changed may still finish */
        take(t, &audio_recs);
        usleep(400000);
        n = take(t, &audio_recs);
        if (n)
                dt_fail("%zu frames presented while the clock was paused", n);
        printf("  paused at frame %zu: nothing presented for 400 ms; resumed\n", t->n_frames);
        clock_rate(1.0);
}

static avb_binder *audio_sink(struct dt *t)
{
        avb_binder *mgr = NULL, *sink = NULL;
        AS(IAudioSink_Id) id = {.value = 0};

        if (avb_service_get(t->sm, AS(IAudioSinkManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", AS(IAudioSinkManager_serviceName));
        DT_OK(AS(IAudioSinkManager_getAudioSink)(mgr, &id, &sink), "getAudioSink");
        if (!sink)
                dt_fail("no audio sink 0");
        avb_binder_unref(mgr);
        return sink;
}

static avb_binder *audio_open(avb_binder *sink, avb_binder **ret_listener)
{
        avb_binder *ctl = NULL;

        if (!*ret_listener && AS(IAudioSinkControllerListener_new_local)(
                                  &audio_listener_ops, &audio_heard, NULL, ret_listener) < 0)
                dt_fail("listener");
        DT_OK(AS(IAudioSink_open)(sink, AS(ContentType_MUSIC), *ret_listener, &ctl), "sink open");
        if (!ctl)
                dt_fail("audio sink open gave no controller");
        return ctl;
}

static void audio_attach(avb_binder *ctl)
{
        CK(IAVClock_Id) id = {.value = 0};

        DT_OK(AS(IAudioSinkController_attachClock)(ctl, &id), "attachClock");
}

static com_rdk_hal_PropertyValue *sink_property(avb_binder *sink, AS(Property) p)
{
        com_rdk_hal_PropertyValue *v = NULL;

        DT_OK(AS(IAudioSink_getProperty)(sink, p, &v), "getProperty");
        if (!v || !v->value)
                dt_fail("audio sink property %d: null", (int)p);
        return v;
}

static int32_t video_property(avb_binder *sink, VS(Property) p)
{
        com_rdk_hal_PropertyValue *v = NULL;
        int32_t r;

        DT_OK(VS(IVideoSink_getProperty)(sink, p, &v), "video getProperty");
        if (!v || !v->value || v->value->tag != com_rdk_hal_PropertyValue_Value_TAG_intValue)
                dt_fail("video sink property %d: no intValue", (int)p);
        r = v->value->u.intValue;
        com_rdk_hal_PropertyValue_fini(v);
        free(v);
        return r;
}

static int64_t int_property(avb_binder *sink, AS(Property) p)
{
        com_rdk_hal_PropertyValue *v = sink_property(sink, p);
        int64_t r = v->value->tag == com_rdk_hal_PropertyValue_Value_TAG_longValue
                        ? v->value->u.longValue
                        : v->value->u.intValue;

        if (v->value->tag != com_rdk_hal_PropertyValue_Value_TAG_intValue &&
            v->value->tag != com_rdk_hal_PropertyValue_Value_TAG_longValue)
                dt_fail("audio sink property %d: not a number", (int)p);
        com_rdk_hal_PropertyValue_fini(v);
        free(v);
        return r;
}

static bool set_int_property(avb_binder *sink, AS(Property) p, int32_t v)
{
        com_rdk_hal_PropertyValue pv;
        com_rdk_hal_PropertyValue_Value val = {.tag = com_rdk_hal_PropertyValue_Value_TAG_intValue,
                                               .u.intValue = v};
        bool ok = false;

        com_rdk_hal_PropertyValue_init(&pv);
        pv.value = &val;
        DT_OK(AS(IAudioSink_setProperty)(sink, p, &pv, &ok), "setProperty");
        return ok;
}

static void check_properties(avb_binder *sink)
{
        if (int_property(sink, AS(Property_RESOURCE_ID)) != 0 ||
            int_property(sink, AS(Property_RENDER_LATENCY_NS)) != 0 ||
            int_property(sink, AS(Property_REFERENCE_LEVEL)) != -31)
                dt_fail("RESOURCE_ID, RENDER_LATENCY_NS or REFERENCE_LEVEL not as documented");
        if (!set_int_property(sink, AS(Property_REFERENCE_LEVEL), -20) ||
            int_property(sink, AS(Property_REFERENCE_LEVEL)) != -20 ||
            set_int_property(sink, AS(Property_REFERENCE_LEVEL), 5) ||
            set_int_property(sink, AS(Property_RESOURCE_ID), 3) ||
            set_int_property(sink, AS(Property_MIXER_ID), 1) ||
            !set_int_property(sink, AS(Property_MIXER_ID), 0) ||
            set_int_property(sink, AS(Property_DOLBY_ATMOS_LOCK), 1))
                dt_fail("setProperty: a writable value refused or a wrong one taken");
}

static double volume(avb_binder *ctl, bool *ret_muted)
{
        AS(Volume) v;

        DT_OK(AS(IAudioSinkController_getVolume)(ctl, &v), "getVolume");
        *ret_muted = v.muted;
        return v.volume;
}

static void check_volume(avb_binder *ctl)
{
        AS(Volume) half = {.volume = 0.5, .muted = true}, loud = {.volume = 1.5};
        bool ok = false, muted;
        double v;

        DT_OK(AS(IAudioSinkController_setVolume)(ctl, &half, &ok), "setVolume");
        if (!ok || volume(ctl, &muted) != 0.5 || !muted)
                dt_fail("setVolume(0.5, muted) not kept");
        DT_OK(AS(IAudioSinkController_setVolume)(ctl, &loud, &ok), "setVolume");
        if (ok || volume(ctl, &muted) != 0.5)
                dt_fail("setVolume(1.5) taken");
        DT_OK(AS(IAudioSinkController_setVolumeRamp)(ctl, 1.0, -1, AS(VolumeRamp_LINEAR), &ok),
              "setVolumeRamp");
        if (ok)
                dt_fail("setVolumeRamp over -1 ms taken");
        DT_OK(AS(IAudioSinkController_setVolumeRamp)(ctl, 1.0, 60000, AS(VolumeRamp_IN_CUBIC), &ok),
              "setVolumeRamp");
        v = volume(ctl, &muted);
        if (!ok || v < 0.5 || v >= 1.0 || !muted)
                dt_fail("a minute's ramp from 0.5 to 1.0 reads %g at its start", v);
        DT_OK(AS(IAudioSinkController_setVolumeRamp)(ctl, 0.25, 0, AS(VolumeRamp_OUT_CUBIC), &ok),
              "setVolumeRamp");
        if (!ok || fabs(volume(ctl, &muted) - 0.25) > 1e-9)
                dt_fail("a ramp over 0 ms did not land at once");
        loud = (AS(Volume)){.volume = 1.0, .muted = false};
        DT_OK(AS(IAudioSinkController_setVolume)(ctl, &loud, &ok), "setVolume");
}

static com_rdk_hal_State sink_state(avb_binder *sink)
{
        com_rdk_hal_State s;

        DT_OK(AS(IAudioSink_getState)(sink, &s), "getState");
        return s;
}

static void expect_illegal_state(avb_status st, const char *what)
{
        if (st.exception != AVB_EX_ILLEGAL_STATE)
                dt_fail("%s: exception %d, want ILLEGAL_STATE", what, st.exception);
}

static void case_asink(struct dt *t, bool secure)
{
        avb_binder *sink = audio_sink(t), *listener = NULL, *old;
        avb_status st;
        bool ok = false;

        dt_use_audio(t);
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("a.md5"));
        clock_open(t, CK(ClockMode_AUDIO_MASTER));
        /* an earlier open's controller does not act for the next */
        old = audio_open(sink, &listener);
        DT_OK(AS(IAudioSink_close)(sink, old, &ok), "sink close");
        audio_ctl = audio_open(sink, &listener);
        st = AS(IAudioSinkController_start)(old);
        if (st.exception != AVB_EX_ILLEGAL_STATE)
                dt_fail("the controller of a closed open: exception %d, want ILLEGAL_STATE",
                        st.exception);
        expect_illegal_state(AS(IAudioSink_close)(sink, old, &ok), "close with an old controller");
        /* a binder that is no controller of this sink (the client's own listener) */
        expect_illegal_state(AS(IAudioSink_close)(sink, listener, &ok),
                             "close with a foreign controller");
        if (sink_state(sink) != com_rdk_hal_State_READY)
                dt_fail("an old or foreign controller closed the open");
        avb_binder_unref(old);
        check_properties(sink);
        check_volume(audio_ctl);
        audio_attach(audio_ctl);
        DT_OK(AS(IAudioSinkController_start)(audio_ctl), "sink start");
        dt_open_start(t, secure);

        /* 1: the whole stream, paused for a while half way */
        t->give_frame = queue_audio;
        pause_at = 20;
        push_mp2(t, "a.mp2", 0);
        pause_at = SIZE_MAX;
        wait_heard(&audio_heard, &audio_heard.eos, 1, "onEndOfStream");
        wait_heard(&audio_heard, &audio_heard.first, 1, "onFirstFrameRendered");
        if (audio_heard.eos_pts != audio_last_pts)
                dt_fail("onEndOfStream(%lld), the last frame's pts is %lld",
                        (long long)audio_heard.eos_pts, (long long)audio_last_pts);
        take(t, &audio_recs);
        check_records(t, &audio_recs, secure ? "audio sink, secure" : "audio sink", 0);
        records_clear(&audio_recs);

        /* 2: frames held by a paused clock, then flushed */
        clock_rate(0.0);
        DT_OK(AS(IAudioSinkController_flush)(audio_ctl), "flush"); /* the end of stream */
        push_mp2(t, "a.mp2", 12);
        dt_wait(t, never, 500, false);
        if (int_property(sink, AS(Property_QUEUE_DEPTH_NS)) <= 0)
                dt_fail("QUEUE_DEPTH_NS is not positive with frames queued and paused");
        DT_OK(AS(IAudioSinkController_flush)(audio_ctl), "flush");
        wait_heard(&audio_heard, &audio_heard.flushed, 2, "onFlushComplete");
        if (int_property(sink, AS(Property_QUEUE_DEPTH_NS)) != 0)
                dt_fail("QUEUE_DEPTH_NS is not 0 after flush");
        take(t, &audio_recs);
        if (audio_recs.n)
                dt_fail("%zu frames presented while paused", audio_recs.n);
        dt_stop_close(t);

        /* 3: every frame block came back: the stream again, whole */
        clock_rate(1.0);
        DT_OK(CK(IAVClockController_stop)(clock_ctl), "clock stop"); /* primed anew */
        DT_OK(CK(IAVClockController_start)(clock_ctl), "clock start");
        dt_open_start(t, secure);
        push_mp2(t, "a.mp2", 0);
        wait_heard(&audio_heard, &audio_heard.eos, 2, "onEndOfStream");
        take(t, &audio_recs);
        check_records(t, &audio_recs, "audio sink, after flush", 0);
        records_clear(&audio_recs);
        dt_stop_close(t);
        t->give_frame = NULL;

        DT_OK(AS(IAudioSinkController_stop)(audio_ctl), "sink stop");
        DT_OK(AS(IAudioSink_close)(sink, audio_ctl, &ok), "sink close");
        if (!ok)
                dt_fail("close refused");
        avb_binder_unref(audio_ctl);
        avb_binder_unref(listener);
        avb_binder_unref(sink);
}

/* ---- asink-kill ------------------------------------------------------------------------------ */

static int32_t heap_used(struct dt *t)
{
        com_rdk_hal_avbuffer_HeapMetrics m;

        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(t->av, false, &m), "getHeapMetrics");
        return m.bytesUsed;
}

/* The child: frames queued into audio sink 0 behind a paused clock, then it waits to die. */
static void child(struct dt *t)
{
        avb_binder *sink = audio_sink(t), *listener = NULL;

        dt_use_audio(t);
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("a.md5"));
        clock_open(t, CK(ClockMode_AUDIO_MASTER));
        clock_rate(0.0);
        audio_ctl = audio_open(sink, &listener);
        audio_attach(audio_ctl);
        DT_OK(AS(IAudioSinkController_start)(audio_ctl), "sink start");
        dt_open_start(t, false);
        t->give_frame = queue_audio;
        push_mp2(t, "a.mp2", 14);
        dt_wait(t, never, 500, false);
        printf("ready %zu\n", t->n_frames);
        fflush(stdout);
        pause();
}

static void case_kill(struct dt *t)
{
        char *argv[] = {(char *)self, "asink-child", (char *)dir, NULL};
        avb_binder *sink = audio_sink(t);
        int32_t before = heap_used(t);
        char line[32] = {0};
        int fds[2];
        pid_t pid;

        pid = dt_spawn_ready(self, argv, line, sizeof(line), &fds[0]);
        if (sink_state(sink) != com_rdk_hal_State_STARTED)
                dt_fail("the child's audio sink is not STARTED");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        for (int i = 0;
             i < 100 && (sink_state(sink) != com_rdk_hal_State_CLOSED || heap_used(t) != before);
             i++)
                usleep(100000);
        if (sink_state(sink) != com_rdk_hal_State_CLOSED)
                dt_fail("the dead client's audio sink was not closed");
        if (heap_used(t) != before)
                dt_fail("heap use %d, %d before the client", (int)heap_used(t), (int)before);
        printf("  the killed client's sink (%d frames queued) closed, its heap freed\n",
               atoi(line + 6));
        avb_binder_unref(sink);
        /* every frame block it held is back: a whole stream through the sink */
        case_asink(t, false);
}

/* ---- avsync ------------------------------------------------------------------------------------
 */

static struct dt video_dt; /* the same client, a second set of decoder calls */

/*
 * Preroll, as a player does: the clock waits paused (primed by the first
 * audio frame) until both sinks hold frames, then runs. Without it the
 * first pictures, slower to decode than sound, start late.
 */
#define PREROLL_AUDIO 8
#define PREROLL_VIDEO 6

static void *preroll_thread(void *arg)
{
        struct dt *t = arg;

        for (int i = 0; i < 6000; i++) {
                if (__atomic_load_n(&t->n_frames, __ATOMIC_RELAXED) >= PREROLL_AUDIO &&
                    __atomic_load_n(&video_dt.n_frames, __ATOMIC_RELAXED) >= PREROLL_VIDEO) {
                        clock_rate(1.0);
                        return NULL;
                }
                usleep(5000);
        }
        dt_fail("the sinks never held %d audio and %d video frames", PREROLL_AUDIO, PREROLL_VIDEO);
}

static uint8_t *video_data; /* av.h264, read before the threads start (path() is not theirs) */
static size_t video_len;

static void *video_thread(void *arg)
{
        struct dt_push o = {.eos = true, .poll = true};

        dt_push_frames(arg, video_data, video_len, VIDEO_FRAME_NS, &o);
        return NULL;
}

/*
 * The A/V offset at each video frame: the audio audible when it was shown
 * is the audio frame presented last before it, advanced by the media time
 * since (audio plays on); offset = that audio's pts - the picture's pts,
 * which is audio's lateness minus video's.
 */
static int64_t worst_offset(int64_t *ret_at)
{
        int64_t worst = 0;
        size_t j = 0;

        for (size_t i = 0; i < video_recs.n; i++) {
                const avb_avbuffer_SinkFrame *v = &video_recs.r[i];
                int64_t off;

                while (j + 1 < audio_recs.n && audio_recs.r[j + 1].nsPresented <= v->nsPresented)
                        j++;
                if (audio_recs.r[j].nsPresented > v->nsPresented)
                        continue; /* before any sound */
                off = (audio_recs.r[j].nsPresented - audio_recs.r[j].nsPresentationTime) -
                      (v->nsPresented - v->nsPresentationTime);
                if (llabs(off) > llabs(worst)) {
                        worst = off;
                        *ret_at = v->nsPresentationTime;
                }
        }
        return worst;
}

static void case_avsync(struct dt *t)
{
        struct dt *vt = &video_dt;
        avb_binder *asink = audio_sink(t), *alistener = NULL, *vlistener = NULL, *vmgr = NULL,
                   *vsink = NULL;
        VS(IVideoSink_Id) vid = {.value = 0};
        CK(IAVClock_Id) cid = {.value = 0};
        int64_t at = 0, worst;
        int32_t counted;
        size_t dropped;
        pthread_t th, pre;
        bool ok;

        dt_connect(vt);
        dt_get_decoder(vt, 0);
        dt_load_ref(vt, path("av.md5"));
        dt_use_audio(t);
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("ava.md5"));
        clock_open(t, CK(ClockMode_AUDIO_MASTER));
        clock_rate(0.0);

        if (avb_service_get(t->sm, VS(IVideoSinkManager_serviceName), 5000, &vmgr) < 0)
                dt_fail("no %s", VS(IVideoSinkManager_serviceName));
        DT_OK(VS(IVideoSinkManager_getVideoSink)(vmgr, &vid, &vsink), "getVideoSink");
        if (!vsink || VS(IVideoSinkControllerListener_new_local)(&video_listener_ops, &video_heard,
                                                                 NULL, &vlistener) < 0)
                dt_fail("no video sink 0");
        DT_OK(VS(IVideoSink_open)(vsink, vlistener, &video_ctl), "video sink open");
        DT_OK(VS(IVideoSinkController_attachClock)(video_ctl, &cid), "video attachClock");
        DT_OK(VS(IVideoSinkController_start)(video_ctl), "video sink start");
        audio_ctl = audio_open(asink, &alistener);
        audio_attach(audio_ctl);
        DT_OK(AS(IAudioSinkController_start)(audio_ctl), "audio sink start");

        vt->give_frame = queue_video;
        t->give_frame = queue_audio;
        dt_open_start(vt, false);
        dt_open_start(t, false);
        video_data = dt_read_file(path("av.h264"), &video_len);
        if (pthread_create(&th, NULL, video_thread, vt) ||
            pthread_create(&pre, NULL, preroll_thread, t))
                dt_fail("thread");
        push_mp2(t, "av.mp2", 0);
        pthread_join(th, NULL);
        pthread_join(pre, NULL);
        free(video_data);
        wait_heard(&audio_heard, &audio_heard.eos, 1, "audio onEndOfStream");
        wait_heard(&video_heard, &video_heard.eos, 1, "video onEndOfStream");
        take(t, &audio_recs);
        take(t, &video_recs);
        check_records(t, &audio_recs, "avsync audio", 0);
        dropped = check_records(vt, &video_recs, "avsync video", VIDEO_FRAME_NS);
        counted = video_property(vsink, VS(Property_METRIC_FRAMES_DROPPED_LATE));
        if (counted < 0 || (size_t)counted != dropped)
                dt_fail("avsync: %zu pictures missing, METRIC_FRAMES_DROPPED_LATE %d", dropped,
                        (int)counted);
        if (video_recs.n == 0)
                dt_fail("avsync: every picture dropped");
        worst = worst_offset(&at);
        printf("  avsync: %zu video (%zu dropped late) and %zu audio frames over %.1f s, worst A/V "
               "offset %+.2f ms (at %.2f s; limit %lld ms)\n",
               video_recs.n, dropped, audio_recs.n,
               (double)video_recs.r[video_recs.n - 1].nsPresentationTime / 1e9, (double)worst / 1e6,
               (double)at / 1e9, (long long)(SYNC_LIMIT_NS / MS));
        if (llabs(worst) >= SYNC_LIMIT_NS)
                dt_fail("audio and video drifted %lld ms apart", (long long)(worst / MS));

        dt_stop_close(t);
        dt_stop_close(vt);
        DT_OK(AS(IAudioSinkController_stop)(audio_ctl), "audio sink stop");
        DT_OK(AS(IAudioSink_close)(asink, audio_ctl, &ok), "audio sink close");
        DT_OK(VS(IVideoSinkController_stop)(video_ctl), "video sink stop");
        DT_OK(VS(IVideoSink_close)(vsink, video_ctl, &ok), "video sink close");
        avb_binder_unref(vmgr);
        dt_disconnect(vt);
}

static uint32_t le(const uint8_t *p, int n)
{
        uint32_t v = 0;

        while (n-- > 0)
                v = v << 8 | p[n];
        return v;
}

/* The sink's WAV beside the profile: the first stream asink played, as ffmpeg decodes it. */
static void check_wav(const char *profile)
{
        char file[4096];
        const char *slash = strrchr(profile, '/');
        size_t len = 0, ref_len = 0;
        uint8_t *got, *ref;

        snprintf(file, sizeof(file), "%.*s/audio-sink-0.wav", slash ? (int)(slash - profile) : 1,
                 slash ? profile : ".");
        got = (uint8_t *)dt_read_file(file, &len);
        ref = (uint8_t *)dt_read_file(path("a.s16"), &ref_len);
        if (len < 44 || memcmp(got, "RIFF", 4) || memcmp(got + 8, "WAVEfmt ", 8) ||
            memcmp(got + 36, "data", 4))
                dt_fail("%s: not a RIFF/WAVE file with its data chunk at 36", file);
        if (le(got + 20, 2) != 1 || le(got + 22, 2) != 2 || le(got + 24, 4) != 48000 ||
            le(got + 28, 4) != 48000 * 4 || le(got + 32, 2) != 4 || le(got + 34, 2) != 16)
                dt_fail("%s: fmt says format %u, %u channels, %u Hz, %u B/s, align %u, %u bits",
                        file, le(got + 20, 2), le(got + 22, 2), le(got + 24, 4), le(got + 28, 4),
                        le(got + 32, 2), le(got + 34, 2));
        if (le(got + 4, 4) != len - 8 || le(got + 40, 4) != len - 44)
                dt_fail("%s: RIFF size %u and data size %u, in a file of %zu bytes", file,
                        le(got + 4, 4), le(got + 40, 4), len);
        if (len - 44 < ref_len || memcmp(got + 44, ref, ref_len))
                dt_fail("%s: its first %zu data bytes are not ffmpeg's s16le decode", file,
                        ref_len);
        printf("  sink's wav: %zu data bytes, the first %zu equal ffmpeg's s16le\n", len - 44,
               ref_len);
        free(got);
        free(ref);
}

int main(int argc, char **argv)
{
        static struct dt the_test;
        struct dt *t = &the_test;
        const char *c;

        if (argc != 3 && argc != 4) {
                fprintf(stderr, "usage: avb-audio-sink-test CASE [PROFILE] STREAMS_DIR\n");
                return 2;
        }
        self = argv[0];
        c = argv[1];
        dir = argv[argc - 1];
        dt_connect(t);
        if (!strcmp(c, "asink"))
                case_asink(t, false);
        else if (!strcmp(c, "asink-wav") && argc == 4) {
                case_asink(t, false);
                check_wav(argv[2]);
        } else if (!strcmp(c, "asink-secure"))
                case_asink(t, true);
        else if (!strcmp(c, "asink-kill"))
                case_kill(t);
        else if (!strcmp(c, "asink-child"))
                child(t);
        else if (!strcmp(c, "avsync"))
                case_avsync(t);
        else
                dt_fail("unknown case %s", c);
        dt_disconnect(t);
        printf("%s: ok\n", c);
        return 0;
}
