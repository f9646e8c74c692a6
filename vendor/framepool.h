/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Vendor frame pools: fixed-size blocks (block size x count) for decoded
 * audio and video frames, carved from a heap when the pool is made, in the
 * manner of the VB pools of a SoC media manager.
 *
 * Blocks are named by index here; the vendor facade gives each block in use a
 * buffer handle from the shared handle space, so IAVBuffer.free() can return
 * a frame to its pool.
 *
 * get/put are O(1) (a free list threaded through an index array). put scrubs
 * the block when the pool lives in a secure heap.
 *
 * Locking: none; the vendor facade serialises calls.
 * Errors: 0 or -errno; ret_* written only on success.
 */
#ifndef AVB_VENDOR_FRAMEPOOL_H
#define AVB_VENDOR_FRAMEPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoder.h"
#include "heap.h"

struct avb_framepool_spec {
        enum avb_media_kind kind;
        bool secure;          /* which heap to carve from */
        uint32_t block_size;  /* bytes a frame may hold, > 0 */
        uint32_t block_count; /* > 0 */
};

struct avb_framepool;

/*
 * Carve block_count blocks, each block_size rounded up to align (a power of
 * two), from heap. The pool keeps a pointer to heap, which must outlive it.
 * Errors: -EINVAL (bad spec or align), -ENOMEM (heap or server memory).
 */
int avb_framepool_new(struct avb_heap *heap, const struct avb_framepool_spec *spec, uint32_t align,
                      struct avb_framepool **ret_pool);
/* Give the carved region back to the heap; accepts NULL. */
void avb_framepool_free(struct avb_framepool *pool);

/* Take a free block. Errors: -ENOMEM (all in use). */
int avb_framepool_get(struct avb_framepool *pool, uint32_t *ret_index);
/* Return a block (scrubbed first if secure). Errors: -ENOENT (not in use). */
int avb_framepool_put(struct avb_framepool *pool, uint32_t index);

/* Heap offset of a block (index < block_count). */
size_t avb_framepool_block_offset(const struct avb_framepool *pool, uint32_t index);
const struct avb_framepool_spec *avb_framepool_spec(const struct avb_framepool *pool);
struct avb_heap *avb_framepool_heap(const struct avb_framepool *pool);
uint32_t avb_framepool_in_use(const struct avb_framepool *pool);

/*
 * What the vendor facade keeps per block in use: the block's handle and who
 * owns the frame in it (vendor.h, frame ownership). get zeroes it.
 */
struct avb_framepool_block {
        int64_t handle;
        uint64_t owner;
};
/* The record of block index, or NULL when index is out of range or not in use. */
struct avb_framepool_block *avb_framepool_block(struct avb_framepool *pool, uint32_t index);

#endif /* AVB_VENDOR_FRAMEPOOL_H */
