/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A client pool: a region carved from one heap, managed by a ring, plus the
 * pool's lifecycle and its pending space-available requests.
 *
 * Lifecycle (guarded by avb_pool_set_state):
 *
 *   ACTIVE ──destroy requested──> DESTROYING ──last buffer gone──> DEAD
 *
 * ACTIVE: visible to clients; alloc and notify allowed.
 * DESTROYING: its owner has gone while buffers were still out (a decoder may
 *   hold them). Invisible to clients (pool-handle lookups fail), no alloc, no
 *   notify; existing buffers stay valid until freed. The pool handle stays
 *   taken so it cannot be handed out again meanwhile.
 * DEAD: ready to be freed; nothing may touch it afterwards.
 *
 * Every release and trim of a secure pool's bytes is scrubbed here, so no
 * later owner of those bytes can read the previous content.
 *
 * Locking: none; the vendor facade serialises calls.
 * Errors: 0 or -errno; ret_* written only on success.
 */
#ifndef AVB_VENDOR_POOL_H
#define AVB_VENDOR_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoder.h"
#include "heap.h"
#include "ring.h"

/*
 * Distinct sizes among a pool's pending notifyWhenSpaceAvailable requests;
 * requests beyond that are merged (see avb_pool_request_space), never refused.
 */
#define AVB_POOL_MAX_PENDING_SIZES 16u
/* Pool regions start on a page so clients can map one alone if they wish. */
#define AVB_POOL_REGION_ALIGN 4096u

enum avb_pool_state {
        AVB_POOL_ACTIVE = 0,
        AVB_POOL_DESTROYING,
        AVB_POOL_DEAD,
};

struct avb_pool_params {
        int8_t handle;
        uint64_t owner;
        enum avb_media_kind kind;
        int32_t decoder_id;
        uint32_t size;  /* multiple of align */
        uint32_t align; /* ring alignment, power of two */
};

/* `count` pending requests that fire once alloc(size) would succeed. */
struct avb_pool_request {
        uint32_t size;
        uint64_t count;
};

struct avb_pool {
        int8_t handle;
        enum avb_pool_state state;
        uint64_t owner;
        enum avb_media_kind kind;
        int32_t decoder_id;
        struct avb_heap *heap; /* borrowed; outlives the pool */
        size_t heap_offset;
        struct avb_ring *ring;
        struct avb_pool_request pending[AVB_POOL_MAX_PENDING_SIZES]; /* distinct sizes */
        unsigned n_pending;
};

/* Carve and set up. Errors: -EINVAL (params), -ENOMEM (heap or memory). */
int avb_pool_new(struct avb_heap *heap, const struct avb_pool_params *params,
                 struct avb_pool **ret_pool);
/* Give the region back to the heap; accepts NULL. */
void avb_pool_free(struct avb_pool *pool);

/* Errors: -EBADFD for any transition not drawn above. */
int avb_pool_set_state(struct avb_pool *pool, enum avb_pool_state next);

bool avb_pool_is_secure(const struct avb_pool *pool);
uint32_t avb_pool_size(const struct avb_pool *pool);

/*
 * Ring operations with the pool's rules on top. ret_heap_offset is from the
 * start of the heap. Errors as avb_ring_*, plus -ENOENT from alloc when the
 * pool is not ACTIVE.
 */
int avb_pool_alloc(struct avb_pool *pool, uint32_t size, uint64_t *ret_id, size_t *ret_heap_offset);
int avb_pool_release(struct avb_pool *pool, uint64_t id);
int avb_pool_trim(struct avb_pool *pool, uint64_t id, uint32_t new_size);

/*
 * Queue a space-available request. Every valid request is taken, however
 * many are pending: requests are counted per size, and once
 * AVB_POOL_MAX_PENDING_SIZES sizes are pending a new size joins the smallest
 * pending size above it, or else the largest pending size is raised to it.
 * Either way a request only ever waits for more room than it asked for, never
 * less, and an empty pool satisfies every valid size, so each accepted
 * request still fires exactly once. Errors: -ENOENT (not ACTIVE), -EINVAL
 * (size 0 or above the pool size).
 */
int avb_pool_request_space(struct avb_pool *pool, uint32_t size);
/*
 * Remove every queued request that an alloc could satisfy now and count
 * them; each removed request is one callback owed to the pool's listener.
 */
uint64_t avb_pool_take_satisfied(struct avb_pool *pool);
void avb_pool_discard_requests(struct avb_pool *pool);

#endif /* AVB_VENDOR_POOL_H */
