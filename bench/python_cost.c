/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-python: the cost of one alloc + write + free of a 4 KiB buffer
 * from Python (the avbuffer module) against the same from C (the generated
 * stubs and libavbufferhelper), against one avbufferd, in one run.
 *
 * Rounds alternate: a C round in this process, then a Python round in
 * /usr/bin/python3 running bench/python_cost.py (started once per round with
 * posix_spawn; it times only its loop and prints the median and p99 in ns).
 * Both use a non-secure audio pool and write the same 4096 bytes.
 *
 *   avb-bench-python [--csv FILE] [--quick]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avbclient.h"
#include "common.h"
#include <avbuffer/helper.h>

#include "com_rdk_hal_avbuffer.h"

#define SIZE 4096

static void c_round(struct bench_avb *avb, avb_helper *helper, int8_t pool, int iters,
                    struct bench_samples *s)
{
        static uint8_t data[SIZE];

        for (int i = 0; i < iters; i++) {
                uint64_t t0 = avb_now_ns();
                int64_t h = bench_avb_alloc(avb, pool, SIZE);

                if (avb_helper_write(helper, h, 0, data, SIZE) < 0)
                        bench_die("avb_helper_write failed");
                bench_avb_free(avb, h);
                bench_samples_add(s, (double)(avb_now_ns() - t0));
        }
}

/* One Python round: its median and p99 in ns, read from the child's stdout. */
static void python_round(int iters, double *ret_med, double *ret_p99)
{
        char *pypath = bench_build_path("python"), n[16], line[128];
        char *argv[] = {"/usr/bin/python3", AVB_BENCH_PYTHON_SCRIPT, n, NULL};
        int fds[2];
        FILE *f;
        pid_t pid;
        int st;

        snprintf(n, sizeof(n), "%d", iters);
        if (setenv("PYTHONPATH", pypath, 1) < 0 || pipe(fds) < 0)
                bench_die("python round: %m");
        pid = bench_spawn(argv, fds[1]);
        close(fds[1]);
        f = fdopen(fds[0], "r");
        if (!f || !fgets(line, sizeof(line), f) || sscanf(line, "%lf %lf", ret_med, ret_p99) != 2)
                bench_die("python round: no result from %s (is the module built?)", argv[1]);
        fclose(f);
        st = bench_reap(pid);
        if (st != 0)
                bench_die("python round: exit status %d", st);
        free(pypath);
}

int main(int argc, char **argv)
{
        struct bench_samples c = {0}, py_med = {0}, py_p99 = {0};
        struct bench_service svc;
        struct bench_avb avb;
        struct bench_opts o;
        avb_helper *helper = NULL;
        int rounds, iters;
        int8_t pool;

        bench_parse_opts(argc, argv, &o);
        rounds = o.quick ? 2 : 7;
        iters = o.quick ? 200 : 3000;
        if (!bench_service_start(&svc, NULL))
                return 0;
        bench_avb_connect(&avb);
        if (avb_helper_new(avb.av, &helper) < 0)
                bench_die("avb_helper_new failed");
        pool = bench_avb_pool(&avb, false, false);
        c_round(&avb, helper, pool, 100, &c); /* warm-up: heap mapped, sockets open */
        bench_samples_clear(&c);
        for (int r = 0; r < rounds; r++) {
                double med, p99;

                c_round(&avb, helper, pool, iters, &c);
                python_round(iters, &med, &p99);
                bench_samples_add(&py_med, med);
                bench_samples_add(&py_p99, p99);
        }
        {
                double cm = bench_quantile(&c, 0.5), cp = bench_quantile(&c, 0.99);
                double pm = bench_quantile(&py_med, 0.5), pp = bench_quantile(&py_p99, 0.5);

                printf("\n== 7. alloc + write(4 KiB) + free: Python module vs C ==\n");
                printf("  %d rounds x %d, alternating; Python: median of its rounds' medians\n",
                       rounds, iters);
                printf("  %-10s median %8.1f us   p99 %8.1f us\n", "C", cm / 1e3, cp / 1e3);
                printf("  %-10s median %8.1f us   p99 %8.1f us   (%.2fx C)\n", "Python", pm / 1e3,
                       pp / 1e3, pm / cm);
                bench_csv("python", "c", "median_us", cm / 1e3, "us");
                bench_csv("python", "c", "p99_us", cp / 1e3, "us");
                bench_csv("python", "python", "median_us", pm / 1e3, "us");
                bench_csv("python", "python", "p99_us", pp / 1e3, "us");
                bench_csv("python", "python", "vs_c", pm / cm, "ratio");
        }
        bench_avb_destroy_pool(&avb, pool);
        avb_helper_free(helper);
        bench_avb_close(&avb);
        bench_service_stop(&svc);
        bench_samples_free(&c);
        bench_samples_free(&py_med);
        bench_samples_free(&py_p99);
        bench_csv_close();
        return 0;
}
