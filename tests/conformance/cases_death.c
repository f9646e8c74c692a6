/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service dies: calls fail with EX_TRANSACTION_FAILED instead of
 * hanging, and after a restart the service is found again through the
 * service manager. Needs the harness (it kills and restarts avbufferd).
 */
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
        t0 = cf_now_ms();
        st = cf_api_heap_metrics(c->avb, false, &hm);
        CF_EXPECT_EX(c, st, AVB_EX_TRANSACTION_FAILED, "call to a dead service");
        cf_note(c, "failed after %lld ms: %s", (long long)(cf_now_ms() - t0),
                avb_transport_name(st.transport));
        deadline = cf_now_ms() + cf_timeout_ms(c, 5000);
        while (avb_binder_is_alive(c->avb) && cf_now_ms() < deadline)
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

const cf_case cf_cases_death[] = {
        {"server-death.calls-fail-then-service-found-again", server_death,
         "kill -9 avbufferd: EX_TRANSACTION_FAILED, no hang; restart: found again"},
        {NULL, NULL, NULL},
};
