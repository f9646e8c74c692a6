/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service dies: calls fail with EX_TRANSACTION_FAILED instead of
 * hanging, and after a restart the service is found again through the
 * service manager. Needs the harness (it kills and restarts avbufferd).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"

static void server_death(cf_ctx *c)
{
        cf_heap_metrics hm;
        avb_binder *fresh = NULL;
        cf_pool_metrics *m = NULL;
        const char *r;
        avb_status st;
        size_t n = 0;
        int64_t t0, deadline;
        int e, s;

        if (!cf_control_available(c))
                cf_skip(c, "needs the test harness to kill and restart avbufferd");
        /* A pool that dies with the service. */
        cf_pool_new(c, false, false, 0, NULL);
        c->n_pools = 0; /* nothing to clean up after the restart */

        r = cf_control(c, "kill");
        CF_CHECK(c, !strncmp(r, "killed", 6), "harness: %s", r);
        t0 = avb_now_ms();
        st = cf_api_heap_metrics(c->avb, false, &hm);
        CF_EXPECT_EX(c, st, AVB_EX_TRANSACTION_FAILED, "call to a dead service");
        cf_note(c, "failed after %lld ms: %s", (long long)(avb_now_ms() - t0),
                avb_transport_name(st.transport));
        deadline = avb_now_ms() + cf_timeout_ms(c, 5000);
        while (avb_binder_is_alive(c->avb) && avb_now_ms() < deadline)
                cf_sleep_ms(10);
        CF_CHECK(c, !avb_binder_is_alive(c->avb), "the proxy of a killed service is alive");

        r = cf_control(c, "restart");
        CF_CHECK(c, !strncmp(r, "restarted", 9), "harness: %s", r);
        e = cf_connect_object(c->o, CF_OBJECT_MAIN, &fresh);
        CF_CHECK(c, e == 0, "finding the restarted service: %s", cf_errname(e));
        /* The old proxy stays dead: it must not reach the new instance. */
        st = cf_api_heap_metrics(c->avb, false, &hm);
        if (st.exception != AVB_EX_TRANSACTION_FAILED) {
                avb_binder_unref(fresh);
                CF_EXPECT_EX(c, st, AVB_EX_TRANSACTION_FAILED, "old proxy after a restart");
        }
        /* From here on every case uses the new instance. */
        avb_helper_free(c->helper);
        c->helper = NULL;
        avb_binder_unref(c->avb);
        c->avb = fresh;
        for (s = 0; s < 2; s++) {
                st = cf_api_all_pool_metrics(c->avb, s, &m, &n);
                CF_EXPECT_OK(c, st, "getAllPoolMetrics after a restart");
                free(m);
                CF_CHECK_EQ(c, n, 0, "pools of the restarted service");
        }
        cf_case_begin(c);
        cf_pool_destroy(c, cf_pool_new(c, false, false, 0, NULL));
}

/* Kills avbufferd, waits until the proxy knows, restarts it; returns a proxy of the new one. */
static avb_binder *kill_and_restart(cf_ctx *c)
{
        avb_binder *fresh = NULL;
        int64_t deadline;
        const char *r;
        int e;

        r = cf_control(c, "kill");
        CF_CHECK(c, !strncmp(r, "killed", 6), "harness: %s", r);
        deadline = avb_now_ms() + cf_timeout_ms(c, 5000);
        while (avb_binder_is_alive(c->avb) && avb_now_ms() < deadline)
                cf_sleep_ms(10);
        CF_CHECK(c, !avb_binder_is_alive(c->avb), "the proxy of a killed service is alive");
        r = cf_control(c, "restart");
        CF_CHECK(c, !strncmp(r, "restarted", 9), "harness: %s", r);
        e = cf_connect_object(c->o, CF_OBJECT_MAIN, &fresh);
        CF_CHECK(c, e == 0, "finding the restarted service: %s", cf_errname(e));
        return fresh;
}

/* The case's pool (tp, its only one) dies with the service: nothing to clean up after. */
static void forget_pools(cf_ctx *c, cf_tpool *tp)
{
        free(tp->bufs);
        tp->bufs = NULL;
        tp->n_bufs = tp->cap_bufs = 0;
        c->n_pools = 0;
}

/*
 * A helper alive across a restart: the handles of the old instance give an
 * error, never a pointer; a pointer mapped before stays readable memory; a
 * buffer of the new instance maps with the right content.
 */
static void helper_across_restart(cf_ctx *c)
{
        enum { LEN = 6000, SEED = 41, SEED2 = 42 };
        static uint8_t want[LEN];
        avb_helper *hp = cf_helper(c);
        avb_binder *fresh;
        int64_t old, h;
        void *ptr, *p2 = &want;
        size_t size = 7;
        cf_tpool *tp;
        int e;

        if (!cf_control_available(c))
                cf_skip(c, "needs the test harness to kill and restart avbufferd");
        tp = cf_pool_new(c, false, false, 0, NULL);
        old = cf_buf_alloc(c, tp, LEN);
        cf_pattern(want, LEN, SEED);
        CF_CHECK(c, avb_helper_write(hp, old, 0, want, LEN) == 0, "avb_helper_write");
        ptr = cf_map(c, old, LEN);
        forget_pools(c, tp);

        fresh = kill_and_restart(c);
        avb_binder_unref(c->avb);
        c->avb = fresh;
        e = avb_helper_map(hp, old, &p2, &size);
        CF_EXPECT_ERRNO(c, e, -ESTALE, "map of a handle resolved from the old instance");
        CF_CHECK(c, p2 == &want && size == 7, "a refused map wrote its outputs");
        e = avb_helper_get_size(hp, old, &size);
        CF_EXPECT_ERRNO(c, e, -ESTALE, "get_size of a handle resolved from the old instance");
        /* The pointer mapped before the restart is still memory, with what was written. */
        CF_CHECK(c, memcmp(ptr, want, LEN) == 0, "an old mapping changed under its user");
        e = avb_helper_unmap(hp, old, ptr);
        CF_CHECK(c, e == 0, "unmap of a pointer from before the restart: %s", cf_errname(e));

        cf_case_begin(c);
        tp = cf_pool_new(c, false, false, 0, NULL);
        h = cf_buf_alloc(c, tp, LEN);
        cf_pattern(want, LEN, SEED2);
        CF_CHECK(c, avb_helper_write(hp, h, 0, want, LEN) == 0, "avb_helper_write after restart");
        ptr = cf_map(c, h, LEN);
        CF_CHECK(c, memcmp(ptr, want, LEN) == 0, "a new buffer reads wrong through the old helper");
        cf_unmap(c, h, ptr);
        cf_expect_sha1(c, h, want, LEN);
        cf_buf_free(c, h);
        cf_pool_destroy(c, tp);
}

/* Whether the mapping that holds ptr in this process is a memfd (the service's heap). */
static bool mapped_memfd(cf_ctx *c, const void *ptr)
{
        uintptr_t p = (uintptr_t)ptr;
        unsigned long lo, hi;
        char line[512];
        bool memfd = false;
        FILE *f = fopen("/proc/self/maps", "r");

        CF_CHECK(c, f != NULL, "/proc/self/maps: %s", cf_errname(-errno));
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && p >= lo && p < hi) {
                        memfd = strstr(line, "memfd:") != NULL;
                        break;
                }
        fclose(f);
        return memfd;
}

/*
 * A frame is mapped, freed, then unmapped (the usual order for a decoded
 * frame): the unmap succeeds, once. After a restart nothing maps into the old
 * heap any more, so the helper gives its memory back.
 */
static void unmap_after_free(cf_ctx *c)
{
        enum { LEN = 4096 };
        avb_binder *fresh;
        cf_tpool *tp;
        int64_t h;
        void *ptr, *p2;
        int e;

        if (!cf_control_available(c))
                cf_skip(c, "needs the test harness to kill and restart avbufferd");
        avb_helper_free(c->helper); /* a helper with no map out from earlier cases */
        c->helper = NULL;
        tp = cf_pool_new(c, false, false, 0, NULL);
        h = cf_buf_alloc(c, tp, LEN);
        ptr = cf_map(c, h, LEN);
        cf_buf_free(c, h);
        e = avb_helper_unmap(cf_helper(c), h, ptr);
        CF_CHECK(c, e == 0, "unmap of a freed buffer's pointer: %s", cf_errname(e));
        e = avb_helper_unmap(cf_helper(c), h, ptr);
        CF_EXPECT_ERRNO(c, e, -EINVAL, "a second unmap of the same map");
        cf_pool_destroy(c, tp);
        forget_pools(c, tp);
        CF_CHECK(c, mapped_memfd(c, ptr), "the heap is not a memfd mapping at %p", ptr);

        fresh = kill_and_restart(c);
        avb_binder_unref(c->avb);
        c->avb = fresh;
        cf_case_begin(c);
        /* The next map connects to the new instance and retires the old heap. */
        tp = cf_pool_new(c, false, false, 0, NULL);
        h = cf_buf_alloc(c, tp, LEN);
        p2 = cf_map(c, h, LEN);
        cf_unmap(c, h, p2);
        CF_CHECK(c, !mapped_memfd(c, ptr), "the old heap stays mapped with no map into it");
        cf_buf_free(c, h);
        cf_pool_destroy(c, tp);
}

const cf_case cf_cases_death[] = {
    {"server-death.calls-fail-then-service-found-again", server_death,
     "kill -9 avbufferd: EX_TRANSACTION_FAILED, no hang; restart: found again"},
    {"server-death.helper-refuses-old-handles", helper_across_restart,
     "a helper alive across a restart: old handles give an error, new ones map"},
    {"server-death.unmap-after-free-releases-heap", unmap_after_free,
     "map, free, unmap succeeds; after a restart the old heap's memory is given back"},
    {NULL, NULL, NULL},
};
