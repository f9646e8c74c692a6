/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The published Video Sink HAL (com.rdk.hal.videosink) over the sinks of
 * videosink.c, and its service (videosink_service.h): the manager, one
 * sink object and one controller object per sink, made at start-up.
 *
 * Why the plane layout is read from the metadata's extension: the
 * published FrameMetadata describes the picture, not where its planes lie
 * in the buffer; our video decoders put an avb.avbuffer.PlaneLayout there,
 * and a client passes the decoder's metadata on unchanged. Without one the
 * sink sums the frame's whole block.
 *
 * Why each sink has AVBD_VSINK_CONTROLLERS controller objects used in turn,
 * each acting only for the open it was handed out by: a client that kept
 * an earlier open's controller must not drive (or close) the open the sink
 * has now, and the server's object table only grows, so a new object per
 * open is not an option. The decoders do the same (decoder_core.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "avb_avbuffer.h"
#include "avclock.h"
#include "com_rdk_hal_videosink.h"
#include "decoder_hal.h"
#include "sink.h"
#include "videosink.h"
#include "videosink_service.h"

#define VS(x) com_rdk_hal_videosink_##x

avb_status avbd_sink_status(int e, const char *what)
{
        switch (e) {
        case 0:
                return avb_status_ok();
        case -EBADFD:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "%s: not allowed in this state",
                                            what);
        case -EPERM:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: the sink is open by another client", what);
        case -EBUSY:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: the decoder's link cannot change while it streams",
                                            what);
        case -ENOENT:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: no such buffer", what);
        case -ESTALE:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: the controller of an open that was closed", what);
        default:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: %s", what, strerror(-e));
        }
}

/* ---- the listeners ------------------------------------------------------------ */

static avb_status notify_event(avb_binder *l, bool controller, enum avbd_vsink_event ev,
                               int64_t pts)
{
        switch (ev) {
        case AVBD_VSINK_EV_FIRST_FRAME:
                return controller ? VS(IVideoSinkControllerListener_onFirstFrameRendered)(l, pts)
                                  : VS(IVideoSinkEventListener_onFirstFrameRendered)(l, pts);
        case AVBD_VSINK_EV_EOS:
                return controller ? VS(IVideoSinkControllerListener_onEndOfStream)(l, pts)
                                  : VS(IVideoSinkEventListener_onEndOfStream)(l, pts);
        case AVBD_VSINK_EV_UNDERFLOW:
                return controller ? VS(IVideoSinkControllerListener_onVideoUnderflow)(l)
                                  : VS(IVideoSinkEventListener_onVideoUnderflow)(l);
        case AVBD_VSINK_EV_RESUMED:
                return controller ? VS(IVideoSinkControllerListener_onVideoResumed)(l)
                                  : VS(IVideoSinkEventListener_onVideoResumed)(l);
        case AVBD_VSINK_EV_FLUSHED:
                return controller ? VS(IVideoSinkControllerListener_onFlushComplete)(l)
                                  : VS(IVideoSinkEventListener_onFlushComplete)(l);
        case AVBD_VSINK_EV_SPACE:
                return controller ? VS(IVideoSinkControllerListener_onFrameBufferAvailable)(l)
                                  : avb_status_ok();
        }
        return avb_status_ok();
}

static avb_status notify_state(avb_binder *l, bool controller, enum avbd_vsink_state a,
                               enum avbd_vsink_state b)
{
        return controller ? VS(IVideoSinkControllerListener_onStateChanged)(l, (com_rdk_hal_State)a,
                                                                            (com_rdk_hal_State)b)
                          : VS(IVideoSinkEventListener_onStateChanged)(l, (com_rdk_hal_State)a,
                                                                       (com_rdk_hal_State)b);
}

static const struct avbd_vsink_notify_ops vs_notify = {
    .event = notify_event,
    .state = notify_state,
};

/* ---- IVideoSinkManager ------------------------------------------------------------ */

static avb_status mgr_ids(void *impl, avb_call *call, VS(IVideoSink_Id) * *ret, size_t *ret_n)
{
        struct avbd_vsinks *s = impl;
        size_t n = avbd_vsinks_count(s);
        VS(IVideoSink_Id) *v = calloc(n + 1, sizeof(*v));

        (void)call;
        if (!v)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        for (size_t i = 0; i < n; i++) {
                VS(IVideoSink_Id_init)(&v[i]);
                v[i].value = avbd_vsink_id(avbd_vsinks_at(s, i));
        }
        *ret = v;
        *ret_n = n;
        return avb_status_ok();
}

/*
 * The sink objects' impl: the sink and, to hand out the controller of an
 * open, the service (its objects and their impls).
 */
struct vsink_obj {
        struct avbd_videosink_service *vs;
        size_t i; /* the sink's index */
};

/* The impl of a controller object: its sink, and the open it acts for (0: none yet; atomic). */
struct vsink_ctl {
        struct avbd_vsink *k;
        uint64_t gen;
};

#define PER_SINK (1 + AVBD_VSINK_CONTROLLERS) /* objects per sink */

struct avbd_videosink_service {
        struct avbd_vsinks *sinks;
        avb_binder *manager;
        uint32_t manager_id;
        avb_binder **objects; /* per sink: its object, then its controllers */
        size_t n_objects;
        struct vsink_obj *objs; /* per sink: its object's impl */
        struct vsink_ctl *ctls; /* per sink: AVBD_VSINK_CONTROLLERS */
};

static avb_status mgr_get(void *impl, avb_call *call, const VS(IVideoSink_Id) * id,
                          avb_binder **ret)
{
        struct avbd_videosink_service *vs = impl;

        (void)call;
        *ret = NULL; /* not one of ours: null, as the HAL says */
        for (size_t i = 0; i < avbd_vsinks_count(vs->sinks); i++)
                if (avbd_vsink_id(avbd_vsinks_at(vs->sinks, i)) == id->value)
                        *ret = avb_binder_ref(vs->objects[PER_SINK * i]);
        return avb_status_ok();
}

static avb_status mgr_ids_of_service(void *impl, avb_call *call, VS(IVideoSink_Id) * *ret,
                                     size_t *ret_n)
{
        return mgr_ids(((struct avbd_videosink_service *)impl)->sinks, call, ret, ret_n);
}

static const VS(IVideoSinkManager_ops) vs_manager_ops = {
    .getVideoSinkIds = mgr_ids_of_service,
    .getVideoSink = mgr_get,
};

static struct avbd_vsink *obj_sink(void *impl)
{
        struct vsink_obj *o = impl;

        return avbd_vsinks_at(o->vs->sinks, o->i);
}

/* ---- IVideoSink ------------------------------------------------------------------- */

static avb_status get_caps(void *impl, avb_call *call, VS(Capabilities) * ret)
{
        (void)impl;
        (void)call;
        VS(Capabilities_init)(ret); /* the published Capabilities has no fields yet */
        return avb_status_ok();
}

static bool property(struct avbd_vsink *k, VS(Property) p, int32_t *ret)
{
        struct avbd_vsink_info in;

        avbd_vsink_info(k, &in);
        switch (p) {
        case VS(Property_RESOURCE_ID):
                *ret = avbd_vsink_id(k);
                return true;
        case VS(Property_SINK_QUEUE_DEPTH):
                *ret = (int32_t)in.queued;
                return true;
        case VS(Property_AV_SOURCE):
                *ret = in.av_source;
                return true;
        case VS(Property_RENDER_FIRST_FRAME):
                *ret = in.render_first;
                return true;
        case VS(Property_METRIC_FRAMES_RECEIVED):
                *ret = (int32_t)in.received;
                return true;
        case VS(Property_METRIC_FRAMES_PRESENTED):
                *ret = (int32_t)in.presented;
                return true;
        case VS(Property_METRIC_FRAMES_DROPPED_LATE):
                /* too late on a clock the sink is the slave of, and discardFramesUntil's */
                *ret = (int32_t)(in.dropped_late + in.discarded);
                return true;
        case VS(Property_METRIC_FRAMES_DROPPED_FRC): /* no frame rate conversion here */
        case VS(Property_METRIC_FRAMES_REPEATED_FRC):
        case VS(Property_METRIC_FRAMES_REPEATED_MISSING_FRAME):
                *ret = 0;
                return true;
        case VS(Property_METRIC_UNDERFLOWED):
                *ret = (int32_t)in.underflows;
                return true;
        }
        return false;
}

static avb_status get_property(void *impl, avb_call *call, VS(Property) p,
                               com_rdk_hal_PropertyValue **ret)
{
        int32_t v;

        (void)call;
        *ret = NULL;
        if (property(obj_sink(impl), p, &v) && !avbd_int_property(v, ret))
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        return avb_status_ok();
}

static avb_status get_state(void *impl, avb_call *call, com_rdk_hal_State *ret)
{
        (void)call;
        *ret = (com_rdk_hal_State)avbd_vsink_state(obj_sink(impl));
        return avb_status_ok();
}

static avb_status sink_open(void *impl, avb_call *call, avb_binder *listener, avb_binder **ret)
{
        struct vsink_obj *o = impl;
        struct avbd_vsink *k = obj_sink(impl);
        uint64_t gen;
        size_t slot;
        int e;

        if (!listener)
                return avb_status_exception(AVB_EX_NULL_POINTER, "open: no listener");
        e = avbd_vsink_open(k, avbd_dec_caller(call), listener, &gen);
        if (e < 0)
                return avbd_sink_status(e, "open");
        /* the slot's earlier open is AVBD_VSINK_CONTROLLERS opens ago: long closed */
        slot = (size_t)(gen % AVBD_VSINK_CONTROLLERS);
        __atomic_store_n(&o->vs->ctls[o->i * AVBD_VSINK_CONTROLLERS + slot].gen, gen,
                         __ATOMIC_RELEASE);
        *ret = avb_binder_ref(o->vs->objects[o->i * PER_SINK + 1 + slot]);
        return avb_status_ok();
}

/* Who calls through controller c: the caller, for c's open (the core checks both). */
static struct avbd_vsink_caller who(const struct vsink_ctl *c, avb_call *call)
{
        return (struct avbd_vsink_caller){avbd_dec_caller(call),
                                          __atomic_load_n(&c->gen, __ATOMIC_ACQUIRE)};
}

/* The sink the controller impl drives. */
static struct avbd_vsink *ctl_sink(void *impl)
{
        return ((struct vsink_ctl *)impl)->k;
}

static avb_status sink_close(void *impl, avb_call *call, avb_binder *controller, bool *ret)
{
        struct vsink_ctl *c;
        int e;

        if (!controller)
                return avb_status_exception(AVB_EX_NULL_POINTER, "close: no controller");
        c = avb_binder_local_impl(controller, &VS(IVideoSinkController_desc));
        if (!c || c->k != obj_sink(impl)) /* as the decoders answer a foreign controller */
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "close: not this sink's controller");
        e = avbd_vsink_close(c->k, who(c, call));
        if (e < 0)
                return avbd_sink_status(e, "close");
        *ret = true;
        return avb_status_ok();
}

static avb_status sink_listen(void *impl, avb_call *call, avb_binder *l, bool *ret)
{
        int e;

        (void)call;
        if (!l)
                return avb_status_exception(AVB_EX_NULL_POINTER, "registerEventListener: null");
        e = avbd_vsink_add_event_listener(obj_sink(impl), l);
        if (e == -ENOSPC)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "registerEventListener: %d listeners already",
                                            AVBD_VSINK_EVENT_LISTENERS);
        *ret = e == 0;
        return avb_status_ok();
}

static avb_status sink_unlisten(void *impl, avb_call *call, avb_binder *l, bool *ret)
{
        (void)call;
        if (!l)
                return avb_status_exception(AVB_EX_NULL_POINTER, "unregisterEventListener: null");
        *ret = avbd_vsink_remove_event_listener(obj_sink(impl), l) == 0;
        return avb_status_ok();
}

static const VS(IVideoSink_ops) vs_sink_ops = {
    .getCapabilities = get_caps,
    .getProperty = get_property,
    .getState = get_state,
    .open = sink_open,
    .close = sink_close,
    .registerEventListener = sink_listen,
    .unregisterEventListener = sink_unlisten,
};

/* ---- IVideoSinkController ---------------------------------------------------------- */

static avb_status ctl_set_property(void *impl, avb_call *call, VS(Property) p,
                                   const com_rdk_hal_PropertyValue *value, bool *ret)
{
        struct avbd_vsink_caller w = who(impl, call);
        struct avbd_vsink *k = ctl_sink(impl);
        int32_t v;
        int e = avbd_vsink_check(k, w);

        *ret = false;
        if (e < 0)
                return avbd_sink_status(e, "setProperty");
        if (p != VS(Property_AV_SOURCE) && p != VS(Property_RENDER_FIRST_FRAME)) {
                if (property(k, p, &v)) /* a known key: read-only */
                        return avb_status_exception(AVB_EX_UNSUPPORTED_OPERATION,
                                                    "setProperty: property %d is read-only",
                                                    (int)p);
                return avb_status_ok();
        }
        if (avbd_int_of(value, &v) < 0)
                return avb_status_ok();
        if (p == VS(Property_AV_SOURCE))
                e = avbd_av_source_valid(v) ? avbd_vsink_set_av_source(k, w, v) : -EINVAL;
        else
                e = v != 0 && v != 1 ? -EINVAL : avbd_vsink_set_render_first(k, w, v == 1);
        *ret = e == 0;
        return e == -EBADFD || e == -EPERM ? avbd_sink_status(e, "setProperty") : avb_status_ok();
}

static avb_status ctl_set_decoder(void *impl, avb_call *call,
                                  const com_rdk_hal_videodecoder_IVideoDecoder_Id *id, bool *ret)
{
        int e = avbd_vsink_set_decoder(ctl_sink(impl), who(impl, call), id->value);
        *ret = e == 0;
        return e == -EINVAL ? avb_status_ok() : avbd_sink_status(e, "setVideoDecoder");
}

static avb_status ctl_get_decoder(void *impl, avb_call *call,
                                  com_rdk_hal_videodecoder_IVideoDecoder_Id *ret)
{
        int32_t id;
        int e = avbd_vsink_get_decoder(ctl_sink(impl), who(impl, call), &id);
        if (e < 0)
                return avbd_sink_status(e, "getVideoDecoder");
        com_rdk_hal_videodecoder_IVideoDecoder_Id_init(ret);
        ret->value = id;
        return avb_status_ok();
}

static avb_status ctl_attach(void *impl, avb_call *call, const com_rdk_hal_avclock_IAVClock_Id *id)
{
        int e = avbd_vsink_attach_clock(ctl_sink(impl), who(impl, call), id->value);
        return e == -EINVAL ? avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                                   "attachClock: no clock %d", (int)id->value)
                            : avbd_sink_status(e, "attachClock");
}

static avb_status ctl_detach(void *impl, avb_call *call)
{
        int e = avbd_vsink_attach_clock(ctl_sink(impl), who(impl, call), AVBD_VSINK_UNDEFINED);
        return avbd_sink_status(e, "detachClock");
}

static avb_status ctl_get_clock(void *impl, avb_call *call, com_rdk_hal_avclock_IAVClock_Id *ret)
{
        int32_t id;
        int e = avbd_vsink_get_clock(ctl_sink(impl), who(impl, call), &id);
        if (e < 0)
                return avbd_sink_status(e, "getClock");
        com_rdk_hal_avclock_IAVClock_Id_init(ret);
        ret->value = id;
        return avb_status_ok();
}

static avb_status ctl_start(void *impl, avb_call *call)
{
        return avbd_sink_status(avbd_vsink_start(ctl_sink(impl), who(impl, call)), "start");
}

static avb_status ctl_stop(void *impl, avb_call *call)
{
        return avbd_sink_status(avbd_vsink_stop(ctl_sink(impl), who(impl, call)), "stop");
}

/* The layout in md's extension as the engine's planes; false: none (or not one we read). */
static bool planes_of(const com_rdk_hal_videodecoder_FrameMetadata *md, struct avb_sink_planes *p)
{
        avb_avbuffer_PlaneLayout l;
        uint32_t w, h, cw, ch;
        bool ok;

        if (!md || avb_avbuffer_PlaneLayout_holder_get(&md->extension, &l) != 1) /* 0: none */
                return false;
        w = l.width > 0 ? (uint32_t)l.width : 0;
        h = l.height > 0 ? (uint32_t)l.height : 0;
        cw = (w + 1) / 2;
        ch = (h + 1) / 2;
        *p = (struct avb_sink_planes){0};
        if (l.format == avb_avbuffer_PlaneLayout_FORMAT_I420 && l.offsets_count >= 3 &&
            l.strides_count >= 3) {
                uint32_t rb[3] = {w, cw, cw}, rows[3] = {h, ch, ch};

                p->n = 3;
                for (int i = 0; i < 3; i++) {
                        p->offset[i] = (uint32_t)l.offsets[i];
                        p->stride[i] = (uint32_t)l.strides[i];
                        p->row_bytes[i] = rb[i];
                        p->rows[i] = rows[i];
                }
        } else if (l.format == avb_avbuffer_PlaneLayout_FORMAT_NV12 && l.offsets_count >= 2 &&
                   l.strides_count >= 2) {
                p->n = 2;
                *p = (struct avb_sink_planes){
                    .n = 2,
                    .offset = {(uint32_t)l.offsets[0], (uint32_t)l.offsets[1]},
                    .stride = {(uint32_t)l.strides[0], (uint32_t)l.strides[1]},
                    .row_bytes = {w, 2 * cw},
                    .rows = {h, ch}};
        }
        ok = p->n > 0 && w > 0 && h > 0;
        for (uint32_t i = 0; i < p->n; i++)
                ok = ok && (int32_t)p->offset[i] >= 0 && (int32_t)p->stride[i] >= 0;
        avb_avbuffer_PlaneLayout_fini(&l);
        return ok;
}

/* What md says of the pictures for the sink's output file; negative numbers: unknown. */
static struct avbd_vsink_picture picture_of(const com_rdk_hal_videodecoder_FrameMetadata *md)
{
        bool rate = md->frameRateNumerator > 0 && md->frameRateDenominator > 0;
        bool sar = md->sarX > 0 && md->sarY > 0;

        return (struct avbd_vsink_picture){
            .rate_num = rate ? (uint32_t)md->frameRateNumerator : 0,
            .rate_den = rate ? (uint32_t)md->frameRateDenominator : 0,
            .sar_num = sar ? (uint32_t)md->sarX : 0,
            .sar_den = sar ? (uint32_t)md->sarY : 0,
        };
}

static avb_status ctl_queue(void *impl, avb_call *call, int64_t pts, int64_t handle,
                            const com_rdk_hal_videodecoder_FrameMetadata *md, bool *ret)
{
        struct avb_sink_planes planes;
        bool has_planes = planes_of(md, &planes);
        struct avbd_vsink_caller w = who(impl, call);
        struct avbd_vsink *k = ctl_sink(impl);
        int e = avbd_vsink_check(k, w);

        if (e < 0)
                return avbd_sink_status(e, "queueVideoFrame");
        if (md && !has_planes && md->extension.descriptor)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "queueVideoFrame: a plane layout we cannot read");
        if (md) { /* metadata comes when it changes: it holds until the next */
                struct avbd_vsink_picture pic = picture_of(md);

                e = avbd_vsink_describe(k, w, &pic);
        }
        if (e == 0)
                e = avbd_vsink_queue(k, w, handle, pts, has_planes ? &planes : NULL,
                                     md && md->endOfStream, ret);
        if (e == -EINVAL)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "queueVideoFrame: not a video frame buffer the "
                                            "caller owns, or a plane layout that does not fit it");
        return avbd_sink_status(e, "queueVideoFrame");
}

static avb_status ctl_flush(void *impl, avb_call *call, bool hold)
{
        return avbd_sink_status(avbd_vsink_flush(ctl_sink(impl), who(impl, call), hold), "flush");
}

static avb_status ctl_discard(void *impl, avb_call *call, int64_t pts)
{
        return avbd_sink_status(avbd_vsink_discard_until(ctl_sink(impl), who(impl, call), pts),
                                "discardFramesUntil");
}

static const VS(IVideoSinkController_ops) vs_controller_ops = {
    .setProperty = ctl_set_property,
    .setVideoDecoder = ctl_set_decoder,
    .getVideoDecoder = ctl_get_decoder,
    .attachClock = ctl_attach,
    .detachClock = ctl_detach,
    .getClock = ctl_get_clock,
    .start = ctl_start,
    .stop = ctl_stop,
    .queueVideoFrame = ctl_queue,
    .flush = ctl_flush,
    .discardFramesUntil = ctl_discard,
};

/* ---- the clocks (avclock.h) as the sinks read them ----------------------------------- */

static int clock_read(void *userdata, int32_t id, int64_t mono_ns, bool *ret_running,
                      int64_t *ret_media_ns, double *ret_rate)
{
        struct avbd_clock_reading r;
        int e = avbd_clock_read(userdata, id, mono_ns, &r);

        if (e < 0)
                return e;
        *ret_running = r.running;
        *ret_media_ns = r.media_ns;
        *ret_rate = r.rate;
        return 0;
}

static void clock_prime(void *userdata, int32_t id, int64_t pts_ns, int64_t mono_ns)
{
        (void)avbd_clock_prime(userdata, id, AVBD_CLOCK_FROM_VIDEO, pts_ns, mono_ns);
}

static void clock_presented(void *userdata, int32_t id, int64_t pts_ns, int64_t mono_ns)
{
        avbd_clock_presented(userdata, id, AVBD_CLOCK_FROM_VIDEO, pts_ns, mono_ns);
}

/* Video is the slave in AUDIO_MASTER and PCR modes: its engine drops frames too late. */
static bool clock_slaved(void *userdata, int32_t id)
{
        return avbd_clock_slaves(userdata, id, AVBD_CLOCK_FROM_VIDEO);
}

/* The audio sinks': what primes and leads the clock in AUDIO_MASTER mode. */
static void clock_prime_audio(void *userdata, int32_t id, int64_t pts_ns, int64_t mono_ns)
{
        (void)avbd_clock_prime(userdata, id, AVBD_CLOCK_FROM_AUDIO, pts_ns, mono_ns);
}

static void clock_presented_audio(void *userdata, int32_t id, int64_t pts_ns, int64_t mono_ns)
{
        avbd_clock_presented(userdata, id, AVBD_CLOCK_FROM_AUDIO, pts_ns, mono_ns);
}

struct avbd_vsink_clocks avbd_sink_clocks(struct avbd_clocks *clocks, enum avb_media_kind kind)
{
        if (!clocks)
                return (struct avbd_vsink_clocks){0};
        /*
         * The audio sinks drop nothing, in any mode: a cut in the sound is
         * heard where a skipped picture is hardly seen. Late audio on a
         * VIDEO_MASTER clock is presented late (not done: docs/decode.md).
         */
        if (kind == AVB_MEDIA_AUDIO)
                return (struct avbd_vsink_clocks){.read = clock_read,
                                                  .prime = clock_prime_audio,
                                                  .presented = clock_presented_audio,
                                                  .userdata = clocks};
        return (struct avbd_vsink_clocks){.read = clock_read,
                                          .prime = clock_prime,
                                          .presented = clock_presented,
                                          .slaved = clock_slaved,
                                          .userdata = clocks};
}

/* ---- the service ---------------------------------------------------------------------- */

/* Sink i's object and its controllers, into vs->objects from PER_SINK * i on. */
static int make_objects(struct avbd_videosink_service *vs, size_t i)
{
        avb_binder **o = &vs->objects[PER_SINK * i];
        int e;

        vs->objs[i] = (struct vsink_obj){.vs = vs, .i = i};
        e = VS(IVideoSink_new_local)(&vs_sink_ops, &vs->objs[i], NULL, &o[0]);
        for (size_t j = 0; e == 0 && j < AVBD_VSINK_CONTROLLERS; j++) {
                struct vsink_ctl *c = &vs->ctls[i * AVBD_VSINK_CONTROLLERS + j];

                c->k = avbd_vsinks_at(vs->sinks, i);
                e = VS(IVideoSinkController_new_local)(&vs_controller_ops, c, NULL, &o[1 + j]);
        }
        for (size_t j = 0; j < PER_SINK && o[j]; j++)
                vs->n_objects = PER_SINK * i + j + 1;
        return e;
}

int avbd_videosink_service_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                               struct avbd_clocks *clocks, struct avbd_videosink_service **ret)
{
        struct avbd_videosink_service *vs = calloc(1, sizeof(*vs));
        struct avbd_vsink_clocks c = avbd_sink_clocks(clocks, AVB_MEDIA_VIDEO);
        size_t n;
        int e;

        if (!vs)
                return -ENOMEM;
        e = avbd_vsinks_new(profile, vendor, AVB_MEDIA_VIDEO, &c, &vs_notify, &vs->sinks);
        n = e == 0 ? avbd_vsinks_count(vs->sinks) : 0;
        if (e == 0) {
                vs->objects = calloc(PER_SINK * n + 1, sizeof(avb_binder *));
                vs->objs = calloc(n + 1, sizeof(*vs->objs));
                vs->ctls = calloc(AVBD_VSINK_CONTROLLERS * n + 1, sizeof(*vs->ctls));
                if (!vs->objects || !vs->objs || !vs->ctls)
                        e = -ENOMEM;
        }
        if (e == 0)
                e = VS(IVideoSinkManager_new_local)(&vs_manager_ops, vs, NULL, &vs->manager);
        for (size_t i = 0; e == 0 && i < n; i++)
                e = make_objects(vs, i);
        if (e < 0) {
                avbd_videosink_service_free(vs);
                return e;
        }
        *ret = vs;
        return 0;
}

void avbd_videosink_service_free(struct avbd_videosink_service *vs)
{
        if (!vs)
                return;
        avbd_vsinks_free(vs->sinks);
        for (size_t i = 0; i < vs->n_objects; i++)
                avb_binder_unref(vs->objects[i]);
        avb_binder_unref(vs->manager);
        free(vs->objects);
        free(vs->objs);
        free(vs->ctls);
        free(vs);
}

int avbd_videosink_service_publish(struct avbd_videosink_service *vs, avb_server *server)
{
        int e = avb_server_add(server, vs->manager, &vs->manager_id);

        for (size_t i = 0; i < vs->n_objects && e == 0; i++)
                e = avb_server_add(server, vs->objects[i], NULL);
        return e;
}

struct avbd_registration avbd_videosink_service_name(const struct avbd_videosink_service *vs)
{
        return (struct avbd_registration){VS(IVideoSinkManager_serviceName), vs->manager_id};
}

void avbd_videosink_service_client_gone(struct avbd_videosink_service *vs, uint64_t client_id)
{
        if (vs)
                avbd_vsinks_client_gone(vs->sinks, client_id);
}
