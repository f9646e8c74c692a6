/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helper processes: copies of this binary run with --child MODE ARG (exec
 * right after fork: the RPC runtime does not survive a fork). A child says
 * what it did on stdout, one line at a time, and then waits to be killed or
 * for its stdin to close.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cf_time.h"
#include "hcf.h"

extern char **environ;

pid_t hcf_child_spawn(hcf_ctx *c, const char *mode, const char *arg, int *ret_fd)
{
        char *argv[] = {(char *)c->o->self_exe, "--child", (char *)mode, (char *)arg, NULL};
        posix_spawn_file_actions_t fa;
        int out[2], e;
        pid_t pid;

        HCF_CHECK(c, c->n_children < sizeof(c->children) / sizeof(c->children[0]),
                  "too many children");
        HCF_CHECK(c, pipe2(out, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
        fflush(NULL);
        e = posix_spawn(&pid, c->o->self_exe, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        if (e) {
                close(out[0]);
                hcf_fail_at(c, __FILE__, __LINE__, "spawn: %s", strerror(e));
        }
        c->children[c->n_children++] = pid;
        *ret_fd = out[0];
        return pid;
}

void hcf_child_readline(hcf_ctx *c, int fd, char *buf, size_t len)
{
        int64_t end = avb_now_ms() + hcf_timeout_ms(c, 30000);
        size_t n = 0;

        while (n + 1 < len) {
                struct pollfd p = {fd, POLLIN, 0};
                ssize_t r;

                HCF_CHECK(c, avb_now_ms() < end, "child: no line within the deadline");
                if (poll(&p, 1, 100) <= 0)
                        continue;
                r = read(fd, buf + n, 1);
                HCF_CHECK(c, r == 1, "child: its output ended");
                if (buf[n] == '\n')
                        break;
                n++;
        }
        buf[n] = 0;
}

/* ---- in the child ----------------------------------------------------------- */

static int fail(const char *what, const avb_status *st)
{
        printf("error %s: %s %s\n", what, avb_exception_name(st->exception), st->message);
        fflush(stdout);
        return 1;
}

/*
 * open-video ID / open-audio ID: open and start that decoder, with a pool
 * and a coded buffer of its own, say "ready", then wait.
 */
static int open_and_wait(const hcf_opts *o, bool audio, int32_t id)
{
        static hcf_ctx c; /* checks end the child through hcf_fail_at: see below */
        hcf_dec d = {.audio = audio, .id = id};
        avb_status st;
        uint8_t coded[64] = {0};
        int r;

        c.o = o;
        r = setjmp(c.jb);
        if (r) {
                printf("error %s\n", c.msg);
                fflush(stdout);
                return 1;
        }
        if (hcf_connect(&c) < 0)
                return 1;
        st = hcf_get_raw(&c, audio, id, &d.dec);
        if (!avb_status_is_ok(&st) || !d.dec)
                return fail("get decoder", &st);
        d.rec = hcf_rec_new(&c, audio);
        hcf_open_ok(&c, &d);
        st = hcf_start(&d);
        if (!avb_status_is_ok(&st))
                return fail("start", &st);
        (void)hcf_buf(&c, &d, coded, sizeof(coded));
        printf("ready\n");
        fflush(stdout);
        for (;;) /* until killed */
                pause();
}

int hcf_child_main(const hcf_opts *o, int argc, char **argv)
{
        if (argc == 2 && !strcmp(argv[0], "open-video"))
                return open_and_wait(o, false, atoi(argv[1]));
        if (argc == 2 && !strcmp(argv[0], "open-audio"))
                return open_and_wait(o, true, atoi(argv[1]));
        fprintf(stderr, "avbuffer-hal-conformance: unknown child mode\n");
        return 2;
}
