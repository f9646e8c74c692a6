/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IBufferCopier (the server half of libavbufferhelper) and IAVBufferControl
 * (the vendor control plane, and the media graph it describes).
 *
 * The copier moves bytes inside avbufferd's address space, which is the
 * only place secure memory is ever reachable from; the vendor layer refuses
 * a copy from secure into non-secure memory, so no call here can bring
 * secure content back out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "avb_avbuffer.h"
#include "com_rdk_hal.h"
#include "graph.h"
#include "service_internal.h"

static avb_status copy_error(int e, int64_t handle)
{
        switch (e) {
        case -ENOENT:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "no buffer with handle %lld",
                                            (long long)handle);
        case -ERANGE:
        case -EINVAL:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "range outside buffer %lld", (long long)handle);
        case -EPERM:
                return avb_status_exception(AVB_EX_SECURITY,
                                            "secure content cannot be copied to non-secure memory");
        default:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "copy: %s", strerror(-e));
        }
}

static avb_status cp_write(void *impl, avb_call *call, int64_t handle, int32_t offset,
                           const int8_t *data, size_t data_count)
{
        struct avbd_service *s = impl;
        int e;

        (void)call;
        if (offset < 0)
                return copy_error(-ERANGE, handle);
        if (data_count == 0)
                return avb_vendor_is_valid(s->vendor, handle) ? avb_status_ok()
                                                              : copy_error(-ENOENT, handle);
        e = avb_vendor_buffer_write(s->vendor, handle, (uint32_t)offset, data, data_count);
        return e < 0 ? copy_error(e, handle) : avb_status_ok();
}

static avb_status cp_copy(void *impl, avb_call *call, int64_t dst, int64_t src,
                          const avb_avbuffer_CopyRange *ranges, size_t ranges_count)
{
        struct avbd_service *s = impl;
        struct avb_copy_range *r;
        avb_status st = avb_status_ok();
        int e;

        (void)call;
        if (ranges_count == 0)
                return st;
        r = calloc(ranges_count, sizeof(*r));
        if (!r)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        for (size_t i = 0; i < ranges_count; i++) {
                if (ranges[i].srcOffset < 0 || ranges[i].dstOffset < 0 || ranges[i].size < 0) {
                        st = copy_error(-ERANGE, dst);
                        goto out;
                }
                r[i].src_offset = (uint32_t)ranges[i].srcOffset;
                r[i].dst_offset = (uint32_t)ranges[i].dstOffset;
                r[i].size = (uint32_t)ranges[i].size;
        }
        /* The vendor checks every range before it moves any byte. */
        e = avb_vendor_buffer_copy(s->vendor, src, dst, r, ranges_count);
        if (e < 0)
                st = copy_error(e, e == -ENOENT && !avb_vendor_is_valid(s->vendor, src) ? src : dst);
out:
        free(r);
        return st;
}

static avb_status cp_describe(void *impl, avb_call *call, int64_t handle,
                              avb_avbuffer_BufferInfo *ret_result)
{
        struct avbd_service *s = impl;
        struct avb_buffer_info info;

        (void)call;
        if (avb_vendor_buffer_info(s->vendor, handle, &info) < 0)
                return copy_error(-ENOENT, handle);
        avb_avbuffer_BufferInfo_init(ret_result);
        ret_result->secure = info.secure;
        ret_result->heapOffset = (int32_t)info.heap_offset;
        ret_result->size = (int32_t)info.size;
        return avb_status_ok();
}

static const avb_avbuffer_IBufferCopier_ops copier_ops = {
        .write = cp_write,
        .copy = cp_copy,
        .describe = cp_describe,
};

int avbd_copier_new_local(struct avbd_service *s, avb_binder **ret)
{
        return avb_avbuffer_IBufferCopier_new_local(&copier_ops, s, NULL, ret);
}

static avb_status ctl_setDecoderConfigured(void *impl, avb_call *call, bool video,
                                           int32_t decoderId, bool configured)
{
        struct avbd_service *s = impl;
        const avb_peer *peer = avb_call_peer(call);
        int e;

        if (!avbd_profile_is_trusted(s->profile, peer->uid, peer->gid))
                return avb_status_exception(AVB_EX_SECURITY,
                                            "uid %u is not a trusted vendor component",
                                            (unsigned)peer->uid);
        e = avb_vendor_set_decoder_configured(s->vendor, video ? AVB_MEDIA_VIDEO : AVB_MEDIA_AUDIO,
                                              decoderId, configured);
        if (e == -EINVAL)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "no %s decoder with id %d",
                                            video ? "video" : "audio", (int)decoderId);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "decoder %d: %s",
                                            (int)decoderId, strerror(-e));
        avb_log(AVB_LOG_INFO, "%s decoder %d marked %sconfigured by pid %d",
                video ? "video" : "audio", (int)decoderId, configured ? "" : "not ",
                (int)peer->pid);
        return avb_status_ok();
}

/* Read-only, so not limited to trusted callers: the access list already admitted this one. */
static avb_status ctl_describeGraph(void *impl, avb_call *call, bool dot, char **ret_result)
{
        struct avbd_service *s = impl;
        struct avb_graph *g = NULL;
        char *text = NULL;
        int e;

        (void)call;
        e = avb_vendor_graph_new(s->vendor, &g);
        if (e == 0)
                e = avb_graph_describe(g, dot, &text);
        avb_graph_free(g);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "media graph: %s", strerror(-e));
        *ret_result = text;
        return avb_status_ok();
}

static const avb_avbuffer_IAVBufferControl_ops control_ops = {
        .setDecoderConfigured = ctl_setDecoderConfigured,
        .describeGraph = ctl_describeGraph,
};

int avbd_control_new_local(struct avbd_service *s, avb_binder **ret)
{
        return avb_avbuffer_IAVBufferControl_new_local(&control_ops, s, NULL, ret);
}

struct avbd_directory *avbd_service_directory(struct avbd_service *s)
{
        return s->directory;
}
