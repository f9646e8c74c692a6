/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The published Audio Sink HAL (com.rdk.hal.audiosink) over the sinks of
 * videosink.c made for audio, and its service (audiosink_service.h).
 *
 * Why controllers are used in turn and carry the open they belong to: a
 * client that kept the controller of an earlier open must not drive the
 * sink another open (maybe its own, later) now has, and the server's object
 * table only grows, so a fresh object per open is not an option (the
 * decoders do the same, decoder_core.h).
 *
 * Why volume lives here and not in the sink core: it is the only state an
 * audio sink has beyond a video sink's, and it changes nothing the core
 * does (nothing is mixed or played: see audiosink_service.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "avb_avbuffer.h"
#include "com_rdk_hal_audiosink.h"
#include "decoder_hal.h"
#include "sink.h"
#include "util.h"
#include "audiosink_service.h"
#include "videosink_service.h"

#define AS(x) com_rdk_hal_audiosink_##x

#define ASINK_REFERENCE_LEVEL_DEFAULT (-31) /* dB: the usual dialogue level of broadcast audio */
#define ASINK_REFERENCE_LEVEL_MIN     (-70)

struct asink;

/* The impl of a controller object: the sink, and the open it acts for (0: none yet). */
struct asink_ctl {
        struct asink *a;
        uint64_t gen;
};

struct asink {
        struct avbd_audiosink_service *svc;
        struct avbd_vsink *k;
        avb_binder *object;
        avb_binder *ctl_objects[AVBD_ASINK_CONTROLLERS];
        struct asink_ctl ctls[AVBD_ASINK_CONTROLLERS];

        /* under svc->lock */
        int32_t content_type;
        int32_t reference_level;
        double volume, ramp_from; /* the ramp's start level (volume: its target) */
        int64_t ramp_start_ms;
        int32_t ramp_ms; /* 0: no ramp */
        int32_t curve;
        bool muted;
        int64_t frame_ns; /* the duration of the last frame queued (QUEUE_DEPTH_NS) */
};

struct avbd_audiosink_service {
        pthread_mutex_t lock;
        struct avbd_vsinks *sinks;
        struct asink *a;
        size_t n;
        bool secure; /* a secure audio frame pool exists */
        avb_binder *manager;
        uint32_t manager_id;
};

/* ---- the listeners --------------------------------------------------------------- */

static avb_status notify_event(avb_binder *l, bool controller, enum avbd_vsink_event ev,
                               int64_t pts)
{
        switch (ev) {
        case AVBD_VSINK_EV_FIRST_FRAME:
                return controller ? AS(IAudioSinkControllerListener_onFirstFrameRendered)(l, pts)
                                  : AS(IAudioSinkEventListener_onFirstFrameRendered)(l, pts);
        case AVBD_VSINK_EV_EOS:
                return controller ? AS(IAudioSinkControllerListener_onEndOfStream)(l, pts)
                                  : AS(IAudioSinkEventListener_onEndOfStream)(l, pts);
        case AVBD_VSINK_EV_UNDERFLOW:
                return controller ? AS(IAudioSinkControllerListener_onAudioUnderflow)(l)
                                  : AS(IAudioSinkEventListener_onAudioUnderflow)(l);
        case AVBD_VSINK_EV_RESUMED:
                return controller ? AS(IAudioSinkControllerListener_onAudioResumed)(l, pts)
                                  : AS(IAudioSinkEventListener_onAudioResumed)(l, pts);
        case AVBD_VSINK_EV_FLUSHED:
                return controller ? AS(IAudioSinkControllerListener_onFlushComplete)(l)
                                  : AS(IAudioSinkEventListener_onFlushComplete)(l);
        case AVBD_VSINK_EV_SPACE:
                return controller ? AS(IAudioSinkControllerListener_onFrameBufferAvailable)(l)
                                  : avb_status_ok();
        }
        return avb_status_ok();
}

static avb_status notify_state(avb_binder *l, bool controller, enum avbd_vsink_state a,
                               enum avbd_vsink_state b)
{
        com_rdk_hal_State from = (com_rdk_hal_State)a, to = (com_rdk_hal_State)b;

        return controller ? AS(IAudioSinkControllerListener_onStateChanged)(l, from, to)
                          : AS(IAudioSinkEventListener_onStateChanged)(l, from, to);
}

static const struct avbd_vsink_notify_ops as_notify = {
    .event = notify_event,
    .state = notify_state,
};

/* ---- IAudioSinkManager ------------------------------------------------------------ */

static avb_status mgr_ids(void *impl, avb_call *call, AS(IAudioSink_Id) * *ret, size_t *ret_n)
{
        struct avbd_audiosink_service *as = impl;
        AS(IAudioSink_Id) *v = calloc(as->n + 1, sizeof(*v));

        (void)call;
        if (!v)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        for (size_t i = 0; i < as->n; i++) {
                AS(IAudioSink_Id_init)(&v[i]);
                v[i].value = avbd_vsink_id(as->a[i].k);
        }
        *ret = v;
        *ret_n = as->n;
        return avb_status_ok();
}

/*
 * What this implementation is: no mixer (each sink presents its stream as
 * decoded, at the stream's own rate: no mixer rate to report), PCM taken in
 * whatever layout the decoder wrote, planar too (it is summed as bytes),
 * the decoders' S16LE, no low-latency path, no compressed pass-through, no
 * Atmos; channels as many as PCMMetadata can name.
 */
static avb_status mgr_platform(void *impl, avb_call *call, AS(PlatformCapabilities) * ret)
{
        (void)impl;
        (void)call;
        AS(PlatformCapabilities_init)(ret);
        ret->supportsLowLatency = false;
        ret->systemMixerSampleRateHz = 0;
        ret->systemMixerPCMFormat = com_rdk_hal_audiodecoder_PCMFormat_S16LE;
        ret->supportsPlanarFormat = true;
        ret->supportsSoCProprietary = false;
        ret->maxNumChannels = 8;
        ret->supportsDolbyAtmos = false;
        return avb_status_ok();
}

static avb_status mgr_get(void *impl, avb_call *call, const AS(IAudioSink_Id) * id,
                          avb_binder **ret)
{
        struct avbd_audiosink_service *as = impl;

        (void)call;
        *ret = NULL; /* not one of ours: null, as the HAL says */
        for (size_t i = 0; i < as->n; i++)
                if (avbd_vsink_id(as->a[i].k) == id->value)
                        *ret = avb_binder_ref(as->a[i].object);
        return avb_status_ok();
}

static const AS(IAudioSinkManager_ops) as_manager_ops = {
    .getAudioSinkIds = mgr_ids,
    .getPlatformCapabilities = mgr_platform,
    .getAudioSink = mgr_get,
};

/* ---- IAudioSink ----------------------------------------------------------------------- */

static avb_status get_caps(void *impl, avb_call *call, AS(Capabilities) * ret)
{
        static const AS(ContentType)
            types[] = {AS(ContentType_UNKNOWN), AS(ContentType_SPEECH), AS(ContentType_MUSIC),
                       AS(ContentType_MOVIE), AS(ContentType_SONIFICATION)};
        struct asink *a = impl;

        (void)call;
        AS(Capabilities_init)(ret);
        ret->supportedContentTypes = malloc(sizeof(types));
        if (!ret->supportedContentTypes)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        memcpy(ret->supportedContentTypes, types, sizeof(types));
        ret->supportedContentTypes_count = sizeof(types) / sizeof(types[0]);
        ret->supportsSecure = a->svc->secure;
        return avb_status_ok();
}

/* A property's value now; false: no such property (METRIC_xxxx names none yet). */
static bool property(struct asink *a, AS(Property) p, int64_t *ret)
{
        struct avbd_vsink_info in;

        avbd_vsink_info(a->k, &in);
        pthread_mutex_lock(&a->svc->lock);
        switch (p) {
        case AS(Property_RESOURCE_ID):
                *ret = avbd_vsink_id(a->k);
                break;
        case AS(Property_REFERENCE_LEVEL):
                *ret = a->reference_level;
                break;
        case AS(Property_RENDER_LATENCY_NS): /* presenting is the output: nothing after it */
        case AS(Property_MIXER_ID):          /* one mixer (none, really), input 0 */
        case AS(Property_DOLBY_ATMOS_LOCK):  /* no Atmos: never locked */
                *ret = 0;
                break;
        case AS(Property_QUEUE_DEPTH_NS): /* a client's absurd frame length: saturated */
                if (__builtin_mul_overflow(in.queued, a->frame_ns, ret))
                        *ret = INT64_MAX;
                break;
        case AS(Property_AV_SOURCE):
                *ret = in.av_source;
                break;
        default:
                pthread_mutex_unlock(&a->svc->lock);
                return false;
        }
        pthread_mutex_unlock(&a->svc->lock);
        return true;
}

static avb_status get_property(void *impl, avb_call *call, AS(Property) p,
                               com_rdk_hal_PropertyValue **ret)
{
        int64_t v;

        (void)call;
        *ret = NULL;
        if (!property(impl, p, &v))
                return avb_status_ok();
        if (!avbd_int_property((int32_t)v, ret))
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        if (p == AS(Property_QUEUE_DEPTH_NS)) { /* nanoseconds: a long */
                (*ret)->value->tag = com_rdk_hal_PropertyValue_Value_TAG_longValue;
                (*ret)->value->u.longValue = v;
        }
        return avb_status_ok();
}

/*
 * Writable by the client that has the sink open: REFERENCE_LEVEL (dB, kept
 * and reported), AV_SOURCE, MIXER_ID 0 (the only input) and
 * DOLBY_ATMOS_LOCK 0 (nothing to lock). Anything else: false.
 */
static avb_status set_property(void *impl, avb_call *call, AS(Property) p,
                               const com_rdk_hal_PropertyValue *value, bool *ret)
{
        struct asink *a = impl;
        struct avbd_vsink_caller owner;
        int32_t v;
        int e;

        *ret = false;
        if (p != AS(Property_REFERENCE_LEVEL) && p != AS(Property_AV_SOURCE) &&
            p != AS(Property_MIXER_ID) && p != AS(Property_DOLBY_ATMOS_LOCK))
                return avb_status_ok(); /* read-only or unknown */
        /* a call on the sink, not a controller: for whichever open its client has */
        owner = (struct avbd_vsink_caller){avbd_dec_caller(call),
                                           avbd_vsink_open_of(a->k, avbd_dec_caller(call))};
        e = avbd_vsink_check(a->k, owner);
        if (e < 0)
                return avbd_sink_status(e == -ESTALE ? -EBADFD : e, "setProperty");
        if (avbd_int_of(value, &v) < 0)
                return avb_status_ok();
        if (p == AS(Property_AV_SOURCE)) {
                e = avbd_av_source_valid(v) ? avbd_vsink_set_av_source(a->k, owner, v) : -EINVAL;
        } else if (p == AS(Property_REFERENCE_LEVEL)) {
                e = v < ASINK_REFERENCE_LEVEL_MIN || v > 0 ? -EINVAL : 0;
                pthread_mutex_lock(&a->svc->lock);
                if (e == 0)
                        a->reference_level = v;
                pthread_mutex_unlock(&a->svc->lock);
        } else {
                e = v == 0 ? 0 : -EINVAL;
        }
        *ret = e == 0;
        return e == -EBADFD || e == -EPERM ? avbd_sink_status(e, "setProperty") : avb_status_ok();
}

static avb_status get_state(void *impl, avb_call *call, com_rdk_hal_State *ret)
{
        struct asink *a = impl;

        (void)call;
        *ret = (com_rdk_hal_State)avbd_vsink_state(a->k);
        return avb_status_ok();
}

static avb_status sink_open(void *impl, avb_call *call, AS(ContentType) type, avb_binder *listener,
                            avb_binder **ret)
{
        struct asink *a = impl;
        struct asink_ctl *c;
        uint64_t gen;
        int e;

        if (!listener)
                return avb_status_exception(AVB_EX_NULL_POINTER, "open: no listener");
        if (type < AS(ContentType_UNKNOWN) || type > AS(ContentType_SONIFICATION))
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "open: content type %d",
                                            (int)type);
        e = avbd_vsink_open(a->k, avbd_dec_caller(call), listener, &gen);
        if (e < 0)
                return avbd_sink_status(e, "open");
        pthread_mutex_lock(&a->svc->lock);
        c = &a->ctls[gen % AVBD_ASINK_CONTROLLERS];
        c->gen = gen;
        a->content_type = type;
        a->frame_ns = 0;
        pthread_mutex_unlock(&a->svc->lock);
        *ret = avb_binder_ref(a->ctl_objects[gen % AVBD_ASINK_CONTROLLERS]);
        return avb_status_ok();
}

/* Who calls through controller c: the caller, for c's open (the core checks both). */
static struct avbd_vsink_caller who(const struct asink_ctl *c, avb_call *call)
{
        struct avbd_vsink_caller w = {avbd_dec_caller(call), 0};

        pthread_mutex_lock(&c->a->svc->lock);
        w.gen = c->gen;
        pthread_mutex_unlock(&c->a->svc->lock);
        return w;
}

static avb_status sink_close(void *impl, avb_call *call, avb_binder *controller, bool *ret)
{
        struct asink_ctl *c;
        int e;

        if (!controller)
                return avb_status_exception(AVB_EX_NULL_POINTER, "close: no controller");
        c = avb_binder_local_impl(controller, &AS(IAudioSinkController_desc));
        if (!c || c->a != impl) /* as the video sink and the decoders answer */
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "close: not this sink's controller");
        e = avbd_vsink_close(c->a->k, who(c, call));
        if (e < 0)
                return avbd_sink_status(e, "close");
        *ret = true;
        return avb_status_ok();
}

static avb_status sink_listen(void *impl, avb_call *call, avb_binder *l, bool *ret)
{
        struct asink *a = impl;
        int e;

        (void)call;
        if (!l)
                return avb_status_exception(AVB_EX_NULL_POINTER, "registerEventListener: null");
        e = avbd_vsink_add_event_listener(a->k, l);
        if (e == -ENOSPC)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "registerEventListener: %d listeners already",
                                            AVBD_VSINK_EVENT_LISTENERS);
        *ret = e == 0;
        return avb_status_ok();
}

static avb_status sink_unlisten(void *impl, avb_call *call, avb_binder *l, bool *ret)
{
        struct asink *a = impl;

        (void)call;
        if (!l)
                return avb_status_exception(AVB_EX_NULL_POINTER, "unregisterEventListener: null");
        *ret = avbd_vsink_remove_event_listener(a->k, l) == 0;
        return avb_status_ok();
}

static const AS(IAudioSink_ops) as_sink_ops = {
    .getCapabilities = get_caps,
    .getProperty = get_property,
    .setProperty = set_property,
    .getState = get_state,
    .open = sink_open,
    .close = sink_close,
    .registerEventListener = sink_listen,
    .unregisterEventListener = sink_unlisten,
};

/* ---- IAudioSinkController ----------------------------------------------------------- */

/* The sink c drives; expr a core call on k_ by who_ (the caller, for c's open). */
#define CTL(impl) (((const struct asink_ctl *)(impl))->a)
#define CTL_CALL(impl, call, what, expr)                                                           \
        do {                                                                                       \
                struct avbd_vsink_caller who_ = who((impl), (call));                               \
                struct avbd_vsink *k_ = CTL(impl)->k;                                              \
                return avbd_sink_status((expr), what);                                             \
        } while (0)

static avb_status ctl_set_decoder(void *impl, avb_call *call,
                                  const com_rdk_hal_audiodecoder_IAudioDecoder_Id *id, bool *ret)
{
        int e = avbd_vsink_set_decoder(CTL(impl)->k, who(impl, call), id->value);
        *ret = e == 0;
        return e == -EINVAL ? avb_status_ok() : avbd_sink_status(e, "setAudioDecoder");
}

static avb_status ctl_get_decoder(void *impl, avb_call *call,
                                  com_rdk_hal_audiodecoder_IAudioDecoder_Id *ret)
{
        com_rdk_hal_audiodecoder_IAudioDecoder_Id_init(ret);
        CTL_CALL(impl, call, "getAudioDecoder", avbd_vsink_get_decoder(k_, who_, &ret->value));
}

static avb_status ctl_attach(void *impl, avb_call *call, const com_rdk_hal_avclock_IAVClock_Id *id)
{
        int e = avbd_vsink_attach_clock(CTL(impl)->k, who(impl, call), id->value);
        return e == -EINVAL ? avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                                   "attachClock: no clock %d", (int)id->value)
                            : avbd_sink_status(e, "attachClock");
}

static avb_status ctl_detach(void *impl, avb_call *call)
{
        CTL_CALL(impl, call, "detachClock",
                 avbd_vsink_attach_clock(k_, who_, AVBD_VSINK_UNDEFINED));
}

static avb_status ctl_get_clock(void *impl, avb_call *call, com_rdk_hal_avclock_IAVClock_Id *ret)
{
        com_rdk_hal_avclock_IAVClock_Id_init(ret);
        CTL_CALL(impl, call, "getClock", avbd_vsink_get_clock(k_, who_, &ret->value));
}

static avb_status ctl_start(void *impl, avb_call *call)
{
        CTL_CALL(impl, call, "start", avbd_vsink_start(k_, who_));
}

static avb_status ctl_stop(void *impl, avb_call *call)
{
        CTL_CALL(impl, call, "stop", avbd_vsink_stop(k_, who_));
}

static avb_status ctl_flush(void *impl, avb_call *call)
{
        CTL_CALL(impl, call, "flush", avbd_vsink_flush(k_, who_, false));
}

/*
 * The PCM's bytes as one run from the block's start (PcmLayout in the
 * extension), and one frame's duration; false: no layout (the block is
 * summed whole). -EINVAL: a layout that cannot be.
 */
static int pcm_of(const com_rdk_hal_audiodecoder_FrameMetadata *md, struct avb_sink_planes *p,
                  int64_t *ret_frame_ns)
{
        avb_avbuffer_PcmLayout l;
        int r;

        if (!md || !md->extension.descriptor)
                return 0;
        avb_avbuffer_PcmLayout_init(&l);
        r = avb_avbuffer_PcmLayout_holder_get(&md->extension, &l);
        if (r == 1 && (l.frameBytes <= 0 || l.samples < 0))
                r = -EINVAL;
        if (r == 1) {
                *p = (struct avb_sink_planes){.n = 1,
                                              .row_bytes = {(uint32_t)l.frameBytes},
                                              .stride = {(uint32_t)l.frameBytes},
                                              .rows = {1}};
                if (md->metadata && md->metadata->sampleRate > 0)
                        *ret_frame_ns =
                            (int64_t)l.samples * 1000000000LL / md->metadata->sampleRate;
        }
        avb_avbuffer_PcmLayout_fini(&l);
        return r == 1 ? 1 : r < 0 ? -EINVAL : 0;
}

/* The sound output's format (vendor/sink_wav.h): S16LE interleaved only. */
static struct avbd_vsink_picture pcm_format_of(const com_rdk_hal_audiodecoder_PCMMetadata *m)
{
        bool s16 = m->format == com_rdk_hal_audiodecoder_PCMFormat_S16LE && !m->planarFormat;

        return (struct avbd_vsink_picture){
            .pcm_rate = m->sampleRate > 0 ? (uint32_t)m->sampleRate : 0,
            .pcm_channels = m->numChannels > 0 ? (uint32_t)m->numChannels : 0,
            .pcm_bits = s16 ? 16 : 0,
        };
}

static avb_status ctl_queue(void *impl, avb_call *call, int64_t pts, int64_t handle,
                            const com_rdk_hal_audiodecoder_FrameMetadata *md, bool *ret)
{
        struct asink *a = CTL(impl);
        struct avb_sink_planes pcm;
        int64_t frame_ns = -1;
        int has = pcm_of(md, &pcm, &frame_ns);
        struct avbd_vsink_caller w = who(impl, call);
        int e = avbd_vsink_check(a->k, w);

        if (e == 0 && has < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "queueAudioFrame: a PCM layout we cannot read");
        if (e == 0 && md && md->metadata) { /* it comes when it changes, and holds */
                struct avbd_vsink_picture pic = pcm_format_of(md->metadata);

                e = avbd_vsink_describe(a->k, w, &pic);
        }
        if (e == 0)
                e = avbd_vsink_queue(a->k, w, handle, pts, has ? &pcm : NULL, md && md->endOfStream,
                                     ret);
        if (e == -EINVAL)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "queueAudioFrame: not an audio frame buffer the "
                                            "caller owns, or more PCM than it holds");
        if (e == 0 && frame_ns >= 0) {
                /* not over a reopen's reset (sink_open): still this open, checked with it */
                pthread_mutex_lock(&a->svc->lock);
                if (avbd_vsink_check(a->k, w) == 0)
                        a->frame_ns = frame_ns;
                pthread_mutex_unlock(&a->svc->lock);
        }
        return avbd_sink_status(e, "queueAudioFrame");
}

/* How far along its curve a ramp is when t (0 to 1) of its time has passed. */
static double ramp_shape(int32_t curve, double t)
{
        switch (curve) {
        case AS(VolumeRamp_IN_CUBIC):
                return t * t * t;
        case AS(VolumeRamp_OUT_CUBIC):
                return 1.0 - (1.0 - t) * (1.0 - t) * (1.0 - t);
        default:
                return t;
        }
}

/* The volume now, a ramp ended once it has run its course. Lock held. */
static double volume_now(struct asink *a)
{
        int64_t done;

        if (a->ramp_ms == 0)
                return a->volume;
        done = avb_now_ms() - a->ramp_start_ms;
        if (done >= a->ramp_ms) {
                a->ramp_ms = 0;
                return a->volume;
        }
        return a->ramp_from +
               (a->volume - a->ramp_from) * ramp_shape(a->curve, (double)done / a->ramp_ms);
}

/*
 * Locks the service and checks that c's open, by the caller, is the sink's
 * now (avbd_vsink_check, taking the sinks' lock inside: the order is always
 * the service's, then the sinks'): the volume calls check and act under one
 * lock. Returns with the lock held either way.
 */
static int lock_volume(const struct asink_ctl *c, avb_call *call)
{
        pthread_mutex_lock(&c->a->svc->lock);
        return avbd_vsink_check(c->a->k, (struct avbd_vsink_caller){avbd_dec_caller(call), c->gen});
}

static avb_status ctl_get_volume(void *impl, avb_call *call, AS(Volume) * ret)
{
        struct asink *a = CTL(impl);
        int e = lock_volume(impl, call);

        if (e == 0) {
                AS(Volume_init)(ret);
                ret->volume = volume_now(a);
                ret->muted = a->muted;
        }
        pthread_mutex_unlock(&a->svc->lock);
        return avbd_sink_status(e, "getVolume");
}

static bool volume_ok(double v)
{
        return v >= 0.0 && v <= 1.0; /* false for NaN too */
}

static avb_status ctl_set_volume(void *impl, avb_call *call, const AS(Volume) * v, bool *ret)
{
        struct asink *a = CTL(impl);
        int e = lock_volume(impl, call);

        *ret = e == 0 && volume_ok(v->volume);
        if (*ret) {
                a->volume = v->volume;
                a->muted = v->muted;
                a->ramp_ms = 0; /* a set level ends a ramp */
        }
        pthread_mutex_unlock(&a->svc->lock);
        return avbd_sink_status(e, "setVolume");
}

static avb_status ctl_set_ramp(void *impl, avb_call *call, double target, int32_t over_ms,
                               AS(VolumeRamp) curve, bool *ret)
{
        struct asink *a = CTL(impl);
        int e = lock_volume(impl, call);

        *ret = e == 0 && volume_ok(target) && over_ms >= 0 && curve >= AS(VolumeRamp_LINEAR) &&
               curve <= AS(VolumeRamp_OUT_CUBIC);
        if (*ret) {
                a->ramp_from = volume_now(a); /* from where an unfinished ramp has got to */
                a->volume = target;
                a->ramp_start_ms = avb_now_ms();
                a->ramp_ms = over_ms;
                a->curve = curve;
        }
        pthread_mutex_unlock(&a->svc->lock);
        return avbd_sink_status(e, "setVolumeRamp");
}

static const AS(IAudioSinkController_ops) as_controller_ops = {
    .setAudioDecoder = ctl_set_decoder,
    .getAudioDecoder = ctl_get_decoder,
    .attachClock = ctl_attach,
    .detachClock = ctl_detach,
    .getClock = ctl_get_clock,
    .start = ctl_start,
    .stop = ctl_stop,
    .queueAudioFrame = ctl_queue,
    .flush = ctl_flush,
    .getVolume = ctl_get_volume,
    .setVolume = ctl_set_volume,
    .setVolumeRamp = ctl_set_ramp,
};

/* ---- the service ---------------------------------------------------------------------- */

static int make_objects(struct asink *a)
{
        int e = AS(IAudioSink_new_local)(&as_sink_ops, a, NULL, &a->object);

        for (size_t i = 0; e == 0 && i < AVBD_ASINK_CONTROLLERS; i++) {
                a->ctls[i].a = a;
                e = AS(IAudioSinkController_new_local)(&as_controller_ops, &a->ctls[i], NULL,
                                                       &a->ctl_objects[i]);
        }
        if (e == 0) /* the core's one controller: the first; the HAL hands out its own */
                avbd_vsink_set_controller(a->k, a->ctl_objects[0]);
        return e;
}

int avbd_audiosink_service_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                               struct avbd_clocks *clocks, struct avbd_audiosink_service **ret)
{
        struct avbd_audiosink_service *as = calloc(1, sizeof(*as));
        struct avbd_vsink_clocks c = avbd_sink_clocks(clocks, AVB_MEDIA_AUDIO);
        int e;

        if (!as)
                return -ENOMEM;
        pthread_mutex_init(&as->lock, NULL);
        for (size_t i = 0; i < profile->n_frame_pools; i++)
                as->secure |= profile->frame_pools[i].kind == AVB_MEDIA_AUDIO &&
                              profile->frame_pools[i].secure;
        e = avbd_vsinks_new(profile, vendor, AVB_MEDIA_AUDIO, &c, &as_notify, &as->sinks);
        if (e == 0) {
                as->a = calloc(avbd_vsinks_count(as->sinks) + 1, sizeof(*as->a));
                if (!as->a)
                        e = -ENOMEM;
        }
        if (e == 0)
                e = AS(IAudioSinkManager_new_local)(&as_manager_ops, as, NULL, &as->manager);
        for (size_t i = 0; e == 0 && i < avbd_vsinks_count(as->sinks); i++) {
                struct asink *a = &as->a[i];

                *a = (struct asink){.svc = as,
                                    .k = avbd_vsinks_at(as->sinks, i),
                                    .reference_level = ASINK_REFERENCE_LEVEL_DEFAULT,
                                    .volume = 1.0};
                as->n++;
                e = make_objects(a);
        }
        if (e < 0) {
                avbd_audiosink_service_free(as);
                return e;
        }
        *ret = as;
        return 0;
}

void avbd_audiosink_service_free(struct avbd_audiosink_service *as)
{
        if (!as)
                return;
        avbd_vsinks_free(as->sinks);
        for (size_t i = 0; i < as->n; i++) {
                avb_binder_unref(as->a[i].object);
                for (size_t j = 0; j < AVBD_ASINK_CONTROLLERS; j++)
                        avb_binder_unref(as->a[i].ctl_objects[j]);
        }
        avb_binder_unref(as->manager);
        free(as->a);
        pthread_mutex_destroy(&as->lock);
        free(as);
}

int avbd_audiosink_service_publish(struct avbd_audiosink_service *as, avb_server *server)
{
        int e = avb_server_add(server, as->manager, &as->manager_id);

        for (size_t i = 0; i < as->n && e == 0; i++) {
                e = avb_server_add(server, as->a[i].object, NULL);
                for (size_t j = 0; j < AVBD_ASINK_CONTROLLERS && e == 0; j++)
                        e = avb_server_add(server, as->a[i].ctl_objects[j], NULL);
        }
        return e;
}

struct avbd_registration avbd_audiosink_service_name(const struct avbd_audiosink_service *as)
{
        return (struct avbd_registration){AS(IAudioSinkManager_serviceName), as->manager_id};
}

void avbd_audiosink_service_client_gone(struct avbd_audiosink_service *as, uint64_t client_id)
{
        if (as)
                avbd_vsinks_client_gone(as->sinks, client_id);
}
