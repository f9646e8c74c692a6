/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The published AV Clock HAL (com.rdk.hal.avclock) over the clocks of
 * avclock.c, and its objects (avclock_service.h).
 *
 * What the published contract says and this does:
 *  - modes AUTO, AUDIO_MASTER, VIDEO_MASTER and PCR are all taken. A
 *    master mode is primed by its sink's first frame and then follows the
 *    frames that sink presents (avbd_clock_presented); AUTO by whichever
 *    sink receives a frame first; PCR by notifyPCRSample, each sample
 *    re-basing the clock (no jitter filter);
 *  - rates: 0 (pause) and 0.5 to 2.0; anything else is refused (false);
 *  - sample times are CLOCK_MONOTONIC (the published text says
 *    CLOCK_MONOTONIC_RAW for PCR samples; the two differ only by NTP's
 *    slewing, and the sinks wait on CLOCK_MONOTONIC);
 *  - getProperty of an unknown key gives null, setProperty of any key
 *    (every one is read-only) EX_UNSUPPORTED_OPERATION, as the decoders do;
 *  - each clock has AVBD_CLOCK_CONTROLLERS controller objects, handed out
 *    in turn by open, each acting only for its open: an earlier open's
 *    controller raises EX_ILLEGAL_STATE for every call, close included (a
 *    client that kept it must not drive the open the clock has now, and
 *    the server's object table only grows; the decoders do the same).
 */
#include <errno.h>
#include <stdlib.h>

#include "avclock_service.h"
#include "com_rdk_hal.h"
#include "com_rdk_hal_avclock.h"

#define AC(x) com_rdk_hal_avclock_##x

struct clock_obj;

/* A controller object's impl: its clock, and the open it acts for (0: none yet; atomic). */
struct clock_ctl {
        struct clock_obj *o;
        uint64_t gen;
};

struct clock_obj {
        struct avbd_clocks *clocks;
        int32_t id;
        avb_binder *self;
        avb_binder *controllers[AVBD_CLOCK_CONTROLLERS];
        struct clock_ctl ctls[AVBD_CLOCK_CONTROLLERS];
};

struct avbd_clock_service {
        struct avbd_clocks *clocks;
        avb_binder *manager;
        uint32_t manager_id;
        struct clock_obj *objs;
        size_t n;
};

static uint64_t caller(avb_call *call)
{
        return avb_call_peer(call)->client_id;
}

static avb_status status(int e, const char *what)
{
        switch (e) {
        case 0:
                return avb_status_ok();
        case -EPERM:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: the clock is not open by this client", what);
        case -EBADFD:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "%s: not allowed in this state",
                                            what);
        case -ENOMEM:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "%s: out of memory", what);
        case -ESTALE:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: the controller of an open that was closed", what);
        default:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: refused", what);
        }
}

/* ---- the listeners ------------------------------------------------------- */

static avb_status notify_state(avb_binder *l, bool controller, enum avbd_clock_state from,
                               enum avbd_clock_state to)
{
        if (controller)
                return AC(IAVClockControllerListener_onStateChanged)(l, (com_rdk_hal_State)from,
                                                                     (com_rdk_hal_State)to);
        return AC(IAVClockEventListener_onStateChanged)(l, (com_rdk_hal_State)from,
                                                        (com_rdk_hal_State)to);
}

static avb_status notify_primed(avb_binder *l, int64_t media_ns, int64_t mono_ns)
{
        AC(ClockTime) t = {.clockTimeNs = media_ns, .sampleTimestampNs = mono_ns};

        return AC(IAVClockControllerListener_onPrimed)(l, &t);
}

static const struct avbd_clock_notify_ops notify = {
    .state = notify_state,
    .primed = notify_primed,
};

/* ---- IAVClockManager -------------------------------------------------------- */

static avb_status mgr_ids(void *impl, avb_call *call, AC(IAVClock_Id) * *ret, size_t *ret_n)
{
        struct avbd_clock_service *s = impl;
        AC(IAVClock_Id) *v = calloc(s->n + 1, sizeof(*v));

        (void)call;
        if (!v)
                return status(-ENOMEM, "getAVClockIds");
        for (size_t i = 0; i < s->n; i++) {
                AC(IAVClock_Id_init)(&v[i]);
                v[i].value = s->objs[i].id;
        }
        *ret = v;
        *ret_n = s->n;
        return avb_status_ok();
}

static avb_status mgr_get(void *impl, avb_call *call, const AC(IAVClock_Id) * id, avb_binder **ret)
{
        struct avbd_clock_service *s = impl;

        (void)call;
        *ret = id->value >= 0 && (size_t)id->value < s->n ? avb_binder_ref(s->objs[id->value].self)
                                                          : NULL;
        return avb_status_ok();
}

static const AC(IAVClockManager_ops) manager_ops = {
    .getAVClockIds = mgr_ids,
    .getAVClock = mgr_get,
};

/* ---- IAVClock ----------------------------------------------------------------- */

static avb_status get_caps(void *impl, avb_call *call, AC(Capabilities) * ret)
{
        (void)impl;
        (void)call;
        AC(Capabilities_init)(ret);
        return avb_status_ok();
}

static avb_status get_state(void *impl, avb_call *call, com_rdk_hal_State *ret)
{
        struct clock_obj *o = impl;
        struct avbd_clock_info in;

        (void)call;
        (void)avbd_clock_info(o->clocks, o->id, &in);
        *ret = (com_rdk_hal_State)in.state;
        return avb_status_ok();
}

static avb_status get_property(void *impl, avb_call *call, AC(Property) p,
                               com_rdk_hal_PropertyValue **ret)
{
        struct clock_obj *o = impl;
        struct avbd_clock_info in;
        com_rdk_hal_PropertyValue *v;

        (void)call;
        (void)avbd_clock_info(o->clocks, o->id, &in);
        if (p != AC(Property_RESOURCE_ID) && p != AC(Property_METRIC_AV_SYNC_ACCURACY_MS) &&
            p != AC(Property_METRIC_AV_RESYNC_COUNT)) {
                *ret = NULL;
                return avb_status_ok();
        }
        v = malloc(sizeof(*v));
        if (v) {
                com_rdk_hal_PropertyValue_init(v);
                v->value = malloc(sizeof(*v->value));
        }
        if (!v || !v->value) {
                free(v);
                return status(-ENOMEM, "getProperty");
        }
        com_rdk_hal_PropertyValue_Value_init(v->value);
        v->value->tag = com_rdk_hal_PropertyValue_Value_TAG_intValue;
        v->value->u.intValue = p == AC(Property_RESOURCE_ID)              ? o->id
                               : p == AC(Property_METRIC_AV_RESYNC_COUNT) ? in.resync_count
                                                                          : in.sync_accuracy_ms;
        *ret = v;
        return avb_status_ok();
}

static avb_status set_property(void *impl, avb_call *call, AC(Property) p,
                               const com_rdk_hal_PropertyValue *value, bool *ret)
{
        (void)impl;
        (void)call;
        (void)value;
        if (p == AC(Property_RESOURCE_ID) || p == AC(Property_METRIC_AV_SYNC_ACCURACY_MS) ||
            p == AC(Property_METRIC_AV_RESYNC_COUNT))
                return avb_status_exception(AVB_EX_UNSUPPORTED_OPERATION,
                                            "setProperty: property %d is read-only", (int)p);
        *ret = false; /* no such property */
        return avb_status_ok();
}

static avb_status clock_open(void *impl, avb_call *call, avb_binder *listener, avb_binder **ret)
{
        struct clock_obj *o = impl;
        uint64_t gen;
        size_t slot;
        int e;

        if (!listener)
                return avb_status_exception(AVB_EX_NULL_POINTER, "open: no listener");
        e = avbd_clock_open(o->clocks, o->id, caller(call), listener, &gen);
        if (e == -EBADFD)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "open: the clock is open");
        if (e < 0)
                return status(e, "open");
        /* the slot's earlier open is AVBD_CLOCK_CONTROLLERS opens ago: long closed */
        slot = (size_t)(gen % AVBD_CLOCK_CONTROLLERS);
        __atomic_store_n(&o->ctls[slot].gen, gen, __ATOMIC_RELEASE);
        *ret = avb_binder_ref(o->controllers[slot]);
        return avb_status_ok();
}

/* Who calls through controller c: the caller, for c's open (the core checks both). */
static struct avbd_clock_caller who(const struct clock_ctl *c, avb_call *call)
{
        return (struct avbd_clock_caller){caller(call), __atomic_load_n(&c->gen, __ATOMIC_ACQUIRE)};
}

static avb_status clock_close(void *impl, avb_call *call, avb_binder *controller, bool *ret)
{
        struct clock_ctl *c;
        struct clock_obj *o;
        int e;

        if (!controller)
                return avb_status_exception(AVB_EX_NULL_POINTER, "close: no controller");
        /* EX_ILLEGAL_STATE, as the decoders answer a foreign controller */
        c = avb_binder_local_impl(controller, &AC(IAVClockController_desc));
        if (!c || c->o != impl)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "close: not this clock's controller");
        o = c->o;
        e = avbd_clock_close(o->clocks, o->id, who(c, call));
        if (e < 0)
                return status(e, "close");
        *ret = true;
        return avb_status_ok();
}

static avb_status clock_listen(void *impl, avb_call *call, avb_binder *l, bool *ret)
{
        struct clock_obj *o = impl;
        int e;

        (void)call;
        if (!l)
                return avb_status_exception(AVB_EX_NULL_POINTER, "registerEventListener: null");
        e = avbd_clock_listen(o->clocks, o->id, l);
        if (e == -ENOSPC)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "registerEventListener: %d listeners already",
                                            AVBD_CLOCK_LISTENERS);
        *ret = e == 0;
        return avb_status_ok();
}

static avb_status clock_unlisten(void *impl, avb_call *call, avb_binder *l, bool *ret)
{
        struct clock_obj *o = impl;

        (void)call;
        if (!l)
                return avb_status_exception(AVB_EX_NULL_POINTER, "unregisterEventListener: null");
        *ret = avbd_clock_unlisten(o->clocks, o->id, l) == 0;
        return avb_status_ok();
}

static const AC(IAVClock_ops) clock_ops = {
    .getCapabilities = get_caps,
    .getState = get_state,
    .getProperty = get_property,
    .setProperty = set_property,
    .open = clock_open,
    .close = clock_close,
    .registerEventListener = clock_listen,
    .unregisterEventListener = clock_unlisten,
};

/* ---- IAVClockController --------------------------------------------------------- */

/* The clocks and the id of the clock the controller impl drives, as the core calls take them. */
#define CTL_CLOCK(impl)                                                                            \
        ((const struct clock_ctl *)(impl))->o->clocks, ((const struct clock_ctl *)(impl))->o->id

static avb_status ctl_start(void *impl, avb_call *call)
{
        return status(avbd_clock_start(CTL_CLOCK(impl), who(impl, call)), "start");
}

static avb_status ctl_stop(void *impl, avb_call *call)
{
        return status(avbd_clock_stop(CTL_CLOCK(impl), who(impl, call)), "stop");
}

static avb_status ctl_set_mode(void *impl, avb_call *call, AC(ClockMode) mode, bool *ret)
{
        int e = avbd_clock_set_mode(CTL_CLOCK(impl), who(impl, call), (enum avbd_clock_mode)mode);

        *ret = e == 0;
        return e == -EINVAL ? avb_status_ok() : status(e, "setClockMode");
}

static avb_status ctl_get_mode(void *impl, avb_call *call, AC(ClockMode) * ret)
{
        enum avbd_clock_mode m;
        int e = avbd_clock_get_mode(CTL_CLOCK(impl), who(impl, call), &m);

        if (e == 0)
                *ret = (AC(ClockMode))m;
        return status(e, "getClockMode");
}

static avb_status ctl_pcr(void *impl, avb_call *call, int64_t pcr, int64_t sample, bool *ret)
{
        int e = avbd_clock_pcr(CTL_CLOCK(impl), who(impl, call), pcr, sample);

        *ret = e == 0;
        return e == -EINVAL ? avb_status_ok() : status(e, "notifyPCRSample");
}

static avb_status ctl_time(void *impl, avb_call *call, AC(ClockTime) * *ret)
{
        int64_t media, mono;
        bool primed;
        int e = avbd_clock_time(CTL_CLOCK(impl), who(impl, call), &primed, &media, &mono);

        if (e < 0)
                return status(e, "getCurrentClockTime");
        *ret = NULL;
        if (!primed)
                return avb_status_ok();
        *ret = malloc(sizeof(**ret));
        if (!*ret)
                return status(-ENOMEM, "getCurrentClockTime");
        AC(ClockTime_init)(*ret);
        (*ret)->clockTimeNs = media;
        (*ret)->sampleTimestampNs = mono;
        return avb_status_ok();
}

static avb_status ctl_set_rate(void *impl, avb_call *call, double rate, bool *ret)
{
        int e = avbd_clock_set_rate(CTL_CLOCK(impl), who(impl, call), rate);

        *ret = e == 0;
        return e == -EINVAL ? avb_status_ok() : status(e, "setPlaybackRate");
}

static avb_status ctl_get_rate(void *impl, avb_call *call, double *ret)
{
        return status(avbd_clock_get_rate(CTL_CLOCK(impl), who(impl, call), ret),
                      "getPlaybackRate");
}

static const AC(IAVClockController_ops) controller_ops = {
    .start = ctl_start,
    .stop = ctl_stop,
    .setClockMode = ctl_set_mode,
    .getClockMode = ctl_get_mode,
    .notifyPCRSample = ctl_pcr,
    .getCurrentClockTime = ctl_time,
    .setPlaybackRate = ctl_set_rate,
    .getPlaybackRate = ctl_get_rate,
};

/* ---- the service ----------------------------------------------------------------- */

int avbd_clock_service_new(size_t n_clocks, struct avbd_clock_service **ret)
{
        struct avbd_clock_service *s = calloc(1, sizeof(*s));
        int e;

        if (!s)
                return -ENOMEM;
        e = avbd_clocks_new(n_clocks, &s->clocks);
        if (e == 0) {
                avbd_clocks_set_notify(s->clocks, &notify);
                s->objs = calloc(n_clocks + 1, sizeof(*s->objs));
                if (!s->objs)
                        e = -ENOMEM;
        }
        if (e == 0)
                e = AC(IAVClockManager_new_local)(&manager_ops, s, NULL, &s->manager);
        for (; e == 0 && s->n < n_clocks; s->n++) {
                struct clock_obj *o = &s->objs[s->n];

                o->clocks = s->clocks;
                o->id = (int32_t)s->n;
                e = AC(IAVClock_new_local)(&clock_ops, o, NULL, &o->self);
                for (size_t j = 0; e == 0 && j < AVBD_CLOCK_CONTROLLERS; j++) {
                        o->ctls[j].o = o;
                        e = AC(IAVClockController_new_local)(&controller_ops, &o->ctls[j], NULL,
                                                             &o->controllers[j]);
                }
        }
        if (e < 0) {
                avbd_clock_service_free(s);
                return e;
        }
        *ret = s;
        return 0;
}

void avbd_clock_service_free(struct avbd_clock_service *s)
{
        if (!s)
                return;
        /* the objects first: a call in flight must not find the clocks gone */
        for (size_t i = 0; s->objs && i <= s->n; i++) {
                avb_binder_unref(s->objs[i].self);
                for (size_t j = 0; j < AVBD_CLOCK_CONTROLLERS; j++)
                        avb_binder_unref(s->objs[i].controllers[j]);
        }
        avb_binder_unref(s->manager);
        avbd_clocks_free(s->clocks);
        free(s->objs);
        free(s);
}

struct avbd_clocks *avbd_clock_service_clocks(struct avbd_clock_service *s)
{
        return s->clocks;
}

int avbd_clock_service_publish(struct avbd_clock_service *s, avb_server *server)
{
        int e = avb_server_add(server, s->manager, &s->manager_id);

        for (size_t i = 0; i < s->n && e == 0; i++) {
                e = avb_server_add(server, s->objs[i].self, NULL);
                for (size_t j = 0; e == 0 && j < AVBD_CLOCK_CONTROLLERS; j++)
                        e = avb_server_add(server, s->objs[i].controllers[j], NULL);
        }
        return e;
}

void avbd_clock_service_name(const struct avbd_clock_service *s, struct avbd_registration *ret_reg)
{
        *ret_reg = (struct avbd_registration){AC(IAVClockManager_serviceName), s->manager_id};
}

void avbd_clock_service_client_gone(struct avbd_clock_service *s, uint64_t client_id)
{
        if (s)
                avbd_clocks_client_gone(s->clocks, client_id);
}
