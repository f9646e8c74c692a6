/* SPDX-License-Identifier: Apache-2.0 */
/* The server's deduplication memory (stubs/reply_cache.c). */
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include "reply_cache.h"

static void test_seen_and_cached(void **state)
{
        avb_reply_cache *c = NULL;
        const uint8_t *reply;
        size_t len;

        (void)state;
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        assert_int_equal(avb_reply_cache_check(c, 10, &reply, &len), AVB_SEEN_NEW);
        avb_reply_cache_mark(c, 10);
        assert_int_equal(avb_reply_cache_check(c, 10, &reply, &len), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_store(c, 10, (const uint8_t *)"ten", 3), 0);
        assert_int_equal(avb_reply_cache_check(c, 10, &reply, &len), AVB_SEEN_CACHED);
        assert_int_equal(len, 3);
        assert_memory_equal(reply, "ten", 3);
        /* Ids arrive out of order from several threads. */
        assert_int_equal(avb_reply_cache_check(c, 9, &reply, &len), AVB_SEEN_NEW);
        avb_reply_cache_mark(c, 12);
        assert_int_equal(avb_reply_cache_check(c, 11, &reply, &len), AVB_SEEN_NEW);
        /* Only the last AVB_REPLY_CACHE_ENTRIES replies are kept ... */
        for (uint64_t id = 100; id < 100 + AVB_REPLY_CACHE_ENTRIES; id++) {
                avb_reply_cache_mark(c, id);
                assert_int_equal(avb_reply_cache_store(c, id, (const uint8_t *)"r", 1), 0);
        }
        assert_int_equal(avb_reply_cache_check(c, 10, &reply, &len), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_check(c, 100, &reply, &len), AVB_SEEN_CACHED);
        /* ... but an evicted or ancient id still counts as seen: never run twice. */
        avb_reply_cache_mark(c, 100000);
        assert_int_equal(avb_reply_cache_check(c, 50, &reply, &len), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_check(c, 100000 - AVB_SEEN_WINDOW + 1, &reply, &len),
                         AVB_SEEN_NEW);
        avb_reply_cache_free(c);
}

static void test_byte_bound(void **state)
{
        avb_reply_cache *c = NULL;
        uint8_t big[60] = {0};
        const uint8_t *reply;
        size_t len;

        (void)state;
        assert_int_equal(avb_reply_cache_new(100, &c), 0);
        for (uint64_t id = 1; id <= 3; id++) {
                avb_reply_cache_mark(c, id);
                assert_int_equal(avb_reply_cache_store(c, id, big, sizeof(big)), 0);
        }
        assert_int_equal(avb_reply_cache_check(c, 1, &reply, &len), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_check(c, 2, &reply, &len), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_check(c, 3, &reply, &len), AVB_SEEN_CACHED);
        /* Larger than the bound on its own: still kept, alone. */
        uint8_t *huge = calloc(1, 500);
        avb_reply_cache_mark(c, 4);
        assert_int_equal(avb_reply_cache_store(c, 4, huge, 500), 0);
        assert_int_equal(avb_reply_cache_check(c, 4, &reply, &len), AVB_SEEN_CACHED);
        assert_int_equal(len, 500);
        assert_int_equal(avb_reply_cache_check(c, 3, &reply, &len), AVB_SEEN_NOREPLY);
        free(huge);
        avb_reply_cache_free(avb_reply_cache_free(NULL));
        avb_reply_cache_free(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seen_and_cached),
                cmocka_unit_test(test_byte_bound),
        };
        return cmocka_run_group_tests_name("rpc reply cache", tests, NULL, NULL);
}
