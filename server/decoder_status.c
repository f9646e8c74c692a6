/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the video and audio decoder HALs share (decoder_hal.h): one mapping
 * from the decoders' -errno to the exceptions the published interfaces
 * name, and small helpers for property values and decoder ids.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decoder_hal.h"

avb_status avbd_dec_status(int e, const char *what)
{
        switch (e) {
        case 0:
                return avb_status_ok();
        case -EBADFD:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "%s: not allowed in this state",
                                            what);
        case -ESTALE:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: this controller's open has been closed", what);
        case -EPERM:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: the decoder is open by another client", what);
        case -EOPNOTSUPP:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: codec not supported",
                                            what);
        case -E2BIG:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "%s: larger than the decoder's frame blocks hold",
                                            what);
        case -EPIPE:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: a link of the decoder's media pipeline does not "
                                            "validate (see avbufctl graph and avbufferd's log)",
                                            what);
        case -EBUSY:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: a pad of the decoder's media pipeline streams "
                                            "in another pipeline",
                                            what);
        case -ENOENT:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: no such buffer", what);
        case -EINVAL:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "%s: buffer in the wrong heap, not a coded buffer, or "
                                            "not from a pool of this decoder",
                                            what);
        default:
                return avb_status_service_specific(com_rdk_hal_HALError_INVALID_RESOURCE,
                                                   "%s: the VPU is not available (%s)", what,
                                                   strerror(-e));
        }
}

uint64_t avbd_dec_caller(avb_call *call)
{
        return avb_call_peer(call)->client_id;
}

bool avbd_int_property(int32_t v, com_rdk_hal_PropertyValue **ret)
{
        com_rdk_hal_PropertyValue *p = malloc(sizeof(*p));

        if (!p)
                return false;
        com_rdk_hal_PropertyValue_init(p);
        p->value = malloc(sizeof(*p->value));
        if (!p->value) {
                free(p);
                return false;
        }
        com_rdk_hal_PropertyValue_Value_init(p->value);
        p->value->tag = com_rdk_hal_PropertyValue_Value_TAG_intValue;
        p->value->u.intValue = v;
        *ret = p;
        return true;
}

int avbd_int_of(const com_rdk_hal_PropertyValue *v, int32_t *ret)
{
        if (!v || !v->value || v->value->tag != com_rdk_hal_PropertyValue_Value_TAG_intValue)
                return -EINVAL;
        *ret = v->value->u.intValue;
        return 0;
}

bool avbd_av_source_valid(int32_t v)
{
        return (v >= -1 && v <= 3) || (v >= 101 && v <= 105) || (v >= 201 && v <= 205);
}

struct avbd_dec *avbd_find_decoder(struct avbd_decoders *d, enum avb_media_kind kind, int32_t id)
{
        struct avbd_dec *dec;

        return avbd_decoders_find(d, kind, id, &dec) == 0 ? dec : NULL;
}

int avbd_decoder_ids(struct avbd_decoders *d, enum avb_media_kind kind, int32_t **ret,
                     size_t *ret_n)
{
        int32_t *v = calloc(avbd_decoders_count(d) + 1, sizeof(*v));
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < avbd_decoders_count(d); i++) {
                struct avbd_dec *dec = avbd_decoders_at(d, i);

                if (avbd_dec_kind(dec) == kind)
                        v[n++] = avbd_dec_id(dec);
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

/* ---- ops both packages share (their generated signatures are the same) ---- */

avb_status avbd_hal_listen(void *impl, avb_call *call, avb_binder *l, bool *ret)
{
        int e;

        (void)call;
        if (!l)
                return avb_status_exception(AVB_EX_NULL_POINTER, "registerEventListener: null");
        e = avbd_dec_add_event_listener(impl, l);
        if (e == -ENOSPC)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "registerEventListener: %d listeners already",
                                            AVBD_DEC_EVENT_LISTENERS);
        *ret = e == 0;
        return e == 0 || e == -EEXIST ? avb_status_ok()
                                      : avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
}

avb_status avbd_hal_unlisten(void *impl, avb_call *call, avb_binder *l, bool *ret)
{
        (void)call;
        if (!l)
                return avb_status_exception(AVB_EX_NULL_POINTER, "unregisterEventListener: null");
        *ret = avbd_dec_remove_event_listener(impl, l) == 0;
        return avb_status_ok();
}

avb_status avbd_hal_start(void *impl, avb_call *call)
{
        return avbd_dec_status(avbd_dec_start(impl, avbd_dec_caller(call)), "start");
}

avb_status avbd_hal_stop(void *impl, avb_call *call)
{
        return avbd_dec_status(avbd_dec_stop(impl, avbd_dec_caller(call)), "stop");
}

avb_status avbd_hal_flush(void *impl, avb_call *call, bool reset)
{
        return avbd_dec_status(avbd_dec_flush(impl, avbd_dec_caller(call), reset), "flush");
}

avb_status avbd_hal_discontinuity(void *impl, avb_call *call)
{
        return avbd_dec_status(avbd_dec_discontinuity(impl, avbd_dec_caller(call)),
                               "signalDiscontinuity");
}

avb_status avbd_hal_close(void *impl, avb_call *call, avb_binder *controller,
                          const avb_interface_desc *controller_desc, bool *ret)
{
        const struct avbd_ctl *ctl;
        int e;

        if (!controller)
                return avb_status_exception(AVB_EX_NULL_POINTER, "close: no controller");
        ctl = avb_binder_local_impl(controller, controller_desc);
        if (!ctl || ctl->dec != impl)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, /* as the HAL says */
                                            "close: not this decoder's controller");
        e = avbd_dec_close(ctl, avbd_dec_caller(call));
        if (e < 0)
                return avbd_dec_status(e, "close");
        *ret = true;
        return avb_status_ok();
}
