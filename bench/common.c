/* SPDX-License-Identifier: Apache-2.0 */
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Children still running, so that a benchmark that dies or is interrupted takes them along. */
#define MAX_CHILDREN 64
static volatile pid_t children[MAX_CHILDREN];

static void children_add(pid_t pid)
{
        for (int i = 0; i < MAX_CHILDREN; i++)
                if (!children[i]) {
                        children[i] = pid;
                        return;
                }
}

static void children_remove(pid_t pid)
{
        for (int i = 0; i < MAX_CHILDREN; i++)
                if (children[i] == pid)
                        children[i] = 0;
}

static void children_kill(void)
{
        for (int i = 0; i < MAX_CHILDREN; i++)
                if (children[i] > 0)
                        kill(children[i], SIGTERM);
}

static void on_signal(int sig)
{
        children_kill();
        _exit(128 + sig);
}

static void catch_signals(void)
{
        static bool done;

        if (done)
                return;
        done = true;
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
}

void bench_die(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        fputs("bench: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        children_kill();
        exit(1);
}

/* ---- samples ------------------------------------------------------------- */

void bench_samples_add(struct bench_samples *s, double x)
{
        if (s->n == s->cap) {
                size_t cap = s->cap ? 2 * s->cap : 1024;
                double *v = realloc(s->v, cap * sizeof(*v));

                if (!v)
                        bench_die("out of memory");
                s->v = v;
                s->cap = cap;
        }
        s->v[s->n++] = x;
}

void bench_samples_clear(struct bench_samples *s)
{
        s->n = 0;
}

void bench_samples_free(struct bench_samples *s)
{
        free(s->v);
        *s = (struct bench_samples){0};
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

double bench_quantile(const struct bench_samples *s, double q)
{
        double *c, r;
        size_t k;

        if (!s->n)
                return NAN;
        c = malloc(s->n * sizeof(*c));
        if (!c)
                bench_die("out of memory");
        memcpy(c, s->v, s->n * sizeof(*c));
        qsort(c, s->n, sizeof(*c), cmp_double);
        /* nearest rank: the smallest value with at least q of the samples at or below it */
        k = (size_t)ceil(q * (double)s->n);
        r = c[k ? k - 1 : 0];
        free(c);
        return r;
}

double bench_mean(const struct bench_samples *s)
{
        double sum = 0;

        if (!s->n)
                return NAN;
        for (size_t i = 0; i < s->n; i++)
                sum += s->v[i];
        return sum / (double)s->n;
}

/* ---- output -------------------------------------------------------------- */

static FILE *csv_file;

void bench_csv_open(const char *path)
{
        struct stat st;
        bool fresh;

        if (!path)
                return;
        fresh = stat(path, &st) < 0 || st.st_size == 0;
        csv_file = fopen(path, "a");
        if (!csv_file)
                bench_die("%s: %s", path, strerror(errno));
        if (fresh)
                fputs("section,contender,metric,value,unit\n", csv_file);
}

void bench_csv(const char *section, const char *contender, const char *metric, double value,
               const char *unit)
{
        if (csv_file)
                fprintf(csv_file, "%s,%s,%s,%.6g,%s\n", section, contender, metric, value, unit);
}

void bench_csv_close(void)
{
        if (csv_file && fclose(csv_file) != 0)
                bench_die("writing the CSV: %s", strerror(errno));
        csv_file = NULL;
}

void bench_target(const char *section, const char *name, bool met, const char *fmt, ...)
{
        va_list ap;

        printf("  target %-6s %s: ", met ? "met" : "MISSED", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        bench_csv(section, name, "target_met", met ? 1 : 0, "bool");
}

/* ---- processes ----------------------------------------------------------- */

pid_t bench_spawn(char *const argv[], int out_fd)
{
        return bench_spawn_io(argv, -1, out_fd);
}

pid_t bench_spawn_io(char *const argv[], int in_fd, int out_fd)
{
        posix_spawn_file_actions_t fa;
        pid_t pid;
        int e;

        posix_spawn_file_actions_init(&fa);
        if (out_fd == BENCH_SPAWN_QUIET) {
                posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
                posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
        } else if (out_fd >= 0) {
                posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
        }
        if (in_fd >= 0)
                posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
        e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (e)
                bench_die("cannot start %s: %s", argv[0], strerror(e));
        catch_signals();
        children_add(pid);
        return pid;
}

void bench_stop(pid_t pid)
{
        if (pid <= 0)
                return;
        children_remove(pid);
        kill(pid, SIGTERM);
        for (int i = 0; i < 200; i++) {
                pid_t r = waitpid(pid, NULL, WNOHANG);

                if (r == pid || (r < 0 && errno == ECHILD))
                        return;
                usleep(10000);
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

int bench_reap(pid_t pid)
{
        int st;

        if (waitpid(pid, &st, 0) < 0)
                return -1;
        children_remove(pid);
        return st;
}

bool bench_exited(pid_t pid, int *ret_status)
{
        if (waitpid(pid, ret_status, WNOHANG) != pid)
                return false;
        children_remove(pid);
        return true;
}

bool bench_on_unix(void)
{
        const char *t = getenv("AVB_TRANSPORT");

        return t && !strcmp(t, "unix");
}

const char *bench_section(const char *base, char *buf, size_t len)
{
        snprintf(buf, len, "%s%s", base, bench_on_unix() ? "_unix" : "");
        return buf;
}

double bench_proc_cpu_s(pid_t pid)
{
        char path[64], buf[1024], *p;
        unsigned long utime, stime;
        FILE *f;
        size_t n;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        f = fopen(path, "r");
        if (!f)
                return -1;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = 0;
        /* the command name may hold spaces and parentheses: skip to the last ')' */
        p = strrchr(buf, ')');
        /* after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt
         * cmajflt utime(14) stime(15) */
        if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                         &stime) != 2)
                return -1;
        return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

const char *bench_self_exe(void)
{
        static char exe[PATH_MAX];

        if (!exe[0]) {
                ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

                if (n <= 0)
                        bench_die("readlink /proc/self/exe: %s", strerror(errno));
                exe[n] = 0;
        }
        return exe;
}

const char *bench_self_dir(void)
{
        static char dir[PATH_MAX];

        if (!dir[0]) {
                char tmp[PATH_MAX];

                snprintf(tmp, sizeof(tmp), "%s", bench_self_exe());
                snprintf(dir, sizeof(dir), "%s", dirname(tmp));
        }
        return dir;
}

bool bench_wait_path(const char *path, int timeout_ms)
{
        for (int waited = 0; waited <= timeout_ms; waited += 5) {
                if (access(path, F_OK) == 0)
                        return true;
                usleep(5000);
        }
        return false;
}

char *bench_tmpdir(void)
{
        char *d = strdup("/tmp/avb-bench-XXXXXX");

        if (!d || !mkdtemp(d))
                bench_die("mkdtemp: %s", strerror(errno));
        return d;
}

void bench_rmdir(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return;
        while ((de = readdir(d))) {
                char path[PATH_MAX];

                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                unlink(path);
        }
        closedir(d);
        rmdir(dir);
}

/* ---- a private avbufferd -------------------------------------------------- */

char *bench_build_path(const char *rel)
{
        const char *root = getenv("AVB_BENCH_BUILD");
        char *p;

        if (root && *root) {
                if (asprintf(&p, "%s/%s", root, rel) < 0)
                        bench_die("out of memory");
        } else if (asprintf(&p, "%s/../%s", bench_self_dir(), rel) < 0) {
                bench_die("out of memory");
        }
        return p;
}

static char *sock_path(const char *dir, const char *name)
{
        char *p;

        if (asprintf(&p, "%s/%s", dir, name) < 0)
                bench_die("out of memory");
        return p;
}

bool bench_service_start(struct bench_service *s, const char *profile)
{
        char *sm = bench_build_path("servicemanager/servicemanager");
        char *avbd = bench_build_path("server/avbufferd");
        char *sm_sock, *av_sock;
        bool ok = false;

        *s = (struct bench_service){0};
        if (!profile)
                profile = getenv("AVB_BENCH_PROFILE");
        if (!profile || !*profile)
                profile = AVB_BENCH_PROFILE;
        /* avbufferd starts the secure heap's copier process: this build's, unless told */
        char *copier = bench_build_path("vendor/avb-heap-copier");

        if (!getenv("AVB_HEAP_COPIER") && access(copier, X_OK) == 0)
                setenv("AVB_HEAP_COPIER", copier, 1);
        free(copier);
        if (access(sm, X_OK) < 0 || access(avbd, X_OK) < 0) {
                fprintf(stderr, "bench: %s or %s not built: skipping server benchmarks\n", sm,
                        avbd);
                goto out;
        }
        s->dir = bench_tmpdir();
        setenv("AVB_SOCKET_DIR", s->dir, 1);
        sm_sock = sock_path(s->dir, "servicemanager");
        av_sock = sock_path(s->dir, "AVBuffer");
        {
                char *argv[] = {sm, "--socket-dir", s->dir, "--log-level", "error", NULL};

                s->sm_pid = bench_spawn(argv, -1);
        }
        if (!bench_wait_path(sm_sock, 5000)) {
                fprintf(stderr, "bench: the service manager did not come up\n");
        } else {
                char *argv[] = {avbd,          "--socket-dir", s->dir, "--profile", (char *)profile,
                                "--log-level", "error",        NULL};

                s->avbufferd_pid = bench_spawn(argv, -1);
                ok = bench_wait_path(av_sock, 5000);
                if (!ok)
                        fprintf(stderr, "bench: avbufferd did not come up\n");
        }
        free(sm_sock);
        free(av_sock);
        if (!ok)
                bench_service_stop(s);
out:
        free(sm);
        free(avbd);
        return ok;
}

const char *bench_shipped_profile(void)
{
        return AVB_SHIPPED_PROFILE;
}

void bench_service_stop(struct bench_service *s)
{
        bench_stop(s->avbufferd_pid);
        bench_stop(s->sm_pid);
        if (s->dir) {
                bench_rmdir(s->dir);
                free(s->dir);
        }
        *s = (struct bench_service){0};
}

/* ---- command line -------------------------------------------------------- */

int bench_parse_opts(int argc, char **argv, struct bench_opts *o)
{
        int i;

        *o = (struct bench_opts){0};
        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--csv") && i + 1 < argc)
                        o->csv = argv[++i];
                else if (!strcmp(argv[i], "--quick"))
                        o->quick = true;
                else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                        printf("Usage: %s [--csv FILE] [--quick]\n"
                               "  A benchmark of bench/ (see bench/README.md); run them all with\n"
                               "  scripts/bench.sh.\n",
                               argv[0]);
                        exit(0);
                } else {
                        bench_die("unknown argument '%s' (try --help)", argv[i]);
                }
        }
        bench_csv_open(o->csv);
        return i;
}
