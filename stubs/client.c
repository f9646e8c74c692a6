/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Remote two-way calls. A proxy keeps a small stack of idle REQ sockets: a
 * call pops one (or opens a new one), so calls from several threads run side
 * by side; a socket goes back only after a clean round trip, and is closed
 * after a timeout or failure so that nanomsg never resends its old request.
 * The wait is one poll() on the socket and on the connection's death eventfd,
 * bounded by the call's deadline.
 *
 * A reply can be lost on a socket whose resend timer runs during the call
 * (a resend interval shorter than the call, which only the test hook sets):
 * nanomsg 1.1's REQ socket keeps a reply that arrives between the timer's
 * expiry and the resend going out, but never hands it over, and the server
 * does not answer a resend on the pipe its reply already went on
 * (reply_cache.h, routes). Such a call would wait out its deadline. So a call
 * waits on one socket at most MOVE_AFTER_IVLS resend intervals (and at least
 * MOVE_AFTER_MIN_MS), then sends the same request (same id) on a new socket:
 * another pipe, which the server answers from its reply cache, or which
 * becomes the route of the call it still holds.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/rpc_gen.h>

#include "frame.h"
#include "internal.h"
#include "log.h"
#include "testing.h"
#include "transport.h"
#include "uconn.h"
#include "util.h"

#define MOVE_AFTER_IVLS   16
#define MOVE_AFTER_MIN_MS 1000

/* Requests sent again on a new socket so far, for tests (avb_rpc_test_moved_requests). */
static _Atomic uint64_t moved_requests;

uint64_t avb_rpc_test_moved_requests(void)
{
        return atomic_load(&moved_requests);
}

static int req_socket_open(avb_binder *b, size_t max_message, int *ret_sock)
{
        int s, r;

        if ((r = avb_tp_open(AVB_TP_REQ, &s)) < 0)
                return r;
        if ((r = avb_tp_set_max_recv(s, max_message + AVB_FRAME_OVERHEAD)) < 0 ||
            (r = avb_tp_set_resend_ivl(s, avb_rt_resend_ivl_ms())) < 0 ||
            (r = avb_tp_connect(s, b->conn->ep.url)) < 0) {
                avb_tp_close(s);
                return r;
        }
        *ret_sock = s;
        return 0;
}

static int pool_pop(avb_binder *b, size_t max_message, int *ret_sock)
{
        int s = -1;

        pthread_mutex_lock(&b->pool_lock);
        if (b->n_pool > 0)
                s = b->pool[--b->n_pool];
        pthread_mutex_unlock(&b->pool_lock);
        if (s >= 0) {
                *ret_sock = s;
                return 0;
        }
        return req_socket_open(b, max_message, ret_sock);
}

static void pool_push(avb_binder *b, int s)
{
        pthread_mutex_lock(&b->pool_lock);
        if (b->n_pool < AVB_REQ_POOL_MAX) {
                b->pool[b->n_pool++] = s;
                s = -1;
        }
        pthread_mutex_unlock(&b->pool_lock);
        avb_tp_close(s);
}

void avb_client_pool_clear(avb_binder *b)
{
        pthread_mutex_lock(&b->pool_lock);
        while (b->n_pool > 0)
                avb_tp_close(b->pool[--b->n_pool]);
        pthread_mutex_unlock(&b->pool_lock);
}

/*
 * Waits until `fd` (a transport fd) is readable, or the peer dies, or the
 * deadline passes: 0, -EPIPE or -ETIMEDOUT.
 */
static int wait_ready(int fd, int dead_efd, int64_t deadline_ms)
{
        for (;;) {
                struct pollfd p[2] = {
                    {.fd = fd, .events = POLLIN},
                    {.fd = dead_efd, .events = POLLIN},
                };
                int n = poll(p, 2, avb_poll_timeout(deadline_ms));

                if (n < 0 && errno != EINTR)
                        return -errno;
                if (n > 0 && p[0].revents)
                        return 0; /* a reply wins over a death seen at the same time */
                if (n > 0 && p[1].revents)
                        return -EPIPE;
                if (avb_now_ms() >= deadline_ms)
                        return -ETIMEDOUT;
        }
}

/*
 * Sends `buf` and receives the matching reply into *ret: 0 or -errno. The
 * reply is waited for until `deadline_ms`, or until `move_at_ms` if that is
 * earlier: then -ESTALE (send it again on another socket).
 */
static int round_trip(int s, int dead_efd, int64_t deadline_ms, int64_t move_at_ms,
                      const uint8_t *buf, size_t len, avb_tp_msg *ret)
{
        int64_t wait_until = move_at_ms < deadline_ms ? move_at_ms : deadline_ms;
        int fd, r;

        for (;;) {
                r = avb_tp_send(s, buf, len);
                if (r != -EAGAIN)
                        break;
                if ((r = avb_tp_send_fd(s, &fd)) < 0 ||
                    (r = wait_ready(fd, dead_efd, deadline_ms)) < 0)
                        return r;
        }
        if (r < 0)
                return r;
        if ((r = avb_tp_recv_fd(s, &fd)) < 0)
                return r;
        for (;;) {
                r = avb_tp_recv(s, ret);
                if (r != -EAGAIN)
                        return r;
                if ((r = wait_ready(fd, dead_efd, wait_until)) < 0)
                        return r == -ETIMEDOUT && wait_until < deadline_ms ? -ESTALE : r;
        }
}

/*
 * Round trip of one request, moved to a new socket whenever it waited
 * MOVE_AFTER_IVLS resend intervals on one (see the top of this file). *s is
 * the socket it ended on (-1 if none could be opened).
 */
static int round_trip_moving(avb_binder *b, size_t max_message, int *s, int64_t deadline_ms,
                             const uint8_t *buf, size_t len, avb_tp_msg *ret)
{
        int64_t ivl = avb_rt_resend_ivl_ms(), move_after = MOVE_AFTER_IVLS * ivl;
        int r;

        if (move_after < MOVE_AFTER_MIN_MS)
                move_after = MOVE_AFTER_MIN_MS;
        for (;;) {
                r = round_trip(*s, b->conn->dead_efd, deadline_ms, avb_now_ms() + move_after, buf,
                               len, ret);
                if (r != -ESTALE)
                        return r;
                /* The old socket goes first: a reply must never come to one that moved on. */
                avb_tp_close(*s);
                *s = -1;
                atomic_fetch_add(&moved_requests, 1);
                if ((r = req_socket_open(b, max_message, s)) < 0)
                        return r;
        }
}

static avb_status failure(int r, const avb_binder *b, int deadline, size_t max_message)
{
        switch (r) {
        case -ETIMEDOUT:
                return avb_status_transport(AVB_TS_TIMED_OUT, "no reply from %s within %d ms",
                                            b->conn->ep.url, deadline);
        case -EPIPE:
                return avb_status_transport(AVB_TS_DEAD_OBJECT, "%s has gone", b->conn->ep.url);
        case -EMSGSIZE:
                return avb_status_transport(
                    AVB_TS_TOO_LARGE, "reply above the message limit of %zu bytes", max_message);
        default:
                return avb_status_from_errno(r, b->conn->ep.url);
        }
}

/*
 * Takes the `n` fds announced by the reply to `request_id` (sent ahead on the
 * lifeline) and hands them to the caller as a malloc'ed array, or refuses
 * them if it wants none. Nothing stays open on failure.
 */
static avb_status reply_fds(avb_binder *b, uint64_t request_id, uint32_t n, int64_t deadline_at,
                            int **ret_fds, size_t *ret_n_fds)
{
        int fds[AVB_MAX_FDS], *v;
        int r;

        if (n == 0) {
                if (ret_fds) {
                        *ret_fds = NULL;
                        *ret_n_fds = 0;
                }
                return avb_status_ok();
        }
        if (n > AVB_MAX_FDS)
                return avb_status_transport(AVB_TS_BAD_MESSAGE, "a reply from %s announces %u fds",
                                            b->conn->ep.url, n);
        /* The server sent them before the reply: this waits for the monitor's read only. */
        r = avb_conn_take_fds(b->conn, request_id, n, deadline_at, avb_conn_on_monitor_thread(),
                              fds);
        if (r == -EPIPE)
                return avb_status_transport(AVB_TS_DEAD_OBJECT, "%s has gone", b->conn->ep.url);
        if (r < 0)
                return avb_status_transport(AVB_TS_BAD_MESSAGE,
                                            "the %u fds of a reply from %s did not come (%s)", n,
                                            b->conn->ep.url, strerror(-r));
        if (!ret_fds || !(v = malloc(n * sizeof(int)))) {
                avb_close_fds(fds, n);
                return ret_fds ? avb_status_transport(AVB_TS_NO_MEMORY, "reply fds")
                               : avb_status_transport(AVB_TS_BAD_MESSAGE,
                                                      "a reply with file descriptors where none "
                                                      "are expected");
        }
        memcpy(v, fds, n * sizeof(int));
        *ret_fds = v;
        *ret_n_fds = n;
        return avb_status_ok();
}

avb_status avb_client_call(avb_binder *b, const avb_interface_desc *iface, uint32_t code,
                           const uint8_t *req, size_t len, const int *fds, size_t n_fds,
                           uint8_t **ret_reply, size_t *ret_len, int **ret_fds, size_t *ret_n_fds)
{
        uint32_t mflags = avb_method_flags(iface, code);
        _cleanup_(avb_freep) uint8_t *buf = NULL;
        avb_tp_msg msg = {0};
        avb_request_head h = {
            .client_id = avb_rt_client_id(),
            .object_id = b->object_id,
            .descriptor = iface->descriptor,
            .code = code,
            .n_fds = (uint32_t)n_fds,
        };
        int deadline = atomic_load(&b->deadline_ms);
        int64_t deadline_at = avb_now_ms() + deadline, sent_at;
        uint8_t *reply = NULL;
        size_t buf_len, reply_len = 0, max_message;
        uint64_t reply_id;
        uint32_t reply_n_fds = 0;
        avb_status st;
        int s, r;

        st = avb_conn_wait_up_status(b->conn, deadline_at, deadline, &h.incarnation, &max_message);
        if (!avb_status_is_ok(&st))
                return st;
        if (len > max_message)
                return avb_status_transport(
                    AVB_TS_TOO_LARGE,
                    "request of %zu bytes is above the message limit of %zu bytes", len,
                    max_message);
        h.request_id = avb_rt_next_request_id();
        if ((r = avb_frame_pack_request(&h, req, len, &buf, &buf_len)) < 0)
                return avb_status_from_errno(r, "packing the request");
        if ((r = pool_pop(b, max_message, &s)) < 0)
                return avb_status_from_errno(r, "opening a request socket");
        /* The fds go ahead on the lifeline: the server matches them by request id. */
        if (n_fds && (r = avb_conn_send_fds(b->conn, h.request_id, fds, n_fds)) < 0) {
                pool_push(b, s);
                return failure(r, b, deadline, max_message);
        }

        sent_at = avb_now_ms();
        r = round_trip_moving(b, max_message, &s, deadline_at, buf, buf_len, &msg);
        if (mflags & AVB_METHOD_SENSITIVE)
                explicit_bzero(buf, buf_len); /* its last use; freed on return */
        if (r < 0) {
                /* Closed, not pooled: nanomsg would resend the request. */
                avb_tp_close(s);
                return failure(r, b, deadline, max_message);
        }
        r = avb_frame_unpack_reply(msg.data, msg.len, &reply_id, &st, &reply, &reply_len,
                                   &reply_n_fds);
        if (mflags & AVB_METHOD_SENSITIVE)
                explicit_bzero(msg.data, msg.len);
        avb_tp_msg_release(&msg);
        if (r < 0 || reply_id != h.request_id) {
                avb_tp_close(s);
                avb_buffer_free(reply, reply_len, mflags);
                return avb_status_transport(
                    AVB_TS_BAD_MESSAGE, "%s reply from %s",
                    r == -EPROTO ? "another frame version's" : "undecodable", b->conn->ep.url);
        }
        /*
         * A call that lasted a resend interval may have been sent twice, and
         * its second answer would come to this socket later. nanomsg 1.1's
         * REQ socket mishandles such a stale reply (it frees it but keeps
         * pointing at it: a double free at close, or a wrong reply later),
         * so that socket is not used again.
         */
        if (avb_now_ms() - sent_at >= avb_rt_resend_ivl_ms())
                avb_tp_close(s);
        else
                pool_push(b, s);
        if (avb_status_is_ok(&st))
                st = reply_fds(b, h.request_id, reply_n_fds, deadline_at, ret_fds, ret_n_fds);
        if (!avb_status_is_ok(&st)) {
                avb_buffer_free(reply, reply_len, mflags);
                return st;
        }
        *ret_reply = reply;
        *ret_len = reply_len;
        return st;
}
