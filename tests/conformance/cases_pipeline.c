/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The spec's media-pipeline example: an AppSource fills non-secure buffers,
 * a CDM "decrypts" them into secure buffers of the same size, decoders take
 * them and free them; several frames are in flight at once.
 */
#include <stdlib.h>
#include <string.h>

#include "cf.h"

#define IN_FLIGHT 3
#define FRAMES    24

typedef struct frame {
        int64_t handle;
        uint32_t seed;
        int32_t size;
} frame;

typedef struct stream {
        cf_tpool *src;  /* non-secure pool the AppSource fills */
        cf_tpool *dest; /* pool the decoder gets buffers from (secure for the CDM path) */
        frame q[IN_FLIGHT];
        int n;
} stream;

static uint8_t scratch[256 * 1024];

/* The decoder takes the oldest frame: check its content, free it. */
static void decode_oldest(cf_ctx *c, stream *s)
{
        frame f = s->q[0];

        memmove(&s->q[0], &s->q[1], (size_t)(s->n - 1) * sizeof(frame));
        s->n--;
        cf_pattern(scratch, (size_t)f.size, f.seed);
        if (!s->dest->secure) {
                void *ptr = cf_map(c, f.handle, (size_t)f.size);

                CF_CHECK(c, !memcmp(ptr, scratch, (size_t)f.size),
                         "frame %lld does not hold what the source wrote", (long long)f.handle);
                cf_unmap(c, f.handle, ptr);
        }
        cf_expect_sha1(c, f.handle, scratch, (size_t)f.size);
        cf_buf_free(c, f.handle);
}

static void source_frame(cf_ctx *c, stream *s, uint32_t seed, int32_t size)
{
        int64_t h = cf_buf_alloc(c, s->src, size), out = h;
        void *ptr;
        int e;

        CF_CHECK(c, (size_t)size <= sizeof(scratch), "frame too big for the test");
        ptr = cf_map(c, h, (size_t)size);
        cf_pattern(ptr, (size_t)size, seed);
        cf_unmap(c, h, ptr);
        if (s->dest != s->src) {
                avb_helper_range r = {0, 0, (uint32_t)size};

                /* The CDM: a secure buffer of the same size, "decrypt" into it. */
                out = cf_buf_alloc(c, s->dest, size);
                e = avb_helper_copy(cf_helper(c), out, h, &r, 1);
                CF_CHECK(c, e == 0, "copy into the secure buffer: %s", cf_errname(e));
                cf_buf_free(c, h);
        }
        if (s->n == IN_FLIGHT)
                decode_oldest(c, s);
        s->q[s->n++] = (frame){out, seed, size};
}

static void pipeline(cf_ctx *c, bool secure)
{
        stream a = {0}, v = {0};
        int i;

        a.src = cf_pool_new(c, false, false, 0, NULL);
        v.src = cf_pool_new(c, true, false, 0, NULL);
        a.dest = secure ? cf_pool_new(c, false, true, 0, NULL) : a.src;
        v.dest = secure ? cf_pool_new(c, true, true, 0, NULL) : v.src;
        for (i = 0; i < FRAMES; i++) {
                int32_t vsize = v.src->total / 8 - 1000 * (i % 5) - 17;

                source_frame(c, &a, 2 * (uint32_t)i, 1000 + 37 * i);
                source_frame(c, &v, 2 * (uint32_t)i + 1,
                             vsize > (int32_t)sizeof(scratch) ? (int32_t)sizeof(scratch) - i
                                                              : vsize);
        }
        while (a.n)
                decode_oldest(c, &a);
        while (v.n)
                decode_oldest(c, &v);
        cf_check_metrics(c); /* every pool back to 0 bytes used */
        if (secure) {
                cf_scan_for_secure(c);
                cf_pool_destroy(c, a.dest);
                cf_pool_destroy(c, v.dest);
        }
        cf_pool_destroy(c, a.src);
        cf_pool_destroy(c, v.src);
        /* cf_pool_destroy checked the heaps are back where the case started. */
}

static void pipeline_clear(cf_ctx *c)
{
        pipeline(c, false);
}

static void pipeline_secure(cf_ctx *c)
{
        pipeline(c, true);
}

const cf_case cf_cases_pipeline[] = {
    {"pipeline.nonsecure-audio-video", pipeline_clear,
     "clear A/V: map+write, 3 frames in flight, decoder checks and frees"},
    {"pipeline.secure-audio-video", pipeline_secure,
     "the spec's CDM sequence: non-secure in, copy to secure, free, decode"},
    {NULL, NULL, NULL},
};
