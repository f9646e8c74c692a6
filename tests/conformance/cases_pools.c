/* SPDX-License-Identifier: Apache-2.0 */
/* Pools: creation, handles, destruction, heap accounting (HAL.AVBUF.2, 5, 8). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"

/* A pool handle that names no live pool, preferring one never seen by this case. */
static int8_t unused_pool_handle(cf_ctx *c)
{
        bool live[CF_MAX_POOL_HANDLES];
        int h;

        cf_live_pool_set(c, live);
        for (h = CF_MAX_POOL_HANDLES - 1; h >= 0; h--)
                if (!live[h])
                        return (int8_t)h;
        CF_FAIL(c, "all 128 pool handles are live");
}

static void first_handle_zero(cf_ctx *c)
{
        cf_tpool *tp;

        if (!c->o->fresh)
                cf_skip(c, "needs --fresh (a service no client has used yet)");
        cf_need_decoder(c, false, 0);
        tp = cf_pool_new(c, false, false, 0, NULL);
        CF_CHECK_EQ(c, tp->handle, 0, "first pool handle of a fresh service");
        cf_pool_destroy(c, tp);
}

static void unique_pool_handles(cf_ctx *c)
{
        static const struct {
                bool video, secure;
                int32_t id;
        } kinds[] = {
            {true, false, 0}, {false, false, 0},  {true, true, 0},
            {false, true, 0}, {false, false, -1}, {false, false, 0},
        };
        size_t i, j;

        for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
                cf_pool_new(c, kinds[i].video, kinds[i].secure, kinds[i].id, NULL);
        for (i = 0; i < c->n_pools; i++)
                for (j = i + 1; j < c->n_pools; j++)
                        CF_CHECK(c, c->pools[i].handle != c->pools[j].handle,
                                 "pools %zu and %zu share handle %d", i, j, c->pools[i].handle);
        for (i = 0; i < c->n_pools; i++)
                cf_pool_destroy(c, &c->pools[i]);
}

/* The handle the recommended walk gives after `prev`: next unused, wrapping after 127. */
static int next_handle(int prev, const bool used[CF_MAX_POOL_HANDLES])
{
        int h = prev, n;

        for (n = 0; n < CF_MAX_POOL_HANDLES; n++) {
                h = (h + 1) % CF_MAX_POOL_HANDLES;
                if (!used[h])
                        return h;
        }
        return -1;
}

static void handle_sequence_and_wrap(cf_ctx *c)
{
        bool used[CF_MAX_POOL_HANDLES];
        cf_tpool *keep, *tp;
        int prev, want, i, wraps = 0, skipped_keep = 0;

        cf_need_decoder(c, false, 0);
        keep = cf_pool_new(c, false, false, 0, NULL);
        cf_live_pool_set(c, used);
        prev = keep->handle;
        c->auto_metrics = false;
        for (i = 0; i < 136; i++) {
                want = next_handle(prev, used);
                if (want < prev)
                        wraps++;
                if ((prev + 1) % CF_MAX_POOL_HANDLES == keep->handle)
                        skipped_keep++;
                tp = cf_pool_new(c, false, false, 0, NULL);
                CF_CHECK(c, tp->handle == want,
                         "pool %d after pool %d (pools in use skipped, wrap after 127): got %d, "
                         "want %d",
                         i + 1, prev, tp->handle, want);
                prev = tp->handle;
                cf_pool_destroy(c, tp);
        }
        CF_CHECK(c, wraps >= 1, "the walk never wrapped after 127");
        CF_CHECK(c, skipped_keep >= 1, "the walk never passed the live pool %d", keep->handle);
        c->auto_metrics = true;
        cf_check_metrics(c);
        cf_pool_destroy(c, keep);
}

static void no_immediate_reuse(cf_ctx *c)
{
        int8_t seen[8];
        cf_tpool *tp;
        int i, j;

        for (i = 0; i < 8; i++) {
                tp = cf_pool_new(c, false, false, 0, NULL);
                seen[i] = tp->handle;
                cf_pool_destroy(c, tp);
                for (j = 0; j < i; j++)
                        CF_CHECK(c, seen[j] != seen[i],
                                 "pool handle %d given again %d creations after it was "
                                 "destroyed",
                                 seen[i], i - j);
        }
}

static void expect_create_fails(cf_ctx *c, bool video, bool secure, int32_t id,
                                cf_listener *listener, int32_t ex, int32_t ss)
{
        char what[96];
        avb_status st;
        cf_tpool *tp;

        snprintf(what, sizeof(what), "create%sPool(%s, id %d%s)", video ? "Video" : "Audio",
                 secure ? "secure" : "non-secure", id, listener ? "" : ", null listener");
        if (listener) {
                tp = cf_pool_try(c, video, secure, id, listener, &st);
                if (tp)
                        cf_pool_destroy(c, tp);
        } else {
                int8_t h = -1;
                bool ok;

                st = cf_api_create_pool(c->avb, video, secure, id, NULL, &h);
                if (avb_status_is_ok(&st))
                        cf_api_destroy_pool(c->avb, h, &ok);
        }
        CF_EXPECT(c, st, ex, ss, what);
        cf_check_metrics(c); /* nothing was created */
}

static void invalid_decoder_ids(cf_ctx *c)
{
        static const int32_t ids[] = {99, 1000, INT32_MAX, INT32_MIN, -2, -100};
        cf_listener *l = cf_listener_new(c);
        size_t i;
        int s, v;

        for (v = 0; v < 2; v++)
                for (s = 0; s < 2; s++)
                        for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
                                if (c->p->loaded && cf_profile_decoder(c->p, v, ids[i]))
                                        continue;
                                expect_create_fails(c, v, s, ids[i], l, AVB_EX_ILLEGAL_ARGUMENT, 0);
                        }
}

static void video_undefined_id(cf_ctx *c)
{
        cf_listener *l = cf_listener_new(c);

        expect_create_fails(c, true, false, -1, l, AVB_EX_ILLEGAL_ARGUMENT, 0);
        expect_create_fails(c, true, true, -1, l, AVB_EX_ILLEGAL_ARGUMENT, 0);
}

static void audio_undefined_id(cf_ctx *c)
{
        const cf_decoder *d = cf_need_decoder(c, false, -1);
        cf_tpool *tp;

        if (d && !d->pool_bytes[0])
                cf_skip(c, "the profile gives audio UNDEFINED no non-secure pool");
        tp = cf_pool_new(c, false, false, -1, NULL);
        cf_buf_alloc(c, tp, 256);
        cf_buf_free(c, tp->bufs[0].handle);
        cf_pool_destroy(c, tp);
}

static void null_listener(cf_ctx *c)
{
        int v, s;

        /* The client stub may refuse before sending: EX_NULL_POINTER either way. */
        for (v = 0; v < 2; v++)
                for (s = 0; s < 2; s++)
                        expect_create_fails(c, v, s, 0, NULL, AVB_EX_NULL_POINTER, 0);
}

static void secure_unconfigured(cf_ctx *c)
{
        const cf_decoder *d = NULL;
        avb_binder *control = NULL;
        cf_listener *l;
        avb_status st;
        size_t i;
        int e;

        if (!c->p->loaded)
                cf_skip(c, "needs --profile to find a decoder declared 'configured: false'");
        for (i = 0; i < c->p->n_decoders && !d; i++)
                if (!c->p->decoders[i].configured && c->p->decoders[i].pool_bytes[1])
                        d = &c->p->decoders[i];
        if (!d)
                cf_skip(c, "the profile declares no unconfigured decoder with a secure pool");
        l = cf_listener_new(c);
        expect_create_fails(c, d->video, true, d->id, l, AVB_EX_ILLEGAL_STATE, 0);
        /* Non-secure pools do not need the decoder configured. */
        cf_pool_destroy(c, cf_pool_new(c, d->video, false, d->id, l));

        e = cf_connect_object(c->o, 2, &control);
        CF_CHECK(c, e == 0, "connecting IAVBufferControl (object 2): %s", cf_errname(e));
        st = cf_api_set_configured(control, d->video, d->id, true);
        if (st.exception == AVB_EX_SECURITY) {
                avb_binder_unref(control);
                cf_skip(c, "this process is not a trusted caller of IAVBufferControl");
        }
        if (!avb_status_is_ok(&st))
                avb_binder_unref(control);
        CF_EXPECT_OK(c, st, "setDecoderConfigured(true)");
        cf_pool_destroy(c, cf_pool_new(c, d->video, true, d->id, l));
        st = cf_api_set_configured(control, d->video, d->id, false);
        if (!avb_status_is_ok(&st))
                avb_binder_unref(control);
        CF_EXPECT_OK(c, st, "setDecoderConfigured(false)");
        st = cf_api_set_configured(control, d->video, 99, true);
        avb_binder_unref(control);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "setDecoderConfigured(undeclared decoder)");
        expect_create_fails(c, d->video, true, d->id, l, AVB_EX_ILLEGAL_STATE, 0);
}

/* The decoder with the largest pool in a heap, page-sized pools preferred. */
static const cf_decoder *biggest_decoder(cf_ctx *c, bool secure)
{
        const cf_decoder *best = NULL;
        size_t i;

        for (i = 0; i < c->p->n_decoders; i++) {
                const cf_decoder *d = &c->p->decoders[i];

                if (!d->pool_bytes[secure] || (secure && !d->configured))
                        continue;
                if (!best || (d->pool_bytes[secure] % 4096 == 0 &&
                              (best->pool_bytes[secure] % 4096 ||
                               d->pool_bytes[secure] > best->pool_bytes[secure])))
                        best = d;
        }
        return best;
}

static void heap_exhausted(cf_ctx *c)
{
        cf_heap_metrics hm;
        avb_status st;
        int s, n, fit;

        if (!c->p->loaded)
                cf_skip(c, "needs --profile to know the heap and pool sizes");
        for (s = 0; s < 2; s++) {
                const cf_decoder *d = biggest_decoder(c, s);
                cf_listener *l = cf_listener_new(c);
                size_t first = c->n_pools;

                if (!d || !c->p->heap_bytes[s])
                        continue;
                st = cf_api_heap_metrics(c->avb, s, &hm);
                CF_EXPECT_OK(c, st, "getHeapMetrics");
                fit = (int)((hm.total - hm.used) / (int64_t)cf_align_up(c, d->pool_bytes[s]));
                c->auto_metrics = false;
                for (n = 0; n < CF_MAX_POOL_HANDLES; n++)
                        if (!cf_pool_try(c, d->video, s, d->id, l, &st))
                                break;
                CF_EXPECT_SS(c, st, CF_HAL_OUT_OF_MEMORY, "create pool in a full heap");
                c->auto_metrics = true;
                cf_check_metrics(c);
                /* Exact when nothing else lives in the heap and pools fill pages. */
                if (hm.used == 0 && d->pool_bytes[s] % 4096 == 0 && hm.total % 4096 == 0)
                        CF_CHECK_EQ(c, n, fit, "pools that fit the heap");
                else
                        CF_CHECK(c, n <= fit, "%d pools of %u bytes in a heap of %d (%d used)", n,
                                 d->pool_bytes[s], hm.total, hm.used);
                CF_CHECK(c, n >= 1, "not one pool fits the %s heap", s ? "secure" : "non-secure");
                /* Room comes back with a destroyed pool. */
                cf_pool_destroy(c, &c->pools[first]);
                cf_pool_new(c, d->video, s, d->id, l);
                for (size_t i = first; i < c->n_pools; i++)
                        if (c->pools[i].live)
                                cf_pool_destroy(c, &c->pools[i]);
        }
}

static void no_pool_in_heap(cf_ctx *c)
{
        const cf_decoder *d = NULL;
        cf_listener *l;
        size_t i;

        if (!c->p->loaded)
                cf_skip(c, "needs --profile");
        for (i = 0; i < c->p->n_decoders && !d; i++)
                if (!c->p->decoders[i].pool_bytes[1] && c->p->decoders[i].configured)
                        d = &c->p->decoders[i];
        if (!d)
                cf_skip(c, "every decoder of the profile has a secure pool");
        l = cf_listener_new(c);
        expect_create_fails(c, d->video, true, d->id, l, AVB_EX_SERVICE_SPECIFIC,
                            CF_HAL_OUT_OF_MEMORY);
}

static void destroy_not_empty(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t b = cf_buf_alloc(c, tp, 1000);
        avb_status st;
        bool ok = true;

        st = cf_api_destroy_pool(c->avb, tp->handle, &ok);
        CF_EXPECT_SS(c, st, CF_HAL_NOT_EMPTY, "destroyPool with a live buffer");
        cf_check_metrics(c);
        /* The pool is intact. */
        cf_buf_alloc(c, tp, 500);
        cf_buf_free(c, b);
        st = cf_api_destroy_pool(c->avb, tp->handle, &ok);
        CF_EXPECT_SS(c, st, CF_HAL_NOT_EMPTY, "destroyPool with one buffer left");
        cf_buf_free(c, tp->bufs[0].handle);
        cf_pool_destroy(c, tp);
}

static void destroy_unknown(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int8_t gone = tp->handle, vals[4];
        avb_status st;
        size_t i;
        bool ok;

        cf_pool_destroy(c, tp);
        vals[0] = gone;
        vals[1] = unused_pool_handle(c);
        vals[2] = -1;
        vals[3] = INT8_MIN;
        for (i = 0; i < 4; i++) {
                ok = true;
                st = cf_api_destroy_pool(c->avb, vals[i], &ok);
                CF_EXPECT_OK(c, st, "destroyPool of an unknown pool");
                CF_CHECK(c, !ok, "destroyPool(%d) of an unknown pool returned true", vals[i]);
        }
        cf_check_metrics(c);
}

static void pool_metrics_unknown(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int8_t vals[4];
        cf_pool_metrics pm;
        avb_status st;
        size_t i;

        cf_pool_destroy(c, tp);
        vals[0] = tp->handle;
        vals[1] = unused_pool_handle(c);
        vals[2] = -1;
        vals[3] = INT8_MIN;
        for (i = 0; i < 4; i++) {
                st = cf_api_pool_metrics(c->avb, vals[i], &pm);
                CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "getPoolMetrics of an unknown pool");
        }
}

static void all_pool_metrics(cf_ctx *c)
{
        cf_pool_metrics *m = NULL;
        size_t n = 0, i, j;
        avb_status st;
        int s;

        cf_pool_new(c, false, false, 0, NULL);
        cf_pool_new(c, true, false, 0, NULL);
        cf_pool_new(c, false, true, 0, NULL);
        cf_buf_alloc(c, &c->pools[0], 100);
        cf_buf_alloc(c, &c->pools[2], 3000);
        for (s = 0; s < 2; s++) {
                st = cf_api_all_pool_metrics(c->avb, s, &m, &n);
                CF_EXPECT_OK(c, st, "getAllPoolMetrics");
                for (i = 0; i < n; i++)
                        for (j = i + 1; j < n; j++)
                                if (m[i].pool == m[j].pool) {
                                        int8_t dup = m[i].pool;

                                        free(m);
                                        CF_FAIL(c, "getAllPoolMetrics(%d) lists pool %d twice", s,
                                                dup);
                                }
                free(m);
        }
        cf_check_metrics(c); /* one entry per pool, in the right heap, exact bytes */
        cf_buf_free(c, c->pools[0].bufs[0].handle);
        cf_buf_free(c, c->pools[2].bufs[0].handle);
        for (i = 0; i < c->n_pools; i++)
                cf_pool_destroy(c, &c->pools[i]);
}

static void heap_metrics(cf_ctx *c)
{
        cf_heap_metrics hm;
        avb_status st;
        bool none = true;
        int s, h;

        for (s = 0; s < 2; s++) {
                st = cf_api_heap_metrics(c->avb, s, &hm);
                CF_EXPECT_OK(c, st, "getHeapMetrics");
                CF_CHECK_EQ(c, hm.secure, s, "HeapMetrics.secure");
                CF_CHECK(c, hm.used >= 0 && hm.used <= hm.total,
                         "heap %d: bytesUsed %d of bytesTotal %d", s, hm.used, hm.total);
                if (c->p->loaded)
                        CF_CHECK_EQ(c, hm.total, c->p->heap_bytes[s], "heap size vs the profile");
                for (h = 0; h < CF_MAX_POOL_HANDLES; h++)
                        none = none && !c->foreign[s][h];
        }
        /* With no pool anywhere, nothing is used (frame pools aside). */
        if (none && c->p->loaded && c->p->n_frame_pools == 0)
                for (s = 0; s < 2; s++)
                        CF_CHECK_EQ(c, c->heap_base[s], 0, "bytesUsed of a heap without pools");
        /* Every create and destroy moves bytesUsed by exactly the pool's size. */
        cf_pool_new(c, true, false, 0, NULL);
        cf_pool_new(c, false, true, 0, NULL);
        cf_pool_new(c, false, false, 0, NULL);
        cf_pool_destroy(c, &c->pools[1]);
        cf_pool_destroy(c, &c->pools[0]);
        cf_pool_destroy(c, &c->pools[2]);
}

static void unimplemented_heap(cf_ctx *c)
{
        cf_pool_metrics *m = NULL;
        cf_heap_metrics hm;
        cf_listener *l;
        avb_status st;
        bool found = false;
        size_t i, n = 0;
        int s;

        if (!c->p->loaded)
                cf_skip(c, "needs --profile");
        l = cf_listener_new(c);
        for (s = 0; s < 2; s++) {
                if (c->p->heap_bytes[s])
                        continue;
                found = true;
                st = cf_api_heap_metrics(c->avb, s, &hm);
                CF_EXPECT_OK(c, st, "getHeapMetrics of a heap that is not implemented");
                CF_CHECK(c, hm.secure == (bool)s && hm.used == 0 && hm.total == 0,
                         "heap %d not implemented: {secure %d, used %d, total %d}", s, hm.secure,
                         hm.used, hm.total);
                for (i = 0; i < c->p->n_decoders; i++) {
                        const cf_decoder *d = &c->p->decoders[i];

                        if (s && !d->configured)
                                continue;
                        expect_create_fails(c, d->video, s, d->id, l, AVB_EX_SERVICE_SPECIFIC,
                                            CF_HAL_OUT_OF_MEMORY);
                }
                st = cf_api_all_pool_metrics(c->avb, s, &m, &n);
                CF_EXPECT_OK(c, st, "getAllPoolMetrics");
                free(m);
                CF_CHECK_EQ(c, n, 0, "pools in a heap that is not implemented");
        }
        if (!found)
                cf_skip(c, "the profile implements both heaps");
}

static void sizes_from_profile(cf_ctx *c)
{
        size_t i;
        int s;

        if (!c->p->loaded)
                cf_skip(c, "needs --profile");
        for (i = 0; i < c->p->n_decoders; i++) {
                const cf_decoder *d = &c->p->decoders[i];

                for (s = 0; s < 2; s++) {
                        if (!d->pool_bytes[s] || !c->p->heap_bytes[s] || (s && !d->configured))
                                continue;
                        /* cf_pool_new compares bytesTotal with the profile. */
                        cf_pool_destroy(c, cf_pool_new(c, d->video, s, d->id, NULL));
                }
        }
}

const cf_case cf_cases_pools[] = {
    {"HAL.AVBUF.2.first-pool-handle-is-zero", first_handle_zero,
     "the first pool of a fresh service gets handle 0"},
    {"HAL.AVBUF.2.unique-pool-handles-across-heaps", unique_pool_handles,
     "pools of both heaps and both kinds get distinct handles in 0..127"},
    {"HAL.AVBUF.2.handle-sequence-and-wrap", handle_sequence_and_wrap,
     "136 pools: handles go up by one, skip live ones, wrap after 127"},
    {"HAL.AVBUF.2.no-immediate-pool-handle-reuse", no_immediate_reuse,
     "a destroyed pool's handle is not handed out again at once"},
    {"HAL.AVBUF.5.heap-metrics", heap_metrics,
     "heap totals, secure flag, bytesUsed = sum of pool sizes after each step"},
    {"HAL.AVBUF.8.pool-and-heap-sizes-from-profile", sizes_from_profile,
     "every decoder's pool has the size the vendor profile gives"},
    {"getHeapMetrics.unimplemented-heap-reports-zero", unimplemented_heap,
     "a heap of 0 bytes reports 0/0 and every pool in it is OUT_OF_MEMORY"},
    {"createPool.invalid-decoder-id-illegal-argument", invalid_decoder_ids,
     "undeclared decoder ids give EX_ILLEGAL_ARGUMENT, audio and video, both heaps"},
    {"createVideoPool.undefined-id-illegal-argument", video_undefined_id,
     "IVideoDecoder.Id -1 is not a video decoder"},
    {"createAudioPool.undefined-id-valid", audio_undefined_id,
     "IAudioDecoder.Id.UNDEFINED (-1) makes a usable audio pool"},
    {"createPool.null-listener-null-pointer", null_listener,
     "a null listener gives EX_NULL_POINTER (from the stub or the server)"},
    {"createPool.secure-unconfigured-illegal-state", secure_unconfigured,
     "secure pool for an unconfigured decoder: EX_ILLEGAL_STATE until configured"},
    {"createPool.heap-exhausted-out-of-memory", heap_exhausted,
     "pools until the heap is full, then EX_SERVICE_SPECIFIC OUT_OF_MEMORY"},
    {"createPool.no-secure-pool-for-decoder-out-of-memory", no_pool_in_heap,
     "a decoder the profile gives 0 secure bytes: OUT_OF_MEMORY"},
    {"destroyPool.not-empty", destroy_not_empty,
     "destroyPool with live buffers: NOT_EMPTY, the pool stays usable"},
    {"destroyPool.unknown-pool-false", destroy_unknown,
     "destroyed, never-made, -1 and -128 pools: false"},
    {"getPoolMetrics.unknown-pool-illegal-argument", pool_metrics_unknown,
     "unknown pools give EX_ILLEGAL_ARGUMENT"},
    {"getAllPoolMetrics.one-entry-per-pool", all_pool_metrics,
     "one entry per pool of the heap asked for, none twice"},
    {NULL, NULL, NULL},
};
