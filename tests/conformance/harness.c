/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer-test-harness: runs a test program against a freshly started
 * servicemanager and avbufferd.
 *
 *   avbuffer-test-harness --servicemanager EXE --avbufferd EXE --profile FILE
 *                         --waiter EXE [--wrapper "CMD ARGS"] [--timeout S]
 *                         [--time-scale N] -- PROGRAM [ARGS...]
 *
 * 1. makes a private socket directory (mkdtemp) and sets AVB_SOCKET_DIR;
 * 2. copies the profile there, replacing @UID@ and @GID@ with this
 *    process's ids (so the test is a trusted caller of IAVBufferControl);
 * 3. starts servicemanager, then avbufferd, and waits until "AVBuffer" is
 *    registered (`WAITER --wait-service MS`);
 * 4. runs PROGRAM with AVB_AVBUFFERD_PID set and a control socket in
 *    AVB_CONFORMANCE_CONTROL_FD that takes "kill", "restart" and "pid";
 *    an argument "%PROFILE%" becomes the path of the profile copy;
 * 5. stops avbufferd and servicemanager with SIGTERM and checks both exit 0.
 *
 * Every process it starts gets its own process group and is killed on any
 * failure or timeout; the socket directory is removed. Exit status: 0 when
 * PROGRAM exited 0 and both servers stayed up and exited 0, else 1.
 * --wrapper runs the servers and PROGRAM under another command (valgrind).
 * This program never uses nanomsg itself, so it may fork freely.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cf_time.h"

extern char **environ;

#define CONTROL_FD 100
#define MAX_ARGS   64

typedef struct proc {
        const char *name;
        pid_t pid;  /* 0: not running */
        pid_t pgid; /* its process group (kept after it ended), 0: never started */
        int status;
} proc;

static struct {
        const char *sm_exe, *avbd_exe, *profile, *waiter;
        char *wrapper[MAX_ARGS];
        int n_wrapper;
        int timeout_s, scale;
        char dir[64], profile_copy[128];
        proc sm, avbd, prog;
        bool failed;
} H = {.timeout_s = 270, .scale = 1};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
        stop_signal = sig;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        fputs("harness: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}

/* Starts argv (under the wrapper when wrap) in a process group of its own. */
static int start(proc *p, const char *name, char *const *argv, bool wrap, int control_fd)
{
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        char *full[2 * MAX_ARGS + 1];
        int n = 0, i, e;

        if (wrap)
                for (i = 0; i < H.n_wrapper; i++)
                        full[n++] = H.wrapper[i];
        for (i = 0; argv[i] && n < 2 * MAX_ARGS; i++)
                full[n++] = argv[i];
        full[n] = NULL;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawn_file_actions_init(&fa);
        if (control_fd >= 0)
                posix_spawn_file_actions_adddup2(&fa, control_fd, CONTROL_FD);
        fflush(NULL);
        e = posix_spawnp(&p->pid, full[0], &fa, &attr, full, environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        p->name = name;
        p->pgid = e ? 0 : p->pid;
        if (e) {
                p->pid = 0;
                say("cannot start %s (%s): %s", name, full[0], strerror(e));
                return -e;
        }
        return 0;
}

/* Reaps p if it has ended; true when it has. */
static bool ended(proc *p)
{
        pid_t r;

        if (!p->pid)
                return true;
        r = waitpid(p->pid, &p->status, WNOHANG);
        if (r == p->pid || (r < 0 && errno == ECHILD)) {
                p->pid = 0;
                return true;
        }
        return false;
}

static bool wait_end(proc *p, int timeout_ms)
{
        int64_t deadline = avb_now_ms() + timeout_ms;

        while (!ended(p)) {
                if (avb_now_ms() > deadline)
                        return false;
                cf_sleep_ms(10);
        }
        return true;
}

/* Kills what is left of p's process group (never our own group). */
static void kill_group(proc *p)
{
        if (p->pgid > 1 && p->pgid != getpgrp())
                kill(-p->pgid, SIGKILL);
}

static void kill_hard(proc *p)
{
        if (p->pid) {
                kill(p->pid, SIGKILL);
                wait_end(p, 10000);
        }
        /* The group may hold helpers that outlived their leader. */
        kill_group(p);
}

static const char *describe(int status, char *buf, size_t len)
{
        if (WIFEXITED(status))
                snprintf(buf, len, "exit %d", WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
                snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
                         strsignal(WTERMSIG(status)));
        else
                snprintf(buf, len, "status 0x%x", status);
        return buf;
}

/* SIGTERM, then the exit status must be 0. */
static void stop_cleanly(proc *p)
{
        char buf[64];

        if (!p->pid)
                return;
        kill(p->pid, SIGTERM);
        if (!wait_end(p, 15000 * H.scale)) {
                say("%s did not exit within %d s of SIGTERM", p->name, 15 * H.scale);
                H.failed = true;
                kill_hard(p);
                return;
        }
        if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != 0) {
                say("%s stopped with %s, want exit 0", p->name,
                    describe(p->status, buf, sizeof(buf)));
                H.failed = true;
        }
}

/* A registration policy giving avbufferd's names to this uid, as a vendor's gives them to its. */
static int write_policy(char *path, size_t len)
{
        static const char *const names[] = {
            "AVBuffer",       "VideoDecoderManager", "audiodecodermanager",
            "AVClockManager", "VideoSinkManager",    "AudioSinkManager"};
        FILE *f;

        snprintf(path, len, "%s/service_contexts", H.dir);
        f = fopen(path, "w");
        if (!f)
                return -1;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                fprintf(f, "%s user:%u\n", names[i], (unsigned)getuid());
        return fclose(f) == 0 ? 0 : -1;
}

static int start_sm(void)
{
        char policy[sizeof(H.dir) + 32];
        char *argv[] = {(char *)H.sm_exe, "--socket-dir", H.dir, "--policy", policy, NULL};

        if (write_policy(policy, sizeof(policy)) < 0) {
                say("cannot write the registration policy: %s", strerror(errno));
                return -1;
        }
        return start(&H.sm, "servicemanager", argv, true, -1);
}

/* Waits until AVBuffer is registered while watching the servers. */
static int wait_registered(void)
{
        char ms[16], buf[64];
        char *argv[] = {(char *)H.waiter, "--wait-service", ms, NULL};
        int timeout = 30000 * H.scale;
        proc w = {0};

        snprintf(ms, sizeof(ms), "%d", timeout);
        if (start(&w, "waiter", argv, false, -1) < 0)
                return -1;
        while (!ended(&w)) {
                proc *gone = ended(&H.avbd) ? &H.avbd : ended(&H.sm) ? &H.sm : NULL;

                if (gone || stop_signal) {
                        if (gone)
                                say("%s ended while waiting for AVBuffer to register: %s",
                                    gone->name, describe(gone->status, buf, sizeof(buf)));
                        else
                                say("stopped by signal %d", (int)stop_signal);
                        kill_hard(&w);
                        return -1;
                }
                cf_sleep_ms(10);
        }
        if (!WIFEXITED(w.status) || WEXITSTATUS(w.status) != 0) {
                say("AVBuffer was not registered in time (waiter: %s)",
                    describe(w.status, buf, sizeof(buf)));
                return -1;
        }
        return 0;
}

static int start_avbd(void)
{
        char *argv[] = {(char *)H.avbd_exe, "--profile", H.profile_copy,
                        "--socket-dir",     H.dir,       NULL};
        char pid[16];

        if (start(&H.avbd, "avbufferd", argv, true, -1) < 0)
                return -1;
        snprintf(pid, sizeof(pid), "%d", (int)H.avbd.pid);
        setenv("AVB_AVBUFFERD_PID", pid, 1);
        return wait_registered();
}

static int copy_profile(void)
{
        char *text = NULL, num[16];
        size_t len = 0;
        FILE *in, *out;
        const char *p;

        in = fopen(H.profile, "r");
        if (!in) {
                say("%s: %s", H.profile, strerror(errno));
                return -1;
        }
        if (getdelim(&text, &len, 0, in) < 0) {
                fclose(in);
                free(text);
                say("%s: cannot read", H.profile);
                return -1;
        }
        fclose(in);
        snprintf(H.profile_copy, sizeof(H.profile_copy), "%s/profile.yaml", H.dir);
        out = fopen(H.profile_copy, "w");
        if (!out) {
                free(text);
                say("%s: %s", H.profile_copy, strerror(errno));
                return -1;
        }
        for (p = text; *p;) {
                if (!strncmp(p, "@UID@", 5) || !strncmp(p, "@GID@", 5)) {
                        snprintf(num, sizeof(num), "%u",
                                 p[1] == 'U' ? (unsigned)getuid() : (unsigned)getgid());
                        fputs(num, out);
                        p += 5;
                } else {
                        fputc(*p++, out);
                }
        }
        free(text);
        return fclose(out) == 0 ? 0 : -1;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        remove(path);
        return 0;
}

static void handle_command(int fd, const char *cmd)
{
        char reply[128];

        if (!strcmp(cmd, "kill")) {
                kill_hard(&H.avbd);
                snprintf(reply, sizeof(reply), "killed\n");
        } else if (!strcmp(cmd, "restart")) {
                if (H.avbd.pid)
                        snprintf(reply, sizeof(reply), "error avbufferd is running\n");
                else if (start_avbd() < 0)
                        snprintf(reply, sizeof(reply), "error restart failed\n");
                else
                        snprintf(reply, sizeof(reply), "restarted %d\n", (int)H.avbd.pid);
        } else if (!strcmp(cmd, "pid")) {
                snprintf(reply, sizeof(reply), "pid %d\n", (int)H.avbd.pid);
        } else {
                snprintf(reply, sizeof(reply), "error unknown command\n");
        }
        if (write(fd, reply, strlen(reply)) < 0)
                say("control reply: %s", strerror(errno));
}

/* Runs the program, serving control commands, until it ends or time runs out. */
static void run_program(char **argv)
{
        int64_t deadline = avb_now_ms() + (int64_t)H.timeout_s * 1000;
        char buf[256], desc[64];
        size_t len = 0;
        int sv[2];

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
                say("socketpair: %s", strerror(errno));
                H.failed = true;
                return;
        }
        for (char **a = argv; *a; a++)
                if (!strcmp(*a, "%PROFILE%"))
                        *a = H.profile_copy;
        snprintf(desc, sizeof(desc), "%d", CONTROL_FD);
        setenv("AVB_CONFORMANCE_CONTROL_FD", desc, 1);
        if (start(&H.prog, argv[0], argv, true, sv[1]) < 0) {
                close(sv[0]);
                close(sv[1]);
                H.failed = true;
                return;
        }
        close(sv[1]);
        while (!ended(&H.prog)) {
                struct pollfd pfd = {sv[0], POLLIN, 0};
                char *nl;
                ssize_t r;

                if (stop_signal || avb_now_ms() > deadline) {
                        if (stop_signal)
                                say("stopped by signal %d", (int)stop_signal);
                        else
                                say("%s: no end after %d s", argv[0], H.timeout_s);
                        kill_hard(&H.prog);
                        H.failed = true;
                        break;
                }
                if (H.avbd.pid && ended(&H.avbd)) {
                        say("avbufferd ended during the test: %s",
                            describe(H.avbd.status, desc, sizeof(desc)));
                        H.failed = true;
                }
                if (poll(&pfd, 1, 20) <= 0)
                        continue;
                r = read(sv[0], buf + len, sizeof(buf) - 1 - len);
                if (r <= 0)
                        continue;
                len += (size_t)r;
                buf[len] = 0;
                while ((nl = strchr(buf, '\n'))) {
                        *nl = 0;
                        handle_command(sv[0], buf);
                        len -= (size_t)(nl + 1 - buf);
                        memmove(buf, nl + 1, len + 1);
                }
                if (len == sizeof(buf) - 1)
                        len = 0;
        }
        close(sv[0]);
        if (!H.prog.pid && !(WIFEXITED(H.prog.status) && WEXITSTATUS(H.prog.status) == 0)) {
                say("%s: %s", argv[0], describe(H.prog.status, desc, sizeof(desc)));
                H.failed = true;
        }
        /* Helpers the program left behind in its group. */
        kill_group(&H.prog);
}

static void usage(FILE *f)
{
        fputs("Usage: avbuffer-test-harness --servicemanager EXE --avbufferd EXE --profile FILE\n"
              "         --waiter EXE [--wrapper CMD] [--timeout S] [--time-scale N]\n"
              "         -- PROGRAM [ARGS...]\n",
              f);
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"servicemanager", required_argument, NULL, 's'},
            {"avbufferd", required_argument, NULL, 'a'},
            {"profile", required_argument, NULL, 'p'},
            {"waiter", required_argument, NULL, 'w'},
            {"wrapper", required_argument, NULL, 'W'},
            {"timeout", required_argument, NULL, 't'},
            {"time-scale", required_argument, NULL, 'x'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        struct sigaction sa = {0};
        const char *tmp;
        char *tok, *save = NULL;
        int opt;

        while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                switch (opt) {
                case 's':
                        H.sm_exe = optarg;
                        break;
                case 'a':
                        H.avbd_exe = optarg;
                        break;
                case 'p':
                        H.profile = optarg;
                        break;
                case 'w':
                        H.waiter = optarg;
                        break;
                case 'W':
                        for (tok = strtok_r(optarg, " ", &save); tok && H.n_wrapper < MAX_ARGS - 1;
                             tok = strtok_r(NULL, " ", &save))
                                H.wrapper[H.n_wrapper++] = tok;
                        break;
                case 't':
                        H.timeout_s = atoi(optarg);
                        break;
                case 'x':
                        H.scale = atoi(optarg) > 0 ? atoi(optarg) : 1;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (!H.sm_exe || !H.avbd_exe || !H.profile || !H.waiter || optind >= argc) {
                usage(stderr);
                return 2;
        }
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        tmp = getenv("TMPDIR");
        snprintf(H.dir, sizeof(H.dir), "%s/avbt-XXXXXX",
                 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
        if (!mkdtemp(H.dir)) {
                say("mkdtemp: %s", strerror(errno));
                return 1;
        }
        /* As the system's directory: group members (the clients a case starts as
         * another uid with group 0) may enter it. */
        if (chmod(H.dir, 0750) < 0) {
                say("chmod %s: %s", H.dir, strerror(errno));
                return 1;
        }
        setenv("AVB_SOCKET_DIR", H.dir, 1);
        if (copy_profile() < 0 || start_sm() < 0 || start_avbd() < 0) {
                H.failed = true;
        } else {
                run_program(argv + optind);
        }
        if (H.avbd.pid && ended(&H.avbd)) {
                char desc[64];

                say("avbufferd ended on its own: %s", describe(H.avbd.status, desc, sizeof(desc)));
                H.failed = true;
        }
        stop_cleanly(&H.avbd);
        stop_cleanly(&H.sm);
        kill_hard(&H.prog);
        kill_hard(&H.avbd);
        kill_hard(&H.sm);
        nftw(H.dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
        if (H.failed)
                say("FAILED");
        return H.failed ? 1 : 0;
}
