/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IBufferCopier: the server half of libavbufferhelper.
 *
 * The copier moves bytes inside avbufferd's address space, which is the
 * only place secure memory is ever reachable from; the vendor layer refuses
 * a copy from secure into non-secure memory, so no call here can bring
 * secure content back out.
 *
 * Every call here runs on the one thread that serves all clients, so each
 * is held to a bounded amount of work (the MAX_* limits of IBufferCopier):
 * before them, one legal copy of thousands of 1 MiB ranges kept the thread
 * busy for seconds and every other client's alloc and free timed out.
 * libavbufferhelper splits bigger copies and writes into calls within them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "avb_avbuffer.h"
#include "com_rdk_hal.h"
#include "service_internal.h"

static avb_status copy_error(int e, int64_t handle)
{
        switch (e) {
        case -ENOENT:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "no buffer with handle %lld",
                                            (long long)handle);
        case -ERANGE:
        case -EINVAL:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "range outside buffer %lld",
                                            (long long)handle);
        case -EPERM:
                return avb_status_exception(AVB_EX_SECURITY,
                                            "secure content cannot be copied to non-secure memory");
        default:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "copy: %s", strerror(-e));
        }
}

#define MAX_WRITE_BYTES avb_avbuffer_IBufferCopier_MAX_WRITE_BYTES
#define MAX_COPY_BYTES  avb_avbuffer_IBufferCopier_MAX_COPY_BYTES
#define MAX_COPY_RANGES avb_avbuffer_IBufferCopier_MAX_COPY_RANGES

static avb_status over_limit(const char *call, uint64_t n, long long limit, const char *unit)
{
        return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                    "%s of %llu %s is above the limit of %lld %s per call; "
                                    "split it into smaller calls",
                                    call, (unsigned long long)n, unit, limit, unit);
}

static avb_status cp_write(void *impl, avb_call *call, int64_t handle, int32_t offset,
                           const int8_t *data, size_t data_count)
{
        struct avbd_service *s = impl;
        int e;

        (void)call;
        if (data_count > MAX_WRITE_BYTES)
                return over_limit("write", data_count, MAX_WRITE_BYTES, "bytes");
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
        uint64_t bytes = 0;
        int e;

        (void)call;
        if (ranges_count == 0)
                return st;
        if (ranges_count > MAX_COPY_RANGES)
                return over_limit("copy", ranges_count, MAX_COPY_RANGES, "ranges");
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
                bytes += r[i].size;
        }
        if (bytes > MAX_COPY_BYTES) {
                st = over_limit("copy", bytes, MAX_COPY_BYTES, "bytes");
                goto out;
        }
        /* The vendor checks every range before it moves any byte. */
        e = avb_vendor_buffer_copy(s->vendor, src, dst, r, ranges_count);
        if (e < 0)
                st =
                    copy_error(e, e == -ENOENT && !avb_vendor_is_valid(s->vendor, src) ? src : dst);
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

struct avbd_directory *avbd_service_directory(struct avbd_service *s)
{
        return s->directory;
}
