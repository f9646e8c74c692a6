/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder role's --sink mode: frames go to the published Video Sink HAL,
 * paced by the AV Clock HAL, as RDK middleware hands non-tunnelled frames on.
 * The frames are secure: this process never maps them, and the sink (vendor
 * code) is the only reader, checksumming what it presents.
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
#include "com_rdk_hal_avclock.h"
#include "com_rdk_hal_videosink.h"
#include "sink.h"

#define VS(x) com_rdk_hal_videosink_##x
#define CK(x) com_rdk_hal_avclock_##x

struct pipeline_sink {
        avb_binder *sink, *ctl, *listener, *clock, *clock_ctl, *clock_listener;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        /* what the sink's listener heard (under lock) */
        int first, eos;
        int64_t eos_pts;
        /* the decoder's metadata in force, its plane layout apart (it arrives when it changes) */
        com_rdk_hal_videodecoder_FrameMetadata meta;
        avb_avbuffer_PlaneLayout layout;
        int32_t offsets[3], strides[3];
        bool have_meta, have_layout;
        /* the frame held back until the next (listener thread only) */
        int64_t held_pts, held_handle;
        bool held;
        int queued;
        int64_t last_pts;
};

static int fail(const char *what, const avb_status *st)
{
        char buf[AVB_STATUS_MESSAGE_MAX + 64];

        fprintf(stderr, "decoder: sink: %s: %s\n", what,
                st ? avb_status_to_string(st, buf, sizeof(buf)) : "refused");
        return -EIO;
}

#define CALL(call, what)                                                                           \
        do {                                                                                       \
                avb_status st_ = (call);                                                           \
                if (!avb_status_is_ok(&st_))                                                       \
                        return fail(what, &st_);                                                   \
        } while (0)

static avb_status heard(struct pipeline_sink *s, int *counter, int64_t pts)
{
        pthread_mutex_lock(&s->lock);
        (*counter)++;
        if (counter == &s->eos)
                s->eos_pts = pts;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        return avb_status_ok();
}

static avb_status on_first(void *impl, avb_call *call, int64_t pts)
{
        struct pipeline_sink *s = impl;

        (void)call;
        return heard(s, &s->first, pts);
}

static avb_status on_eos(void *impl, avb_call *call, int64_t pts)
{
        struct pipeline_sink *s = impl;

        (void)call;
        return heard(s, &s->eos, pts);
}

static avb_status on_nothing(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        return avb_status_ok();
}

static avb_status on_state(void *impl, avb_call *call, com_rdk_hal_State from, com_rdk_hal_State to)
{
        (void)impl;
        (void)call;
        (void)from;
        (void)to;
        return avb_status_ok();
}

static const VS(IVideoSinkControllerListener_ops) listener_ops = {
    .onFirstFrameRendered = on_first,
    .onEndOfStream = on_eos,
    .onVideoUnderflow = on_nothing,
    .onVideoResumed = on_nothing,
    .onFlushComplete = on_nothing,
    .onStateChanged = on_state,
    .onFrameBufferAvailable = on_nothing,
};

static avb_status on_primed(void *impl, avb_call *call, const CK(ClockTime) * ct)
{
        (void)impl;
        (void)call;
        (void)ct;
        return avb_status_ok();
}

static const CK(IAVClockControllerListener_ops) clock_listener_ops = {
    .onStateChanged = on_state,
    .onPrimed = on_primed,
};

/* AV clock 0 opened at rate 1 and started; the sink attached to it. */
static int attach_clock(struct pipeline_sink *s, avb_binder *sm)
{
        CK(IAVClock_Id) id = {.value = 0};
        avb_binder *mgr = NULL;
        bool ok = false;
        int e = avb_service_get(sm, CK(IAVClockManager_serviceName), 5000, &mgr);

        if (e < 0) {
                fprintf(stderr, "decoder: sink: no %s: %s\n", CK(IAVClockManager_serviceName),
                        strerror(-e));
                return e;
        }
        avb_status st = CK(IAVClockManager_getAVClock)(mgr, &id, &s->clock);
        avb_binder_unref(mgr);
        if (!avb_status_is_ok(&st))
                return fail("getAVClock(0)", &st);
        if (!s->clock)
                return fail("no AV clock 0", NULL);
        if (CK(IAVClockControllerListener_new_local)(&clock_listener_ops, s, NULL,
                                                     &s->clock_listener) < 0)
                return -ENOMEM;
        CALL(CK(IAVClock_open)(s->clock, s->clock_listener, &s->clock_ctl), "open AV clock 0");
        if (!s->clock_ctl)
                return fail("open AV clock 0", NULL);
        CALL(CK(IAVClockController_setPlaybackRate)(s->clock_ctl, 1.0, &ok), "setPlaybackRate(1)");
        if (!ok)
                return fail("setPlaybackRate(1)", NULL);
        CALL(CK(IAVClockController_start)(s->clock_ctl), "start AV clock 0");
        CALL(VS(IVideoSinkController_attachClock)(s->ctl, &id), "attachClock(0)");
        return 0;
}

int pipeline_sink_open(struct pipeline_sink **ret_sink)
{
        struct pipeline_sink *s = calloc(1, sizeof(*s));
        VS(IVideoSink_Id) id = {.value = 0};
        avb_binder *sm = NULL, *mgr = NULL;
        avb_status st = avb_status_ok();
        int e;

        if (!s)
                return -ENOMEM;
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->cond, NULL);
        e = avb_sm_connect(&sm);
        if (e >= 0)
                e = avb_service_get(sm, VS(IVideoSinkManager_serviceName), 5000, &mgr);
        if (e >= 0)
                e = VS(IVideoSinkControllerListener_new_local)(&listener_ops, s, NULL,
                                                               &s->listener);
        if (e < 0) {
                fprintf(stderr, "decoder: sink: the video sink manager: %s\n", strerror(-e));
                goto out;
        }
        st = VS(IVideoSinkManager_getVideoSink)(mgr, &id, &s->sink);
        if (avb_status_is_ok(&st) && s->sink)
                st = VS(IVideoSink_open)(s->sink, s->listener, &s->ctl);
        if (!avb_status_is_ok(&st) || !s->ctl) {
                e = fail("open video sink 0", avb_status_is_ok(&st) ? NULL : &st);
                goto out;
        }
        e = attach_clock(s, sm);
        if (e == 0) {
                st = VS(IVideoSinkController_start)(s->ctl);
                if (!avb_status_is_ok(&st))
                        e = fail("start video sink 0", &st);
        }
out:
        avb_binder_unref(mgr);
        avb_binder_unref(sm);
        if (e < 0) {
                pipeline_sink_free(s);
                return e;
        }
        *ret_sink = s;
        return 0;
}

/* Keep meta (its scalars and its plane layout) as the metadata in force. */
static void take_meta(struct pipeline_sink *s, const com_rdk_hal_videodecoder_FrameMetadata *meta)
{
        com_rdk_hal_videodecoder_FrameMetadata blank;
        avb_avbuffer_PlaneLayout l;

        com_rdk_hal_videodecoder_FrameMetadata_init(&blank);
        s->meta = *meta;
        /* none of the pointers: the sink reads the picture, not the HDR or SHA-1 data */
        s->meta.masteringDisplayInfo = NULL;
        s->meta.contentLightLevel = NULL;
        s->meta.sha1 = NULL;
        s->meta.sha1_count = 0;
        s->meta.extension = blank.extension; /* empty: the layout goes in per frame */
        s->have_meta = true;
        if (avb_avbuffer_PlaneLayout_holder_get(&meta->extension, &l) != 1)
                return;
        s->have_layout = l.offsets_count <= 3 && l.strides_count <= 3;
        if (s->have_layout) {
                s->layout = l;
                memcpy(s->offsets, l.offsets, l.offsets_count * sizeof(int32_t));
                memcpy(s->strides, l.strides, l.strides_count * sizeof(int32_t));
                s->layout.offsets = s->offsets;
                s->layout.strides = s->strides;
        }
        avb_avbuffer_PlaneLayout_fini(&l);
}

/* Queue the held frame (eos: the stream's last) into the sink; it owns the handle from here. */
static int queue_held(struct pipeline_sink *s, bool eos)
{
        com_rdk_hal_videodecoder_FrameMetadata md;
        bool ok = false;
        avb_status st;

        com_rdk_hal_videodecoder_FrameMetadata_init(&md);
        if (s->have_meta)
                md = s->meta;
        md.endOfStream = eos;
        if (s->have_layout && avb_avbuffer_PlaneLayout_holder_put(&md.extension, &s->layout) < 0)
                return -ENOMEM;
        /* a full queue frees up as the clock moves on: 20 s is far beyond any frame's time */
        for (int tries = 0; tries < 4000; tries++) {
                st = VS(IVideoSinkController_queueVideoFrame)(s->ctl, s->held_pts, s->held_handle,
                                                              &md, &ok);
                if (!avb_status_is_ok(&st) || ok)
                        break;
                usleep(5000);
        }
        avb_parcelable_holder_fini(&md.extension);
        if (!avb_status_is_ok(&st))
                return fail("queueVideoFrame", &st);
        if (!ok)
                return fail("queueVideoFrame: the queue stays full", NULL);
        s->held = false;
        s->queued++;
        s->last_pts = s->held_pts;
        return 0;
}

int pipeline_sink_frame(struct pipeline_sink *s, int64_t pts, int64_t handle,
                        const com_rdk_hal_videodecoder_FrameMetadata *meta)
{
        bool eos = meta && meta->endOfStream;
        int e = 0;

        if (meta)
                take_meta(s, meta);
        if (s->held)
                e = queue_held(s, eos && handle < 0); /* a bare marker: the held one is the last */
        if (e == 0 && handle >= 0) {
                s->held = true;
                s->held_pts = pts;
                s->held_handle = handle;
                if (eos)
                        e = queue_held(s, true);
        }
        return e;
}

int pipeline_sink_finish(struct pipeline_sink *s, int *ret_frames)
{
        struct timespec ts;
        bool ok = false;
        int e = 0;

        if (s->held)
                e = queue_held(s, true); /* the decoder ended without saying so */
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 20;
        pthread_mutex_lock(&s->lock);
        while (e == 0 && s->queued && !s->eos &&
               pthread_cond_timedwait(&s->cond, &s->lock, &ts) == 0)
                ;
        if (e == 0 && s->queued && (!s->eos || !s->first)) {
                fprintf(stderr,
                        "decoder: sink: no onEndOfStream/onFirstFrameRendered after %d "
                        "frames\n",
                        s->queued);
                e = -ETIMEDOUT;
        } else if (e == 0 && s->queued && s->eos_pts != s->last_pts) {
                fprintf(stderr,
                        "decoder: sink: onEndOfStream(%lld), the last frame's pts is %lld\n",
                        (long long)s->eos_pts, (long long)s->last_pts);
                e = -EPROTO;
        }
        pthread_mutex_unlock(&s->lock);
        /* stop and close give back the frame still shown */
        CALL(VS(IVideoSinkController_stop)(s->ctl), "stop video sink 0");
        CALL(VS(IVideoSink_close)(s->sink, s->ctl, &ok), "close video sink 0");
        CALL(CK(IAVClockController_stop)(s->clock_ctl), "stop AV clock 0");
        CALL(CK(IAVClock_close)(s->clock, s->clock_ctl, &ok), "close AV clock 0");
        *ret_frames = s->queued;
        return e;
}

void pipeline_sink_free(struct pipeline_sink *s)
{
        if (!s)
                return;
        avb_binder_unref(s->ctl);
        avb_binder_unref(s->sink);
        avb_binder_unref(s->listener);
        avb_binder_unref(s->clock_ctl);
        avb_binder_unref(s->clock);
        avb_binder_unref(s->clock_listener);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->cond);
        free(s);
}
