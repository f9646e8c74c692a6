/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitor thread: one per process, started with the first connection.
 * It owns the list of connections and watches, with poll():
 *   - each lifeline: the server's answer to the hello, then its death
 *     (POLLHUP/EOF), which wakes in-flight calls and runs death recipients;
 *   - each oneway push socket with calls queued, sending them in order
 *     without ever blocking;
 *   - an eventfd that other threads write to when something changed.
 * It also frees connections nobody refers to any more (after giving queued
 * oneway calls a moment to leave).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"
#include "lifeline.h"
#include "log.h"
#include "transport.h"
#include "uconn.h"
#include "util.h"

static struct {
        pthread_mutex_t lock;
        avb_conn *conns;
        int wake_efd;
        pthread_t thread;
        int start_error;
} mon = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake_efd = -1};

static pthread_once_t mon_once = PTHREAD_ONCE_INIT;

/*
 * A connection with, on unix://, its client of the unix transport: uclient.c
 * calls conn.c, so the uclient is made and freed here, above both.
 */
static int conn_open(const avb_endpoint *ep, avb_conn **ret)
{
        avb_conn *c;
        int r = avb_conn_alloc_connected(ep, &c);

        if (r < 0)
                return r;
        if (ep->is_unix && (r = avb_uclient_new(c->life_fd, &c->u)) < 0) {
                avb_conn_destroy(c);
                return r;
        }
        *ret = c;
        return 0;
}

static void conn_free(avb_conn *c)
{
        if (c) {
                avb_uclient_free(c->u);
                c->u = NULL;
        }
        avb_conn_destroy(c);
}

static avb_conn_state conn_state(avb_conn *c, bool *ret_queued)
{
        pthread_mutex_lock(&c->lock);
        avb_conn_state st = c->state;
        *ret_queued = c->q_len > 0;
        pthread_mutex_unlock(&c->lock);
        return st;
}

static void conn_died(avb_conn *c, avb_transport_status ts)
{
        avb_conn_mark_dead(c, ts);
        /* Under the lock: callers send fds on it (conn_fds.c). */
        pthread_mutex_lock(&c->lock);
        if (c->life_fd >= 0) {
                close(c->life_fd);
                c->life_fd = -1;
        }
        pthread_mutex_unlock(&c->lock);
        avb_tp_close(c->push_sock);
        c->push_sock = -1;
}

static void handle_lifeline(avb_conn *c, short revents)
{
        bool queued;
        avb_conn_state st = conn_state(c, &queued);
        avb_life_answer a;
        int r;

        if (st == AVB_CONN_CONNECTING) {
                r = avb_life_read_answer(c->life_fd, &a);
                if (r == 0 && a.status == AVB_LIFE_ACCEPTED)
                        avb_conn_set_up(c, a.incarnation, a.max_message);
                else if (r == 0)
                        conn_died(c, AVB_TS_PERMISSION);
                else if (r != -EAGAIN || (revents & (POLLHUP | POLLERR)))
                        conn_died(c, AVB_TS_DEAD_OBJECT);
                if (r == 0 && a.status == AVB_LIFE_REFUSED)
                        avb_log_warning("%s: the server refused this client", c->ep.url);
                return;
        }
        if (st != AVB_CONN_UP)
                return;
        /* Only fds packets may come (ipc://, conn_fds.c); a unix connection's are its callers'. */
        r = (revents & POLLIN) ? avb_conn_read_fds(c) : 0;
        if (r == -EPROTO)
                avb_log_warning("%s: unexpected data on the lifeline", c->ep.url);
        if (r == -EPIPE || (revents & (POLLHUP | POLLERR)))
                conn_died(c, AVB_TS_DEAD_OBJECT);
}

typedef struct watch {
        struct pollfd *fds;
        avb_conn **conns; /* conns[i] for fds[i + 1]; fds[0] is the wake eventfd */
        avb_conn **all;
        size_t n_fds, n_all, cap;
} watch;

static int watch_reserve(watch *w, size_t n)
{
        if (n <= w->cap && w->fds)
                return 0;
        struct pollfd *f = realloc(w->fds, (n + 1) * sizeof(*f));
        if (!f)
                return -ENOMEM;
        w->fds = f;
        avb_conn **c = realloc(w->conns, n * sizeof(*c));
        if (!c)
                return -ENOMEM;
        w->conns = c;
        avb_conn **a = realloc(w->all, n * sizeof(*a));
        if (!a)
                return -ENOMEM;
        w->all = a;
        w->cap = n;
        return 0;
}

static void watch_add(watch *w, int fd, short events, avb_conn *c)
{
        w->fds[w->n_fds + 1] = (struct pollfd){.fd = fd, .events = events};
        w->conns[w->n_fds++] = c;
}

/*
 * Under the lock: unlinks released connections into *ret_free, and lists what
 * to poll. Returns the poll timeout.
 */
static int collect(watch *w, avb_conn **ret_free)
{
        int64_t now = avb_now_ms();
        int timeout = -1;
        size_t n = 0;

        for (avb_conn *c = mon.conns; c; c = c->next)
                n += 2;
        if (watch_reserve(w, n) < 0)
                return 100; /* try again soon */
        w->n_fds = w->n_all = 0;
        for (avb_conn **p = &mon.conns; *p;) {
                avb_conn *c = *p;
                bool queued;
                avb_conn_state st = conn_state(c, &queued);

                if (atomic_load(&c->refs) == 0) {
                        /*
                         * Released. Calls still queued (also while the handshake
                         * runs) get a second to leave, sent ones 200 ms to be read.
                         */
                        if (c->released_at_ms == 0)
                                c->released_at_ms = now;
                        bool pending = queued && st != AVB_CONN_DEAD;
                        int64_t until = pending ? c->released_at_ms + 1000 : c->linger_until_ms;
                        if (now >= until) {
                                *p = c->next;
                                c->next = *ret_free;
                                *ret_free = c;
                                continue;
                        }
                        int left = (int)(until - now);
                        if (timeout < 0 || left < timeout)
                                timeout = left;
                }
                int64_t fds_next = avb_conn_expire_fds(c);
                if (fds_next >= 0) {
                        int left = (int)(fds_next > now ? fds_next - now : 0);
                        if (timeout < 0 || left < timeout)
                                timeout = left;
                }
                w->all[w->n_all++] = c;
                /* A unix connection's replies are its callers' to read (uclient.c): its hang-up
                 * only. */
                if (st != AVB_CONN_DEAD && c->life_fd >= 0)
                        watch_add(w, c->life_fd,
                                  st == AVB_CONN_UP && c->u ? (queued ? POLLOUT : 0) : POLLIN, c);
                /* nanomsg: queued calls wait for the push socket (unix: POLLOUT above) */
                int fd;
                if (!c->u && st == AVB_CONN_UP && queued && c->push_sock >= 0 &&
                    avb_tp_send_fd(c->push_sock, &fd) == 0)
                        watch_add(w, fd, POLLIN, c);
                else if (!c->u && st == AVB_CONN_UP && queued)
                        timeout = 0; /* open the push socket at once */
                p = &c->next;
        }
        return timeout;
}

static void *monitor_main(void *arg)
{
        watch w = {0};

        (void)arg;
        avb_conn_enter_monitor();
        for (;;) {
                avb_conn *to_free = NULL;
                int timeout;

                pthread_mutex_lock(&mon.lock);
                timeout = collect(&w, &to_free);
                pthread_mutex_unlock(&mon.lock);
                while (to_free) {
                        avb_conn *c = to_free;
                        to_free = c->next;
                        conn_free(c);
                }

                w.fds[0] = (struct pollfd){.fd = mon.wake_efd, .events = POLLIN};
                if (poll(w.fds, (nfds_t)w.n_fds + 1, timeout) < 0 && errno != EINTR) {
                        avb_log_error("monitor: poll: %s", strerror(errno));
                        usleep(10000);
                        continue;
                }
                if (w.fds[0].revents) {
                        eventfd_t v;
                        (void)eventfd_read(mon.wake_efd, &v);
                }
                for (size_t i = 0; i < w.n_fds; i++) {
                        avb_conn *c = w.conns[i];
                        if (w.fds[i + 1].revents && w.fds[i + 1].fd == c->life_fd)
                                handle_lifeline(c, w.fds[i + 1].revents);
                }
                for (size_t i = 0; i < w.n_all; i++) {
                        avb_conn *c = w.all[i];
                        bool queued;
                        if (conn_state(c, &queued) == AVB_CONN_UP && queued)
                                (void)(c->u ? avb_uclient_flush(c) : avb_conn_flush(c));
                }
        }
        return NULL;
}

static void monitor_start(void)
{
        sigset_t all, old;
        int r;

        mon.wake_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (mon.wake_efd < 0) {
                mon.start_error = -errno;
                return;
        }
        avb_conn_set_monitor(mon.wake_efd);
        /* Signals are for the application's threads. */
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        r = pthread_create(&mon.thread, NULL, monitor_main, NULL);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r != 0) {
                mon.start_error = -r;
                return;
        }
        pthread_detach(mon.thread);
}

static int monitor_ensure(void)
{
        pthread_once(&mon_once, monitor_start);
        return mon.start_error;
}

int avb_monitor_adopt(avb_conn *c)
{
        int r = monitor_ensure();

        if (r < 0)
                return r;
        pthread_mutex_lock(&mon.lock);
        c->next = mon.conns;
        mon.conns = c;
        pthread_mutex_unlock(&mon.lock);
        avb_conn_wake_monitor();
        return 0;
}

int avb_conn_new_dead(const avb_endpoint *ep, avb_transport_status ts, avb_conn **ret)
{
        avb_conn *c;
        int r = avb_conn_alloc(ep, &c);

        if (r < 0)
                return r;
        avb_conn_mark_dead(c, ts);
        r = avb_monitor_adopt(c);
        if (r < 0) {
                conn_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

int avb_conn_get(const avb_endpoint *ep, avb_conn **ret)
{
        avb_conn *found = NULL;
        int r = monitor_ensure();

        if (r < 0)
                return r;
        pthread_mutex_lock(&mon.lock);
        for (avb_conn *c = mon.conns; c && !found; c = c->next) {
                bool queued;
                if (strcmp(c->ep.path, ep->path) == 0 && conn_state(c, &queued) != AVB_CONN_DEAD) {
                        /*
                         * Also a released one that lingers: only the monitor frees,
                         * under this lock, so its calls stay in one queue, in order.
                         */
                        atomic_fetch_add(&c->refs, 1);
                        c->released_at_ms = 0;
                        found = c;
                }
        }
        if (!found) {
                r = conn_open(ep, &found);
                if (r == 0) {
                        found->next = mon.conns;
                        mon.conns = found;
                }
        }
        pthread_mutex_unlock(&mon.lock);
        if (r < 0)
                return r;
        avb_conn_wake_monitor();
        *ret = found;
        return 0;
}
