/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Passing a fast message queue's descriptor to another process over an
 * AF_UNIX socket: one message holding the descriptor's fields, with its fds
 * as SCM_RIGHTS. A stop-gap until ParcelFileDescriptor travels through the
 * RPC; both ends are this file, on one machine, so the fields go in host
 * byte order.
 *
 * The receiver trusts nothing: the message must have exactly the expected
 * size, the control data must not be truncated and must carry exactly the
 * announced number of fds, and every fd received is closed on any failure.
 * avb_fmq_open then validates the descriptor itself.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fmq_internal.h"
#include "util.h"

#define WIRE_MAGIC 0x514d4641u /* "AFMQ" */

struct wire_desc {
        uint32_t magic;
        uint32_t n_grantors;
        uint32_t n_fds;
        int32_t quantum;
        int32_t flags;
        uint32_t reserved;
        avb_fmq_grantor grantors[AVB_FMQ_MAX_GRANTORS];
};

union fd_control {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * AVB_FMQ_MAX_FDS)];
};

int avb_fmq_desc_send(int sock, const avb_fmq_desc *desc)
{
        struct wire_desc w = {.magic = WIRE_MAGIC};
        union fd_control control = {0};
        struct iovec iov = {.iov_base = &w, .iov_len = sizeof(w)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        struct cmsghdr *c;
        ssize_t n;

        if (!desc || desc->n_grantors > AVB_FMQ_MAX_GRANTORS || desc->n_fds > AVB_FMQ_MAX_FDS)
                return -EINVAL;
        w.n_grantors = (uint32_t)desc->n_grantors;
        w.n_fds = (uint32_t)desc->n_fds;
        w.quantum = desc->quantum;
        w.flags = desc->flags;
        memcpy(w.grantors, desc->grantors, sizeof(w.grantors));
        if (desc->n_fds > 0) {
                msg.msg_control = control.buf;
                msg.msg_controllen = CMSG_SPACE(sizeof(int) * desc->n_fds);
                c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * desc->n_fds);
                memcpy(CMSG_DATA(c), desc->fds, sizeof(int) * desc->n_fds);
        }
        do
                n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return n == (ssize_t)sizeof(w) ? 0 : -EIO;
}

/* Moves the fds of every SCM_RIGHTS message into fds[]; counts all of them
 * in *ret_n (more than `max` are closed, but counted, so the caller sees
 * that the peer sent too many). */
static void take_fds(struct msghdr *msg, int *fds, size_t max, size_t *ret_n)
{
        size_t n = 0;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
                size_t k;

                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++, n++) {
                        int fd;

                        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
                        if (n < max)
                                fds[n] = fd;
                        else
                                close(fd);
                }
        }
        *ret_n = n;
}

int avb_fmq_desc_recv(int sock, avb_fmq_desc *ret_desc)
{
        struct wire_desc w[2]; /* room for one more: a longer message shows */
        union fd_control control;
        struct iovec iov = {.iov_base = w, .iov_len = sizeof(w)};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        avb_fmq_desc d = {0};
        size_t got = 0;
        ssize_t n;

        if (!ret_desc)
                return -EINVAL;
        do
                n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0 && msg.msg_controllen == 0)
                return -EPIPE;
        take_fds(&msg, d.fds, AVB_FMQ_MAX_FDS, &got);
        d.n_fds = got < AVB_FMQ_MAX_FDS ? got : AVB_FMQ_MAX_FDS;
        if (n != (ssize_t)sizeof(w[0]) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
            w[0].magic != WIRE_MAGIC || w[0].n_fds != got || got > AVB_FMQ_MAX_FDS ||
            w[0].n_grantors > AVB_FMQ_MAX_GRANTORS) {
                avb_fmq_desc_fini(&d);
                return -EBADMSG;
        }
        d.n_grantors = w[0].n_grantors;
        d.quantum = w[0].quantum;
        d.flags = w[0].flags;
        memcpy(d.grantors, w[0].grantors, sizeof(d.grantors));
        *ret_desc = d;
        return 0;
}
