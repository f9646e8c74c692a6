/* SPDX-License-Identifier: Apache-2.0 */
/* The server's deduplication memory (stubs/reply_cache.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_common.h"

#include "reply_cache.h"
#include "util.h"

static void test_seen_and_cached(void **state)
{
        avb_reply_cache *c = NULL;
        const uint8_t *reply;
        size_t len;

        (void)state;
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        assert_int_equal(avb_reply_cache_check(c, 10, &reply, &len, NULL, NULL), AVB_SEEN_NEW);
        avb_reply_cache_mark(c, 10);
        assert_int_equal(avb_reply_cache_check(c, 10, &reply, &len, NULL, NULL), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_store(c, 10, (const uint8_t *)"ten", 3, NULL, 0), 0);
        assert_int_equal(avb_reply_cache_check(c, 10, &reply, &len, NULL, NULL), AVB_SEEN_CACHED);
        assert_int_equal(len, 3);
        assert_memory_equal(reply, "ten", 3);
        /* Ids arrive out of order from several threads. */
        assert_int_equal(avb_reply_cache_check(c, 9, &reply, &len, NULL, NULL), AVB_SEEN_NEW);
        avb_reply_cache_mark(c, 12);
        assert_int_equal(avb_reply_cache_check(c, 11, &reply, &len, NULL, NULL), AVB_SEEN_NEW);
        /* Only the last AVB_REPLY_CACHE_ENTRIES replies are kept ... */
        for (uint64_t id = 100; id < 100 + AVB_REPLY_CACHE_ENTRIES; id++) {
                avb_reply_cache_mark(c, id);
                assert_int_equal(avb_reply_cache_store(c, id, (const uint8_t *)"r", 1, NULL, 0), 0);
        }
        assert_int_equal(avb_reply_cache_check(c, 10, &reply, &len, NULL, NULL), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_check(c, 100, &reply, &len, NULL, NULL), AVB_SEEN_CACHED);
        /* ... but an evicted or ancient id still counts as seen: never run twice. */
        avb_reply_cache_mark(c, 100000);
        avb_reply_cache_mark(c, 100001);
        assert_int_equal(avb_reply_cache_check(c, 50, &reply, &len, NULL, NULL), AVB_SEEN_NOREPLY);
        assert_int_equal(
            avb_reply_cache_check(c, 100001 - AVB_SEEN_WINDOW + 1, &reply, &len, NULL, NULL),
            AVB_SEEN_NEW);
        avb_reply_cache_free(c);
}

static ino_t inode_of(int fd)
{
        struct stat st;
        assert_int_equal(fstat(fd, &st), 0);
        return st.st_ino;
}

/* A cached reply's fds: duplicates, given again with it, closed at eviction, bounded. */
static void test_cached_fds(void **state)
{
        avb_reply_cache *c = NULL;
        const uint8_t *reply;
        const int *fds = NULL;
        size_t len, n_fds = 0;
        int fd = memfd_create("cached", MFD_CLOEXEC);

        (void)state;
        assert_true(fd >= 0);
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        avb_reply_cache_mark(c, 1);
        assert_int_equal(avb_reply_cache_store(c, 1, (const uint8_t *)"r", 1, &fd, 1), 0);
        close(fd); /* the cache holds its own */
        assert_int_equal(avb_reply_cache_check(c, 1, &reply, &len, &fds, &n_fds), AVB_SEEN_CACHED);
        assert_int_equal(n_fds, 1);
        int dup = fds[0];
        assert_true(fcntl(dup, F_GETFD) & FD_CLOEXEC);
        ino_t ino = inode_of(dup);
        /* Newer replies with fds push it out past AVB_REPLY_CACHE_FDS: its fd is closed. */
        for (uint64_t id = 2; id < 2 + AVB_REPLY_CACHE_FDS; id++) {
                int f = memfd_create("more", MFD_CLOEXEC);
                avb_reply_cache_mark(c, id);
                assert_int_equal(avb_reply_cache_store(c, id, (const uint8_t *)"r", 1, &f, 1), 0);
                close(f);
        }
        assert_int_equal(avb_reply_cache_check(c, 1, &reply, &len, &fds, &n_fds), AVB_SEEN_NOREPLY);
        assert_true(fcntl(dup, F_GETFD) < 0 || inode_of(dup) != ino);
        assert_int_equal(avb_reply_cache_check(c, 2, &reply, &len, &fds, &n_fds), AVB_SEEN_CACHED);
        assert_int_equal(n_fds, 1);
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
                assert_int_equal(avb_reply_cache_store(c, id, big, sizeof(big), NULL, 0), 0);
        }
        assert_int_equal(avb_reply_cache_check(c, 1, &reply, &len, NULL, NULL), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_check(c, 2, &reply, &len, NULL, NULL), AVB_SEEN_NOREPLY);
        assert_int_equal(avb_reply_cache_check(c, 3, &reply, &len, NULL, NULL), AVB_SEEN_CACHED);
        /* Larger than the bound on its own: still kept, alone. */
        uint8_t *huge = calloc(1, 500);
        avb_reply_cache_mark(c, 4);
        assert_int_equal(avb_reply_cache_store(c, 4, huge, 500, NULL, 0), 0);
        assert_int_equal(avb_reply_cache_check(c, 4, &reply, &len, NULL, NULL), AVB_SEEN_CACHED);
        assert_int_equal(len, 500);
        assert_int_equal(avb_reply_cache_check(c, 3, &reply, &len, NULL, NULL), AVB_SEEN_NOREPLY);
        free(huge);
        avb_reply_cache_free(avb_reply_cache_free(NULL));
        avb_reply_cache_free(c);
}

static avb_seen check(const avb_reply_cache *c, uint64_t id)
{
        const uint8_t *reply;
        size_t len;

        return avb_reply_cache_check(c, id, &reply, &len, NULL, NULL);
}

/* Marks ids first..last (a client's calls in order), each new when it comes. */
static void run_ids(avb_reply_cache *c, uint64_t first, uint64_t last)
{
        for (uint64_t id = first;; id++) {
                assert_int_equal(check(c, id), AVB_SEEN_NEW);
                avb_reply_cache_mark(c, id);
                if (id == last)
                        break;
        }
}

/* One id far ahead (a stray or hostile one) does not poison the client's later calls. */
static void test_stray_id_far_ahead(void **state)
{
        const uint64_t stray = UINT64_C(1) << 40;
        avb_reply_cache *c = NULL;

        (void)state;
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        run_ids(c, 10, 20);
        assert_int_equal(check(c, stray), AVB_SEEN_NEW);
        avb_reply_cache_mark(c, stray);
        assert_int_equal(avb_reply_cache_store(c, stray, (const uint8_t *)"s", 1, NULL, 0), 0);
        /* The ids that follow run, more than a window of them ... */
        run_ids(c, 21, 21 + 2 * AVB_SEEN_WINDOW);
        /* ... what ran stays seen, the stray one included (with its reply) ... */
        assert_int_equal(check(c, 15), AVB_SEEN_NOREPLY);
        assert_int_equal(check(c, 21 + 2 * AVB_SEEN_WINDOW), AVB_SEEN_NOREPLY);
        assert_int_equal(check(c, stray), AVB_SEEN_CACHED);
        /* ... and its neighbours were never seen. */
        assert_int_equal(check(c, stray - 1), AVB_SEEN_NEW);
        assert_int_equal(check(c, stray + 1), AVB_SEEN_NEW);
        avb_reply_cache_free(c);
}

/* A client that called other servers in between: its next two ids move the window. */
static void test_real_jump(void **state)
{
        const uint64_t far = 100 + 10 * AVB_SEEN_WINDOW;
        avb_reply_cache *c = NULL;

        (void)state;
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        run_ids(c, 90, 100);
        run_ids(c, far, far);
        /* A call of another thread, sent before the jump, arrives late: still runs. */
        run_ids(c, 101, 101);
        run_ids(c, far + 1, far + 1);
        /* The window is out there now: ids around it are told apart exactly. */
        assert_int_equal(check(c, far), AVB_SEEN_NOREPLY);
        assert_int_equal(check(c, far + 1), AVB_SEEN_NOREPLY);
        assert_int_equal(check(c, far - 1), AVB_SEEN_NEW);
        assert_int_equal(check(c, far + 2), AVB_SEEN_NEW);
        /* The old ones are below it: seen, never run again. */
        assert_int_equal(check(c, 95), AVB_SEEN_NOREPLY);
        assert_int_equal(check(c, 101), AVB_SEEN_NOREPLY);
        /* The first id of a client may be anything: the second one places the window. */
        avb_reply_cache_free(c);
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        run_ids(c, far, far + 3);
        assert_int_equal(check(c, far - 1), AVB_SEEN_NEW);
        assert_int_equal(check(c, far + 2), AVB_SEEN_NOREPLY);
        /* Ids at the very top of the range: no wrap-around. */
        run_ids(c, UINT64_MAX - 10, UINT64_MAX - 9);
        run_ids(c, UINT64_MAX, UINT64_MAX);
        assert_int_equal(check(c, UINT64_MAX - 9), AVB_SEEN_NOREPLY);
        assert_int_equal(check(c, UINT64_MAX - 1), AVB_SEEN_NEW);
        avb_reply_cache_free(c);
}

/* More far ids than the cache keeps: the lowest becomes the window; none is forgotten. */
static void test_outliers_full(void **state)
{
        uint64_t ids[AVB_SEEN_OUTLIERS + 4];
        avb_reply_cache *c = NULL;

        (void)state;
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        run_ids(c, 1, 5);
        for (size_t i = 0; i < AVB_ELEMENTSOF(ids); i++) {
                ids[i] = 5 + (i + 1) * 10 * AVB_SEEN_WINDOW;
                run_ids(c, ids[i], ids[i]);
                for (size_t j = 0; j <= i; j++)
                        assert_int_equal(check(c, ids[j]), AVB_SEEN_NOREPLY);
                assert_int_equal(check(c, 3), AVB_SEEN_NOREPLY);
        }
        avb_reply_cache_free(c);
}

/*
 * At most once, whatever the order: random runs, jumps, stray ids, late and
 * repeated ones. Every id once marked must check as seen from then on. In the
 * first half fewer stray ids come than the cache keeps outliers: the client's
 * own calls must go on running; in the second half any number come.
 */
static void test_at_most_once(void **state)
{
        enum { ROUNDS = 40000 };
        uint64_t *marked = calloc(ROUNDS, sizeof(*marked)), rnd = 0x9e3779b97f4a7c15u, next = 1;
        avb_reply_cache *c = NULL;
        unsigned strays = 0;
        size_t n = 0;

        (void)state;
        assert_non_null(marked);
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        for (int round = 1; round <= ROUNDS; round++) {
                uint64_t id;
                rnd = rnd * 6364136223846793005u + 1442695040888963407u;
                switch ((rnd >> 33) % 64) {
                case 0: /* a jump: calls to other servers in between */
                case 1:
                        next += (rnd >> 40) % (20 * AVB_SEEN_WINDOW);
                        id = next++;
                        break;
                case 2: /* a stray id anywhere */
                        if (round <= ROUNDS / 2 && strays == AVB_SEEN_OUTLIERS - 1) {
                                id = next++;
                                break;
                        }
                        strays++;
                        id = rnd >> 1;
                        break;
                case 3: /* late ones */
                case 4:
                case 5:
                        id = next > 100 ? next - 1 - (rnd >> 45) % 100 : next;
                        break;
                case 6: /* resends of something marked */
                case 7:
                case 8:
                        id = n ? marked[(rnd >> 20) % n] : next;
                        break;
                default:
                        id = next++;
                        break;
                }
                if (check(c, id) == AVB_SEEN_NEW) {
                        avb_reply_cache_mark(c, id);
                        marked[n++] = id;
                }
                if (round % 2000 == 0)
                        for (size_t i = 0; i < n; i++)
                                if (check(c, marked[i]) == AVB_SEEN_NEW)
                                        fail_msg("id %llu marked, then seen as new",
                                                 (unsigned long long)marked[i]);
                /* The client's own calls were not refused because of the stray ids. */
                if (round == ROUNDS / 2)
                        assert_true(n > ROUNDS / 2 * 3 / 4);
        }
        free(marked);
        avb_reply_cache_free(c);
}

/* Whether a resend came the way its cached reply already went (routes, a table). */
static void test_routes(void **state)
{
        static const struct {
                const char *what;
                uint64_t id;       /* asked about */
                const char *route; /* asked about */
                const char *note;  /* noted for id 1 before asking, NULL: nothing */
                bool sent_on;
        } cases[] = {
            {"never sent", 1, "pipe-a", NULL, false},
            {"the same pipe", 1, "pipe-a", "pipe-a", true},
            {"another pipe", 1, "pipe-b", "pipe-a", false},
            {"a later pipe replaces the first", 1, "pipe-a", "pipe-b", false},
            {"another request", 2, "pipe-a", "pipe-a", false},
            {"a longer route is never remembered", 1, "0123456789012345678901234567890123456789",
             "0123456789012345678901234567890123456789", false},
        };
        avb_reply_cache *c = NULL;

        (void)state;
        assert_int_equal(avb_reply_cache_new(1 << 20, &c), 0);
        for (uint64_t id = 1; id <= 2; id++) {
                avb_reply_cache_mark(c, id);
                assert_int_equal(avb_reply_cache_store(c, id, (const uint8_t *)"r", 1, NULL, 0), 0);
        }
        /* Not cached: noting is a no-op, asking says no. */
        avb_reply_cache_note_route(c, 99, "pipe-a", 6);
        assert_false(avb_reply_cache_sent_on(c, 99, "pipe-a", 6));
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                if (cases[i].note) {
                        avb_reply_cache_note_route(c, 1, "pipe-a", 6);
                        avb_reply_cache_note_route(c, 1, cases[i].note, strlen(cases[i].note));
                }
                if (avb_reply_cache_sent_on(c, cases[i].id, cases[i].route,
                                            strlen(cases[i].route)) != cases[i].sent_on)
                        fail_msg("%s: sent_on should be %d", cases[i].what, cases[i].sent_on);
        }
        avb_reply_cache_free(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_seen_and_cached), cmocka_unit_test(test_cached_fds),
            cmocka_unit_test(test_byte_bound),      cmocka_unit_test(test_stray_id_far_ahead),
            cmocka_unit_test(test_real_jump),       cmocka_unit_test(test_outliers_full),
            cmocka_unit_test(test_at_most_once),    cmocka_unit_test(test_routes),
        };
        return cmocka_run_group_tests_name("rpc reply cache", tests, NULL, NULL);
}
