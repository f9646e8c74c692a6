/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IBufferCopier's per-call limits (issue 16, defect 2): a call above them
 * is refused and changes nothing, a call at them is served, the helper cuts
 * bigger copies into calls within them and still copies exactly, and while
 * one client copies gigabytes another client's calls keep being answered.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "avb_avbuffer.h"
#include "cf.h"

#define MAX_BYTES  avb_avbuffer_IBufferCopier_MAX_COPY_BYTES
#define MAX_RANGES avb_avbuffer_IBufferCopier_MAX_COPY_RANGES
#define MAX_WRITE  avb_avbuffer_IBufferCopier_MAX_WRITE_BYTES

static avb_binder *copier_connect(cf_ctx *c)
{
        avb_binder *b = NULL;
        int e = cf_connect_object(c->o, avb_avbuffer_IBufferCopier_OBJECT_ID, &b);

        CF_CHECK(c, e >= 0, "cannot reach IBufferCopier: %s", cf_errname(e));
        return b;
}

/* n ranges over the wire of `size` bytes each, all from offset 0 to offset 0. */
static avb_avbuffer_CopyRange *wire_ranges(size_t n, int32_t size)
{
        avb_avbuffer_CopyRange *w = calloc(n, sizeof(*w));

        for (size_t i = 0; w && i < n; i++) {
                avb_avbuffer_CopyRange_init(&w[i]);
                w[i].size = size;
        }
        return w;
}

/* Checks a non-secure buffer against want (mapped) and any buffer by SHA-1. */
static void expect_content(cf_ctx *c, int64_t h, bool secure, const uint8_t *want, size_t len,
                           const char *what)
{
        if (!secure) {
                void *p = cf_map(c, h, len);
                bool same = memcmp(p, want, len) == 0;

                cf_unmap(c, h, p);
                CF_CHECK(c, same, "%s: the buffer's bytes are not what they should be", what);
        }
        cf_expect_sha1(c, h, want, len);
}

/*
 * Calls one past each limit on both heaps: EX_ILLEGAL_ARGUMENT, and the
 * destination keeps its bytes; calls at the limits are served.
 */
static void limits(cf_ctx *c, bool secure)
{
        enum { SIZE = 128 * 1024 };
        static uint8_t a[SIZE], b[SIZE];
        cf_tpool *tp = cf_pool_new(c, true, secure, 0, NULL);
        int64_t src = cf_buf_alloc(c, tp, SIZE), dst = cf_buf_alloc(c, tp, SIZE);
        avb_binder *copier = copier_connect(c);
        avb_avbuffer_CopyRange *w = wire_ranges(MAX_RANGES + 1, 1);
        size_t full = MAX_BYTES / SIZE; /* ranges of SIZE that make MAX_BYTES */
        int8_t *data = calloc(MAX_WRITE + 1, 1);
        avb_status st;

        CF_CHECK(c, w && data, "out of memory");
        cf_pattern(a, SIZE, 31);
        cf_pattern(b, SIZE, 32);
        CF_EXPECT_ERRNO(c, avb_helper_write(cf_helper(c), src, 0, a, SIZE), 0, "write src");
        CF_EXPECT_ERRNO(c, avb_helper_write(cf_helper(c), dst, 0, b, SIZE), 0, "write dst");

        st = avb_avbuffer_IBufferCopier_copy(copier, dst, src, w, MAX_RANGES + 1);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "copy of MAX_COPY_RANGES + 1 ranges");
        CF_CHECK(c, strstr(st.message, "limit"), "the refusal does not name the limit: '%s'",
                 st.message);
        for (size_t i = 0; i <= full; i++)
                w[i].size = SIZE;
        w[full].size = 1;
        st = avb_avbuffer_IBufferCopier_copy(copier, dst, src, w, full + 1);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "copy of MAX_COPY_BYTES + 1 bytes");
        CF_CHECK(c, strstr(st.message, "limit"), "the refusal does not name the limit: '%s'",
                 st.message);
        st = avb_avbuffer_IBufferCopier_write(copier, dst, 0, data, MAX_WRITE + 1);
        CF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "write of MAX_WRITE_BYTES + 1 bytes");
        CF_CHECK(c, strstr(st.message, "limit"), "the refusal does not name the limit: '%s'",
                 st.message);
        expect_content(c, dst, secure, b, SIZE, "after the refused calls");

        /* At the limits: served. */
        st = avb_avbuffer_IBufferCopier_copy(copier, dst, src, w, full);
        CF_EXPECT_OK(c, st, "copy of exactly MAX_COPY_BYTES");
        expect_content(c, dst, secure, a, SIZE, "after a copy of MAX_COPY_BYTES");
        for (size_t i = 0; i < MAX_RANGES; i++)
                w[i] = (avb_avbuffer_CopyRange){
                    .srcOffset = (int32_t)i, .dstOffset = (int32_t)i, .size = 1};
        st = avb_avbuffer_IBufferCopier_write(copier, dst, 0, (const int8_t *)b, MAX_WRITE / 2);
        CF_EXPECT_OK(c, st, "write");
        st = avb_avbuffer_IBufferCopier_copy(copier, dst, src, w, MAX_RANGES);
        CF_EXPECT_OK(c, st, "copy of exactly MAX_COPY_RANGES ranges");
        memcpy(b, a, MAX_RANGES);
        expect_content(c, dst, secure, b, SIZE, "after a copy of MAX_COPY_RANGES ranges");
        free(data);
        free(w);
        avb_binder_unref(copier);
        cf_buf_free(c, src);
        cf_buf_free(c, dst);
        cf_pool_destroy(c, tp);
}

static void limits_nonsecure(cf_ctx *c)
{
        limits(c, false);
}

static void limits_secure(cf_ctx *c)
{
        limits(c, true);
}

/*
 * One helper copy with more ranges and bytes than one call takes, within one
 * secure buffer, ending with a range that overlaps itself downwards: the
 * helper must cut it from its end, or it reads bytes it already wrote.
 */
static void helper_splits(cf_ctx *c)
{
        enum { SIZE = 200 * 1024, SHIFT = 4096, N = 3 * MAX_RANGES + 5 + MAX_BYTES / SIZE };
        static uint8_t model[SIZE];
        static avb_helper_range r[N + 1];
        cf_tpool *tp = cf_pool_new(c, true, true, 0, NULL);
        int64_t h = cf_buf_alloc(c, tp, SIZE);
        size_t i = 0;

        if (!cf_sha1_supported(c))
                cf_skip(c, "needs calculateSHA1 (debug builds) to see secure content");
        cf_pattern(model, SIZE, 41);
        CF_EXPECT_ERRNO(c, avb_helper_write(cf_helper(c), h, 0, model, SIZE), 0, "write");
        /* Many 1-byte moves (more ranges than three calls take)... */
        for (; i < 3 * MAX_RANGES + 5; i++) {
                uint32_t k = (uint32_t)(i % 5000);

                r[i] = (avb_helper_range){k, SIZE - 1 - k, 1};
        }
        /* ...whole-buffer copies onto itself until the call has little room left... */
        for (; i < N; i++)
                r[i] = (avb_helper_range){0, 0, SIZE};
        /* ...and a big move up that overlaps itself and does not fit that room. */
        r[N] = (avb_helper_range){0, SHIFT, SIZE - SHIFT};
        for (i = 0; i <= N; i++)
                memmove(model + r[i].dst_offset, model + r[i].src_offset, r[i].size);
        CF_EXPECT_ERRNO(c, avb_helper_copy(cf_helper(c), h, h, r, N + 1), 0, "helper copy");
        cf_expect_sha1(c, h, model, SIZE);
        cf_buf_free(c, h);
        cf_pool_destroy(c, tp);
}

static cf_child *spawn_copy(cf_ctx *c, const char *mode, int64_t dst, int64_t src, size_t n)
{
        char hd[32], hs[32], nbuf[32], line[128];
        cf_child *ch;

        snprintf(hd, sizeof(hd), "%lld", (long long)dst);
        snprintf(hs, sizeof(hs), "%lld", (long long)src);
        snprintf(nbuf, sizeof(nbuf), "%zu", n);
        ch = cf_child_spawn(c, (const char *[]){mode, hd, hs, nbuf, NULL});
        cf_child_readline(c, ch, line, sizeof(line));
        CF_CHECK(c, !strcmp(line, "copying"), "copy child said '%s'", line);
        return ch;
}

/*
 * Another client copies from src to dst without pause, each helper call
 * about 7 GiB (60000 ranges of 128 KiB: before the limits that was one call
 * that held the service for several seconds, past every other client's
 * deadline), while this client allocates, checks and frees in a pool of its
 * own for longer than that deadline. Every call here must be answered in
 * time. Before that, a smaller copy by the same child must be exact.
 */
static void bulk_copy(cf_ctx *c, bool secure_src)
{
        enum { SIZE = 128 * 1024, SHIFT = 1000, BULK_RANGES = 60000 };
        static uint8_t a[SIZE], b[SIZE], want[SIZE];
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL), *mine;
        int64_t dst = cf_buf_alloc(c, sp, SIZE), src, h;
        int64_t end;
        unsigned rounds = 0;
        char line[128];
        avb_status st;
        cf_child *ch;
        bool ok;

        if (secure_src)
                src = cf_buf_alloc(c, sp, SIZE);
        else
                src = cf_buf_alloc(c, cf_pool_new(c, true, false, 0, NULL), SIZE);
        mine = cf_pool_new(c, false, false, 0, NULL);
        cf_pattern(a, SIZE, 51);
        cf_pattern(b, SIZE, 52);
        CF_EXPECT_ERRNO(c, avb_helper_write(cf_helper(c), src, 0, a, SIZE), 0, "write src");

        /* Exact: 40 whole copies (more than one call's bytes), then one shifted down. */
        ch = spawn_copy(c, "copy", dst, src, 40);
        cf_child_readline(c, ch, line, sizeof(line));
        CF_CHECK(c, !strcmp(line, "copied"), "copy child said '%s'", line);
        CF_CHECK(c, WIFEXITED(cf_child_wait(c, ch)), "the copy child did not exit");
        memcpy(want, a, SIZE);
        memmove(want, a + SHIFT, SIZE - SHIFT);
        cf_expect_sha1(c, dst, want, SIZE);

        /* Without pause, while this client's calls must keep being answered. */
        CF_EXPECT_ERRNO(c, avb_helper_write(cf_helper(c), dst, 0, b, SIZE), 0, "write dst");
        ch = spawn_copy(c, "copy-loop", dst, src, BULK_RANGES);
        end = avb_now_ms() + cf_timeout_ms(c, AVB_DEFAULT_DEADLINE_MS + 2000);
        do {
                st = cf_api_alloc(c->avb, mine->handle, 64, &h);
                CF_EXPECT_OK(c, st, "alloc while another client copies");
                st = cf_api_is_valid(c->avb, h, &ok);
                CF_EXPECT_OK(c, st, "isValid while another client copies");
                CF_CHECK(c, ok, "a buffer just allocated is not valid");
                st = cf_api_free(c->avb, h, &ok);
                CF_EXPECT_OK(c, st, "free while another client copies");
                CF_CHECK(c, ok, "free of a live buffer returned false");
                rounds++;
        } while (avb_now_ms() < end);
        CF_CHECK(c, !cf_child_has_line(c, ch), "the copy child stopped copying");
        cf_child_kill(c, ch, SIGKILL);
        cf_note(c, "%u alloc/isValid/free rounds while another client copied", rounds);
        /* Every whole-buffer range leaves dst equal to src, the one cut short too. */
        if (!secure_src) {
                void *p = cf_map(c, src, SIZE);

                CF_CHECK(c, memcmp(p, a, SIZE) == 0, "the copy changed its source");
                cf_unmap(c, src, p);
        }
        cf_expect_sha1(c, dst, a, SIZE);
}

static void bulk_copy_secure(cf_ctx *c)
{
        bulk_copy(c, true);
}

static void bulk_copy_into_secure(cf_ctx *c)
{
        bulk_copy(c, false);
}

const cf_case cf_cases_copier[] = {
    {"copier.limits-nonsecure", limits_nonsecure,
     "IBufferCopier calls one past a limit are refused (EX_ILLEGAL_ARGUMENT) and change "
     "nothing; calls at the limits are served (non-secure buffers)"},
    {"copier.limits-secure", limits_secure, "the same between secure buffers"},
    {"copier.helper-splits-big-copies", helper_splits,
     "a helper copy bigger than one call's limits is cut into calls and stays exact, an "
     "overlapping range in one buffer included"},
    {"clients.bulk-copy-secure-keeps-others-served", bulk_copy_secure,
     "while a client copies secure -> secure without pause (about 7 GiB per helper call), "
     "another client's alloc, isValid and free are answered within the deadline; copies "
     "are exact"},
    {"clients.bulk-copy-into-secure-keeps-others-served", bulk_copy_into_secure,
     "the same for a copy from a non-secure buffer into a secure one"},
    {NULL, NULL, NULL},
};
