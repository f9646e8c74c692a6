/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb_server_run: one thread, one poll() over
 *   [close eventfd, REP socket, PULL socket, lifeline listener, each lifeline,
 *    the pidfd of each detached client]
 * with the next deferred call, hello deadline or accept back-off as timeout.
 * Requests are read before lifeline events, so a client's last calls are
 * answered before its lifeline's close is looked at. That close detaches the
 * client; its process's exit, seen on the pidfd, makes it gone
 * (server_client.c).
 * Nothing here blocks: replies and answers are sent non-blocking, and a
 * failure on one message or one client is logged and the loop goes on.
 *
 * Lifelines cost a descriptor each, and anyone who can reach the socket can
 * open them, so those not yet identified are bounded: a lifeline must send
 * its hello within HELLO_TIMEOUT_MS, at most PENDING_MAX wait for it at once
 * (a client sends its hello with the connect, so it is usually read at
 * accept and never waits; a newcomer over the bound closes the one that has
 * waited longest), and when accept() runs out of descriptors the
 * listener rests for ACCEPT_BACKOFF_MS instead of waking the loop at once.
 * After the hello nothing may come but fds packets (server_fds.c) and the
 * close: other data is a protocol error and ends the lifeline. On a unix:// endpoint the lifeline
 * is the client's connection: after the hello come its requests (server_uconn.c), at most DRAIN_MAX
 * per wake-up, and its close is acted on once they are all read.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "frame.h"
#include "lifeline.h"
#include "log.h"
#include "server.h"
#include "util.h"

/* Messages read from one socket per wake-up, so no source starves the others. */
#define DRAIN_MAX 64
/* Time a new lifeline has to send its hello. */
#define HELLO_TIMEOUT_MS 2000
/* Lifelines waiting for their hello at once; more are closed at accept. */
#define PENDING_MAX 64
/* Pause of the listener after accept() ran out of descriptors or memory. */
#define ACCEPT_BACKOFF_MS 100

#define SUPPRESSED_NOTE(n) ((n) ? " (some messages suppressed)" : "")

static void lifeline_close(avb_server *s, server_lifeline *l)
{
        for (server_lifeline **p = &s->lifelines; *p; p = &(*p)->next)
                if (*p == l) {
                        *p = l->next;
                        break;
                }
        close(l->fd);
        avb_server_uconn_free(l->u);
        if (!l->client)
                s->n_pending--;
        else if (--l->client->n_lifelines == 0)
                avb_server_client_detach(s, l->client);
        free(l);
}

static void lifeline_refuse(avb_server *s, server_lifeline *l, const char *why)
{
        avb_log_warning("%s: refused pid %d uid %d: %s", s->ep.url, (int)l->creds.pid,
                        (int)l->creds.uid, why);
        s->stats.rejected++;
        (void)avb_life_send_answer(l->fd, AVB_LIFE_REFUSED, 0, 0);
        lifeline_close(s, l);
}

/*
 * Reads the hello of a lifeline that has none yet and answers it. -EAGAIN
 * while it has not come; else 0, and `l` is either accepted or freed.
 */
static int lifeline_hello(avb_server *s, server_lifeline *l)
{
        avb_peer peer = l->creds;
        server_client *c;
        int r = avb_life_read_hello(l->fd, &peer.client_id);

        if (r == -EAGAIN)
                return r;
        if (r < 0) {
                if (r != -EPIPE)
                        avb_log_warning("%s: bad hello from pid %d: %s", s->ep.url,
                                        (int)l->creds.pid, strerror(-r));
                lifeline_close(s, l);
                return 0;
        }
        c = avb_server_find_client(s, peer.client_id);
        const char *refusal = NULL;
        if (c && c->peer.pid != peer.pid)
                refusal = "client id already used by another process";
        else if (!c && s->accept && !s->accept(s->userdata, &peer))
                refusal = "not accepted by the access policy";
        else if (!c && avb_server_client_add(s, &peer, l->fd, &c) < 0)
                refusal = "out of memory";
        else if (s->ep.is_unix && !(l->u = avb_server_uconn_new()))
                refusal = "out of memory";
        if (refusal) {
                lifeline_refuse(s, l, refusal);
                return 0;
        }
        avb_server_client_attach(s, c);
        l->client = c;
        s->n_pending--;
        r = avb_life_send_answer(l->fd, AVB_LIFE_ACCEPTED, s->incarnation, s->max_message);
        if (r < 0)
                lifeline_close(s, l);
        else
                avb_log_debug("%s: client %016llx pid %d connected", s->ep.url,
                              (unsigned long long)peer.client_id, (int)peer.pid);
        return 0;
}

/* Closes a lifeline that broke its protocol: logged (rate-limited), not answered. */
static void lifeline_drop(avb_server *s, server_lifeline *l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void lifeline_drop(avb_server *s, server_lifeline *l, const char *fmt, ...)
{
        static avb_ratelimit rl;
        unsigned suppressed;
        char why[160];
        va_list ap;

        if (avb_ratelimit_pass(&rl, 5, 10000, &suppressed)) {
                va_start(ap, fmt);
                vsnprintf(why, sizeof(why), fmt, ap);
                va_end(ap);
                avb_log_warning("%s: closed the lifeline of pid %d: %s%s", s->ep.url,
                                (int)l->creds.pid, why, SUPPRESSED_NOTE(suppressed));
        }
        lifeline_close(s, l);
}

/*
 * Handles at most DRAIN_MAX whole requests waiting on `l`: 0 or -errno (close
 * it). Reading stops after a two-way request: its caller waits for the
 * answer, so mostly nothing follows it, and a read that finds nothing is a
 * syscall spent; whatever did come is seen by the next poll(). Oneway calls
 * come in bursts and are read on.
 */
static int uconn_drain(avb_server *s, server_lifeline *l)
{
        for (int i = 0; i < DRAIN_MAX; i++) {
                _cleanup_(avb_freep) uint8_t *buf = NULL;
                int fds[AVB_MAX_FDS];
                size_t len, n_fds;
                int r = avb_server_uconn_next(s, l, &buf, &len, fds, &n_fds);

                if (r <= 0)
                        return r;
                bool more = avb_frame_says_oneway(buf, len);
                avb_server_handle_request(s, NULL, l, buf, len, fds, n_fds);
                if (!more)
                        break;
        }
        return avb_server_uconn_status(l);
}

/* A unix connection's traffic: requests in, queued replies out. */
static void uconn_event(avb_server *s, server_lifeline *l, short revents)
{
        int r = 0;

        if (revents & POLLOUT)
                r = avb_server_uconn_flush(s, l);
        /* Also on POLLHUP: the last requests are read before the close is seen. */
        if ((r == 0 || r == -EPIPE) && (revents & (POLLIN | POLLHUP | POLLERR)))
                r = uconn_drain(s, l);
        if (r == -EPIPE) {
                lifeline_close(s, l);
        } else if (r < 0) {
                /* Never the runtime's doing: the client is not kept for later. */
                l->client->broken = true;
                lifeline_drop(s, l, "%s",
                              r == -ENOBUFS  ? "it does not read its replies"
                              : r == -EPROTO ? "malformed packet (protocol error)"
                                             : strerror(-r));
        }
}

static void lifeline_settle(avb_server *s, server_lifeline *l, int r);

static void lifeline_event(avb_server *s, server_lifeline *l, short revents)
{
        if (!l->client) {
                (void)lifeline_hello(s, l);
                return;
        }
        if (l->u) {
                uconn_event(s, l, revents);
                return;
        }
        int r = (revents & POLLIN) ? avb_server_fds_read(s, l) : 0;
        if (r == 0 && (revents & (POLLHUP | POLLERR)))
                r = -EPIPE;
        lifeline_settle(s, l, r);
}

/* Closes `l` after a read of its fds packets failed with `r` (0: nothing to do). */
static void lifeline_settle(avb_server *s, server_lifeline *l, int r)
{
        if (r == -EPIPE) {
                lifeline_close(s, l);
        } else if (r < 0) {
                /* The runtime never does this: the client is not kept for later. */
                l->client->broken = true;
                lifeline_drop(s, l, "%s",
                              r == -EMFILE ? "too many fds sent ahead of their requests"
                                           : "bad data after the hello (protocol error)");
        }
}

/* Closes the lifelines whose fds packets a request found broken. */
static void lifelines_reap(avb_server *s)
{
        for (server_lifeline *l = s->lifelines, *next; l; l = next) {
                next = l->next;
                if (l->fds_error)
                        lifeline_settle(s, l, l->fds_error);
        }
}

/* Closes the lifelines whose hello is overdue. */
static void lifelines_expire(avb_server *s)
{
        int64_t now = avb_now_ms();

        for (server_lifeline *l = s->lifelines, *next; l && s->n_pending; l = next) {
                next = l->next;
                if (!l->client && now >= l->hello_deadline_ms)
                        lifeline_drop(s, l, "no hello within %d ms", HELLO_TIMEOUT_MS);
        }
}

/* accept() failures that retrying at once cannot mend. */
static bool out_of_resources(int r)
{
        return r == -EMFILE || r == -ENFILE || r == -ENOBUFS || r == -ENOMEM;
}

/* The lifeline that has waited longest for its hello (there is one: n_pending > 0). */
static server_lifeline *oldest_pending(avb_server *s)
{
        server_lifeline *oldest = NULL;

        for (server_lifeline *l = s->lifelines; l; l = l->next)
                if (!l->client && (!oldest || l->serial < oldest->serial))
                        oldest = l;
        return oldest;
}

static void lifelines_accept(avb_server *s)
{
        static avb_ratelimit rl;
        unsigned suppressed;

        for (int i = 0; i < DRAIN_MAX; i++) {
                server_lifeline *l = calloc(1, sizeof(*l));
                int r = l ? avb_life_accept(s->life_fd, &l->fd, &l->creds) : -ENOMEM;

                if (r < 0) {
                        free(l);
                        if (r == -EAGAIN)
                                return;
                        if (out_of_resources(r))
                                s->accept_paused_until_ms = avb_now_ms() + ACCEPT_BACKOFF_MS;
                        if (avb_ratelimit_pass(&rl, 5, 10000, &suppressed))
                                avb_log_error("%s: accepting a lifeline: %s%s%s", s->ep.url,
                                              strerror(-r),
                                              out_of_resources(r) ? "; listener paused" : "",
                                              SUPPRESSED_NOTE(suppressed));
                        return;
                }
                l->hello_deadline_ms = avb_now_ms() + HELLO_TIMEOUT_MS;
                l->serial = ++s->line_counter;
                l->next = s->lifelines;
                s->lifelines = l;
                s->n_pending++;
                /* The hello usually came with the connect: then it never waits. Over
                 * the bound the longest waiting goes, not the newcomer: a client's
                 * hello may follow its connect by a moment, and lifelines that
                 * hold their slot in silence are what the bound is against. */
                if (lifeline_hello(s, l) == -EAGAIN && s->n_pending > PENDING_MAX)
                        lifeline_drop(s, oldest_pending(s),
                                      "%u lifelines wait for their hello already",
                                      s->n_pending - 1);
        }
}

/* The listener is polled unless accept() is resting after running out of descriptors. */
static bool accept_paused(avb_server *s)
{
        if (s->accept_paused_until_ms && avb_now_ms() >= s->accept_paused_until_ms)
                s->accept_paused_until_ms = 0;
        return s->accept_paused_until_ms != 0;
}

/* poll() timeout: the next deferred call, hello deadline or end of an accept pause. */
static int loop_timeout(avb_server *s)
{
        int64_t next = s->accept_paused_until_ms ? s->accept_paused_until_ms : -1;
        int64_t fds_next = avb_server_fds_expire(s);
        int deferred = avb_server_deferred_timeout(s), own;

        for (const server_lifeline *l = s->lifelines; l && s->n_pending; l = l->next)
                if (!l->client && (next < 0 || l->hello_deadline_ms < next))
                        next = l->hello_deadline_ms;
        if (fds_next >= 0 && (next < 0 || fds_next < next))
                next = fds_next;
        own = avb_poll_timeout(next);
        if (own < 0 || (deferred >= 0 && deferred < own))
                return deferred;
        return own;
}

int avb_server_set_poll_spin(avb_server *s, unsigned usec)
{
        if (!s || usec > 1000)
                return -EINVAL;
        s->poll_spin_us = usec;
        return 0;
}

/*
 * poll(), looking without sleeping for poll_spin_us first (see
 * avb_server_set_poll_spin). Measured on 2-core VMs whose every wake-up
 * goes through the hypervisor: 30 us took unix:// isValid from 1.8x to
 * 1.3x the SEQPACKET ping-pong, for about 5 us more server CPU per call
 * when calls come back to back.
 */
static int spin_poll(avb_server *s, struct pollfd *fds, nfds_t n)
{
        int timeout = loop_timeout(s);
        int64_t end;
        int r;

        if (s->poll_spin_us == 0 || timeout == 0)
                return poll(fds, n, timeout);
        end = avb_now_us() + s->poll_spin_us;
        do {
                r = poll(fds, n, 0);
                if (r != 0)
                        return r;
        } while (avb_now_us() < end);
        return poll(fds, n, timeout);
}

static void drain(avb_server *s, int sock, bool two_way)
{
        for (int i = 0; i < DRAIN_MAX; i++) {
                avb_tp_header hdr;
                avb_tp_msg m = {0};
                int r = two_way ? avb_tp_recv_raw(sock, &m, &hdr) : avb_tp_recv(sock, &m);

                if (r == -EAGAIN)
                        return;
                if (r < 0) {
                        if (r != -EBADMSG)
                                avb_log_warning("%s: receive: %s", s->ep.url, strerror(-r));
                        continue;
                }
                avb_server_handle_request(s, two_way ? &hdr : NULL, NULL, m.data, m.len, NULL, 0);
                avb_tp_msg_release(&m);
        }
}

enum { FD_CLOSE, FD_REP, FD_PULL, FD_LISTEN, FD_FIRST_WATCHED };

/* What fds[FD_FIRST_WATCHED + i] watches: a lifeline, or the process of a detached client. */
typedef struct watched {
        server_lifeline *line;
        server_client *client;
} watched;

/* Lists the lifelines, then the detached clients, into fds and w; returns the count. */
static size_t watch_list(avb_server *s, struct pollfd *fds, watched *w)
{
        size_t n = 0;

        for (server_lifeline *l = s->lifelines; l; l = l->next) {
                w[n] = (watched){.line = l};
                fds[n++] = (struct pollfd){
                    .fd = l->fd,
                    .events = POLLIN | (avb_server_uconn_wants_out(l) ? POLLOUT : 0),
                };
        }
        for (server_client *c = s->clients; c; c = c->next)
                if (c->detach_seq) {
                        w[n] = (watched){.client = c};
                        fds[n++] = (struct pollfd){.fd = c->pidfd, .events = POLLIN};
                }
        return n;
}

int avb_server_run(avb_server *s)
{
        struct pollfd *fds = NULL;
        watched *w = NULL;
        size_t cap = 0;
        int r = 0;

        if (!s)
                return -EINVAL;
        for (;;) {
                size_t n = FD_FIRST_WATCHED + s->n_detached;
                for (server_lifeline *l = s->lifelines; l; l = l->next)
                        n++;
                if (n > cap) {
                        struct pollfd *f = realloc(fds, n * 2 * sizeof(*f));
                        watched *ws = f ? realloc(w, n * 2 * sizeof(*ws)) : NULL;
                        if (f)
                                fds = f;
                        if (!ws) {
                                r = -ENOMEM;
                                break;
                        }
                        w = ws;
                        cap = n * 2;
                }
                fds[FD_CLOSE] = (struct pollfd){.fd = s->close_efd, .events = POLLIN};
                fds[FD_REP] = (struct pollfd){.fd = s->rep_fd, .events = POLLIN};
                fds[FD_PULL] = (struct pollfd){.fd = s->pull_fd, .events = POLLIN};
                fds[FD_LISTEN] =
                    (struct pollfd){.fd = accept_paused(s) ? -1 : s->life_fd, .events = POLLIN};
                n = FD_FIRST_WATCHED + watch_list(s, fds + FD_FIRST_WATCHED, w);

                if (spin_poll(s, fds, (nfds_t)n) < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                if (fds[FD_CLOSE].revents) {
                        eventfd_t v;
                        (void)eventfd_read(s->close_efd, &v);
                        break;
                }
                if (fds[FD_REP].revents && s->rep_sock >= 0)
                        drain(s, s->rep_sock, true);
                if (fds[FD_PULL].revents && s->pull_sock >= 0)
                        drain(s, s->pull_sock, false);
                avb_server_run_deferred(s);
                /*
                 * Exits first: a lifeline's close below may evict detached
                 * clients, which must not be looked at after that.
                 */
                for (size_t i = FD_FIRST_WATCHED; i < n; i++)
                        if (fds[i].revents && w[i - FD_FIRST_WATCHED].client)
                                avb_server_client_gone(s, w[i - FD_FIRST_WATCHED].client);
                for (size_t i = FD_FIRST_WATCHED; i < n; i++)
                        if (fds[i].revents && w[i - FD_FIRST_WATCHED].line)
                                lifeline_event(s, w[i - FD_FIRST_WATCHED].line, fds[i].revents);
                lifelines_reap(s);
                lifelines_expire(s);
                if (fds[FD_LISTEN].revents)
                        lifelines_accept(s);
        }
        free(fds);
        free(w);
        return r;
}
