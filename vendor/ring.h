/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-pool circular allocator.
 *
 * Blocks are placed at the head, right after the most recent live block, so
 * in-order traffic lays frames out one after another around the pool; when
 * the head has no room, a block goes into any free segment that fits (the
 * reclaimed space at offset 0, a hole left by an out-of-order free, the gap
 * at the end of the pool). Frees may come in any order and their space is
 * usable at once. A block is never split across the end of the pool. Only
 * the most recent live block can be trimmed. All bookkeeping is in server
 * memory: the ring never reads or writes the pool's bytes, which is what
 * lets it manage secure memory the server cannot touch.
 *
 * Ids: avb_ring_alloc() returns a 64-bit id (record index + record
 * generation) that names the block until it is released; a released id is
 * refused with -ENOENT, and the same value comes back only after its record
 * has been recycled 2^32 times.
 *
 * Sizes: a request of n bytes occupies avb_align_up(n, align) bytes. The pool
 * size must be a multiple of the alignment.
 *
 * Metrics, exact after every call:
 *  - bytes used = sum over live blocks of their aligned size. Free space too
 *    small for a request (fragments) is not counted.
 *  - live count = number of allocated, not yet released blocks.
 *  - largest free = the largest aligned size an alloc would get now.
 *
 * Complexity: release and trim O(1); alloc O(1) but for a scan of one size
 * class when only same-class free segments could fit (see ring.c).
 * Locking: none; the owner serialises calls.
 * Errors: 0 or -errno; ret_* written only on success.
 */
#ifndef AVB_VENDOR_RING_H
#define AVB_VENDOR_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_RING_DEFAULT_ALIGN 64u

struct avb_ring;

/*
 * size > 0, align a power of two, size a multiple of align and at most
 * UINT32_MAX. Errors: -EINVAL, -ENOMEM.
 */
int avb_ring_new(uint32_t size, uint32_t align, struct avb_ring **ret_ring);
void avb_ring_free(struct avb_ring *ring); /* accepts NULL */

/*
 * Allocate size bytes. Errors: -EINVAL (size 0 or larger than the pool: can
 * never succeed), -ENOMEM (no contiguous room now, or out of server memory).
 * ret_offset is relative to the start of the pool.
 */
int avb_ring_alloc(struct avb_ring *ring, uint32_t size, uint64_t *ret_id, uint32_t *ret_offset);

/* Release a block. Errors: -ENOENT (unknown or already released id). */
int avb_ring_release(struct avb_ring *ring, uint64_t id);

/*
 * Shrink the most recent live block to new_size (0 < new_size <= its current
 * requested size). The freed tail is available to the next alloc at once.
 * Errors: -ENOENT (unknown id), -EBUSY (not the most recent live block),
 * -EINVAL (bad new_size), -ENOMEM (no server memory for a record).
 */
int avb_ring_trim(struct avb_ring *ring, uint64_t id, uint32_t new_size);

/*
 * Offset, requested size (as allocated or last trimmed) and aligned size of a
 * live block; any ret_* may be NULL. Errors: -ENOENT.
 */
int avb_ring_lookup(const struct avb_ring *ring, uint64_t id, uint32_t *ret_offset,
                    uint32_t *ret_size, uint32_t *ret_aligned_size);

/* An opaque value kept with a live block (the vendor stores the handle). */
int avb_ring_set_cookie(struct avb_ring *ring, uint64_t id, uint64_t cookie);

/*
 * Copy the cookies of the live blocks in allocation order into out (up to
 * max); returns how many there are in total, which may exceed max.
 */
size_t avb_ring_cookies(const struct avb_ring *ring, uint64_t *out, size_t max);

/* Id and cookie of the oldest live block in O(1). Errors: -ENOENT (empty). */
int avb_ring_oldest(const struct avb_ring *ring, uint64_t *ret_id, uint64_t *ret_cookie);

uint32_t avb_ring_size(const struct avb_ring *ring);
uint32_t avb_ring_align(const struct avb_ring *ring);
uint64_t avb_ring_bytes_used(const struct avb_ring *ring);
size_t avb_ring_live_count(const struct avb_ring *ring);
/* The largest aligned size an alloc would succeed with right now. */
uint32_t avb_ring_largest_free(const struct avb_ring *ring);
/* Whether avb_ring_alloc(ring, size) would succeed right now. */
bool avb_ring_can_alloc(const struct avb_ring *ring, uint32_t size);

#endif /* AVB_VENDOR_RING_H */
