/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Generic heap layer: range allocator for pool regions, bounds checks and the
 * copy policy. The memory itself is behind struct avb_heap_ops.
 *
 * Why a sorted array and first-fit: a heap holds at most a few dozen pools
 * (128 pool handles in the whole system) that are created when a pipeline
 * starts and destroyed when it stops, so a linear scan is cheaper and simpler
 * than any tree, and first-fit keeps the low end of the heap dense.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "heap.h"
#include "util.h"

struct avb_heap_range {
        size_t off;
        size_t size;
};

struct avb_heap {
        const struct avb_heap_ops *ops;
        void *priv; /* NULL for a 0-byte heap */
        size_t size;
        bool secure;
        size_t used;
        struct avb_heap_range *ranges; /* sorted by off, non-overlapping */
        size_t n_ranges;
        size_t cap_ranges;
};

/* Bounce buffer for copies between backings without a copy op. */
#define AVB_HEAP_BOUNCE_BYTES (64u * 1024u)

int avb_heap_new(const struct avb_heap_ops *ops, size_t size, bool secure,
                 struct avb_heap **ret_heap)
{
        _cleanup_free_ struct avb_heap *heap = NULL;
        int r;

        if (!ops)
                ops = &avb_heap_memfd_ops;
        if (!ops->open || !ops->close || !ops->write || !ops->read || !ops->scrub ||
            !ops->source_attach != !ops->source_detach ||
            !ops->source_attach != !ops->write_source || !ops->buffer_live != !ops->buffer_gone)
                return -EINVAL;

        heap = calloc(1, sizeof(*heap));
        if (!heap)
                return -ENOMEM;
        heap->ops = ops;
        heap->size = size;
        heap->secure = secure;
        if (size > 0) {
                r = ops->open(size, secure, &heap->priv);
                if (r < 0)
                        return r;
        }
        *ret_heap = AVB_TAKE_PTR(heap);
        return 0;
}

void avb_heap_free(struct avb_heap *heap)
{
        if (!heap)
                return;
        if (heap->priv)
                heap->ops->close(heap->priv);
        free(heap->ranges);
        free(heap);
}

bool avb_heap_is_secure(const struct avb_heap *heap)
{
        return heap->secure;
}

size_t avb_heap_size(const struct avb_heap *heap)
{
        return heap->size;
}

size_t avb_heap_bytes_used(const struct avb_heap *heap)
{
        return heap->used;
}

static int heap_backing_fd(const struct avb_heap *heap)
{
        if (!heap->priv)
                return -ENODEV;
        if (!heap->ops->fd)
                return -EOPNOTSUPP;
        return heap->ops->fd(heap->priv);
}

int avb_heap_fd(const struct avb_heap *heap)
{
        if (heap->secure)
                return -EPERM;
        return heap_backing_fd(heap);
}

int avb_heap_vendor_fd(const struct avb_heap *heap)
{
        return heap_backing_fd(heap);
}

static int heap_ranges_reserve(struct avb_heap *heap)
{
        struct avb_heap_range *n;
        size_t cap;

        if (heap->n_ranges < heap->cap_ranges)
                return 0;
        cap = heap->cap_ranges ? heap->cap_ranges * 2 : 16;
        n = reallocarray(heap->ranges, cap, sizeof(*n));
        if (!n)
                return -ENOMEM;
        heap->ranges = n;
        heap->cap_ranges = cap;
        return 0;
}

int avb_heap_carve(struct avb_heap *heap, size_t size, size_t align, size_t *ret_offset)
{
        size_t prev_end = 0, start = 0, i;
        int r;

        if (size == 0 || !avb_is_pow2(align))
                return -EINVAL;

        /* First gap, in offset order, that holds an aligned region of size. */
        for (i = 0; i <= heap->n_ranges; i++) {
                size_t limit = i < heap->n_ranges ? heap->ranges[i].off : heap->size;

                start = avb_align_up(prev_end, align);
                if (start <= limit && limit - start >= size)
                        break;
                if (i < heap->n_ranges)
                        prev_end = heap->ranges[i].off + heap->ranges[i].size;
        }
        if (i > heap->n_ranges)
                return -ENOMEM;

        r = heap_ranges_reserve(heap);
        if (r < 0)
                return r;
        memmove(&heap->ranges[i + 1], &heap->ranges[i],
                (heap->n_ranges - i) * sizeof(heap->ranges[0]));
        heap->ranges[i] = (struct avb_heap_range){.off = start, .size = size};
        heap->n_ranges++;
        heap->used += size;
        *ret_offset = start;
        return 0;
}

int avb_heap_release(struct avb_heap *heap, size_t offset)
{
        size_t i;

        for (i = 0; i < heap->n_ranges; i++) {
                if (heap->ranges[i].off != offset)
                        continue;
                heap->used -= heap->ranges[i].size;
                memmove(&heap->ranges[i], &heap->ranges[i + 1],
                        (heap->n_ranges - i - 1) * sizeof(heap->ranges[0]));
                heap->n_ranges--;
                return 0;
        }
        return -ENOENT;
}

static bool heap_range_ok(const struct avb_heap *heap, size_t off, size_t len)
{
        return off <= heap->size && len <= heap->size - off;
}

int avb_heap_write(struct avb_heap *heap, size_t off, const void *src, size_t len)
{
        if (!heap_range_ok(heap, off, len))
                return -EINVAL;
        if (len == 0)
                return 0;
        return heap->ops->write(heap->priv, off, src, len);
}

int avb_heap_source_attach_client(struct avb_heap *heap, int fd, const void *map, size_t size,
                                  int client, bool *ret_direct, int *ret_id)
{
        bool direct = false;
        int r;

        if (!heap->priv || !heap->ops->source_attach)
                r = -EOPNOTSUPP;
        else if (fd < 0 || !map || size == 0)
                r = -EINVAL;
        else /* the op owns client from here */
                return heap->ops->source_attach(heap->priv, fd, map, size, client,
                                                ret_direct ? ret_direct : &direct, ret_id);
        if (client >= 0)
                close(client);
        return r;
}

int avb_heap_source_attach(struct avb_heap *heap, int fd, const void *map, size_t size, int *ret_id)
{
        return avb_heap_source_attach_client(heap, fd, map, size, -1, NULL, ret_id);
}

void avb_heap_buffer_live(struct avb_heap *heap, int64_t handle, size_t off, size_t size)
{
        if (heap->priv && heap->ops->buffer_live)
                heap->ops->buffer_live(heap->priv, handle, off, size);
}

void avb_heap_buffer_gone(struct avb_heap *heap, int64_t handle)
{
        if (heap->priv && heap->ops->buffer_gone)
                heap->ops->buffer_gone(heap->priv, handle);
}

void avb_heap_source_detach(struct avb_heap *heap, int id)
{
        if (heap->priv && heap->ops->source_detach && id >= 0)
                heap->ops->source_detach(heap->priv, id);
}

int avb_heap_write_source(struct avb_heap *heap, size_t off, int id, size_t src_off, size_t len)
{
        if (!heap_range_ok(heap, off, len) || !heap->ops->write_source || id < 0)
                return -EINVAL;
        if (len == 0)
                return 0;
        return heap->ops->write_source(heap->priv, off, id, src_off, len);
}

int avb_heap_read_for_vendor(struct avb_heap *heap, size_t off, void *dst, size_t len)
{
        if (!heap_range_ok(heap, off, len))
                return -EINVAL;
        if (len == 0)
                return 0;
        return heap->ops->read(heap->priv, off, dst, len);
}

int avb_heap_scrub(struct avb_heap *heap, size_t off, size_t len)
{
        if (!heap_range_ok(heap, off, len))
                return -EINVAL;
        if (len == 0)
                return 0;
        return heap->ops->scrub(heap->priv, off, len);
}

/*
 * Copy through server memory. The bounce buffer may hold secure bytes, so it
 * is scrubbed before it goes back to malloc. Overlap inside one heap is
 * handled by walking backwards when the destination is above the source.
 */
static int heap_copy_bounce(struct avb_heap *dst, size_t dst_off, struct avb_heap *src,
                            size_t src_off, size_t len)
{
        size_t chunk = len < AVB_HEAP_BOUNCE_BYTES ? len : AVB_HEAP_BOUNCE_BYTES;
        bool backwards = dst == src && dst_off > src_off;
        unsigned char *buf;
        size_t done = 0;
        int r = 0;

        buf = malloc(chunk);
        if (!buf)
                return -ENOMEM;
        while (done < len) {
                size_t n = len - done < chunk ? len - done : chunk;
                size_t at = backwards ? len - done - n : done;

                r = src->ops->read(src->priv, src_off + at, buf, n);
                if (r < 0)
                        break;
                r = dst->ops->write(dst->priv, dst_off + at, buf, n);
                if (r < 0)
                        break;
                done += n;
        }
        sodium_memzero(buf, chunk);
        free(buf);
        return r;
}

int avb_heap_copy(struct avb_heap *dst, size_t dst_off, struct avb_heap *src, size_t src_off,
                  size_t len)
{
        if (src->secure && !dst->secure)
                return -EPERM;
        if (!heap_range_ok(dst, dst_off, len) || !heap_range_ok(src, src_off, len))
                return -EINVAL;
        if (len == 0)
                return 0;
        if (dst->ops == src->ops && dst->ops->copy)
                return dst->ops->copy(dst->priv, dst_off, src->priv, src_off, len);
        return heap_copy_bounce(dst, dst_off, src, src_off, len);
}

int avb_heap_memfd_copier_pid(const struct avb_heap *heap)
{
        if (heap->ops != &avb_heap_memfd_ops || !heap->priv)
                return -1;
        return avb_heap_memfd_priv_copier_pid(heap->priv);
}

void *avb_heap_memfd_base(const struct avb_heap *heap)
{
        if (heap->ops != &avb_heap_memfd_ops || !heap->priv)
                return NULL;
        return avb_heap_memfd_priv_base(heap->priv);
}
