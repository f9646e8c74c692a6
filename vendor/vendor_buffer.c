/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Buffer operations of the vendor facade: alloc, trim, free, validity, the
 * alloc list, space requests, frame-pool blocks, and the helper-library
 * paths (write, copy, read, SHA-1).
 *
 * Every buffer, whichever pool kind it comes from, is resolved through the
 * one handle table to a (heap, offset, size) triple first; the helper paths
 * only ever touch memory through that triple, so a bad offset from a client
 * can at worst hit its own buffer, never a neighbour.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "avb_config.h"
#if AVB_DEBUG_API
#include <nettle/sha1.h>
#endif

#include "util.h"
#include "vendor_internal.h"

/* A resolved buffer. */
struct vendor_buf {
        struct avb_handle_ref ref;
        struct avb_heap *heap;
        size_t heap_offset;
        uint32_t size;
        int8_t pool_handle;
        enum avb_media_kind kind;
        int32_t decoder_id;
};

static int vendor_resolve_locked(struct avb_vendor *v, int64_t handle, struct vendor_buf *ret)
{
        struct vendor_buf b = {0};
        int r;

        r = avb_handle_lookup(v->handles, handle, &b.ref);
        if (r < 0)
                return r;
        if (b.ref.type == VENDOR_BUF_POOL) {
                struct avb_pool *pool = b.ref.obj;
                uint32_t off;

                r = avb_ring_lookup(pool->ring, b.ref.aux, &off, &b.size, NULL);
                if (r < 0)
                        return r;
                b.heap = pool->heap;
                b.heap_offset = pool->heap_offset + off;
                b.pool_handle = pool->handle;
                b.kind = pool->kind;
                b.decoder_id = pool->decoder_id;
        } else {
                struct avb_framepool *fp = b.ref.obj;

                b.heap = avb_framepool_heap(fp);
                b.heap_offset = avb_framepool_block_offset(fp, (uint32_t)b.ref.aux);
                b.size = avb_framepool_spec(fp)->block_size;
                b.pool_handle = AVB_VENDOR_FRAME_POOL_BUFFER;
                b.kind = avb_framepool_spec(fp)->kind;
                b.decoder_id = AVB_DECODER_ID_UNDEFINED;
        }
        *ret = b;
        return 0;
}

static struct avb_buffer_info vendor_info_of(const struct vendor_buf *b)
{
        return (struct avb_buffer_info){
            .secure = avb_heap_is_secure(b->heap),
            .pool_handle = b->pool_handle,
            .heap_offset = (uint32_t)b->heap_offset,
            .size = b->size,
            .kind = b->kind,
            .decoder_id = b->decoder_id,
        };
}

/*
 * The secure heap's backing hears of every secure buffer's life as well as
 * the observer does (heap.h, avb_heap_buffer_live), because its copier lets
 * clients write into buffers by handle: live as soon as the handle exists,
 * before it is returned; gone before the range is scrubbed and released;
 * a trim's new size before its tail is scrubbed.
 */
void vendor_observe_live_locked(struct avb_vendor *v, int64_t handle)
{
        struct avb_buffer_info info;
        struct vendor_buf b;

        if (vendor_resolve_locked(v, handle, &b) < 0)
                return;
        if (b.heap == v->heaps[1])
                avb_heap_buffer_live(b.heap, handle, b.heap_offset, b.size);
        if (!v->observer)
                return;
        info = vendor_info_of(&b);
        v->observer(v->observer_userdata, handle, &info);
}

void vendor_secure_gone_locked(struct avb_vendor *v, int64_t handle)
{
        struct vendor_buf b;

        if (vendor_resolve_locked(v, handle, &b) == 0 && b.heap == v->heaps[1])
                avb_heap_buffer_gone(b.heap, handle);
}

/* A trim to new_size (0: back to its size), told to the secure heap before it happens. */
static void vendor_secure_resize_locked(struct avb_vendor *v, int64_t handle, uint32_t new_size)
{
        struct vendor_buf b;

        if (vendor_resolve_locked(v, handle, &b) == 0 && b.heap == v->heaps[1] && new_size < b.size)
                avb_heap_buffer_live(b.heap, handle, b.heap_offset, new_size ? new_size : b.size);
}

void vendor_observe_gone_locked(struct avb_vendor *v, int64_t handle)
{
        if (v->observer)
                v->observer(v->observer_userdata, handle, NULL);
}

static bool vendor_range_ok(const struct vendor_buf *b, uint64_t offset, uint64_t len)
{
        return offset <= b->size && len <= b->size - offset;
}

static int vendor_alloc_locked(struct avb_vendor *v, int8_t pool_handle, int32_t size,
                               int64_t *ret_handle)
{
        struct avb_pool *pool = vendor_pool_find_locked(v, pool_handle);
        struct avb_handle_ref ref = {.type = VENDOR_BUF_POOL};
        size_t heap_offset;
        int64_t handle;
        uint64_t id;
        int r;

        if (!pool)
                return -ENOENT;
        if (size <= 0)
                return -EINVAL;
        r = avb_pool_alloc(pool, (uint32_t)size, &id, &heap_offset);
        if (r < 0)
                return r;
        ref.obj = pool;
        ref.aux = id;
        r = avb_handle_new(v->handles, &ref, &handle);
        if (r < 0) {
                (void)avb_pool_release(pool, id);
                return r;
        }
        (void)avb_ring_set_cookie(pool->ring, id, (uint64_t)handle);
        vendor_observe_live_locked(v, handle);
        *ret_handle = handle;
        return 0;
}

int avb_vendor_alloc(struct avb_vendor *v, int8_t pool_handle, int32_t size, int64_t *ret_handle)
{
        int r;

        vendor_lock(v);
        r = vendor_alloc_locked(v, pool_handle, size, ret_handle);
        vendor_unlock(v);
        return r;
}

int avb_vendor_notify_when_space(struct avb_vendor *v, int8_t pool_handle, int32_t size)
{
        struct vendor_fired fired = {0};
        struct avb_pool *pool;
        int r;

        vendor_lock(v);
        pool = vendor_pool_find_locked(v, pool_handle);
        if (!pool)
                r = -ENOENT;
        else if (size <= 0)
                r = -EINVAL;
        else
                r = avb_pool_request_space(pool, (uint32_t)size);
        if (r == 0)
                vendor_collect_fired_locked(pool, &fired);
        vendor_unlock_and_deliver(v, &fired);
        return r;
}

int avb_vendor_trim(struct avb_vendor *v, int64_t handle, int32_t new_size)
{
        struct vendor_fired fired = {0};
        struct avb_handle_ref ref;
        int r;

        vendor_lock(v);
        r = avb_handle_lookup(v->handles, handle, &ref);
        if (r == 0 && ref.type != VENDOR_BUF_POOL)
                r = -EBUSY; /* frame blocks have a fixed size */
        else if (r == 0 && new_size <= 0)
                r = -EINVAL;
        else if (r == 0) {
                vendor_secure_resize_locked(v, handle, (uint32_t)new_size);
                r = avb_pool_trim(ref.obj, ref.aux, (uint32_t)new_size);
                if (r < 0) /* the old size again */
                        vendor_secure_resize_locked(v, handle, 0);
        }
        if (r == 0) {
                vendor_observe_live_locked(v, handle);
                vendor_collect_fired_locked(ref.obj, &fired);
        }
        vendor_unlock_and_deliver(v, &fired);
        return r;
}

static int vendor_free_locked(struct avb_vendor *v, int64_t handle, struct vendor_fired *fired)
{
        struct avb_handle_ref ref;
        struct avb_pool *pool;
        int r;

        r = avb_handle_lookup(v->handles, handle, &ref);
        if (r < 0)
                return r;
        vendor_secure_gone_locked(v, handle);
        if (ref.type == VENDOR_BUF_FRAME) {
                r = avb_framepool_put(ref.obj, (uint32_t)ref.aux);
                if (r < 0)
                        return r;
                vendor_observe_gone_locked(v, handle);
                return avb_handle_release(v->handles, handle);
        }
        pool = ref.obj;
        r = avb_pool_release(pool, ref.aux);
        if (r < 0)
                return r;
        vendor_observe_gone_locked(v, handle);
        (void)avb_handle_release(v->handles, handle);
        if (pool->state == AVB_POOL_DESTROYING && avb_ring_live_count(pool->ring) == 0)
                vendor_pool_reap_locked(v, pool);
        else
                vendor_collect_fired_locked(pool, fired);
        return 0;
}

int avb_vendor_buffer_free(struct avb_vendor *v, int64_t handle)
{
        struct vendor_fired fired = {0};
        int r;

        vendor_lock(v);
        r = vendor_free_locked(v, handle, &fired);
        vendor_unlock_and_deliver(v, &fired);
        return r;
}

/* The owner record of a live frame block, or NULL (not one). */
static struct avb_framepool_block *vendor_frame_block_locked(struct avb_vendor *v, int64_t handle)
{
        struct avb_handle_ref ref;

        if (avb_handle_lookup(v->handles, handle, &ref) < 0 || ref.type != VENDOR_BUF_FRAME)
                return NULL;
        return avb_framepool_block(ref.obj, (uint32_t)ref.aux);
}

int avb_vendor_buffer_free_as(struct avb_vendor *v, int64_t handle, uint64_t owner)
{
        struct vendor_fired fired = {0};
        struct avb_framepool_block *b;
        int r = 0;

        vendor_lock(v);
        b = vendor_frame_block_locked(v, handle);
        /*
         * A frame the caller handed to a sink, or never had, may be read by
         * its owner at this very moment: freeing it would let the block be
         * written again under that reader.
         */
        if (b && (owner == AVB_VENDOR_FRAME_SERVER || b->owner != owner))
                r = -EPERM;
        if (r == 0)
                r = vendor_free_locked(v, handle, &fired);
        vendor_unlock_and_deliver(v, &fired);
        return r;
}

int avb_vendor_frame_move(struct avb_vendor *v, int64_t frame, uint64_t from, uint64_t to)
{
        struct avb_framepool_block *b;
        int r = 0;

        vendor_lock(v);
        b = vendor_frame_block_locked(v, frame);
        if (!b)
                r = -ENOENT;
        else if (b->owner != from)
                r = -EPERM;
        else
                b->owner = to;
        vendor_unlock(v);
        return r;
}

/*
 * Why every block is looked at rather than a list per owner: a client's
 * death is rare and the pools hold at most a few hundred blocks, while a
 * list would have to be kept up on every delivery, queue and free.
 */
size_t avb_vendor_frame_free_owner(struct avb_vendor *v, uint64_t owner)
{
        struct vendor_fired fired = {0};
        size_t n = 0;

        if (owner == AVB_VENDOR_FRAME_SERVER)
                return 0;
        vendor_lock(v);
        for (size_t p = 0; p < v->n_frame_pools; p++) {
                struct avb_framepool *fp = v->frame_pools[p];

                for (uint32_t i = 0; i < avb_framepool_spec(fp)->block_count; i++) {
                        struct avb_framepool_block *b = avb_framepool_block(fp, i);

                        if (b && b->owner == owner && vendor_free_locked(v, b->handle, &fired) == 0)
                                n++;
                }
        }
        vendor_unlock_and_deliver(v, &fired);
        return n;
}

bool avb_vendor_is_valid(struct avb_vendor *v, int64_t handle)
{
        struct avb_handle_ref ref;
        bool valid;

        vendor_lock(v);
        valid = avb_handle_lookup(v->handles, handle, &ref) == 0;
        vendor_unlock(v);
        return valid;
}

static int vendor_alloc_list_locked(struct avb_vendor *v, int8_t pool_handle, int64_t **ret_handles,
                                    size_t *ret_n)
{
        struct avb_pool *pool = vendor_pool_find_locked(v, pool_handle);
        uint64_t *cookies = NULL;
        size_t n;

        if (!pool)
                return -ENOENT;
        n = avb_ring_live_count(pool->ring);
        if (n > 0) {
                cookies = calloc(n, sizeof(*cookies));
                if (!cookies)
                        return -ENOMEM;
                (void)avb_ring_cookies(pool->ring, cookies, n);
        }
        /* Handles are non-negative, so the uint64 cookies are their int64 values. */
        *ret_handles = (int64_t *)cookies;
        *ret_n = n;
        return 0;
}

int avb_vendor_alloc_list(struct avb_vendor *v, int8_t pool_handle, int64_t **ret_handles,
                          size_t *ret_n)
{
        int r;

        vendor_lock(v);
        r = vendor_alloc_list_locked(v, pool_handle, ret_handles, ret_n);
        vendor_unlock(v);
        return r;
}

int avb_vendor_buffer_info(struct avb_vendor *v, int64_t handle, struct avb_buffer_info *ret)
{
        struct vendor_buf b;
        int r;

        vendor_lock(v);
        r = vendor_resolve_locked(v, handle, &b);
        if (r == 0)
                *ret = vendor_info_of(&b);
        vendor_unlock(v);
        return r;
}

/*
 * The helper paths move data one slice at a time, each slice under its own
 * hold of the vendor lock, so that a copy of many megabytes never keeps the
 * other threads' alloc and free waiting for more than one slice. Each slice
 * looks its buffers up again under the lock: a buffer freed (its handle is
 * gone, and a new allocation in its place has another handle) or trimmed
 * since the last slice ends the operation with -ENOENT or -ERANGE before a
 * byte reaches memory that is no longer that buffer's. The whole operation
 * is checked first, so a wrong argument still moves nothing.
 */
#define VENDOR_SLICE_BYTES (1024u * 1024u)

static size_t vendor_slice(size_t left)
{
        return left < VENDOR_SLICE_BYTES ? left : VENDOR_SLICE_BYTES;
}

/* Write (src), read (dst), or with neither only check a range of one buffer. */
static int vendor_rw_locked(struct avb_vendor *v, int64_t handle, uint32_t offset, const void *src,
                            void *dst, size_t len)
{
        struct vendor_buf b;
        int r;

        r = vendor_resolve_locked(v, handle, &b);
        if (r < 0)
                return r;
        if (!vendor_range_ok(&b, offset, len))
                return -ERANGE;
        if (src)
                return avb_heap_write(b.heap, b.heap_offset + offset, src, len);
        if (dst)
                return avb_heap_read_for_vendor(b.heap, b.heap_offset + offset, dst, len);
        return 0;
}

static int vendor_rw(struct avb_vendor *v, int64_t handle, uint32_t offset, const void *src,
                     void *dst, size_t len)
{
        int r;

        vendor_lock(v);
        r = vendor_rw_locked(v, handle, offset, src, dst, len);
        vendor_unlock(v);
        return r;
}

static int vendor_rw_sliced(struct avb_vendor *v, int64_t handle, uint32_t offset,
                            const uint8_t *src, uint8_t *dst, size_t len)
{
        int r = vendor_rw(v, handle, offset, NULL, NULL, len);

        /* Checked: offset + len fits the buffer, so every slice's offset fits 32 bits. */
        for (size_t done = 0, n; r == 0 && done < len; done += n) {
                n = vendor_slice(len - done);
                r = vendor_rw(v, handle, offset + (uint32_t)done, src ? src + done : NULL,
                              dst ? dst + done : NULL, n);
        }
        return r;
}

int avb_vendor_buffer_write(struct avb_vendor *v, int64_t handle, uint32_t offset, const void *src,
                            size_t len)
{
        return vendor_rw_sliced(v, handle, offset, src, NULL, len);
}

/* ---- sources ------------------------------------------------------------ */

struct avb_vendor_source {
        struct avb_vendor *v;
        const uint8_t *map;
        size_t size;
        int secure_id; /* in the secure heap's backing; -1: write from map */
        bool direct;   /* the backing serves the client's writes itself */
};

int avb_vendor_source_new(struct avb_vendor *v, int fd, const void *map, size_t size, int client,
                          struct avb_vendor_source **ret_source)
{
        struct avb_vendor_source *s = NULL;
        int r = -EOPNOTSUPP;

        if (fd < 0 || !map || size == 0) {
                r = -EINVAL;
                goto fail;
        }
        s = calloc(1, sizeof(*s));
        if (!s) {
                r = -ENOMEM;
                goto fail;
        }
        *s = (struct avb_vendor_source){.v = v, .map = map, .size = size, .secure_id = -1};
        if (v->heaps[1])
                r = avb_heap_source_attach_client(v->heaps[1], fd, map, size, AVB_TAKE_FD(client),
                                                  &s->direct, &s->secure_id);
        if (r < 0 && r != -EOPNOTSUPP)
                goto fail;
        if (client >= 0)
                close(client);
        *ret_source = s;
        return 0;
fail:
        if (client >= 0)
                close(client);
        free(s);
        return r;
}

bool avb_vendor_source_direct(const struct avb_vendor_source *s)
{
        return s && s->direct;
}

void avb_vendor_source_free(struct avb_vendor_source *s)
{
        if (!s)
                return;
        if (s->secure_id >= 0)
                avb_heap_source_detach(s->v->heaps[1], s->secure_id);
        free(s);
}

static int vendor_write_source_slice(struct avb_vendor *v, int64_t handle, uint32_t offset,
                                     const struct avb_vendor_source *s, size_t src_off, size_t len)
{
        struct vendor_buf b;
        int r;

        vendor_lock(v);
        r = vendor_resolve_locked(v, handle, &b);
        if (r == 0 && !vendor_range_ok(&b, offset, len))
                r = -ERANGE;
        if (r == 0 && s->secure_id >= 0 && b.heap == v->heaps[1])
                r = avb_heap_write_source(b.heap, b.heap_offset + offset, s->secure_id, src_off,
                                          len);
        else if (r == 0)
                r = avb_heap_write(b.heap, b.heap_offset + offset, s->map + src_off, len);
        vendor_unlock(v);
        return r;
}

int avb_vendor_buffer_write_source(struct avb_vendor *v, int64_t handle, uint32_t offset,
                                   const struct avb_vendor_source *s, size_t src_off, size_t len)
{
        int r;

        if (!s || src_off > s->size || len > s->size - src_off)
                return -EINVAL;
        r = vendor_rw(v, handle, offset, NULL, NULL, len);
        /* Checked: offset + len fits the buffer, so every slice's offset fits 32 bits. */
        for (size_t done = 0, n; r == 0 && done < len; done += n) {
                n = vendor_slice(len - done);
                r = vendor_write_source_slice(v, handle, offset + (uint32_t)done, s, src_off + done,
                                              n);
        }
        return r;
}

int avb_vendor_buffer_read_for_vendor(struct avb_vendor *v, int64_t handle, uint32_t offset,
                                      void *dst, size_t len)
{
        return vendor_rw_sliced(v, handle, offset, NULL, dst, len);
}

/* Resolves both ends of a copy and checks the ranges against them. */
static int vendor_copy_check_locked(struct avb_vendor *v, int64_t src_handle, int64_t dst_handle,
                                    const struct avb_copy_range *ranges, size_t n_ranges,
                                    struct vendor_buf *ret_src, struct vendor_buf *ret_dst)
{
        struct vendor_buf src, dst;
        int r;

        r = vendor_resolve_locked(v, src_handle, &src);
        if (r < 0)
                return r;
        r = vendor_resolve_locked(v, dst_handle, &dst);
        if (r < 0)
                return r;
        if (avb_heap_is_secure(src.heap) && !avb_heap_is_secure(dst.heap))
                return -EPERM;
        for (size_t i = 0; i < n_ranges; i++)
                if (!vendor_range_ok(&src, ranges[i].src_offset, ranges[i].size) ||
                    !vendor_range_ok(&dst, ranges[i].dst_offset, ranges[i].size))
                        return -ERANGE;
        *ret_src = src;
        *ret_dst = dst;
        return 0;
}

static int vendor_copy_slice(struct avb_vendor *v, int64_t src_handle, int64_t dst_handle,
                             const struct avb_copy_range *piece)
{
        struct vendor_buf src, dst;
        int r;

        vendor_lock(v);
        r = vendor_copy_check_locked(v, src_handle, dst_handle, piece, 1, &src, &dst);
        if (r == 0)
                r = avb_heap_copy(dst.heap, dst.heap_offset + piece->dst_offset, src.heap,
                                  src.heap_offset + piece->src_offset, piece->size);
        vendor_unlock(v);
        return r;
}

/*
 * One range in slices. When the destination lies above the source in the
 * same heap the slices go from the end backwards, so that an overlapping
 * range still acts as one memmove: no slice reads bytes an earlier one wrote.
 */
static int vendor_copy_range(struct avb_vendor *v, int64_t src_handle, int64_t dst_handle,
                             const struct vendor_buf *src, const struct vendor_buf *dst,
                             const struct avb_copy_range *range)
{
        bool backwards = src->heap == dst->heap && dst->heap_offset + range->dst_offset >
                                                       src->heap_offset + range->src_offset;
        int r = 0;

        for (uint32_t done = 0, n; r == 0 && done < range->size; done += n) {
                uint32_t at;

                n = (uint32_t)vendor_slice(range->size - done);
                at = backwards ? range->size - done - n : done;
                r = vendor_copy_slice(v, src_handle, dst_handle,
                                      &(struct avb_copy_range){.src_offset = range->src_offset + at,
                                                               .dst_offset = range->dst_offset + at,
                                                               .size = n});
        }
        return r;
}

int avb_vendor_buffer_copy(struct avb_vendor *v, int64_t src_handle, int64_t dst_handle,
                           const struct avb_copy_range *ranges, size_t n_ranges)
{
        struct vendor_buf src, dst;
        int r;

        vendor_lock(v);
        r = vendor_copy_check_locked(v, src_handle, dst_handle, ranges, n_ranges, &src, &dst);
        vendor_unlock(v);
        for (size_t i = 0; r == 0 && i < n_ranges; i++)
                r = vendor_copy_range(v, src_handle, dst_handle, &src, &dst, &ranges[i]);
        return r;
}

#if AVB_DEBUG_API
/*
 * Hash through a bounce buffer; it may hold secure bytes, so it is zeroed
 * before it goes back to malloc. Each read of a secure heap opens and closes
 * an access window (two mprotect calls and a TLB flush): 256 KiB pieces make
 * that six times for a 720p frame, not 338 as 4 KiB pieces did (28 ms).
 * Each piece is read under the lock as a slice (see VENDOR_SLICE_BYTES) and
 * hashed outside it.
 */
#define VENDOR_SHA1_PIECE (256u * 1024u)

static int vendor_sha1(struct avb_vendor *v, int64_t handle,
                       uint8_t ret_digest[AVB_VENDOR_SHA1_BYTES])
{
        struct avb_buffer_info info;
        size_t piece, done;
        unsigned char *buf;
        struct sha1_ctx ctx;
        int r;

        r = avb_vendor_buffer_info(v, handle, &info);
        if (r < 0)
                return r;
        piece = info.size < VENDOR_SHA1_PIECE ? info.size : VENDOR_SHA1_PIECE;
        buf = malloc(piece ? piece : 1);
        if (!buf)
                return -ENOMEM;
        sha1_init(&ctx);
        for (done = 0; done < info.size; done += piece) {
                size_t n = info.size - done < piece ? info.size - done : piece;

                r = vendor_rw(v, handle, (uint32_t)done, NULL, buf, n);
                if (r < 0)
                        break;
                sha1_update(&ctx, n, buf);
        }
        sodium_memzero(buf, piece);
        free(buf);
        if (r == 0)
                sha1_digest(&ctx, AVB_VENDOR_SHA1_BYTES, ret_digest);
        sodium_memzero(&ctx, sizeof(ctx));
        return r;
}
#endif

int avb_vendor_buffer_sha1(struct avb_vendor *v, int64_t handle,
                           uint8_t ret_digest[AVB_VENDOR_SHA1_BYTES])
{
#if AVB_DEBUG_API
        return vendor_sha1(v, handle, ret_digest);
#else
        (void)v;
        (void)handle;
        (void)ret_digest;
        return -EOPNOTSUPP;
#endif
}

static int vendor_frame_alloc_locked(struct avb_vendor *v, unsigned frame_pool, int64_t *ret_handle)
{
        struct avb_handle_ref ref = {.type = VENDOR_BUF_FRAME};
        uint32_t index;
        int64_t handle;
        int r;

        if (frame_pool >= v->n_frame_pools)
                return -ENOENT;
        ref.obj = v->frame_pools[frame_pool];
        r = avb_framepool_get(ref.obj, &index);
        if (r < 0)
                return r;
        ref.aux = index;
        r = avb_handle_new(v->handles, &ref, &handle);
        if (r < 0) {
                (void)avb_framepool_put(ref.obj, index);
                return r;
        }
        avb_framepool_block(ref.obj, index)->handle = handle; /* owned by the server */
        vendor_observe_live_locked(v, handle);
        *ret_handle = handle;
        return 0;
}

int avb_vendor_frame_alloc(struct avb_vendor *v, unsigned frame_pool, int64_t *ret_handle)
{
        int r;

        vendor_lock(v);
        r = vendor_frame_alloc_locked(v, frame_pool, ret_handle);
        vendor_unlock(v);
        return r;
}
