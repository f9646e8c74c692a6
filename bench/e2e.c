/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-e2e: the pipeline example end to end. Runs
 * examples/avbuffer-pipeline --quiet --frames N against a private avbufferd
 * with the shipped profile (config/avbuffer.yaml), several times, and
 * reports frames per second (as the pipeline prints it, and by our own
 * clock) and CPU time per frame: the pipeline's three processes (wait4
 * rusage, which includes the children it reaped) and avbufferd's (/proc).
 * A frame is one audio or one video frame; each goes source -> cdm ->
 * decoder with an alloc, a map and fill, a secure alloc and copy, and frees.
 *
 *   avb-bench-e2e [--csv FILE] [--quick]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

struct run {
        double fps_reported, fps_wall, client_cpu_us, server_cpu_us;
};

static struct run run_pipeline(const char *exe, pid_t server, int frames)
{
        char nbuf[16], line[512], *argv[] = {(char *)exe, "--quiet", "--frames", nbuf, NULL};
        double cpu0 = bench_proc_cpu_s(server), cpu1, secs;
        struct run r = {0};
        struct rusage ru;
        uint64_t t0 = avb_now_ns();
        bool seen = false;
        int out[2], st;
        pid_t pid;
        FILE *f;

        snprintf(nbuf, sizeof(nbuf), "%d", frames);
        if (pipe2(out, O_CLOEXEC) < 0)
                bench_die("pipe: %s", strerror(errno));
        pid = bench_spawn(argv, out[1]);
        close(out[1]);
        f = fdopen(out[0], "r");
        if (!f)
                bench_die("fdopen: %s", strerror(errno));
        while (fgets(line, sizeof(line), f)) {
                char *p = strstr(line, "frames/s)");

                /* "pipeline: N audio + N video frames ... in S s (F frames/s), W waits ...: ok" */
                if (p && strstr(line, ": ok")) {
                        while (p > line && p[-1] != '(')
                                p--;
                        r.fps_reported = strtod(p, NULL);
                        seen = true;
                }
        }
        fclose(f);
        if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) || !seen)
                bench_die("%s failed (no 'ok' line)", exe);
        secs = (double)(avb_now_ns() - t0) / 1e9;
        cpu1 = bench_proc_cpu_s(server);
        r.fps_wall = 2.0 * frames / secs;
        r.client_cpu_us = ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6) *
                          1e6 / (2.0 * frames);
        r.server_cpu_us = (cpu1 - cpu0) * 1e6 / (2.0 * frames);
        return r;
}

int main(int argc, char **argv)
{
        struct bench_samples fps = {0}, wall = {0}, ccpu = {0}, scpu = {0};
        struct bench_service svc;
        struct bench_opts o;
        int runs, frames;
        char *exe, sec[32];

        bench_parse_opts(argc, argv, &o);
        runs = o.quick ? 1 : 3;
        frames = o.quick ? 300 : 2000;
        exe = bench_build_path("examples/avbuffer-pipeline");
        if (access(exe, X_OK) < 0) {
                fprintf(stderr, "bench: %s not built: skipping the end-to-end benchmark\n", exe);
                free(exe);
                return 0;
        }
        if (!bench_service_start(&svc, bench_shipped_profile())) {
                free(exe);
                return 0;
        }
        for (int i = 0; i < runs; i++) {
                struct run r = run_pipeline(exe, svc.avbufferd_pid, frames);

                bench_samples_add(&fps, r.fps_reported);
                bench_samples_add(&wall, r.fps_wall);
                bench_samples_add(&ccpu, r.client_cpu_us);
                bench_samples_add(&scpu, r.server_cpu_us);
        }
        bench_section("e2e", sec, sizeof(sec));
        printf("\n== 5%s. End to end on %s: avbuffer-pipeline --quiet --frames %d (%d audio + %d "
               "video frames), median of %d runs ==\n",
               bench_on_unix() ? "u" : "", bench_on_unix() ? "unix://" : "nanomsg", frames, frames,
               frames, runs);
        printf("%-40s %12.0f\n", "frames/s (as the pipeline reports)", bench_quantile(&fps, 0.5));
        printf("%-40s %12.0f\n", "frames/s (wall clock, incl. start-up)",
               bench_quantile(&wall, 0.5));
        printf("%-40s %12.1f\n", "CPU us per frame, pipeline processes",
               bench_quantile(&ccpu, 0.5));
        printf("%-40s %12.1f\n", "CPU us per frame, avbufferd", bench_quantile(&scpu, 0.5));
        printf("%-40s %12.1f\n", "CPU us per frame, total",
               bench_quantile(&ccpu, 0.5) + bench_quantile(&scpu, 0.5));
        bench_csv(sec, "pipeline", "frames_per_s", bench_quantile(&fps, 0.5), "1/s");
        bench_csv(sec, "pipeline", "frames_per_s_wall", bench_quantile(&wall, 0.5), "1/s");
        bench_csv(sec, "pipeline", "client_cpu_us_per_frame", bench_quantile(&ccpu, 0.5), "us");
        bench_csv(sec, "pipeline", "server_cpu_us_per_frame", bench_quantile(&scpu, 0.5), "us");
        bench_samples_free(&fps);
        bench_samples_free(&wall);
        bench_samples_free(&ccpu);
        bench_samples_free(&scpu);
        bench_service_stop(&svc);
        free(exe);
        bench_csv_close();
        return 0;
}
