/* SPDX-License-Identifier: Apache-2.0 */
/* The suite's plumbing: checks, the metrics model, listeners, connecting. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <avbuffer/servicemanager.h>

#include "avb_servicemanager.h"
#include "cf.h"

/* ---- failing ------------------------------------------------------------ */

void cf_fail_at(cf_ctx *c, const char *file, int line, const char *fmt, ...)
{
        const char *base = strrchr(file, '/');
        va_list ap;
        int n;

        n = snprintf(c->msg, sizeof(c->msg), "%s:%d: ", base ? base + 1 : file, line);
        if (n < 0 || (size_t)n >= sizeof(c->msg))
                n = 0;
        va_start(ap, fmt);
        vsnprintf(c->msg + n, sizeof(c->msg) - (size_t)n, fmt, ap);
        va_end(ap);
        c->skipped = false;
        longjmp(c->jb, 1);
}

void cf_skip(cf_ctx *c, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
        va_end(ap);
        c->skipped = true;
        longjmp(c->jb, 2);
}

void cf_note(cf_ctx *c, const char *fmt, ...)
{
        va_list ap;

        if (!c->o->verbose)
                return;
        va_start(ap, fmt);
        fputs("    note: ", stdout);
        vprintf(fmt, ap);
        fputc('\n', stdout);
        va_end(ap);
        fflush(stdout);
}

const char *cf_errname(int e)
{
        static __thread char buf[64];

        if (e >= 0) {
                snprintf(buf, sizeof(buf), "%d", e);
                return buf;
        }
        snprintf(buf, sizeof(buf), "%s", strerrorname_np(-e) ? strerrorname_np(-e) : "?");
        return buf;
}

const char *cf_status_str(const avb_status *st, char *buf, size_t len)
{
        if (st->exception == AVB_EX_SERVICE_SPECIFIC)
                snprintf(buf, len, "%s(%d) \"%s\"", avb_exception_name(st->exception),
                         st->service_specific, st->message);
        else if (st->exception == AVB_EX_TRANSACTION_FAILED)
                snprintf(buf, len, "%s/%s \"%s\"", avb_exception_name(st->exception),
                         avb_transport_name(st->transport), st->message);
        else
                snprintf(buf, len, "%s \"%s\"", avb_exception_name(st->exception), st->message);
        return buf;
}

void cf_expect_at(cf_ctx *c, const char *file, int line, const avb_status *st, int32_t ex,
                  int32_t ss, const char *what)
{
        char got[AVB_STATUS_MESSAGE_MAX + 64];

        if (st->exception == ex && (ex != AVB_EX_SERVICE_SPECIFIC || st->service_specific == ss))
                return;
        cf_status_str(st, got, sizeof(got));
        if (ex == AVB_EX_SERVICE_SPECIFIC)
                cf_fail_at(c, file, line, "%s: got %s, want %s(%d)", what, got,
                           avb_exception_name(ex), ss);
        cf_fail_at(c, file, line, "%s: got %s, want %s", what, got, avb_exception_name(ex));
}

/* ---- time --------------------------------------------------------------- */

int cf_timeout_ms(const cf_ctx *c, int base_ms)
{
        return base_ms * (c->o->time_scale > 0 ? c->o->time_scale : 1);
}

/* ---- connecting --------------------------------------------------------- */

int cf_service_endpoint(const cf_opts *o, char **ret, uint32_t *ret_object_id)
{
        avb_binder *sm = NULL;
        char *ep = NULL;
        avb_status st;
        int e;

        if (o->endpoint)
                return avb_endpoint_split(o->endpoint, ret, ret_object_id);
        e = avb_sm_connect(&sm);
        if (e < 0)
                return e;
        avb_binder_set_deadline_ms(sm, 15000);
        st = avb_servicemanager_IServiceManager_waitForService(sm, o->service, 10000, &ep);
        avb_binder_unref(sm);
        if (!avb_status_is_ok(&st))
                e = st.exception == AVB_EX_TRANSACTION_FAILED ? -ECONNREFUSED : -EIO;
        else if (!ep)
                e = -ENOENT;
        else
                e = avb_endpoint_split(ep, ret, ret_object_id);
        free(ep);
        return e;
}

int cf_connect_object(const cf_opts *o, uint32_t object_id, avb_binder **ret)
{
        uint32_t registered = 0;
        char *ep = NULL;
        int e;

        e = cf_service_endpoint(o, &ep, &registered);
        if (e < 0)
                return e;
        e = avb_binder_connect(ep, object_id == CF_OBJECT_MAIN ? registered : object_id, ret);
        free(ep);
        return e;
}

/* ---- the model ---------------------------------------------------------- */

uint32_t cf_align_up(const cf_ctx *c, uint32_t n)
{
        return (n + c->align - 1) / c->align * c->align;
}

int32_t cf_pool_expected_used(const cf_ctx *c, const cf_tpool *tp)
{
        int64_t used = 0;
        size_t i;

        for (i = 0; i < tp->n_bufs; i++)
                used += cf_align_up(c, (uint32_t)tp->bufs[i].size);
        return (int32_t)used;
}

int64_t cf_expected_pool_size(const cf_ctx *c, bool video, bool secure, int32_t decoder)
{
        const cf_decoder *d;

        if (!c->p->loaded)
                return -1;
        d = cf_profile_decoder(c->p, video, decoder);
        if (!d)
                return -1;
        return cf_align_up(c, d->pool_bytes[secure]);
}

const cf_decoder *cf_need_decoder(cf_ctx *c, bool video, int32_t id)
{
        const cf_decoder *d;

        if (!c->p->loaded) {
                /* Without a profile assume the decoders of the spec's pipeline example. */
                if (id == 0 || (!video && id == -1))
                        return NULL;
                cf_skip(c, "needs --profile to know whether %s decoder %d exists",
                        video ? "video" : "audio", id);
        }
        d = cf_profile_decoder(c->p, video, id);
        if (!d)
                cf_skip(c, "the profile declares no %s decoder %d", video ? "video" : "audio", id);
        return d;
}

void cf_live_pool_set(cf_ctx *c, bool live[CF_MAX_POOL_HANDLES])
{
        cf_pool_metrics *m = NULL;
        size_t n = 0, i;
        avb_status st;
        int s;

        memset(live, 0, CF_MAX_POOL_HANDLES * sizeof(bool));
        for (s = 0; s < 2; s++) {
                st = cf_api_all_pool_metrics(c->avb, s, &m, &n);
                CF_EXPECT_OK(c, st, "getAllPoolMetrics");
                for (i = 0; i < n; i++) {
                        CF_CHECK(c, m[i].pool >= 0, "getAllPoolMetrics lists pool handle %d",
                                 m[i].pool);
                        live[m[i].pool] = true;
                }
                free(m);
        }
}

void cf_case_begin(cf_ctx *c)
{
        cf_heap_metrics hm;
        cf_pool_metrics *m = NULL;
        size_t n = 0, i;
        avb_status st;
        int s;

        memset(c->foreign, 0, sizeof(c->foreign));
        c->n_pools = 0;
        c->n_listeners = 0;
        c->n_children = 0;
        c->skipped = false;
        c->msg[0] = 0;
        c->auto_metrics = true;
        for (s = 0; s < 2; s++) {
                st = cf_api_heap_metrics(c->avb, s, &hm);
                CF_EXPECT_OK(c, st, "getHeapMetrics at case start");
                c->heap_base[s] = hm.used;
                st = cf_api_all_pool_metrics(c->avb, s, &m, &n);
                CF_EXPECT_OK(c, st, "getAllPoolMetrics at case start");
                for (i = 0; i < n; i++)
                        if (m[i].pool >= 0)
                                c->foreign[s][m[i].pool] = true;
                free(m);
        }
}

static cf_tpool *find_pool(cf_ctx *c, int8_t handle)
{
        size_t i;

        for (i = 0; i < c->n_pools; i++)
                if (c->pools[i].live && c->pools[i].handle == handle)
                        return &c->pools[i];
        return NULL;
}

void cf_check_metrics(cf_ctx *c)
{
        cf_pool_metrics *m = NULL, pm;
        cf_heap_metrics hm;
        size_t n = 0, i, j, mine;
        int64_t heap_used;
        avb_status st;
        int s;

        for (s = 0; s < 2; s++) {
                heap_used = c->heap_base[s];
                mine = 0;
                for (i = 0; i < c->n_pools; i++) {
                        cf_tpool *tp = &c->pools[i];

                        if (!tp->live || tp->secure != (bool)s)
                                continue;
                        heap_used += tp->total;
                        mine++;
                        st = cf_api_pool_metrics(c->avb, tp->handle, &pm);
                        CF_EXPECT_OK(c, st, "getPoolMetrics");
                        CF_CHECK(c,
                                 pm.pool == tp->handle && pm.total == tp->total &&
                                     pm.used == cf_pool_expected_used(c, tp),
                                 "getPoolMetrics(%d) = {pool %d, used %d, total %d}, want {pool "
                                 "%d, used %d, total %d}",
                                 tp->handle, pm.pool, pm.used, pm.total, tp->handle,
                                 cf_pool_expected_used(c, tp), tp->total);
                }
                st = cf_api_heap_metrics(c->avb, s, &hm);
                CF_EXPECT_OK(c, st, "getHeapMetrics");
                CF_CHECK(c, hm.secure == (bool)s, "getHeapMetrics(%d).secure = %d", s, hm.secure);
                CF_CHECK(c, hm.used == heap_used,
                         "getHeapMetrics(%s).bytesUsed = %d, want %lld (start %d + pools)",
                         s ? "secure" : "non-secure", hm.used, (long long)heap_used,
                         c->heap_base[s]);
                st = cf_api_all_pool_metrics(c->avb, s, &m, &n);
                CF_EXPECT_OK(c, st, "getAllPoolMetrics");
                for (j = 0; j < n; j++) {
                        cf_tpool *tp = m[j].pool >= 0 ? find_pool(c, m[j].pool) : NULL;

                        if (tp && tp->secure == (bool)s) {
                                mine--;
                                if (m[j].used != cf_pool_expected_used(c, tp) ||
                                    m[j].total != tp->total) {
                                        pm = m[j];
                                        free(m);
                                        CF_FAIL(c,
                                                "getAllPoolMetrics(%d): pool %d used %d total "
                                                "%d, want used %d total %d",
                                                s, pm.pool, pm.used, pm.total,
                                                cf_pool_expected_used(c, tp), tp->total);
                                }
                        } else if (m[j].pool < 0 || !c->foreign[s][m[j].pool]) {
                                pm = m[j];
                                free(m);
                                CF_FAIL(c,
                                        "getAllPoolMetrics(%d) lists pool %d that is not "
                                        "this case's pool in that heap",
                                        s, pm.pool);
                        }
                }
                free(m);
                CF_CHECK(c, mine == 0, "getAllPoolMetrics(%d) misses %zu of this case's pools", s,
                         mine);
        }
}

static void maybe_check(cf_ctx *c)
{
        if (c->auto_metrics)
                cf_check_metrics(c);
}

/* ---- listeners ---------------------------------------------------------- */

cf_listener *cf_listener_new(cf_ctx *c)
{
        cf_listener *l;
        int e;

        CF_CHECK(c, c->n_listeners < CF_MAX_TRACKED_POOLS, "too many listeners in one case");
        l = calloc(1, sizeof(*l));
        if (!l)
                abort();
        e = cf_api_listener_new(l);
        if (e < 0) {
                free(l);
                CF_FAIL(c, "IAVBufferSpaceListener_new_local: %s", cf_errname(e));
        }
        c->listeners[c->n_listeners++] = l;
        return l;
}

void cf_listener_wait(cf_ctx *c, cf_listener *l, int n, const char *what)
{
        int64_t deadline = avb_now_ms() + cf_timeout_ms(c, 5000);

        while (atomic_load(&l->count) < n) {
                if (avb_now_ms() > deadline)
                        CF_FAIL(c, "%s: %d onSpaceAvailable() calls, want %d", what,
                                atomic_load(&l->count), n);
                cf_sleep_ms(2);
        }
}

void cf_listener_expect(cf_ctx *c, cf_listener *l, int n, cf_tpool *sentinel_pool, const char *what)
{
        int64_t quiet_end;
        avb_status st;
        bool ok = false;
        int want = n;

        cf_listener_wait(c, l, n, what);
        if (sentinel_pool) {
                /* One more request that fits at once: when its call arrives, every
                 * call the server sent this listener before it has arrived too. */
                st = cf_api_notify(c->avb, sentinel_pool->handle, 1, &ok);
                CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable(sentinel)");
                CF_CHECK(c, ok, "notifyWhenSpaceAvailable(pool %d, 1) on a pool with room: false",
                         sentinel_pool->handle);
                want = n + 1;
                cf_listener_wait(c, l, want, what);
        }
        /* A quiet period catches late extra calls; a correct server never fails it. */
        quiet_end = avb_now_ms() + 150;
        while (avb_now_ms() < quiet_end) {
                CF_CHECK(c, atomic_load(&l->count) == want,
                         "%s: %d onSpaceAvailable() calls, want exactly %d%s", what,
                         atomic_load(&l->count), want, sentinel_pool ? " (with the sentinel)" : "");
                cf_sleep_ms(10);
        }
        CF_CHECK(c, atomic_load(&l->count) == want,
                 "%s: %d onSpaceAvailable() calls, want exactly %d", what, atomic_load(&l->count),
                 want);
}

/* ---- tracked pools and buffers ----------------------------------------- */

cf_tpool *cf_pool_try(cf_ctx *c, bool video, bool secure, int32_t decoder, cf_listener *listener,
                      avb_status *ret_st)
{
        char what[96];
        cf_pool_metrics pm;
        cf_tpool *tp;
        avb_status st;
        int64_t want;
        int8_t h = -1;

        CF_CHECK(c, c->n_pools < CF_MAX_TRACKED_POOLS, "too many pools in one case");
        if (!listener)
                listener = cf_listener_new(c);
        snprintf(what, sizeof(what), "create%sPool(%s, %d)", video ? "Video" : "Audio",
                 secure ? "secure" : "non-secure", decoder);
        *ret_st = cf_api_create_pool(c->avb, video, secure, decoder, listener->binder, &h);
        if (!avb_status_is_ok(ret_st))
                return NULL;
        st = cf_api_pool_metrics(c->avb, h, &pm);
        tp = &c->pools[c->n_pools++];
        memset(tp, 0, sizeof(*tp));
        tp->live = true;
        tp->handle = h;
        tp->secure = secure;
        tp->video = video;
        tp->decoder = decoder;
        tp->listener = listener;
        CF_CHECK(c, h >= 0, "%s gave pool handle %d, want 0..127", what, h);
        for (size_t i = 0; i + 1 < c->n_pools; i++)
                CF_CHECK(c, !c->pools[i].live || c->pools[i].handle != h,
                         "%s gave pool handle %d, which is already live", what, h);
        CF_EXPECT_OK(c, st, "getPoolMetrics of a new pool");
        tp->total = pm.total;
        CF_CHECK(c, pm.pool == h && pm.used == 0 && pm.total > 0,
                 "new pool %d: metrics {pool %d, used %d, total %d}", h, pm.pool, pm.used,
                 pm.total);
        want = cf_expected_pool_size(c, video, secure, decoder);
        CF_CHECK(c, want < 0 || pm.total == want, "%s: bytesTotal %d, the profile gives %lld", what,
                 pm.total, (long long)want);
        maybe_check(c);
        return tp;
}

cf_tpool *cf_pool_new(cf_ctx *c, bool video, bool secure, int32_t decoder, cf_listener *listener)
{
        char what[96];
        avb_status st;
        cf_tpool *tp;

        tp = cf_pool_try(c, video, secure, decoder, listener, &st);
        snprintf(what, sizeof(what), "create%sPool(%s, %d)", video ? "Video" : "Audio",
                 secure ? "secure" : "non-secure", decoder);
        CF_EXPECT_OK(c, st, what);
        return tp;
}

void cf_pool_destroy(cf_ctx *c, cf_tpool *tp)
{
        avb_status st;
        bool ok = false;

        st = cf_api_destroy_pool(c->avb, tp->handle, &ok);
        CF_EXPECT_OK(c, st, "destroyPool");
        CF_CHECK(c, ok, "destroyPool(%d) of an empty live pool returned false", tp->handle);
        tp->live = false;
        maybe_check(c);
}

int64_t cf_buf_try(cf_ctx *c, cf_tpool *tp, int32_t size, avb_status *ret_st)
{
        int64_t h = 0;

        *ret_st = cf_api_alloc(c->avb, tp->handle, size, &h);
        if (!avb_status_is_ok(ret_st))
                return 0;
        CF_CHECK(c, h > 0, "alloc(pool %d, %d) gave handle %lld, want > 0", tp->handle, size,
                 (long long)h);
        CF_CHECK(c, !cf_pool_of_buf(c, h, NULL),
                 "alloc(pool %d, %d) gave handle %lld, which is already live", tp->handle, size,
                 (long long)h);
        if (tp->n_bufs == tp->cap_bufs) {
                tp->cap_bufs = tp->cap_bufs ? tp->cap_bufs * 2 : 16;
                tp->bufs = realloc(tp->bufs, tp->cap_bufs * sizeof(*tp->bufs));
                if (!tp->bufs)
                        abort();
        }
        tp->bufs[tp->n_bufs].handle = h;
        tp->bufs[tp->n_bufs].size = size;
        tp->n_bufs++;
        maybe_check(c);
        return h;
}

int64_t cf_buf_alloc(cf_ctx *c, cf_tpool *tp, int32_t size)
{
        char what[64];
        avb_status st;
        int64_t h;

        h = cf_buf_try(c, tp, size, &st);
        snprintf(what, sizeof(what), "alloc(pool %d, %d)", tp->handle, size);
        CF_EXPECT_OK(c, st, what);
        return h;
}

cf_tpool *cf_pool_of_buf(cf_ctx *c, int64_t handle, size_t *ret_index)
{
        size_t i, j;

        for (i = 0; i < c->n_pools; i++)
                for (j = 0; j < c->pools[i].n_bufs; j++)
                        if (c->pools[i].bufs[j].handle == handle) {
                                if (ret_index)
                                        *ret_index = j;
                                return &c->pools[i];
                        }
        return NULL;
}

void cf_buf_forget(cf_ctx *c, int64_t handle)
{
        cf_tpool *tp;
        size_t j;

        tp = cf_pool_of_buf(c, handle, &j);
        if (!tp)
                return;
        memmove(&tp->bufs[j], &tp->bufs[j + 1], (tp->n_bufs - j - 1) * sizeof(*tp->bufs));
        tp->n_bufs--;
}

void cf_buf_free(cf_ctx *c, int64_t handle)
{
        avb_status st;
        bool ok = false;

        st = cf_api_free(c->avb, handle, &ok);
        CF_EXPECT_OK(c, st, "free");
        CF_CHECK(c, ok, "free(%lld) of a live buffer returned false", (long long)handle);
        cf_buf_forget(c, handle);
        maybe_check(c);
}

void cf_buf_trim(cf_ctx *c, int64_t handle, int32_t new_size)
{
        cf_tpool *tp;
        avb_status st;
        bool ok = false;
        size_t j;

        st = cf_api_trim(c->avb, handle, new_size, &ok);
        CF_EXPECT_OK(c, st, "trimSize");
        CF_CHECK(c, ok, "trimSize(%lld, %d) of the last buffer returned false", (long long)handle,
                 new_size);
        tp = cf_pool_of_buf(c, handle, &j);
        if (tp)
                tp->bufs[j].size = new_size;
        maybe_check(c);
}

void cf_case_cleanup(cf_ctx *c)
{
        size_t i, j;
        bool ok;

        while (c->n_children)
                cf_child_kill(c, c->children[0], 9);
        for (i = 0; i < c->n_pools; i++) {
                cf_tpool *tp = &c->pools[i];

                for (j = 0; j < tp->n_bufs; j++)
                        cf_api_free(c->avb, tp->bufs[j].handle, &ok);
                if (tp->live)
                        cf_api_destroy_pool(c->avb, tp->handle, &ok);
                free(tp->bufs);
                memset(tp, 0, sizeof(*tp));
        }
        c->n_pools = 0;
        for (i = 0; i < c->n_listeners; i++) {
                int block = atomic_exchange(&c->listeners[i]->block_ms, 0);

                /* A call may still be sleeping in it: let it end before freeing. */
                if (block > 0)
                        cf_sleep_ms(block + 1000);
        }
        for (i = 0; i < c->n_listeners; i++) {
                avb_binder_unref(c->listeners[i]->binder);
                free(c->listeners[i]);
        }
        c->n_listeners = 0;
}

/* ---- content ------------------------------------------------------------ */

avb_helper *cf_helper(cf_ctx *c)
{
        int e;

        if (!c->helper) {
                e = avb_helper_new(c->avb, &c->helper);
                CF_CHECK(c, e == 0, "avb_helper_new: %s", cf_errname(e));
        }
        return c->helper;
}

void *cf_map(cf_ctx *c, int64_t h, size_t want_size)
{
        void *ptr = NULL;
        size_t size = 0;
        int e;

        e = avb_helper_map(cf_helper(c), h, &ptr, &size);
        CF_CHECK(c, e == 0, "avb_helper_map(%lld): %s", (long long)h, cf_errname(e));
        CF_CHECK(c, size == want_size, "avb_helper_map(%lld): size %zu, want %zu", (long long)h,
                 size, want_size);
        return ptr;
}

void cf_unmap(cf_ctx *c, int64_t h, void *ptr)
{
        int e = avb_helper_unmap(cf_helper(c), h, ptr);

        CF_CHECK(c, e == 0, "avb_helper_unmap(%lld): %s", (long long)h, cf_errname(e));
}

void cf_pattern(void *buf, size_t len, uint32_t seed)
{
        uint8_t *p = buf;
        uint32_t x = seed * 2654435761u + 1;
        size_t i;

        for (i = 0; i < len; i++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                p[i] = (uint8_t)x;
        }
}

bool cf_sha1_supported(cf_ctx *c)
{
        static int known = -1;
        uint8_t d[CF_SHA1_BYTES];
        size_t n;
        avb_status st;

        if (known >= 0)
                return known;
        /* -1 is never a live handle: a debug build answers EX_ILLEGAL_ARGUMENT. */
        st = cf_api_sha1(c->avb, -1, d, &n);
        if (st.exception == AVB_EX_UNSUPPORTED_OPERATION)
                known = 0;
        else if (st.exception == AVB_EX_ILLEGAL_ARGUMENT)
                known = 1;
        else
                CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "calculateSHA1(-1)");
        return known;
}

void cf_expect_sha1(cf_ctx *c, int64_t handle, const void *want, size_t len)
{
        uint8_t got[CF_SHA1_BYTES], exp[CF_SHA1_BYTES];
        avb_status st;
        size_t n = 0;

        if (!cf_sha1_supported(c) || !cf_sha1(want, len, exp))
                return;
        st = cf_api_sha1(c->avb, handle, got, &n);
        CF_EXPECT_OK(c, st, "calculateSHA1");
        CF_CHECK_EQ(c, n, CF_SHA1_BYTES, "calculateSHA1 digest length");
        CF_CHECK(c, memcmp(got, exp, CF_SHA1_BYTES) == 0,
                 "calculateSHA1(%lld) does not match the %zu bytes written", (long long)handle,
                 len);
}
