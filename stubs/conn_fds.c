/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File descriptors of calls to ipc:// endpoints, carried on the lifeline
 * (lifeline.h) since nanomsg carries bytes only.
 *
 * Sending: any caller thread sends a call's fds as one SEQPACKET packet just
 * before its nanomsg message; one packet is one atomic send, so threads need
 * no order between them. The lifeline fd is read under the connection's lock,
 * and the monitor closes it under the same lock, so a sender never writes to
 * a number that was closed and reused.
 *
 * Receiving: only the monitor thread reads the lifeline (it watches it for the
 * server's death anyway). It keeps the fds of each reply by request id and
 * wakes the callers; the caller whose reply announced fds waits (bounded by
 * its deadline) until they are there. The server sends them before the reply,
 * so the wait is for the monitor's wake-up only. Fds nobody takes (the caller
 * gave up, or a resend was answered twice) are closed after FDS_KEEP_MS, and
 * at most FDS_KEPT_MAX are kept at once: a server sending more breaks the
 * protocol and the connection is given up.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "lifeline.h"
#include "log.h"
#include "uconn.h"
#include "util.h"

/* How long received fds wait for their caller. */
#define FDS_KEEP_MS 10000
/* Fds kept at once per connection. */
#define FDS_KEPT_MAX 256

typedef struct avb_conn_fds {
        struct avb_conn_fds *next;
        uint64_t request_id;
        int64_t expires_ms;
        size_t n_fds;
        int fds[AVB_MAX_FDS];
} avb_conn_fds;

int avb_conn_send_fds(avb_conn *c, uint64_t request_id, const int *fds, size_t n_fds)
{
        int r;

        pthread_mutex_lock(&c->lock);
        r = c->state == AVB_CONN_DEAD || c->life_fd < 0
                ? -EPIPE
                : avb_life_send_fds(c->life_fd, request_id, fds, n_fds);
        pthread_mutex_unlock(&c->lock);
        return r;
}

/* Under the lock: unlinks the entry of `request_id`, or NULL. */
static avb_conn_fds *unlink_entry(avb_conn *c, uint64_t request_id)
{
        for (avb_conn_fds **p = &c->fds_in; *p; p = &(*p)->next)
                if ((*p)->request_id == request_id) {
                        avb_conn_fds *e = *p;
                        *p = e->next;
                        c->n_fds_in -= (unsigned)e->n_fds;
                        return e;
                }
        return NULL;
}

static void entry_free(avb_conn_fds *e)
{
        if (e) {
                avb_close_fds(e->fds, e->n_fds);
                free(e);
        }
}

int avb_conn_read_fds(avb_conn *c)
{
        for (;;) {
                avb_conn_fds *e = calloc(1, sizeof(*e)), *old = NULL;
                int r =
                    e ? avb_life_read_fds(c->life_fd, &e->request_id, e->fds, &e->n_fds) : -ENOMEM;

                if (r < 0) {
                        free(e);
                        return r == -EAGAIN || r == -ENOMEM ? 0 : r;
                }
                e->expires_ms = avb_now_ms() + FDS_KEEP_MS;
                pthread_mutex_lock(&c->lock);
                /* A second answer to one request (a resend) replaces the first. */
                old = unlink_entry(c, e->request_id);
                if (c->n_fds_in + e->n_fds > FDS_KEPT_MAX) {
                        r = -EPROTO;
                } else {
                        e->next = c->fds_in;
                        c->fds_in = e;
                        c->n_fds_in += (unsigned)e->n_fds;
                        e = NULL;
                        pthread_cond_broadcast(&c->cond);
                }
                pthread_mutex_unlock(&c->lock);
                entry_free(old);
                entry_free(e);
                if (r < 0)
                        return r;
        }
}

int avb_conn_take_fds(avb_conn *c, uint64_t request_id, size_t n_fds, int64_t deadline_ms,
                      bool inline_read, int *ret_fds)
{
        struct timespec ts = {
            .tv_sec = deadline_ms / 1000,
            .tv_nsec = (deadline_ms % 1000) * 1000000,
        };
        avb_conn_fds *e = NULL;
        int r = 0;

        pthread_mutex_lock(&c->lock);
        while (!(e = unlink_entry(c, request_id)) && r == 0) {
                if (c->state == AVB_CONN_DEAD) {
                        r = -EPIPE;
                } else if (inline_read) {
                        /* The monitor itself calls (a death recipient): nobody else would
                         * read. Entries of other requests may wait in the list meanwhile
                         * (their expiry is the monitor's, which is here): the deadline
                         * holds whatever the list holds, and between reads it sleeps. */
                        pthread_mutex_unlock(&c->lock);
                        r = avb_conn_read_fds(c);
                        if (r == 0 && avb_now_ms() >= deadline_ms)
                                r = -ETIMEDOUT;
                        if (r == 0) {
                                struct pollfd p = {.fd = c->life_fd, .events = POLLIN};
                                (void)poll(&p, 1, avb_poll_timeout(deadline_ms));
                        }
                        pthread_mutex_lock(&c->lock);
                } else if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) == ETIMEDOUT) {
                        r = (e = unlink_entry(c, request_id)) ? 0 : -ETIMEDOUT;
                        break;
                }
        }
        pthread_mutex_unlock(&c->lock);
        if (e && e->n_fds != n_fds)
                r = -EPROTO;
        if (r == 0 && e) {
                memcpy(ret_fds, e->fds, n_fds * sizeof(int));
                free(e);
                return 0;
        }
        entry_free(e);
        return r < 0 ? r : -EPROTO;
}

int64_t avb_conn_expire_fds(avb_conn *c)
{
        int64_t now = avb_now_ms(), next = -1;
        avb_conn_fds *gone = NULL;

        pthread_mutex_lock(&c->lock);
        for (avb_conn_fds **p = &c->fds_in; *p;) {
                avb_conn_fds *e = *p;
                if (now >= e->expires_ms) {
                        *p = e->next;
                        c->n_fds_in -= (unsigned)e->n_fds;
                        e->next = gone;
                        gone = e;
                        continue;
                }
                if (next < 0 || e->expires_ms < next)
                        next = e->expires_ms;
                p = &e->next;
        }
        pthread_mutex_unlock(&c->lock);
        while (gone) {
                avb_conn_fds *e = gone;
                gone = e->next;
                entry_free(e);
        }
        return next;
}

void avb_conn_free_fds(avb_conn *c)
{
        while (c->fds_in) {
                avb_conn_fds *e = c->fds_in;
                c->fds_in = e->next;
                entry_free(e);
        }
        c->n_fds_in = 0;
}
