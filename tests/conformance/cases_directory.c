/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a client can learn of other clients' buffers through libavbufferhelper's
 * shared mappings, and what mapping costs: a client's buffer directory
 * lists only handles it was given, a handle it owns maps with no round trip
 * after the first, a handle passed from another process maps after one
 * look-up and stops mapping once freed. Round trips are counted by the
 * service (avb_helper_get_lookups), never timed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cf.h"

static void expect_exit0(cf_ctx *c, cf_child *ch)
{
        pid_t pid = ch->pid;
        int status = cf_child_wait(c, ch);

        CF_CHECK(c, WIFEXITED(status) && WEXITSTATUS(status) == 0,
                 "helper process %d ended with status 0x%x", (int)pid, status);
}

static uint64_t lookups(cf_ctx *c)
{
        uint64_t n = 0;
        int e = avb_helper_get_lookups(cf_helper(c), &n);

        CF_CHECK(c, e == 0, "avb_helper_get_lookups: %s", cf_errname(e));
        return n;
}

/*
 * Another client (B) scans every shared mapping it has after its helper set
 * up and mapped a buffer of its own: none of A's handles, secure or not,
 * mapped or merely held by A, may be there; B's own handle must be (the
 * scan sees the directory).
 */
static void no_foreign_handles(cf_ctx *c)
{
        cf_tpool *np = cf_pool_new(c, false, false, 0, NULL);
        cf_tpool *sp = cf_pool_new(c, false, true, 0, NULL);
        int64_t h[4] = {cf_buf_alloc(c, np, 1000), cf_buf_alloc(c, np, 2000),
                        cf_buf_alloc(c, sp, 3000), cf_buf_alloc(c, sp, 4000)};
        char hs[4][32], line[128];
        const char *args[6] = {"scan"};
        size_t size;
        void *ptr;
        cf_child *ch;
        bool own = false;

        /* A resolves two of them: they are in A's directory now. */
        ptr = cf_map(c, h[0], 1000);
        cf_unmap(c, h[0], ptr);
        CF_CHECK(c, avb_helper_get_size(cf_helper(c), h[2], &size) == 0 && size == 3000,
                 "avb_helper_get_size of a secure buffer");
        for (int i = 0; i < 4; i++) {
                snprintf(hs[i], sizeof(hs[i]), "%lld", (long long)h[i]);
                args[i + 1] = hs[i];
        }
        ch = cf_child_spawn(c, args);
        for (;;) {
                cf_child_readline(c, ch, line, sizeof(line));
                if (!strncmp(line, "done", 4))
                        break;
                if (!strcmp(line, "own"))
                        own = true;
                else
                        CF_CHECK(c, strncmp(line, "found ", 6) != 0,
                                 "another client's shared mappings hold handle %s of this one",
                                 line + 6);
        }
        cf_note(c, "%s", line);
        CF_CHECK(c, own, "the scan did not see the other client's own handle (%s)", line);
        expect_exit0(c, ch);
}

/* A's own handle: one look-up on the first map, none after, until it is freed. */
static void own_map_no_round_trip(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, 8192);
        uint64_t before;
        size_t size = 0;
        void *ptr, *again;
        int e;

        ptr = cf_map(c, h, 8192); /* the helper is set up from here on */
        cf_unmap(c, h, ptr);
        before = lookups(c);
        for (int i = 0; i < 100; i++) {
                again = cf_map(c, h, 8192);
                CF_CHECK(c, again == ptr, "map %d gave another pointer", i);
                cf_unmap(c, h, again);
                CF_CHECK(c, avb_helper_get_size(cf_helper(c), h, &size) == 0 && size == 8192,
                         "avb_helper_get_size");
        }
        CF_CHECK_EQ(c, lookups(c) - before, 0, "look-ups for 100 maps of a resolved handle");
        /* A trim reaches the directory: the next map sees it, still locally. */
        cf_buf_trim(c, h, 100);
        again = cf_map(c, h, 100);
        cf_unmap(c, h, again);
        CF_CHECK_EQ(c, lookups(c) - before, 0, "look-ups to map a trimmed buffer");
        /* A freed handle leaves the directory: the map asks once and fails. */
        cf_buf_free(c, h);
        e = avb_helper_map(cf_helper(c), h, &again, &size);
        CF_EXPECT_ERRNO(c, e, -ENOENT, "map of a freed buffer");
        CF_CHECK_EQ(c, lookups(c) - before, 1, "look-ups to map a freed buffer");
        cf_pool_destroy(c, tp);
}

/* A handle passed to B: B's first map looks it up once, the second not; A frees it, B's map fails.
 */
static void passed_handle(cf_ctx *c)
{
        enum { LEN = 3000, SEED = 5 };
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, LEN);
        char hs[32], seed[16], len[16], line[128];
        const char *args[] = {"map-watch", hs, seed, len, NULL};
        void *ptr;
        cf_child *ch;

        ptr = cf_map(c, h, LEN);
        cf_pattern(ptr, LEN, SEED);
        cf_unmap(c, h, ptr);
        snprintf(hs, sizeof(hs), "%lld", (long long)h);
        snprintf(seed, sizeof(seed), "%d", SEED);
        snprintf(len, sizeof(len), "%d", LEN);
        ch = cf_child_spawn(c, args);
        cf_child_readline(c, ch, line, sizeof(line));
        CF_CHECK(c, !strcmp(line, "mapped 1 1"),
                 "B's look-ups after its first and second map: '%s', want 'mapped 1 1'", line);
        cf_buf_free(c, h);
        cf_child_send(c, ch, "again");
        cf_child_readline(c, ch, line, sizeof(line));
        snprintf(seed, sizeof(seed), "map %d", -ENOENT);
        CF_CHECK(c, !strcmp(line, seed), "B's map after A freed the buffer: '%s', want '%s'", line,
                 seed);
        expect_exit0(c, ch);
        cf_pool_destroy(c, tp);
}

const cf_case cf_cases_directory[] = {
    {"directory.no-foreign-handles", no_foreign_handles,
     "another client's shared mappings hold none of this client's handles"},
    {"directory.own-map-no-round-trip", own_map_no_round_trip,
     "an own handle: one look-up on the first map, none after; trim and free reach it"},
    {"directory.passed-handle-one-lookup", passed_handle,
     "a handle from another process maps after one look-up; freed there, the map fails"},
    {NULL, NULL, NULL},
};
