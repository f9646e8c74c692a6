/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The helper-process side: `avbuffer-conformance --child MODE ARGS`.
 * It answers on stdout one line at a time ("error MSG" on failure) and
 * reads commands from stdin.
 *
 *   hold SECURE          pools with live buffers; prints them, "ready", then
 *                        waits for EOF (the parent kills it with SIGKILL)
 *   worker N VIDEO ID    one pool, N buffers; "ready"; on "go" frees them,
 *                        destroys the pool, prints "done"
 *   alloc-one SEED LEN   one pool and one written buffer; "ready"; on "go"
 *                        checks the parent freed it, destroys the pool
 *   map-write H SEED LEN maps buffer H, writes the pattern, reads it back
 *   read H SEED LEN      maps buffer H and compares it with the pattern
 *   free H               prints "free 1" or "free 0"
 *   detach SEED LEN      one pool and one written buffer; drops every proxy
 *                        (IAVBuffer, helper, service manager), prints them
 *                        and "ready"; on "go" connects again, checks both,
 *                        prints "back"; at EOF drops the proxies again and
 *                        exits without destroying anything
 *   notify P SIZE N STEP N requests on pool P, the i-th of SIZE - (i % 50) * STEP
 *                        bytes; prints "accepted K" (how many returned true)
 *   listen               one pool; prints it, "ready"; then answers "count"
 *                        with "count N" (its listener's calls) until "done",
 *                        when it destroys the pool and prints "done"
 *   destroy P [UID]      first becomes UID (keeping group 0, which reaches the
 *                        socket directory), then tries destroyPool(P), and
 *                        alloc + free in P: "destroy D alloc A free F" (0/1)
 *   scan H...            maps a buffer of its own, then searches every shared
 *                        memfd mapping for the handles H: "found H" for each, "own"
 *                        if its own handle is there, "done N bytes"
 *   map-watch H SEED LEN maps H twice ("mapped L1 L2": look-ups after each),
 *                        on "again" maps it once more ("map ERRNO")
 *   copy DST SRC N       one helper copy from SRC to DST: N ranges of the whole
 *                        buffer, then one moving all but its first 1000 bytes
 *                        to its start; "copying" before, "copied" after
 *   copy-loop DST SRC N  helper copies of N whole-buffer ranges from SRC to DST,
 *                        one after another; "copying" before the first, then
 *                        copies until killed
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf.h"

int32_t cf_worker_size(int i)
{
        return 64 + 24 * i;
}

static void wait_line(cf_ctx *c, const char *want)
{
        char line[128];

        for (;;) {
                if (!fgets(line, sizeof(line), stdin))
                        CF_FAIL(c, "stdin closed while waiting for '%s'", want);
                line[strcspn(line, "\n")] = 0;
                if (!strcmp(line, want))
                        return;
        }
}

static void print_pool_and_bufs(const cf_tpool *tp)
{
        size_t i;

        printf("pool %d\n", tp->handle);
        for (i = 0; i < tp->n_bufs; i++)
                printf("buf %lld\n", (long long)tp->bufs[i].handle);
}

static void mode_hold(cf_ctx *c, bool secure)
{
        cf_tpool *tp[2];
        int n = secure ? 2 : 1, k, i;

        for (k = 0; k < n; k++) {
                tp[k] = cf_pool_new(c, false, k == 1, 0, NULL);
                for (i = 0; i < 3; i++)
                        cf_buf_alloc(c, tp[k], 1000 + 100 * i);
                print_pool_and_bufs(tp[k]);
        }
        printf("ready\n");
        fflush(stdout);
        /* Hold until killed (or the parent closes our stdin). */
        while (fgetc(stdin) != EOF)
                ;
}

static void mode_worker(cf_ctx *c, int n, bool video, int32_t decoder)
{
        cf_tpool *tp = cf_pool_new(c, video, false, decoder, NULL);
        int i;

        for (i = 0; i < n; i++)
                cf_buf_alloc(c, tp, cf_worker_size(i));
        print_pool_and_bufs(tp);
        printf("ready\n");
        fflush(stdout);
        wait_line(c, "go");
        while (tp->n_bufs)
                cf_buf_free(c, tp->bufs[0].handle);
        cf_pool_destroy(c, tp);
        printf("done\n");
}

static void check_content(cf_ctx *c, int64_t h, const void *mem, uint32_t seed, size_t len)
{
        uint8_t *want = malloc(len ? len : 1);

        if (!want)
                abort();
        cf_pattern(want, len, seed);
        if (memcmp(mem, want, len) != 0) {
                free(want);
                CF_FAIL(c, "buffer %lld does not hold the pattern of seed %u", (long long)h, seed);
        }
        free(want);
}

/* Maps h, writes the pattern (or not) and checks it is there. */
static void map_write(cf_ctx *c, int64_t h, uint32_t seed, size_t len, bool write)
{
        void *ptr = cf_map(c, h, len);

        if (write)
                cf_pattern(ptr, len, seed);
        check_content(c, h, ptr, seed, len);
        cf_unmap(c, h, ptr);
}

static void mode_alloc_one(cf_ctx *c, uint32_t seed, size_t len)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, (int32_t)len);
        avb_status st;
        bool valid = true;

        map_write(c, h, seed, len, true);
        print_pool_and_bufs(tp);
        printf("ready\n");
        fflush(stdout);
        wait_line(c, "go");
        st = cf_api_is_valid(c->avb, h, &valid);
        CF_EXPECT_OK(c, st, "isValid");
        CF_CHECK(c, !valid, "buffer %lld freed by another process is still valid", (long long)h);
        cf_buf_forget(c, h);
        cf_pool_destroy(c, tp);
        printf("done\n");
}

/* Lets go of every proxy to the service: the runtime closes the connection. */
static void drop_proxies(cf_ctx *c)
{
        c->helper = avb_helper_free(c->helper);
        c->avb = avb_binder_unref(c->avb);
}

static void mode_detach(cf_ctx *c, uint32_t seed, size_t len)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, (int32_t)len);
        cf_pool_metrics pm;
        avb_status st;
        bool valid = false;
        int e;

        map_write(c, h, seed, len, true);
        drop_proxies(c);
        print_pool_and_bufs(tp);
        printf("ready\n");
        fflush(stdout);
        wait_line(c, "go");
        e = cf_connect_object(c->o, CF_OBJECT_MAIN, &c->avb);
        CF_CHECK(c, e == 0, "cannot reach the service again: %s", cf_errname(e));
        st = cf_api_is_valid(c->avb, h, &valid);
        CF_EXPECT_OK(c, st, "isValid");
        CF_CHECK(c, valid, "buffer %lld is not valid after connecting again", (long long)h);
        st = cf_api_pool_metrics(c->avb, tp->handle, &pm);
        CF_EXPECT_OK(c, st, "getPoolMetrics after connecting again");
        CF_CHECK_EQ(c, pm.used, cf_pool_expected_used(c, tp), "bytesUsed after connecting again");
        map_write(c, h, seed, len, false);
        printf("back\n");
        fflush(stdout);
        while (fgetc(stdin) != EOF)
                ;
        /* The pool and the buffer are left to the service's reclaim at exit. */
        drop_proxies(c);
        _exit(0);
}

static void mode_notify(cf_ctx *c, int8_t pool, int32_t size, int n, int32_t step)
{
        int accepted = 0;

        for (int i = 0; i < n; i++) {
                bool ok = false;
                avb_status st = cf_api_notify(c->avb, pool, size - (i % 50) * step, &ok);

                CF_EXPECT_OK(c, st, "notifyWhenSpaceAvailable");
                accepted += ok;
        }
        printf("accepted %d\n", accepted);
}

static void mode_listen(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        char line[64];

        print_pool_and_bufs(tp);
        printf("ready\n");
        fflush(stdout);
        while (fgets(line, sizeof(line), stdin)) {
                line[strcspn(line, "\n")] = 0;
                if (!strcmp(line, "done"))
                        break;
                if (!strcmp(line, "count"))
                        printf("count %d\n", atomic_load(&tp->listener->count));
                fflush(stdout);
        }
        cf_pool_destroy(c, tp);
        printf("done\n");
}

/* Another uid, group 0 only: a client that is not a trusted component (unless the profile says so).
 */
static void become(cf_ctx *c, const char *uid)
{
        uid_t u = (uid_t)strtoul(uid, NULL, 10);

        if (setgroups(0, NULL) < 0 || setgid(0) < 0 || setuid(u) < 0)
                CF_FAIL(c, "cannot become uid %u (run as root)", (unsigned)u);
}

static void mode_destroy(cf_ctx *c, int8_t pool)
{
        int64_t h = 0;
        bool destroyed = false, freed = false;
        avb_status st = cf_api_destroy_pool(c->avb, pool, &destroyed);

        CF_EXPECT_OK(c, st, "destroyPool of another client's pool");
        st = cf_api_alloc(c->avb, pool, 64, &h);
        if (avb_status_is_ok(&st)) {
                st = cf_api_free(c->avb, h, &freed);
                CF_EXPECT_OK(c, st, "free");
        }
        printf("destroy %d alloc %d free %d\n", destroyed, h > 0, freed);
}

/* Whether the 8 bytes of v occur in [lo, hi). */
static bool region_has(uintptr_t lo, uintptr_t hi, int64_t v)
{
        return memmem((const void *)lo, hi - lo, &v, sizeof(v)) != NULL;
}

static void mode_scan(cf_ctx *c, int n, char **hs)
{
        cf_tpool *tp = cf_pool_new(c, false, false, 0, NULL);
        int64_t own = cf_buf_alloc(c, tp, 512), want[8];
        bool found[8] = {false}, own_found = false;
        void *ptr = cf_map(c, own, 512);
        unsigned long lo, hi;
        char line[512], perms[8];
        size_t bytes = 0;
        FILE *f;

        CF_CHECK(c, n <= 8, "scan: at most 8 handles");
        for (int i = 0; i < n; i++)
                want[i] = strtoll(hs[i], NULL, 10);
        f = fopen("/proc/self/maps", "r");
        CF_CHECK(c, f != NULL, "cannot read /proc/self/maps");
        while (fgets(line, sizeof(line), f)) {
                /* Shared memory from another process comes as a memfd (a tool such
                 * as valgrind may have shared mappings of its own: not scanned). */
                if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
                    perms[3] != 's' || !strstr(line, "/memfd:"))
                        continue;
                bytes += hi - lo;
                own_found = own_found || region_has(lo, hi, own);
                for (int i = 0; i < n; i++)
                        found[i] = found[i] || region_has(lo, hi, want[i]);
        }
        fclose(f);
        for (int i = 0; i < n; i++)
                if (found[i])
                        printf("found %lld\n", (long long)want[i]);
        if (own_found)
                printf("own\n");
        printf("done %zu bytes of shared mappings\n", bytes);
        cf_unmap(c, own, ptr);
}

static void mode_map_watch(cf_ctx *c, int64_t h, uint32_t seed, size_t len)
{
        uint64_t n[2] = {0, 0};
        size_t size;
        void *ptr;

        for (int i = 0; i < 2; i++) {
                ptr = cf_map(c, h, len);
                check_content(c, h, ptr, seed, len);
                cf_unmap(c, h, ptr);
                CF_CHECK(c, avb_helper_get_lookups(c->helper, &n[i]) == 0,
                         "avb_helper_get_lookups");
        }
        printf("mapped %llu %llu\n", (unsigned long long)n[0], (unsigned long long)n[1]);
        fflush(stdout);
        wait_line(c, "again");
        printf("map %d\n", avb_helper_map(c->helper, h, &ptr, &size));
}

static void mode_copy(cf_ctx *c, int64_t dst, int64_t src, size_t n, bool loop)
{
        avb_helper_range *r = calloc(n + 1, sizeof(*r));
        size_t size = 0;
        int e;

        CF_CHECK(c, r, "out of memory");
        e = avb_helper_get_size(cf_helper(c), src, &size);
        CF_CHECK(c, e == 0 && size > 1000, "size of buffer %lld: %s", (long long)src,
                 cf_errname(e));
        for (size_t i = 0; i < n; i++)
                r[i] = (avb_helper_range){0, 0, (uint32_t)size};
        r[n] = (avb_helper_range){1000, 0, (uint32_t)size - 1000};
        printf("copying\n");
        fflush(stdout);
        do
                e = avb_helper_copy(cf_helper(c), dst, src, r, loop ? n : n + 1);
        while (loop && e == 0);
        free(r);
        CF_EXPECT_ERRNO(c, e, 0, "helper copy");
        printf("copied\n");
}

int cf_child_main(const cf_opts *o, const cf_profile *p, int argc, char **argv)
{
        static cf_ctx ctx;
        cf_ctx *c = &ctx;
        const char *mode = argc > 0 ? argv[0] : "";
        avb_status st;
        bool ok = false;
        int e;

        c->o = o;
        c->p = p;
        c->align = p->loaded ? p->alignment : 64;
        c->auto_metrics = false; /* other processes change the metrics meanwhile */
        if (setjmp(c->jb)) {
                printf("error %s\n", c->msg);
                fflush(stdout);
                return 1;
        }
        if (!strcmp(mode, "destroy") && argc == 3)
                become(c, argv[2]);
        e = cf_connect_object(o, CF_OBJECT_MAIN, &c->avb);
        if (e < 0)
                CF_FAIL(c, "cannot reach the service: %s", cf_errname(e));
        if (!strcmp(mode, "hold") && argc == 2) {
                mode_hold(c, atoi(argv[1]));
        } else if (!strcmp(mode, "worker") && argc == 4) {
                mode_worker(c, atoi(argv[1]), atoi(argv[2]), atoi(argv[3]));
        } else if (!strcmp(mode, "alloc-one") && argc == 3) {
                mode_alloc_one(c, (uint32_t)strtoul(argv[1], NULL, 0), strtoul(argv[2], NULL, 0));
        } else if (!strcmp(mode, "detach") && argc == 3) {
                mode_detach(c, (uint32_t)strtoul(argv[1], NULL, 0), strtoul(argv[2], NULL, 0));
        } else if ((!strcmp(mode, "map-write") || !strcmp(mode, "read")) && argc == 4) {
                map_write(c, strtoll(argv[1], NULL, 0), (uint32_t)strtoul(argv[2], NULL, 0),
                          strtoul(argv[3], NULL, 0), mode[0] == 'm');
                printf("ok\n");
        } else if (!strcmp(mode, "destroy") && (argc == 2 || argc == 3)) {
                mode_destroy(c, (int8_t)atoi(argv[1]));
        } else if (!strcmp(mode, "scan") && argc >= 2) {
                mode_scan(c, argc - 1, argv + 1);
        } else if (!strcmp(mode, "map-watch") && argc == 4) {
                mode_map_watch(c, strtoll(argv[1], NULL, 0), (uint32_t)strtoul(argv[2], NULL, 0),
                               strtoul(argv[3], NULL, 0));
        } else if (!strcmp(mode, "free") && argc == 2) {
                st = cf_api_free(c->avb, strtoll(argv[1], NULL, 0), &ok);
                CF_EXPECT_OK(c, st, "free");
                printf("free %d\n", ok);
        } else if (!strcmp(mode, "notify") && argc == 5) {
                mode_notify(c, (int8_t)atoi(argv[1]), atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
        } else if (!strcmp(mode, "listen") && argc == 1) {
                mode_listen(c);
        } else if ((!strcmp(mode, "copy") || !strcmp(mode, "copy-loop")) && argc == 4) {
                mode_copy(c, strtoll(argv[1], NULL, 0), strtoll(argv[2], NULL, 0),
                          strtoul(argv[3], NULL, 0), mode[4] == '-');
        } else {
                CF_FAIL(c, "unknown helper mode '%s' (%d arguments)", mode, argc);
        }
        fflush(stdout);
        cf_case_cleanup(c);
        avb_helper_free(c->helper);
        avb_binder_unref(c->avb);
        return 0;
}
