/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Several client processes: buffers that cross processes, eight clients at
 * once, a client killed with SIGKILL, a client that lets go of all its
 * connections while it lives, and who may destroy whose pool.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cf.h"

#define WORKERS     8
#define WORKER_BUFS 40

typedef struct announced {
        int8_t pools[4];
        int n_pools;
        int64_t bufs[64];
        int n_bufs;
} announced;

/* Reads "pool H" / "buf X" lines up to "ready". */
static void read_announcement(cf_ctx *c, cf_child *ch, announced *a)
{
        char line[128];

        memset(a, 0, sizeof(*a));
        for (;;) {
                cf_child_readline(c, ch, line, sizeof(line));
                if (!strcmp(line, "ready"))
                        return;
                if (!strncmp(line, "pool ", 5) && a->n_pools < 4)
                        a->pools[a->n_pools++] = (int8_t)atoi(line + 5);
                else if (!strncmp(line, "buf ", 4) && a->n_bufs < 64)
                        a->bufs[a->n_bufs++] = strtoll(line + 4, NULL, 10);
                else
                        CF_FAIL(c, "helper process said '%s'", line);
        }
}

static void expect_line(cf_ctx *c, cf_child *ch, const char *want)
{
        char line[128];

        cf_child_readline(c, ch, line, sizeof(line));
        CF_CHECK(c, !strcmp(line, want), "helper process said '%s', want '%s'", line, want);
}

static void expect_clean_exit(cf_ctx *c, cf_child *ch)
{
        pid_t pid = ch->pid;
        int status = cf_child_wait(c, ch);

        CF_CHECK(c, WIFEXITED(status) && WEXITSTATUS(status) == 0,
                 "helper process %d ended with status 0x%x", (int)pid, status);
}

static cf_child *spawn(cf_ctx *c, const char *a0, const char *a1, const char *a2, const char *a3)
{
        const char *args[] = {a0, a1, a2, a3, NULL};

        return cf_child_spawn(c, args);
}

static void cross_process_buffer(cf_ctx *c)
{
        enum { LEN = 4000, SEED = 77 };
        static uint8_t want[LEN];
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, LEN);
        char hs[32], seed[16], len[16], line[64];
        announced a;
        cf_child *ch;
        avb_status st;
        void *ptr;
        bool ok = true;

        snprintf(hs, sizeof(hs), "%lld", (long long)h);
        snprintf(seed, sizeof(seed), "%d", SEED);
        snprintf(len, sizeof(len), "%d", LEN);
        /* B maps and writes the buffer A allocated... */
        ch = spawn(c, "map-write", hs, seed, len);
        expect_line(c, ch, "ok");
        expect_clean_exit(c, ch);
        /* ...A sees it... */
        cf_pattern(want, LEN, SEED);
        ptr = cf_map(c, h, LEN);
        CF_CHECK(c, memcmp(ptr, want, LEN) == 0, "the bytes another process wrote are not here");
        cf_unmap(c, h, ptr);
        cf_expect_sha1(c, h, want, LEN);
        /* ...C reads it back and D frees it. */
        ch = spawn(c, "read", hs, seed, len);
        expect_line(c, ch, "ok");
        expect_clean_exit(c, ch);
        ch = spawn(c, "free", hs, NULL, NULL);
        expect_line(c, ch, "free 1");
        expect_clean_exit(c, ch);
        cf_buf_forget(c, h);
        cf_check_metrics(c);
        st = cf_api_free(c->avb, h, &ok);
        CF_EXPECT_OK(c, st, "free");
        CF_CHECK(c, !ok, "free in A of a buffer D freed returned true");

        /* The other way round: a buffer of another client's pool, freed here. */
        ch = spawn(c, "alloc-one", seed, len, NULL);
        read_announcement(c, ch, &a);
        CF_CHECK(c, a.n_pools == 1 && a.n_bufs == 1, "alloc-one announced %d pools, %d buffers",
                 a.n_pools, a.n_bufs);
        ptr = cf_map(c, a.bufs[0], LEN);
        CF_CHECK(c, memcmp(ptr, want, LEN) == 0, "another client's buffer reads wrong here");
        cf_unmap(c, a.bufs[0], ptr);
        st = cf_api_free(c->avb, a.bufs[0], &ok);
        CF_EXPECT_OK(c, st, "free of another client's buffer");
        CF_CHECK(c, ok, "free of another client's live buffer returned false");
        cf_child_send(c, ch, "go");
        cf_child_readline(c, ch, line, sizeof(line));
        CF_CHECK(c, !strcmp(line, "done"), "alloc-one said '%s'", line);
        expect_clean_exit(c, ch);
        cf_pool_destroy(c, tp);
}

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

        return (x > y) - (x < y);
}

static void eight_clients(cf_ctx *c)
{
        static int64_t all[WORKERS * WORKER_BUFS + 8];
        cf_tpool *mine = cf_pool_new(c, false, false, 0, NULL);
        cf_child *ch[WORKERS];
        announced a[WORKERS];
        bool pool_seen[CF_MAX_POOL_HANDLES] = {0}, live[CF_MAX_POOL_HANDLES];
        char n[16];
        size_t total = 0, i;
        int w, b;

        pool_seen[mine->handle] = true;
        c->auto_metrics = false; /* the workers' pools come and go meanwhile */
        snprintf(n, sizeof(n), "%d", WORKER_BUFS);
        /* Audio pools, alternating UNDEFINED and decoder 0, so eight fit any heap. */
        for (w = 0; w < WORKERS; w++)
                ch[w] = spawn(c, "worker", n, "0", w % 2 ? "0" : "-1");
        for (w = 0; w < WORKERS; w++) {
                read_announcement(c, ch[w], &a[w]);
                CF_CHECK(c, a[w].n_pools == 1 && a[w].n_bufs == WORKER_BUFS,
                         "worker %d announced %d pools, %d buffers", w, a[w].n_pools, a[w].n_bufs);
                CF_CHECK(c, a[w].pools[0] >= 0 && !pool_seen[a[w].pools[0]],
                         "worker %d got pool handle %d, already given", w, a[w].pools[0]);
                pool_seen[a[w].pools[0]] = true;
                for (b = 0; b < WORKER_BUFS; b++) {
                        CF_CHECK(c, a[w].bufs[b] > 0, "worker %d got handle %lld", w,
                                 (long long)a[w].bufs[b]);
                        all[total++] = a[w].bufs[b];
                }
        }
        all[total++] = cf_buf_alloc(c, mine, 100);
        qsort(all, total, sizeof(*all), cmp_i64);
        for (i = 0; i + 1 < total; i++)
                CF_CHECK(c, all[i] != all[i + 1], "buffer handle %lld given to two clients",
                         (long long)all[i]);
        /* The service lists every worker's pool with its exact usage. */
        cf_live_pool_set(c, live);
        for (w = 0; w < WORKERS; w++) {
                cf_pool_metrics pm;
                int64_t used = 0;
                avb_status st = cf_api_pool_metrics(c->avb, a[w].pools[0], &pm);

                CF_EXPECT_OK(c, st, "getPoolMetrics of a worker's pool");
                for (b = 0; b < WORKER_BUFS; b++)
                        used += cf_align_up(c, (uint32_t)cf_worker_size(b));
                CF_CHECK_EQ(c, pm.used, used, "a worker pool's bytesUsed");
                CF_CHECK(c, live[a[w].pools[0]], "getAllPoolMetrics misses pool %d", a[w].pools[0]);
        }
        for (w = 0; w < WORKERS; w++)
                cf_child_send(c, ch[w], "go");
        for (w = 0; w < WORKERS; w++) {
                expect_line(c, ch[w], "done");
                expect_clean_exit(c, ch[w]);
        }
        cf_buf_free(c, mine->bufs[0].handle);
        c->auto_metrics = true;
        cf_check_metrics(c); /* the workers' pools are all gone */
        cf_pool_destroy(c, mine);
}

static void client_death(cf_ctx *c)
{
        cf_tpool *mine = cf_pool_new(c, false, false, 0, NULL);
        int64_t kept = cf_buf_alloc(c, mine, 1000), deadline;
        bool live[CF_MAX_POOL_HANDLES], gone, valid;
        cf_heap_metrics hm[2];
        announced a;
        cf_child *ch;
        avb_status st;
        int i, s, polls = 0;

        ch = spawn(c, "hold", "1", NULL, NULL);
        read_announcement(c, ch, &a);
        CF_CHECK(c, a.n_pools == 2 && a.n_bufs == 6, "hold announced %d pools, %d buffers",
                 a.n_pools, a.n_bufs);
        cf_live_pool_set(c, live);
        for (i = 0; i < a.n_pools; i++)
                CF_CHECK(c, live[a.pools[i]], "the helper's pool %d is not listed", a.pools[i]);
        cf_child_kill(c, ch, SIGKILL);

        /* Within a bounded time its pools and buffers are gone and the heaps are back. */
        deadline = avb_now_ms() + cf_timeout_ms(c, 3000);
        for (;;) {
                gone = true;
                cf_live_pool_set(c, live);
                for (i = 0; i < a.n_pools; i++)
                        gone = gone && !live[a.pools[i]];
                for (s = 0; s < 2 && gone; s++) {
                        st = cf_api_heap_metrics(c->avb, s, &hm[s]);
                        CF_EXPECT_OK(c, st, "getHeapMetrics");
                        gone = hm[s].used == c->heap_base[s] + (s ? 0 : mine->total);
                }
                if (gone)
                        break;
                CF_CHECK(c, avb_now_ms() < deadline,
                         "3 s after SIGKILL the dead client's pools are still there");
                polls++;
                cf_sleep_ms(20);
        }
        cf_note(c, "reclaimed after %d polls", polls);
        for (i = 0; i < a.n_bufs; i++) {
                st = cf_api_is_valid(c->avb, a.bufs[i], &valid);
                CF_EXPECT_OK(c, st, "isValid");
                CF_CHECK(c, !valid, "buffer %lld of the dead client is still valid",
                         (long long)a.bufs[i]);
        }
        /* This client is untouched: its buffer, its pool, its listener. */
        st = cf_api_is_valid(c->avb, kept, &valid);
        CF_EXPECT_OK(c, st, "isValid");
        CF_CHECK(c, valid, "another client's death freed this client's buffer");
        cf_check_metrics(c);
        {
                int64_t whole;
                bool ok = false;

                cf_buf_free(c, kept);
                whole = cf_buf_alloc(c, mine, mine->total);
                st = cf_api_notify(c->avb, mine->handle, 64, &ok);
                CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable");
                CF_CHECK(c, ok, "notifyWhenSpaceAvailable returned false");
                cf_buf_free(c, whole);
                cf_listener_expect(c, mine->listener, 1, mine, "listener after a peer's death");
        }
        /* The dead client's pool handles are not handed out again at once. */
        {
                cf_tpool *next = cf_pool_new(c, false, false, 0, NULL);

                for (i = 0; i < a.n_pools; i++)
                        CF_CHECK(c, next->handle != a.pools[i],
                                 "pool handle %d of the dead client reused at once", a.pools[i]);
                cf_pool_destroy(c, next);
        }
        cf_pool_destroy(c, mine);
}

/* Whether pool `pool` is listed and buffer h valid, seen from this process. */
static void pool_and_buf_state(cf_ctx *c, int8_t pool, int64_t h, bool *ret_listed, bool *ret_valid)
{
        bool live[CF_MAX_POOL_HANDLES];
        avb_status st;

        cf_live_pool_set(c, live);
        *ret_listed = live[pool];
        st = cf_api_is_valid(c->avb, h, ret_valid);
        CF_EXPECT_OK(c, st, "isValid");
}

/*
 * What a client holds lives until it destroys it or its process dies,
 * whatever its connections do: a helper process makes a pool and a buffer,
 * drops every proxy (so its runtime closes the connection), and stays alive
 * without one for longer than the runtime's linger (0.2 s, 1 s with calls
 * queued) and the reclaim grace of avbufferd (1 s) together.
 */
static void pools_outlive_connections(cf_ctx *c)
{
        enum { LEN = 3000, SEED = 91, QUIET_MS = 3500 };
        char hs[32], seed[16], len[16];
        bool listed, valid;
        int64_t deadline;
        announced a;
        cf_child *ch, *reader;

        c->auto_metrics = false; /* the helper's pool is in the heap meanwhile */
        snprintf(seed, sizeof(seed), "%d", SEED);
        snprintf(len, sizeof(len), "%d", LEN);
        ch = spawn(c, "detach", seed, len, NULL);
        read_announcement(c, ch, &a);
        CF_CHECK(c, a.n_pools == 1 && a.n_bufs == 1, "detach announced %d pools, %d buffers",
                 a.n_pools, a.n_bufs);
        cf_sleep_ms(cf_timeout_ms(c, QUIET_MS));

        pool_and_buf_state(c, a.pools[0], a.bufs[0], &listed, &valid);
        CF_CHECK(c, listed, "the pool of a live client without connections was destroyed");
        CF_CHECK(c, valid, "the buffer of a live client without connections is not valid");
        /* A third process reads what the helper wrote. */
        snprintf(hs, sizeof(hs), "%lld", (long long)a.bufs[0]);
        reader = spawn(c, "read", hs, seed, len);
        expect_line(c, reader, "ok");
        expect_clean_exit(c, reader);
        /* The helper connects again and finds both as it left them. */
        cf_child_send(c, ch, "go");
        expect_line(c, ch, "back");

        /* Its death still reclaims them (here after dropping its proxies again). */
        expect_clean_exit(c, ch);
        deadline = avb_now_ms() + cf_timeout_ms(c, 5000);
        for (;;) {
                pool_and_buf_state(c, a.pools[0], a.bufs[0], &listed, &valid);
                if (!listed && !valid)
                        break;
                CF_CHECK(c, avb_now_ms() < deadline,
                         "5 s after the client exited its pool (%s) and buffer (%s) remain",
                         listed ? "listed" : "gone", valid ? "valid" : "gone");
                cf_sleep_ms(20);
        }
        c->auto_metrics = true;
        cf_check_metrics(c);
}

/* Whether this process is a trusted vendor component (IAVBufferControl answers it). */
static bool is_trusted(cf_ctx *c)
{
        avb_binder *control = NULL;
        avb_status st;
        int e = cf_connect_object(c->o, 2, &control);

        CF_CHECK(c, e == 0, "connecting IAVBufferControl (object 2): %s", cf_errname(e));
        /* No decoder 99: a trusted caller is told so, anyone else is refused first. */
        st = cf_api_set_configured(control, true, 99, true);
        avb_binder_unref(control);
        return st.exception != AVB_EX_SECURITY;
}

static void expect_destroy(cf_ctx *c, cf_tpool *tp, const char *uid, const char *want)
{
        char ps[8];
        cf_child *ch;

        snprintf(ps, sizeof(ps), "%d", tp->handle);
        ch = spawn(c, "destroy", ps, uid, NULL);
        expect_line(c, ch, want);
        expect_clean_exit(c, ch);
}

static void destroy_by_creator_only(cf_ctx *c)
{
        cf_tpool *tp, *mine;
        cf_pool_metrics pm;
        avb_status st;
        int64_t h;

        if (geteuid() != 0)
                cf_skip(c, "needs root to start a client of another uid");
        tp = cf_pool_new(c, false, false, 0, NULL);
        /* B, of another uid and no trusted component: refused, empty pool or not; it
         * may still allocate from the pool and free into it. */
        expect_destroy(c, tp, "65534", "destroy 0 alloc 1 free 1");
        cf_check_metrics(c);
        h = cf_buf_alloc(c, tp, 100);
        expect_destroy(c, tp, "65534", "destroy 0 alloc 1 free 1");
        cf_check_metrics(c);
        cf_buf_free(c, h);
        h = cf_buf_alloc(c, tp, tp->total);
        cf_buf_free(c, h);
        /* A trusted vendor component (this uid, when the profile trusts it) may. */
        if (is_trusted(c)) {
                expect_destroy(c, tp, NULL, "destroy 1 alloc 0 free 0");
                tp->live = false;
                st = cf_api_pool_metrics(c->avb, tp->handle, &pm);
                CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "getPoolMetrics of a destroyed pool");
                cf_check_metrics(c);
        } else {
                cf_note(c, "not trusted: the vendor-component part is left out");
        }
        /* And the creator may. */
        mine = cf_pool_new(c, false, false, 0, NULL);
        cf_pool_destroy(c, mine);
}

const cf_case cf_cases_clients[] = {
    {"clients.buffer-crosses-processes", cross_process_buffer,
     "allocated in A, written in B, read in A and C, freed in D (and back)"},
    {"clients.eight-at-once-unique-handles", eight_clients,
     "8 processes with a pool and 40 buffers each: all handles distinct"},
    {"clients.death-reclaims-pools", client_death,
     "SIGKILL a client: its pools and buffers go within 3 s, others unaffected"},
    {"clients.pools-outlive-connections", pools_outlive_connections,
     "a live client drops every proxy for 3.5 s: its pool and buffer stay; exit reclaims"},
    {"clients.destroy-by-creator-only", destroy_by_creator_only,
     "destroyPool by another uid's process: false, pool intact; a trusted one and the "
     "creator may"},
    {NULL, NULL, NULL},
};
