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
 *   sink-kill        a child queues 5 frames into the sink on a paused clock
 *                    and is killed: the sink, its decoder and its clock close
 *                    and the heap's bytesUsed is back to its start
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

static avb_binder *sink_ctl; /* the open controller of video sink 0 */
static avb_binder *sink_obj; /* video sink 0 */
static avb_binder *clock_ctl; /* the open controller of AV clock 0, when attached */
static int64_t last_pts;
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
        md.endOfStream = t->n_frames + 1 == t->n_ref; /* the stream's last frame */
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
                DT_OK(VS(IVideoSinkController_queueVideoFrame)(sink_ctl, f->pts, f->handle, &md, &ok),
                      "queueVideoFrame");
                if (!ok && tries > 2000)
                        dt_fail("queueVideoFrame: the sink's queue stays full");
                if (!ok)
                        usleep(5000);
        }
        avb_parcelable_holder_fini(&md.extension);
        last_pts = f->pts;
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
 * What video-sink-0 presented equals the reference from frame `from` on,
 * frame by frame; clocked, none before its time on the clock (the records
 * are then in the clock's time), and the latest lateness printed.
 */
static void check_presented(struct dt *t, avb_binder *ctl, size_t from, bool clocked,
                            const char *what)
{
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t n = 0, bad = 0, early = 0;
        int64_t late = 0;

        DT_OK(avb_avbuffer_IAVBufferControl_takeSinkFrames(ctl, "video-sink-0", &sf, &n),
              "takeSinkFrames");
        if (n != t->n_ref - from)
                dt_fail("%s: %zu frames presented for %zu reference frames", what, n,
                        t->n_ref - from);
        for (size_t i = 0; i < n; i++) {
                if (AVB_DEBUG_API && strcmp(sf[i].md5, t->ref[from + i])) {
                        fprintf(stderr, "  frame %zu: sink %s, reference %s\n", from + i,
                                sf[i].md5, t->ref[from + i]);
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

static void one_stream(struct dt *t, avb_binder *ctl, bool secure, bool tunnelled,
                       enum mode mode, int round)
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
        hook = mode == CLOCKED && round == 1 ? check_paused : NULL;
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
                        secure      ? "sink, secure"
                        : tunnelled ? "sink, tunnelled"
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

/* Video sink 0 into sink_obj, opened into sink_ctl; the manager into *ret_mgr. */
static avb_binder *open_sink(struct dt *t, avb_binder **ret_mgr)
{
        avb_binder *mgr = NULL, *listener = NULL;
        VS(IVideoSink_Id) id = {.value = 0};

        if (avb_service_get(t->sm, VS(IVideoSinkManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", VS(IVideoSinkManager_serviceName));
        DT_OK(VS(IVideoSinkManager_getVideoSink)(mgr, &id, &sink_obj), "getVideoSink");
        if (!sink_obj)
                dt_fail("no video sink 0");
        if (VS(IVideoSinkControllerListener_new_local)(&listener_ops, NULL, NULL, &listener) < 0)
                dt_fail("listener");
        DT_OK(VS(IVideoSink_open)(sink_obj, listener, &sink_ctl), "sink open");
        *ret_mgr = mgr;
        return listener;
}

static void case_sink(struct dt *t, bool secure, bool tunnelled, enum mode mode)
{
        avb_binder *mgr = NULL, *listener = open_sink(t, &mgr), *ctl = connect_control(t);
        com_rdk_hal_videodecoder_IVideoDecoder_Id dec = {.value = 0};
        bool ok = false;

        if (tunnelled) {
                DT_OK(VS(IVideoSinkController_setVideoDecoder)(sink_ctl, &dec, &ok),
                      "setVideoDecoder");
                if (!ok)
                        dt_fail("setVideoDecoder(0) refused");
        }
        if (mode == CLOCKED)
                attach_paused_clock(t);
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("p320.md5"));
        /* twice: the second stream proves every frame block came back */
        one_stream(t, ctl, secure, tunnelled, mode, 1);
        one_stream(t, ctl, secure, tunnelled, mode, 2);
        if (sink_property(sink_obj, VS(Property_METRIC_FRAMES_RECEIVED)) !=
                2 * (int32_t)t->n_ref &&
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

static int32_t heap_used(struct dt *t)
{
        com_rdk_hal_avbuffer_HeapMetrics m;

        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(t->av, false, &m), "getHeapMetrics");
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
        posix_spawn_file_actions_t fa;
        int fds[2];
        char line[16] = {0};
        int32_t before = heap_used(t), held, st = 0;
        pid_t pid;
        int i;

        if (pipe(fds) < 0)
                dt_fail("pipe");
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        if (posix_spawn(&pid, self, &fa, NULL, argv, environ))
                dt_fail("spawn");
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        if (read(fds[0], line, sizeof(line) - 1) <= 0 || strncmp(line, "ready", 5))
                dt_fail("the child did not get ready");
        if (avb_service_get(t->sm, VS(IVideoSinkManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", VS(IVideoSinkManager_serviceName));
        DT_OK(VS(IVideoSinkManager_getVideoSink)(mgr, &id, &sink_obj), "getVideoSink");
        if (sink_property(sink_obj, VS(Property_SINK_QUEUE_DEPTH)) != PAUSED_FRAMES)
                dt_fail("the child's sink holds %d frames, not %d",
                        (int)sink_property(sink_obj, VS(Property_SINK_QUEUE_DEPTH)),
                        PAUSED_FRAMES);
        held = heap_used(t) - before;
        if (held <= 0)
                dt_fail("the child holds no heap");
        dt_get_decoder(t, 0);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        for (i = 0; i < 200; i++) {
                DT_OK(VS(IVideoSink_getState)(sink_obj, (com_rdk_hal_State *)&st), "getState");
                if (st == com_rdk_hal_State_CLOSED && dt_state(t) == com_rdk_hal_State_CLOSED &&
                    heap_used(t) == before)
                        break;
                usleep(50 * 1000);
        }
        if (i == 200)
                dt_fail("after the child's death: sink state %d, decoder state %d, %d bytes of "
                        "heap still held",
                        (int)st, (int)dt_state(t), (int)(heap_used(t) - before));
        if (sink_property(sink_obj, VS(Property_SINK_QUEUE_DEPTH)) != 0)
                dt_fail("the closed sink still has frames queued");
        printf("  a killed client's %d frames in the sink and %d bytes of heap freed\n",
               PAUSED_FRAMES, (int)held);
        avb_binder_unref(sink_obj);
        avb_binder_unref(mgr);
        close(fds[0]);
}

int main(int argc, char **argv)
{
        static struct dt the_test;
        struct dt *t = &the_test;
        const char *c;

        if (argc != 3) {
                fprintf(stderr, "usage: avb-sink-test CASE STREAMS_DIR\n");
                return 2;
        }
        self = argv[0];
        c = argv[1];
        dir = argv[2];
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
        else if (!strcmp(c, "sink-kill"))
                case_kill(t);
        else if (!strcmp(c, "sink-child"))
                child(t);
        else
                dt_fail("unknown case %s", c);
        dt_disconnect(t);
        printf("%s: ok\n", c);
        return 0;
}
