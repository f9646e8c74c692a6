/* SPDX-License-Identifier: Apache-2.0 */
/* notifyWhenSpaceAvailable and IAVBufferSpaceListener.onSpaceAvailable. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cf.h"

static void notify_ok(cf_ctx *c, cf_tpool *tp, int32_t size)
{
        avb_status st;
        bool ok = false;

        st = cf_api_notify(c->avb, tp->handle, size, &ok);
        CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable");
        CF_CHECK(c, ok, "notifyWhenSpaceAvailable(pool %d, %d) returned false", tp->handle, size);
}

static void bad_arguments(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        cf_tpool *gone = cf_pool_new(c, false, false, 0, NULL);
        int32_t sizes[] = {0, -1, INT32_MIN, tp->total + 1, INT32_MAX};
        int8_t pools[] = {gone->handle, -1, INT8_MIN};
        avb_status st;
        size_t i;
        bool ok;

        cf_pool_destroy(c, gone);
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
                ok = true;
                st = cf_api_notify(c->avb, tp->handle, sizes[i], &ok);
                CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable with a bad size");
                CF_CHECK(c, !ok, "notifyWhenSpaceAvailable(size %d) returned true", sizes[i]);
        }
        for (i = 0; i < sizeof(pools) / sizeof(pools[0]); i++) {
                ok = true;
                st = cf_api_notify(c->avb, pools[i], 64, &ok);
                CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable on an unknown pool");
                CF_CHECK(c, !ok, "notifyWhenSpaceAvailable(pool %d) returned true", pools[i]);
        }
        /* Refused requests owe no callback. */
        cf_listener_expect(c, tp->listener, 0, tp, "after refused requests");
        cf_listener_expect(c, gone->listener, 0, NULL, "destroyed pool's listener");
        cf_pool_destroy(c, tp);
}

static void room_now(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);

        notify_ok(c, tp, tp->total); /* an empty pool fits its whole size */
        cf_listener_expect(c, tp->listener, 1, tp, "request that fits at once");
        cf_pool_destroy(c, tp);
}

static void after_free(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, true, false, 0, NULL);
        int32_t half = tp->total / 2 / 64 * 64;
        int64_t a = cf_buf_alloc(c, tp, half), b = cf_buf_alloc(c, tp, tp->total - half);

        notify_ok(c, tp, half);
        notify_ok(c, tp, tp->total);
        cf_listener_expect(c, tp->listener, 0, NULL, "full pool");
        cf_buf_free(c, a); /* room for half, not for the whole pool */
        cf_listener_expect(c, tp->listener, 1, NULL, "after freeing half of the pool");
        cf_buf_free(c, b);
        cf_listener_expect(c, tp->listener, 2, tp, "after emptying the pool");
        cf_pool_destroy(c, tp);
}

static void each_request(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t whole = cf_buf_alloc(c, tp, tp->total);

        notify_ok(c, tp, 64);
        notify_ok(c, tp, 64);
        notify_ok(c, tp, tp->total / 2);
        notify_ok(c, tp, tp->total);
        cf_buf_free(c, whole);
        cf_listener_expect(c, tp->listener, 4, tp, "four requests, then room for all");
        /* Requests already answered are not answered again. */
        cf_buf_free(c, cf_buf_alloc(c, tp, 64));
        cf_listener_expect(c, tp->listener, 5, NULL, "after another free");
        cf_pool_destroy(c, tp);
}

static void none_after_destroy(cf_ctx *c)
{
        cf_listener *l = cf_listener_new(c);
        cf_tpool *tp = cf_pool_new(c, false, false, 0, l), *next;
        int64_t whole = cf_buf_alloc(c, tp, tp->total);

        notify_ok(c, tp, 128);
        cf_buf_free(c, whole);
        cf_listener_wait(c, l, 1, "request after a free");
        cf_pool_destroy(c, tp);
        /* The listener lives on (a new pool uses it): nothing more may arrive for the
         * destroyed pool before the sentinel of the new one. */
        next = cf_pool_new(c, false, false, 0, l);
        cf_listener_expect(c, l, 1, next, "after destroyPool");
        cf_pool_destroy(c, next);
}

static void survives_refused_destroy(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t whole = cf_buf_alloc(c, tp, tp->total);
        avb_status st;
        bool ok;

        notify_ok(c, tp, 100);
        st = cf_api_destroy_pool(c->avb, tp->handle, &ok);
        CF_EXPECT_SS(c, st, CF_HAL_NOT_EMPTY, "destroyPool of a full pool");
        cf_buf_free(c, whole);
        cf_listener_expect(c, tp->listener, 1, tp, "request made before a refused destroyPool");
        cf_pool_destroy(c, tp);
}

static void right_listener(cf_ctx *c)
{
        cf_tpool *a = cf_pool_new(c, false, false, 0, NULL);
        cf_tpool *b = cf_pool_new(c, true, false, 0, NULL);
        cf_tpool *q = cf_pool_new(c, false, true, 0, NULL);
        int64_t fa = cf_buf_alloc(c, a, a->total), fb = cf_buf_alloc(c, b, b->total);

        notify_ok(c, a, 64);
        notify_ok(c, b, 64);
        cf_buf_free(c, fb);
        cf_listener_expect(c, b->listener, 1, b, "pool B's listener after a free in B");
        cf_listener_expect(c, a->listener, 0, NULL, "pool A's listener after a free in B");
        cf_buf_free(c, fa);
        cf_listener_expect(c, a->listener, 1, a, "pool A's listener after a free in A");
        cf_listener_expect(c, b->listener, 2, NULL, "pool B's listener after a free in A");
        cf_listener_expect(c, q->listener, 0, q, "an idle pool's listener");
        cf_pool_destroy(c, a);
        cf_pool_destroy(c, b);
        cf_pool_destroy(c, q);
}

static void slow_listener(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int block = cf_timeout_ms(c, 3000);
        cf_heap_metrics hm;
        avb_status st;
        int64_t t0;
        int i;

        /* The listener sleeps in onSpaceAvailable; the call is oneway, so the
         * service answers everyone meanwhile, this client included. */
        atomic_store(&tp->listener->block_ms, block);
        notify_ok(c, tp, 64);
        notify_ok(c, tp, 64);
        t0 = avb_now_ms();
        /* A deadline shorter than the listener's sleep: a blocked service fails it. */
        avb_binder_set_deadline_ms(c->avb, block / 2);
        for (i = 0; i < 20; i++) {
                st = cf_api_heap_metrics(c->avb, false, &hm);
                if (!avb_status_is_ok(&st))
                        avb_binder_set_deadline_ms(c->avb, 0);
                CF_EXPECT_OK(c, st, "getHeapMetrics while a listener is busy");
        }
        avb_binder_set_deadline_ms(c->avb, 0);
        cf_buf_free(c, cf_buf_alloc(c, tp, 100));
        cf_note(c, "20 calls in %lld ms while the listener slept", (long long)(avb_now_ms() - t0));
        /* Both calls arrive in the end (before the listener may go away). */
        for (i = 0; i < 3 && atomic_load(&tp->listener->count) < 2; i++)
                cf_sleep_ms(block);
        cf_listener_wait(c, tp->listener, 2, "busy listener");
        atomic_store(&tp->listener->block_ms, 0);
        cf_listener_expect(c, tp->listener, 2, tp, "busy listener");
        cf_pool_destroy(c, tp);
}

static cf_child *spawn(cf_ctx *c, const char *a0, const char *a1, const char *a2, const char *a3,
                       const char *a4)
{
        const char *args[] = {a0, a1, a2, a3, a4, NULL};

        return cf_child_spawn(c, args);
}

/* The number in a helper's next line "<word> N". */
static long read_number(cf_ctx *c, cf_child *ch, const char *word)
{
        char line[128], *end;
        size_t n = strlen(word);
        long v;

        cf_child_readline(c, ch, line, sizeof(line));
        CF_CHECK(c, !strncmp(line, word, n) && line[n] == ' ', "helper said '%s', want '%s N'",
                 line, word);
        v = strtol(line + n + 1, &end, 10);
        CF_CHECK(c, *end == 0, "helper said '%s'", line);
        return v;
}

static void expect_line(cf_ctx *c, cf_child *ch, const char *want)
{
        char line[128];

        cf_child_readline(c, ch, line, sizeof(line));
        CF_CHECK(c, !strcmp(line, want), "helper said '%s', want '%s'", line, want);
}

static void expect_exit_0(cf_ctx *c, cf_child *ch)
{
        int status = cf_child_wait(c, ch);

        CF_CHECK(c, WIFEXITED(status) && WEXITSTATUS(status) == 0,
                 "helper process ended with status 0x%x", status);
}

/*
 * Another client queues 1000 requests of 50 sizes on the owner's full pool:
 * each is accepted, the owner's own request still is, bad ones are still
 * refused, and every accepted one gets its callback once room appears.
 */
static void many_pending(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        cf_tpool *gone = cf_pool_new(c, false, false, 0, NULL);
        int64_t whole = cf_buf_alloc(c, tp, tp->total);
        char pool[8], size[16], step[16];
        cf_child *ch;
        avb_status st;
        bool ok = true;

        cf_pool_destroy(c, gone);
        snprintf(pool, sizeof(pool), "%d", tp->handle);
        snprintf(size, sizeof(size), "%d", tp->total);
        snprintf(step, sizeof(step), "%u", c->align);
        ch = spawn(c, "notify", pool, size, "1000", step);
        CF_CHECK_EQ(c, read_number(c, ch, "accepted"), 1000, "another client's requests accepted");
        expect_exit_0(c, ch);
        notify_ok(c, tp, 64);
        st = cf_api_notify(c->avb, tp->handle, tp->total + 1, &ok);
        CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable above the pool size");
        CF_CHECK(c, !ok, "notifyWhenSpaceAvailable above the pool size returned true");
        ok = true;
        st = cf_api_notify(c->avb, gone->handle, 64, &ok);
        CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable on a destroyed pool");
        CF_CHECK(c, !ok, "notifyWhenSpaceAvailable on a destroyed pool returned true");
        cf_listener_expect(c, tp->listener, 0, NULL, "a full pool");
        cf_buf_free(c, whole);
        cf_listener_expect(c, tp->listener, 1001, tp, "1001 accepted requests, then room");
        cf_pool_destroy(c, tp);
}

static long listener_count(cf_ctx *c, cf_child *ch)
{
        cf_child_send(c, ch, "count\n");
        return read_number(c, ch, "count");
}

/*
 * The process of a pool's listener is stopped while 4000 requests are
 * accepted and fire; the service keeps serving, and once the process runs
 * again every one of the 4000 callbacks reaches it, and no more.
 */
static void stopped_listener(cf_ctx *c)
{
        enum { PENDING = 3000, AT_ONCE = 1000 };
        cf_tpool *mine = cf_pool_new(c, false, false, 0, NULL);
        cf_pool_metrics pm;
        cf_child *ch;
        avb_status st;
        int64_t whole = 0, deadline;
        long pool, got = 0;
        int i;
        bool ok;

        ch = spawn(c, "listen", NULL, NULL, NULL, NULL);
        pool = read_number(c, ch, "pool");
        expect_line(c, ch, "ready");
        st = cf_api_pool_metrics(c->avb, (int8_t)pool, &pm);
        CF_EXPECT_OK(c, st, "getPoolMetrics of the listener's pool");
        st = cf_api_alloc(c->avb, (int8_t)pool, pm.total, &whole);
        CF_EXPECT_OK(c, st, "alloc of the listener's whole pool");

        CF_CHECK(c, kill(ch->pid, SIGSTOP) == 0, "SIGSTOP");
        for (i = 0; i < PENDING + AT_ONCE; i++) {
                if (i == PENDING) { /* the 3000 fire together; the next ones at once */
                        st = cf_api_free(c->avb, whole, &ok);
                        CF_EXPECT_OK(c, st, "free");
                        CF_CHECK(c, ok, "free of the listener pool's buffer returned false");
                }
                ok = false;
                st = cf_api_notify(c->avb, (int8_t)pool, i < PENDING ? pm.total : 64, &ok);
                CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable");
                CF_CHECK(c, ok, "request %d on the stopped listener's pool returned false", i);
        }
        /* A deadline far below the test's: a service that waited on the listener fails it. */
        avb_binder_set_deadline_ms(c->avb, cf_timeout_ms(c, 2000));
        for (i = 0; i < 20; i++) {
                int64_t h;

                st = cf_api_alloc(c->avb, mine->handle, 4096, &h);
                if (avb_status_is_ok(&st))
                        st = cf_api_free(c->avb, h, &ok);
                if (!avb_status_is_ok(&st))
                        avb_binder_set_deadline_ms(c->avb, 0);
                CF_EXPECT_OK(c, st, "alloc/free while a listener is stopped");
        }
        avb_binder_set_deadline_ms(c->avb, 0);
        CF_CHECK(c, kill(ch->pid, SIGCONT) == 0, "SIGCONT");

        deadline = avb_now_ms() + cf_timeout_ms(c, 30000);
        while ((got = listener_count(c, ch)) < PENDING + AT_ONCE && avb_now_ms() < deadline)
                cf_sleep_ms(20);
        CF_CHECK_EQ(c, got, PENDING + AT_ONCE, "callbacks after the listener resumed");
        /* A sentinel request behind them all, then a quiet period: no extra ones. */
        ok = false;
        st = cf_api_notify(c->avb, (int8_t)pool, 1, &ok);
        CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable(sentinel)");
        CF_CHECK(c, ok, "sentinel request returned false");
        deadline = avb_now_ms() + cf_timeout_ms(c, 10000);
        while ((got = listener_count(c, ch)) < PENDING + AT_ONCE + 1 && avb_now_ms() < deadline)
                cf_sleep_ms(10);
        cf_sleep_ms(300);
        CF_CHECK_EQ(c, listener_count(c, ch), PENDING + AT_ONCE + 1, "callbacks with the sentinel");
        cf_child_send(c, ch, "done\n");
        expect_line(c, ch, "done");
        expect_exit_0(c, ch);
        cf_pool_destroy(c, mine);
}

const cf_case cf_cases_listener[] = {
    {"notifyWhenSpaceAvailable.bad-arguments-false", bad_arguments,
     "size 0, negative, above the pool; unknown pools: false, and no callback"},
    {"notifyWhenSpaceAvailable.room-now-one-callback", room_now,
     "a request that fits at once: true and exactly one onSpaceAvailable"},
    {"notifyWhenSpaceAvailable.fires-when-room-appears", after_free,
     "a request fires when its size fits, not before, exactly once"},
    {"notifyWhenSpaceAvailable.one-callback-per-request", each_request,
     "four accepted requests: four callbacks, never repeated"},
    {"notifyWhenSpaceAvailable.none-after-destroyPool", none_after_destroy,
     "no callback reaches the listener for a destroyed pool"},
    {"notifyWhenSpaceAvailable.survives-refused-destroyPool", survives_refused_destroy,
     "a NOT_EMPTY destroyPool keeps the pending request"},
    {"notifyWhenSpaceAvailable.right-pool-listener", right_listener,
     "one client, three pools: each callback goes to its own pool's listener"},
    {"notifyWhenSpaceAvailable.busy-listener-does-not-block-service", slow_listener,
     "onSpaceAvailable is oneway: a listener that sleeps holds nobody up"},
    {"notifyWhenSpaceAvailable.never-refused-for-pending-requests", many_pending,
     "1000 requests of another client pending: the owner's is still accepted and each "
     "gets its callback"},
    {"onSpaceAvailable.stopped-listener-gets-every-callback", stopped_listener,
     "4000 callbacks owed to a stopped process: the service serves on, all arrive "
     "after SIGCONT, none more"},
    {NULL, NULL, NULL},
};
