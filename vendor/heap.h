/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AV Buffer heaps: the memory the pools are carved from.
 *
 * A heap is a generic object (range allocator for pool regions, bounds
 * checks, the secure/non-secure copy rules) on top of a backing chosen
 * through struct avb_heap_ops, so a SoC vendor can replace the default memfd
 * backing with its own secure-memory driver (ION, dma-heap, TEE carve-out).
 *
 * Offsets are bytes from the start of the heap. All functions return 0 or a
 * negative errno; ret_* outputs are written only on success.
 *
 * Locking: a heap does not lock its range allocator; the owner (the vendor
 * facade) serialises carve/release. The default backing serialises its own
 * secure access windows internally, so write/read/copy/scrub may be called
 * from several threads as long as the ranges stay carved meanwhile.
 */
#ifndef AVB_VENDOR_HEAP_H
#define AVB_VENDOR_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct avb_heap;

/*
 * Backing of a heap. Every op gets the priv pointer returned by open().
 * Offsets and lengths reaching the ops are already bounds-checked and len is
 * never 0.
 *
 * Required: open, close, write, read, scrub.
 * Optional: fd (NULL: the heap cannot be shared, avb_heap_fd() and
 *           avb_heap_vendor_fd() give -EOPNOTSUPP),
 *           copy (NULL: the generic layer bounces through a scrubbed buffer in
 *           server memory; the op is only called when both heaps use the
 *           same ops table, otherwise the bounce is used too).
 */
struct avb_heap_ops {
        const char *name;
        /* Create the backing of size bytes (size > 0). */
        int (*open)(size_t size, bool secure, void **ret_priv);
        /* Release it; never called with NULL. */
        void (*close)(void *priv);
        /* Copy len bytes from server memory into the heap. */
        int (*write)(void *priv, size_t off, const void *src, size_t len);
        /* Copy len bytes out of the heap into server memory. */
        int (*read)(void *priv, size_t off, void *dst, size_t len);
        /* Zero len bytes; must not be optimised away (use sodium_memzero). */
        int (*scrub)(void *priv, size_t off, size_t len);
        /* Borrowed file descriptor of the whole heap, or -errno. */
        int (*fd)(void *priv);
        /* Copy between two heaps of the same ops (dst_priv may equal src_priv). */
        int (*copy)(void *dst_priv, size_t dst_off, void *src_priv, size_t src_off, size_t len);
        /*
         * Optional, all three or none: sources (avb_heap_source_attach). A
         * backing offers them when it can write from shared memory without
         * the bytes passing through the server's own mapping. write_source
         * gets ranges already checked against the heap and the source.
         */
        int (*source_attach)(void *priv, int fd, const void *map, size_t size, int client,
                             bool *ret_direct, int *ret_id); /* closes client (-1: none) */
        void (*source_detach)(void *priv, int id);
        int (*write_source)(void *priv, size_t off, int id, size_t src_off, size_t len);
        /* Optional, both or none: buffer lifetimes (avb_heap_buffer_live). */
        void (*buffer_live)(void *priv, int64_t handle, size_t off, size_t size);
        void (*buffer_gone)(void *priv, int64_t handle);
};

/*
 * The default backing: a sealed memfd (MFD_CLOEXEC|MFD_ALLOW_SEALING, sealed
 * against shrink, grow and further sealing).
 *  - non-secure: mapped read-write in the server; the fd is what the server
 *    passes to clients, which map the whole heap once.
 *  - secure: mapped PROT_NONE between two PROT_NONE guard pages, locked in
 *    RAM (best effort, see heap.c), excluded from core dumps; every access
 *    opens a read-write window on just the pages involved and closes it again
 *    before returning. Writes from sources and scrubs go through the copier
 *    process (heap_copier.h) when one runs, through the kernel otherwise.
 */
extern const struct avb_heap_ops avb_heap_memfd_ops;

/*
 * Create a heap of size bytes with ops (NULL: avb_heap_memfd_ops). size 0
 * is legal and means "not implemented": the heap reports 0 bytes and every
 * carve fails with -ENOMEM. Errors: -EINVAL (ops lacks a required op), or
 * whatever ops->open returns.
 */
int avb_heap_new(const struct avb_heap_ops *ops, size_t size, bool secure,
                 struct avb_heap **ret_heap);
/* Destroy; accepts NULL. Carved ranges need not be released first. */
void avb_heap_free(struct avb_heap *heap);

bool avb_heap_is_secure(const struct avb_heap *heap);
size_t avb_heap_size(const struct avb_heap *heap);
/* Sum of the sizes of the carved ranges (HeapMetrics.bytesUsed). */
size_t avb_heap_bytes_used(const struct avb_heap *heap);

/*
 * File descriptor of a non-secure heap, for the server to pass to clients
 * (SCM_RIGHTS). Borrowed: owned by the heap, do not close it.
 * Errors: -EPERM for a secure heap (its memory must never reach a client),
 * -ENODEV for a 0-byte heap, -EOPNOTSUPP when the backing has no fd.
 */
int avb_heap_fd(const struct avb_heap *heap);

/*
 * File descriptor of either heap, for trusted vendor processes only (a VPU
 * or TEE proxy process). NEVER pass the fd of a secure heap to a client: it
 * would let an unprivileged process map secure memory (HAL.AVBUF.7).
 * Borrowed, as avb_heap_fd(). Errors: -ENODEV, -EOPNOTSUPP.
 */
int avb_heap_vendor_fd(const struct avb_heap *heap);

/*
 * First-fit carve of a pool region of size bytes aligned to align (a power of
 * two). Pools are few and long-lived, so this is a linear scan of a sorted
 * range list. Errors: -EINVAL (size 0, bad align), -ENOMEM (no room).
 */
int avb_heap_carve(struct avb_heap *heap, size_t size, size_t align, size_t *ret_offset);
/* Return a region by the offset avb_heap_carve gave. Errors: -ENOENT. */
int avb_heap_release(struct avb_heap *heap, size_t offset);

/*
 * Data movement. All ranges must lie inside the heap (-EINVAL otherwise);
 * len 0 is a no-op. These do not check that a range is carved: the caller
 * passes buffer ranges it has already validated.
 */
int avb_heap_write(struct avb_heap *heap, size_t off, const void *src, size_t len);
/*
 * Sources: shared memory the server owns (fd, mapped in the server at map,
 * size bytes; both borrowed until detach) that writes may come from, such
 * as a client's staging area. The default secure backing writes from a
 * source in its copier process (heap_copier.h), so the server's own
 * mapping of the heap stays PROT_NONE and the copy runs at memcpy speed.
 * attach: -EOPNOTSUPP when the backing has no source ops (write from map
 * with avb_heap_write instead), -ENOSPC when it holds as many as it can.
 * A source must not be detached while a write from it runs.
 */
int avb_heap_source_attach(struct avb_heap *heap, int fd, const void *map, size_t size,
                           int *ret_id);
/*
 * The same, with client: a connection (one end of a socketpair; taken, and
 * closed here whatever happens) whose other end the source's client holds.
 * A backing that can serve that client's writes directly from the source
 * (the copier, heap_copier_proto.h) keeps it and sets *ret_direct; the
 * caller then hands the other end to the client. Otherwise *ret_direct is
 * false and the client writes through the server.
 */
int avb_heap_source_attach_client(struct avb_heap *heap, int fd, const void *map, size_t size,
                                  int client, bool *ret_direct, int *ret_id);
/* Accepts an id attach never gave (no-op). */
void avb_heap_source_detach(struct avb_heap *heap, int id);
/* len bytes at src_off of source id to heap offset off. Errors: -EINVAL. */
int avb_heap_write_source(struct avb_heap *heap, size_t off, int id, size_t src_off, size_t len);

/*
 * Buffer lifetimes, for a backing that lets clients write into buffers by
 * handle (above): live when a buffer is made or trimmed (its range), before
 * its handle or new size reaches anyone; gone before its range is scrubbed
 * and released. No-ops for a backing without them.
 */
void avb_heap_buffer_live(struct avb_heap *heap, int64_t handle, size_t off, size_t size);
void avb_heap_buffer_gone(struct avb_heap *heap, int64_t handle);

/*
 * Heap to heap. Allowed: non-secure -> non-secure, non-secure -> secure,
 * secure -> secure. Refused with -EPERM: secure -> non-secure (it would leak
 * secure content to memory every client can map). Overlapping ranges in one
 * heap are copied as by memmove.
 */
int avb_heap_copy(struct avb_heap *dst, size_t dst_off, struct avb_heap *src, size_t src_off,
                  size_t len);
/*
 * Read heap contents into server memory. Server-internal only (SHA-1 of a
 * buffer in debug builds, trusted vendor code): never forward what it
 * returns for a secure heap to a client.
 */
int avb_heap_read_for_vendor(struct avb_heap *heap, size_t off, void *dst, size_t len);
/* Zero a range; the vendor layer calls it on every free of a secure range. */
int avb_heap_scrub(struct avb_heap *heap, size_t off, size_t len);

/*
 * For tests: the server-side mapping of a heap using avb_heap_memfd_ops
 * (PROT_NONE for a secure heap), or NULL for other backings or 0 bytes.
 */
void *avb_heap_memfd_base(const struct avb_heap *heap);
/*
 * For tests: the pid of a memfd secure heap's copier process, or -1 (none
 * running, none configured, another backing).
 */
int avb_heap_memfd_copier_pid(const struct avb_heap *heap);
/* Internal to heap.c / heap_memfd.c: the mapping and the copier behind a memfd priv. */
void *avb_heap_memfd_priv_base(void *priv);
int avb_heap_memfd_priv_copier_pid(void *priv);

#endif /* AVB_VENDOR_HEAP_H */
