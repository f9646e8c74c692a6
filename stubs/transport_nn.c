/* SPDX-License-Identifier: Apache-2.0 */
/* transport.h on nanomsg 1.1.x: the only file that includes nanomsg headers. */
#include "transport.h"

#include <errno.h>
#include <string.h>

#include <nanomsg/nn.h>
#include <nanomsg/pipeline.h>
#include <nanomsg/reqrep.h>

#include "log.h"

/* nanomsg reports failure as -1 with errno set: the one place that becomes -errno. */
static int nn_result(int rc)
{
        if (rc >= 0)
                return rc;
        int e = errno;
        return e > 0 ? -e : -EIO;
}

int avb_tp_open(avb_tp_kind kind, int *ret_sock)
{
        static const struct {
                int domain;
                int protocol;
        } map[] = {
            [AVB_TP_REQ] = {AF_SP, NN_REQ},
            [AVB_TP_REP_RAW] = {AF_SP_RAW, NN_REP},
            [AVB_TP_PUSH] = {AF_SP, NN_PUSH},
            [AVB_TP_PULL] = {AF_SP, NN_PULL},
        };
        int s;

        if ((unsigned)kind >= sizeof(map) / sizeof(map[0]))
                return -EINVAL;
        s = nn_result(nn_socket(map[kind].domain, map[kind].protocol));
        if (s < 0)
                return s;
        *ret_sock = s;
        return 0;
}

void avb_tp_close(int sock)
{
        if (sock < 0)
                return;
        int saved = errno;
        /* EINTR would leave the socket half closed: nanomsg says to retry. */
        while (nn_close(sock) < 0 && errno == EINTR)
                ;
        errno = saved;
}

int avb_tp_bind(int sock, const char *url)
{
        int rc = nn_result(nn_bind(sock, url));
        return rc < 0 ? rc : 0;
}

int avb_tp_connect(int sock, const char *url)
{
        int rc = nn_result(nn_connect(sock, url));
        return rc < 0 ? rc : 0;
}

int avb_tp_set_max_recv(int sock, size_t max)
{
        int v = max > (size_t)0x7fffffff ? -1 : (int)max;
        return nn_result(nn_setsockopt(sock, NN_SOL_SOCKET, NN_RCVMAXSIZE, &v, sizeof(v)));
}

int avb_tp_set_resend_ivl(int sock, int ms)
{
        return nn_result(nn_setsockopt(sock, NN_REQ, NN_REQ_RESEND_IVL, &ms, sizeof(ms)));
}

static int get_fd(int sock, int option, int *ret_fd)
{
        int fd = -1;
        size_t sz = sizeof(fd);
        int rc = nn_result(nn_getsockopt(sock, NN_SOL_SOCKET, option, &fd, &sz));

        if (rc < 0)
                return rc;
        *ret_fd = fd;
        return 0;
}

int avb_tp_recv_fd(int sock, int *ret_fd)
{
        return get_fd(sock, NN_RCVFD, ret_fd);
}

int avb_tp_send_fd(int sock, int *ret_fd)
{
        return get_fd(sock, NN_SNDFD, ret_fd);
}

int avb_tp_send(int sock, const void *buf, size_t len)
{
        int rc = nn_result(nn_send(sock, buf, len, NN_DONTWAIT));
        return rc < 0 ? rc : 0;
}

static int recv_msg(int sock, avb_tp_msg *ret, avb_tp_header *ret_hdr)
{
        void *body = NULL;
        struct nn_iovec iov = {.iov_base = &body, .iov_len = NN_MSG};
        struct nn_msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        avb_tp_header hdr;
        int rc;

        if (ret_hdr) {
                mh.msg_control = hdr.buf;
                mh.msg_controllen = sizeof(hdr.buf);
                memset(hdr.buf, 0, sizeof(struct nn_cmsghdr));
        }
        rc = nn_result(nn_recvmsg(sock, &mh, NN_DONTWAIT));
        if (rc < 0)
                return rc;
        if (ret_hdr) {
                /* nanomsg fills one SP_HDR control message, or nothing if it did not fit. */
                const struct nn_cmsghdr *c = (const struct nn_cmsghdr *)hdr.buf;
                if (c->cmsg_len < sizeof(*c) || c->cmsg_len > sizeof(hdr.buf) ||
                    c->cmsg_level != PROTO_SP || c->cmsg_type != SP_HDR) {
                        nn_freemsg(body);
                        avb_log_warning("transport: request without a routing header dropped");
                        return -EBADMSG;
                }
                hdr.len = c->cmsg_len;
                memcpy(ret_hdr->buf, hdr.buf, hdr.len);
                ret_hdr->len = hdr.len;
        }
        ret->data = body;
        ret->len = (size_t)rc;
        return 0;
}

int avb_tp_recv(int sock, avb_tp_msg *ret)
{
        return recv_msg(sock, ret, NULL);
}

int avb_tp_recv_raw(int sock, avb_tp_msg *ret, avb_tp_header *ret_hdr)
{
        return recv_msg(sock, ret, ret_hdr);
}

int avb_tp_send_raw(int sock, const avb_tp_header *hdr, const void *buf, size_t len)
{
        struct nn_iovec iov = {.iov_base = (void *)buf, .iov_len = len};
        struct nn_msghdr mh = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = (void *)hdr->buf,
            .msg_controllen = hdr->len,
        };
        int rc = nn_result(nn_sendmsg(sock, &mh, NN_DONTWAIT));
        return rc < 0 ? rc : 0;
}

void avb_tp_msg_release(avb_tp_msg *m)
{
        if (m && m->data) {
                nn_freemsg(m->data);
                m->data = NULL;
                m->len = 0;
        }
}
