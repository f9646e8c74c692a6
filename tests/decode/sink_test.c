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
 *
 * Every case also checks the sink's metrics (received = presented = frames),
 * onFirstFrameRendered and onEndOfStream with the last frame's pts, and that
 * flush(holdLastFrame) then stop and close leave the frame pool as it was
 * (a second stream decodes through the same 8 blocks).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <avbuffer/servicemanager.h>

#include "avb_avbuffer.h"
#include "avb_config.h"
#include "com_rdk_hal_videosink.h"
#include "dt.h"

#define VS(x) com_rdk_hal_videosink_##x

static const char *dir;

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
static int64_t last_pts;

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

static avb_binder *connect_control(struct dt *t)
{
        avb_binder *ctl = NULL;

        if (avb_binder_connect(avb_binder_endpoint(t->av), avb_avbuffer_IAVBufferControl_OBJECT_ID,
                               &ctl) < 0)
                dt_fail("cannot reach IAVBufferControl");
        return ctl;
}

/* What video-sink-0 presented equals the reference, frame by frame. */
static void check_presented(struct dt *t, avb_binder *ctl, const char *what)
{
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t n = 0, bad = 0;

        DT_OK(avb_avbuffer_IAVBufferControl_takeSinkFrames(ctl, "video-sink-0", &sf, &n),
              "takeSinkFrames");
        if (n != t->n_ref)
                dt_fail("%s: %zu frames presented for %zu reference frames", what, n, t->n_ref);
        for (size_t i = 0; AVB_DEBUG_API && i < n; i++)
                if (strcmp(sf[i].md5, t->ref[i])) {
                        fprintf(stderr, "  frame %zu: sink %s, reference %s\n", i, sf[i].md5,
                                t->ref[i]);
                        bad++;
                }
        for (size_t i = 0; i < n; i++)
                avb_avbuffer_SinkFrame_fini(&sf[i]);
        free(sf);
        if (bad)
                dt_fail("%s: %zu of %zu frames differ from ffmpeg's framemd5", what, bad, n);
        printf("  %s: %zu frames presented, MD5s %s\n", what, n,
               AVB_DEBUG_API ? "equal ffmpeg's framemd5" : "not summed (debug_api=false)");
}

static void one_stream(struct dt *t, avb_binder *sink, avb_binder *ctl, bool secure,
                       bool tunnelled, int round)
{
        struct dt_push o = {.eos = true};
        size_t len;
        uint8_t *data = dt_read_file(path("p320.h264"), &len);

        t->n_frames = t->n_bad = 0;
        t->l.eos = 0;
        t->tunnelled = tunnelled;
        t->give_frame = tunnelled ? NULL : queue_frame;
        DT_OK(VS(IVideoSinkController_start)(sink_ctl), "sink start");
        dt_open_start(t, secure); /* setVideoDecoder enabled the link: tunnelled at open */
        if (tunnelled != (dt_get_property(t, com_rdk_hal_videodecoder_Property_OPERATIONAL_MODE) ==
                          com_rdk_hal_videodecoder_OperationalMode_TUNNELLED))
                dt_fail("OPERATIONAL_MODE is not what the sink's decoder link says");
        dt_push_frames(t, data, len, 1000000, &o);
        free(data);
        wait_heard(&heard.eos, round, "onEndOfStream");
        wait_heard(&heard.first, round, "onFirstFrameRendered");
        if (!tunnelled && heard.eos_pts != last_pts)
                dt_fail("onEndOfStream(%lld), the last frame's pts is %lld",
                        (long long)heard.eos_pts, (long long)last_pts);
        check_presented(t, ctl, secure ? "sink, secure" : tunnelled ? "sink, tunnelled" : "sink");
        if (sink_property(sink, VS(Property_METRIC_FRAMES_PRESENTED)) < (int32_t)t->n_ref)
                dt_fail("METRIC_FRAMES_PRESENTED below %zu", t->n_ref);
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

static void case_sink(struct dt *t, bool secure, bool tunnelled)
{
        avb_binder *mgr = NULL, *sink = NULL, *listener = NULL, *ctl = connect_control(t);
        VS(IVideoSink_Id) id = {.value = 0};
        com_rdk_hal_videodecoder_IVideoDecoder_Id dec = {.value = 0};
        bool ok = false;

        if (avb_service_get(t->sm, VS(IVideoSinkManager_serviceName), 5000, &mgr) < 0)
                dt_fail("no %s", VS(IVideoSinkManager_serviceName));
        DT_OK(VS(IVideoSinkManager_getVideoSink)(mgr, &id, &sink), "getVideoSink");
        if (!sink)
                dt_fail("no video sink 0");
        if (VS(IVideoSinkControllerListener_new_local)(&listener_ops, NULL, NULL, &listener) < 0)
                dt_fail("listener");
        DT_OK(VS(IVideoSink_open)(sink, listener, &sink_ctl), "sink open");
        if (tunnelled) {
                DT_OK(VS(IVideoSinkController_setVideoDecoder)(sink_ctl, &dec, &ok),
                      "setVideoDecoder");
                if (!ok)
                        dt_fail("setVideoDecoder(0) refused");
        }
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("p320.md5"));
        /* twice: the second stream proves every frame block came back */
        one_stream(t, sink, ctl, secure, tunnelled, 1);
        one_stream(t, sink, ctl, secure, tunnelled, 2);
        if (sink_property(sink, VS(Property_METRIC_FRAMES_RECEIVED)) != 2 * (int32_t)t->n_ref &&
            !tunnelled)
                dt_fail("METRIC_FRAMES_RECEIVED is not %zu", 2 * t->n_ref);
        DT_OK(VS(IVideoSink_close)(sink, sink_ctl, &ok), "sink close");
        for (int i = 0; i < 2000 && heard.state != com_rdk_hal_State_CLOSED; i++)
                usleep(5000); /* onStateChanged is oneway */
        if (!ok || heard.state != com_rdk_hal_State_CLOSED)
                dt_fail("the sink did not close");
        avb_binder_unref(sink_ctl);
        avb_binder_unref(listener);
        avb_binder_unref(sink);
        avb_binder_unref(mgr);
        avb_binder_unref(ctl);
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
        c = argv[1];
        dir = argv[2];
        dt_connect(t);
        if (!strcmp(c, "sink"))
                case_sink(t, false, false);
        else if (!strcmp(c, "sink-secure"))
                case_sink(t, true, false);
        else if (!strcmp(c, "sink-tunnelled"))
                case_sink(t, false, true);
        else
                dt_fail("unknown case %s", c);
        dt_disconnect(t);
        printf("%s: ok\n", c);
        return 0;
}
