/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process's identity in the runtime: its random client id, request ids,
 * the resend interval of request sockets, and the count of oneway calls
 * dropped. Calls nothing else of the runtime: every file may call it.
 */
#include <stdlib.h>

#include <sodium.h>

#include "internal.h"
#include "log.h"
#include "testing.h"
#include "util.h"

static pthread_once_t ids_once = PTHREAD_ONCE_INIT;
static uint64_t client_id;
static atomic_uint_fast64_t request_counter;
static atomic_int test_resend_ivl_ms;
static atomic_uint_fast64_t dropped_oneway;

uint64_t avb_rt_random64(void)
{
        uint64_t v = 0;

        while (v == 0)
                randombytes_buf(&v, sizeof(v));
        return v;
}

static void ids_init(void)
{
        if (sodium_init() < 0)
                avb_log_error("libsodium failed to initialise; ids may repeat");
        client_id = avb_rt_random64();
}

uint64_t avb_rt_client_id(void)
{
        pthread_once(&ids_once, ids_init);
        return client_id;
}

uint64_t avb_rt_next_request_id(void)
{
        return atomic_fetch_add(&request_counter, 1) + 1;
}

void avb_rpc_test_set_resend_ivl(int ms)
{
        atomic_store(&test_resend_ivl_ms, ms);
}

int avb_rt_resend_ivl_ms(void)
{
        int ms = atomic_load(&test_resend_ivl_ms);
        const char *e;

        if (ms > 0)
                return ms;
        e = getenv("AVB_TEST_RESEND_IVL_MS");
        if (e && atoi(e) > 0)
                return atoi(e);
        return AVB_RESEND_IVL_DEFAULT_MS;
}

uint64_t avb_rpc_dropped_oneway(void)
{
        return atomic_load(&dropped_oneway);
}

void avb_rt_count_drop(const char *endpoint, const char *why, unsigned n)
{
        static avb_ratelimit rl;
        unsigned suppressed;

        atomic_fetch_add(&dropped_oneway, n);
        if (avb_ratelimit_pass(&rl, 5, 10000, &suppressed))
                avb_log_warning("oneway call%s to %s dropped (%s); %llu dropped in all%s",
                                n == 1 ? "" : "s", endpoint, why,
                                (unsigned long long)atomic_load(&dropped_oneway),
                                suppressed ? " (some messages suppressed)" : "");
}
