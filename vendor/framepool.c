/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fixed-block frame pools. Decoded frames have a size the decoder knows in
 * advance (a picture buffer of the configured resolution, an audio period),
 * so a ring would only add fragmentation; a free list of equal blocks never
 * fragments and costs O(1) both ways.
 *
 * The free list is a LIFO: the block freed last is the one most likely to be
 * still warm in cache for the next decoder write.
 */
#include <errno.h>
#include <stdlib.h>

#include "framepool.h"
#include "util.h"

#define FRAME_NONE UINT32_MAX

struct avb_framepool {
        struct avb_framepool_spec spec;
        struct avb_heap *heap;
        size_t base;     /* heap offset of block 0 */
        uint32_t stride; /* block_size rounded up to the alignment */
        uint32_t *next;  /* free-list link per block */
        bool *used;
        struct avb_framepool_block *blocks; /* per block, meaningful while used */
        uint32_t free_head;
        uint32_t in_use;
};

static void framepool_freep(struct avb_framepool **p)
{
        struct avb_framepool *pool = *p;

        if (!pool)
                return;
        free(pool->next);
        free(pool->used);
        free(pool->blocks);
        free(pool);
}

int avb_framepool_new(struct avb_heap *heap, const struct avb_framepool_spec *spec, uint32_t align,
                      struct avb_framepool **ret_pool)
{
        _cleanup_(framepool_freep) struct avb_framepool *pool = NULL;
        uint64_t stride, bytes;
        uint32_t i;
        int r;

        if (spec->block_size == 0 || spec->block_count == 0 || !avb_is_pow2(align))
                return -EINVAL;
        stride = avb_align_up(spec->block_size, align);
        bytes = stride * spec->block_count;
        if (stride > UINT32_MAX || bytes > SIZE_MAX || bytes / spec->block_count != stride)
                return -ENOMEM;

        pool = calloc(1, sizeof(*pool));
        if (!pool)
                return -ENOMEM;
        pool->spec = *spec;
        pool->heap = heap;
        pool->stride = (uint32_t)stride;
        pool->next = calloc(spec->block_count, sizeof(pool->next[0]));
        pool->used = calloc(spec->block_count, sizeof(pool->used[0]));
        pool->blocks = calloc(spec->block_count, sizeof(pool->blocks[0]));
        if (!pool->next || !pool->used || !pool->blocks)
                return -ENOMEM;
        for (i = 0; i < spec->block_count; i++)
                pool->next[i] = i + 1 < spec->block_count ? i + 1 : FRAME_NONE;
        pool->free_head = 0;

        r = avb_heap_carve(heap, (size_t)bytes, align, &pool->base);
        if (r < 0)
                return r;
        *ret_pool = AVB_TAKE_PTR(pool);
        return 0;
}

void avb_framepool_free(struct avb_framepool *pool)
{
        if (!pool)
                return;
        (void)avb_heap_release(pool->heap, pool->base);
        framepool_freep(&pool);
}

int avb_framepool_get(struct avb_framepool *pool, uint32_t *ret_index)
{
        uint32_t i = pool->free_head;

        if (i == FRAME_NONE)
                return -ENOMEM;
        pool->free_head = pool->next[i];
        pool->used[i] = true;
        pool->blocks[i] = (struct avb_framepool_block){0};
        pool->in_use++;
        *ret_index = i;
        return 0;
}

int avb_framepool_put(struct avb_framepool *pool, uint32_t index)
{
        if (index >= pool->spec.block_count || !pool->used[index])
                return -ENOENT;
        if (avb_heap_is_secure(pool->heap))
                (void)avb_heap_scrub(pool->heap, avb_framepool_block_offset(pool, index),
                                     pool->stride);
        pool->used[index] = false;
        pool->next[index] = pool->free_head;
        pool->free_head = index;
        pool->in_use--;
        return 0;
}

size_t avb_framepool_block_offset(const struct avb_framepool *pool, uint32_t index)
{
        return pool->base + (size_t)index * pool->stride;
}

const struct avb_framepool_spec *avb_framepool_spec(const struct avb_framepool *pool)
{
        return &pool->spec;
}

struct avb_heap *avb_framepool_heap(const struct avb_framepool *pool)
{
        return pool->heap;
}

uint32_t avb_framepool_in_use(const struct avb_framepool *pool)
{
        return pool->in_use;
}

struct avb_framepool_block *avb_framepool_block(struct avb_framepool *pool, uint32_t index)
{
        return index < pool->spec.block_count && pool->used[index] ? &pool->blocks[index] : NULL;
}
