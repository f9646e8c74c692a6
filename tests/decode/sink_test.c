/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Video Sink HAL proofs (suite 'decode', cases sink-*): a client decodes
 * H.264 with the published video decoder and queues every frame handle into
 * video sink 0, never mapping it; what the sink presented (its MD5s, read
 * with IAVBufferControl.takeSinkFrames as `avbufctl sink` does) must equal
 * ffmpeg's framemd5 frame by frame.
 *
 *   sink             non-secure, no clock (each frame at once)
 *   sink-secure      the same from the secure frame pool
 *   sink-tunnelled   the decoder opened TUNNELLED feeds the sink that did
 *                    setVideoDecoder(0); no handle reaches the client
 *   sink-clock       the sink attached to AV clock 0, frames 20 ms apart:
 *                    with the clock's rate 0 nothing is presented (300 ms with
 *                    frames waiting), at rate 1 every frame comes, none
 *                    before its time on the clock
 *   sink-discard     discardFramesUntil(the 10th frame's pts): the first 10
 *                    are dropped (METRIC_FRAMES_DROPPED_LATE), the rest
 *                    presented and equal to the reference from frame 10
 *   sink-owner       sink-clock, and while its 5 frames wait on the paused
 *                    clock: IAVBuffer.free of each says false (the sink owns
 *                    them now), and a child that queues one into video sink 1
 *                    gets EX_ILLEGAL_ARGUMENT and its free false (not its
 *                    frame); every frame is then presented, MD5s as ffmpeg's
 *   sink-kill        a child queues 5 frames into the sink on a paused clock
 *                    and is killed: the sink, its decoder and its clock close
 *                    and the heap's bytesUsed is back to its start
 *   sink-y4m         video sink 1, whose decoder entry in profile.yaml has
 *                    `sink_output: video-sink-1.y4m` (beside the profile
 *                    copy, argument %PROFILE%), takes decoder 1's frames:
 *                    the file's frames equal ffmpeg's -f yuv4mpegpipe of the
 *                    stream byte for byte (both streams, one after the
 *                    other), its header says W, H, F, A, I and C as ffmpeg's
 *   sink-y4m-tunnelled  the same with decoder 1 opened TUNNELLED: the
 *                    frames reach the sink with the output format's plane
 *                    layout, never through the client
 *   sink-pipeline    examples/pipeline --sink ($AVB_PIPELINE_EXE) on p320:
 *                    app-source -> CDM step into secure buffers -> video
 *                    decoder 0 (secure) -> every frame handle queued into
 *                    video sink 0 on AV clock 0, never mapped; the sink's
 *                    MD5s equal ffmpeg's framemd5, none presented before its
 *                    time, and both heaps' bytesUsed are back to their start
 *   sink-stale       a sink's and a clock's controller of an earlier open:
 *                    every call and close raise EX_ILLEGAL_STATE and leave the
 *                    new open alone; closing with another sink's or clock's
 *                    controller raises EX_ILLEGAL_STATE
 *
 * Every case also checks the sink's metrics (received = presented = frames),
 * onFirstFrameRendered and onEndOfStream with the last frame's pts, and that
 * flush(holdLastFrame) then stop and close leave the frame pool as it was
 * (a second stream decodes through the same 8 blocks).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <avbuffer/servicemanager.h>

#include "avb_avbuffer.h"
#include "avb_config.h"
#include "com_rdk_hal_avclock.h"
#include "com_rdk_hal_videosink.h"
#include "dt.h"

#define VS(x) com_rdk_hal_videosink_##x
#define CK(x) com_rdk_hal_avclock_##x
#define MS    1000000LL

extern char **environ;

static const char *dir, *self;
static int32_t sink_id; /* the video sink (and decoder) the case uses */

/* What the case does besides pushing frames (case_sink). */
enum mode { PLAIN, CLOCKED, DISCARD };
#define FRAME_NS_CLOCKED (20 * MS)
#define DISCARDED        10 /* frames sink-discard drops */
#define PAUSED_FRAMES    5  /* frames that wait on the paused clock */

static char *path(const char *name)
{
        static char buf[4096];

        snprintf(buf, sizeof(buf), "%s/%s", dir, name);
        return buf;
}

/* What the sink's controller listener heard. */
static struct {
        pthread_mutex_t m;
        pthread_cond_t c;
        int first, eos, flushed, space;
        int64_t first_pts, eos_pts;
        int state;
} heard = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0, 0, 0};

static avb_status on_first(void *impl, avb_call *call, int64_t pts)
{
        (void)impl;
        (void)call;
        pthread_mutex_lock(&heard.m);
        heard.first++;
        heard.first_pts = pts;
        pthread_cond_broadcast(&heard.c);
        pthread_mutex_unlock(&heard.m);
        return avb_status_ok();
}

static avb_status on_eos(void *impl, avb_call *call, int64_t pts)
{
        (void)impl;
        (void)call;
        pthread_mutex_lock(&heard.m);
        heard.eos++;
        heard.eos_pts = pts;
        pthread_cond_broadcast(&heard.c);
        pthread_mutex_unlock(&heard.m);
        return avb_status_ok();
}

static avb_status on_nothing(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        return avb_status_ok();
}

static avb_status on_flushed(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        pthread_mutex_lock(&heard.m);
        heard.flushed++;
        pthread_cond_broadcast(&heard.c);
        pthread_mutex_unlock(&heard.m);
        return avb_status_ok();
}

static avb_status on_space(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        pthread_mutex_lock(&heard.m);
        heard.space++;
        pthread_cond_broadcast(&heard.c);
        pthread_mutex_unlock(&heard.m);
        return avb_status_ok();
}

static avb_status on_state(void *impl, avb_call *call, com_rdk_hal_State from, com_rdk_hal_State to)
{
        (void)impl;
        (void)call;
        (void)from;
        pthread_mutex_lock(&heard.m);
        heard.state = to;
        pthread_cond_broadcast(&heard.c);
        pthread_mutex_unlock(&heard.m);
        return avb_status_ok();
}

static const VS(IVideoSinkControllerListener_ops) listener_ops = {
    .onFirstFrameRendered = on_first,
    .onEndOfStream = on_eos,
    .onVideoUnderflow = on_nothing,
    .onVideoResumed = on_nothing,
    .onFlushComplete = on_flushed,
    .onStateChanged = on_state,
    .onFrameBufferAvailable = on_space,
};

/* Wait (up to 20 s) until *counter reaches n. */
static void wait_heard(int *counter, int n, const char *what)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 20;
        pthread_mutex_lock(&heard.m);
        while (*counter < n)
                if (pthread_cond_timedwait(&heard.c, &heard.m, &ts) != 0) {
                        pthread_mutex_unlock(&heard.m);
                        dt_fail("the sink's listener never heard %s", what);
                }
        pthread_mutex_unlock(&heard.m);
}

static avb_binder *sink_ctl;  /* the open controller of video sink sink_id */
static avb_binder *sink_obj;  /* video sink sink_id */
static avb_binder *clock_ctl; /* the open controller of AV clock 0, when attached */
static int64_t last_pts;
static int64_t queued[PAUSED_FRAMES]; /* the first frames queued, by handle */
static bool owner_checks;             /* sink-owner */
/* after this many frames are queued (0: never): check_paused, or the child's stop */
static size_t hook_at;
static void (*hook)(struct dt *t);

/* give_frame: queue the frame (never mapped) with its plane layout; the sink owns it now. */
static bool queue_frame(struct dt *t, const struct dt_frame *f)
{
        const struct dt_meta *m = &t->meta; /* in force: a frame carries it when it changes */
        com_rdk_hal_videodecoder_FrameMetadata md;
        avb_avbuffer_PlaneLayout l;
        bool ok = false;

        com_rdk_hal_videodecoder_FrameMetadata_init(&md);
        /* the stream's last frame: as the decoder marks it, or by count */
        md.endOfStream = (f->has_meta && f->meta.eos) || t->n_frames + 1 == t->n_ref;
        /* what the streams say (gen-streams.sh): the sink's y4m header carries them */
        md.frameRateNumerator = 25;
        md.frameRateDenominator = 1;
        md.sarX = md.sarY = 1;
        avb_avbuffer_PlaneLayout_init(&l);
        if (m->n_planes) {
                l.format = avb_avbuffer_PlaneLayout_FORMAT_I420;
                l.width = m->a;
                l.height = m->b;
                l.offsets = (int32_t *)m->offset;
                l.offsets_count = m->n_planes;
                l.strides = (int32_t *)m->stride;
                l.strides_count = m->n_planes;
                l.frameBytes = m->frame_bytes;
                if (avb_avbuffer_PlaneLayout_holder_put(&md.extension, &l) < 0)
                        dt_fail("plane layout: no memory");
        }
        for (int tries = 0; !ok; tries++) {
                DT_OK(
                    VS(IVideoSinkController_queueVideoFrame)(sink_ctl, f->pts, f->handle, &md, &ok),
                    "queueVideoFrame");
                if (!ok && tries > 2000)
                        dt_fail("queueVideoFrame: the sink's queue stays full");
                if (!ok)
                        usleep(5000);
        }
        avb_parcelable_holder_fini(&md.extension);
        last_pts = f->pts;
        if (t->n_frames < PAUSED_FRAMES)
                queued[t->n_frames] = f->handle;
        if (hook && t->n_frames + 1 == hook_at)
                hook(t);
        return true;
}

static int32_t sink_property(avb_binder *sink, VS(Property) p)
{
        com_rdk_hal_PropertyValue *v = NULL;
        int32_t r;

        DT_OK(VS(IVideoSink_getProperty)(sink, p, &v), "getProperty");
        if (!v || !v->value || v->value->tag != com_rdk_hal_PropertyValue_Value_TAG_intValue)
                dt_fail("sink property %d: no intValue", (int)p);
        r = v->value->u.intValue;
        com_rdk_hal_PropertyValue_fini(v);
        free(v);
        return r;
}

static void set_rate(double rate)
{
        bool ok = false;

        DT_OK(CK(IAVClockController_setPlaybackRate)(clock_ctl, rate, &ok), "setPlaybackRate");
        if (!ok)
                dt_fail("setPlaybackRate(%g) refused", rate);
}

/*
 * The clock was paused before the stream: PAUSED_FRAMES frames are queued
 * and none may be presented, however long they wait; rate 1 lets them go.
 */
static void check_paused(struct dt *t)
{
        int32_t before = sink_property(sink_obj, VS(Property_METRIC_FRAMES_PRESENTED));

        (void)t;
        usleep(300 * 1000); /* 15 frame intervals */
        if (sink_property(sink_obj, VS(Property_METRIC_FRAMES_PRESENTED)) != before ||
            sink_property(sink_obj, VS(Property_SINK_QUEUE_DEPTH)) != PAUSED_FRAMES)
                dt_fail("a frame was presented while the clock was paused (queue depth %d)",
                        (int)sink_property(sink_obj, VS(Property_SINK_QUEUE_DEPTH)));
        printf("  clock paused: %d frames waited 300 ms, none presented\n", PAUSED_FRAMES);
        set_rate(1.0);
}

static avb_binder *open_sink(struct dt *t, avb_binder **ret_mgr);

/*
 * sink-owner, at PAUSED_FRAMES frames queued on the paused clock: the sink
 * owns them, so neither this client nor another may free them, nor may
 * another queue them (sink-foreign, in a child), then check_paused.
 */
static void check_owned(struct dt *t)
{
        char h[32], line[16] = {0};
        char *argv[] = {(char *)self, "sink-foreign", h, (char *)dir, NULL};
        posix_spawn_file_actions_t fa;
        int fds[2], st = 0;
        pid_t pid;
        bool ok;

        for (size_t i = 0; i < PAUSED_FRAMES; i++) {
                DT_OK(com_rdk_hal_avbuffer_IAVBuffer_free(t->av, queued[i], &ok), "free");
                if (ok)
                        dt_fail("IAVBuffer.free of a frame the sink holds said true");
        }
        snprintf(h, sizeof(h), "%lld", (long long)queued[0]);
        if (pipe(fds) < 0)
                dt_fail("pipe");
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        if (posix_spawn(&pid, self, &fa, NULL, argv, environ))
                dt_fail("spawn");
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        if (read(fds[0], line, sizeof(line) - 1) <= 0 || strncmp(line, "refused", 7))
                dt_fail("another client queued or freed a frame the sink holds");
        waitpid(pid, &st, 0);
        close(fds[0]);
        printf("  the sink's frames: free says false, to this client and another; another's "
               "queue raises EX_ILLEGAL_ARGUMENT\n");
        check_paused(t);
}

/* sink-owner's child: video sink 1 refuses frame h of another client, and so does free. */
static void foreign(struct dt *t, int64_t h)
{
        com_rdk_hal_videodecoder_FrameMetadata md;
        avb_binder *mgr = NULL;
        bool ok = false;
        avb_status st;

        sink_id = 1;
        (void)open_sink(t, &mgr);
        DT_OK(VS(IVideoSinkController_start)(sink_ctl), "sink start");
        com_rdk_hal_videodecoder_FrameMetadata_init(&md);
        st = VS(IVideoSinkController_queueVideoFrame)(sink_ctl, 0, h, &md, &ok);
        if (st.exception != AVB_EX_ILLEGAL_ARGUMENT)
                dt_fail("queueVideoFrame of another client's frame: exception %d, accepted %d",
                        st.exception, ok);
        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_free(t->av, h, &ok), "free");
        if (ok)
                dt_fail("IAVBuffer.free of another client's frame said true");
        printf("refused\n");
        fflush(stdout);
}

static avb_status on_primed(void *impl, avb_call *call, const CK(ClockTime) * ct)
{
        (void)impl;
        (void)call;
        (void)ct;
        return avb_status_ok();
}

static avb_status on_clock_state(void *impl, avb_call *call, com_rdk_hal_State a,
                                 com_rdk_hal_State b)
{
        (void)impl;
        (void)call;
        (void)a;
        (void)b;
        return avb_status_ok();
}

static const CK(IAVClockControllerListener_ops) clock_listener_ops = {
    .onStateChanged = on_clock_state,
    .onPrimed = on_primed,
};

/* Open and start AV clock 0 at rate 0 (paused), into clock_ctl; attach the sink to it. */
static void attach_paused_clock(struct dt *t)
{
        avb_binder *mgr = NULL, *clock = NULL, *listener = NULL;
        CK(IAVClock_Id) id = {.value = 0};

        if (avb_service_get(t->sm, CK(IAVClockManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", CK(IAVClockManager_serviceName));
        DT_OK(CK(IAVClockManager_getAVClock)(mgr, &id, &clock), "getAVClock");
        if (!clock)
                dt_fail("no AV clock 0");
        if (CK(IAVClockControllerListener_new_local)(&clock_listener_ops, NULL, NULL, &listener) <
            0)
                dt_fail("clock listener");
        DT_OK(CK(IAVClock_open)(clock, listener, &clock_ctl), "clock open");
        if (!clock_ctl)
                dt_fail("AV clock 0 did not open");
        set_rate(0.0);
        DT_OK(CK(IAVClockController_start)(clock_ctl), "clock start");
        DT_OK(VS(IVideoSinkController_attachClock)(sink_ctl, &id), "attachClock");
        avb_binder_unref(listener);
        avb_binder_unref(clock);
        avb_binder_unref(mgr);
}

static avb_binder *connect_control(struct dt *t)
{
        avb_binder *ctl = NULL;

        if (avb_binder_connect(avb_binder_endpoint(t->av), avb_avbuffer_IAVBufferControl_OBJECT_ID,
                               &ctl) < 0)
                dt_fail("cannot reach IAVBufferControl");
        return ctl;
}

/*
 * What the sink presented equals the reference from frame `from` on,
 * frame by frame; clocked, none before its time on the clock (the records
 * are then in the clock's time), and the latest lateness printed.
 */
static void check_presented(struct dt *t, avb_binder *ctl, size_t from, bool clocked,
                            const char *what)
{
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t n = 0, bad = 0, early = 0;
        int64_t late = 0;
        char name[32];

        snprintf(name, sizeof(name), "video-sink-%d", (int)sink_id);
        DT_OK(avb_avbuffer_IAVBufferControl_takeSinkFrames(ctl, name, &sf, &n), "takeSinkFrames");
        if (n != t->n_ref - from)
                dt_fail("%s: %zu frames presented for %zu reference frames", what, n,
                        t->n_ref - from);
        for (size_t i = 0; i < n; i++) {
                if (AVB_DEBUG_API && strcmp(sf[i].md5, t->ref[from + i])) {
                        fprintf(stderr, "  frame %zu: sink %s, reference %s\n", from + i, sf[i].md5,
                                t->ref[from + i]);
                        bad++;
                }
                if (sf[i].nsPresented < sf[i].nsDue)
                        early++;
                if (sf[i].nsPresented - sf[i].nsDue > late)
                        late = sf[i].nsPresented - sf[i].nsDue;
        }
        for (size_t i = 0; i < n; i++)
                avb_avbuffer_SinkFrame_fini(&sf[i]);
        free(sf);
        if (bad)
                dt_fail("%s: %zu of %zu frames differ from ffmpeg's framemd5", what, bad, n);
        if (early)
                dt_fail("%s: %zu frames presented before their time", what, early);
        printf("  %s: %zu frames presented, MD5s %s\n", what, n,
               AVB_DEBUG_API ? "equal ffmpeg's framemd5" : "not summed (debug_api=false)");
        if (clocked)
                printf("  %s: none before its time on the clock; the latest %.1f ms after it\n",
                       what, (double)late / MS);
}

static void one_stream(struct dt *t, avb_binder *ctl, bool secure, bool tunnelled, enum mode mode,
                       int round)
{
        struct dt_push o = {.eos = true};
        size_t len, from = mode == DISCARD ? DISCARDED : 0;
        uint8_t *data = dt_read_file(path("p320.h264"), &len);
        int64_t frame_ns = mode == CLOCKED ? FRAME_NS_CLOCKED : MS;
        int32_t dropped = sink_property(sink_obj, VS(Property_METRIC_FRAMES_DROPPED_LATE));

        t->n_frames = t->n_bad = 0;
        t->l.eos = 0;
        t->tunnelled = tunnelled;
        t->give_frame = tunnelled ? NULL : queue_frame;
        DT_OK(VS(IVideoSinkController_start)(sink_ctl), "sink start");
        if (mode == DISCARD) /* before any frame: the first DISCARDED go */
                DT_OK(VS(IVideoSinkController_discardFramesUntil)(sink_ctl, DISCARDED * frame_ns),
                      "discardFramesUntil");
        hook = mode == CLOCKED && round == 1 ? owner_checks ? check_owned : check_paused : NULL;
        hook_at = PAUSED_FRAMES;
        dt_open_start(t, secure); /* setVideoDecoder enabled the link: tunnelled at open */
        if (tunnelled != (dt_get_property(t, com_rdk_hal_videodecoder_Property_OPERATIONAL_MODE) ==
                          com_rdk_hal_videodecoder_OperationalMode_TUNNELLED))
                dt_fail("OPERATIONAL_MODE is not what the sink's decoder link says");
        dt_push_frames(t, data, len, frame_ns, &o);
        free(data);
        hook = NULL;
        wait_heard(&heard.eos, round, "onEndOfStream");
        wait_heard(&heard.first, round, "onFirstFrameRendered");
        if (!tunnelled && heard.eos_pts != last_pts)
                dt_fail("onEndOfStream(%lld), the last frame's pts is %lld",
                        (long long)heard.eos_pts, (long long)last_pts);
        check_presented(t, ctl, from, mode == CLOCKED,
                        secure            ? "sink, secure"
                        : tunnelled       ? "sink, tunnelled"
                        : mode == CLOCKED ? "sink, clocked"
                        : mode == DISCARD ? "sink, discarding"
                                          : "sink");
        if (sink_property(sink_obj, VS(Property_METRIC_FRAMES_PRESENTED)) <
            (int32_t)(t->n_ref - from))
                dt_fail("METRIC_FRAMES_PRESENTED below %zu", t->n_ref - from);
        if (sink_property(sink_obj, VS(Property_METRIC_FRAMES_DROPPED_LATE)) - dropped !=
            (int32_t)from)
                dt_fail("METRIC_FRAMES_DROPPED_LATE did not grow by %zu", from);
        /* the shown frame is held by flush(true), then let go by flush(false) and stop */
        DT_OK(VS(IVideoSinkController_flush)(sink_ctl, true), "flush(holdLastFrame)");
        wait_heard(&heard.flushed, 2 * round - 1, "onFlushComplete");
        DT_OK(VS(IVideoSinkController_flush)(sink_ctl, false), "flush");
        wait_heard(&heard.flushed, 2 * round, "onFlushComplete");
        dt_stop_close(t);
        DT_OK(VS(IVideoSinkController_stop)(sink_ctl), "sink stop");
        t->give_frame = NULL;
        t->tunnelled = false;
}

/* Video sink sink_id into sink_obj, opened into sink_ctl; the manager into *ret_mgr. */
static avb_binder *open_sink(struct dt *t, avb_binder **ret_mgr)
{
        avb_binder *mgr = NULL, *listener = NULL;
        VS(IVideoSink_Id) id = {.value = sink_id};

        if (avb_service_get(t->sm, VS(IVideoSinkManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", VS(IVideoSinkManager_serviceName));
        DT_OK(VS(IVideoSinkManager_getVideoSink)(mgr, &id, &sink_obj), "getVideoSink");
        if (!sink_obj)
                dt_fail("no video sink %d", (int)sink_id);
        if (VS(IVideoSinkControllerListener_new_local)(&listener_ops, NULL, NULL, &listener) < 0)
                dt_fail("listener");
        DT_OK(VS(IVideoSink_open)(sink_obj, listener, &sink_ctl), "sink open");
        *ret_mgr = mgr;
        return listener;
}

static void case_sink(struct dt *t, bool secure, bool tunnelled, enum mode mode)
{
        avb_binder *mgr = NULL, *listener = open_sink(t, &mgr), *ctl = connect_control(t);
        com_rdk_hal_videodecoder_IVideoDecoder_Id dec = {.value = sink_id};
        bool ok = false;

        if (tunnelled) {
                DT_OK(VS(IVideoSinkController_setVideoDecoder)(sink_ctl, &dec, &ok),
                      "setVideoDecoder");
                if (!ok)
                        dt_fail("setVideoDecoder(0) refused");
        }
        if (mode == CLOCKED)
                attach_paused_clock(t);
        dt_get_decoder(t, sink_id);
        dt_load_ref(t, path("p320.md5"));
        /* twice: the second stream proves every frame block came back */
        one_stream(t, ctl, secure, tunnelled, mode, 1);
        one_stream(t, ctl, secure, tunnelled, mode, 2);
        if (sink_property(sink_obj, VS(Property_METRIC_FRAMES_RECEIVED)) != 2 * (int32_t)t->n_ref &&
            !tunnelled)
                dt_fail("METRIC_FRAMES_RECEIVED is not %zu", 2 * t->n_ref);
        DT_OK(VS(IVideoSink_close)(sink_obj, sink_ctl, &ok), "sink close");
        for (int i = 0; i < 2000 && heard.state != com_rdk_hal_State_CLOSED; i++)
                usleep(5000); /* onStateChanged is oneway */
        if (!ok || heard.state != com_rdk_hal_State_CLOSED)
                dt_fail("the sink did not close");
        avb_binder_unref(clock_ctl); /* closed with the connection */
        avb_binder_unref(sink_ctl);
        avb_binder_unref(listener);
        avb_binder_unref(sink_obj);
        avb_binder_unref(mgr);
        avb_binder_unref(ctl);
}

/* The child of sink-kill, once PAUSED_FRAMES frames wait in the sink: tell, and wait to die. */
static void child_ready(struct dt *t)
{
        (void)t;
        printf("ready\n");
        fflush(stdout);
        for (;;)
                pause();
}

static void child(struct dt *t)
{
        avb_binder *mgr = NULL;
        struct dt_push o = {.eos = true};
        size_t len;
        uint8_t *data = dt_read_file(path("p320.h264"), &len);

        (void)open_sink(t, &mgr);
        attach_paused_clock(t);
        DT_OK(VS(IVideoSinkController_start)(sink_ctl), "sink start");
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("p320.md5"));
        t->give_frame = queue_frame;
        hook = child_ready;
        hook_at = PAUSED_FRAMES;
        dt_open_start(t, false);
        dt_push_frames(t, data, len, FRAME_NS_CLOCKED, &o);
        dt_fail("the child's frames never reached the sink");
}

static int32_t heap_used(struct dt *t, bool secure)
{
        com_rdk_hal_avbuffer_HeapMetrics m;

        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(t->av, secure, &m), "getHeapMetrics");
        return m.bytesUsed;
}

/*
 * sink-kill: a client dies with frames queued in the sink (on its paused
 * clock), its decoder streaming; the sink, the decoder and the clock close
 * and every byte it held comes back.
 */
static void case_kill(struct dt *t)
{
        char *argv[] = {(char *)self, "sink-child", (char *)dir, NULL};
        avb_binder *mgr = NULL;
        VS(IVideoSink_Id) id = {.value = 0};
        int fds[2];
        char line[16] = {0};
        int32_t before = heap_used(t, false), held, st = 0;
        pid_t pid;
        int i;

        pid = dt_spawn_ready(self, argv, line, sizeof(line), &fds[0]);
        if (avb_service_get(t->sm, VS(IVideoSinkManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", VS(IVideoSinkManager_serviceName));
        DT_OK(VS(IVideoSinkManager_getVideoSink)(mgr, &id, &sink_obj), "getVideoSink");
        if (sink_property(sink_obj, VS(Property_SINK_QUEUE_DEPTH)) != PAUSED_FRAMES)
                dt_fail("the child's sink holds %d frames, not %d",
                        (int)sink_property(sink_obj, VS(Property_SINK_QUEUE_DEPTH)), PAUSED_FRAMES);
        held = heap_used(t, false) - before;
        if (held <= 0)
                dt_fail("the child holds no heap");
        dt_get_decoder(t, 0);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        for (i = 0; i < 200; i++) {
                DT_OK(VS(IVideoSink_getState)(sink_obj, (com_rdk_hal_State *)&st), "getState");
                if (st == com_rdk_hal_State_CLOSED && dt_state(t) == com_rdk_hal_State_CLOSED &&
                    heap_used(t, false) == before)
                        break;
                usleep(50 * 1000);
        }
        if (i == 200)
                dt_fail("after the child's death: sink state %d, decoder state %d, %d bytes of "
                        "heap still held",
                        (int)st, (int)dt_state(t), (int)(heap_used(t, false) - before));
        if (sink_property(sink_obj, VS(Property_SINK_QUEUE_DEPTH)) != 0)
                dt_fail("the closed sink still has frames queued");
        printf("  a killed client's %d frames in the sink and %d bytes of heap freed\n",
               PAUSED_FRAMES, (int)held);
        avb_binder_unref(sink_obj);
        avb_binder_unref(mgr);
        close(fds[0]);
}

/* ---- sink-pipeline ------------------------------------------------------------------- */

/*
 * The first proof, in the example's three processes: the CDM step
 * fills secure buffers, the decoder role decodes them and queues every frame
 * into video sink 0 on AV clock 0 (examples/pipeline/sink.c).
 */
static void case_pipeline(struct dt *t)
{
        const char *exe = getenv("AVB_PIPELINE_EXE");
        char *stream = strdup(path("p320.h264")); /* path() has one buffer */
        char *argv[] = {(char *)exe, "--stream", stream, "--sink", NULL};
        int32_t before[2] = {heap_used(t, false), heap_used(t, true)}, after[2];
        avb_binder *ctl = connect_control(t);
        int status, i;
        pid_t pid;

        if (!exe)
                dt_fail("AVB_PIPELINE_EXE is not set");
        dt_load_ref(t, path("p320.md5"));
        if (posix_spawn(&pid, exe, NULL, NULL, argv, environ))
                dt_fail("spawn %s", exe);
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
                dt_fail("the pipeline failed");
        check_presented(t, ctl, 0, true, "pipeline --sink, secure through the CDM step");
        /* the sink gives its last frame back on close, which the pipeline waited for */
        for (i = 0; i < 200; i++) {
                after[0] = heap_used(t, false);
                after[1] = heap_used(t, true);
                if (after[0] == before[0] && after[1] == before[1])
                        break;
                usleep(50 * 1000);
        }
        if (i == 200)
                dt_fail("heaps' bytesUsed: non-secure %d, secure %d; %d and %d at the start",
                        (int)after[0], (int)after[1], (int)before[0], (int)before[1]);
        printf("  heap metrics back to their start: non-secure %d, secure %d bytes used\n",
               (int)after[0], (int)after[1]);
        avb_binder_unref(ctl);
        free(stream);
}

/* ---- sink-y4m ---------------------------------------------------------------------- */

/* A y4m file: its header line's tokens and its frames' payloads (all one size). */
struct y4m {
        char *text;
        char *tokens[16];
        size_t n_tokens;
        const uint8_t *frames;       /* FRAME i at frames + i * (skip + frame_bytes) */
        size_t n, frame_bytes, skip; /* skip: the FRAME line before each payload */
};

static void y4m_load(const char *file, struct y4m *y)
{
        size_t len, at, w = 0, h = 0;
        char *nl;

        *y = (struct y4m){.text = dt_read_file(file, &len)};
        nl = memchr(y->text, '\n', len);
        if (!nl || strncmp(y->text, "YUV4MPEG2 ", 10))
                dt_fail("%s: not a YUV4MPEG2 file", file);
        *nl = '\0';
        at = (size_t)(nl + 1 - y->text);
        for (char *save = NULL, *tok = strtok_r(y->text, " ", &save); tok && y->n_tokens < 16;
             tok = strtok_r(NULL, " ", &save)) {
                y->tokens[y->n_tokens++] = tok;
                if (tok[0] == 'W')
                        w = strtoul(tok + 1, NULL, 10);
                if (tok[0] == 'H')
                        h = strtoul(tok + 1, NULL, 10);
        }
        y->frame_bytes = w * h + 2 * (((w + 1) / 2) * ((h + 1) / 2));
        y->skip = 6; /* "FRAME\n": neither ffmpeg nor the sink give frame parameters */
        y->frames = (const uint8_t *)y->text + at;
        if (!y->frame_bytes || (len - at) % (y->frame_bytes + y->skip))
                dt_fail("%s: %zu bytes of frames are not whole %zux%zu frames", file, len - at, w,
                        h);
        y->n = (len - at) / (y->frame_bytes + y->skip);
        for (size_t i = 0; i < y->n; i++)
                if (memcmp(y->frames + i * (y->frame_bytes + y->skip), "FRAME\n", 6))
                        dt_fail("%s: frame %zu does not start with FRAME", file, i);
}

static const uint8_t *y4m_frame(const struct y4m *y, size_t i)
{
        return y->frames + i * (y->frame_bytes + y->skip) + y->skip;
}

/* The header token starting with c ("" when none). */
static const char *y4m_token(const struct y4m *y, char c)
{
        for (size_t i = 1; i < y->n_tokens; i++)
                if (y->tokens[i][0] == c)
                        return y->tokens[i];
        return "";
}

/* Both streams of case_sink went to the sink's file: each equals ffmpeg's y4m, frame by frame. */
static void check_y4m(const char *profile)
{
        char file[4096];
        const char *slash = strrchr(profile, '/');
        struct y4m got, ref;
        size_t bad = 0;

        snprintf(file, sizeof(file), "%.*s/video-sink-%d.y4m", slash ? (int)(slash - profile) : 1,
                 slash ? profile : ".", (int)sink_id);
        y4m_load(file, &got);
        y4m_load(path("p320.y4m"), &ref);
        for (const char *c = "WHFIAC"; *c; c++)
                if (strcmp(y4m_token(&got, *c), y4m_token(&ref, *c)))
                        dt_fail("y4m header: the sink wrote '%s', ffmpeg '%s'", y4m_token(&got, *c),
                                y4m_token(&ref, *c));
        if (got.frame_bytes != ref.frame_bytes || got.n != 2 * ref.n)
                dt_fail("y4m: %zu frames of %zu bytes; expected %zu of %zu (two streams)", got.n,
                        got.frame_bytes, 2 * ref.n, ref.frame_bytes);
        for (size_t i = 0; i < got.n; i++)
                if (memcmp(y4m_frame(&got, i), y4m_frame(&ref, i % ref.n), ref.frame_bytes)) {
                        fprintf(stderr, "  y4m frame %zu differs from ffmpeg's frame %zu\n", i,
                                i % ref.n);
                        bad++;
                }
        if (bad)
                dt_fail("y4m: %zu of %zu frames differ from ffmpeg's", bad, got.n);
        printf("  sink's y4m: %zu frames equal ffmpeg's yuv4mpegpipe; header %s %s %s %s %s\n",
               got.n, y4m_token(&got, 'W'), y4m_token(&got, 'H'), y4m_token(&got, 'F'),
               y4m_token(&got, 'A'), y4m_token(&got, 'C'));
        free(got.text);
        free(ref.text);
}

/* ---- sink-stale --------------------------------------------------------------------- */

static void expect_illegal_state(avb_status st, const char *what)
{
        if (st.exception != AVB_EX_ILLEGAL_STATE)
                dt_fail("%s: exception %d, expected EX_ILLEGAL_STATE", what, st.exception);
}

static com_rdk_hal_State sink_state(void)
{
        com_rdk_hal_State st;

        DT_OK(VS(IVideoSink_getState)(sink_obj, &st), "getState");
        return st;
}

/*
 * An earlier open's sink controller is dead for the open the sink has now:
 * every call raises EX_ILLEGAL_STATE, close with it too; and a controller
 * of another sink cannot close this one.
 */
static void stale_sink(struct dt *t)
{
        avb_binder *mgr = NULL, *mgr1 = NULL, *listener = open_sink(t, &mgr), *old, *other;
        avb_binder *listener1, *sink0;
        com_rdk_hal_videodecoder_IVideoDecoder_Id dec = {.value = 0};
        bool ok = false;

        old = sink_ctl;
        DT_OK(VS(IVideoSink_close)(sink_obj, old, &ok), "sink close");
        avb_binder_unref(listener);
        avb_binder_unref(sink_obj);
        avb_binder_unref(mgr);
        listener = open_sink(t, &mgr); /* again: sink_ctl is the new open's */
        if (sink_ctl == old)
                dt_fail("the second open gave the first open's controller");
        expect_illegal_state(VS(IVideoSinkController_start)(old), "start on an old controller");
        expect_illegal_state(VS(IVideoSinkController_setVideoDecoder)(old, &dec, &ok),
                             "setVideoDecoder on an old controller");
        if (sink_state() != com_rdk_hal_State_READY)
                dt_fail("the old controller moved the new open");
        expect_illegal_state(VS(IVideoSink_close)(sink_obj, old, &ok),
                             "close with an old controller");
        if (sink_state() != com_rdk_hal_State_READY)
                dt_fail("the old controller closed the new open");
        /* sink 1's controller, on sink 0 */
        sink0 = sink_obj;
        avb_binder_unref(mgr);
        sink_id = 1;
        other = sink_ctl;
        listener1 = open_sink(t, &mgr1);
        sink_id = 0;
        expect_illegal_state(VS(IVideoSink_close)(sink0, sink_ctl, &ok),
                             "close with another sink's controller");
        DT_OK(VS(IVideoSink_close)(sink_obj, sink_ctl, &ok), "close sink 1");
        avb_binder_unref(sink_ctl);
        avb_binder_unref(sink_obj);
        sink_obj = sink0;
        sink_ctl = other;
        if (sink_state() != com_rdk_hal_State_READY)
                dt_fail("another sink's controller closed sink 0");
        DT_OK(VS(IVideoSink_close)(sink_obj, sink_ctl, &ok), "sink close");
        if (!ok)
                dt_fail("close with the open's own controller gave false");
        printf("  video sink: an old open's controller and another sink's raise "
               "EX_ILLEGAL_STATE\n");
        avb_binder_unref(old);
        avb_binder_unref(sink_ctl);
        avb_binder_unref(sink_obj);
        avb_binder_unref(listener);
        avb_binder_unref(listener1);
        avb_binder_unref(mgr1);
}

/* Clock id into *ret_clock, opened; its controller returned. */
static avb_binder *open_clock(struct dt *t, int32_t id, avb_binder **ret_clock)
{
        avb_binder *mgr = NULL, *listener = NULL, *ctl = NULL;
        CK(IAVClock_Id) cid = {.value = id};

        if (avb_service_get(t->sm, CK(IAVClockManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", CK(IAVClockManager_serviceName));
        DT_OK(CK(IAVClockManager_getAVClock)(mgr, &cid, ret_clock), "getAVClock");
        if (!*ret_clock)
                dt_fail("no AV clock %d", (int)id);
        if (CK(IAVClockControllerListener_new_local)(&clock_listener_ops, NULL, NULL, &listener) <
            0)
                dt_fail("clock listener");
        DT_OK(CK(IAVClock_open)(*ret_clock, listener, &ctl), "clock open");
        if (!ctl)
                dt_fail("AV clock %d did not open", (int)id);
        avb_binder_unref(listener);
        avb_binder_unref(mgr);
        return ctl;
}

static com_rdk_hal_State clock_state(avb_binder *clock)
{
        com_rdk_hal_State st;

        DT_OK(CK(IAVClock_getState)(clock, &st), "clock getState");
        return st;
}

/* The same for the AV clock. */
static void stale_clock(struct dt *t)
{
        avb_binder *clock = NULL, *clock1 = NULL;
        avb_binder *old = open_clock(t, 0, &clock), *ctl, *other;
        double rate = 0;
        bool ok = false;

        DT_OK(CK(IAVClock_close)(clock, old, &ok), "clock close");
        avb_binder_unref(clock);
        ctl = open_clock(t, 0, &clock);
        if (ctl == old)
                dt_fail("the second open gave the first open's controller");
        expect_illegal_state(CK(IAVClockController_start)(old), "clock start on an old controller");
        expect_illegal_state(CK(IAVClockController_setPlaybackRate)(old, 0.0, &ok),
                             "setPlaybackRate on an old controller");
        expect_illegal_state(CK(IAVClockController_getPlaybackRate)(old, &rate),
                             "getPlaybackRate on an old controller");
        if (clock_state(clock) != com_rdk_hal_State_READY)
                dt_fail("the old controller moved the clock's new open");
        expect_illegal_state(CK(IAVClock_close)(clock, old, &ok),
                             "clock close with an old controller");
        if (clock_state(clock) != com_rdk_hal_State_READY)
                dt_fail("the old controller closed the clock's new open");
        other = open_clock(t, 1, &clock1);
        expect_illegal_state(CK(IAVClock_close)(clock, other, &ok),
                             "clock close with another clock's controller");
        DT_OK(CK(IAVClock_close)(clock1, other, &ok), "close clock 1");
        DT_OK(CK(IAVClockController_getPlaybackRate)(ctl, &rate), "getPlaybackRate");
        DT_OK(CK(IAVClock_close)(clock, ctl, &ok), "clock close");
        if (!ok || clock_state(clock) != com_rdk_hal_State_CLOSED)
                dt_fail("the clock's own controller did not close it");
        printf("  AV clock: an old open's controller and another clock's raise "
               "EX_ILLEGAL_STATE\n");
        avb_binder_unref(old);
        avb_binder_unref(ctl);
        avb_binder_unref(other);
        avb_binder_unref(clock);
        avb_binder_unref(clock1);
}

int main(int argc, char **argv)
{
        static struct dt the_test;
        struct dt *t = &the_test;
        const char *c;

        if (argc != 3 && argc != 4) {
                fprintf(stderr, "usage: avb-sink-test CASE [PROFILE] STREAMS_DIR\n");
                return 2;
        }
        self = argv[0];
        c = argv[1];
        dir = argv[argc - 1];
        dt_connect(t);
        if (!strcmp(c, "sink"))
                case_sink(t, false, false, PLAIN);
        else if (!strcmp(c, "sink-secure"))
                case_sink(t, true, false, PLAIN);
        else if (!strcmp(c, "sink-tunnelled"))
                case_sink(t, false, true, PLAIN);
        else if (!strcmp(c, "sink-clock"))
                case_sink(t, false, false, CLOCKED);
        else if (!strcmp(c, "sink-discard"))
                case_sink(t, false, false, DISCARD);
        else if (!strcmp(c, "sink-owner")) {
                owner_checks = true;
                case_sink(t, false, false, CLOCKED);
        } else if (!strcmp(c, "sink-foreign") && argc == 4)
                foreign(t, strtoll(argv[2], NULL, 10));
        else if (!strcmp(c, "sink-kill"))
                case_kill(t);
        else if (!strcmp(c, "sink-pipeline"))
                case_pipeline(t);
        else if (!strcmp(c, "sink-child"))
                child(t);
        else if (!strcmp(c, "sink-y4m") && argc == 4) {
                sink_id = 1;
                case_sink(t, false, false, PLAIN);
                check_y4m(argv[2]);
        } else if (!strcmp(c, "sink-y4m-tunnelled") && argc == 4) {
                sink_id = 1;
                case_sink(t, false, true, PLAIN);
                check_y4m(argv[2]);
        } else if (!strcmp(c, "sink-stale")) {
                stale_sink(t);
                stale_clock(t);
        } else
                dt_fail("unknown case %s", c);
        dt_disconnect(t);
        printf("%s: ok\n", c);
        return 0;
}
