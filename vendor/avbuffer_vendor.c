/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor facade: construction from a profile, heaps, and the pool
 * lifecycle. Buffer operations are in vendor_buffer.c.
 *
 * Why one mutex: every IAVBuffer call is short (a ring step, a table lookup)
 * except the helper copies, and those must exclude a concurrent free of the
 * buffer they write. A single lock makes every invariant across pools,
 * handles and heaps trivially hold; finer locking would buy little for a
 * service whose calls are dominated by IPC cost.
 *
 * Why callbacks are delivered after unlocking: the server's callback sends a
 * message to a client listener; doing that under our lock would let a slow
 * or dead client stall every other client, and a callback that re-enters the
 * vendor would deadlock.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "graph.h"
#include "util.h"
#include "vendor_internal.h"

#define KiB 1024u
#define MiB (1024u * 1024u)

void avb_vendor_config_init_defaults(struct avb_vendor_config *cfg)
{
        static const struct avb_decoder_spec decoders[] = {
            {.kind = AVB_MEDIA_VIDEO,
             .id = 0,
             .nonsecure_pool_bytes = 4 * MiB,
             .secure_pool_bytes = 4 * MiB,
             .configured = true},
            {.kind = AVB_MEDIA_VIDEO,
             .id = 1,
             .nonsecure_pool_bytes = 4 * MiB,
             .secure_pool_bytes = 4 * MiB,
             .configured = true},
            {.kind = AVB_MEDIA_AUDIO,
             .id = 0,
             .nonsecure_pool_bytes = 512 * KiB,
             .secure_pool_bytes = 512 * KiB,
             .configured = true},
            {.kind = AVB_MEDIA_AUDIO,
             .id = 1,
             .nonsecure_pool_bytes = 512 * KiB,
             .secure_pool_bytes = 512 * KiB,
             .configured = true},
            {.kind = AVB_MEDIA_AUDIO,
             .id = AVB_DECODER_ID_UNDEFINED,
             .nonsecure_pool_bytes = 256 * KiB,
             .secure_pool_bytes = 256 * KiB,
             .configured = true},
        };
        static const struct avb_framepool_spec frame_pools[] = {
            {.kind = AVB_MEDIA_VIDEO, .secure = false, .block_size = 64 * KiB, .block_count = 8},
            {.kind = AVB_MEDIA_VIDEO, .secure = true, .block_size = 64 * KiB, .block_count = 8},
            {.kind = AVB_MEDIA_AUDIO, .secure = false, .block_size = 16 * KiB, .block_count = 16},
            {.kind = AVB_MEDIA_AUDIO, .secure = true, .block_size = 16 * KiB, .block_count = 16},
        };

        memset(cfg, 0, sizeof(*cfg));
        cfg->nonsecure_heap_bytes = AVB_VENDOR_DEFAULT_HEAP_BYTES;
        cfg->secure_heap_bytes = AVB_VENDOR_DEFAULT_HEAP_BYTES;
        cfg->alignment = AVB_VENDOR_DEFAULT_ALIGN;
        cfg->n_decoders = AVB_ELEMENTSOF(decoders);
        memcpy(cfg->decoders, decoders, sizeof(decoders));
        cfg->n_frame_pools = AVB_ELEMENTSOF(frame_pools);
        memcpy(cfg->frame_pools, frame_pools, sizeof(frame_pools));
}

static bool vendor_config_ok(const struct avb_vendor_config *cfg)
{
        size_t i;

        if (!avb_is_pow2(cfg->alignment) || cfg->alignment < 8 || cfg->alignment > 4096)
                return false;
        if (cfg->nonsecure_heap_bytes > INT32_MAX || cfg->secure_heap_bytes > INT32_MAX)
                return false;
        if (cfg->n_decoders > AVB_VENDOR_MAX_DECODERS ||
            cfg->n_frame_pools > AVB_VENDOR_MAX_FRAME_POOLS)
                return false;
        for (i = 0; i < cfg->n_decoders; i++)
                if (cfg->decoders[i].nonsecure_pool_bytes > INT32_MAX - cfg->alignment ||
                    cfg->decoders[i].secure_pool_bytes > INT32_MAX - cfg->alignment)
                        return false;
        return true;
}

void avb_vendor_free(struct avb_vendor *v)
{
        size_t i;

        if (!v)
                return;
        vendor_graph_fini(v); /* first: the sinks give their frames back */
        for (i = 0; i < AVB_VENDOR_MAX_POOLS; i++)
                avb_pool_free(v->pools[i]);
        for (i = 0; i < v->n_frame_pools; i++)
                avb_framepool_free(v->frame_pools[i]);
        avb_handle_table_free(v->handles);
        avb_decoder_registry_free(v->decoders);
        avb_heap_free(v->heaps[0]);
        avb_heap_free(v->heaps[1]);
        pthread_mutex_destroy(&v->lock);
        free(v);
}

static void vendor_freep(struct avb_vendor **v)
{
        avb_vendor_free(*v);
}

int avb_vendor_new(const struct avb_vendor_config *cfg, avb_vendor_space_cb cb, void *userdata,
                   struct avb_vendor **ret_vendor)
{
        _cleanup_(vendor_freep) struct avb_vendor *v = NULL;
        size_t i;
        int r;

        if (!vendor_config_ok(cfg))
                return -EINVAL;
        if (sodium_init() < 0)
                return -EIO;
        v = calloc(1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        pthread_mutex_init(&v->lock, NULL);
        v->cfg = *cfg;
        v->cb = cb;
        v->userdata = userdata;
        avb_pool_ids_init(&v->pool_ids);

        r = avb_heap_new(cfg->heap_ops, cfg->nonsecure_heap_bytes, false, &v->heaps[0]);
        if (r < 0)
                return r;
        r = avb_heap_new(cfg->heap_ops, cfg->secure_heap_bytes, true, &v->heaps[1]);
        if (r < 0)
                return r;
        r = avb_handle_table_new(&v->handles);
        if (r < 0)
                return r;
        r = avb_decoder_registry_new(cfg->decoders, cfg->n_decoders, &v->decoders);
        if (r < 0)
                return r;
        for (i = 0; i < cfg->n_frame_pools; i++) {
                const struct avb_framepool_spec *spec = &cfg->frame_pools[i];

                r = avb_framepool_new(v->heaps[spec->secure], spec, cfg->alignment,
                                      &v->frame_pools[i]);
                if (r < 0)
                        return r;
                v->n_frame_pools++;
        }
        r = vendor_graph_init(v);
        if (r < 0)
                return r;
        *ret_vendor = AVB_TAKE_PTR(v);
        return 0;
}

void avb_vendor_set_observer(struct avb_vendor *v, avb_vendor_buffer_cb cb, void *userdata)
{
        vendor_lock(v);
        v->observer = cb;
        v->observer_userdata = userdata;
        vendor_unlock(v);
}

void vendor_lock(struct avb_vendor *v)
{
        pthread_mutex_lock(&v->lock);
}

void vendor_unlock(struct avb_vendor *v)
{
        pthread_mutex_unlock(&v->lock);
}

void vendor_unlock_and_deliver(struct avb_vendor *v, const struct vendor_fired *fired)
{
        vendor_unlock(v);
        if (v->cb && fired->count)
                v->cb(v->userdata, fired->pool_handle, fired->count);
}

struct avb_pool *vendor_pool_find_locked(struct avb_vendor *v, int8_t pool_handle)
{
        struct avb_pool *pool;

        if (pool_handle < 0)
                return NULL;
        pool = v->pools[pool_handle];
        return pool && pool->state == AVB_POOL_ACTIVE ? pool : NULL;
}

void vendor_collect_fired_locked(struct avb_pool *pool, struct vendor_fired *fired)
{
        fired->pool_handle = pool->handle;
        fired->count += avb_pool_take_satisfied(pool);
}

void vendor_pool_reap_locked(struct avb_vendor *v, struct avb_pool *pool)
{
        (void)avb_pool_set_state(pool, AVB_POOL_DEAD);
        (void)avb_pool_ids_release(&v->pool_ids, pool->handle);
        v->pools[pool->handle] = NULL;
        avb_pool_free(pool);
}

int avb_vendor_heap_metrics(struct avb_vendor *v, bool secure, struct avb_heap_metrics *ret)
{
        vendor_lock(v);
        *ret = (struct avb_heap_metrics){
            .secure = secure,
            .bytes_used = (int32_t)avb_heap_bytes_used(v->heaps[secure]),
            .bytes_total = (int32_t)avb_heap_size(v->heaps[secure]),
        };
        vendor_unlock(v);
        return 0;
}

/* The heaps never change after avb_vendor_new, so these need no lock. */
int avb_vendor_heap_fd(struct avb_vendor *v, bool secure)
{
        return avb_heap_fd(v->heaps[secure]);
}

int avb_vendor_heap_vendor_fd(struct avb_vendor *v, bool secure)
{
        return avb_heap_vendor_fd(v->heaps[secure]);
}

size_t avb_vendor_heap_size(struct avb_vendor *v, bool secure)
{
        return avb_heap_size(v->heaps[secure]);
}

static int vendor_create_pool_locked(struct avb_vendor *v, enum avb_media_kind kind, bool secure,
                                     int32_t decoder_id, uint64_t owner, int8_t *ret_pool_handle)
{
        struct avb_pool_params params = {
            .owner = owner,
            .kind = kind,
            .decoder_id = decoder_id,
            .align = v->cfg.alignment,
        };
        struct avb_pool *pool;
        uint32_t bytes;
        int r;

        if (kind != AVB_MEDIA_AUDIO && kind != AVB_MEDIA_VIDEO)
                return -EINVAL;
        r = avb_decoder_pool_bytes(v->decoders, kind, decoder_id, secure, &bytes);
        if (r < 0)
                return r;
        if (secure && !avb_decoder_allows_secure(v->decoders, kind, decoder_id))
                return -EBADFD;
        if (bytes == 0)
                return -ENOMEM;
        params.size = (uint32_t)avb_align_up(bytes, v->cfg.alignment);

        r = avb_pool_ids_alloc(&v->pool_ids, &params.handle);
        if (r < 0)
                return r;
        r = avb_pool_new(v->heaps[secure], &params, &pool);
        if (r < 0) {
                (void)avb_pool_ids_cancel(&v->pool_ids, params.handle);
                return r;
        }
        v->pools[params.handle] = pool;
        *ret_pool_handle = params.handle;
        return 0;
}

int avb_vendor_create_pool(struct avb_vendor *v, enum avb_media_kind kind, bool secure,
                           int32_t decoder_id, uint64_t owner, int8_t *ret_pool_handle)
{
        int r;

        vendor_lock(v);
        r = vendor_create_pool_locked(v, kind, secure, decoder_id, owner, ret_pool_handle);
        vendor_unlock(v);
        return r;
}

int avb_vendor_destroy_pool(struct avb_vendor *v, int8_t pool_handle, uint64_t owner)
{
        struct avb_pool *pool;
        int r = 0;

        vendor_lock(v);
        pool = vendor_pool_find_locked(v, pool_handle);
        if (!pool)
                r = -ENOENT;
        else if (owner != AVB_VENDOR_ANY_OWNER && pool->owner != owner)
                r = -EPERM; /* checked first: a stranger learns nothing about the pool's buffers */
        else if (avb_ring_live_count(pool->ring) > 0)
                r = -ENOTEMPTY;
        if (r == 0) {
                avb_pool_discard_requests(pool);
                (void)avb_pool_set_state(pool, AVB_POOL_DESTROYING);
                vendor_pool_reap_locked(v, pool);
        }
        vendor_unlock(v);
        return r;
}

/* Free every live buffer of pool and invalidate their handles. */
static void vendor_pool_drop_buffers_locked(struct avb_vendor *v, struct avb_pool *pool)
{
        uint64_t id, cookie;

        while (avb_ring_oldest(pool->ring, &id, &cookie) == 0) {
                vendor_secure_gone_locked(v, (int64_t)cookie);
                vendor_observe_gone_locked(v, (int64_t)cookie);
                (void)avb_handle_release(v->handles, (int64_t)cookie);
                (void)avb_pool_release(pool, id);
        }
}

int avb_vendor_destroy_owner(struct avb_vendor *v, uint64_t owner, bool force, size_t *ret_deferred)
{
        size_t i, deferred = 0;

        vendor_lock(v);
        for (i = 0; i < AVB_VENDOR_MAX_POOLS; i++) {
                struct avb_pool *pool = v->pools[i];

                if (!pool || pool->owner != owner)
                        continue;
                if (pool->state == AVB_POOL_ACTIVE) {
                        avb_pool_discard_requests(pool);
                        (void)avb_pool_set_state(pool, AVB_POOL_DESTROYING);
                } else if (pool->state != AVB_POOL_DESTROYING || !force) {
                        /* A second, forcing pass also takes the pools a first pass left. */
                        continue;
                }
                if (force)
                        vendor_pool_drop_buffers_locked(v, pool);
                if (avb_ring_live_count(pool->ring) == 0)
                        vendor_pool_reap_locked(v, pool);
                else
                        deferred++;
        }
        vendor_unlock(v);
        if (ret_deferred)
                *ret_deferred = deferred;
        return 0;
}

static struct avb_pool_metrics vendor_pool_metrics_of(const struct avb_pool *pool)
{
        return (struct avb_pool_metrics){
            .pool_handle = pool->handle,
            .bytes_used = (int32_t)avb_ring_bytes_used(pool->ring),
            .bytes_total = (int32_t)avb_pool_size(pool),
        };
}

int avb_vendor_pool_metrics(struct avb_vendor *v, int8_t pool_handle, struct avb_pool_metrics *ret)
{
        struct avb_pool *pool;
        int r = -ENOENT;

        vendor_lock(v);
        pool = vendor_pool_find_locked(v, pool_handle);
        if (pool) {
                *ret = vendor_pool_metrics_of(pool);
                r = 0;
        }
        vendor_unlock(v);
        return r;
}

int avb_vendor_all_pool_metrics(struct avb_vendor *v, bool secure,
                                struct avb_pool_metrics out[AVB_VENDOR_MAX_POOLS], size_t *ret_n)
{
        size_t i, n = 0;

        vendor_lock(v);
        for (i = 0; i < AVB_VENDOR_MAX_POOLS; i++) {
                const struct avb_pool *pool = v->pools[i];

                if (pool && avb_pool_is_secure(pool) == secure)
                        out[n++] = vendor_pool_metrics_of(pool);
        }
        vendor_unlock(v);
        *ret_n = n;
        return 0;
}

int avb_vendor_set_decoder_configured(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                      bool configured)
{
        int r;

        vendor_lock(v);
        r = avb_decoder_set_configured(v->decoders, kind, id, configured);
        vendor_unlock(v);
        return r;
}
