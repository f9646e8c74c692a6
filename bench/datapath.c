/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-datapath: filling frames, side by side in interleaved rounds.
 *
 *   - a 1 MiB and an 8 MiB frame filled by plain memcpy into private memory
 *     (malloc'ed, touched beforehand) against avb_helper_map + memcpy +
 *     avb_helper_unmap into a non-secure AV buffer of the same size;
 *   - avb_helper_write of 1 MiB and 8 MiB into a secure buffer (the helper
 *     fills its staging area, the server copies from it; target 0.3x memcpy);
 *   - map+unmap of a handle whose heap is already mapped, in ns, and the
 *     server CPU spent meanwhile (0 means no round trip).
 *
 * Needs a running build of avbufferd (started here with bench/profile.yaml,
 * whose video pools hold 20 MB).
 *
 *   avb-bench-datapath [--csv FILE] [--quick]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/helper.h>

#include "avbclient.h"
#include "common.h"
#include "contender.h"

#define MIB (1024u * 1024u)

struct fill {
        avb_helper *helper;
        int64_t handle; /* AV buffer, or -1 for private memory */
        void *dst;      /* private memory */
        const void *src;
        size_t bytes;
        bool secure_write;
};

static bool fill_op(void *ctx)
{
        struct fill *f = ctx;
        void *ptr;
        size_t size;

        if (f->secure_write)
                return avb_helper_write(f->helper, f->handle, 0, f->src, f->bytes) == 0;
        if (f->handle < 0) {
                memcpy(f->dst, f->src, f->bytes);
                /* keep the compiler from dropping a copy nobody reads */
                __asm__ volatile("" : : "r"(f->dst) : "memory");
                return true;
        }
        if (avb_helper_map(f->helper, f->handle, &ptr, &size) < 0 || size < f->bytes)
                return false;
        memcpy(ptr, f->src, f->bytes);
        return avb_helper_unmap(f->helper, f->handle, ptr) == 0;
}

static void *touched(size_t bytes)
{
        void *p = malloc(bytes);

        if (!p)
                bench_die("out of memory");
        memset(p, 0x5a, bytes);
        return p;
}

enum { F_MEMCPY1, F_MAP1, F_MEMCPY8, F_MAP8, F_SECURE1, F_SECURE8, N_FILLS };

static void fills(avb_helper *helper, const int64_t handles[N_FILLS], bool quick)
{
        struct contender c[N_FILLS] = {
            [F_MEMCPY1] = {"memcpy_1MiB", "memcpy 1 MiB into private memory", fill_op},
            [F_MAP1] = {"map_memcpy_1MiB", "map+memcpy+unmap 1 MiB (helper)", fill_op},
            [F_MEMCPY8] = {"memcpy_8MiB", "memcpy 8 MiB into private memory", fill_op},
            [F_MAP8] = {"map_memcpy_8MiB", "map+memcpy+unmap 8 MiB (helper)", fill_op},
            [F_SECURE1] = {"secure_write_1MiB", "helper write 1 MiB into secure buffer", fill_op},
            [F_SECURE8] = {"secure_write_8MiB", "helper write 8 MiB into secure buffer", fill_op},
        };
        struct fill f[N_FILLS];
        void *src = touched(8 * MIB), *dst = touched(8 * MIB);
        double gbs[N_FILLS];

        for (int k = 0; k < N_FILLS; k++) {
                f[k] = (struct fill){
                    .helper = helper,
                    .handle = handles[k],
                    .dst = dst,
                    .src = src,
                    .bytes = (k == F_MEMCPY1 || k == F_MAP1 || k == F_SECURE1) ? MIB : 8 * MIB,
                    .secure_write = k == F_SECURE1 || k == F_SECURE8,
                };
                c[k].ctx = &f[k];
                c[k].available = true;
        }
        contenders_run(c, N_FILLS, 10, quick ? 5 : 30, 3);

        printf("\n== 4. Data path: filling a frame, %d rounds interleaved ==\n", 10);
        printf("%-42s %12s %10s %10s %12s\n", "operation", "median_us", "p99_us", "GB/s",
               "vs memcpy");
        for (int k = 0; k < N_FILLS; k++) {
                double med = bench_quantile(&c[k].ns, 0.5);
                double p99 = bench_quantile(&c[k].ns, 0.99);
                int base = f[k].bytes == MIB ? F_MEMCPY1 : F_MEMCPY8;

                gbs[k] = (double)f[k].bytes / med; /* bytes per ns = GB/s */
                printf("%-42s %12.1f %10.1f %10.2f", c[k].label, med / 1e3, p99 / 1e3, gbs[k]);
                if (k != base)
                        printf(" %12.3f", gbs[k] / gbs[base]);
                putchar('\n');
                bench_csv("datapath", c[k].id, "median_us", med / 1e3, "us");
                bench_csv("datapath", c[k].id, "p99_us", p99 / 1e3, "us");
                bench_csv("datapath", c[k].id, "gb_per_s", gbs[k], "GB/s");
                if (k != base)
                        bench_csv("datapath", c[k].id, "vs_memcpy", gbs[k] / gbs[base], "ratio");
                bench_samples_free(&c[k].ns);
        }
        bench_target("datapath", "map_memcpy_ge_90pct_1MiB", gbs[F_MAP1] >= 0.9 * gbs[F_MEMCPY1],
                     "1 MiB: map+memcpy %.2f GB/s = %.0f%% of memcpy %.2f GB/s", gbs[F_MAP1],
                     100 * gbs[F_MAP1] / gbs[F_MEMCPY1], gbs[F_MEMCPY1]);
        bench_target("datapath", "map_memcpy_ge_90pct_8MiB", gbs[F_MAP8] >= 0.9 * gbs[F_MEMCPY8],
                     "8 MiB: map+memcpy %.2f GB/s = %.0f%% of memcpy %.2f GB/s", gbs[F_MAP8],
                     100 * gbs[F_MAP8] / gbs[F_MEMCPY8], gbs[F_MEMCPY8]);
        for (int k = F_SECURE1; k <= F_SECURE8; k++) {
                int base = f[k].bytes == MIB ? F_MEMCPY1 : F_MEMCPY8;
                char id[48];

                snprintf(id, sizeof(id), "secure_write_ge_0.3x_%uMiB",
                         (unsigned)(f[k].bytes / MIB));
                bench_target("datapath", id, gbs[k] >= 0.3 * gbs[base],
                             "%u MiB: secure write %.2f GB/s = %.3fx memcpy %.2f GB/s",
                             (unsigned)(f[k].bytes / MIB), gbs[k], gbs[k] / gbs[base], gbs[base]);
        }
        free(src);
        free(dst);
}

/* map+unmap of a handle in an already-mapped heap, with the server's CPU meanwhile */
static void map_unmap(avb_helper *helper, int64_t handle, pid_t server, bool quick)
{
        const int batch = 1000, batches = quick ? 20 : 200;
        struct bench_samples s = {0};
        double cpu0, cpu1, med, server_ns;
        void *ptr;
        size_t size;

        cpu0 = bench_proc_cpu_s(server);
        for (int b = 0; b < batches; b++) {
                uint64_t t0 = avb_now_ns();

                for (int i = 0; i < batch; i++)
                        if (avb_helper_map(helper, handle, &ptr, &size) < 0 ||
                            avb_helper_unmap(helper, handle, ptr) < 0)
                                bench_die("map/unmap failed");
                bench_samples_add(&s, (double)(avb_now_ns() - t0) / batch);
        }
        cpu1 = bench_proc_cpu_s(server);
        med = bench_quantile(&s, 0.5);
        server_ns = (cpu1 - cpu0) * 1e9 / ((double)batch * batches);
        printf("%-42s %12.1f ns (p99 of batches %.1f ns); server CPU per pair %.1f ns\n",
               "map+unmap, heap already mapped", med, bench_quantile(&s, 0.99), server_ns);
        bench_csv("datapath", "map_unmap", "median_ns", med, "ns");
        bench_csv("datapath", "map_unmap", "server_cpu_ns", server_ns, "ns");
        /* a round trip costs tens of microseconds and server CPU; a local look-up neither */
        bench_target("datapath", "map_no_round_trip", med < 2000 && server_ns < 100,
                     "map+unmap %.0f ns, server CPU %.1f ns per pair (round trip: tens of us)", med,
                     server_ns);
        bench_samples_free(&s);
}

int main(int argc, char **argv)
{
        struct bench_service svc;
        struct bench_avb avb;
        struct bench_opts o;
        avb_helper *helper = NULL;
        int64_t h[N_FILLS];
        int8_t ns_pool, sec_pool;

        bench_parse_opts(argc, argv, &o);
        if (!bench_service_start(&svc, NULL))
                return 0;
        bench_avb_connect(&avb);
        if (avb_helper_new(avb.av, &helper) < 0)
                bench_die("avb_helper_new failed");
        ns_pool = bench_avb_pool(&avb, true, false);
        sec_pool = bench_avb_pool(&avb, true, true);
        h[F_MEMCPY1] = h[F_MEMCPY8] = -1;
        h[F_MAP1] = bench_avb_alloc(&avb, ns_pool, (int32_t)MIB);
        h[F_MAP8] = bench_avb_alloc(&avb, ns_pool, (int32_t)(8 * MIB));
        h[F_SECURE1] = bench_avb_alloc(&avb, sec_pool, (int32_t)MIB);
        h[F_SECURE8] = bench_avb_alloc(&avb, sec_pool, (int32_t)(8 * MIB));

        fills(helper, h, o.quick);
        map_unmap(helper, h[F_MAP1], svc.avbufferd_pid, o.quick);

        for (int k = 0; k < N_FILLS; k++)
                if (h[k] >= 0)
                        bench_avb_free(&avb, h[k]);
        bench_avb_destroy_pool(&avb, ns_pool);
        bench_avb_destroy_pool(&avb, sec_pool);
        avb_helper_free(helper);
        bench_avb_close(&avb);
        bench_service_stop(&svc);
        bench_csv_close();
        return 0;
}
