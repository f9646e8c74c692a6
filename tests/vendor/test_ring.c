/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ring allocator tests: argument tables, the specification's fragmentation
 * table, trim rules, edge cases, long randomised runs against a reference
 * model, and utilisation at first out-of-memory on a video-like trace.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

static struct avb_ring *ring_make(uint32_t size, uint32_t align)
{
        struct avb_ring *ring = NULL;

        assert_int_equal(avb_ring_new(size, align, &ring), 0);
        return ring;
}

/* ── avb_ring_new argument table ─────────────────────────────────────────── */

static const struct {
        uint32_t size, align;
        int expect;
} new_cases[] = {
    {4096, 64, 0},      {64, 64, 0},         {1, 1, 0},          {0, 64, -EINVAL},
    {4096, 0, -EINVAL}, {4096, 48, -EINVAL}, {100, 64, -EINVAL}, {1u << 20, 4096, 0},
};

static void test_new_table(void **state)
{
        size_t i;

        (void)state;
        for (i = 0; i < sizeof(new_cases) / sizeof(new_cases[0]); i++) {
                struct avb_ring *ring = NULL;
                int r = avb_ring_new(new_cases[i].size, new_cases[i].align, &ring);

                assert_int_equal(r, new_cases[i].expect);
                assert_true((r == 0) == (ring != NULL));
                avb_ring_free(ring);
        }
        avb_ring_free(NULL);
}

/* ── alloc size table on a 1024-byte ring, align 64 ──────────────────────── */

static const struct {
        uint32_t size;
        int expect;
        uint64_t used; /* bytes_used after it */
} alloc_cases[] = {
    {0, -EINVAL, 0},    {UINT32_MAX, -EINVAL, 0}, /* a negative int32 cast to uint32 */
    {1025, -EINVAL, 0}, {1, 0, 64},
    {64, 0, 128},       {65, 0, 256},
    {768, 0, 1024},     {1, -ENOMEM, 1024},
};

static void test_alloc_table(void **state)
{
        struct avb_ring *ring = ring_make(1024, 64);
        uint64_t id = 777;
        uint32_t off = 777;
        size_t i;

        (void)state;
        for (i = 0; i < sizeof(alloc_cases) / sizeof(alloc_cases[0]); i++) {
                uint64_t before_id = id;

                assert_int_equal(avb_ring_alloc(ring, alloc_cases[i].size, &id, &off),
                                 alloc_cases[i].expect);
                if (alloc_cases[i].expect < 0)
                        assert_int_equal(id, before_id); /* untouched on failure */
                assert_int_equal(avb_ring_bytes_used(ring), alloc_cases[i].used);
        }
        assert_int_equal(avb_ring_live_count(ring), 4);
        assert_int_equal(avb_ring_largest_free(ring), 0);
        avb_ring_free(ring);
}

/* ── the specification's fragmentation table ─────────────────────────────── */

static void test_fragmentation_table(void **state)
{
        struct avb_ring *ring = ring_make(4096, 64);
        uint64_t b1, b2, b3;
        uint32_t o1, o2, o3;

        (void)state;
        assert_int_equal(avb_ring_alloc(ring, 1000, &b1, &o1), 0); /* 1 */
        assert_int_equal(avb_ring_alloc(ring, 1000, &b2, &o2), 0); /* 2 */
        assert_int_equal(o1, 0);
        assert_int_equal(o2, 1024);
        assert_int_equal(avb_ring_release(ring, b2), 0);           /* 3 */
        assert_int_equal(avb_ring_alloc(ring, 2000, &b3, &o3), 0); /* 4 */
        assert_int_equal(o3, 1024);                      /* B2's bytes came back at once */
        assert_int_equal(avb_ring_release(ring, b1), 0); /* 5 */
        assert_int_equal(avb_ring_bytes_used(ring), 2048);
        assert_int_equal(avb_ring_live_count(ring), 1);
        assert_int_equal(avb_ring_release(ring, b3), 0); /* 6 */
        assert_int_equal(avb_ring_bytes_used(ring), 0);
        assert_int_equal(avb_ring_live_count(ring), 0);
        assert_int_equal(avb_ring_largest_free(ring), 4096);
        assert_int_equal(avb_ring_release(ring, b3), -ENOENT);
        assert_int_equal(avb_ring_release(ring, b1), -ENOENT);
        avb_ring_free(ring);
}

/* ── trim ────────────────────────────────────────────────────────────────── */

static void test_trim_rules(void **state)
{
        struct avb_ring *ring = ring_make(4096, 64);
        uint64_t a, b, c;
        uint32_t off, size, asize;

        (void)state;
        assert_int_equal(avb_ring_alloc(ring, 1000, &a, &off), 0);
        assert_int_equal(avb_ring_alloc(ring, 2000, &b, &off), 0);
        assert_int_equal(off, 1024);
        assert_int_equal(avb_ring_trim(ring, a, 10), -EBUSY);
        assert_int_equal(avb_ring_trim(ring, b, 0), -EINVAL);
        assert_int_equal(avb_ring_trim(ring, b, 2001), -EINVAL);
        assert_int_equal(avb_ring_trim(ring, 9999, 1), -ENOENT);
        assert_int_equal(avb_ring_trim(ring, b, 2000), 0); /* equal size is fine */
        assert_int_equal(avb_ring_trim(ring, b, 100), 0);
        assert_int_equal(avb_ring_lookup(ring, b, &off, &size, &asize), 0);
        assert_int_equal(size, 100);
        assert_int_equal(asize, 128);
        assert_int_equal(avb_ring_bytes_used(ring), 1024 + 128);
        assert_int_equal(avb_ring_trim(ring, b, 101), -EINVAL); /* cannot grow back */
        /* The freed tail is usable immediately. */
        assert_int_equal(avb_ring_alloc(ring, 64, &c, &off), 0);
        assert_int_equal(off, 1024 + 128);
        /* After the newest is freed, the one before it is the last again. */
        assert_int_equal(avb_ring_trim(ring, b, 50), -EBUSY);
        assert_int_equal(avb_ring_release(ring, c), 0);
        assert_int_equal(avb_ring_trim(ring, b, 50), 0);
        assert_int_equal(avb_ring_release(ring, b), 0);
        assert_int_equal(avb_ring_trim(ring, a, 64), 0);
        assert_int_equal(avb_ring_bytes_used(ring), 64);
        avb_ring_free(ring);
}

/* ── full, empty and wrap edges ──────────────────────────────────────────── */

static void test_full_empty_wrap(void **state)
{
        struct avb_ring *ring = ring_make(1024, 64);
        uint64_t id[4], x;
        uint32_t off;
        int i;

        (void)state;
        assert_true(avb_ring_can_alloc(ring, 1024));
        assert_false(avb_ring_can_alloc(ring, 0));
        assert_false(avb_ring_can_alloc(ring, 1025));
        assert_int_equal(avb_ring_alloc(ring, 1024, &x, &off), 0);
        assert_int_equal(avb_ring_largest_free(ring), 0);
        assert_false(avb_ring_can_alloc(ring, 1));
        assert_int_equal(avb_ring_alloc(ring, 1, &id[0], &off), -ENOMEM);
        assert_int_equal(avb_ring_release(ring, x), 0);

        for (i = 0; i < 4; i++) {
                assert_int_equal(avb_ring_alloc(ring, 256, &id[i], &off), 0);
                assert_int_equal(off, 256 * (uint32_t)i);
        }
        /* Free the two oldest out of order: a hole, then merged with its neighbour. */
        assert_int_equal(avb_ring_release(ring, id[1]), 0);
        assert_int_equal(avb_ring_largest_free(ring), 256);
        assert_false(avb_ring_can_alloc(ring, 257));
        assert_int_equal(avb_ring_release(ring, id[0]), 0);
        assert_int_equal(avb_ring_largest_free(ring), 512);
        /* The head (after block 3) is at the pool end: wraps to 0. */
        assert_int_equal(avb_ring_alloc(ring, 300, &x, &off), 0);
        assert_int_equal(off, 0);
        assert_int_equal(avb_ring_largest_free(ring), 512 - 320);
        assert_false(avb_ring_can_alloc(ring, 193));
        assert_true(avb_ring_can_alloc(ring, 192));
        assert_int_equal(avb_ring_release(ring, id[2]), 0);
        assert_int_equal(avb_ring_release(ring, id[3]), 0);
        /* Only the wrapped block at 0 is left; the space after it is free. */
        assert_int_equal(avb_ring_largest_free(ring), 1024 - 320);
        assert_int_equal(avb_ring_release(ring, x), 0);
        assert_int_equal(avb_ring_largest_free(ring), 1024);
        avb_ring_free(ring);
}

static void test_cookies_and_growth(void **state)
{
        struct avb_ring *ring = ring_make(1u << 20, 64);
        uint64_t ids[1000], cookies[1000], oldest, cookie;
        uint32_t off;
        size_t i;

        (void)state;
        assert_int_equal(avb_ring_oldest(ring, &oldest, &cookie), -ENOENT);
        for (i = 0; i < 1000; i++) { /* grows the record deque several times */
                assert_int_equal(avb_ring_alloc(ring, 64, &ids[i], &off), 0);
                assert_int_equal(avb_ring_set_cookie(ring, ids[i], 5000 + i), 0);
        }
        for (i = 0; i < 1000; i += 2)
                assert_int_equal(avb_ring_release(ring, ids[i]), 0);
        assert_int_equal(avb_ring_cookies(ring, cookies, 1000), 500);
        for (i = 0; i < 500; i++)
                assert_int_equal(cookies[i], 5000 + 2 * i + 1);
        assert_int_equal(avb_ring_cookies(ring, cookies, 3), 500);
        assert_int_equal(avb_ring_oldest(ring, &oldest, &cookie), 0);
        assert_int_equal(oldest, ids[1]);
        assert_int_equal(cookie, 5001);
        assert_int_equal(avb_ring_set_cookie(ring, ids[0], 1), -ENOENT);
        avb_ring_free(ring);
}

/* ── randomised runs against a reference model ───────────────────────────── */

struct model_block {
        uint64_t id;
        uint64_t order; /* allocation order */
        uint32_t off, req, asize;
};

struct model {
        struct model_block *live;
        size_t n;
        uint64_t used;
        uint64_t next_order;
        uint8_t *owner; /* one byte per alignment unit: 1 = occupied */
        uint32_t align, size;
};

static uint64_t rng_state;

static uint32_t rnd(void)
{
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        return (uint32_t)(rng_state >> 16);
}

static void model_mark(struct model *m, uint32_t off, uint32_t len, uint8_t val)
{
        uint32_t u;

        assert_true(off % m->align == 0);
        assert_true((uint64_t)off + len <= m->size);
        for (u = off / m->align; u < (off + len) / m->align; u++) {
                assert_int_not_equal(m->owner[u], val); /* overlap or double free */
                m->owner[u] = val;
        }
}

static size_t model_newest(const struct model *m)
{
        size_t i, best = 0;

        for (i = 1; i < m->n; i++)
                if (m->live[i].order > m->live[best].order)
                        best = i;
        return best;
}

/* Longest run of free units in the model, in bytes. */
static uint32_t model_largest_free(const struct model *m)
{
        uint32_t u, run = 0, best = 0;

        for (u = 0; u < m->size / m->align; u++) {
                run = m->owner[u] ? 0 : run + 1;
                if (run > best)
                        best = run;
        }
        return best * m->align;
}

static void model_check(struct model *m, struct avb_ring *ring, long op)
{
        uint32_t lf = avb_ring_largest_free(ring);

        /* Free space is merged eagerly, so the ring's answer is the true one. */
        if (op % 128 == 0)
                assert_int_equal(lf, model_largest_free(m));

        assert_int_equal(avb_ring_bytes_used(ring), m->used);
        assert_int_equal(avb_ring_live_count(ring), m->n);
        assert_true(lf <= m->size - m->used);
        if (lf > 0)
                assert_true(avb_ring_can_alloc(ring, lf));
        if (lf + m->align <= m->size)
                assert_false(avb_ring_can_alloc(ring, lf + 1));
        if (m->n == 0)
                assert_int_equal(lf, m->size);
}

static void model_remove(struct model *m, size_t i)
{
        model_mark(m, m->live[i].off, m->live[i].asize, 0);
        m->used -= m->live[i].asize;
        m->live[i] = m->live[--m->n];
}

static void run_random(uint64_t seed, uint32_t size, uint32_t align, uint32_t max_req, long ops)
{
        struct avb_ring *ring = ring_make(size, align);
        struct model m = {.align = align, .size = size};
        long op;

        rng_state = seed;
        m.live = calloc(size / align + 1, sizeof(*m.live));
        m.owner = calloc(size / align, 1);
        assert_non_null(m.live);
        assert_non_null(m.owner);

        for (op = 0; op < ops; op++) {
                uint32_t dice = rnd() % 100;

                if (dice < 55) { /* alloc */
                        uint32_t req = 1 + rnd() % max_req, off;
                        bool could = avb_ring_can_alloc(ring, req);
                        uint64_t id;
                        int r = avb_ring_alloc(ring, req, &id, &off);

                        assert_int_equal(r == 0, could);
                        if (r < 0) {
                                assert_int_equal(r, -ENOMEM);
                        } else {
                                struct model_block b = {id, m.next_order++, off, req,
                                                        (req + align - 1) / align * align};

                                model_mark(&m, off, b.asize, 1);
                                m.used += b.asize;
                                m.live[m.n++] = b;
                        }
                } else if (dice < 92 && m.n > 0) { /* free: mostly oldest-ish */
                        size_t i = 0, j;

                        if (rnd() % 4 != 0) {
                                for (j = 1; j < m.n; j++)
                                        if (m.live[j].order < m.live[i].order)
                                                i = j;
                        } else {
                                i = rnd() % m.n;
                        }
                        assert_int_equal(avb_ring_release(ring, m.live[i].id), 0);
                        assert_int_equal(avb_ring_release(ring, m.live[i].id), -ENOENT);
                        model_remove(&m, i);
                } else if (m.n > 0) { /* trim a random block: only the newest may */
                        size_t i = rnd() % m.n, newest = model_newest(&m);
                        struct model_block *b = &m.live[i];
                        uint32_t ns = 1 + rnd() % b->req;
                        int r = avb_ring_trim(ring, b->id, ns);

                        if (i != newest) {
                                assert_int_equal(r, -EBUSY);
                        } else {
                                uint32_t nas = (ns + align - 1) / align * align;

                                assert_int_equal(r, 0);
                                model_mark(&m, b->off + nas, b->asize - nas, 0);
                                m.used -= b->asize - nas;
                                b->asize = nas;
                                b->req = ns;
                        }
                }
                model_check(&m, ring, op);
        }
        while (m.n > 0) {
                assert_int_equal(avb_ring_release(ring, m.live[m.n - 1].id), 0);
                model_remove(&m, m.n - 1);
                model_check(&m, ring, 0);
        }
        free(m.live);
        free(m.owner);
        avb_ring_free(ring);
}

static const struct {
        uint64_t seed;
        uint32_t size, align, max_req;
        long ops;
} random_cases[] = {
    {0x1234567, 1u << 20, 64, 48 * 1024, 200000},
    {0xfeedbeef, 1u << 20, 64, 200 * 1024, 200000},
    {42, 1u << 18, 1, 9000, 200000},
    {7, 1u << 20, 4096, 64 * 1024, 200000},
    {99, 4096, 64, 4096, 200000}, /* tiny pool: full/empty edges all the time */
};

static void test_random_vs_model(void **state)
{
        size_t i;

        (void)state;
        for (i = 0; i < sizeof(random_cases) / sizeof(random_cases[0]); i++)
                run_random(random_cases[i].seed, random_cases[i].size, random_cases[i].align,
                           random_cases[i].max_req, random_cases[i].ops);
}

/* ── utilisation at first out-of-memory on a video-like trace ────────────── */

/*
 * A demuxer fills a 4 MiB pool with compressed frames (an I-frame of
 * 60-250 KiB every 30 frames, P-frames of 8-48 KiB, B-frames of 2-16 KiB)
 * while a decoder frees them in order of age except within consecutive
 * windows of w frames, which it frees in a random order. It frees 9 frames
 * for every 10 produced, so the pool eventually fills. Utilisation = live
 * bytes / pool size at the first alloc that fails.
 */
static double utilisation_trace(uint64_t seed, uint32_t w)
{
        const uint32_t pool = 4u << 20;
        struct avb_ring *ring = ring_make(pool, 64);
        static uint64_t ids[20000];
        size_t frame = 0, live = 0, window_base = 0, pending = 0, perm[64];
        double util = -1;

        rng_state = seed;
        while (frame < sizeof(ids) / sizeof(ids[0])) {
                uint32_t size, off;

                if (frame % 30 == 0)
                        size = 60 * 1024 + rnd() % (190 * 1024);
                else if (frame % 3 == 0)
                        size = 8 * 1024 + rnd() % (40 * 1024);
                else
                        size = 2 * 1024 + rnd() % (14 * 1024);
                if (avb_ring_alloc(ring, size, &ids[frame], &off) < 0) {
                        util = (double)avb_ring_bytes_used(ring) / pool;
                        break;
                }
                frame++;
                live++;
                if (frame % 10 == 0 || live <= w)
                        continue;
                if (pending == 0) { /* shuffle the next window of oldest frames */
                        size_t a;

                        for (a = 0; a < w; a++)
                                perm[a] = window_base + a;
                        for (a = w - 1; a > 0; a--) {
                                size_t b = rnd() % (a + 1), t = perm[a];

                                perm[a] = perm[b];
                                perm[b] = t;
                        }
                        pending = w;
                        window_base += w;
                }
                assert_int_equal(avb_ring_release(ring, ids[perm[--pending]]), 0);
                live--;
        }
        avb_ring_free(ring);
        return util;
}

static void test_utilisation(void **state)
{
        static const uint32_t windows[] = {1, 4, 8};
        size_t w;
        uint64_t seed;

        (void)state;
        for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
                double worst = 1.0, sum = 0;
                int runs = 0;

                for (seed = 1; seed <= 40; seed++) {
                        double u = utilisation_trace(seed * 7919, windows[w]);

                        assert_true(u > 0); /* the trace did reach out-of-memory */
                        sum += u;
                        runs++;
                        if (u < worst)
                                worst = u;
                }
                printf(
                    "ring utilisation at first OOM, window %u: mean %.4f, worst %.4f (%d traces)\n",
                    windows[w], sum / runs, worst, runs);
                assert_true(sum / runs >= 0.95);
                assert_true(worst >= 0.85);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_new_table),           cmocka_unit_test(test_alloc_table),
            cmocka_unit_test(test_fragmentation_table), cmocka_unit_test(test_trim_rules),
            cmocka_unit_test(test_full_empty_wrap),     cmocka_unit_test(test_cookies_and_growth),
            cmocka_unit_test(test_random_vs_model),     cmocka_unit_test(test_utilisation),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
