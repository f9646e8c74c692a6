/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Buffers: alloc, trim, free, isValid, handles (HAL.AVBUF.1, 3, 4, 6) and the
 * spec's fragmentation table.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

        return (x > y) - (x < y);
}

/* Fails when any value repeats; sorts vals. */
static void expect_distinct(cf_ctx *c, int64_t *vals, size_t n, const char *what)
{
        size_t i;

        qsort(vals, n, sizeof(*vals), cmp_i64);
        for (i = 0; i + 1 < n; i++)
                CF_CHECK(c, vals[i] != vals[i + 1], "%s: handle %lld given twice", what,
                         (long long)vals[i]);
}

static void expect_invalid_handle(cf_ctx *c, int64_t h, const char *why)
{
        uint8_t d[CF_SHA1_BYTES];
        avb_status st;
        bool ok = true;
        size_t n;

        st = cf_api_is_valid(c->avb, h, &ok);
        CF_EXPECT_OK(c, st, "isValid");
        CF_CHECK(c, !ok, "isValid(%lld) (%s) is true", (long long)h, why);
        ok = true;
        st = cf_api_free(c->avb, h, &ok);
        CF_EXPECT_OK(c, st, "free of an invalid handle");
        CF_CHECK(c, !ok, "free(%lld) (%s) returned true", (long long)h, why);
        st = cf_api_trim(c->avb, h, 1, &ok);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "trimSize of an invalid handle");
        if (cf_sha1_supported(c)) {
                st = cf_api_sha1(c->avb, h, d, &n);
                CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "calculateSHA1 of an invalid handle");
        }
}

static void unique_buffer_handles(cf_ctx *c)
{
        int64_t all[5 * 20];
        size_t n = 0, p;
        bool ok;
        int i;

        cf_pool_new(c, false, false, 0, NULL);
        cf_pool_new(c, true, false, 0, NULL);
        cf_pool_new(c, false, true, 0, NULL);
        cf_pool_new(c, true, true, 0, NULL);
        cf_pool_new(c, false, false, -1, NULL);
        c->auto_metrics = false;
        for (i = 0; i < 20; i++)
                for (p = 0; p < c->n_pools; p++) {
                        int64_t h = cf_buf_alloc(c, &c->pools[p], 100 + i);

                        CF_CHECK(c, h > 0 && h != -1, "buffer handle %lld", (long long)h);
                        all[n++] = h;
                }
        c->auto_metrics = true;
        cf_check_metrics(c);
        for (i = 0; i < (int)n; i++) {
                avb_status st = cf_api_is_valid(c->avb, all[i], &ok);

                CF_EXPECT_OK(c, st, "isValid");
                CF_CHECK(c, ok, "isValid(%lld) of a live buffer is false", (long long)all[i]);
        }
        expect_distinct(c, all, n, "five pools in two heaps");
        c->auto_metrics = false;
        for (p = 0; p < c->n_pools; p++)
                while (c->pools[p].n_bufs)
                        cf_buf_free(c, c->pools[p].bufs[0].handle);
        c->auto_metrics = true;
        for (i = 0; i < (int)n; i++)
                expect_invalid_handle(c, all[i], "freed");
        for (p = 0; p < c->n_pools; p++)
                cf_pool_destroy(c, &c->pools[p]);
}

static void one_frame(cf_ctx *c)
{
        static const int32_t sizes[] = {1, 63, 64, 65, 1000, 4095, 4097};
        cf_tpool *tp = cf_pool_new(c, true, false, 0, NULL);
        size_t i, size;
        void *ptr;
        int e;

        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
                int64_t h = cf_buf_alloc(c, tp, sizes[i]);

                e = avb_helper_get_size(cf_helper(c), h, &size);
                CF_CHECK(c, e == 0, "avb_helper_get_size: %s", cf_errname(e));
                CF_CHECK_EQ(c, size, sizes[i], "allocated size");
                ptr = cf_map(c, h, (size_t)sizes[i]);
                memset(ptr, 0xa5, (size_t)sizes[i]);
                cf_unmap(c, h, ptr);
        }
        while (tp->n_bufs)
                cf_buf_free(c, tp->bufs[tp->n_bufs - 1].handle);
        /* A frame as big as the pool is one allocation. */
        cf_buf_free(c, cf_buf_alloc(c, tp, tp->total));
        cf_pool_destroy(c, tp);
}

static void trim_last(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int32_t big = tp->total - 4096;
        int64_t a, b, x;
        avb_status st;
        size_t size;
        bool ok;

        a = cf_buf_alloc(c, tp, big);
        b = cf_buf_alloc(c, tp, 4096); /* the pool is full now */
        st = cf_api_alloc(c->avb, tp->handle, 64, &x);
        CF_EXPECT_SS(c, st, CF_HAL_OUT_OF_MEMORY, "alloc in a full pool");
        cf_buf_trim(c, b, 100);
        CF_CHECK(c, avb_helper_get_size(cf_helper(c), b, &size) == 0 && size == 100,
                 "size after trimSize(100): %zu", size);
        cf_buf_trim(c, b, 100); /* to its own size */
        st = cf_api_trim(c->avb, b, 101, &ok);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "trimSize above the current size");
        /* The trimmed tail is free at once. */
        x = cf_buf_alloc(c, tp, 4096 - (int32_t)cf_align_up(c, 100));
        /* Now x is the last allocation: it trims, a and b do not. */
        st = cf_api_trim(c->avb, b, 50, &ok);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "trimSize of a buffer that is no longer last");
        cf_buf_trim(c, x, 1);
        cf_buf_free(c, a);
        cf_buf_free(c, b);
        cf_buf_free(c, x);
        cf_pool_destroy(c, tp);
}

static void trim_not_last(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t a = cf_buf_alloc(c, tp, 3000), b = cf_buf_alloc(c, tp, 2000);
        cf_tpool *other = cf_pool_new(c, true, false, 0, NULL);
        avb_status st;
        bool ok;

        st = cf_api_trim(c->avb, a, 1000, &ok);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "trimSize of the first of two buffers");
        /* Last-ness is per pool: an allocation elsewhere does not change it. */
        cf_buf_alloc(c, other, 500);
        st = cf_api_trim(c->avb, a, 1000, &ok);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "trimSize of a pool's first buffer");
        cf_buf_trim(c, b, 1000);
        cf_check_metrics(c);
        cf_buf_free(c, a);
        cf_buf_free(c, b);
        cf_buf_free(c, other->bufs[0].handle);
        cf_pool_destroy(c, tp);
        cf_pool_destroy(c, other);
}

static void trim_bad_size(cf_ctx *c)
{
        static const int32_t sizes[] = {0, -1, INT32_MIN, 2001, 4096, INT32_MAX, INT32_MAX - 63};
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t b = cf_buf_alloc(c, tp, 2000);
        avb_status st;
        size_t i;
        bool ok;

        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
                st = cf_api_trim(c->avb, b, sizes[i], &ok);
                CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "trimSize to a bad size");
        }
        cf_check_metrics(c); /* size unchanged */
        cf_buf_free(c, b);
        cf_pool_destroy(c, tp);
}

static void trim_other_pool_size(cf_ctx *c)
{
        cf_tpool *big = cf_pool_new(c, true, false, 0, NULL);
        cf_tpool *small = cf_pool_new(c, false, false, 0, NULL);
        int64_t b = cf_buf_alloc(c, small, 1000);
        avb_status st;
        bool ok;

        cf_buf_alloc(c, big, 1000);
        /* A size the other pool could hold is still beyond this buffer. */
        st = cf_api_trim(c->avb, b, big->total - 64, &ok);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "trimSize beyond the buffer's size");
        st = cf_api_trim(c->avb, b, small->total, &ok);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "trimSize to the size of its pool");
        cf_check_metrics(c);
}

static void bad_handles(cf_ctx *c)
{
        static const int64_t fixed[] = {-1, 0, INT64_MIN, INT64_MAX, 1, (int64_t)1 << 32};
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t live = cf_buf_alloc(c, tp, 500);
        int64_t stale = cf_buf_alloc(c, tp, 500);
        int64_t forged[10];
        size_t i, j;
        bool ok;

        cf_buf_free(c, stale);
        expect_invalid_handle(c, stale, "stale");
        for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
                if (fixed[i] != live)
                        expect_invalid_handle(c, fixed[i], "fixed value");
        forged[0] = live + 1;
        forged[1] = live - 1;
        forged[2] = live ^ 1;
        forged[3] = live ^ ((int64_t)1 << 31);
        forged[4] = live ^ ((int64_t)1 << 32);
        forged[5] = live ^ ((int64_t)1 << 40);
        forged[6] = live ^ ((int64_t)1 << 62);
        forged[7] = -live;
        forged[8] = stale + 1;
        forged[9] = (live & ~(int64_t)0xffffffff) | (stale & 0xffffffff);
        for (i = 0; i < 10; i++) {
                bool is_live = false;

                for (j = 0; j < tp->n_bufs; j++)
                        is_live = is_live || tp->bufs[j].handle == forged[i];
                if (!is_live)
                        expect_invalid_handle(c, forged[i], "forged from a live handle");
        }
        /* The live one survived all that. */
        {
                avb_status st = cf_api_is_valid(c->avb, live, &ok);

                CF_EXPECT_OK(c, st, "isValid");
        }
        CF_CHECK(c, ok, "the live buffer became invalid");
        cf_check_metrics(c);
        cf_buf_free(c, live);
        cf_pool_destroy(c, tp);
}

static void alloc_unknown_pool(cf_ctx *c)
{
        bool live[CF_MAX_POOL_HANDLES];
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int8_t vals[4] = {tp->handle, -1, INT8_MIN, -1};
        avb_status st;
        int64_t h;
        int i;

        cf_pool_destroy(c, tp);
        cf_live_pool_set(c, live);
        for (i = CF_MAX_POOL_HANDLES - 1; i >= 0 && vals[3] == -1; i--)
                if (!live[i])
                        vals[3] = (int8_t)i;
        for (i = 0; i < 4; i++) {
                st = cf_api_alloc(c->avb, vals[i], 100, &h);
                CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "alloc from an unknown pool");
        }
        cf_check_metrics(c);
}

static void alloc_bad_size(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int32_t sizes[] = {
            0, -1, -64, INT32_MIN, tp->total + 1, INT32_MAX, INT32_MAX - 63, INT32_MAX - 4095};
        avb_status st;
        int64_t h;
        size_t i;

        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
                st = cf_api_alloc(c->avb, tp->handle, sizes[i], &h);
                CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "alloc of a bad size");
        }
        cf_check_metrics(c);
        cf_pool_destroy(c, tp);
}

static void alloc_out_of_memory(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t whole = cf_buf_alloc(c, tp, tp->total), h;
        avb_status st;

        st = cf_api_alloc(c->avb, tp->handle, 1, &h);
        CF_EXPECT_SS(c, st, CF_HAL_OUT_OF_MEMORY, "alloc(1) in a full pool");
        st = cf_api_alloc(c->avb, tp->handle, tp->total, &h);
        CF_EXPECT_SS(c, st, CF_HAL_OUT_OF_MEMORY, "alloc(pool size) in a full pool");
        cf_check_metrics(c);
        cf_buf_free(c, whole);
        h = cf_buf_alloc(c, tp, 1);
        cf_buf_free(c, h);
        cf_pool_destroy(c, tp);
}

static void free_twice(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, 700);

        cf_buf_free(c, h);
        expect_invalid_handle(c, h, "freed once already"); /* the second free: false */
        cf_check_metrics(c);
        cf_pool_destroy(c, tp);
}

static void is_valid_lifecycle(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, true, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, 700);
        avb_status st;
        bool ok = false;

        st = cf_api_is_valid(c->avb, h, &ok);
        CF_EXPECT_OK(c, st, "isValid");
        CF_CHECK(c, ok, "isValid of a live secure buffer is false");
        cf_buf_trim(c, h, 10);
        st = cf_api_is_valid(c->avb, h, &ok);
        CF_EXPECT_OK(c, st, "isValid");
        CF_CHECK(c, ok, "isValid of a trimmed buffer is false");
        cf_buf_free(c, h);
        expect_invalid_handle(c, h, "freed");
        cf_pool_destroy(c, tp);
}

static void never_reused(cf_ctx *c)
{
        enum { ROUNDS = 600 };
        static int64_t seen[ROUNDS];
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t prev = 0;
        int i;

        c->auto_metrics = false;
        for (i = 0; i < ROUNDS; i++) {
                int64_t h = cf_buf_alloc(c, tp, 64 + (i % 7) * 100);

                CF_CHECK(c, h > 0 && h != prev, "alloc %d gave handle %lld (previous %lld)", i,
                         (long long)h, (long long)prev);
                seen[i] = prev = h;
                /* Keep a few alive so slots are freed out of order. */
                if (tp->n_bufs > 3)
                        cf_buf_free(c, tp->bufs[(size_t)i % tp->n_bufs].handle);
        }
        c->auto_metrics = true;
        while (tp->n_bufs)
                cf_buf_free(c, tp->bufs[0].handle);
        expect_distinct(c, seen, ROUNDS, "600 allocations");
        cf_pool_destroy(c, tp);
}

static void alloc_list(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t *list = NULL, want[3];
        avb_status st;
        size_t n = 0, i;

        for (i = 0; i < 3; i++)
                want[i] = cf_buf_alloc(c, tp, 300);
        st = cf_api_alloc_list(c->avb, tp->handle, &list, &n);
        if (st.exception == AVB_EX_UNSUPPORTED_OPERATION)
                cf_skip(c, "getAllocList is not built in (debug_api=false)");
        CF_EXPECT_OK(c, st, "getAllocList");
        CF_CHECK_EQ(c, n, 3, "getAllocList entries");
        qsort(list, n, sizeof(*list), cmp_i64);
        qsort(want, 3, sizeof(*want), cmp_i64);
        for (i = 0; i < 3; i++)
                if (list[i] != want[i]) {
                        free(list);
                        CF_FAIL(c, "getAllocList does not list the pool's live buffers");
                }
        free(list);
        cf_buf_free(c, tp->bufs[1].handle);
        st = cf_api_alloc_list(c->avb, tp->handle, &list, &n);
        CF_EXPECT_OK(c, st, "getAllocList");
        free(list);
        CF_CHECK_EQ(c, n, 2, "getAllocList entries after a free");
        while (tp->n_bufs)
                cf_buf_free(c, tp->bufs[0].handle);
        cf_pool_destroy(c, tp);
        st = cf_api_alloc_list(c->avb, tp->handle, &list, &n);
        if (avb_status_is_ok(&st))
                free(list);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "getAllocList of a destroyed pool");
        st = cf_api_alloc_list(c->avb, -1, &list, &n);
        if (avb_status_is_ok(&st))
                free(list);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "getAllocList(-1)");
}

/* The spec's table: 1 alloc, 2 alloc, 2 free, 3 alloc, 1 free, 3 free. */
static void fragmentation_table(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int32_t q = tp->total / 4;
        int64_t b1, b2, b3;

        b1 = cf_buf_alloc(c, tp, q);
        b2 = cf_buf_alloc(c, tp, q - 100);
        cf_buf_free(c, b2);
        b3 = cf_buf_alloc(c, tp, q + 100);
        cf_buf_free(c, b1);
        cf_buf_free(c, b3);
        /* Nothing is lost: the whole pool is one allocation again. */
        cf_buf_free(c, cf_buf_alloc(c, tp, tp->total));
        cf_pool_destroy(c, tp);
}

static uint32_t rnd(uint32_t *s)
{
        *s ^= *s << 13;
        *s ^= *s >> 17;
        *s ^= *s << 5;
        return *s;
}

/* Many rounds of allocs until full and frees in a scrambled order. */
static void fragmentation_random(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        uint32_t seed = 0x5eed;
        int round, i, allocs = 0, ooms = 0;
        avb_status st;

        for (round = 0; round < 12; round++) {
                for (i = 0; i < 12; i++) {
                        int32_t size = 1 + (int32_t)(rnd(&seed) % (uint32_t)(tp->total / 5));

                        cf_buf_try(c, tp, size, &st);
                        if (st.exception == AVB_EX_SERVICE_SPECIFIC &&
                            st.service_specific == CF_HAL_OUT_OF_MEMORY) {
                                ooms++;
                                break;
                        }
                        CF_EXPECT_OK(c, st, "alloc");
                        allocs++;
                }
                /* Free about half, in a random order. */
                for (i = (int)tp->n_bufs / 2 + 1; i > 0 && tp->n_bufs; i--)
                        cf_buf_free(c, tp->bufs[rnd(&seed) % tp->n_bufs].handle);
        }
        while (tp->n_bufs)
                cf_buf_free(c, tp->bufs[rnd(&seed) % tp->n_bufs].handle);
        cf_note(c, "%d allocations, %d OUT_OF_MEMORY answers", allocs, ooms);
        cf_buf_free(c, cf_buf_alloc(c, tp, tp->total));
        cf_pool_destroy(c, tp);
}

static void pool_metrics_exact(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, true, 0, NULL);
        int64_t a, b, d;

        /* cf_buf_* compare every metric with the model after each call. */
        a = cf_buf_alloc(c, tp, 1);
        b = cf_buf_alloc(c, tp, 65);
        d = cf_buf_alloc(c, tp, 129);
        cf_buf_trim(c, d, 64);
        cf_buf_free(c, b);
        cf_buf_trim(c, d, 63);
        cf_buf_free(c, a);
        b = cf_buf_alloc(c, tp, 4096);
        cf_buf_free(c, d);
        cf_buf_free(c, b);
        cf_pool_destroy(c, tp);
}

const cf_case cf_cases_buffers[] = {
    {"HAL.AVBUF.1.unique-buffer-handles-across-pools-and-heaps", unique_buffer_handles,
     "100 buffers from 5 pools in 2 heaps: distinct, positive, never -1"},
    {"HAL.AVBUF.3.one-allocation-holds-a-frame", one_frame,
     "an allocation has exactly the size asked for, up to the whole pool"},
    {"HAL.AVBUF.4.trim-last-allocation", trim_last,
     "the last buffer trims; the freed tail is usable at once"},
    {"HAL.AVBUF.6.pool-metrics-exact", pool_metrics_exact,
     "bytesUsed = sum of live sizes rounded to the alignment, after each step"},
    {"trimSize.not-last-illegal-state", trim_not_last,
     "trimming a buffer that is not its pool's last: EX_ILLEGAL_STATE"},
    {"trimSize.bad-size-illegal-argument", trim_bad_size,
     "0, negative, above the current size, near INT32_MAX: EX_ILLEGAL_ARGUMENT"},
    {"trimSize.size-beyond-buffer-from-another-pool", trim_other_pool_size,
     "a size another pool could hold is still beyond the buffer"},
    {"buffer-handles.stale-forged-and-minus-one-invalid", bad_handles,
     "stale, forged, 0 and -1 handles: isValid false, free false, trim/SHA-1 refused"},
    {"buffer-handles.never-reused", never_reused,
     "600 allocations with out-of-order frees: no handle value twice"},
    {"alloc.unknown-pool-illegal-argument", alloc_unknown_pool,
     "alloc from destroyed, unused, -1, -128 pools: EX_ILLEGAL_ARGUMENT"},
    {"alloc.bad-size-illegal-argument", alloc_bad_size,
     "0, negative, pool size + 1 and near INT32_MAX: EX_ILLEGAL_ARGUMENT"},
    {"alloc.full-pool-out-of-memory", alloc_out_of_memory,
     "the whole pool, then OUT_OF_MEMORY without blocking, room after a free"},
    {"free.twice-false", free_twice, "the second free of a handle returns false"},
    {"isValid.lifecycle", is_valid_lifecycle, "true while live (also trimmed), false after"},
    {"getAllocList.live-handles", alloc_list,
     "lists the live buffers of a pool; unknown pool: EX_ILLEGAL_ARGUMENT"},
    {"fragmentation.spec-table", fragmentation_table,
     "the spec's alloc/free order for 3 buffers, metrics after each step"},
    {"fragmentation.random-out-of-order-frees", fragmentation_random,
     "12 rounds of fill-and-scrambled-free; the whole pool is free at the end"},
    {NULL, NULL, NULL},
};
