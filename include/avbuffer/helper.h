/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFFER_HELPER_H
#define AVBUFFER_HELPER_H

/*
 * libavbufferhelper: maps non-secure AV buffers into this process and
 * copies data into secure and non-secure ones (HAL.AVBUF.9).
 *
 * Mapping: the first use connects to a unix socket beside the service's
 * endpoint and maps the whole non-secure heap once, together with a
 * read-only buffer directory the service keeps for this helper alone. The
 * directory lists only handles this helper has resolved: the first map (or
 * get_size, write, copy) of a handle costs one look-up round trip to the
 * service, which checks the handle and lists it; after that, mapping and
 * unmapping it are local look-ups, with no round trip, until the buffer is
 * freed or trimmed (the service updates the directory). A pointer stays
 * valid until unmapped; the memory behind it belongs to the buffer only
 * while the buffer is allocated.
 *
 * Secure buffers are never mapped: map gives -EPERM. Writes and copies into
 * them are done by the server inside its own address space, in as many
 * calls as its per-call limits need (256 KiB per write, 1 MiB in at most
 * 256 ranges per copy); every range is checked against both buffers before
 * the first call. If another process frees or trims a buffer while such a
 * copy is under way, the copy stops with -ENOENT or -ERANGE and what was
 * copied before stays. Nothing copies secure content out: a copy from a
 * secure source to a non-secure buffer gives -EPERM.
 *
 * Service restarts: the helper notices that the service has gone (its
 * connection ends) and, on the next call, connects to whatever serves the
 * endpoint then. Handles it had resolved from the old instance give
 * -ESTALE from then on, others -ENOENT (the new instance never issued
 * them); new handles map through the new instance's heap. A pointer mapped
 * before the restart stays valid memory (the old heap, no longer shared
 * with anyone) until it is unmapped; after the last such unmap its pages
 * read as zeros; avb_helper_free() releases the rest.
 *
 * Errors (negative errno): -ENOENT unknown or freed handle, -ESTALE a
 * handle of a service instance that has gone, -EPERM secure mapping or
 * secure-to-non-secure copy, -ERANGE offset/size outside the buffer,
 * -EINVAL bad argument, -ECONNREFUSED/-ENOENT/-EIO the service could not be
 * reached, -EACCES the service refused this process.
 *
 * Thread safety: one avb_helper may be used from several threads.
 */

#include <stddef.h>
#include <stdint.h>

#include <avbuffer/rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct avb_helper avb_helper;

typedef struct avb_helper_range {
        uint32_t src_offset;
        uint32_t dst_offset;
        uint32_t size;
} avb_helper_range;

/* A helper for the AV Buffer service that `avbuffer` is a proxy of (borrowed). */
AVB_EXPORT int avb_helper_new(avb_binder *avbuffer, avb_helper **ret);
/* Unmaps everything; accepts NULL; returns NULL. */
AVB_EXPORT avb_helper *avb_helper_free(avb_helper *h);

/* A pointer to a non-secure buffer and its size in bytes. */
AVB_EXPORT int avb_helper_map(avb_helper *h, int64_t handle, void **ret_ptr, size_t *ret_size);
/*
 * Ends a mapping made by avb_helper_map(), found by ptr: also after the buffer
 * was freed or its service went. -EINVAL if ptr is not a mapped pointer.
 */
AVB_EXPORT int avb_helper_unmap(avb_helper *h, int64_t handle, void *ptr);
/* The allocated size of any live buffer, secure or not. */
AVB_EXPORT int avb_helper_get_size(avb_helper *h, int64_t handle, size_t *ret_size);
/*
 * Look-up round trips the service has answered for this helper since it
 * last connected (first use or a restart): what maps cost beyond the
 * directory. -ENOTCONN before the first use or while the service is away;
 * -ENODATA when the service had no directory to spare (every resolve asks).
 */
AVB_EXPORT int avb_helper_get_lookups(avb_helper *h, uint64_t *ret_count);
/* Copies len bytes from process memory into the buffer at offset. */
AVB_EXPORT int avb_helper_write(avb_helper *h, int64_t handle, size_t offset, const void *src,
                                size_t len);
/* Copies each range from src to dst (any heap into any heap but secure to non-secure). */
AVB_EXPORT int avb_helper_copy(avb_helper *h, int64_t dst, int64_t src,
                               const avb_helper_range *ranges, size_t n_ranges);

#ifdef __cplusplus
}
#endif

#endif
