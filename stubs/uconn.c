/* SPDX-License-Identifier: Apache-2.0 */
/* uconn.h: packets of the unix transport, with their file descriptors. */
#include "uconn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

void avb_close_fds(const int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
}

void avb_urx_reset(avb_urx *rx)
{
        free(rx->buf);
        avb_close_fds(rx->fds, rx->n_fds);
        memset(rx, 0, sizeof(*rx));
}

int avb_collect_fds(struct msghdr *mh, int *fds, size_t cap, size_t *ret_n)
{
        size_t n = 0;
        bool bad = (mh->msg_flags & MSG_CTRUNC) != 0;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
                        bad = true;
                        continue;
                }
                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                const unsigned char *data = CMSG_DATA(c);
                for (size_t i = 0; i < k; i++) {
                        int fd;
                        memcpy(&fd, data + i * sizeof(int), sizeof(int));
                        if (n < cap)
                                fds[n++] = fd;
                        else {
                                close(fd);
                                bad = true;
                        }
                }
        }
        if (bad) {
                avb_close_fds(fds, n);
                return -EPROTO;
        }
        *ret_n = n;
        return 0;
}

/*
 * A blocking receive ends at the socket's SO_RCVTIMEO, and a signal ends it
 * too (-EAGAIN either way): its caller looks at its deadline again rather
 * than wait the whole timeout once more.
 */
static ssize_t recv_fds(int fd, struct msghdr *mh, int *fds, size_t *ret_n, bool block)
{
        ssize_t n;
        int r;

        do
                n = recvmsg(fd, mh, (block ? 0 : MSG_DONTWAIT) | MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR && !block);
        if (n < 0 && errno == EINTR)
                return -EAGAIN;
        if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN
                       : errno == ECONNRESET                   ? -EPIPE
                                                               : -errno;
        if ((r = avb_collect_fds(mh, fds, AVB_MAX_FDS, ret_n)) < 0)
                return r;
        if (n == 0 && *ret_n == 0)
                return -EPIPE;
        return n;
}

ssize_t avb_recv_fds(int fd, struct msghdr *mh, int *fds, size_t *ret_n)
{
        return recv_fds(fd, mh, fds, ret_n, false);
}

int avb_urx_read(int fd, avb_urx *rx, size_t max_total, bool block)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * AVB_MAX_FDS)];
                struct cmsghdr align;
        } ctl;
        avb_ufrag h;
        uint8_t *dst = NULL;
        struct iovec iov[2];
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
        int fds[AVB_MAX_FDS];
        size_t n_fds = 0, room;
        ssize_t n;

        /* The fragment is read straight into place: into a scratch area until the header is known.
         */
        static _Thread_local uint8_t scratch[AVB_UFRAG_BYTES];
        if (rx->started) {
                room = rx->total - rx->got;
                dst = rx->buf + rx->got;
        } else {
                room = sizeof(scratch);
                dst = scratch;
        }
        if (room > AVB_UFRAG_BYTES)
                room = AVB_UFRAG_BYTES;
        iov[0] = (struct iovec){.iov_base = &h, .iov_len = sizeof(h)};
        iov[1] = (struct iovec){.iov_base = dst, .iov_len = room};
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof(ctl.buf);
        if ((n = recv_fds(fd, &mh, fds, &n_fds, block)) < 0)
                return (int)n;
        size_t body = (size_t)n >= sizeof(h) ? (size_t)n - sizeof(h) : 0;
        bool ok = (size_t)n >= sizeof(h) && !(mh.msg_flags & MSG_TRUNC) &&
                  h.magic == AVB_UFRAG_MAGIC && h.offset == rx->got;
        if (ok && !rx->started)
                ok = h.offset == 0 && h.n_fds <= AVB_MAX_FDS && h.n_fds == n_fds;
        else if (ok)
                ok = h.total == rx->total && h.n_fds == 0 && n_fds == 0;
        /* Every fragment but the last is full, and none runs past the total. */
        if (ok)
                ok = body <= h.total - h.offset &&
                     (body == AVB_UFRAG_BYTES || h.offset + body == h.total);
        if (!ok) {
                avb_close_fds(fds, n_fds);
                return -EPROTO;
        }
        if (!rx->started) {
                if (h.total > max_total) {
                        avb_close_fds(fds, n_fds);
                        return -EMSGSIZE;
                }
                rx->buf = malloc(h.total ? h.total : 1);
                if (!rx->buf) {
                        avb_close_fds(fds, n_fds);
                        return -ENOMEM;
                }
                memcpy(rx->buf, scratch, body);
                memcpy(rx->fds, fds, n_fds * sizeof(int));
                rx->n_fds = n_fds;
                rx->total = h.total;
                rx->started = true;
        }
        rx->got += body;
        return rx->got == rx->total ? 1 : 0;
}

int avb_utx_send(int fd, avb_utx *tx)
{
        size_t n_frags = tx->len ? (tx->len + AVB_UFRAG_BYTES - 1) / AVB_UFRAG_BYTES : 1;

        while (tx->next < n_frags) {
                union {
                        char buf[CMSG_SPACE(sizeof(int) * AVB_MAX_FDS)];
                        struct cmsghdr align;
                } ctl;
                size_t off = tx->next * AVB_UFRAG_BYTES;
                size_t len = tx->len - off < AVB_UFRAG_BYTES ? tx->len - off : AVB_UFRAG_BYTES;
                bool first = tx->next == 0;
                avb_ufrag h = {
                    .magic = AVB_UFRAG_MAGIC,
                    .total = (uint32_t)tx->len,
                    .offset = (uint32_t)off,
                    .n_fds = first ? (uint32_t)tx->n_fds : 0,
                };
                struct iovec iov[2] = {
                    {.iov_base = &h, .iov_len = sizeof(h)},
                    {.iov_base = (void *)(tx->buf + off), .iov_len = len},
                };
                struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
                ssize_t n;

                if (tx->len > UINT32_MAX || tx->n_fds > AVB_MAX_FDS)
                        return -EMSGSIZE;
                if (first && tx->n_fds) {
                        memset(&ctl, 0, sizeof(ctl));
                        mh.msg_control = ctl.buf;
                        mh.msg_controllen = CMSG_SPACE(sizeof(int) * tx->n_fds);
                        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                        c->cmsg_level = SOL_SOCKET;
                        c->cmsg_type = SCM_RIGHTS;
                        c->cmsg_len = CMSG_LEN(sizeof(int) * tx->n_fds);
                        memcpy(CMSG_DATA(c), tx->fds, sizeof(int) * tx->n_fds);
                }
                do
                        n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
                while (n < 0 && errno == EINTR);
                if (n < 0)
                        return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN
                               : errno == ECONNRESET || errno == EPIPE ? -EPIPE
                                                                       : -errno;
                tx->next++;
        }
        return 0;
}
