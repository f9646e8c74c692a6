// SPDX-License-Identifier: Apache-2.0
#ifndef AVBUFFER_HELPER_HPP
#define AVBUFFER_HELPER_HPP

/*
 * A thin C++ face on libavbufferhelper, in the shape of the specification's
 * IAVBufferHelper: mapHandle, unmapHandle, getAllocationSize, write and
 * copyWithMap. Methods return false on failure; lastError() gives the
 * negative errno of the last failure (see avbuffer/helper.h).
 */

#include <cstddef>
#include <cstdint>
#include <vector>

#include <avbuffer/helper.h>

namespace avbuffer {

class IAVBufferHelper {
public:
        struct CopyRange {
                uint32_t srcOffset;
                uint32_t dstOffset;
                uint32_t size;
        };

        /* `service` is a proxy of IAVBuffer; it is borrowed for the constructor only. */
        explicit IAVBufferHelper(avb_binder *service) { err_ = avb_helper_new(service, &h_); }
        ~IAVBufferHelper() { avb_helper_free(h_); }
        IAVBufferHelper(const IAVBufferHelper &) = delete;
        IAVBufferHelper &operator=(const IAVBufferHelper &) = delete;

        bool valid() const { return h_ != nullptr; }
        int lastError() const { return err_; }

        bool mapHandle(int64_t handle, void **ptr, size_t *size = nullptr)
        {
                return ok(h_ ? avb_helper_map(h_, handle, ptr, size) : err_);
        }
        bool unmapHandle(int64_t handle, void *ptr)
        {
                return ok(h_ ? avb_helper_unmap(h_, handle, ptr) : err_);
        }
        bool getAllocationSize(int64_t handle, size_t *size)
        {
                return ok(h_ ? avb_helper_get_size(h_, handle, size) : err_);
        }
        bool write(int64_t handle, const void *data, size_t size, size_t offset = 0)
        {
                return ok(h_ ? avb_helper_write(h_, handle, offset, data, size) : err_);
        }
        bool copyWithMap(int64_t dst, int64_t src, const std::vector<CopyRange> &ranges)
        {
                std::vector<avb_helper_range> r;
                r.reserve(ranges.size());
                for (const CopyRange &c : ranges)
                        r.push_back(avb_helper_range{c.srcOffset, c.dstOffset, c.size});
                return ok(h_ ? avb_helper_copy(h_, dst, src, r.data(), r.size()) : err_);
        }

private:
        bool ok(int e)
        {
                err_ = e < 0 ? e : 0;
                return e >= 0;
        }

        avb_helper *h_ = nullptr;
        int err_ = 0;
};

} // namespace avbuffer

#endif
