/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-copyload: how prompt alloc and free stay for one client while
 * another client copies between secure buffers without pause.
 *
 * The copier is this binary run with --copier (posix_spawn: no fork after
 * nanomsg init): a secure video pool, two 1 MiB secure buffers, and one
 * avb_helper_copy of COPY_RANGES ranges of 1 MiB after another (about
 * 2.4 GB per call, the shape of the call that froze every client in issue
 * 16) until its stdin closes; then it prints the bytes its completed calls
 * moved, the time, and how many calls failed (timed out).
 *
 * The measuring client times IAVBuffer.alloc + IAVBuffer.free pairs of
 * 4 KiB in a non-secure audio pool, back to back, in three phases of the
 * same run: idle, while the copier copies, and idle again. It reports the
 * median, p99 and worst pair of each; the idle phases together are the
 * baseline. A call that fails (a timed-out call is EX_TRANSACTION_FAILED)
 * is counted and its time kept as a sample.
 *
 *   avb-bench-copyload [--csv FILE] [--quick]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <avbuffer/helper.h>

#include "avbclient.h"
#include "com_rdk_hal_avbuffer.h"
#include "common.h"

#define MIB (1024u * 1024u)
/* Ranges of 1 MiB per helper copy: the call issue 16 measured (3.3 s before the fix). */
#define COPY_RANGES 2297
#define PAIR_BYTES  4096

/* ---- the copier process ------------------------------------------------------ */

static bool stdin_closed(void)
{
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        char c;

        return poll(&p, 1, 0) > 0 && read(STDIN_FILENO, &c, 1) <= 0;
}

static int run_copier(void)
{
        static avb_helper_range ranges[COPY_RANGES];
        struct bench_avb avb;
        avb_helper *helper = NULL;
        uint64_t copies = 0, failed = 0, t0;
        int8_t pool;
        int64_t src, dst;
        uint8_t *pattern = malloc(MIB);
        int e;

        if (!pattern)
                bench_die("copier: out of memory");
        for (size_t i = 0; i < MIB; i++)
                pattern[i] = (uint8_t)(i * 7 + 3);
        bench_avb_connect(&avb);
        if (avb_helper_new(avb.av, &helper) < 0)
                bench_die("copier: avb_helper_new failed");
        pool = bench_avb_pool(&avb, true, true);
        src = bench_avb_alloc(&avb, pool, (int32_t)MIB);
        dst = bench_avb_alloc(&avb, pool, (int32_t)MIB);
        if (avb_helper_write(helper, src, 0, pattern, MIB) < 0)
                bench_die("copier: write failed");
        for (size_t i = 0; i < COPY_RANGES; i++)
                ranges[i] = (avb_helper_range){.src_offset = 0, .dst_offset = 0, .size = MIB};
        printf("ready\n");
        fflush(stdout);
        t0 = avb_now_ns();
        while (!stdin_closed()) {
                /* -EIO: the call outlived its deadline (the server may still finish it) */
                e = avb_helper_copy(helper, dst, src, ranges, COPY_RANGES);
                if (e < 0 && e != -EIO)
                        bench_die("copier: copy failed: %s", strerror(-e));
                copies += e == 0;
                failed += e < 0;
        }
        printf("%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", copies * COPY_RANGES * (uint64_t)MIB,
               avb_now_ns() - t0, failed);
        fflush(stdout);
        /* After a timed-out call the server may still be copying: its reclaim frees them. */
        if (failed == 0) {
                bench_avb_free(&avb, src);
                bench_avb_free(&avb, dst);
                bench_avb_destroy_pool(&avb, pool);
        }
        avb_helper_free(helper);
        bench_avb_close(&avb);
        free(pattern);
        return 0;
}

/* ---- the measuring client ----------------------------------------------------- */

struct phase {
        const char *id, *label;
        struct bench_samples ns;
        unsigned failed;
};

/* alloc + free pairs, back to back, for ms milliseconds (at least two pairs). */
static void measure(struct bench_avb *avb, int8_t pool, int ms, struct phase *ph)
{
        com_rdk_hal_avbuffer_Pool p = {.handle = pool};
        int64_t end = avb_now_ns() + (int64_t)ms * 1000000;

        for (int n = 0; n < 2 || avb_now_ns() < end; n++) {
                int64_t t0 = avb_now_ns();
                int64_t h = -1;
                bool ok = false;
                avb_status st = com_rdk_hal_avbuffer_IAVBuffer_alloc(avb->av, &p, PAIR_BYTES, &h);

                if (avb_status_is_ok(&st))
                        st = com_rdk_hal_avbuffer_IAVBuffer_free(avb->av, h, &ok);
                if (!avb_status_is_ok(&st) || !ok)
                        ph->failed++;
                bench_samples_add(&ph->ns, (double)(avb_now_ns() - t0));
        }
}

/*
 * Waits until a pair takes under 20 ms again (at most a minute): a call that
 * timed out may leave the server busy after its client gave up.
 */
static void settle(struct bench_avb *avb, int8_t pool)
{
        struct phase scratch = {0};
        int64_t end = avb_now_ns() + 60000000000;

        do {
                bench_samples_clear(&scratch.ns);
                scratch.failed = 0;
                measure(avb, pool, 0, &scratch);
        } while ((scratch.failed || bench_quantile(&scratch.ns, 1.0) > 20e6) && avb_now_ns() < end);
        bench_samples_free(&scratch.ns);
}

static void report(const struct phase *ph)
{
        double med = bench_quantile(&ph->ns, 0.5), p99 = bench_quantile(&ph->ns, 0.99);
        double worst = bench_quantile(&ph->ns, 1.0);

        printf("%-44s %8zu %12.1f %12.1f %12.1f %7u\n", ph->label, ph->ns.n, med / 1e3, p99 / 1e3,
               worst / 1e3, ph->failed);
        bench_csv("copyload", ph->id, "median_us", med / 1e3, "us");
        bench_csv("copyload", ph->id, "p99_us", p99 / 1e3, "us");
        bench_csv("copyload", ph->id, "max_us", worst / 1e3, "us");
        bench_csv("copyload", ph->id, "failed_calls", ph->failed, "calls");
}

int main(int argc, char **argv)
{
        char *cargv[] = {(char *)bench_self_exe(), "--copier", NULL};
        struct phase idle = {"idle", "alloc+free, idle (before and after)", {0}, 0};
        struct phase load = {"copying", "alloc+free, another client copying", {0}, 0};
        struct bench_service svc;
        struct bench_avb avb;
        struct bench_opts o;
        int go[2], out[2], ms, status;
        uint64_t bytes = 0, ns = 1, copy_failed = 0;
        char line[128];
        FILE *from;
        int8_t pool;
        pid_t copier;

        if (argc == 2 && !strcmp(argv[1], "--copier"))
                return run_copier();
        bench_parse_opts(argc, argv, &o);
        ms = o.quick ? 1000 : 8000;
        if (!bench_service_start(&svc, NULL))
                return 0;
        bench_avb_connect(&avb);
        pool = bench_avb_pool(&avb, false, false);
        measure(&avb, pool, 200, &idle); /* warm-up */
        bench_samples_clear(&idle.ns);
        idle.failed = 0;
        measure(&avb, pool, ms / 2, &idle);

        if (pipe2(go, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
                bench_die("pipe: %s", strerror(errno));
        copier = bench_spawn_io(cargv, go[0], out[1]);
        close(go[0]);
        close(out[1]);
        from = fdopen(out[0], "r");
        if (!from || !fgets(line, sizeof(line), from) || strcmp(line, "ready\n"))
                bench_die("the copier did not start");
        measure(&avb, pool, ms, &load);
        close(go[1]); /* stop */
        if (!fgets(line, sizeof(line), from) ||
            sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64, &bytes, &ns, &copy_failed) != 3)
                bench_die("the copier did not report");
        fclose(from);
        status = bench_reap(copier);
        if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
                bench_die("the copier failed");
        settle(&avb, pool);
        measure(&avb, pool, ms / 2, &idle);

        printf("\n== 7. alloc+free while another client copies secure -> secure (1 MiB ranges, "
               "%d per helper call) ==\n",
               COPY_RANGES);
        printf("%-44s %8s %12s %12s %12s %7s\n", "phase", "pairs", "median_us", "p99_us", "max_us",
               "failed");
        report(&idle);
        report(&load);
        printf("%-44s %.2f GB/s (%.1f GB in %.1f s; %" PRIu64 " copy calls timed out)\n",
               "copier throughput meanwhile", (double)bytes / (double)ns, (double)bytes / 1e9,
               (double)ns / 1e9, copy_failed);
        bench_csv("copyload", "copier", "gb_per_s", (double)bytes / (double)ns, "GB/s");
        bench_csv("copyload", "copier", "failed_calls", (double)copy_failed, "calls");
        bench_target("copyload", "alloc_free_prompt_while_copying",
                     load.failed == 0 && bench_quantile(&load.ns, 1.0) < 50e6,
                     "worst alloc+free pair %.1f ms while copying (idle %.1f ms), %u failed calls; "
                     "target: under 50 ms, none failed",
                     bench_quantile(&load.ns, 1.0) / 1e6, bench_quantile(&idle.ns, 1.0) / 1e6,
                     load.failed);
        bench_samples_free(&idle.ns);
        bench_samples_free(&load.ns);
        if (idle.failed + load.failed == 0) /* else a buffer may be left: the stop reclaims it */
                bench_avb_destroy_pool(&avb, pool);
        bench_avb_close(&avb);
        bench_service_stop(&svc);
        bench_csv_close();
        return 0;
}
