/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secure memory isolation (HAL.AVBUF.7), the helper library (HAL.AVBUF.9)
 * and the debug SHA-1.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf.h"

static void map_refused(cf_ctx *c)
{
        cf_tpool *tp = cf_pool_new(c, true, true, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, 5000);
        void *ptr = (void *)&map_refused;
        size_t size = 12345;
        int e;

        e = avb_helper_map(cf_helper(c), h, &ptr, &size);
        CF_EXPECT_ERRNO(c, e, -EPERM, "avb_helper_map of a secure buffer");
        CF_CHECK(c, ptr == (void *)&map_refused && size == 12345,
                 "a refused map wrote its outputs");
        e = avb_helper_get_size(cf_helper(c), h, &size);
        CF_CHECK(c, e == 0 && size == 5000, "avb_helper_get_size of a secure buffer: %s, %zu",
                 cf_errname(e), size);
        cf_buf_free(c, h);
        cf_pool_destroy(c, tp);
}

static void copy_to_nonsecure_refused(cf_ctx *c)
{
        enum { N = 4096 };
        static uint8_t pat[N], zero[N];
        cf_tpool *sp = cf_pool_new(c, false, true, 0, NULL);
        cf_tpool *np = cf_pool_new(c, false, false, 0, NULL);
        int64_t s = cf_buf_alloc(c, sp, N), d = cf_buf_alloc(c, np, N);
        avb_helper_range r = {0, 0, N};
        uint8_t *p;
        int e;

        cf_pattern(pat, N, 7);
        e = avb_helper_write(cf_helper(c), s, 0, pat, N);
        CF_CHECK(c, e == 0, "avb_helper_write into a secure buffer: %s", cf_errname(e));
        p = cf_map(c, d, N);
        memset(p, 0, N);
        e = avb_helper_copy(cf_helper(c), d, s, &r, 1);
        CF_EXPECT_ERRNO(c, e, -EPERM, "avb_helper_copy from secure to non-secure");
        CF_CHECK(c, memcmp(p, zero, N) == 0, "a refused copy changed the non-secure buffer");
        cf_unmap(c, d, p);
        cf_expect_sha1(c, s, pat, N);
        cf_buf_free(c, s);
        cf_buf_free(c, d);
        cf_pool_destroy(c, sp);
        cf_pool_destroy(c, np);
}

/* Names that betray secure memory: "...secure..." but not "nonsecure"/"non-secure". */
static bool names_secure(const char *s)
{
        const char *p;
        char low[512];
        size_t i;

        for (i = 0; s[i] && i < sizeof(low) - 1; i++)
                low[i] = (char)tolower((unsigned char)s[i]);
        low[i] = 0;
        for (p = strstr(low, "secure"); p; p = strstr(p + 1, "secure")) {
                if (p - low >= 3 && !strncmp(p - 3, "non", 3))
                        continue;
                if (p - low >= 4 && !strncmp(p - 4, "non-", 4))
                        continue;
                return true;
        }
        return false;
}

void cf_scan_for_secure(cf_ctx *c)
{
        char line[1024], path[300], target[512];
        struct dirent *de;
        FILE *f;
        DIR *d;

        f = fopen("/proc/self/maps", "r");
        CF_CHECK(c, f, "/proc/self/maps: %s", strerror(errno));
        while (fgets(line, sizeof(line), f))
                if (names_secure(line)) {
                        fclose(f);
                        line[strcspn(line, "\n")] = 0;
                        CF_FAIL(c, "secure memory mapped in the client: %s", line);
                }
        fclose(f);
        d = opendir("/proc/self/fd");
        CF_CHECK(c, d, "/proc/self/fd: %s", strerror(errno));
        while ((de = readdir(d))) {
                ssize_t n;

                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
                n = readlink(path, target, sizeof(target) - 1);
                if (n <= 0)
                        continue;
                target[n] = 0;
                if (names_secure(target)) {
                        closedir(d);
                        CF_FAIL(c, "secure memory descriptor in the client: fd %s -> %s",
                                de->d_name, target);
                }
        }
        closedir(d);
}

static void no_secure_memory_in_client(cf_ctx *c)
{
        enum { N = 3000 };
        static uint8_t buf[N];
        cf_tpool *sa = cf_pool_new(c, false, true, 0, NULL);
        cf_tpool *sv = cf_pool_new(c, true, true, 0, NULL);
        cf_tpool *na = cf_pool_new(c, false, false, 0, NULL);
        void *ptr;
        size_t size;
        int i, e;

        c->auto_metrics = false;
        for (i = 0; i < 40; i++) {
                cf_tpool *sp = i % 2 ? sa : sv;
                int64_t s = cf_buf_alloc(c, sp, N), n = cf_buf_alloc(c, na, N);
                avb_helper_range r = {0, 0, N};

                cf_pattern(buf, N, (uint32_t)i);
                CF_CHECK(c, avb_helper_write(cf_helper(c), n, 0, buf, N) == 0, "write");
                CF_CHECK(c, avb_helper_copy(cf_helper(c), s, n, &r, 1) == 0, "copy to secure");
                e = avb_helper_map(cf_helper(c), s, &ptr, &size);
                CF_EXPECT_ERRNO(c, e, -EPERM, "map of a secure buffer");
                if (i % 8 == 0)
                        cf_expect_sha1(c, s, buf, N);
                cf_buf_free(c, n);
                cf_buf_free(c, s);
        }
        c->auto_metrics = true;
        cf_check_metrics(c);
        cf_scan_for_secure(c);
        cf_pool_destroy(c, sa);
        cf_pool_destroy(c, sv);
        cf_pool_destroy(c, na);
        cf_scan_for_secure(c);
}

static void helper_map_write_copy(cf_ctx *c)
{
        enum { N = 8192 };
        static uint8_t pat[N], want[N];
        cf_tpool *np = cf_pool_new(c, true, false, 0, NULL);
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL);
        int64_t a = cf_buf_alloc(c, np, N), b = cf_buf_alloc(c, np, N), s = cf_buf_alloc(c, sp, N);
        avb_helper_range ranges[3] = {{0, 4096, 1000}, {5000, 0, 3000}, {8000, 8000, 192}};
        avb_helper_range bad = {N - 10, 0, 11};
        uint8_t *pa, *pb, *pa2;
        void *ptr;
        size_t size;
        int e, i;

        /* map, write through the pointer, unmap */
        cf_pattern(pat, N, 1);
        pa = cf_map(c, a, N);
        memcpy(pa, pat, N);
        cf_unmap(c, a, pa);
        pa2 = cf_map(c, a, N); /* a second mapping sees the same bytes */
        CF_CHECK(c, memcmp(pa2, pat, N) == 0, "content lost between two mappings");
        cf_unmap(c, a, pa2);
        cf_expect_sha1(c, a, pat, N);

        /* write() at an offset into a non-secure buffer */
        memset(want, 0, N);
        pb = cf_map(c, b, N);
        memset(pb, 0, N);
        e = avb_helper_write(cf_helper(c), b, 100, pat, 500);
        CF_CHECK(c, e == 0, "avb_helper_write: %s", cf_errname(e));
        memcpy(want + 100, pat, 500);
        CF_CHECK(c, memcmp(pb, want, N) == 0, "avb_helper_write did not land where asked");

        /* copy() of several ranges, non-secure to non-secure */
        e = avb_helper_copy(cf_helper(c), b, a, ranges, 3);
        CF_CHECK(c, e == 0, "avb_helper_copy: %s", cf_errname(e));
        for (i = 0; i < 3; i++)
                memcpy(want + ranges[i].dst_offset, pat + ranges[i].src_offset, ranges[i].size);
        CF_CHECK(c, memcmp(pb, want, N) == 0, "avb_helper_copy did not copy the ranges");
        cf_unmap(c, b, pb);
        cf_expect_sha1(c, b, want, N);

        /* into secure memory: write() and copy() */
        e = avb_helper_write(cf_helper(c), s, 0, want, N);
        CF_CHECK(c, e == 0, "avb_helper_write into secure: %s", cf_errname(e));
        cf_expect_sha1(c, s, want, N);
        e = avb_helper_copy(cf_helper(c), s, a, ranges, 3);
        CF_CHECK(c, e == 0, "avb_helper_copy into secure: %s", cf_errname(e));
        for (i = 0; i < 3; i++)
                memcpy(want + ranges[i].dst_offset, pat + ranges[i].src_offset, ranges[i].size);
        cf_expect_sha1(c, s, want, N);

        /* errors */
        e = avb_helper_write(cf_helper(c), a, N - 10, pat, 11);
        CF_EXPECT_ERRNO(c, e, -ERANGE, "avb_helper_write past the end");
        e = avb_helper_write(cf_helper(c), s, N, pat, 1);
        CF_EXPECT_ERRNO(c, e, -ERANGE, "avb_helper_write past the end of a secure buffer");
        e = avb_helper_copy(cf_helper(c), b, a, &bad, 1);
        CF_EXPECT_ERRNO(c, e, -ERANGE, "avb_helper_copy of a range past the end");
        pa = cf_map(c, a, N);
        e = avb_helper_unmap(cf_helper(c), a, pa + 1);
        CF_EXPECT_ERRNO(c, e, -EINVAL, "avb_helper_unmap with a pointer it did not give");
        cf_unmap(c, a, pa);
        cf_buf_free(c, b);
        e = avb_helper_map(cf_helper(c), b, &ptr, &size);
        CF_EXPECT_ERRNO(c, e, -ENOENT, "avb_helper_map of a freed buffer");
        e = avb_helper_write(cf_helper(c), b, 0, pat, 1);
        CF_EXPECT_ERRNO(c, e, -ENOENT, "avb_helper_write to a freed buffer");
        e = avb_helper_get_size(cf_helper(c), -1, &size);
        CF_EXPECT_ERRNO(c, e, -ENOENT, "avb_helper_get_size(-1)");
        cf_buf_free(c, a);
        cf_buf_free(c, s);
        cf_pool_destroy(c, np);
        cf_pool_destroy(c, sp);
}

static void sha1_debug_only(cf_ctx *c)
{
        enum { N = 1500 };
        static uint8_t pat[N];
        cf_tpool *tp;
        int64_t h;

        if (!cf_sha1_supported(c)) {
                CF_CHECK(c, !c->same_build || !c->debug_api_built,
                         "calculateSHA1 gives EX_UNSUPPORTED_OPERATION in a debug build");
                cf_skip(c, "calculateSHA1 not built in (-Ddebug_api=false): "
                           "EX_UNSUPPORTED_OPERATION, as specified");
        }
        CF_CHECK(c, !c->same_build || c->debug_api_built,
                 "calculateSHA1 works in a build with -Ddebug_api=false");
        {
                uint8_t d[CF_SHA1_BYTES];

                if (!cf_sha1(pat, 0, d))
                        cf_skip(c, "the suite was built without nettle: no reference SHA-1");
        }
        tp = cf_pool_new(c, false, false, 0, NULL);
        h = cf_buf_alloc(c, tp, N);
        cf_pattern(pat, N, 3);
        CF_CHECK(c, avb_helper_write(cf_helper(c), h, 0, pat, N) == 0, "avb_helper_write");
        cf_expect_sha1(c, h, pat, N);
        cf_buf_trim(c, h, 1000); /* the digest covers the trimmed size */
        cf_expect_sha1(c, h, pat, 1000);
        cf_buf_free(c, h);
        cf_pool_destroy(c, tp);
}

const cf_case cf_cases_secure[] = {
    {"HAL.AVBUF.7.secure-map-refused", map_refused,
     "mapping a secure buffer gives -EPERM and no pointer"},
    {"HAL.AVBUF.7.secure-to-nonsecure-copy-refused", copy_to_nonsecure_refused,
     "copying secure into non-secure gives -EPERM and moves no byte"},
    {"HAL.AVBUF.7.no-secure-memory-in-client", no_secure_memory_in_client,
     "after 40 secure frames no secure mapping or descriptor is in this process"},
    {"HAL.AVBUF.9.helper-map-write-copy", helper_map_write_copy,
     "map/unmap, write and multi-range copy into non-secure and secure buffers"},
    {"calculateSHA1.debug-builds-only", sha1_debug_only,
     "the digest of a buffer's (trimmed) content; unsupported without debug_api"},
    {NULL, NULL, NULL},
};
