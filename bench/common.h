/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared pieces of the avbuffer benchmarks (bench/): clocks, sample
 * statistics, the CSV every program appends to, spawning helper processes
 * (posix_spawn, never fork: nanomsg state does not survive a fork; a
 * benchmark that dies or gets SIGINT/SIGTERM takes its children along), the
 * CPU time of a process from /proc, and a private avbufferd with its
 * service manager in a temporary socket directory.
 *
 * Nothing here links the avbuffer runtime, so the baselines that do not
 * need a server build and run on their own.
 */
#ifndef AVB_BENCH_COMMON_H
#define AVB_BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "util.h"

/* ---- time ---------------------------------------------------------------- */

/* ---- samples ------------------------------------------------------------- */

struct bench_samples {
        double *v;
        size_t n, cap;
};

void bench_samples_add(struct bench_samples *s, double x);
void bench_samples_clear(struct bench_samples *s);
void bench_samples_free(struct bench_samples *s);
/* q in [0,1]; nearest-rank on a sorted copy; NAN when empty. */
double bench_quantile(const struct bench_samples *s, double q);
double bench_mean(const struct bench_samples *s);

/* ---- output -------------------------------------------------------------- */

/*
 * Every result goes to stdout in the program's table and, when a CSV path
 * was given (--csv FILE), as one row "section,contender,metric,value,unit"
 * appended to that file (the header is written when the file is new).
 */
void bench_csv_open(const char *path);
void bench_csv(const char *section, const char *contender, const char *metric, double value,
               const char *unit);
void bench_csv_close(void);

/*
 * The transport avbufferd is started on: "unix" when $AVB_TRANSPORT says so,
 * else "nanomsg" (scripts/bench.sh runs the service benchmarks once each).
 */
bool bench_on_unix(void);
/* `base` on nanomsg, "base_unix" on unix: the CSV section of a result. */
const char *bench_section(const char *base, char *buf, size_t len);

/* "met"/"MISSED" line for a target, also recorded in the CSV (value 1 or 0). */
void bench_target(const char *section, const char *name, bool met, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

__attribute__((noreturn, format(printf, 1, 2))) void bench_die(const char *fmt, ...);

/* ---- processes ----------------------------------------------------------- */

/*
 * posix_spawnp argv (argv[0] is a path or a name on PATH); stdout goes to
 * out_fd when >= 0, stdout and stderr to /dev/null with BENCH_SPAWN_QUIET.
 */
#define BENCH_SPAWN_QUIET (-2)
pid_t bench_spawn(char *const argv[], int out_fd);
/* The same with stdin from in_fd when >= 0. */
pid_t bench_spawn_io(char *const argv[], int in_fd, int out_fd);
/* SIGTERM, up to 2 s for it to exit, then SIGKILL; reaps it. Ignores pid <= 0. */
void bench_stop(pid_t pid);
/* Waits for a child to exit by itself; its wait status, or -1. */
int bench_reap(pid_t pid);
/* Whether a child has exited (reaped, *ret_status set), without waiting. */
bool bench_exited(pid_t pid, int *ret_status);
/* utime + stime of pid in seconds, from /proc/PID/stat; negative on error. */
double bench_proc_cpu_s(pid_t pid);
/* Directory of this executable (for finding the project's other binaries). */
const char *bench_self_dir(void);
/* Path of this executable. */
const char *bench_self_exe(void);
/* Waits up to timeout_ms for a path to exist. */
bool bench_wait_path(const char *path, int timeout_ms);
/* A fresh directory /tmp/avb-bench-XXXXXX (short: ipc paths must fit sun_path). */
char *bench_tmpdir(void);
/* rm -r of a directory made by bench_tmpdir (one level of files). */
void bench_rmdir(const char *dir);

/* ---- a private avbufferd -------------------------------------------------- */

struct bench_service {
        char *dir;    /* socket directory, also exported as AVB_SOCKET_DIR */
        pid_t sm_pid; /* servicemanager */
        pid_t avbufferd_pid;
};

/*
 * Starts build/servicemanager/servicemanager and build/server/avbufferd
 * (found beside this executable's directory, or $AVB_BENCH_BUILD) with
 * `profile`, or when NULL the benchmark profile ($AVB_BENCH_PROFILE, else
 * bench/profile.yaml), in a temporary socket directory, and sets
 * AVB_SOCKET_DIR. Returns false (with a message) when the binaries are
 * missing or do not come up.
 */
bool bench_service_start(struct bench_service *s, const char *profile);
void bench_service_stop(struct bench_service *s);
/* config/avbuffer.yaml of the source tree: the profile the product ships. */
const char *bench_shipped_profile(void);
/* Path of a binary of the build tree, e.g. "examples/avbuffer-pipeline". */
char *bench_build_path(const char *rel);

/* ---- command line -------------------------------------------------------- */

/* Common options: --csv FILE, --quick (fewer iterations). Returns argv index of the rest. */
struct bench_opts {
        const char *csv;
        bool quick;
};
int bench_parse_opts(int argc, char **argv, struct bench_opts *o);

#endif
