/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Calls over the unix transport: every thread of the process calls through
 * the one connection its avb_conn holds to the endpoint.
 *
 * Sending: a message goes out whole under send_lock (its fragments must not
 * interleave with another's). A oneway call never waits for room: the
 * socket's buffer is its queue, and a full one drops the call
 * (AVB_TS_WOULD_BLOCK, counted), unless a fragment of it already left, in
 * which case the rest is waited for until the deadline.
 *
 * Receiving: replies come in any order and are matched to their callers by
 * request id. There is no reader thread: a caller waiting for its reply
 * reads the socket itself while no other caller does (the common single
 * caller pays no thread hop), and hands over the replies it reads for
 * others; a caller whose reply was read by someone else is woken on the
 * condition. The reader waits inside a blocking recvmsg() bounded by
 * SO_RCVTIMEO, not in poll() then a read: a round trip costs one sendmsg()
 * and one recvmsg(), as on a bare socket. It needs no eventfd for the
 * peer's death: once the connection is up, its hang-up is that death and
 * ends the read (the monitor learns it from the same socket). A reply nobody waits for (its caller
 * timed out) is dropped, its fds closed. A broken connection fails every pending call with
 * DEAD_OBJECT; nothing is ever resent, so a call runs at most once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/sockios.h>
#include <unistd.h>

#include <avbuffer/rpc_gen.h>

#include "frame.h"
#include "internal.h"
#include "log.h"
#include "uconn.h"
#include "util.h"

typedef struct uwaiter {
        struct uwaiter *next;
        uint64_t request_id;
        bool done;
        bool sensitive; /* AVB_METHOD_SENSITIVE: the reply's buffers are zeroed */
        avb_status st;
        uint8_t *payload;
        size_t len;
        int fds[AVB_MAX_FDS];
        size_t n_fds;
} uwaiter;

struct avb_uconn {
        pthread_mutex_t lock; /* reading, broken, waiters */
        pthread_cond_t cond;  /* a waiter done, or the reader's role free */
        pthread_mutex_t send_lock;
        int fd; /* our own duplicate of the lifeline: closed at free only */
        bool reading;
        bool broken;
        uwaiter *waiters;
        avb_urx rx;      /* the reader's only, as are the two below */
        bool blocking;   /* O_NONBLOCK cleared: recvmsg() may wait */
        int rcvtimeo_ms; /* SO_RCVTIMEO set on the socket, 0 none */
};

/* A receive timeout kept while it ends at most this early (setting it is a syscall). */
#define RCVTIMEO_SLACK_MS 2

int avb_uclient_new(int fd, struct avb_uconn **ret)
{
        struct avb_uconn *u = calloc(1, sizeof(*u));
        pthread_condattr_t ca;

        if (!u)
                return -ENOMEM;
        u->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (u->fd < 0) {
                int r = -errno;
                free(u);
                return r;
        }
        pthread_mutex_init(&u->lock, NULL);
        pthread_mutex_init(&u->send_lock, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&u->cond, &ca);
        pthread_condattr_destroy(&ca);
        *ret = u;
        return 0;
}

void avb_uclient_free(struct avb_uconn *u)
{
        if (!u)
                return;
        avb_urx_reset(&u->rx);
        close(u->fd);
        pthread_cond_destroy(&u->cond);
        pthread_mutex_destroy(&u->send_lock);
        pthread_mutex_destroy(&u->lock);
        free(u);
}

/*
 * Why a share of the send buffer: on this transport the socket's buffer is
 * the oneway queue, so the room a sender may count on is what the kernel
 * would still take. Messages differ in size, so the answer is scaled to the
 * nanomsg queue's length (an empty buffer is the whole queue) rather than
 * being a message count; and a socket that poll() calls unwritable (the
 * kernel's own "too full" mark) has none, so a stopped reader's connection
 * reads 0 however much is left below that mark.
 */
int avb_uclient_room(struct avb_uconn *u, unsigned *ret_room)
{
        struct pollfd p = {.fd = u->fd, .events = POLLOUT};
        int sndbuf = 0, outq = 0;
        socklen_t len = sizeof(sndbuf);
        bool broken;

        pthread_mutex_lock(&u->lock);
        broken = u->broken;
        pthread_mutex_unlock(&u->lock);
        if (broken)
                return -EPIPE;
        if (poll(&p, 1, 0) < 0)
                return -errno;
        if (p.revents & (POLLHUP | POLLERR))
                return -EPIPE;
        if (!(p.revents & POLLOUT)) {
                *ret_room = 0;
                return 0;
        }
        if (getsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) < 0 ||
            ioctl(u->fd, SIOCOUTQ, &outq) < 0)
                return -errno;
        if (sndbuf <= 0 || outq >= sndbuf)
                *ret_room = 0;
        else
                *ret_room = (unsigned)((uint64_t)AVB_ONEWAY_QUEUE_MAX * (unsigned)(sndbuf - outq) /
                                       (unsigned)sndbuf);
        return 0;
}

/* Waits for `events` on fd, the peer's death or the deadline: 0, -EPIPE, -ETIMEDOUT. */
static int wait_fd(int fd, short events, int dead_efd, int64_t deadline_ms)
{
        for (;;) {
                struct pollfd p[2] = {
                    {.fd = fd, .events = events},
                    {.fd = dead_efd, .events = POLLIN},
                };
                int n = poll(p, 2, avb_poll_timeout(deadline_ms));

                if (n < 0 && errno != EINTR)
                        return -errno;
                if (n > 0 && p[0].revents)
                        return 0; /* data (or the close) wins over a death seen at once */
                if (n > 0 && p[1].revents)
                        return -EPIPE;
                if (avb_now_ms() >= deadline_ms)
                        return -ETIMEDOUT;
        }
}

/* Ends the connection for every caller: the peer sees the close, we see the hang-up. */
static void break_conn(struct avb_uconn *u)
{
        (void)shutdown(u->fd, SHUT_RDWR);
}

/* Sends a whole message (see the top of the file for oneway calls). */
static int send_message(struct avb_uconn *u, int dead_efd, avb_utx *tx, bool oneway,
                        int64_t deadline_ms)
{
        int r;

        pthread_mutex_lock(&u->send_lock);
        for (;;) {
                r = avb_utx_send(u->fd, tx);
                if (r != -EAGAIN || (oneway && !avb_utx_started(tx)))
                        break;
                if ((r = wait_fd(u->fd, POLLOUT, dead_efd, deadline_ms)) < 0)
                        break;
        }
        /* Half a message would make the server misread everything after it. */
        if (r < 0 && avb_utx_started(tx))
                break_conn(u);
        pthread_mutex_unlock(&u->send_lock);
        return r;
}

/*
 * Sends the head of c's oneway queue without waiting for room (the fds ride
 * on the message itself): 0 sent, -EAGAIN when nothing of it could leave,
 * -ENOENT none queued, else dropped. A message whose first fragment left is
 * finished, waiting up to the default deadline.
 */
static int send_queued(avb_conn *c)
{
        _cleanup_(avb_freep) uint8_t *buf = NULL;
        avb_request_head h;
        avb_oneway_msg *m = avb_conn_queue_head(c, &h);
        size_t len;
        int r;

        if (!m)
                return -ENOENT;
        r = avb_frame_pack_request(&h, m->payload, m->len, &buf, &len);
        if (r == 0) {
                avb_utx tx = {.buf = buf, .len = len, .fds = m->fds, .n_fds = m->n_fds};

                r = send_message(c->u, c->dead_efd, &tx, true,
                                 avb_now_ms() + AVB_DEFAULT_DEADLINE_MS);
                explicit_bzero(buf, len); /* packed again if it must wait */
        }
        if (r == -EAGAIN)
                return r;
        avb_conn_queue_done(c, m, r);
        return r;
}

bool avb_uclient_flush(avb_conn *c)
{
        int r;

        while ((r = send_queued(c)) != -ENOENT && r != -EAGAIN)
                ;
        return r == -EAGAIN;
}

/* Gives the whole message in u->rx to its waiter, or drops it. Under u->lock. */
static void deliver(struct avb_uconn *u)
{
        avb_urx *rx = &u->rx;
        uint64_t id = 0;
        avb_status st;
        uint8_t *payload = NULL;
        size_t len = 0;
        uwaiter *w = NULL;

        if (avb_frame_unpack_reply(rx->buf, rx->total, &id, &st, &payload, &len, NULL) == 0)
                for (w = u->waiters; w && w->request_id != id; w = w->next)
                        ;
        if (w && !w->done) {
                w->done = true;
                w->st = st;
                w->payload = payload;
                w->len = len;
                memcpy(w->fds, rx->fds, rx->n_fds * sizeof(int));
                w->n_fds = rx->n_fds;
                rx->n_fds = 0;
                if (w->sensitive)
                        explicit_bzero(rx->buf, rx->total);
        } else {
                /* Whose method it answered is gone with its caller: cleared as if
                 * @SensitiveData (replies are small; the reply cache does the same). */
                if (payload)
                        explicit_bzero(payload, len);
                if (rx->buf)
                        explicit_bzero(rx->buf, rx->total);
                free(payload);
                avb_log_debug("unix transport: reply %llu dropped (nobody waits for it)",
                              (unsigned long long)id);
        }
        avb_urx_reset(rx);
}

/*
 * Reader: lets the next recvmsg() wait itself for at most `left` ms, never
 * longer: false when it may not (no time left, or the socket refused).
 * Every other use of the socket passes MSG_DONTWAIT, so clearing O_NONBLOCK
 * (on the file the lifeline shares) changes nothing for them. The timeout is
 * set again only when the one in place would outlast `left` or end more
 * than RCVTIMEO_SLACK_MS before it: calls with one deadline set it once.
 */
static bool may_block(struct avb_uconn *u, int left)
{
        if (left <= 0)
                return false;
        if (!u->blocking) {
                int fl = fcntl(u->fd, F_GETFL);
                if (fl < 0 || fcntl(u->fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
                        return false;
                u->blocking = true;
        }
        if (u->rcvtimeo_ms > left || u->rcvtimeo_ms < left - RCVTIMEO_SLACK_MS) {
                struct timeval tv = {.tv_sec = left / 1000, .tv_usec = (left % 1000) * 1000};
                if (setsockopt(u->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
                        return false;
                u->rcvtimeo_ms = left;
        }
        return true;
}

/*
 * Reader: reads until a whole message is in u->rx: 1, or -errno. Waits in
 * recvmsg() (see may_block); only when that ends early (a signal), or may
 * not wait, in poll() on the socket and the connection's death.
 */
static int read_message(struct avb_uconn *u, int dead_efd, int64_t deadline_ms, size_t max)
{
        for (;;) {
                bool block = may_block(u, avb_poll_timeout(deadline_ms));
                int r = avb_urx_read(u->fd, &u->rx, max, block);

                if (r == 1)
                        return r;
                if (r == 0)
                        continue;
                if (r != -EAGAIN)
                        return r;
                if ((r = wait_fd(u->fd, POLLIN, dead_efd, deadline_ms)) < 0)
                        return r;
        }
}

/* Under u->lock. */
static void unlist(struct avb_uconn *u, uwaiter *w)
{
        for (uwaiter **p = &u->waiters; *p; p = &(*p)->next)
                if (*p == w) {
                        *p = w->next;
                        break;
                }
}

/* Waits until `w` is answered, reading for everyone while nobody else does. */
static int wait_reply(struct avb_uconn *u, int dead_efd, uwaiter *w, int64_t deadline_ms,
                      size_t max)
{
        struct timespec until = {
            .tv_sec = deadline_ms / 1000,
            .tv_nsec = (deadline_ms % 1000) * 1000000,
        };
        int r = 0;

        pthread_mutex_lock(&u->lock);
        while (!w->done && r == 0) {
                if (u->broken) {
                        r = -EPIPE;
                } else if (!u->reading) {
                        u->reading = true;
                        pthread_mutex_unlock(&u->lock);
                        r = read_message(u, dead_efd, deadline_ms, max);
                        pthread_mutex_lock(&u->lock);
                        if (r == 1) {
                                deliver(u);
                                r = 0;
                        } else if (r != -ETIMEDOUT) {
                                if (r != -EPIPE)
                                        avb_log_warning("unix transport: bad reply stream: %s",
                                                        strerror(-r));
                                u->broken = true;
                                break_conn(u);
                        }
                        u->reading = false;
                        pthread_cond_broadcast(&u->cond);
                } else if (pthread_cond_timedwait(&u->cond, &u->lock, &until) == ETIMEDOUT &&
                           !w->done) {
                        r = -ETIMEDOUT;
                }
        }
        unlist(u, w);
        pthread_mutex_unlock(&u->lock);
        return w->done ? 0 : r;
}

static avb_status failure(const avb_binder *b, int r, int deadline)
{
        switch (r) {
        case -ETIMEDOUT:
                return avb_status_transport(AVB_TS_TIMED_OUT, "no reply from %s within %d ms",
                                            b->conn->ep.url, deadline);
        case -EPIPE:
        case -ECONNRESET:
                return avb_status_transport(AVB_TS_DEAD_OBJECT, "%s has gone", b->conn->ep.url);
        default:
                return avb_status_from_errno(r, b->conn->ep.url);
        }
}

/* Hands the answer of `w` to the caller, or refuses fds it did not ask for. */
static avb_status take_answer(uwaiter *w, uint8_t **ret_reply, size_t *ret_len, int **ret_fds,
                              size_t *ret_n_fds)
{
        int *fds = NULL;

        if (w->n_fds && (!avb_status_is_ok(&w->st) || !ret_fds)) {
                avb_close_fds(w->fds, w->n_fds);
                avb_buffer_free(w->payload, w->len, w->sensitive ? AVB_METHOD_SENSITIVE : 0);
                if (!avb_status_is_ok(&w->st))
                        return w->st;
                return avb_status_transport(
                    AVB_TS_BAD_MESSAGE, "a reply with file descriptors where none are expected");
        }
        if (w->n_fds && !(fds = malloc(w->n_fds * sizeof(int)))) {
                avb_close_fds(w->fds, w->n_fds);
                avb_buffer_free(w->payload, w->len, w->sensitive ? AVB_METHOD_SENSITIVE : 0);
                return avb_status_transport(AVB_TS_NO_MEMORY, "reply fds");
        }
        if (!avb_status_is_ok(&w->st)) {
                avb_buffer_free(w->payload, w->len, w->sensitive ? AVB_METHOD_SENSITIVE : 0);
                return w->st;
        }
        if (fds)
                memcpy(fds, w->fds, w->n_fds * sizeof(int));
        *ret_reply = w->payload;
        *ret_len = w->len;
        if (ret_fds) {
                *ret_fds = fds;
                *ret_n_fds = w->n_fds;
        }
        return w->st;
}

avb_status avb_uclient_call(avb_binder *b, const avb_interface_desc *iface, uint32_t code,
                            bool oneway, const uint8_t *req, size_t len, const int *fds,
                            size_t n_fds, uint8_t **ret_reply, size_t *ret_len, int **ret_fds,
                            size_t *ret_n_fds)
{
        _cleanup_(avb_freep) uint8_t *buf = NULL;
        struct avb_uconn *u = b->conn->u;
        avb_request_head h = {
            .client_id = avb_rt_client_id(),
            .object_id = b->object_id,
            .descriptor = iface->descriptor,
            .code = code,
            .oneway = oneway,
            .n_fds = (uint32_t)n_fds,
        };
        int deadline = atomic_load(&b->deadline_ms);
        int64_t deadline_at = avb_now_ms() + deadline;
        uwaiter w = {0};
        size_t buf_len, max_message;
        avb_status st;
        int r;

        if (!u)
                return avb_status_transport(AVB_TS_DEAD_OBJECT, "%s has gone", b->conn->ep.url);
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
        avb_utx tx = {.buf = buf, .len = buf_len, .fds = fds, .n_fds = n_fds};
        bool sensitive = avb_method_flags(iface, code) & AVB_METHOD_SENSITIVE;

        if (oneway) {
                r = send_message(u, b->conn->dead_efd, &tx, true, deadline_at);
                if (sensitive)
                        explicit_bzero(buf, buf_len);
                if (r == -EAGAIN)
                        avb_rt_count_drop(b->conn->ep.url, "socket buffer full", 1);
                if (r == -EAGAIN)
                        return avb_status_transport(
                            AVB_TS_WOULD_BLOCK, "the connection to %s is full: oneway call dropped",
                            b->conn->ep.url);
                return r < 0 ? failure(b, r, deadline) : avb_status_ok();
        }
        w.request_id = h.request_id;
        w.sensitive = sensitive;
        pthread_mutex_lock(&u->lock);
        w.next = u->waiters;
        u->waiters = &w;
        pthread_mutex_unlock(&u->lock);
        r = send_message(u, b->conn->dead_efd, &tx, false, deadline_at);
        if (sensitive)
                explicit_bzero(buf, buf_len); /* its last use; freed on return */
        if (r < 0) {
                pthread_mutex_lock(&u->lock);
                unlist(u, &w);
                pthread_mutex_unlock(&u->lock);
                return failure(b, r, deadline);
        }
        r = wait_reply(u, b->conn->dead_efd, &w, deadline_at, max_message + AVB_FRAME_OVERHEAD);
        if (r < 0)
                return failure(b, r, deadline);
        return take_answer(&w, ret_reply, ret_len, ret_fds, ret_n_fds);
}
