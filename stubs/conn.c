/* SPDX-License-Identifier: Apache-2.0 */
/* avb_conn: state, death recipients and the oneway queue. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "frame.h"
#include "internal.h"
#include "lifeline.h"
#include "log.h"
#include "testing.h"
#include "transport.h"
#include "uconn.h"
#include "util.h"

/* ---- life cycle ---- */

/* ---- the monitor's doorbell ---- */

/*
 * The monitor (monitor.c) sits above this file: it registers its eventfd
 * and marks its thread here, so that connections can wake it without
 * calling up into its loop.
 */
static atomic_int monitor_efd = -1;
static _Thread_local bool on_monitor_thread;

void avb_conn_set_monitor(int wake_efd)
{
        atomic_store(&monitor_efd, wake_efd);
}

void avb_conn_enter_monitor(void)
{
        on_monitor_thread = true;
}

bool avb_conn_on_monitor_thread(void)
{
        return on_monitor_thread;
}

void avb_conn_wake_monitor(void)
{
        int fd = atomic_load(&monitor_efd);

        if (fd >= 0)
                (void)!eventfd_write(fd, 1);
}

/* ---- connections ---- */

int avb_conn_alloc(const avb_endpoint *ep, avb_conn **ret)
{
        avb_conn *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        c->dead_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (c->dead_efd < 0) {
                int r = -errno;
                free(c);
                return r;
        }
        atomic_init(&c->refs, 1);
        c->ep = *ep;
        c->life_fd = -1;
        c->push_sock = -1;
        c->state = AVB_CONN_CONNECTING;
        pthread_mutex_init(&c->lock, NULL);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&c->cond, &ca);
        pthread_condattr_destroy(&ca);
        *ret = c;
        return 0;
}

int avb_conn_alloc_connected(const avb_endpoint *ep, avb_conn **ret)
{
        avb_conn *c;
        int fd = -1;
        int r = avb_life_connect(ep->life_path, avb_rt_client_id(), &fd);

        if (r < 0)
                return r;
        r = avb_conn_alloc(ep, &c);
        if (r < 0) {
                close(fd);
                return r;
        }
        c->life_fd = fd;
        *ret = c;
        return 0;
}

avb_conn *avb_conn_ref(avb_conn *c)
{
        if (c)
                atomic_fetch_add(&c->refs, 1);
        return c;
}

avb_conn *avb_conn_unref(avb_conn *c)
{
        /* The monitor thread frees connections with no references (see monitor.c). */
        if (c && atomic_fetch_sub(&c->refs, 1) == 1)
                avb_conn_wake_monitor();
        return NULL;
}

/*
 * Why every payload is cleared, not only those of @SensitiveData methods: a
 * queued call does not keep its method's flags, oneway payloads are small,
 * and the reply cache does the same with the replies it drops.
 */
static _Atomic uint64_t cleared_oneway;

uint64_t avb_rpc_test_cleared_oneway(void)
{
        return atomic_load(&cleared_oneway);
}

static void queue_free(avb_oneway_msg *m)
{
        while (m) {
                avb_oneway_msg *next = m->next;
                avb_close_fds(m->fds, m->n_fds);
                if (m->len) {
                        explicit_bzero(m->payload, m->len);
                        atomic_fetch_add(&cleared_oneway, 1);
                }
                free(m);
                m = next;
        }
}

void avb_conn_destroy(avb_conn *c)
{
        if (!c)
                return;
        if (c->q_len)
                avb_rt_count_drop(c->ep.url, "proxy released before they were sent", c->q_len);
        queue_free(c->q_head);
        while (c->links) {
                avb_death_link *l = c->links;
                c->links = l->next;
                free(l);
        }
        avb_tp_close(c->push_sock);
        avb_conn_free_fds(c);
        if (c->life_fd >= 0)
                close(c->life_fd);
        close(c->dead_efd);
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->lock);
        free(c);
}

/* ---- state ---- */

bool avb_conn_is_dead(avb_conn *c)
{
        pthread_mutex_lock(&c->lock);
        bool dead = c->state == AVB_CONN_DEAD;
        pthread_mutex_unlock(&c->lock);
        return dead;
}

void avb_conn_set_up(avb_conn *c, uint64_t incarnation, size_t max_message)
{
        pthread_mutex_lock(&c->lock);
        if (c->state == AVB_CONN_CONNECTING) {
                c->state = AVB_CONN_UP;
                c->incarnation = incarnation;
                c->max_message = max_message;
                pthread_cond_broadcast(&c->cond);
        }
        pthread_mutex_unlock(&c->lock);
}

void avb_conn_mark_dead(avb_conn *c, avb_transport_status ts)
{
        avb_death_link *l;
        avb_oneway_msg *queued;
        unsigned n_queued;

        pthread_mutex_lock(&c->lock);
        if (c->state == AVB_CONN_DEAD) {
                pthread_mutex_unlock(&c->lock);
                return;
        }
        c->state = AVB_CONN_DEAD;
        c->dead_ts = ts;
        c->firing_thread = pthread_self();
        queued = c->q_head;
        n_queued = c->q_len;
        c->q_head = c->q_tail = NULL;
        c->q_len = 0;
        (void)!eventfd_write(c->dead_efd, 1);
        pthread_cond_broadcast(&c->cond);
        pthread_mutex_unlock(&c->lock);

        avb_log_info("%s: peer gone (%s)", c->ep.url, avb_transport_name(ts));
        if (n_queued)
                avb_rt_count_drop(c->ep.url, "peer gone", n_queued);
        queue_free(queued);
        /*
         * Recipients run without locks held: they may call back into the
         * runtime. Each stays listed until it runs, and `firing` marks the one
         * running, so that an unlink either removes a recipient before it runs
         * or waits until it has returned (see avb_conn_unlink).
         */
        pthread_mutex_lock(&c->lock);
        while ((l = c->links)) {
                c->links = l->next;
                c->firing = l;
                pthread_mutex_unlock(&c->lock);
                l->fn(l->userdata);
                pthread_mutex_lock(&c->lock);
                c->firing = NULL;
                pthread_cond_broadcast(&c->cond);
                free(l);
        }
        pthread_mutex_unlock(&c->lock);
}

/* Monitor thread: waits for the handshake itself, as nobody else would read the answer. */
static int wait_answer_inline(avb_conn *c, int64_t deadline_ms)
{
        for (;;) {
                struct pollfd p = {.fd = c->life_fd, .events = POLLIN};
                avb_life_answer a;
                int r = avb_life_read_answer(c->life_fd, &a);

                if (r == 0) {
                        if (a.status == AVB_LIFE_ACCEPTED)
                                avb_conn_set_up(c, a.incarnation, a.max_message);
                        else
                                avb_conn_mark_dead(c, AVB_TS_PERMISSION);
                        return 0;
                }
                if (r != -EAGAIN) {
                        avb_conn_mark_dead(c, AVB_TS_DEAD_OBJECT);
                        return 0;
                }
                int t = avb_poll_timeout(deadline_ms);
                if (t == 0)
                        return -ETIMEDOUT;
                (void)poll(&p, 1, t);
        }
}

int avb_conn_wait_up(avb_conn *c, int64_t deadline_ms, uint64_t *ret_incarnation, size_t *ret_max,
                     avb_transport_status *ret_ts)
{
        avb_transport_status ts = AVB_TS_OK;
        struct timespec ts_deadline = {
            .tv_sec = deadline_ms / 1000,
            .tv_nsec = (deadline_ms % 1000) * 1000000,
        };

        pthread_mutex_lock(&c->lock);
        if (c->state == AVB_CONN_CONNECTING && on_monitor_thread) {
                pthread_mutex_unlock(&c->lock);
                int r = wait_answer_inline(c, deadline_ms);
                pthread_mutex_lock(&c->lock);
                if (r < 0)
                        ts = AVB_TS_TIMED_OUT;
        }
        while (ts == AVB_TS_OK && c->state == AVB_CONN_CONNECTING)
                if (pthread_cond_timedwait(&c->cond, &c->lock, &ts_deadline) == ETIMEDOUT &&
                    c->state == AVB_CONN_CONNECTING)
                        ts = AVB_TS_TIMED_OUT;
        if (ts == AVB_TS_OK && c->state == AVB_CONN_DEAD)
                ts = c->dead_ts;
        if (ts == AVB_TS_OK) {
                *ret_incarnation = c->incarnation;
                *ret_max = c->max_message;
        }
        pthread_mutex_unlock(&c->lock);
        *ret_ts = ts;
        return ts == AVB_TS_OK ? 0 : -ENOTCONN;
}

/* ---- death recipients ---- */

avb_status avb_conn_wait_up_status(avb_conn *c, int64_t deadline_at, int deadline,
                                   uint64_t *ret_incarnation, size_t *ret_max)
{
        avb_transport_status ts;

        if (avb_conn_wait_up(c, deadline_at, ret_incarnation, ret_max, &ts) == 0)
                return avb_status_ok();
        return ts == AVB_TS_TIMED_OUT
                   ? avb_status_transport(ts, "%s did not answer the connection within %d ms",
                                          c->ep.url, deadline)
               : ts == AVB_TS_PERMISSION
                   ? avb_status_transport(ts, "%s refused this client", c->ep.url)
                   : avb_status_transport(ts, "%s has gone", c->ep.url);
}

int avb_conn_link(avb_conn *c, const avb_binder *key, void (*fn)(void *), void *userdata)
{
        avb_death_link *l = calloc(1, sizeof(*l));
        int r = 0;

        if (!l)
                return -ENOMEM;
        l->key = key;
        l->fn = fn;
        l->userdata = userdata;
        pthread_mutex_lock(&c->lock);
        if (c->state == AVB_CONN_DEAD) {
                r = -ESRCH;
        } else {
                l->next = c->links;
                c->links = l;
                l = NULL;
        }
        pthread_mutex_unlock(&c->lock);
        free(l);
        return r;
}

static bool link_matches(const avb_death_link *l, const avb_binder *key, void (*fn)(void *),
                         void *userdata)
{
        return l->key == key && (!fn || (l->fn == fn && l->userdata == userdata));
}

/*
 * Removes the links of `key` matching fn/userdata (all of them when fn is
 * NULL). wait: also waits while a matching recipient runs on another thread;
 * the running thread itself never waits (a recipient unlinking itself).
 */
static int unlink_matching(avb_conn *c, const avb_binder *key, void (*fn)(void *), void *userdata,
                           bool wait)
{
        avb_death_link **p, *gone = NULL;
        int n = 0;

        pthread_mutex_lock(&c->lock);
        for (p = &c->links; *p;) {
                avb_death_link *l = *p;
                if (link_matches(l, key, fn, userdata)) {
                        *p = l->next;
                        l->next = gone;
                        gone = l;
                        n++;
                        if (fn)
                                break;
                } else {
                        p = &l->next;
                }
        }
        while (wait && c->firing && link_matches(c->firing, key, fn, userdata) &&
               !pthread_equal(c->firing_thread, pthread_self()))
                pthread_cond_wait(&c->cond, &c->lock);
        pthread_mutex_unlock(&c->lock);
        while (gone) {
                avb_death_link *l = gone;
                gone = l->next;
                free(l);
        }
        return n;
}

int avb_conn_unlink(avb_conn *c, const avb_binder *key, void (*fn)(void *), void *userdata)
{
        return unlink_matching(c, key, fn, userdata, true) > 0 ? 0 : -ENOENT;
}

void avb_conn_unlink_all(avb_conn *c, const avb_binder *key)
{
        (void)unlink_matching(c, key, NULL, NULL, false);
}

/* ---- oneway queue ---- */

int avb_conn_enqueue(avb_conn *c, uint32_t object_id, const char *descriptor, uint32_t code,
                     const uint8_t *payload, size_t len, const int *fds, size_t n_fds)
{
        avb_oneway_msg *m;
        int r = 0;

        m = malloc(sizeof(*m) + len);
        if (!m)
                return -ENOMEM;
        m->next = NULL;
        m->len = 0; /* queue_free clears m->len bytes, also on the failure below */
        for (m->n_fds = 0; m->n_fds < n_fds; m->n_fds++)
                if ((m->fds[m->n_fds] = fcntl(fds[m->n_fds], F_DUPFD_CLOEXEC, 0)) < 0) {
                        r = -errno;
                        queue_free(m);
                        return r;
                }
        m->fds_sent = false;
        m->object_id = object_id;
        m->code = code;
        m->request_id = avb_rt_next_request_id();
        m->descriptor = descriptor;
        m->len = len;
        if (len)
                memcpy(m->payload, payload, len);

        pthread_mutex_lock(&c->lock);
        if (c->state == AVB_CONN_DEAD)
                r = -EPIPE;
        else if (len > (c->state == AVB_CONN_UP ? c->max_message : AVB_DEFAULT_MAX_MESSAGE))
                r = -EMSGSIZE;
        else if (c->q_len >= AVB_ONEWAY_QUEUE_MAX)
                r = -EAGAIN;
        if (r == 0) {
                if (c->q_tail)
                        c->q_tail->next = m;
                else
                        c->q_head = m;
                c->q_tail = m;
                c->q_len++;
                m = NULL;
        }
        pthread_mutex_unlock(&c->lock);
        queue_free(m);
        if (r == -EAGAIN)
                avb_rt_count_drop(c->ep.url, "queue full", 1);
        else if (r == 0)
                avb_conn_wake_monitor();
        return r;
}

bool avb_conn_has_queued(avb_conn *c)
{
        pthread_mutex_lock(&c->lock);
        bool queued = c->q_len > 0;
        pthread_mutex_unlock(&c->lock);
        return queued;
}

bool avb_conn_queue_first(avb_conn *c)
{
        pthread_mutex_lock(&c->lock);
        bool first = c->state == AVB_CONN_CONNECTING || c->q_len > 0;
        pthread_mutex_unlock(&c->lock);
        return first;
}

int avb_conn_room(avb_conn *c, unsigned limit, unsigned *ret_room)
{
        int r = 0;

        pthread_mutex_lock(&c->lock);
        if (c->state == AVB_CONN_DEAD)
                r = -EPIPE;
        else
                *ret_room = c->q_len < limit ? limit - (unsigned)c->q_len : 0;
        pthread_mutex_unlock(&c->lock);
        return r;
}

static int open_push(avb_conn *c)
{
        int s, r;

        if (c->push_sock >= 0)
                return 0;
        if ((r = avb_tp_open(AVB_TP_PUSH, &s)) < 0)
                return r;
        /* Asynchronous: calls wait in the socket until the pipe is up. */
        if ((r = avb_tp_connect(s, c->ep.oneway_url)) < 0) {
                avb_tp_close(s);
                return r;
        }
        c->push_sock = s;
        return 0;
}

avb_oneway_msg *avb_conn_queue_head(avb_conn *c, avb_request_head *ret_h)
{
        avb_oneway_msg *m;

        pthread_mutex_lock(&c->lock);
        m = c->q_head;
        ret_h->incarnation = c->incarnation;
        pthread_mutex_unlock(&c->lock);
        if (!m)
                return NULL;
        ret_h->client_id = avb_rt_client_id();
        ret_h->oneway = true;
        ret_h->request_id = m->request_id;
        ret_h->object_id = m->object_id;
        ret_h->descriptor = m->descriptor;
        ret_h->code = m->code;
        ret_h->n_fds = (uint32_t)m->n_fds;
        return m;
}

void avb_conn_queue_done(avb_conn *c, avb_oneway_msg *m, int r)
{
        /* Sent, or failed for good: either way it leaves the queue. */
        pthread_mutex_lock(&c->lock);
        if (c->q_head == m) {
                c->q_head = m->next;
                if (!c->q_head)
                        c->q_tail = NULL;
                c->q_len--;
        } else {
                m = NULL; /* the queue was dropped meanwhile */
        }
        pthread_mutex_unlock(&c->lock);
        if (m)
                m->next = NULL;
        queue_free(m);
        if (r < 0)
                avb_rt_count_drop(c->ep.url, strerror(-r), 1);
        c->linger_until_ms = avb_now_ms() + 200;
}

/* Sends the head of the queue: 0 sent, -EAGAIN not now, -ENOENT none, else dropped. */
static int send_head(avb_conn *c)
{
        _cleanup_(avb_freep) uint8_t *buf = NULL;
        avb_request_head h;
        avb_oneway_msg *m = avb_conn_queue_head(c, &h);
        size_t len;
        int r = 0;

        if (!m)
                return -ENOENT;
        /* The fds go ahead on the lifeline, once, even if the push must wait. */
        if (m->n_fds && !m->fds_sent) {
                r = avb_conn_send_fds(c, m->request_id, m->fds, m->n_fds);
                if (r == -EAGAIN)
                        return r;
                m->fds_sent = r == 0;
        }
        r = r < 0 ? r : avb_frame_pack_request(&h, m->payload, m->len, &buf, &len);
        if (r == 0) {
                r = avb_tp_send(c->push_sock, buf, len);
                explicit_bzero(buf, len); /* packed again if it must wait */
        }
        if (r == -EAGAIN)
                return r;
        avb_conn_queue_done(c, m, r);
        return r;
}

bool avb_conn_flush(avb_conn *c)
{
        int r = open_push(c);

        if (r < 0) {
                avb_log_warning("%s: cannot open the oneway socket: %s", c->ep.url, strerror(-r));
                return avb_conn_has_queued(c);
        }
        while ((r = send_head(c)) != -ENOENT && r != -EAGAIN)
                ;
        return r == -EAGAIN;
}
