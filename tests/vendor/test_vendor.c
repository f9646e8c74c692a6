/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Vendor facade tests: the IAVBuffer-shaped operations with their exact
 * error codes, metrics, space callbacks, client death, frame pools, the
 * helper paths and secure-memory rules, and concurrent use.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "avb_config.h"
#include "avbuffer/vendor.h"
#include "pool.h" /* AVB_POOL_MAX_PENDING_SIZES */

#define KiB 1024u
#define MiB (1024u * 1024u)

struct cb_log {
        struct avb_vendor *v;
        int calls; /* callbacks owed: the counts of every call summed */
        int8_t last;
        bool metrics_ok; /* the callback could call back into the vendor */
};

static void on_space(void *userdata, int8_t pool_handle, uint64_t count)
{
        struct cb_log *log = userdata;
        struct avb_pool_metrics m;

        assert_true(count >= 1);
        log->calls += (int)count;
        log->last = pool_handle;
        log->metrics_ok = avb_vendor_pool_metrics(log->v, pool_handle, &m) == 0;
}

struct fixture {
        struct avb_vendor *v;
        struct cb_log log;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        struct avb_vendor_config cfg;

        avb_vendor_config_init_defaults(&cfg);
        assert_int_equal(avb_vendor_new(&cfg, on_space, &f->log, &f->v), 0);
        f->log.v = f->v;
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        avb_vendor_free(f->v);
        free(f);
        return 0;
}

static int8_t pool_make(struct avb_vendor *v, enum avb_media_kind kind, bool secure, int32_t id,
                        uint64_t owner)
{
        int8_t p = -1;

        assert_int_equal(avb_vendor_create_pool(v, kind, secure, id, owner, &p), 0);
        return p;
}

static int64_t buf_make(struct avb_vendor *v, int8_t pool, int32_t size)
{
        int64_t h = 0;

        assert_int_equal(avb_vendor_alloc(v, pool, size, &h), 0);
        assert_true(h > 0);
        return h;
}

static void test_defaults(void **state)
{
        struct fixture *f = *state;
        struct avb_vendor_config cfg;
        struct avb_heap_metrics hm;
        size_t n;

        avb_vendor_config_init_defaults(&cfg);
        assert_int_equal(cfg.nonsecure_heap_bytes, 16000000);
        assert_int_equal(cfg.secure_heap_bytes, 16000000);
        assert_int_equal(cfg.alignment, 64);
        assert_int_equal(cfg.n_decoders, 5);
        assert_int_equal(cfg.n_frame_pools, 4);
        for (n = 0; n < 2; n++) {
                assert_int_equal(avb_vendor_heap_metrics(f->v, n == 1, &hm), 0);
                assert_int_equal(hm.secure, n == 1);
                assert_int_equal(hm.bytes_total, 16000000);
                assert_int_equal(hm.bytes_used, 8 * 64 * KiB + 16 * 16 * KiB); /* frame pools */
        }
        assert_true(avb_vendor_heap_fd(f->v, false) >= 0);
        assert_int_equal(avb_vendor_heap_fd(f->v, true), -EPERM);
        assert_true(avb_vendor_heap_vendor_fd(f->v, true) >= 0);
        assert_int_equal(avb_vendor_heap_size(f->v, true), 16000000);
        avb_vendor_free(NULL);
}

static void test_bad_config(void **state)
{
        struct avb_vendor_config cfg;
        struct avb_vendor *v = NULL;

        (void)state;
        avb_vendor_config_init_defaults(&cfg);
        cfg.alignment = 48;
        assert_int_equal(avb_vendor_new(&cfg, NULL, NULL, &v), -EINVAL);
        avb_vendor_config_init_defaults(&cfg);
        cfg.decoders[1].id = 0; /* video 0 twice */
        assert_int_equal(avb_vendor_new(&cfg, NULL, NULL, &v), -EINVAL);
        avb_vendor_config_init_defaults(&cfg);
        cfg.secure_heap_bytes = 100000; /* frame pools do not fit */
        assert_int_equal(avb_vendor_new(&cfg, NULL, NULL, &v), -ENOMEM);
        assert_null(v);
}

/* ── create_pool error table ─────────────────────────────────────────────── */

static const struct {
        enum avb_media_kind kind;
        bool secure;
        int32_t id;
        int expect;
        int32_t bytes_total;
} create_cases[] = {
    {AVB_MEDIA_VIDEO, false, 0, 0, 4 * MiB},
    {AVB_MEDIA_VIDEO, true, 1, 0, 4 * MiB},
    {AVB_MEDIA_AUDIO, false, AVB_DECODER_ID_UNDEFINED, 0, 256 * KiB},
    {AVB_MEDIA_AUDIO, true, 0, -EBADFD, 0},    /* set unconfigured below */
    {AVB_MEDIA_AUDIO, false, 0, 0, 512 * KiB}, /* non-secure is still fine */
    {AVB_MEDIA_VIDEO, false, AVB_DECODER_ID_UNDEFINED, -EINVAL, 0},
    {AVB_MEDIA_VIDEO, false, 2, -EINVAL, 0},
    {AVB_MEDIA_AUDIO, false, 5, -EINVAL, 0},
    {(enum avb_media_kind)9, false, 0, -EINVAL, 0},
    {AVB_MEDIA_VIDEO, false, 1, 0, 4 * MiB},
    {AVB_MEDIA_VIDEO, false, 1, 0, 4 * MiB},
    {AVB_MEDIA_VIDEO, false, 1, -ENOMEM, 0}, /* 4 x 4 MiB + frame pools > 16 MB */
};

static void test_create_pool_table(void **state)
{
        struct fixture *f = *state;
        int8_t expect_handle = 0;
        size_t i;

        assert_int_equal(avb_vendor_set_decoder_configured(f->v, AVB_MEDIA_AUDIO, 0, false), 0);
        assert_int_equal(avb_vendor_set_decoder_configured(f->v, AVB_MEDIA_AUDIO, 7, false),
                         -EINVAL);
        for (i = 0; i < sizeof(create_cases) / sizeof(create_cases[0]); i++) {
                int8_t p = 42;
                struct avb_pool_metrics m;

                assert_int_equal(avb_vendor_create_pool(f->v, create_cases[i].kind,
                                                        create_cases[i].secure, create_cases[i].id,
                                                        1, &p),
                                 create_cases[i].expect);
                if (create_cases[i].expect < 0) {
                        assert_int_equal(p, 42);
                        continue;
                }
                assert_int_equal(p, expect_handle++);
                assert_int_equal(avb_vendor_pool_metrics(f->v, p, &m), 0);
                assert_int_equal(m.pool_handle, p);
                assert_int_equal(m.bytes_used, 0);
                assert_int_equal(m.bytes_total, create_cases[i].bytes_total);
        }
        assert_int_equal(avb_vendor_set_decoder_configured(f->v, AVB_MEDIA_AUDIO, 0, true), 0);
        assert_int_equal(pool_make(f->v, AVB_MEDIA_AUDIO, true, 0, 1), expect_handle);
}

static void test_pool_handles_wrap(void **state)
{
        struct avb_vendor_config cfg;
        struct avb_vendor *v = NULL;
        int8_t p = 0;
        int i;

        (void)state;
        avb_vendor_config_init_defaults(&cfg);
        cfg.decoders[4].nonsecure_pool_bytes = 4096; /* audio UNDEFINED */
        assert_int_equal(avb_vendor_new(&cfg, NULL, NULL, &v), 0);
        for (i = 0; i < 128; i++)
                assert_int_equal(pool_make(v, AVB_MEDIA_AUDIO, false, -1, 7), i);
        assert_int_equal(avb_vendor_create_pool(v, AVB_MEDIA_AUDIO, false, -1, 7, &p), -ENOSPC);
        assert_int_equal(avb_vendor_destroy_pool(v, 100, AVB_VENDOR_ANY_OWNER), 0);
        assert_int_equal(avb_vendor_destroy_pool(v, 100, AVB_VENDOR_ANY_OWNER), -ENOENT);
        assert_int_equal(avb_vendor_destroy_pool(v, 20, AVB_VENDOR_ANY_OWNER), 0);
        assert_int_equal(pool_make(v, AVB_MEDIA_AUDIO, false, -1, 7), 20); /* wrapped */
        assert_int_equal(pool_make(v, AVB_MEDIA_AUDIO, false, -1, 7), 100);
        assert_int_equal(avb_vendor_destroy_pool(v, -1, AVB_VENDOR_ANY_OWNER), -ENOENT);
        avb_vendor_free(v);
}

/* ── alloc / trim / free with exact codes and metrics ────────────────────── */

static const struct {
        int8_t pool; /* -2: the test pool */
        int32_t size;
        int expect;
} alloc_cases[] = {
    {-2, 0, -EINVAL},
    {-2, -5, -EINVAL},
    {-2, INT32_MIN, -EINVAL},
    {-2, 256 * KiB + 1, -EINVAL},
    {99, 100, -ENOENT},
    {-1, 100, -ENOENT},
    {-2, 100, 0},
};

static void test_alloc_trim_free(void **state)
{
        struct fixture *f = *state;
        int8_t p = pool_make(f->v, AVB_MEDIA_AUDIO, false, -1, 1);
        struct avb_pool_metrics m;
        struct avb_buffer_info info;
        int64_t a, b, c, h = 77;
        size_t i;

        for (i = 0; i < sizeof(alloc_cases) / sizeof(alloc_cases[0]); i++) {
                int8_t pool = alloc_cases[i].pool == -2 ? p : alloc_cases[i].pool;

                assert_int_equal(avb_vendor_alloc(f->v, pool, alloc_cases[i].size, &h),
                                 alloc_cases[i].expect);
                if (alloc_cases[i].expect)
                        assert_int_equal(h, 77);
        }
        a = h;
        b = buf_make(f->v, p, 1000);
        assert_int_equal(avb_vendor_pool_metrics(f->v, p, &m), 0);
        assert_int_equal(m.bytes_used, 128 + 1024);

        assert_int_equal(avb_vendor_trim(f->v, a, 10), -EBUSY);
        assert_int_equal(avb_vendor_trim(f->v, b, 0), -EINVAL);
        assert_int_equal(avb_vendor_trim(f->v, b, -1), -EINVAL);
        assert_int_equal(avb_vendor_trim(f->v, b, 1001), -EINVAL);
        assert_int_equal(avb_vendor_trim(f->v, -1, 10), -ENOENT);
        assert_int_equal(avb_vendor_trim(f->v, b, 65), 0);
        assert_int_equal(avb_vendor_buffer_info(f->v, b, &info), 0);
        assert_int_equal(info.size, 65);
        assert_int_equal(info.pool_handle, p);
        assert_false(info.secure);
        assert_int_equal(avb_vendor_pool_metrics(f->v, p, &m), 0);
        assert_int_equal(m.bytes_used, 128 + 128);

        c = buf_make(f->v, p, 64);
        {
                struct avb_buffer_info ic;

                assert_int_equal(avb_vendor_buffer_info(f->v, c, &ic), 0);
                assert_int_equal(ic.heap_offset, info.heap_offset + 128); /* the trimmed tail */
        }
        assert_true(a != b && b != c && a != c);

        assert_int_equal(avb_vendor_destroy_pool(f->v, p, AVB_VENDOR_ANY_OWNER), -ENOTEMPTY);
        assert_true(avb_vendor_is_valid(f->v, b));
        assert_int_equal(avb_vendor_buffer_free(f->v, b), 0);
        assert_false(avb_vendor_is_valid(f->v, b));
        assert_int_equal(avb_vendor_buffer_free(f->v, b), -ENOENT);
        assert_int_equal(avb_vendor_buffer_free(f->v, -1), -ENOENT);
        assert_int_equal(avb_vendor_buffer_free(f->v, 0), -ENOENT);
        assert_false(avb_vendor_is_valid(f->v, -1));
        assert_int_equal(avb_vendor_buffer_free(f->v, a), 0);
        assert_int_equal(avb_vendor_buffer_free(f->v, c), 0);
        assert_int_equal(avb_vendor_pool_metrics(f->v, p, &m), 0);
        assert_int_equal(m.bytes_used, 0);
        assert_int_equal(avb_vendor_destroy_pool(f->v, p, AVB_VENDOR_ANY_OWNER), 0);
        assert_int_equal(avb_vendor_pool_metrics(f->v, p, &m), -ENOENT);
        assert_int_equal(avb_vendor_alloc(f->v, p, 10, &h), -ENOENT);
}

static void test_alloc_list_and_all_metrics(void **state)
{
        struct fixture *f = *state;
        int8_t p0 = pool_make(f->v, AVB_MEDIA_AUDIO, false, 0, 1);
        int8_t p1 = pool_make(f->v, AVB_MEDIA_AUDIO, true, 1, 1);
        int8_t p2 = pool_make(f->v, AVB_MEDIA_VIDEO, false, 0, 2);
        struct avb_pool_metrics all[AVB_VENDOR_MAX_POOLS];
        int64_t h[3], *list = NULL;
        size_t n = 99;
        int i;

        assert_int_equal(avb_vendor_alloc_list(f->v, p0, &list, &n), 0);
        assert_int_equal(n, 0);
        free(list);
        for (i = 0; i < 3; i++)
                h[i] = buf_make(f->v, p0, 100 * (i + 1));
        assert_int_equal(avb_vendor_buffer_free(f->v, h[1]), 0);
        assert_int_equal(avb_vendor_alloc_list(f->v, p0, &list, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(list[0], h[0]);
        assert_int_equal(list[1], h[2]);
        free(list);
        assert_int_equal(avb_vendor_alloc_list(f->v, 55, &list, &n), -ENOENT);

        assert_int_equal(avb_vendor_all_pool_metrics(f->v, false, all, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(all[0].pool_handle, p0);
        assert_int_equal(all[0].bytes_used, 128 + 320);
        assert_int_equal(all[0].bytes_total, 512 * KiB);
        assert_int_equal(all[1].pool_handle, p2);
        assert_int_equal(avb_vendor_all_pool_metrics(f->v, true, all, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(all[0].pool_handle, p1);
}

/* ── space-available requests ────────────────────────────────────────────── */

static void test_space_callbacks(void **state)
{
        struct fixture *f = *state;
        int8_t p = pool_make(f->v, AVB_MEDIA_AUDIO, false, -1, 1); /* 256 KiB */
        int64_t h[4];
        int i;

        assert_int_equal(avb_vendor_notify_when_space(f->v, p, 0), -EINVAL);
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, -3), -EINVAL);
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, 256 * KiB + 1), -EINVAL);
        assert_int_equal(avb_vendor_notify_when_space(f->v, 77, 10), -ENOENT);
        assert_int_equal(f->log.calls, 0);

        /* Room already there: exactly one callback, at once. */
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, 1000), 0);
        assert_int_equal(f->log.calls, 1);
        assert_int_equal(f->log.last, p);
        assert_true(f->log.metrics_ok); /* called without the vendor lock held */

        for (i = 0; i < 4; i++)
                h[i] = buf_make(f->v, p, 64 * KiB);
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, 100 * KiB), 0);
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, 10), 0);
        assert_int_equal(f->log.calls, 1);
        assert_int_equal(avb_vendor_buffer_free(f->v, h[1]), 0); /* 64 KiB hole: fires 10 only */
        assert_int_equal(f->log.calls, 2);
        assert_int_equal(avb_vendor_buffer_free(f->v, h[2]), 0); /* 128 KiB hole: fires 100 KiB */
        assert_int_equal(f->log.calls, 3);
        assert_int_equal(avb_vendor_buffer_free(f->v, h[3]), 0); /* nothing pending */
        assert_int_equal(f->log.calls, 3);

        /* Trim fires too. */
        h[1] = buf_make(f->v, p, 192 * KiB);
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, 32 * KiB), 0);
        assert_int_equal(f->log.calls, 3);
        assert_int_equal(avb_vendor_trim(f->v, h[1], 100 * KiB), 0);
        assert_int_equal(f->log.calls, 4);

        /* Pending requests die with the pool. */
        for (i = 0; i < 100; i++)
                assert_int_equal(avb_vendor_notify_when_space(f->v, p, 256 * KiB), 0);
        assert_int_equal(avb_vendor_destroy_owner(f->v, 1, true, NULL), 0);
        assert_int_equal(f->log.calls, 4);
        assert_false(avb_vendor_is_valid(f->v, h[0]));
}

/*
 * However many requests are pending, a valid one is taken; beyond
 * AVB_POOL_MAX_PENDING_SIZES sizes they merge into a larger pending size, so
 * none fires before its own size fits and each fires exactly once.
 */
static void test_space_requests_merge(void **state)
{
        struct fixture *f = *state;
        int8_t p = pool_make(f->v, AVB_MEDIA_AUDIO, false, -1, 1); /* 256 KiB */
        int n_sizes = (int)AVB_POOL_MAX_PENDING_SIZES;
        int64_t h[4];
        int i;

        for (i = 0; i < 4; i++)
                h[i] = buf_make(f->v, p, 64 * KiB);
        /* Another client floods the pool with the largest size, then many sizes. */
        for (i = 0; i < 1000; i++)
                assert_int_equal(avb_vendor_notify_when_space(f->v, p, 256 * KiB), 0);
        for (i = 1; i < n_sizes; i++) /* with 256 KiB: every slot taken */
                assert_int_equal(avb_vendor_notify_when_space(f->v, p, i * KiB), 0);
        /* No slot left: 100 KiB joins 256 KiB, 1 KiB + 1 joins 2 KiB. */
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, 100 * KiB), 0);
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, KiB + 1), 0);
        assert_int_equal(f->log.calls, 0);

        assert_int_equal(avb_vendor_buffer_free(f->v, h[1]), 0); /* 64 KiB hole */
        assert_int_equal(f->log.calls, n_sizes - 1 + 1);         /* the small sizes, KiB + 1 too */
        assert_int_equal(avb_vendor_buffer_free(f->v, h[2]), 0); /* 128 KiB: 100 KiB waits */
        assert_int_equal(f->log.calls, n_sizes);
        assert_int_equal(avb_vendor_buffer_free(f->v, h[0]), 0);
        assert_int_equal(avb_vendor_buffer_free(f->v, h[3]), 0); /* empty: the rest */
        assert_int_equal(f->log.calls, n_sizes + 1001);

        /* A size above every pending one raises the largest: it waits, never less. */
        h[0] = buf_make(f->v, p, 256 * KiB);
        for (i = 1; i <= n_sizes; i++)
                assert_int_equal(avb_vendor_notify_when_space(f->v, p, i * KiB), 0);
        assert_int_equal(avb_vendor_notify_when_space(f->v, p, 200 * KiB), 0);
        assert_int_equal(avb_vendor_trim(f->v, h[0], 128 * KiB), 0); /* 128 KiB free */
        assert_int_equal(f->log.calls, n_sizes + 1001 + n_sizes - 1);
        assert_int_equal(avb_vendor_buffer_free(f->v, h[0]), 0);
        assert_int_equal(f->log.calls, n_sizes + 1001 + n_sizes + 1);
}

/* Only the pool's creator (or a caller for any owner) destroys it; nothing changes otherwise. */
static void test_destroy_pool_owner(void **state)
{
        struct fixture *f = *state;
        int8_t p = pool_make(f->v, AVB_MEDIA_VIDEO, false, 0, 5);
        struct avb_pool_metrics m;
        int64_t h = buf_make(f->v, p, 100), x;

        /* A stranger gets -EPERM before -ENOTEMPTY: it learns nothing. */
        assert_int_equal(avb_vendor_destroy_pool(f->v, p, 6), -EPERM);
        assert_int_equal(avb_vendor_destroy_pool(f->v, p, 5), -ENOTEMPTY);
        assert_int_equal(avb_vendor_buffer_free(f->v, h), 0);
        assert_int_equal(avb_vendor_destroy_pool(f->v, p, 6), -EPERM);
        assert_int_equal(avb_vendor_pool_metrics(f->v, p, &m), 0);
        assert_int_equal(avb_vendor_alloc(f->v, p, 10, &x), 0);
        assert_int_equal(avb_vendor_buffer_free(f->v, x), 0);
        assert_int_equal(avb_vendor_destroy_pool(f->v, p, 5), 0);
        assert_int_equal(avb_vendor_destroy_pool(f->v, p, 5), -ENOENT);
        p = pool_make(f->v, AVB_MEDIA_VIDEO, false, 0, 5);
        assert_int_equal(avb_vendor_destroy_pool(f->v, p, AVB_VENDOR_ANY_OWNER), 0);
}

/* ── client death ────────────────────────────────────────────────────────── */

static void test_destroy_owner_deferred(void **state)
{
        struct fixture *f = *state;
        int8_t mine = pool_make(f->v, AVB_MEDIA_VIDEO, true, 0, 5);
        int8_t empty = pool_make(f->v, AVB_MEDIA_AUDIO, true, 0, 5);
        int8_t other = pool_make(f->v, AVB_MEDIA_AUDIO, true, 1, 6);
        struct avb_heap_metrics before, after;
        struct avb_pool_metrics all[AVB_VENDOR_MAX_POOLS];
        int64_t h = buf_make(f->v, mine, 5000), x;
        size_t deferred = 9, n;

        assert_int_equal(avb_vendor_heap_metrics(f->v, true, &before), 0);
        assert_int_equal(avb_vendor_destroy_owner(f->v, 5, false, &deferred), 0);
        assert_int_equal(deferred, 1);
        /* The pool is gone for clients, its buffer lives on (a decoder may hold it). */
        assert_int_equal(avb_vendor_alloc(f->v, mine, 10, &x), -ENOENT);
        assert_int_equal(avb_vendor_destroy_pool(f->v, mine, AVB_VENDOR_ANY_OWNER), -ENOENT);
        assert_int_equal(avb_vendor_notify_when_space(f->v, mine, 10), -ENOENT);
        assert_int_equal(avb_vendor_pool_metrics(f->v, empty, &all[0]), -ENOENT);
        assert_true(avb_vendor_is_valid(f->v, h));
        assert_int_equal(avb_vendor_all_pool_metrics(f->v, true, all, &n), 0);
        assert_int_equal(n, 2); /* the DESTROYING pool still holds heap bytes */
        assert_int_equal(avb_vendor_trim(f->v, h, 100), 0);
        /* Its handle is not handed out while it is DESTROYING. */
        assert_int_equal(pool_make(f->v, AVB_MEDIA_AUDIO, false, -1, 6), other + 1);
        assert_int_equal(avb_vendor_buffer_free(f->v, h), 0);
        assert_int_equal(avb_vendor_heap_metrics(f->v, true, &after), 0);
        assert_int_equal(after.bytes_used, before.bytes_used - 4 * MiB - 512 * KiB);
        assert_int_equal(avb_vendor_all_pool_metrics(f->v, true, all, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(all[0].pool_handle, other);
        assert_int_equal(avb_vendor_destroy_owner(f->v, 6, false, &deferred), 0);
        assert_int_equal(deferred, 0);
}

/* A dead client's pool left DESTROYING is reclaimed by a later forcing pass. */
static void test_destroy_owner_force_after_grace(void **state)
{
        struct fixture *f = *state;
        int8_t mine = pool_make(f->v, AVB_MEDIA_VIDEO, false, 0, 7);
        int64_t h = buf_make(f->v, mine, 5000);
        struct avb_pool_metrics all[AVB_VENDOR_MAX_POOLS];
        size_t deferred = 0, n = 9;

        assert_int_equal(avb_vendor_destroy_owner(f->v, 7, false, &deferred), 0);
        assert_int_equal(deferred, 1);
        assert_true(avb_vendor_is_valid(f->v, h));
        assert_int_equal(avb_vendor_destroy_owner(f->v, 7, true, &deferred), 0);
        assert_int_equal(deferred, 0);
        assert_false(avb_vendor_is_valid(f->v, h));
        assert_int_equal(avb_vendor_buffer_free(f->v, h), -ENOENT);
        assert_int_equal(avb_vendor_all_pool_metrics(f->v, false, all, &n), 0);
        assert_int_equal(n, 0);
}

/* ── frame pools share the handle space ──────────────────────────────────── */

static void test_frame_pools(void **state)
{
        struct fixture *f = *state;
        struct avb_buffer_info info;
        int64_t h[8], x = 5;
        int8_t p = pool_make(f->v, AVB_MEDIA_VIDEO, false, 0, 1);
        int64_t pb = buf_make(f->v, p, 100);
        int i;

        for (i = 0; i < 8; i++) {
                assert_int_equal(avb_vendor_frame_alloc(f->v, 0, &h[i]), 0);
                assert_true(h[i] > 0 && h[i] != pb);
        }
        assert_int_equal(avb_vendor_frame_alloc(f->v, 0, &x), -ENOMEM);
        assert_int_equal(avb_vendor_frame_alloc(f->v, 4, &x), -ENOENT);
        assert_int_equal(x, 5);
        assert_int_equal(avb_vendor_buffer_info(f->v, h[3], &info), 0);
        assert_int_equal(info.pool_handle, AVB_VENDOR_FRAME_POOL_BUFFER);
        assert_int_equal(info.size, 64 * KiB);
        assert_false(info.secure);
        assert_int_equal(avb_vendor_trim(f->v, h[3], 10), -EBUSY);
        assert_int_equal(avb_vendor_buffer_free(f->v, h[3]), 0); /* IAVBuffer.free of a frame */
        assert_int_equal(avb_vendor_buffer_free(f->v, h[3]), -ENOENT);
        assert_int_equal(avb_vendor_frame_alloc(f->v, 0, &x), 0);
        assert_true(x != h[3]);
        assert_int_equal(avb_vendor_frame_alloc(f->v, 1, &x), 0);
        assert_int_equal(avb_vendor_buffer_info(f->v, x, &info), 0);
        assert_true(info.secure);
}

/*
 * Frame ownership, one step after another on frames a (client 1's), b
 * (client 1's, handed on to a sink) and c (the server's), with pool buffer pb.
 */
enum own_op { MOVE, FREE_AS, FREE_OWNER };
static const struct {
        enum own_op op;
        int frame;         /* 0 a, 1 b, 2 c, 3 pb */
        uint64_t from, to; /* MOVE; FREE_AS: from is the caller; FREE_OWNER: from */
        int expect;        /* FREE_OWNER: frames freed */
} own_steps[] = {
    {MOVE, 0, 0, 1, 0},          /* a delivered to client 1 */
    {MOVE, 1, 0, 1, 0},          /* b delivered to client 1 */
    {MOVE, 0, 0, 2, -EPERM},     /* a is no longer the server's */
    {MOVE, 1, 2, 0, -EPERM},     /* client 2 cannot hand b on */
    {MOVE, 1, 1, 0, 0},          /* client 1 queues b to a sink */
    {FREE_AS, 1, 1, 0, -EPERM},  /* nor free it once handed on */
    {FREE_AS, 2, 1, 0, -EPERM},  /* nor free one the server holds */
    {FREE_AS, 0, 2, 0, -EPERM},  /* client 2 cannot free client 1's */
    {FREE_AS, 0, 0, 0, -EPERM},  /* the server's id is no client's */
    {MOVE, 3, 1, 0, -ENOENT},    /* a pool buffer has no frame owner */
    {FREE_AS, 3, 7, 0, 0},       /* and is freed as before */
    {FREE_OWNER, 0, 0, 0, 0},    /* the server owns nothing a death frees */
    {FREE_OWNER, 0, 1, 0, 1},    /* client 1 dies: a only; b stays the sink's */
    {FREE_AS, 0, 1, 0, -ENOENT}, /* a is gone */
    {FREE_OWNER, 0, 1, 0, 0},    /* nothing twice */
};

static void test_frame_owners(void **state)
{
        struct fixture *f = *state;
        int8_t p = pool_make(f->v, AVB_MEDIA_VIDEO, false, 0, 1);
        int64_t h[4];

        for (int i = 0; i < 3; i++)
                assert_int_equal(avb_vendor_frame_alloc(f->v, 0, &h[i]), 0);
        h[3] = buf_make(f->v, p, 100);
        for (size_t i = 0; i < sizeof(own_steps) / sizeof(own_steps[0]); i++) {
                int64_t x = h[own_steps[i].frame];
                int r;

                if (own_steps[i].op == MOVE)
                        r = avb_vendor_frame_move(f->v, x, own_steps[i].from, own_steps[i].to);
                else if (own_steps[i].op == FREE_AS)
                        r = avb_vendor_buffer_free_as(f->v, x, own_steps[i].from);
                else
                        r = (int)avb_vendor_frame_free_owner(f->v, own_steps[i].from);
                if (r != own_steps[i].expect)
                        fail_msg("step %zu: %d, expected %d", i, r, own_steps[i].expect);
        }
        assert_true(avb_vendor_is_valid(f->v, h[1]) && avb_vendor_is_valid(f->v, h[2]));
        assert_int_equal(avb_vendor_buffer_free(f->v, h[1]), 0); /* the sink's release */
}

/* More frames than a decoder once remembered: a death frees every one of them. */
static void test_frame_owner_many(void **state)
{
        struct fixture *f = *state;
        struct avb_vendor_config cfg;
        struct avb_vendor *v = NULL;
        int64_t h;

        (void)f;
        avb_vendor_config_init_defaults(&cfg);
        cfg.frame_pools[0].block_count = 100;
        cfg.frame_pools[0].block_size = 4096;
        assert_int_equal(avb_vendor_new(&cfg, NULL, NULL, &v), 0);
        for (int i = 0; i < 100; i++) {
                assert_int_equal(avb_vendor_frame_alloc(v, 0, &h), 0);
                assert_int_equal(avb_vendor_frame_move(v, h, AVB_VENDOR_FRAME_SERVER, 9), 0);
        }
        assert_int_equal(avb_vendor_frame_alloc(v, 0, &h), -ENOMEM);
        assert_int_equal(avb_vendor_frame_free_owner(v, 9), 100);
        for (int i = 0; i < 100; i++)
                assert_int_equal(avb_vendor_frame_alloc(v, 0, &h), 0);
        avb_vendor_free(v);
}

/* ── helper paths and secure memory ──────────────────────────────────────── */

static void test_secure_zero_after_free(void **state)
{
        struct fixture *f = *state;
        int8_t p = pool_make(f->v, AVB_MEDIA_AUDIO, true, 0, 1);
        struct avb_buffer_info i1, i2;
        static const uint8_t zero[4096];
        uint8_t buf[4096];
        int64_t h = buf_make(f->v, p, 4096);

        memset(buf, 0x5a, sizeof(buf));
        assert_int_equal(avb_vendor_buffer_write(f->v, h, 0, buf, sizeof(buf)), 0);
        memset(buf, 0, sizeof(buf));
        assert_int_equal(avb_vendor_buffer_read_for_vendor(f->v, h, 0, buf, sizeof(buf)), 0);
        assert_int_equal(buf[0], 0x5a);
        assert_int_equal(buf[4095], 0x5a);
        assert_int_equal(avb_vendor_buffer_info(f->v, h, &i1), 0);
        assert_true(i1.secure);
        assert_int_equal(avb_vendor_buffer_free(f->v, h), 0);
        h = buf_make(f->v, p, 4096);
        assert_int_equal(avb_vendor_buffer_info(f->v, h, &i2), 0);
        assert_int_equal(i2.heap_offset, i1.heap_offset); /* same bytes again */
        assert_int_equal(avb_vendor_buffer_read_for_vendor(f->v, h, 0, buf, sizeof(buf)), 0);
        assert_memory_equal(buf, zero, sizeof(buf));

        /* A trimmed tail is scrubbed as well. */
        memset(buf, 0x77, sizeof(buf));
        assert_int_equal(avb_vendor_buffer_write(f->v, h, 0, buf, sizeof(buf)), 0);
        assert_int_equal(avb_vendor_trim(f->v, h, 1024), 0);
        h = buf_make(f->v, p, 3072);
        assert_int_equal(avb_vendor_buffer_read_for_vendor(f->v, h, 0, buf, 3072), 0);
        assert_memory_equal(buf, zero, 3072);
}

static void test_copy_rules(void **state)
{
        struct fixture *f = *state;
        int8_t ns = pool_make(f->v, AVB_MEDIA_VIDEO, false, 0, 1);
        int8_t sec = pool_make(f->v, AVB_MEDIA_VIDEO, true, 0, 1);
        int64_t a = buf_make(f->v, ns, 100), b = buf_make(f->v, ns, 100);
        int64_t s1 = buf_make(f->v, sec, 100), s2 = buf_make(f->v, sec, 100);
        const struct avb_copy_range r1[] = {{0, 10, 5}, {5, 0, 5}};
        const struct avb_copy_range bad[] = {{0, 0, 5}, {96, 0, 5}};
        char out[16] = {0};

        assert_int_equal(avb_vendor_buffer_write(f->v, a, 0, "0123456789", 10), 0);
        assert_int_equal(avb_vendor_buffer_write(f->v, a, 91, "0123456789", 10), -ERANGE);
        assert_int_equal(avb_vendor_buffer_write(f->v, a, UINT32_MAX, "0", 1), -ERANGE);
        assert_int_equal(avb_vendor_buffer_write(f->v, 12345, 0, "0", 1), -ENOENT);
        assert_int_equal(avb_vendor_buffer_copy(f->v, a, b, r1, 2), 0);
        assert_int_equal(avb_vendor_buffer_read_for_vendor(f->v, b, 0, out, 15), 0);
        assert_memory_equal(out,
                            "56789\0\0\0\0\0"
                            "01234",
                            15);
        assert_int_equal(avb_vendor_buffer_copy(f->v, a, s1, r1, 2), 0);  /* into secure */
        assert_int_equal(avb_vendor_buffer_copy(f->v, s1, s2, r1, 2), 0); /* secure to secure */
        memset(out, 0, sizeof(out));
        assert_int_equal(avb_vendor_buffer_read_for_vendor(f->v, s2, 0, out, 15), 0);
        assert_memory_equal(out,
                            "\0\0\0\0\0\0\0\0\0\0"
                            "56789",
                            15);
        assert_int_equal(avb_vendor_buffer_copy(f->v, s1, a, r1, 2), -EPERM); /* out of secure */
        assert_int_equal(avb_vendor_buffer_copy(f->v, a, b, bad, 2), -ERANGE);
        memset(out, 0, sizeof(out));
        assert_int_equal(avb_vendor_buffer_read_for_vendor(f->v, b, 0, out, 5), 0);
        assert_memory_equal(out, "56789", 5); /* nothing moved: checked first */
        assert_int_equal(avb_vendor_buffer_copy(f->v, a, -1, r1, 2), -ENOENT);
}

/*
 * Ranges bigger than the vendor's 1 MiB slices, overlapping themselves in one
 * buffer both ways, act as memmove; writes and reads across slices too.
 */
static void test_copy_slices(void **state)
{
        struct fixture *f = *state;
        enum { SIZE = 3 * MiB + 77, UP = 100000, DOWN = 200000 };
        static uint8_t model[SIZE], got[SIZE];
        const struct avb_copy_range up = {0, UP, SIZE - UP}, down = {DOWN, 0, SIZE - DOWN};

        for (int secure = 0; secure < 2; secure++) {
                int8_t p = pool_make(f->v, AVB_MEDIA_VIDEO, secure, 0, 1);
                int64_t h = buf_make(f->v, p, SIZE);

                for (size_t i = 0; i < SIZE; i++)
                        model[i] = (uint8_t)(i * 131 + i / 4099);
                assert_int_equal(avb_vendor_buffer_write(f->v, h, 0, model, SIZE), 0);
                assert_int_equal(avb_vendor_buffer_copy(f->v, h, h, &up, 1), 0);
                memmove(model + up.dst_offset, model + up.src_offset, up.size);
                assert_int_equal(avb_vendor_buffer_copy(f->v, h, h, &down, 1), 0);
                memmove(model + down.dst_offset, model + down.src_offset, down.size);
                assert_int_equal(avb_vendor_buffer_read_for_vendor(f->v, h, 0, got, SIZE), 0);
                assert_memory_equal(got, model, SIZE);
                /* A range that does not fit moves nothing, whatever its size. */
                assert_int_equal(avb_vendor_buffer_write(f->v, h, 1, model, SIZE), -ERANGE);
                assert_int_equal(avb_vendor_buffer_read_for_vendor(f->v, h, 0, got, SIZE), 0);
                assert_memory_equal(got, model, SIZE);
                assert_int_equal(avb_vendor_buffer_free(f->v, h), 0);
                assert_int_equal(avb_vendor_destroy_pool(f->v, p, AVB_VENDOR_ANY_OWNER), 0);
        }
}

static void test_sha1(void **state)
{
        struct fixture *f = *state;
        int8_t p = pool_make(f->v, AVB_MEDIA_AUDIO, true, 0, 1);
        int64_t h = buf_make(f->v, p, 3);
        static const uint8_t abc[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
                                        0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
        uint8_t d[20];

        assert_int_equal(avb_vendor_buffer_write(f->v, h, 0, "abc", 3), 0);
#if AVB_DEBUG_API
        assert_int_equal(avb_vendor_buffer_sha1(f->v, h, d), 0);
        assert_memory_equal(d, abc, 20);
        assert_int_equal(avb_vendor_buffer_sha1(f->v, -1, d), -ENOENT);
#else
        (void)abc;
        assert_int_equal(avb_vendor_buffer_sha1(f->v, h, d), -EOPNOTSUPP);
#endif
}

/* ── buffer observer ─────────────────────────────────────────────────────── */

struct obs_event {
        int64_t handle;
        bool live;
        struct avb_buffer_info info;
};

struct obs_log {
        struct obs_event ev[16];
        int n;
};

static void on_buffer(void *userdata, int64_t handle, const struct avb_buffer_info *info)
{
        struct obs_log *log = userdata;
        struct obs_event *e = &log->ev[log->n++ % 16];

        e->handle = handle;
        e->live = info != NULL;
        if (info)
                e->info = *info;
}

static void test_observer(void **state)
{
        struct fixture *f = *state;
        struct obs_log log = {0};
        int8_t p = pool_make(f->v, AVB_MEDIA_AUDIO, false, 0, 3);
        int64_t a, b, fr;

        avb_vendor_set_observer(f->v, on_buffer, &log);
        a = buf_make(f->v, p, 1000);
        assert_int_equal(log.n, 1);
        assert_int_equal(log.ev[0].handle, a);
        assert_true(log.ev[0].live);
        assert_int_equal(log.ev[0].info.size, 1000);
        assert_int_equal(log.ev[0].info.pool_handle, p);
        assert_int_equal(avb_vendor_trim(f->v, a, 10), 0);
        assert_int_equal(log.n, 2);
        assert_int_equal(log.ev[1].info.size, 10);
        assert_int_equal(log.ev[1].info.heap_offset, log.ev[0].info.heap_offset);
        assert_int_equal(avb_vendor_trim(f->v, a, 11), -EINVAL); /* no event on failure */
        assert_int_equal(avb_vendor_frame_alloc(f->v, 2, &fr), 0);
        assert_int_equal(log.n, 3);
        assert_int_equal(log.ev[2].info.pool_handle, AVB_VENDOR_FRAME_POOL_BUFFER);
        assert_int_equal(avb_vendor_buffer_free(f->v, fr), 0);
        assert_int_equal(log.n, 4);
        assert_int_equal(log.ev[3].handle, fr);
        assert_false(log.ev[3].live);
        assert_int_equal(avb_vendor_buffer_free(f->v, fr), -ENOENT);
        assert_int_equal(log.n, 4);
        b = buf_make(f->v, p, 64);
        assert_int_equal(avb_vendor_destroy_owner(f->v, 3, true, NULL), 0);
        assert_int_equal(log.n, 7);
        assert_int_equal(log.ev[5].handle, a); /* oldest first */
        assert_false(log.ev[5].live);
        assert_int_equal(log.ev[6].handle, b);
        assert_false(log.ev[6].live);
        avb_vendor_set_observer(f->v, NULL, NULL);
        assert_int_equal(avb_vendor_frame_alloc(f->v, 2, &fr), 0);
        assert_int_equal(log.n, 7);
}

/* ── concurrent clients ──────────────────────────────────────────────────── */

struct worker {
        struct avb_vendor *v;
        int8_t pool;
        unsigned seed;
};

static void *worker_run(void *arg)
{
        struct worker *w = arg;
        int64_t held[16];
        int n = 0, i;

        for (i = 0; i < 20000; i++) {
                int64_t h;

                if (n < 16 && avb_vendor_alloc(w->v, w->pool,
                                               1 + (int32_t)(rand_r(&w->seed) % 8000), &h) == 0)
                        held[n++] = h;
                else if (n > 0 && avb_vendor_buffer_free(w->v, held[--n]) != 0)
                        return (void *)1;
        }
        while (n > 0)
                if (avb_vendor_buffer_free(w->v, held[--n]) != 0)
                        return (void *)1;
        return NULL;
}

static void test_threads(void **state)
{
        struct fixture *f = *state;
        int8_t pools[2] = {pool_make(f->v, AVB_MEDIA_AUDIO, false, 0, 1),
                           pool_make(f->v, AVB_MEDIA_AUDIO, true, 1, 1)};
        struct worker w[4];
        pthread_t t[4];
        struct avb_pool_metrics m;
        int i;

        for (i = 0; i < 4; i++) {
                w[i] = (struct worker){f->v, pools[i % 2], (unsigned)i + 1};
                assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
        }
        for (i = 0; i < 4; i++) {
                void *ret;

                assert_int_equal(pthread_join(t[i], &ret), 0);
                assert_null(ret);
        }
        for (i = 0; i < 2; i++) {
                assert_int_equal(avb_vendor_pool_metrics(f->v, pools[i], &m), 0);
                assert_int_equal(m.bytes_used, 0);
                assert_int_equal(avb_vendor_destroy_pool(f->v, pools[i], AVB_VENDOR_ANY_OWNER), 0);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
            cmocka_unit_test(test_bad_config),
            cmocka_unit_test_setup_teardown(test_create_pool_table, setup, teardown),
            cmocka_unit_test(test_pool_handles_wrap),
            cmocka_unit_test_setup_teardown(test_alloc_trim_free, setup, teardown),
            cmocka_unit_test_setup_teardown(test_alloc_list_and_all_metrics, setup, teardown),
            cmocka_unit_test_setup_teardown(test_space_callbacks, setup, teardown),
            cmocka_unit_test_setup_teardown(test_space_requests_merge, setup, teardown),
            cmocka_unit_test_setup_teardown(test_destroy_pool_owner, setup, teardown),
            cmocka_unit_test_setup_teardown(test_destroy_owner_deferred, setup, teardown),
            cmocka_unit_test_setup_teardown(test_destroy_owner_force_after_grace, setup, teardown),
            cmocka_unit_test_setup_teardown(test_frame_pools, setup, teardown),
            cmocka_unit_test_setup_teardown(test_frame_owners, setup, teardown),
            cmocka_unit_test_setup_teardown(test_frame_owner_many, setup, teardown),
            cmocka_unit_test_setup_teardown(test_secure_zero_after_free, setup, teardown),
            cmocka_unit_test_setup_teardown(test_copy_rules, setup, teardown),
            cmocka_unit_test_setup_teardown(test_copy_slices, setup, teardown),
            cmocka_unit_test_setup_teardown(test_sha1, setup, teardown),
            cmocka_unit_test_setup_teardown(test_observer, setup, teardown),
            cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
