/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helper processes: the suite starts copies of itself (posix_spawn, i.e.
 * fork + exec: nanomsg state never crosses a fork) in a hidden mode,
 * `--child MODE ARGS`, and talks to them line by line over their stdin and
 * stdout. Also the control line to the harness (server death cases).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cf.h"

extern char **environ;

#define CHILD_LINE_TIMEOUT_MS 15000

/* ---- parent side -------------------------------------------------------- */

cf_child *cf_child_spawn(cf_ctx *c, const char *const *args)
{
        posix_spawn_file_actions_t fa;
        const char *argv[32];
        char scale[16];
        int in[2], out[2], e;
        size_t n = 0, i;
        cf_child *ch;
        pid_t pid;

        CF_CHECK(c, c->n_children < CF_MAX_CHILDREN, "too many helper processes in one case");
        argv[n++] = c->o->self_exe;
        if (c->o->endpoint) {
                argv[n++] = "--endpoint";
                argv[n++] = c->o->endpoint;
        } else {
                argv[n++] = "--service";
                argv[n++] = c->o->service;
        }
        snprintf(scale, sizeof(scale), "%d", c->o->time_scale);
        argv[n++] = "--time-scale";
        argv[n++] = scale;
        argv[n++] = "--child";
        for (i = 0; args[i] && n < 31; i++)
                argv[n++] = args[i];
        argv[n] = NULL;

        if (pipe2(in, O_CLOEXEC) < 0)
                CF_FAIL(c, "pipe2: %s", strerror(errno));
        if (pipe2(out, O_CLOEXEC) < 0) {
                e = errno;
                close(in[0]);
                close(in[1]);
                CF_FAIL(c, "pipe2: %s", strerror(e));
        }
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        /* No nanomsg socket of ours leaks into the helper. */
        posix_spawn_file_actions_addclosefrom_np(&fa, 3);
        fflush(stdout);
        e = posix_spawn(&pid, c->o->self_exe, &fa, NULL, (char *const *)argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(in[0]);
        close(out[1]);
        if (e) {
                close(in[1]);
                close(out[0]);
                CF_FAIL(c, "cannot start %s: %s", c->o->self_exe, strerror(e));
        }
        ch = calloc(1, sizeof(*ch));
        if (!ch)
                abort();
        ch->pid = pid;
        ch->to_fd = in[1];
        ch->from_fd = out[0];
        c->children[c->n_children++] = ch;
        return ch;
}

void cf_child_readline(cf_ctx *c, cf_child *ch, char *buf, size_t len)
{
        int64_t deadline = avb_now_ms() + cf_timeout_ms(c, CHILD_LINE_TIMEOUT_MS);
        char *nl;
        ssize_t r;

        for (;;) {
                nl = memchr(ch->rbuf, '\n', ch->rlen);
                if (nl) {
                        size_t l = (size_t)(nl - ch->rbuf);

                        snprintf(buf, len, "%.*s", (int)l, ch->rbuf);
                        memmove(ch->rbuf, nl + 1, ch->rlen - l - 1);
                        ch->rlen -= l + 1;
                        if (!strncmp(buf, "error ", 6))
                                CF_FAIL(c, "helper process %d: %s", (int)ch->pid, buf + 6);
                        return;
                }
                if (ch->rlen == sizeof(ch->rbuf))
                        CF_FAIL(c, "helper process %d: line too long", (int)ch->pid);
                struct pollfd pfd = {ch->from_fd, POLLIN, 0};
                int64_t left = deadline - avb_now_ms();

                if (left <= 0)
                        CF_FAIL(c, "helper process %d: no answer in time", (int)ch->pid);
                if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
                        CF_FAIL(c, "poll: %s", strerror(errno));
                if (!pfd.revents)
                        continue;
                r = read(ch->from_fd, ch->rbuf + ch->rlen, sizeof(ch->rbuf) - ch->rlen);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        CF_FAIL(c, "helper process %d ended without answering", (int)ch->pid);
                ch->rlen += (size_t)r;
        }
}

bool cf_child_has_line(cf_ctx *c, cf_child *ch)
{
        struct pollfd pfd = {ch->from_fd, POLLIN, 0};
        ssize_t r;

        if (!memchr(ch->rbuf, '\n', ch->rlen) && ch->rlen < sizeof(ch->rbuf) &&
            poll(&pfd, 1, 0) > 0) {
                r = read(ch->from_fd, ch->rbuf + ch->rlen, sizeof(ch->rbuf) - ch->rlen);
                if (r <= 0)
                        return true; /* ended: cf_child_readline says so */
                ch->rlen += (size_t)r;
        }
        (void)c;
        return memchr(ch->rbuf, '\n', ch->rlen) != NULL;
}

void cf_child_send(cf_ctx *c, cf_child *ch, const char *fmt, ...)
{
        char line[256];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(line) - 1)
                CF_FAIL(c, "line for helper too long");
        line[n++] = '\n';
        if (write(ch->to_fd, line, (size_t)n) != n)
                CF_FAIL(c, "writing to helper process %d: %s", (int)ch->pid, strerror(errno));
}

static int reap(cf_child *ch, int timeout_ms, int *ret_status)
{
        int64_t deadline = avb_now_ms() + timeout_ms;
        pid_t r;

        for (;;) {
                r = waitpid(ch->pid, ret_status, WNOHANG);
                if (r == ch->pid)
                        return 0;
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (avb_now_ms() > deadline)
                        return -ETIMEDOUT;
                cf_sleep_ms(5);
        }
}

static void forget_child(cf_ctx *c, cf_child *ch)
{
        size_t i;

        for (i = 0; i < c->n_children; i++)
                if (c->children[i] == ch) {
                        c->children[i] = c->children[--c->n_children];
                        break;
                }
        close(ch->to_fd);
        close(ch->from_fd);
        free(ch);
}

int cf_child_wait(cf_ctx *c, cf_child *ch)
{
        int status = 0, e;

        close(ch->to_fd); /* EOF on its stdin */
        ch->to_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        e = reap(ch, cf_timeout_ms(c, 20000), &status);
        if (e < 0) {
                pid_t pid = ch->pid;

                kill(pid, SIGKILL);
                reap(ch, 5000, &status);
                forget_child(c, ch);
                CF_FAIL(c, "helper process %d did not exit: %s", (int)pid, cf_errname(e));
        }
        forget_child(c, ch);
        return status;
}

void cf_child_kill(cf_ctx *c, cf_child *ch, int sig)
{
        int status;

        kill(ch->pid, sig);
        if (reap(ch, cf_timeout_ms(c, 10000), &status) < 0) {
                kill(ch->pid, SIGKILL);
                reap(ch, 5000, &status);
        }
        forget_child(c, ch);
}

/* ---- harness control ---------------------------------------------------- */

bool cf_control_available(const cf_ctx *c)
{
        return c->o->control_fd >= 0;
}

const char *cf_control(cf_ctx *c, const char *cmd)
{
        static char reply[256];
        int64_t deadline = avb_now_ms() + cf_timeout_ms(c, 60000);
        size_t n = 0;
        char line[64];
        int len;

        len = snprintf(line, sizeof(line), "%s\n", cmd);
        if (write(c->o->control_fd, line, (size_t)len) != len)
                CF_FAIL(c, "harness control: %s", strerror(errno));
        while (n < sizeof(reply) - 1) {
                struct pollfd pfd = {c->o->control_fd, POLLIN, 0};
                int64_t left = deadline - avb_now_ms();
                ssize_t r;

                if (left <= 0)
                        CF_FAIL(c, "harness control: no answer to '%s'", cmd);
                if (poll(&pfd, 1, (int)left) <= 0)
                        continue;
                r = read(c->o->control_fd, reply + n, 1);
                if (r <= 0)
                        CF_FAIL(c, "harness control: connection closed");
                if (reply[n] == '\n')
                        break;
                n++;
        }
        reply[n] = 0;
        return reply;
}
