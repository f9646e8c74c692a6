/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_GST_MEMORY_H
#define AVB_GST_MEMORY_H

/*
 * GstMemory over AV buffers: the "AVBuffer" allocator.
 *
 * One GstMemory wraps one AV buffer handle (memory type "AVBuffer"; caps
 * carry the feature "memory:AVBuffer" when buffers must stay in it).
 *
 * - Mapping (non-secure): through libavbufferhelper, which maps the whole
 *   non-secure heap once; a memory maps its buffer on first use and keeps
 *   the pointer until it is freed, so map and unmap cost no round trip.
 * - Secure memory has GST_MEMORY_FLAG_NOT_MAPPABLE: every map fails.
 * - Freeing the last reference of a memory that owns its handle frees the
 *   handle (IAVBuffer.free). avb_gst_memory_steal() hands the handle over
 *   (to a HAL that takes ownership, like decodeBufferWithMetadata): only an
 *   exclusive memory (one reference, no sub-memory shares it, not shared
 *   itself) can be stolen; after that the memory owns nothing and cannot be
 *   mapped.
 * - share: a sub-memory of the same handle (the parent keeps ownership and
 *   stays alive while the share does). copy: a new AV buffer from the
 *   allocator's pool filled by libavbufferhelper's copy (the only way to
 *   copy a secure buffer: into a new secure buffer); a non-secure copy falls
 *   back to system memory when the pool has no room or the allocator none.
 *
 * Thread safety: memories follow GstMemory's rules; the allocator's pool may
 * be set while others allocate from it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <gst/gst.h>

#include "avbconn.h"

#define AVB_GST_MEMORY_TYPE         "AVBuffer"
#define AVB_GST_CAPS_FEATURE_MEMORY "memory:AVBuffer"
/* No pool: the allocator cannot allocate, only wrap. */
#define AVB_GST_NO_POOL (-1)

G_BEGIN_DECLS

#define AVB_GST_TYPE_ALLOCATOR (avb_gst_allocator_get_type())
G_DECLARE_FINAL_TYPE(AvbGstAllocator, avb_gst_allocator, AVB_GST, ALLOCATOR, GstAllocator)

/*
 * An allocator on conn (it takes a reference) for buffers of one heap.
 * Until a pool is set it only wraps handles (gst_allocator_alloc gives NULL).
 */
GstAllocator *avb_gst_allocator_new(avb_gst_conn *conn, bool secure);
/* The pool alloc and copy take buffers from (an IAVBuffer Pool handle), or AVB_GST_NO_POOL. */
void avb_gst_allocator_set_pool(GstAllocator *a, int pool);
int avb_gst_allocator_get_pool(GstAllocator *a);
/*
 * A new buffer of `size` bytes from the allocator's pool, in a memory that
 * owns it. -ENOSPC when the pool has no room now (IAVBuffer OUT_OF_MEMORY:
 * ask notifyWhenSpaceAvailable), -ENXIO without a pool, -EIO anything else.
 */
int avb_gst_allocator_alloc_handle(GstAllocator *a, size_t size, GstMemory **ret);
/*
 * A memory over `handle`, which it owns from now on (freed with the memory).
 * size 0: the buffer's allocated size (one look-up). Secure memories come
 * from a secure allocator only. NULL when the size cannot be read (the
 * handle is then freed).
 */
GstMemory *avb_gst_allocator_wrap(GstAllocator *a, int64_t handle, size_t size);

bool avb_gst_is_memory(GstMemory *mem);
/* The handle a memory (or a share of it) is over; -1 for another kind of memory. */
int64_t avb_gst_memory_handle(GstMemory *mem);
bool avb_gst_memory_is_secure(GstMemory *mem);
/*
 * Takes the handle out of an exclusive memory that owns it: 0 and
 * *ret_handle, after which freeing the memory does not free the handle;
 * -EBUSY when the memory is shared or referenced elsewhere, -EPERM when it
 * is a share or no longer owns a handle, -EINVAL another kind of memory.
 */
int avb_gst_memory_steal(GstMemory *mem, int64_t *ret_handle);

G_END_DECLS

#endif
