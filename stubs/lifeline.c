/* SPDX-License-Identifier: Apache-2.0 */
#include "lifeline.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "endpoint.h"
#include "uconn.h"
#include "util.h"

static int make_addr(const char *path, struct sockaddr_un *ret, socklen_t *ret_len)
{
        size_t n = strlen(path);

        if (n >= sizeof(ret->sun_path))
                return -ENAMETOOLONG;
        memset(ret, 0, sizeof(*ret));
        ret->sun_family = AF_UNIX;
        memcpy(ret->sun_path, path, n);
        *ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
        return 0;
}

/* Reads one packet of exactly `len` bytes. */
static int recv_packet(int fd, void *buf, size_t len)
{
        unsigned char tmp[64];
        ssize_t n;

        do
                n = recv(fd, tmp, sizeof(tmp), MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN
                       : errno == ECONNRESET                   ? -EPIPE
                                                               : -errno;
        if (n == 0)
                return -EPIPE;
        if ((size_t)n != len)
                return -EPROTO;
        memcpy(buf, tmp, len);
        return 0;
}

static int send_packet(int fd, const void *buf, size_t len)
{
        ssize_t n;

        do
                n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == ECONNRESET ? -EPIPE : -errno;
        return (size_t)n == len ? 0 : -EPROTO;
}

int avb_life_listen(const char *path, int *ret_fd)
{
        _cleanup_(avb_closep) int fd = -1;
        struct sockaddr_un sa;
        socklen_t salen;
        int r;

        if ((r = make_addr(path, &sa, &salen)) < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void)unlink(path);
        if (bind(fd, (struct sockaddr *)&sa, salen) < 0)
                return -errno;
        if ((r = avb_endpoint_restrict(path)) < 0)
                return r;
        if (listen(fd, 128) < 0)
                return -errno;
        *ret_fd = AVB_TAKE_FD(fd);
        return 0;
}

int avb_life_accept(int listen_fd, int *ret_fd, avb_peer *ret_peer)
{
        _cleanup_(avb_closep) int fd = -1;
        struct ucred cred;
        socklen_t len = sizeof(cred);

        fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return -errno;
        memset(ret_peer, 0, sizeof(*ret_peer));
        ret_peer->pid = cred.pid;
        ret_peer->uid = cred.uid;
        ret_peer->gid = cred.gid;
        *ret_fd = AVB_TAKE_FD(fd);
        return 0;
}

int avb_life_read_hello(int fd, uint64_t *ret_client_id)
{
        avb_life_hello h;
        int r = recv_packet(fd, &h, sizeof(h));

        if (r < 0)
                return r;
        if (h.magic != AVB_LIFE_MAGIC || h.version != AVB_LIFE_VERSION || h.client_id == 0)
                return -EPROTO;
        *ret_client_id = h.client_id;
        return 0;
}

int avb_life_send_answer(int fd, uint32_t status, uint64_t incarnation, uint64_t max_message)
{
        avb_life_answer a = {
            .magic = AVB_LIFE_MAGIC,
            .status = status,
            .incarnation = incarnation,
            .max_message = max_message,
        };
        return send_packet(fd, &a, sizeof(a));
}

int avb_life_connect(const char *path, uint64_t client_id, int *ret_fd)
{
        _cleanup_(avb_closep) int fd = -1;
        avb_life_hello h = {
            .magic = AVB_LIFE_MAGIC, .version = AVB_LIFE_VERSION, .client_id = client_id};
        struct sockaddr_un sa;
        socklen_t salen;
        int r;

        if ((r = make_addr(path, &sa, &salen)) < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        /* A unix connect completes at once; -EAGAIN means the listener's backlog is full. */
        if (connect(fd, (struct sockaddr *)&sa, salen) < 0)
                return -errno;
        if ((r = send_packet(fd, &h, sizeof(h))) < 0)
                return r;
        *ret_fd = AVB_TAKE_FD(fd);
        return 0;
}

int avb_life_read_answer(int fd, avb_life_answer *ret)
{
        avb_life_answer a;
        int r = recv_packet(fd, &a, sizeof(a));

        if (r < 0)
                return r;
        if (a.magic != AVB_LIFE_MAGIC || a.status > AVB_LIFE_REFUSED)
                return -EPROTO;
        *ret = a;
        return 0;
}

int avb_life_send_fds(int fd, uint64_t request_id, const int *fds, size_t n_fds)
{
        avb_life_fds p = {
            .magic = AVB_LIFE_FDS_MAGIC, .n_fds = (uint32_t)n_fds, .request_id = request_id};
        union {
                char buf[CMSG_SPACE(sizeof(int) * AVB_MAX_FDS)];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = &p, .iov_len = sizeof(p)};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = ctl.buf,
                            .msg_controllen = CMSG_SPACE(sizeof(int) * n_fds)};
        struct cmsghdr *c;
        ssize_t n;

        if (n_fds == 0 || n_fds > AVB_MAX_FDS)
                return -EINVAL;
        memset(&ctl, 0, sizeof(ctl));
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
        do
                n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == ECONNRESET ? -EPIPE : -errno;
        return (size_t)n == sizeof(p) ? 0 : -EPROTO;
}

int avb_life_read_fds(int fd, uint64_t *ret_request_id, int *ret_fds, size_t *ret_n_fds)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * AVB_MAX_FDS)];
                struct cmsghdr align;
        } ctl;
        unsigned char tmp[64];
        struct iovec iov = {.iov_base = tmp, .iov_len = sizeof(tmp)};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = ctl.buf,
                            .msg_controllen = sizeof(ctl.buf)};
        int fds[AVB_MAX_FDS];
        size_t n_fds = 0;
        avb_life_fds p;
        ssize_t n;

        if ((n = avb_recv_fds(fd, &mh, fds, &n_fds)) < 0)
                return (int)n;
        memcpy(&p, tmp, sizeof(p));
        if ((size_t)n != sizeof(p) || (mh.msg_flags & MSG_TRUNC) || p.magic != AVB_LIFE_FDS_MAGIC ||
            p.n_fds == 0 || p.n_fds != n_fds) {
                avb_close_fds(fds, n_fds);
                return -EPROTO;
        }
        *ret_request_id = p.request_id;
        memcpy(ret_fds, fds, n_fds * sizeof(int));
        *ret_n_fds = n_fds;
        return 0;
}
