/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-scale: aggregate IAVBuffer.isValid calls per second with 1, 2,
 * 4, 8 and 16 client processes against one avbufferd, with the server's CPU
 * use (utime+stime deltas from /proc/PID/stat), that of server and clients
 * together, and the whole machine's (/proc/stat, other users included), to
 * show where the CPU saturates. The machine counts as saturated from the
 * first point where it is >= 90% busy; when that is already so with one
 * client (a busy shared machine), growth cannot be judged and only "holds"
 * is.
 *
 * Clients are this binary run with --client (posix_spawn: no fork after
 * nanomsg init). Each connects, warms up, reports ready, waits for the start
 * signal (EOF on stdin), calls for the given time, and prints its count and
 * elapsed time. The client counts are interleaved over repetitions
 * (1,2,4,8,16,1,2,...) and the median repetition is reported.
 *
 *   avb-bench-scale [--csv FILE] [--quick]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "avbclient.h"
#include "common.h"

static const int client_counts[] = {1, 2, 4, 8, 16};
#define N_COUNTS    ((int)(sizeof(client_counts) / sizeof(client_counts[0])))
#define MAX_CLIENTS 16

/* ---- a client process ------------------------------------------------------ */

static int run_client(int64_t handle, int ms)
{
        struct bench_avb avb;
        uint64_t calls = 0;
        int64_t t0, end;
        double cpu0;
        bool valid;
        char c;

        bench_avb_connect(&avb);
        for (int i = 0; i < 50; i++)
                if (!bench_avb_is_valid(&avb, handle, &valid) || !valid)
                        bench_die("client: isValid failed");
        printf("ready\n");
        fflush(stdout);
        while (read(STDIN_FILENO, &c, 1) > 0) /* the start signal is EOF */
                ;
        cpu0 = bench_proc_cpu_s(getpid());
        t0 = avb_now_ns();
        end = t0 + (int64_t)ms * 1000000;
        do {
                for (int i = 0; i < 16; i++)
                        if (!bench_avb_is_valid(&avb, handle, &valid) || !valid)
                                bench_die("client: isValid failed");
                calls += 16;
        } while (avb_now_ns() < end);
        printf("%" PRIu64 " %" PRId64 " %.3f\n", calls, avb_now_ns() - t0,
               bench_proc_cpu_s(getpid()) - cpu0);
        fflush(stdout);
        bench_avb_close(&avb);
        return 0;
}

/* ---- the driver --------------------------------------------------------------- */

/* Busy and total jiffies of the whole machine, from /proc/stat. */
static void machine_jiffies(double *busy, double *total)
{
        unsigned long long v[8] = {0};
        FILE *f = fopen("/proc/stat", "r");

        *busy = *total = 0;
        if (!f)
                return;
        if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7]) == 8) {
                for (int i = 0; i < 8; i++)
                        *total += (double)v[i];
                *busy = *total - (double)v[3] - (double)v[4]; /* less idle and iowait */
        }
        fclose(f);
}

struct point {
        double calls_per_s;
        double server_cpu;  /* cores busy in the server */
        double bench_cpu;   /* server and clients: fraction of all cores */
        double machine_cpu; /* everything on the machine: fraction of all cores */
};

/* Lines from the clients' shared stdout, failing fast if a client dies. */
struct lines {
        int fd;
        char buf[4096];
        size_t len;
};

static void next_line(struct lines *l, char *out, size_t max, pid_t *pids, int n)
{
        for (;;) {
                char *nl = memchr(l->buf, '\n', l->len);
                struct pollfd p = {.fd = l->fd, .events = POLLIN};
                ssize_t r;

                if (nl) {
                        size_t k = (size_t)(nl - l->buf) + 1;

                        snprintf(out, max, "%.*s", (int)k, l->buf);
                        memmove(l->buf, l->buf + k, l->len - k);
                        l->len -= k;
                        return;
                }
                if (poll(&p, 1, 1000) == 0) {
                        for (int i = 0; i < n; i++) {
                                int st;

                                if (pids[i] > 0 && bench_exited(pids[i], &st) &&
                                    (!WIFEXITED(st) || WEXITSTATUS(st)))
                                        bench_die("client %d (pid %d) failed: %s %d", i,
                                                  (int)pids[i],
                                                  WIFSIGNALED(st) ? "signal" : "exit status",
                                                  WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
                        }
                        continue;
                }
                r = read(l->fd, l->buf + l->len, sizeof(l->buf) - l->len);
                if (r <= 0)
                        bench_die("the clients went away");
                l->len += (size_t)r;
        }
}

static struct point run_point(pid_t server, int64_t handle, int n, int ms)
{
        char *argv[] = {(char *)bench_self_exe(), "--client", NULL, NULL, NULL};
        char hbuf[32], mbuf[16], line[128];
        struct lines out = {0};
        int go[2], out_pipe[2];
        pid_t pids[MAX_CLIENTS];
        double cpu0, cpu1, busy0, total0, busy1, total1, rate = 0, client_cpu = 0;
        uint64_t t0, t1;

        snprintf(hbuf, sizeof(hbuf), "%" PRId64, handle);
        snprintf(mbuf, sizeof(mbuf), "%d", ms);
        argv[2] = hbuf;
        argv[3] = mbuf;
        if (pipe2(go, O_CLOEXEC) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0)
                bench_die("pipe: %s", strerror(errno));
        for (int i = 0; i < n; i++)
                pids[i] = bench_spawn_io(argv, go[0], out_pipe[1]);
        close(go[0]);
        close(out_pipe[1]);
        out.fd = out_pipe[0];
        for (int ready = 0; ready < n;) {
                next_line(&out, line, sizeof(line), pids, n);
                ready += !strcmp(line, "ready\n");
        }
        cpu0 = bench_proc_cpu_s(server);
        machine_jiffies(&busy0, &total0);
        t0 = avb_now_ns();
        close(go[1]); /* go */
        for (int got = 0; got < n;) {
                uint64_t calls, ns;
                double cpu;

                next_line(&out, line, sizeof(line), pids, n);
                if (sscanf(line, "%" SCNu64 " %" SCNu64 " %lf", &calls, &ns, &cpu) == 3) {
                        rate += (double)calls * 1e9 / (double)ns;
                        client_cpu += cpu;
                        got++;
                }
        }
        t1 = avb_now_ns();
        cpu1 = bench_proc_cpu_s(server);
        machine_jiffies(&busy1, &total1);
        close(out.fd);
        for (int i = 0; i < n; i++) {
                int st = bench_reap(pids[i]);

                if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
                        bench_die("client %d failed", i);
        }
        double secs = (double)(t1 - t0) / 1e9;

        return (struct point){
            .calls_per_s = rate,
            .server_cpu = (cpu1 - cpu0) / secs,
            .bench_cpu = (cpu1 - cpu0 + client_cpu) / secs / (double)sysconf(_SC_NPROCESSORS_ONLN),
            .machine_cpu = total1 > total0 ? (busy1 - busy0) / (total1 - total0) : 0,
        };
}

static int cmp_point(const void *a, const void *b)
{
        double x = ((const struct point *)a)->calls_per_s,
               y = ((const struct point *)b)->calls_per_s;

        return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
        struct point pts[N_COUNTS][5], med[N_COUNTS];
        struct bench_service svc;
        struct bench_avb avb;
        struct bench_opts o;
        int reps, ms, peak = 0, sat = N_COUNTS;
        bool grows = true, holds = true;
        char satbuf[64], sec[32];
        int8_t pool;
        int64_t handle;

        if (argc == 4 && !strcmp(argv[1], "--client"))
                return run_client(strtoll(argv[2], NULL, 10), atoi(argv[3]));
        bench_parse_opts(argc, argv, &o);
        reps = o.quick ? 1 : 3;
        ms = o.quick ? 400 : 1500;
        if (!bench_service_start(&svc, NULL))
                return 0;
        bench_avb_connect(&avb);
        pool = bench_avb_pool(&avb, false, false);
        handle = bench_avb_alloc(&avb, pool, 4096);

        for (int r = 0; r < reps; r++)
                for (int k = 0; k < N_COUNTS; k++)
                        pts[k][r] = run_point(svc.avbufferd_pid, handle, client_counts[k], ms);

        bench_section("scale", sec, sizeof(sec));
        printf("\n== 2%s. Scaling: IAVBuffer.isValid from N client processes against one avbufferd "
               "on %s (%.1f s per point, median of %d) ==\n",
               bench_on_unix() ? "u" : "", bench_on_unix() ? "unix://" : "nanomsg", ms / 1e3, reps);
        printf("%8s %12s %8s %12s %14s %13s\n", "clients", "calls/s", "vs 1", "server CPU",
               "server+clients", "machine CPU");
        for (int k = 0; k < N_COUNTS; k++) {
                qsort(pts[k], (size_t)reps, sizeof(pts[k][0]), cmp_point);
                med[k] = pts[k][reps / 2];
                if (med[k].calls_per_s > med[peak].calls_per_s)
                        peak = k;
                if (sat == N_COUNTS && med[k].machine_cpu >= 0.9)
                        sat = k;
        }
        for (int k = 0; k < N_COUNTS; k++) {
                char id[16];

                printf("%8d %12.0f %8.2f %10.0f %% %12.0f %% %11.0f %%\n", client_counts[k],
                       med[k].calls_per_s, med[k].calls_per_s / med[0].calls_per_s,
                       100 * med[k].server_cpu, 100 * med[k].bench_cpu, 100 * med[k].machine_cpu);
                snprintf(id, sizeof(id), "%d", client_counts[k]);
                bench_csv(sec, id, "calls_per_s", med[k].calls_per_s, "1/s");
                bench_csv(sec, id, "server_cpu_pct", 100 * med[k].server_cpu, "pct_of_core");
                bench_csv(sec, id, "bench_cpu_pct", 100 * med[k].bench_cpu, "pct_of_all");
                bench_csv(sec, id, "machine_cpu_pct", 100 * med[k].machine_cpu, "pct_of_all");
                /* before saturation each step must add throughput (5% noise allowed) */
                if (k > 0 && k <= sat && med[k].calls_per_s < 0.95 * med[k - 1].calls_per_s)
                        grows = false;
                if (k > peak && med[k].calls_per_s < 0.85 * med[peak].calls_per_s)
                        holds = false;
        }
        printf(
            "  (server CPU in %% of one core; server+clients and the whole machine (other users\n"
            "  included) in %% of all %ld cores)\n",
            sysconf(_SC_NPROCESSORS_ONLN));
        if (sat == 0)
                snprintf(satbuf, sizeof(satbuf), "already with 1 client (growth not judged)");
        else if (sat < N_COUNTS)
                snprintf(satbuf, sizeof(satbuf), "from %d clients", client_counts[sat]);
        else
                snprintf(satbuf, sizeof(satbuf), "at no point");
        bench_target(sec,
                     bench_on_unix() ? "scaling_grows_then_holds_unix" : "scaling_grows_then_holds",
                     grows && holds,
                     "peak %.0f calls/s at %d clients; machine CPU saturated (>= 90%%) %s; "
                     "throughput before that: %s; after the peak it %s (>= 85%% of peak)",
                     med[peak].calls_per_s, client_counts[peak], satbuf,
                     sat == 0 ? "(not judged)"
                     : grows  ? "grows"
                              : "does NOT grow",
                     holds ? "holds" : "COLLAPSES");
        bench_avb_free(&avb, handle);
        bench_avb_destroy_pool(&avb, pool);
        bench_avb_close(&avb);
        bench_service_stop(&svc);
        bench_csv_close();
        return 0;
}
