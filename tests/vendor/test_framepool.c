/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frame pool tests: carving, O(1) get/put through the free list, refusal of
 * bad puts, and scrubbing of secure blocks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "framepool.h"

static const struct {
        uint32_t block_size, block_count, align;
        int expect;
} new_cases[] = {
    {1000, 4, 64, 0},       {0, 4, 64, -EINVAL},     {1000, 0, 64, -EINVAL},
    {1000, 4, 48, -EINVAL}, {60000, 2, 64, -ENOMEM}, /* 2 x 60032 > 100000 */
    {100000, 1, 1, 0},
};

static void test_new_table(void **state)
{
        size_t i;

        (void)state;
        for (i = 0; i < sizeof(new_cases) / sizeof(new_cases[0]); i++) {
                struct avb_heap *heap = NULL;
                struct avb_framepool *fp = NULL;
                struct avb_framepool_spec spec = {.kind = AVB_MEDIA_VIDEO,
                                                  .block_size = new_cases[i].block_size,
                                                  .block_count = new_cases[i].block_count};

                assert_int_equal(avb_heap_new(NULL, 100000, false, &heap), 0);
                assert_int_equal(avb_framepool_new(heap, &spec, new_cases[i].align, &fp),
                                 new_cases[i].expect);
                assert_int_equal(avb_heap_bytes_used(heap),
                                 fp ? (size_t)spec.block_count *
                                          ((spec.block_size + new_cases[i].align - 1) /
                                           new_cases[i].align * new_cases[i].align)
                                    : 0);
                avb_framepool_free(fp);
                assert_int_equal(avb_heap_bytes_used(heap), 0);
                avb_heap_free(heap);
        }
        avb_framepool_free(NULL);
}

static void test_get_put(void **state)
{
        struct avb_heap *heap = NULL;
        struct avb_framepool *fp = NULL;
        struct avb_framepool_spec spec = {
            .kind = AVB_MEDIA_AUDIO, .block_size = 1000, .block_count = 4};
        uint32_t idx[4], extra = 77;
        size_t offs[4];
        int i, j;

        (void)state;
        assert_int_equal(avb_heap_new(NULL, 65536, false, &heap), 0);
        assert_int_equal(avb_heap_carve(heap, 100, 64, &offs[0]), 0); /* pool not at 0 */
        assert_int_equal(avb_framepool_new(heap, &spec, 64, &fp), 0);
        assert_ptr_equal(avb_framepool_heap(fp), heap);
        assert_int_equal(avb_framepool_spec(fp)->block_size, 1000);
        for (i = 0; i < 4; i++) {
                assert_int_equal(avb_framepool_get(fp, &idx[i]), 0);
                offs[i] = avb_framepool_block_offset(fp, idx[i]);
                assert_int_equal(offs[i] % 64, 0);
                assert_true(offs[i] >= 128);
                for (j = 0; j < i; j++)
                        assert_true(offs[i] >= offs[j] + 1024 || offs[j] >= offs[i] + 1024);
        }
        assert_int_equal(avb_framepool_in_use(fp), 4);
        assert_int_equal(avb_framepool_get(fp, &extra), -ENOMEM);
        assert_int_equal(extra, 77);
        avb_framepool_block(fp, idx[2])->owner = 9; /* the facade's record, per block in use */
        assert_int_equal(avb_framepool_put(fp, idx[2]), 0);
        assert_null(avb_framepool_block(fp, idx[2]));
        assert_null(avb_framepool_block(fp, 4));
        assert_int_equal(avb_framepool_put(fp, idx[2]), -ENOENT);
        assert_int_equal(avb_framepool_put(fp, 4), -ENOENT);
        assert_int_equal(avb_framepool_put(fp, UINT32_MAX), -ENOENT);
        assert_int_equal(avb_framepool_get(fp, &extra), 0);
        assert_int_equal(extra, idx[2]);                            /* LIFO */
        assert_int_equal(avb_framepool_block(fp, extra)->owner, 0); /* a new record */
        assert_int_equal(avb_framepool_in_use(fp), 4);
        avb_framepool_free(fp);
        avb_heap_free(heap);
}

static void test_secure_scrub(void **state)
{
        struct avb_heap *heap = NULL;
        struct avb_framepool *fp = NULL;
        struct avb_framepool_spec spec = {
            .kind = AVB_MEDIA_VIDEO, .secure = true, .block_size = 256, .block_count = 2};
        static const uint8_t zero[256];
        uint8_t buf[256];
        uint32_t i;

        (void)state;
        assert_int_equal(avb_heap_new(NULL, 65536, true, &heap), 0);
        assert_int_equal(avb_framepool_new(heap, &spec, 64, &fp), 0);
        assert_int_equal(avb_framepool_get(fp, &i), 0);
        memset(buf, 0xa5, sizeof(buf));
        assert_int_equal(avb_heap_write(heap, avb_framepool_block_offset(fp, i), buf, 256), 0);
        assert_int_equal(avb_framepool_put(fp, i), 0);
        assert_int_equal(
            avb_heap_read_for_vendor(heap, avb_framepool_block_offset(fp, i), buf, 256), 0);
        assert_memory_equal(buf, zero, 256);
        avb_framepool_free(fp);
        avb_heap_free(heap);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_new_table),
            cmocka_unit_test(test_get_put),
            cmocka_unit_test(test_secure_scrub),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
