/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IAVBuffer on top of the vendor layer: argument checks the vendor does not
 * do, the mapping of vendor errors to HAL results (vendor.h has the table),
 * the pools' listeners, and reclaiming what a dead client held.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <avbuffer/log.h>

#include "avb_config.h"
#include "com_rdk_hal.h"
#include "com_rdk_hal_avbuffer.h"
#include "directory.h"
#include "service.h"
#include "service_internal.h"
#include "space.h"
#include "util.h"

/* ---- listeners ---------------------------------------------------------- */

static void set_listener(struct avbd_service *s, int8_t pool, avb_binder *listener, uint64_t owner)
{
        avb_binder *old;

        pthread_mutex_lock(&s->lock);
        old = s->pools[(uint8_t)pool].listener;
        s->pools[(uint8_t)pool].listener = listener ? avb_binder_ref(listener) : NULL;
        s->pools[(uint8_t)pool].owner = owner;
        pthread_mutex_unlock(&s->lock);
        /* What the pool owed its old listener goes with it (space.h). */
        avbd_space_forget(s->space, pool);
        avb_binder_unref(old);
}

/*
 * Vendor space callback: never called with the vendor lock held. The count
 * is taken under our lock so that a pool whose listener set_listener has
 * just dropped owes nothing more.
 */
static void on_space(void *userdata, int8_t pool, uint64_t count)
{
        struct avbd_service *s = userdata;

        if (pool < 0)
                return;
        pthread_mutex_lock(&s->lock);
        if (s->pools[pool].listener) /* else destroyed meanwhile */
                avbd_space_owe(s->space, pool, s->pools[pool].listener, count);
        pthread_mutex_unlock(&s->lock);
        avbd_space_flush(s->space, pool);
}

/* Vendor buffer observer: keeps the client directories in step. */
static void on_buffer(void *userdata, int64_t handle, const struct avb_buffer_info *info)
{
        struct avbd_service *s = userdata;

        avbd_directory_update(s->directory, handle, info);
}

/* Drops the listeners of pools the vendor no longer has. */
static void forget_dead_pools(struct avbd_service *s)
{
        for (int p = 0; p < AVB_VENDOR_MAX_POOLS; p++) {
                struct avb_pool_metrics m;
                bool known;

                pthread_mutex_lock(&s->lock);
                known = s->pools[p].listener || s->pools[p].owner;
                pthread_mutex_unlock(&s->lock);
                if (known && avb_vendor_pool_metrics(s->vendor, (int8_t)p, &m) == -ENOENT)
                        set_listener(s, (int8_t)p, NULL, 0);
        }
}

/* ---- errors ------------------------------------------------------------- */

static avb_status oom(const char *what)
{
        return avb_status_service_specific(com_rdk_hal_HALError_OUT_OF_MEMORY, "%s", what);
}

static avb_status bad_pool(int8_t pool)
{
        return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "no pool with handle %d", pool);
}

static avb_status bad_handle(int64_t handle)
{
        return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "no buffer with handle %lld",
                                    (long long)handle);
}

/* ---- IAVBuffer ---------------------------------------------------------- */

static avb_status av_getHeapMetrics(void *impl, avb_call *call, bool secureHeap,
                                    com_rdk_hal_avbuffer_HeapMetrics *ret_result)
{
        struct avbd_service *s = impl;
        struct avb_heap_metrics m;
        int e;

        (void)call;
        e = avb_vendor_heap_metrics(s->vendor, secureHeap, &m);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "heap metrics: %s", strerror(-e));
        com_rdk_hal_avbuffer_HeapMetrics_init(ret_result);
        ret_result->secure = m.secure;
        ret_result->bytesUsed = m.bytes_used;
        ret_result->bytesTotal = m.bytes_total;
        return avb_status_ok();
}

static avb_status create_pool(struct avbd_service *s, avb_call *call, enum avb_media_kind kind,
                              bool secure, int32_t id, avb_binder *listener,
                              com_rdk_hal_avbuffer_Pool *ret_result)
{
        const char *what = kind == AVB_MEDIA_VIDEO ? "video" : "audio";
        uint64_t owner = avb_call_peer(call)->client_id;
        int8_t pool;
        int e;

        if (!listener)
                return avb_status_exception(AVB_EX_NULL_POINTER, "listener is null");
        e = avb_vendor_create_pool(s->vendor, kind, secure, id, owner, &pool);
        switch (e) {
        case 0:
                break;
        case -EINVAL:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "no %s decoder with id %d",
                                            what, (int)id);
        case -EBADFD:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s decoder %d is not configured for secure pools",
                                            what, (int)id);
        case -ENOSPC:
                return oom("all 128 pool handles are in use");
        case -ENOMEM:
                return oom(secure ? "the secure heap has no room for the pool"
                                  : "the non-secure heap has no room for the pool");
        default:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "cannot create pool: %s",
                                            strerror(-e));
        }
        set_listener(s, pool, listener, owner);
        com_rdk_hal_avbuffer_Pool_init(ret_result);
        ret_result->handle = pool;
        avb_log(AVB_LOG_DEBUG, "pool %d: %s decoder %d, %s, pid %d", pool, what, (int)id,
                secure ? "secure" : "non-secure", (int)avb_call_peer(call)->pid);
        return avb_status_ok();
}

static avb_status av_createVideoPool(void *impl, avb_call *call, bool secureHeap,
                                     const com_rdk_hal_videodecoder_IVideoDecoder_Id *id,
                                     avb_binder *listener, com_rdk_hal_avbuffer_Pool *ret_result)
{
        return create_pool(impl, call, AVB_MEDIA_VIDEO, secureHeap, id->value, listener,
                           ret_result);
}

static avb_status av_createAudioPool(void *impl, avb_call *call, bool secureHeap,
                                     const com_rdk_hal_audiodecoder_IAudioDecoder_Id *id,
                                     avb_binder *listener, com_rdk_hal_avbuffer_Pool *ret_result)
{
        return create_pool(impl, call, AVB_MEDIA_AUDIO, secureHeap, id->value, listener,
                           ret_result);
}

static avb_status av_destroyPool(void *impl, avb_call *call, const com_rdk_hal_avbuffer_Pool *pool,
                                 bool *ret_result)
{
        struct avbd_service *s = impl;
        const avb_peer *peer = avb_call_peer(call);
        uint64_t owner = avbd_profile_is_trusted(s->profile, peer->uid, peer->gid)
                             ? AVB_VENDOR_ANY_OWNER
                             : peer->client_id;
        int e;

        /* Allocating from and freeing into a pool is open to every client
         * (the pipeline needs it); ending the pool is its creator's, or a
         * trusted vendor component's, to decide. */
        e = avb_vendor_destroy_pool(s->vendor, pool->handle, owner);
        if (e == -EPERM)
                avb_log(AVB_LOG_INFO, "pool %d: destroyPool by pid %d refused: not its creator",
                        pool->handle, (int)peer->pid);
        if (e == -ENOTEMPTY)
                return avb_status_service_specific(com_rdk_hal_HALError_NOT_EMPTY,
                                                   "pool %d still has buffers", pool->handle);
        if (e == 0)
                set_listener(s, pool->handle, NULL, 0);
        *ret_result = e == 0;
        return avb_status_ok();
}

static void pool_metrics_to_aidl(const struct avb_pool_metrics *m,
                                 com_rdk_hal_avbuffer_PoolMetrics *out)
{
        com_rdk_hal_avbuffer_PoolMetrics_init(out);
        out->poolHandle.handle = m->pool_handle;
        out->bytesUsed = m->bytes_used;
        out->bytesTotal = m->bytes_total;
}

static avb_status av_getPoolMetrics(void *impl, avb_call *call,
                                    const com_rdk_hal_avbuffer_Pool *pool,
                                    com_rdk_hal_avbuffer_PoolMetrics *ret_result)
{
        struct avbd_service *s = impl;
        struct avb_pool_metrics m;

        (void)call;
        if (avb_vendor_pool_metrics(s->vendor, pool->handle, &m) < 0)
                return bad_pool(pool->handle);
        pool_metrics_to_aidl(&m, ret_result);
        return avb_status_ok();
}

static avb_status av_getAllPoolMetrics(void *impl, avb_call *call, bool secureHeap,
                                       com_rdk_hal_avbuffer_PoolMetrics **ret_result,
                                       size_t *ret_result_count)
{
        struct avbd_service *s = impl;
        struct avb_pool_metrics m[AVB_VENDOR_MAX_POOLS];
        com_rdk_hal_avbuffer_PoolMetrics *out;
        size_t n = 0;
        int e;

        (void)call;
        e = avb_vendor_all_pool_metrics(s->vendor, secureHeap, m, &n);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "pool metrics: %s", strerror(-e));
        out = calloc(n ? n : 1, sizeof(*out));
        if (!out)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        for (size_t i = 0; i < n; i++)
                pool_metrics_to_aidl(&m[i], &out[i]);
        *ret_result = out;
        *ret_result_count = n;
        return avb_status_ok();
}

static avb_status av_alloc(void *impl, avb_call *call, const com_rdk_hal_avbuffer_Pool *pool,
                           int32_t size, int64_t *ret_result)
{
        struct avbd_service *s = impl;
        int e;

        (void)call;
        e = avb_vendor_alloc(s->vendor, pool->handle, size, ret_result);
        switch (e) {
        case 0:
                return avb_status_ok();
        case -ENOENT:
                return bad_pool(pool->handle);
        case -EINVAL:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "size %d is not in 1..the pool size", (int)size);
        case -ENOMEM:
                return oom("the pool has no room for the buffer now");
        default:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "alloc: %s", strerror(-e));
        }
}

static avb_status av_notifyWhenSpaceAvailable(void *impl, avb_call *call,
                                              const com_rdk_hal_avbuffer_Pool *pool, int32_t size,
                                              bool *ret_result)
{
        struct avbd_service *s = impl;

        (void)call;
        *ret_result = avb_vendor_notify_when_space(s->vendor, pool->handle, size) == 0;
        return avb_status_ok();
}

static avb_status av_trimSize(void *impl, avb_call *call, int64_t handle, int32_t newSize,
                              bool *ret_result)
{
        struct avbd_service *s = impl;
        int e;

        (void)call;
        e = avb_vendor_trim(s->vendor, handle, newSize);
        switch (e) {
        case 0:
                *ret_result = true;
                return avb_status_ok();
        case -ENOENT:
                return bad_handle(handle);
        case -EINVAL:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "new size %d is not in 1..the buffer's size",
                                            (int)newSize);
        case -EBUSY:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "buffer %lld is not its pool's last allocation",
                                            (long long)handle);
        default:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "trim: %s", strerror(-e));
        }
}

static avb_status av_free(void *impl, avb_call *call, int64_t handle, bool *ret_result)
{
        struct avbd_service *s = impl;

        /* a frame only by the client that owns it (not one it handed to a sink) */
        *ret_result =
            avb_vendor_buffer_free_as(s->vendor, handle, avb_call_peer(call)->client_id) == 0;
        return avb_status_ok();
}

static avb_status av_isValid(void *impl, avb_call *call, int64_t handle, bool *ret_result)
{
        struct avbd_service *s = impl;

        (void)call;
        *ret_result = avb_vendor_is_valid(s->vendor, handle);
        return avb_status_ok();
}

static avb_status av_getAllocList(void *impl, avb_call *call, const com_rdk_hal_avbuffer_Pool *pool,
                                  int64_t **ret_result, size_t *ret_result_count)
{
        struct avbd_service *s = impl;
        int64_t *v = NULL;
        size_t n = 0;
        int e;

        (void)call;
        if (!AVB_DEBUG_API)
                return avb_status_exception(AVB_EX_UNSUPPORTED_OPERATION,
                                            "getAllocList is a debug method; this build has none");
        e = avb_vendor_alloc_list(s->vendor, pool->handle, &v, &n);
        if (e == -ENOENT)
                return bad_pool(pool->handle);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "alloc list: %s", strerror(-e));
        *ret_result = v;
        *ret_result_count = n;
        return avb_status_ok();
}

static avb_status av_calculateSHA1(void *impl, avb_call *call, int64_t handle, int8_t **ret_result,
                                   size_t *ret_result_count)
{
        struct avbd_service *s = impl;
        uint8_t digest[AVB_VENDOR_SHA1_BYTES];
        int8_t *out;
        int e;

        (void)call;
        e = avb_vendor_buffer_sha1(s->vendor, handle, digest);
        if (e == -EOPNOTSUPP)
                return avb_status_exception(AVB_EX_UNSUPPORTED_OPERATION,
                                            "calculateSHA1 is a debug method; this build has none");
        if (e == -ENOENT)
                return bad_handle(handle);
        if (e < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "sha1: %s", strerror(-e));
        out = malloc(sizeof(digest));
        if (!out)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        memcpy(out, digest, sizeof(digest));
        *ret_result = out;
        *ret_result_count = sizeof(digest);
        return avb_status_ok();
}

static const com_rdk_hal_avbuffer_IAVBuffer_ops avbuffer_ops = {
    .getHeapMetrics = av_getHeapMetrics,
    .createVideoPool = av_createVideoPool,
    .createAudioPool = av_createAudioPool,
    .destroyPool = av_destroyPool,
    .getPoolMetrics = av_getPoolMetrics,
    .getAllPoolMetrics = av_getAllPoolMetrics,
    .alloc = av_alloc,
    .notifyWhenSpaceAvailable = av_notifyWhenSpaceAvailable,
    .trimSize = av_trimSize,
    .free = av_free,
    .isValid = av_isValid,
    .getAllocList = av_getAllocList,
    .calculateSHA1 = av_calculateSHA1,
};

/* ---- client death ------------------------------------------------------- */

/*
 * Pools of a dead client whose buffers are still out (handed to a CDM or a
 * decoder) get a grace period, then are reclaimed by force here.
 */
static void *reclaim_thread(void *arg)
{
        struct avbd_service *s = arg;

        pthread_mutex_lock(&s->lock);
        while (!s->stopping) {
                uint64_t now = avb_now_ms(), next = 0;

                for (size_t i = 0; i < s->n_reclaims;) {
                        if (s->reclaims[i].due_ms > now) {
                                if (!next || s->reclaims[i].due_ms < next)
                                        next = s->reclaims[i].due_ms;
                                i++;
                                continue;
                        }
                        uint64_t owner = s->reclaims[i].owner;
                        s->reclaims[i] = s->reclaims[--s->n_reclaims];
                        pthread_mutex_unlock(&s->lock);
                        (void)avb_vendor_destroy_owner(s->vendor, owner, true, NULL);
                        forget_dead_pools(s);
                        pthread_mutex_lock(&s->lock);
                        now = avb_now_ms();
                }
                if (next) {
                        uint64_t wait = next > now ? next - now : 0;
                        struct timespec ts = avb_timespec_in_ms(CLOCK_MONOTONIC, (int64_t)wait);

                        pthread_cond_timedwait(&s->cond, &s->lock, &ts);
                } else {
                        pthread_cond_wait(&s->cond, &s->lock);
                }
        }
        pthread_mutex_unlock(&s->lock);
        return NULL;
}

void avbd_service_client_gone(struct avbd_service *s, const avb_peer *peer)
{
        size_t deferred = 0;
        int e;

        e = avb_vendor_destroy_owner(s->vendor, peer->client_id, false, &deferred);
        if (e < 0)
                avb_log(AVB_LOG_WARNING, "reclaiming the pools of pid %d: %s", (int)peer->pid,
                        strerror(-e));
        forget_dead_pools(s);
        if (!deferred)
                return;
        avb_log(AVB_LOG_INFO, "pid %d has gone; %zu of its pools still have buffers out",
                (int)peer->pid, deferred);
        pthread_mutex_lock(&s->lock);
        if (s->n_reclaims < AVBD_MAX_RECLAIMS) {
                s->reclaims[s->n_reclaims].owner = peer->client_id;
                s->reclaims[s->n_reclaims].due_ms = avb_now_ms() + AVBD_RECLAIM_GRACE_MS;
                s->n_reclaims++;
                pthread_cond_signal(&s->cond);
                pthread_mutex_unlock(&s->lock);
        } else {
                pthread_mutex_unlock(&s->lock);
                (void)avb_vendor_destroy_owner(s->vendor, peer->client_id, true, NULL);
                forget_dead_pools(s);
        }
}

/* ---- life cycle --------------------------------------------------------- */

static int vendor_config(const struct avbd_profile *p, struct avb_vendor_config *cfg)
{
        avb_vendor_config_init_defaults(cfg);
        if (p->nonsecure_heap_bytes > INT32_MAX || p->secure_heap_bytes > INT32_MAX)
                return -EINVAL;
        if (p->n_decoders > AVB_VENDOR_MAX_DECODERS ||
            p->n_frame_pools > AVB_VENDOR_MAX_FRAME_POOLS)
                return -E2BIG;
        cfg->nonsecure_heap_bytes = (uint32_t)p->nonsecure_heap_bytes;
        cfg->secure_heap_bytes = (uint32_t)p->secure_heap_bytes;
        cfg->alignment = p->alignment;
        cfg->n_decoders = p->n_decoders;
        memcpy(cfg->decoders, p->decoders, p->n_decoders * sizeof(*p->decoders));
        cfg->n_frame_pools = p->n_frame_pools;
        for (size_t i = 0; i < p->n_frame_pools; i++) {
                cfg->frame_pools[i].kind = p->frame_pools[i].kind;
                cfg->frame_pools[i].secure = p->frame_pools[i].secure;
                cfg->frame_pools[i].block_size = p->frame_pools[i].block_bytes;
                cfg->frame_pools[i].block_count = p->frame_pools[i].count;
        }
        return 0;
}

int avbd_service_new(const struct avbd_profile *profile, struct avbd_service **ret)
{
        struct avb_vendor_config cfg;
        struct avbd_service *s;
        int e;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->profile = profile;
        pthread_mutex_init(&s->lock, NULL);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&s->cond, &ca);
        pthread_condattr_destroy(&ca);

        e = vendor_config(profile, &cfg);
        if (e < 0)
                goto fail;
        e = avbd_space_new(&s->space);
        if (e < 0)
                goto fail;
        e = avb_vendor_new(&cfg, on_space, s, &s->vendor);
        if (e < 0)
                goto fail;
        e = avbd_directory_new(avb_vendor_heap_size(s->vendor, false), &s->directory);
        if (e < 0)
                goto fail;
        avb_vendor_set_observer(s->vendor, on_buffer, s);
        e = com_rdk_hal_avbuffer_IAVBuffer_new_local(&avbuffer_ops, s, NULL, &s->objects[0]);
        if (e >= 0)
                e = avbd_copier_new_local(s, &s->objects[1]);
        if (e >= 0)
                e = avbd_control_new_local(s, &s->objects[2]);
        if (e < 0)
                goto fail;
        e = -pthread_create(&s->reclaimer, NULL, reclaim_thread, s);
        if (e < 0)
                goto fail;
        s->reclaimer_started = true;
        *ret = s;
        return 0;
fail:
        avbd_service_free(s);
        return e;
}

void avbd_service_free(struct avbd_service *s)
{
        if (!s)
                return;
        if (s->reclaimer_started) {
                pthread_mutex_lock(&s->lock);
                s->stopping = true;
                pthread_cond_signal(&s->cond);
                pthread_mutex_unlock(&s->lock);
                pthread_join(s->reclaimer, NULL);
        }
        avbd_space_free(s->space);
        for (int p = 0; p < AVB_VENDOR_MAX_POOLS; p++)
                avb_binder_unref(s->pools[p].listener);
        for (int i = 0; i < AVBD_N_OBJECTS; i++)
                avb_binder_unref(s->objects[i]);
        avb_vendor_free(s->vendor);
        avbd_directory_free(s->directory);
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
        free(s);
}

int avbd_service_publish(struct avbd_service *s, avb_server *server)
{
        for (uint32_t i = 0; i < AVBD_N_OBJECTS; i++) {
                uint32_t id;
                int e = avb_server_add(server, s->objects[i], &id);

                if (e < 0)
                        return e;
                if (id != i)
                        return -EEXIST; /* they must be the server's first objects */
        }
        return 0;
}

avb_binder *avbd_service_object(struct avbd_service *s, uint32_t object_id)
{
        return object_id < AVBD_N_OBJECTS ? s->objects[object_id] : NULL;
}

struct avb_vendor *avbd_service_vendor(struct avbd_service *s)
{
        return s->vendor;
}
