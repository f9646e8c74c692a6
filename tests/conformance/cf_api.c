/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generated client stubs of IAVBuffer and friends behind the suite's
 * own names, so that a change of the generated C API touches one file.
 * Names follow docs/aidl-c-mapping.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "avb_avbuffer.h"
#include "com_rdk_hal_avbuffer.h"

#include "cf.h"

#if CF_HAVE_NETTLE
#include <nettle/sha1.h>
#endif

#define IAVB(m) com_rdk_hal_avbuffer_IAVBuffer_##m

typedef com_rdk_hal_avbuffer_Pool pool_t;

static pool_t pool_of(int8_t handle)
{
        pool_t p;

        com_rdk_hal_avbuffer_Pool_init(&p);
        p.handle = handle;
        return p;
}

avb_status cf_api_heap_metrics(avb_binder *b, bool secure, cf_heap_metrics *ret)
{
        com_rdk_hal_avbuffer_HeapMetrics m;
        avb_status st;

        com_rdk_hal_avbuffer_HeapMetrics_init(&m);
        st = IAVB(getHeapMetrics)(b, secure, &m);
        if (avb_status_is_ok(&st)) {
                ret->secure = m.secure;
                ret->used = m.bytesUsed;
                ret->total = m.bytesTotal;
        }
        com_rdk_hal_avbuffer_HeapMetrics_fini(&m);
        return st;
}

avb_status cf_api_create_pool(avb_binder *b, bool video, bool secure, int32_t decoder,
                              avb_binder *listener, int8_t *ret_pool)
{
        pool_t p;
        avb_status st;

        com_rdk_hal_avbuffer_Pool_init(&p);
        if (video) {
                com_rdk_hal_videodecoder_IVideoDecoder_Id id;

                com_rdk_hal_videodecoder_IVideoDecoder_Id_init(&id);
                id.value = decoder;
                st = IAVB(createVideoPool)(b, secure, &id, listener, &p);
        } else {
                com_rdk_hal_audiodecoder_IAudioDecoder_Id id;

                com_rdk_hal_audiodecoder_IAudioDecoder_Id_init(&id);
                id.value = decoder;
                st = IAVB(createAudioPool)(b, secure, &id, listener, &p);
        }
        if (avb_status_is_ok(&st))
                *ret_pool = p.handle;
        return st;
}

avb_status cf_api_destroy_pool(avb_binder *b, int8_t pool, bool *ret)
{
        pool_t p = pool_of(pool);

        return IAVB(destroyPool)(b, &p, ret);
}

static void copy_pool_metrics(const com_rdk_hal_avbuffer_PoolMetrics *m, cf_pool_metrics *out)
{
        out->pool = m->poolHandle.handle;
        out->used = m->bytesUsed;
        out->total = m->bytesTotal;
}

avb_status cf_api_pool_metrics(avb_binder *b, int8_t pool, cf_pool_metrics *ret)
{
        com_rdk_hal_avbuffer_PoolMetrics m;
        pool_t p = pool_of(pool);
        avb_status st;

        com_rdk_hal_avbuffer_PoolMetrics_init(&m);
        st = IAVB(getPoolMetrics)(b, &p, &m);
        if (avb_status_is_ok(&st))
                copy_pool_metrics(&m, ret);
        com_rdk_hal_avbuffer_PoolMetrics_fini(&m);
        return st;
}

avb_status cf_api_all_pool_metrics(avb_binder *b, bool secure, cf_pool_metrics **ret, size_t *ret_n)
{
        com_rdk_hal_avbuffer_PoolMetrics *arr = NULL;
        cf_pool_metrics *out;
        size_t n = 0, i;
        avb_status st;

        st = IAVB(getAllPoolMetrics)(b, secure, &arr, &n);
        if (!avb_status_is_ok(&st))
                return st;
        out = calloc(n ? n : 1, sizeof(*out));
        if (!out)
                abort();
        for (i = 0; i < n; i++) {
                copy_pool_metrics(&arr[i], &out[i]);
                com_rdk_hal_avbuffer_PoolMetrics_fini(&arr[i]);
        }
        free(arr);
        *ret = out;
        *ret_n = n;
        return st;
}

avb_status cf_api_alloc(avb_binder *b, int8_t pool, int32_t size, int64_t *ret)
{
        pool_t p = pool_of(pool);

        return IAVB(alloc)(b, &p, size, ret);
}

avb_status cf_api_notify(avb_binder *b, int8_t pool, int32_t size, bool *ret)
{
        pool_t p = pool_of(pool);

        return IAVB(notifyWhenSpaceAvailable)(b, &p, size, ret);
}

avb_status cf_api_trim(avb_binder *b, int64_t handle, int32_t size, bool *ret)
{
        return IAVB(trimSize)(b, handle, size, ret);
}

avb_status cf_api_free(avb_binder *b, int64_t handle, bool *ret)
{
        return IAVB(free)(b, handle, ret);
}

avb_status cf_api_is_valid(avb_binder *b, int64_t handle, bool *ret)
{
        return IAVB(isValid)(b, handle, ret);
}

avb_status cf_api_alloc_list(avb_binder *b, int8_t pool, int64_t **ret, size_t *ret_n)
{
        pool_t p = pool_of(pool);

        return IAVB(getAllocList)(b, &p, ret, ret_n);
}

avb_status cf_api_sha1(avb_binder *b, int64_t handle, uint8_t ret[CF_SHA1_BYTES], size_t *ret_n)
{
        int8_t *digest = NULL;
        size_t n = 0;
        avb_status st;

        st = IAVB(calculateSHA1)(b, handle, &digest, &n);
        if (avb_status_is_ok(&st)) {
                memset(ret, 0, CF_SHA1_BYTES);
                memcpy(ret, digest, n < CF_SHA1_BYTES ? n : CF_SHA1_BYTES);
                *ret_n = n;
                free(digest);
        }
        return st;
}

avb_status cf_api_version(avb_binder *b, int32_t *ret)
{
        return IAVB(getInterfaceVersion)(b, ret);
}

avb_status cf_api_hash(avb_binder *b, char **ret)
{
        return IAVB(getInterfaceHash)(b, ret);
}

int32_t cf_api_compiled_version(void)
{
        return IAVB(VERSION);
}

const char *cf_api_compiled_hash(void)
{
        return IAVB(HASH);
}

avb_status cf_api_set_configured(avb_binder *control, bool video, int32_t id, bool configured)
{
        return avb_avbuffer_IAVBufferControl_setDecoderConfigured(control, video, id, configured);
}

static avb_status on_space_available(void *impl, avb_call *call)
{
        cf_listener *l = impl;

        (void)call;
        if (atomic_load(&l->block_ms) > 0)
                cf_sleep_ms(atomic_load(&l->block_ms));
        atomic_fetch_add(&l->count, 1);
        return avb_status_ok();
}

static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops listener_ops = {
    .onSpaceAvailable = on_space_available,
};

int cf_api_listener_new(cf_listener *l)
{
        atomic_init(&l->count, 0);
        atomic_init(&l->block_ms, 0);
        return com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&listener_ops, l, NULL,
                                                                     &l->binder);
}

bool cf_sha1(const void *data, size_t len, uint8_t out[CF_SHA1_BYTES])
{
#if CF_HAVE_NETTLE
        struct sha1_ctx ctx;

        sha1_init(&ctx);
        sha1_update(&ctx, len, data);
        sha1_digest(&ctx, SHA1_DIGEST_SIZE, out);
        return true;
#else
        (void)data;
        (void)len;
        memset(out, 0, CF_SHA1_BYTES);
        return false;
#endif
}
