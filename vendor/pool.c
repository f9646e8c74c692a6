/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client pools. The ring does the placement; this file adds what makes a
 * ring a pool: where it lives in the heap, who owns it, whether clients may
 * still use it, scrubbing of secure bytes and the space-available queue.
 *
 * Why scrub on release and on trim and not when allocating: a freed secure
 * range must not keep clear content around while nobody owns it (a later
 * core dump of a vendor process, a vendor fd holder, the next owner); zeroing
 * at the moment ownership ends closes all of these at once.
 *
 * Why pending requests fire on "could alloc now" rather than on "bytes free":
 * a ring can have plenty of free bytes and still no contiguous room; the
 * client asked to be told when alloc(size) would succeed.
 */
#include <errno.h>
#include <stdlib.h>

#include "pool.h"
#include "util.h"

int avb_pool_new(struct avb_heap *heap, const struct avb_pool_params *params,
                 struct avb_pool **ret_pool)
{
        _cleanup_free_ struct avb_pool *pool = NULL;
        uint32_t region_align;
        int r;

        if (params->size == 0 || !avb_is_pow2(params->align) || params->size % params->align)
                return -EINVAL;
        pool = calloc(1, sizeof(*pool));
        if (!pool)
                return -ENOMEM;
        pool->handle = params->handle;
        pool->state = AVB_POOL_ACTIVE;
        pool->owner = params->owner;
        pool->kind = params->kind;
        pool->decoder_id = params->decoder_id;
        pool->heap = heap;

        r = avb_ring_new(params->size, params->align, &pool->ring);
        if (r < 0)
                return r;
        region_align =
            params->align > AVB_POOL_REGION_ALIGN ? params->align : AVB_POOL_REGION_ALIGN;
        r = avb_heap_carve(heap, params->size, region_align, &pool->heap_offset);
        if (r < 0) {
                avb_ring_free(pool->ring);
                return r;
        }
        *ret_pool = AVB_TAKE_PTR(pool);
        return 0;
}

void avb_pool_free(struct avb_pool *pool)
{
        if (!pool)
                return;
        (void)avb_heap_release(pool->heap, pool->heap_offset);
        avb_ring_free(pool->ring);
        free(pool);
}

int avb_pool_set_state(struct avb_pool *pool, enum avb_pool_state next)
{
        bool ok = (pool->state == AVB_POOL_ACTIVE && next == AVB_POOL_DESTROYING) ||
                  (pool->state == AVB_POOL_DESTROYING && next == AVB_POOL_DEAD);

        if (!ok)
                return -EBADFD;
        pool->state = next;
        return 0;
}

bool avb_pool_is_secure(const struct avb_pool *pool)
{
        return avb_heap_is_secure(pool->heap);
}

uint32_t avb_pool_size(const struct avb_pool *pool)
{
        return avb_ring_size(pool->ring);
}

int avb_pool_alloc(struct avb_pool *pool, uint32_t size, uint64_t *ret_id, size_t *ret_heap_offset)
{
        uint32_t off;
        uint64_t id;
        int r;

        if (pool->state != AVB_POOL_ACTIVE)
                return -ENOENT;
        r = avb_ring_alloc(pool->ring, size, &id, &off);
        if (r < 0)
                return r;
        *ret_id = id;
        *ret_heap_offset = pool->heap_offset + off;
        return 0;
}

static void pool_scrub(struct avb_pool *pool, uint32_t off, uint32_t len)
{
        if (avb_pool_is_secure(pool) && len > 0)
                (void)avb_heap_scrub(pool->heap, pool->heap_offset + off, len);
}

int avb_pool_release(struct avb_pool *pool, uint64_t id)
{
        uint32_t off, asize;
        int r;

        r = avb_ring_lookup(pool->ring, id, &off, NULL, &asize);
        if (r < 0)
                return r;
        pool_scrub(pool, off, asize);
        return avb_ring_release(pool->ring, id);
}

int avb_pool_trim(struct avb_pool *pool, uint64_t id, uint32_t new_size)
{
        uint32_t off, old_asize, new_asize;
        int r;

        r = avb_ring_lookup(pool->ring, id, &off, NULL, &old_asize);
        if (r < 0)
                return r;
        r = avb_ring_trim(pool->ring, id, new_size);
        if (r < 0)
                return r;
        (void)avb_ring_lookup(pool->ring, id, NULL, NULL, &new_asize);
        pool_scrub(pool, off + new_asize, old_asize - new_asize);
        return 0;
}

/* The pending entry for a request of `size` when every slot is taken; see pool.h. */
static struct avb_pool_request *merge_target(struct avb_pool *pool, uint32_t size)
{
        struct avb_pool_request *above = NULL, *largest = &pool->pending[0];

        for (unsigned i = 0; i < pool->n_pending; i++) {
                struct avb_pool_request *r = &pool->pending[i];

                if (r->size >= size && (!above || r->size < above->size))
                        above = r;
                if (r->size > largest->size)
                        largest = r;
        }
        if (above)
                return above;
        largest->size = size; /* its requests now wait for more room: still enough */
        return largest;
}

int avb_pool_request_space(struct avb_pool *pool, uint32_t size)
{
        struct avb_pool_request *r = NULL;

        if (pool->state != AVB_POOL_ACTIVE)
                return -ENOENT;
        if (size == 0 || size > avb_pool_size(pool))
                return -EINVAL;
        for (unsigned i = 0; i < pool->n_pending && !r; i++)
                if (pool->pending[i].size == size)
                        r = &pool->pending[i];
        if (!r && pool->n_pending < AVB_POOL_MAX_PENDING_SIZES) {
                r = &pool->pending[pool->n_pending++];
                *r = (struct avb_pool_request){.size = size};
        }
        if (!r)
                r = merge_target(pool, size);
        r->count++;
        return 0;
}

uint64_t avb_pool_take_satisfied(struct avb_pool *pool)
{
        unsigned i, kept = 0;
        uint64_t fired = 0;

        if (pool->state != AVB_POOL_ACTIVE)
                return 0;
        for (i = 0; i < pool->n_pending; i++) {
                if (avb_ring_can_alloc(pool->ring, pool->pending[i].size))
                        fired += pool->pending[i].count;
                else
                        pool->pending[kept++] = pool->pending[i];
        }
        pool->n_pending = kept;
        return fired;
}

void avb_pool_discard_requests(struct avb_pool *pool)
{
        pool->n_pending = 0;
}
