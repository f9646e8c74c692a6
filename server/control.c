/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IAVBufferControl: the vendor control plane (decoder configuration, the
 * media graph's links and pad formats, the tunnelled-mode sinks' records).
 *
 * Every call that changes or drains vendor state is for trusted vendor
 * components only (the profile's trusted users and groups); describeGraph
 * only reads, so any caller the access list admitted may make it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "avb_avbuffer.h"
#include "service_internal.h"
#include "sink.h"

/* EX_SECURITY unless the caller is a trusted vendor component; ok otherwise. */
static avb_status require_trusted(const struct avbd_service *s, avb_call *call)
{
        const avb_peer *peer = avb_call_peer(call);

        if (!avbd_profile_is_trusted(s->profile, peer->uid, peer->gid))
                return avb_status_exception(AVB_EX_SECURITY,
                                            "uid %u is not a trusted vendor component",
                                            (unsigned)peer->uid);
        return avb_status_ok();
}

/* The graph's -errno as the exception a control caller can act on. */
static avb_status graph_error(int e, const char *what)
{
        switch (e) {
        case -EINVAL:
        case -ENOENT:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: %s", what,
                                            e == -ENOENT ? "no such entity, pad or link"
                                                         : "not a pad name (\"entity:index\") "
                                                           "or an immutable link");
        case -EBUSY:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: busy (a pad streams, or the sink pad has "
                                            "another enabled link)",
                                            what);
        default:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "%s: %s", what, strerror(-e));
        }
}

static avb_status ctl_setDecoderConfigured(void *impl, avb_call *call, bool video,
                                           int32_t decoderId, bool configured)
{
        struct avbd_service *s = impl;
        avb_status st = require_trusted(s, call);
        int e;

        if (!avb_status_is_ok(&st))
                return st;
        e = avb_vendor_set_decoder_configured(s->vendor, video ? AVB_MEDIA_VIDEO : AVB_MEDIA_AUDIO,
                                              decoderId, configured);
        if (e == -EINVAL)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "no %s decoder with id %d",
                                            video ? "video" : "audio", (int)decoderId);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "decoder %d: %s", (int)decoderId,
                                            strerror(-e));
        avb_log(AVB_LOG_INFO, "%s decoder %d marked %sconfigured by pid %d",
                video ? "video" : "audio", (int)decoderId, configured ? "" : "not ",
                (int)avb_call_peer(call)->pid);
        return avb_status_ok();
}

static avb_status ctl_describeGraph(void *impl, avb_call *call, bool dot, char **ret_result)
{
        struct avbd_service *s = impl;
        int e;

        (void)call;
        e = avb_vendor_graph_describe(s->vendor, dot, ret_result);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "media graph: %s", strerror(-e));
        return avb_status_ok();
}

static avb_status ctl_setupLink(void *impl, avb_call *call, const char *source, const char *sink,
                                bool enabled)
{
        struct avbd_service *s = impl;
        avb_status st = require_trusted(s, call);
        int e;

        if (!avb_status_is_ok(&st))
                return st;
        e = avb_vendor_graph_setup_link(s->vendor, source, sink, enabled);
        if (e < 0)
                return graph_error(e, "setupLink");
        avb_log(AVB_LOG_INFO, "link %s -> %s %s by pid %d", source, sink,
                enabled ? "enabled" : "disabled", (int)avb_call_peer(call)->pid);
        return avb_status_ok();
}

static avb_status ctl_setPadFormat(void *impl, avb_call *call, const char *pad, int32_t fourcc,
                                   int32_t width, int32_t height)
{
        struct avbd_service *s = impl;
        avb_status st = require_trusted(s, call);
        int e;

        if (!avb_status_is_ok(&st))
                return st;
        if (width < 0 || height < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "setPadFormat: negative geometry %dx%d", (int)width,
                                            (int)height);
        e = avb_vendor_graph_set_format(s->vendor, pad, (uint32_t)fourcc, (uint32_t)width,
                                        (uint32_t)height);
        return e < 0 ? graph_error(e, "setPadFormat") : avb_status_ok();
}

static avb_status ctl_takeSinkFrames(void *impl, avb_call *call, const char *sink,
                                     avb_avbuffer_SinkFrame **ret_result, size_t *ret_result_count)
{
        struct avbd_service *s = impl;
        avb_status st = require_trusted(s, call);
        struct avb_sink_record *rec = NULL;
        avb_avbuffer_SinkFrame *out = NULL;
        size_t n = 0;
        int e;

        if (!avb_status_is_ok(&st))
                return st;
        e = avb_vendor_sink_take_records(s->vendor, sink, &rec, &n);
        if (e == -ENOENT)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "no sink named %s", sink);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "takeSinkFrames: %s",
                                            strerror(-e));
        if (n) {
                out = calloc(n, sizeof(*out));
                for (size_t i = 0; out && i < n; i++) {
                        out[i] = (avb_avbuffer_SinkFrame){
                            .nsPresentationTime = rec[i].pts_ns,
                            .nsDue = rec[i].due_ns,
                            .nsPresented = rec[i].presented_ns,
                            .md5 = strdup(rec[i].md5),
                        };
                        if (!out[i].md5) {
                                for (size_t k = 0; k < i; k++)
                                        avb_avbuffer_SinkFrame_fini(&out[k]);
                                free(out);
                                out = NULL;
                        }
                }
                free(rec);
                if (!out)
                        return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                                    "takeSinkFrames: out of memory");
        }
        *ret_result = out;
        *ret_result_count = n;
        return avb_status_ok();
}

static const avb_avbuffer_IAVBufferControl_ops control_ops = {
    .setDecoderConfigured = ctl_setDecoderConfigured,
    .describeGraph = ctl_describeGraph,
    .setupLink = ctl_setupLink,
    .setPadFormat = ctl_setPadFormat,
    .takeSinkFrames = ctl_takeSinkFrames,
};

int avbd_control_new_local(struct avbd_service *s, avb_binder **ret)
{
        return avb_avbuffer_IAVBufferControl_new_local(&control_ops, s, NULL, ret);
}
