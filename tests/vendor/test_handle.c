/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Handle space tests: buffer handles are positive, never -1, never issued
 * twice, and forged or stale values are refused; pool handles walk forward
 * and wrap to the next unused value.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "handle.h"

static struct avb_handle_table *table_make(void)
{
        struct avb_handle_table *t = NULL;

        assert_int_equal(avb_handle_table_new(&t), 0);
        return t;
}

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

        return (x > y) - (x < y);
}

/* 300k handles issued with churn: all distinct, all positive. */
static void test_never_reissued(void **state)
{
        enum { TOTAL = 300000, LIVE = 500 };
        struct avb_handle_table *t = table_make();
        int64_t *all = calloc(TOTAL, sizeof(*all)), live[LIVE];
        struct avb_handle_ref ref = {.type = 1}, got;
        size_t i;

        (void)state;
        assert_non_null(all);
        for (i = 0; i < TOTAL; i++) {
                ref.aux = i;
                if (i >= LIVE) /* free the one issued LIVE ago, keep LIVE alive */
                        assert_int_equal(avb_handle_release(t, live[i % LIVE]), 0);
                assert_int_equal(avb_handle_new(t, &ref, &all[i]), 0);
                live[i % LIVE] = all[i];
                assert_true(all[i] > 0);
                assert_int_equal(avb_handle_lookup(t, all[i], &got), 0);
                assert_int_equal(got.aux, i);
        }
        assert_int_equal(avb_handle_live_count(t), LIVE);
        qsort(all, TOTAL, sizeof(*all), cmp_i64);
        for (i = 1; i < TOTAL; i++)
                assert_true(all[i] != all[i - 1]);
        free(all);
        avb_handle_table_free(t);
        avb_handle_table_free(NULL);
}

static void test_forged_and_stale(void **state)
{
        struct avb_handle_table *t = table_make();
        struct avb_handle_ref ref = {.type = 2, .obj = &ref, .aux = 9}, got = {0};
        int64_t h, h2, bad[8];
        unsigned bit;
        size_t i;

        (void)state;
        assert_int_equal(avb_handle_new(t, &ref, &h), 0);
        bad[0] = -1;
        bad[1] = 0;
        bad[2] = INT64_MIN;
        bad[3] = INT64_MAX;
        bad[4] = h & 0xffffffff;         /* slot 0 */
        bad[5] = h + ((int64_t)1 << 32); /* next slot, same tag */
        bad[6] = h ^ 1;                  /* tag off by one bit */
        bad[7] = (int64_t)((uint64_t)h | 1u << 31) == h ? h ^ (1 << 30) : h | 1u << 31;
        for (i = 0; i < 8; i++) {
                assert_int_equal(avb_handle_lookup(t, bad[i], &got), -ENOENT);
                assert_int_equal(avb_handle_release(t, bad[i]), -ENOENT);
        }
        for (bit = 0; bit < 32; bit++)
                assert_int_equal(avb_handle_lookup(t, h ^ ((int64_t)1 << bit), &got), -ENOENT);
        assert_null(got.obj); /* untouched on failure */
        assert_int_equal(avb_handle_lookup(t, h, &got), 0);
        assert_ptr_equal(got.obj, &ref);
        assert_int_equal(got.type, 2);
        assert_int_equal(avb_handle_release(t, h), 0);
        assert_int_equal(avb_handle_lookup(t, h, &got), -ENOENT); /* stale */
        assert_int_equal(avb_handle_release(t, h), -ENOENT);
        assert_int_equal(avb_handle_new(t, &ref, &h2), 0);
        assert_true(h2 != h);
        assert_int_equal(avb_handle_live_count(t), 1);
        avb_handle_table_free(t);
}

/* Two tables draw different keys: the tag sequence is not predictable. */
static void test_keyed(void **state)
{
        struct avb_handle_table *a = table_make(), *b = table_make();
        struct avb_handle_ref ref = {.type = 1};
        int same = 0, i;

        (void)state;
        for (i = 0; i < 64; i++) {
                int64_t ha, hb;

                assert_int_equal(avb_handle_new(a, &ref, &ha), 0);
                assert_int_equal(avb_handle_new(b, &ref, &hb), 0);
                assert_int_equal(ha >> 32, hb >> 32); /* same slot order */
                same += ha == hb;
        }
        assert_true(same < 2);
        avb_handle_table_free(a);
        avb_handle_table_free(b);
}

/* ── pool handles: a table of operations with the value expected ─────────── */

enum { ALLOC, RELEASE };

static const struct {
        int op, id, expect;
} pool_cases[] = {
    {ALLOC, 0, 0},         {ALLOC, 1, 0},          {ALLOC, 2, 0}, {RELEASE, 1, 0},
    {RELEASE, 1, -ENOENT}, {RELEASE, -1, -ENOENT}, {ALLOC, 3, 0}, /* 1 is not reused at once */
};

static void test_pool_ids_table(void **state)
{
        struct avb_pool_ids ids;
        size_t i;

        (void)state;
        avb_pool_ids_init(&ids);
        for (i = 0; i < sizeof(pool_cases) / sizeof(pool_cases[0]); i++) {
                int8_t id = 99;

                if (pool_cases[i].op == ALLOC) {
                        assert_int_equal(avb_pool_ids_alloc(&ids, &id), pool_cases[i].expect);
                        assert_int_equal(id, pool_cases[i].id);
                } else {
                        assert_int_equal(avb_pool_ids_release(&ids, (int8_t)pool_cases[i].id),
                                         pool_cases[i].expect);
                }
        }
}

static void test_pool_ids_wrap(void **state)
{
        struct avb_pool_ids ids;
        int8_t id = 0;
        int i;

        (void)state;
        avb_pool_ids_init(&ids);
        for (i = 0; i < 128; i++) {
                assert_int_equal(avb_pool_ids_alloc(&ids, &id), 0);
                assert_int_equal(id, i);
        }
        id = 55;
        assert_int_equal(avb_pool_ids_alloc(&ids, &id), -ENOSPC);
        assert_int_equal(id, 55);
        assert_int_equal(avb_pool_ids_release(&ids, 5), 0);
        assert_int_equal(avb_pool_ids_release(&ids, 90), 0);
        /* After 127 the walk wraps to the next unused value: 5, then 90. */
        assert_int_equal(avb_pool_ids_alloc(&ids, &id), 0);
        assert_int_equal(id, 5);
        assert_int_equal(avb_pool_ids_release(&ids, 3), 0);
        assert_int_equal(avb_pool_ids_alloc(&ids, &id), 0);
        assert_int_equal(id, 90); /* forward from 5, not back to 3 */
        assert_int_equal(avb_pool_ids_alloc(&ids, &id), 0);
        assert_int_equal(id, 3);
        assert_int_equal(avb_pool_ids_release(&ids, 50), 0);
        assert_int_equal(avb_pool_ids_release(&ids, 60), 0);
        assert_int_equal(avb_pool_ids_alloc(&ids, &id), 0);
        assert_int_equal(id, 50);
        assert_int_equal(avb_pool_ids_cancel(&ids, 50), 0); /* never handed out: offered again */
        assert_int_equal(avb_pool_ids_cancel(&ids, 50), -ENOENT);
        assert_int_equal(avb_pool_ids_alloc(&ids, &id), 0);
        assert_int_equal(id, 50);
        assert_true(avb_pool_ids_in_use(&ids, 127));
        assert_false(avb_pool_ids_in_use(&ids, -1));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_never_reissued), cmocka_unit_test(test_forged_and_stale),
            cmocka_unit_test(test_keyed),          cmocka_unit_test(test_pool_ids_table),
            cmocka_unit_test(test_pool_ids_wrap),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
