/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cost of the RPC runtime over its floor: a bare nanomsg REQ -> raw REP
 * round trip, against a two-way call through avb_binder_transact to an
 * avb_server, both with a 64-byte request and reply, server in a second
 * process (posix_spawn of this program), client on one thread.
 *
 *   rpc_floor [ROUND_TRIPS]       prints median, p99 and mean in microseconds
 *
 * Build (not in bench/meson.build):
 *   executable('avb-bench-rpc-floor', 'rpc_floor.c',
 *              dependencies : [avb_rpc_dep, nanomsg_dep])
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>

#include <avbuffer/rpc.h>
#include "util.h"

#define PAYLOAD 64

extern char **environ;

/* ---- the servers (child process) ---- */

static void ready(void)
{
        (void)!write(STDOUT_FILENO, "ready\n", 6);
}

static int serve_bare(const char *url)
{
        int s = nn_socket(AF_SP_RAW, NN_REP);

        if (s < 0 || nn_bind(s, url) < 0)
                return 1;
        ready();
        for (;;) {
                void *body = NULL;
                unsigned char ctrl[256];
                struct nn_iovec iov = {.iov_base = &body, .iov_len = NN_MSG};
                struct nn_msghdr mh = {.msg_iov = &iov,
                                       .msg_iovlen = 1,
                                       .msg_control = ctrl,
                                       .msg_controllen = sizeof(ctrl)};
                int n = nn_recvmsg(s, &mh, 0);
                if (n < 0)
                        continue;
                struct nn_cmsghdr *c = (struct nn_cmsghdr *)ctrl;
                struct nn_iovec out = {.iov_base = body, .iov_len = (size_t)n};
                struct nn_msghdr reply = {.msg_iov = &out,
                                          .msg_iovlen = 1,
                                          .msg_control = ctrl,
                                          .msg_controllen = c->cmsg_len};
                (void)nn_sendmsg(s, &reply, 0);
                nn_freemsg(body);
        }
}

static avb_status echo_dispatch(const avb_interface_desc *iface, const void *ops, void *impl,
                                avb_call *call, uint32_t code, const uint8_t *req, size_t len,
                                uint8_t **ret_reply, size_t *ret_len)
{
        (void)iface;
        (void)ops;
        (void)impl;
        (void)call;
        (void)code;
        uint8_t *r = malloc(len ? len : 1);
        if (!r)
                return avb_status_transport(AVB_TS_NO_MEMORY, NULL);
        memcpy(r, req, len);
        *ret_reply = r;
        *ret_len = len;
        return avb_status_ok();
}

static const avb_method_desc methods[] = {{"echo", 0}};
static const avb_interface_desc echo_desc = {
    .descriptor = "bench.IEcho",
    .hash = "h",
    .version = 1,
    .n_methods = 1,
    .methods = methods,
    .dispatch = echo_dispatch,
};

static int serve_runtime(const char *endpoint)
{
        avb_server_options opts = {.endpoint = endpoint};
        avb_server *s = NULL;
        avb_binder *obj = NULL;

        if (avb_server_new(&opts, &s) < 0 ||
            avb_binder_new_local(&echo_desc, NULL, NULL, NULL, &obj) < 0 ||
            avb_server_add(s, obj, NULL) < 0)
                return 1;
        ready();
        return avb_server_run(s) < 0;
}

/* ---- the client ---- */

static pid_t spawn(const char *self, const char *mode, const char *where)
{
        char *argv[] = {(char *)self, (char *)mode, (char *)where, NULL};
        posix_spawn_file_actions_t fa;
        char line[16] = {0};
        int fds[2];
        pid_t pid;

        if (pipe(fds) < 0)
                return -1;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
        int r = posix_spawn(&pid, self, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        if (r != 0 || read(fds[0], line, sizeof(line) - 1) <= 0 || strncmp(line, "ready", 5)) {
                close(fds[0]);
                return -1;
        }
        close(fds[0]);
        return pid;
}

static int cmp(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return x < y ? -1 : x > y;
}

static void report(const char *what, int64_t *ns, int n)
{
        int64_t sum = 0;
        for (int i = 0; i < n; i++)
                sum += ns[i];
        qsort(ns, (size_t)n, sizeof(*ns), cmp);
        printf("%-34s median %7.1f us  p99 %7.1f us  mean %7.1f us  %6.0f calls/s\n", what,
               ns[n / 2] / 1e3, ns[n * 99 / 100] / 1e3, sum / 1e3 / n, 1e9 * n / sum);
}

static void bench_bare(const char *url, int n, int64_t *ns)
{
        char buf[PAYLOAD] = {0}, in[PAYLOAD * 2];
        int s = nn_socket(AF_SP, NN_REQ);

        nn_connect(s, url);
        for (int i = -1000; i < n; i++) {
                int64_t t = avb_now_ns();
                if (nn_send(s, buf, sizeof(buf), 0) < 0 || nn_recv(s, in, sizeof(in), 0) < 0) {
                        fprintf(stderr, "bare round trip: %s\n", nn_strerror(errno));
                        exit(1);
                }
                if (i >= 0)
                        ns[i] = avb_now_ns() - t;
        }
        nn_close(s);
}

static void bench_runtime(const char *endpoint, int n, int64_t *ns)
{
        uint8_t buf[PAYLOAD] = {0}, *reply;
        avb_binder *b = NULL;
        size_t len;

        if (avb_binder_connect(endpoint, 0, &b) < 0)
                exit(1);
        for (int i = -1000; i < n; i++) {
                int64_t t = avb_now_ns();
                avb_status st =
                    avb_binder_transact(b, &echo_desc, 1, 0, buf, sizeof(buf), &reply, &len);
                if (!avb_status_is_ok(&st)) {
                        fprintf(stderr, "runtime call: %s\n", st.message);
                        exit(1);
                }
                free(reply);
                if (i >= 0)
                        ns[i] = avb_now_ns() - t;
        }
        avb_binder_unref(b);
}

int main(int argc, char **argv)
{
        char dir[] = "/tmp/avb-floor-XXXXXX", bare[128], rt[128], self[4096];
        int n = argc > 1 ? atoi(argv[1]) : 20000;

        if (argc == 3 && strcmp(argv[1], "bare") == 0)
                return serve_bare(argv[2]);
        if (argc == 3 && strcmp(argv[1], "runtime") == 0)
                return serve_runtime(argv[2]);
        if (n < 100 || !mkdtemp(dir))
                return 2;
        ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (sl <= 0)
                return 2;
        self[sl] = '\0';
        snprintf(bare, sizeof(bare), "ipc://%s/bare", dir);
        snprintf(rt, sizeof(rt), "ipc://%s/rt", dir);

        int64_t *ns = calloc((size_t)n, sizeof(*ns));
        pid_t a = spawn(self, "bare", bare), b = spawn(self, "runtime", rt);
        if (!ns || a < 0 || b < 0)
                return 1;
        printf("%d round trips, %d-byte request and reply, server in another process\n", n,
               PAYLOAD);
        for (int round = 0; round < 2; round++) {
                bench_bare(bare, n, ns);
                report("nanomsg REQ -> raw REP (bare)", ns, n);
                bench_runtime(rt, n, ns);
                report("avb_binder_transact -> avb_server", ns, n);
        }
        kill(a, SIGKILL);
        kill(b, SIGTERM);
        kill(b, SIGKILL);
        waitpid(a, NULL, 0);
        waitpid(b, NULL, 0);
        free(ns);
        char cmd[160];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        return system(cmd) != 0;
}
