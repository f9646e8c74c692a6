/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-alloc: the pool allocator, in process.
 *
 * 1. Speed: ns per alloc+free pair, with 32 frames in flight, frees picked
 *    among the 4 oldest, frame sizes of a video stream; contenders: the
 *    vendor ring (vendor/ring.h), the first-fit reference (firstfit.c), and
 *    the whole vendor facade (avb_vendor_alloc + avb_vendor_buffer_free:
 *    handle space and lock included).
 *
 * 2. Utilisation at the first OUT_OF_MEMORY under a media trace, over many
 *    seeds. One trace per seed; every allocator gets the same events:
 *    - video in decode order: GOPs of 12..60 frames, 0..3 B-frames between
 *      references, I-frames of 120-270 KB, P 30-65 KB, B 8-20 KB, scaled by
 *      a per-seed bitrate factor of 0.5..1.5 (4..12 Mbit/s 1080p H.264);
 *    - audio frames of 300..1600 bytes per seed (+-10% per frame);
 *    - every frame is allocated with headroom (its size + 0..25%, rounded up
 *      to 4 KiB for video, 64 bytes for audio) and trimmed to its size at
 *      once, as a TS demuxer does when it learns the frame boundary;
 *    - a consumer frees frames while the bytes in flight exceed a target
 *      that moves between 20% and 85% of the pool every 25..100 frames,
 *      each time picking at random among the K oldest (K = 1..8 per seed),
 *      and flushes everything now and then (a seek: 1 in 1500 frames);
 *    - after 200..3000 frames the consumer stalls and the producer goes on
 *      until an alloc fails.
 *    Utilisation = bytes live at the first failed alloc / pool size, where
 *    bytes live is the sum of the sizes the client holds (as trimmed, not
 *    rounded to the alignment). Pools: video 4,000,000 bytes and audio
 *    512,000 bytes (config/avbuffer.yaml), and a mixed trace that puts both
 *    streams into the video pool (a stress case). The ideal row is an
 *    allocator that fails only when the free bytes (aligned) are fewer than
 *    the request's: the trace's own ceiling, below 100% because the failing
 *    request itself does not fit.
 *
 *   avb-bench-alloc [--csv FILE] [--quick]
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "contender.h"
#include "firstfit.h"
#include "ring.h"
#include <avbuffer/vendor.h>

#define ALIGN          64u
#define VIDEO_POOL     4000000u
#define AUDIO_POOL     512000u
#define MAX_INFLIGHT   65536
#define SPEED_INFLIGHT 32
#define SPEED_WINDOW   4
#define SPEED_BATCH    1000
#define SPEED_SIZES    4096

/* ---- random numbers (splitmix64: small, good enough, reproducible) -------- */

static uint64_t rng_next(uint64_t *s)
{
        uint64_t z = (*s += 0x9e3779b97f4a7c15u);

        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
        return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

static double rng_range(uint64_t *s, double lo, double hi)
{
        return lo + (hi - lo) * rng_unit(s);
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
        return (uint32_t)(rng_next(s) % n);
}

/* ---- allocators behind one interface -------------------------------------- */

struct allocator {
        const char *id;
        void *(*open)(uint32_t pool);
        void (*close)(void *st);
        /* false on OUT_OF_MEMORY; *tok names the block */
        bool (*alloc)(void *st, uint32_t size, uint64_t *tok);
        void (*trim)(void *st, uint64_t *tok, uint32_t new_size);
        void (*release)(void *st, uint64_t tok);
};

static void *ring_open(uint32_t pool)
{
        struct avb_ring *r;

        if (avb_ring_new(pool, ALIGN, &r) < 0)
                bench_die("avb_ring_new failed");
        return r;
}

static void ring_close(void *st)
{
        avb_ring_free(st);
}

static bool ring_alloc(void *st, uint32_t size, uint64_t *tok)
{
        uint32_t off;
        int e = avb_ring_alloc(st, size, tok, &off);

        if (e < 0 && e != -ENOMEM)
                bench_die("avb_ring_alloc(%u): %s", size, strerror(-e));
        return e == 0;
}

static void ring_trim(void *st, uint64_t *tok, uint32_t new_size)
{
        int e = avb_ring_trim(st, *tok, new_size);

        if (e < 0)
                bench_die("avb_ring_trim: %s", strerror(-e));
}

static void ring_release(void *st, uint64_t tok)
{
        if (avb_ring_release(st, tok) < 0)
                bench_die("avb_ring_release failed");
}

/* first fit: the token is offset << 32 | aligned length */
static void *ff_open(uint32_t pool)
{
        struct firstfit *f = malloc(sizeof(*f));

        if (!f)
                bench_die("out of memory");
        firstfit_init(f, pool, ALIGN);
        return f;
}

static void ff_close(void *st)
{
        firstfit_fini(st);
        free(st);
}

static bool ff_alloc(void *st, uint32_t size, uint64_t *tok)
{
        uint32_t off, len;

        if (!firstfit_alloc(st, size, &off, &len))
                return false;
        *tok = (uint64_t)off << 32 | len;
        return true;
}

static void ff_trim(void *st, uint64_t *tok, uint32_t new_size)
{
        uint32_t off = (uint32_t)(*tok >> 32), len = (uint32_t)*tok;

        firstfit_trim(st, off, &len, new_size);
        *tok = (uint64_t)off << 32 | len;
}

static void ff_release(void *st, uint64_t tok)
{
        firstfit_free(st, (uint32_t)(tok >> 32), (uint32_t)tok);
}

/* ideal: only the count of free bytes matters; the token is the aligned length */
struct ideal {
        uint64_t pool, used;
};

static uint32_t align_up(uint32_t n)
{
        return (n + ALIGN - 1) & ~(ALIGN - 1);
}

static void *ideal_open(uint32_t pool)
{
        struct ideal *i = calloc(1, sizeof(*i));

        if (!i)
                bench_die("out of memory");
        i->pool = pool;
        return i;
}

static void ideal_close(void *st)
{
        free(st);
}

static bool ideal_alloc(void *st, uint32_t size, uint64_t *tok)
{
        struct ideal *i = st;

        if (i->used + align_up(size) > i->pool)
                return false;
        i->used += align_up(size);
        *tok = align_up(size);
        return true;
}

static void ideal_trim(void *st, uint64_t *tok, uint32_t new_size)
{
        struct ideal *i = st;

        i->used -= *tok - align_up(new_size);
        *tok = align_up(new_size);
}

static void ideal_release(void *st, uint64_t tok)
{
        ((struct ideal *)st)->used -= tok;
}

enum { A_RING, A_FIRSTFIT, A_IDEAL, N_ALLOCATORS };

static const struct allocator allocators[N_ALLOCATORS] = {
    [A_RING] = {"ring", ring_open, ring_close, ring_alloc, ring_trim, ring_release},
    [A_FIRSTFIT] = {"firstfit", ff_open, ff_close, ff_alloc, ff_trim, ff_release},
    [A_IDEAL] = {"ideal", ideal_open, ideal_close, ideal_alloc, ideal_trim, ideal_release},
};

/* ---- the media trace --------------------------------------------------------- */

enum trace_kind { T_VIDEO, T_AUDIO, T_MIXED, N_TRACES };

static const struct {
        const char *id;
        uint32_t pool;
        bool video, audio;
} traces[N_TRACES] = {
    [T_VIDEO] = {"video", VIDEO_POOL, true, false},
    [T_AUDIO] = {"audio", AUDIO_POOL, false, true},
    [T_MIXED] = {"mixed", VIDEO_POOL, true, true},
};

struct stream_params {
        double scale;      /* video bitrate factor */
        uint32_t gop, bfr; /* GOP length, B-frames between references */
        double vfps, afps;
        uint32_t audio_bytes;
        uint32_t window;   /* frees pick among this many oldest frames */
        uint32_t stall_at; /* frame count after which nothing is freed */
};

static void params_for_seed(uint64_t *rng, struct stream_params *p)
{
        static const uint32_t gops[] = {12, 24, 30, 48, 60};
        static const double vfps[] = {25, 30, 50, 60}, afps[] = {46.875, 31.25};

        p->scale = rng_range(rng, 0.5, 1.5);
        p->gop = gops[rng_below(rng, 5)];
        p->bfr = rng_below(rng, 4);
        p->vfps = vfps[rng_below(rng, 4)];
        p->afps = afps[rng_below(rng, 2)];
        p->audio_bytes = 300 + rng_below(rng, 1301);
        p->window = 1 + rng_below(rng, 8);
        p->stall_at = 200 + rng_below(rng, 2801);
}

static uint32_t video_size(uint64_t *rng, const struct stream_params *p, uint32_t n)
{
        uint32_t pos = n % p->gop;
        double kb;

        if (pos == 0)
                kb = rng_range(rng, 120, 270);
        else if (p->bfr == 0 || (pos - 1) % (p->bfr + 1) == 0)
                kb = rng_range(rng, 30, 65);
        else
                kb = rng_range(rng, 8, 20);
        return (uint32_t)(kb * 1000 * p->scale);
}

struct frame {
        uint64_t tok;
        uint32_t size;
};

/*
 * Runs the trace of `seed` on one allocator until the first failed alloc;
 * returns bytes live / pool size then.
 */
static double run_trace(const struct allocator *a, enum trace_kind kind, uint64_t seed)
{
        static struct frame inflight[MAX_INFLIGHT];
        uint64_t rng = seed * 0x2545f4914f6cdd1du + (uint64_t)kind, live = 0;
        const uint32_t pool = traces[kind].pool;
        uint32_t n = 0, vn = 0, frames = 0, next_target = 0;
        double tv = 0, ta = 0, target = 0;
        struct stream_params p;
        void *st = a->open(pool);
        double util = 0;

        params_for_seed(&rng, &p);
        for (;;) {
                bool video = traces[kind].video && (!traces[kind].audio || tv <= ta);
                uint32_t size, upper, quantum = video ? 4096 : ALIGN;
                uint64_t tok;

                if (frames == next_target) {
                        target = rng_range(&rng, 0.20, 0.85) * pool;
                        next_target = frames + 25 + rng_below(&rng, 76);
                }
                if (frames < p.stall_at && rng_below(&rng, 1500) == 0) {
                        while (n)
                                a->release(st, inflight[--n].tok);
                        live = 0;
                }
                /* the consumer, until it stalls */
                while (frames < p.stall_at && n && (double)live > target) {
                        uint32_t k = rng_below(&rng, n < p.window ? n : p.window);

                        a->release(st, inflight[k].tok);
                        live -= inflight[k].size;
                        memmove(&inflight[k], &inflight[k + 1], (n - k - 1) * sizeof(*inflight));
                        n--;
                }
                if (video) {
                        size = video_size(&rng, &p, vn++);
                        tv += 1 / p.vfps;
                } else {
                        size = (uint32_t)(p.audio_bytes * rng_range(&rng, 0.9, 1.1));
                        ta += 1 / p.afps;
                }
                upper = (uint32_t)(size * rng_range(&rng, 1.0, 1.25));
                upper = (upper + quantum - 1) / quantum * quantum;
                if (upper > pool)
                        upper = pool;
                if (size > upper)
                        size = upper;
                if (!a->alloc(st, upper, &tok)) {
                        util = (double)live / pool;
                        break;
                }
                a->trim(st, &tok, size);
                if (n == MAX_INFLIGHT)
                        bench_die("trace: too many frames in flight");
                inflight[n++] = (struct frame){tok, size};
                live += size;
                frames++;
        }
        while (n)
                a->release(st, inflight[--n].tok);
        a->close(st);
        return util;
}

static void utilisation(int seeds)
{
        printf("\n== 3b. Pool utilisation at the first OUT_OF_MEMORY (bytes live / pool size), "
               "%d seeds per trace ==\n",
               seeds);
        printf("%-8s %-9s %8s %8s %8s %8s %8s %8s %10s\n", "trace", "allocator", "min", "p5", "p10",
               "median", "mean", "max", "med/ideal");
        for (int t = 0; t < N_TRACES; t++) {
                struct bench_samples u[N_ALLOCATORS] = {0}, rel = {0};

                for (int s = 0; s < seeds; s++) {
                        double v[N_ALLOCATORS];

                        for (int k = 0; k < N_ALLOCATORS; k++) {
                                v[k] = run_trace(&allocators[k], (enum trace_kind)t, (uint64_t)s);
                                bench_samples_add(&u[k], 100 * v[k]);
                        }
                        bench_samples_add(&rel, v[A_RING] / v[A_IDEAL]);
                }
                for (int k = 0; k < N_ALLOCATORS; k++) {
                        char id[32];
                        double q[6] = {bench_quantile(&u[k], 0),    bench_quantile(&u[k], 0.05),
                                       bench_quantile(&u[k], 0.10), bench_quantile(&u[k], 0.5),
                                       bench_mean(&u[k]),           bench_quantile(&u[k], 1)};
                        static const char *names[6] = {"min_pct",    "p5_pct",   "p10_pct",
                                                       "median_pct", "mean_pct", "max_pct"};

                        printf("%-8s %-9s %7.2f%% %7.2f%% %7.2f%% %7.2f%% %7.2f%% %7.2f%%",
                               traces[t].id, allocators[k].id, q[0], q[1], q[2], q[3], q[4], q[5]);
                        snprintf(id, sizeof(id), "%s_%s", traces[t].id, allocators[k].id);
                        for (int j = 0; j < 6; j++)
                                bench_csv("alloc_util", id, names[j], q[j], "pct");
                        if (k == A_RING) {
                                double r = bench_quantile(&rel, 0.5);

                                printf(" %10.3f", r);
                                bench_csv("alloc_util", id, "median_vs_ideal", r, "ratio");
                        }
                        putchar('\n');
                }
                if (t != T_MIXED) {
                        double m = bench_quantile(&u[A_RING], 0.5);
                        char name[48];

                        snprintf(name, sizeof(name), "util_%s_ge_95pct", traces[t].id);
                        bench_target("alloc_util", name, m >= 95,
                                     "%s pool: ring median %.2f%% (first-fit %.2f%%, ideal %.2f%%)",
                                     traces[t].id, m, bench_quantile(&u[A_FIRSTFIT], 0.5),
                                     bench_quantile(&u[A_IDEAL], 0.5));
                }
                for (int k = 0; k < N_ALLOCATORS; k++)
                        bench_samples_free(&u[k]);
                bench_samples_free(&rel);
        }
}

/* ---- speed --------------------------------------------------------------------- */

struct speed {
        const struct allocator *a; /* NULL: the vendor facade */
        void *st;
        struct avb_vendor *vendor;
        int8_t pool;
        uint64_t tok[SPEED_INFLIGHT];
        uint32_t n, next;
        uint64_t rng;
};

static uint32_t speed_sizes[SPEED_SIZES];

static bool speed_alloc(struct speed *s, uint32_t size, uint64_t *tok)
{
        int64_t h;

        if (s->a)
                return s->a->alloc(s->st, size, tok);
        if (avb_vendor_alloc(s->vendor, s->pool, (int32_t)size, &h) < 0)
                return false;
        *tok = (uint64_t)h;
        return true;
}

static void speed_release(struct speed *s, uint64_t tok)
{
        if (s->a)
                s->a->release(s->st, tok);
        else if (avb_vendor_buffer_free(s->vendor, (int64_t)tok) < 0)
                bench_die("avb_vendor_buffer_free failed");
}

/* SPEED_BATCH alloc+free pairs, SPEED_INFLIGHT frames kept in flight */
static bool speed_op(void *ctx)
{
        struct speed *s = ctx;

        for (int i = 0; i < SPEED_BATCH; i++) {
                uint32_t k;

                if (!speed_alloc(s, speed_sizes[s->next++ % SPEED_SIZES], &s->tok[s->n]))
                        return false;
                s->n++;
                k = rng_below(&s->rng, SPEED_WINDOW);
                speed_release(s, s->tok[k]);
                memmove(&s->tok[k], &s->tok[k + 1], (s->n - k - 1) * sizeof(s->tok[0]));
                s->n--;
        }
        return true;
}

static void speed_setup(struct speed *s)
{
        s->rng = 42;
        while (s->n < SPEED_INFLIGHT - 1) {
                if (!speed_alloc(s, speed_sizes[s->next++ % SPEED_SIZES], &s->tok[s->n]))
                        bench_die("speed set-up: pool full");
                s->n++;
        }
}

static void speed(bool quick)
{
        enum { S_RING, S_FIRSTFIT, S_VENDOR, N_SPEED };
        struct contender c[N_SPEED] = {
            [S_RING] = {"ring", "vendor ring (avb_ring_alloc/release)", speed_op},
            [S_FIRSTFIT] = {"firstfit", "first-fit reference (bench/firstfit.c)", speed_op},
            [S_VENDOR] = {"vendor", "vendor facade (avb_vendor_alloc/buffer_free)", speed_op},
        };
        struct speed sp[N_SPEED] = {
            {.a = &allocators[A_RING]}, {.a = &allocators[A_FIRSTFIT]}, {0}};
        struct avb_vendor_config cfg;
        struct stream_params p;
        uint64_t rng = 7;
        int e;

        params_for_seed(&rng, &p);
        p.scale = 1; /* 8 Mbit/s: 32 frames in flight take about a quarter of the pool */
        for (uint32_t i = 0; i < SPEED_SIZES; i++)
                speed_sizes[i] = video_size(&rng, &p, i);
        avb_vendor_config_init_defaults(&cfg);
        e = avb_vendor_new(&cfg, NULL, NULL, &sp[S_VENDOR].vendor);
        if (e >= 0)
                e = avb_vendor_create_pool(sp[S_VENDOR].vendor, AVB_MEDIA_VIDEO, false, 0, 1,
                                           &sp[S_VENDOR].pool);
        if (e < 0)
                bench_die("vendor set-up: %s", strerror(-e));
        for (int k = 0; k < N_SPEED; k++) {
                if (sp[k].a)
                        sp[k].st = sp[k].a->open(VIDEO_POOL);
                speed_setup(&sp[k]);
                c[k].ctx = &sp[k];
                c[k].available = true;
        }
        contenders_run(c, N_SPEED, 10, quick ? 20 : 200, 10);

        printf("\n== 3a. Allocator speed, in process: alloc+free pairs, %d frames in flight, "
               "frees among the %d oldest ==\n",
               SPEED_INFLIGHT, SPEED_WINDOW);
        printf("%-46s %12s %12s %12s %10s\n", "allocator", "median_ns", "p99_ns", "ns/op",
               "vs ring");
        double ring_med = bench_quantile(&c[S_RING].ns, 0.5) / SPEED_BATCH;
        for (int k = 0; k < N_SPEED; k++) {
                double med = bench_quantile(&c[k].ns, 0.5) / SPEED_BATCH;
                double p99 = bench_quantile(&c[k].ns, 0.99) / SPEED_BATCH;

                printf("%-46s %12.1f %12.1f %12.1f %10.2f\n", c[k].label, med, p99, med / 2,
                       med / ring_med);
                bench_csv("alloc_speed", c[k].id, "pair_median_ns", med, "ns");
                bench_csv("alloc_speed", c[k].id, "pair_p99_ns", p99, "ns");
                bench_csv("alloc_speed", c[k].id, "op_median_ns", med / 2, "ns");
                bench_samples_free(&c[k].ns);
                while (sp[k].n)
                        speed_release(&sp[k], sp[k].tok[--sp[k].n]);
                if (sp[k].a)
                        sp[k].a->close(sp[k].st);
        }
        printf("  (median and p99 are per pair, over batches of %d pairs; ns/op = pair / 2)\n",
               SPEED_BATCH);
        avb_vendor_free(sp[S_VENDOR].vendor);
}

int main(int argc, char **argv)
{
        struct bench_opts o;

        bench_parse_opts(argc, argv, &o);
        speed(o.quick);
        utilisation(o.quick ? 200 : 1000);
        bench_csv_close();
        return 0;
}
