/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server's side of unix-transport connections (endpoints unix://): after
 * the hello, a client's lifeline carries its requests, and our replies.
 *
 * Nothing here blocks the loop. Requests are read non-blocking, at most a
 * batch per wake-up, so a flood from one client leaves room for the others.
 * A reply the socket cannot take now (the client is not reading) waits in
 * the connection's queue, bounded in messages, bytes and fds; a client that
 * lets it overflow has its connection closed, as a reply can neither be
 * dropped silently (its caller would wait for nothing) nor waited for.
 * Bad input (truncated or oversized packets, garbage, fds where none belong)
 * closes the connection it came on. Whole requests go up to the loop
 * (server_loop.c), which hands them to server_request.c: checked like a
 * nanomsg one there, and refused with an error reply.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "uconn.h"
#include "util.h"

/* Replies waiting for one client to read, at most. */
#define QUEUE_MAX_MSGS 64

typedef struct queued_reply {
        struct queued_reply *next;
        avb_utx tx; /* points into buf and fds below */
        size_t n_fds;
        int fds[AVB_MAX_FDS];
        uint8_t buf[];
} queued_reply;

struct server_uconn {
        avb_urx rx;
        queued_reply *head, *tail;
        unsigned n_queued, fds_queued;
        size_t bytes_queued;
        bool condemned; /* its queue overflowed: closed after this read */
};

server_uconn *avb_server_uconn_new(void)
{
        return calloc(1, sizeof(server_uconn));
}

static void reply_free(queued_reply *q)
{
        /* Zeroed always: a reply waits here only while the socket is full, and may be sensitive. */
        explicit_bzero(q->buf, q->tx.len);
        avb_close_fds(q->fds, q->n_fds);
        free(q);
}

void avb_server_uconn_free(server_uconn *u)
{
        if (!u)
                return;
        avb_urx_reset(&u->rx);
        while (u->head) {
                queued_reply *q = u->head;
                u->head = q->next;
                reply_free(q);
        }
        free(u);
}

bool avb_server_uconn_wants_out(const server_lifeline *l)
{
        return l->u && l->u->head;
}

static server_lifeline *find_line(avb_server *s, uint64_t serial)
{
        for (server_lifeline *l = s->lifelines; l; l = l->next)
                if (l->serial == serial)
                        return l;
        return NULL;
}

int avb_server_uconn_flush(avb_server *s, server_lifeline *l)
{
        server_uconn *u = l->u;

        (void)s;
        while (u->head) {
                queued_reply *q = u->head;
                int r = avb_utx_send(l->fd, &q->tx);
                if (r == -EAGAIN)
                        return 0;
                if (r < 0)
                        return r;
                u->head = q->next;
                if (!u->head)
                        u->tail = NULL;
                u->n_queued--;
                u->fds_queued -= (unsigned)q->n_fds;
                u->bytes_queued -= q->tx.len;
                reply_free(q);
        }
        return 0;
}

/* Keeps what is left of a reply the socket did not take; false when over a bound. */
static bool enqueue(avb_server *s, server_uconn *u, const avb_utx *tx, int *fds, size_t n_fds)
{
        size_t max_bytes = 2 * (s->max_message + AVB_FRAME_OVERHEAD);
        queued_reply *q;

        if (u->n_queued >= QUEUE_MAX_MSGS || u->bytes_queued + tx->len > max_bytes ||
            u->fds_queued + n_fds > AVB_FDS_PER_CLIENT)
                return false;
        q = malloc(sizeof(*q) + tx->len);
        if (!q)
                return false;
        memcpy(q->buf, tx->buf, tx->len);
        memcpy(q->fds, fds, n_fds * sizeof(int));
        q->n_fds = n_fds;
        q->next = NULL;
        q->tx = *tx;
        q->tx.buf = q->buf;
        q->tx.fds = q->fds;
        if (u->tail)
                u->tail->next = q;
        else
                u->head = q;
        u->tail = q;
        u->n_queued++;
        u->fds_queued += (unsigned)n_fds;
        u->bytes_queued += tx->len;
        return true;
}

void avb_server_usend(avb_server *s, uint64_t line, const uint8_t *buf, size_t len, int *fds,
                      size_t n_fds)
{
        server_lifeline *l = find_line(s, line);
        avb_utx tx = {.buf = buf, .len = len, .fds = fds, .n_fds = n_fds};
        int r = 0;

        if (!l || !l->u || l->u->condemned) {
                avb_close_fds(fds, n_fds);
                return;
        }
        /* In order: behind what is queued already. */
        if (!l->u->head)
                r = avb_utx_send(l->fd, &tx);
        if (r == 0 && !l->u->head) {
                avb_close_fds(fds, n_fds);
                return;
        }
        if (r == -EAGAIN || l->u->head) {
                if (enqueue(s, l->u, &tx, fds, n_fds))
                        return;
                avb_log_warning("%s: the client of pid %d does not read its replies: "
                                "its connection is closed",
                                s->ep.url, (int)l->creds.pid);
        } else {
                avb_log_debug("%s: reply dropped: %s", s->ep.url, strerror(-r));
        }
        avb_close_fds(fds, n_fds);
        l->u->condemned = true;
}

int avb_server_uconn_next(avb_server *s, server_lifeline *l, uint8_t **ret_buf, size_t *ret_len,
                          int *ret_fds, size_t *ret_n_fds)
{
        server_uconn *u = l->u;
        size_t limit = s->max_message + AVB_FRAME_OVERHEAD;
        int r;

        /* Fragments of one request are read here until it is whole. */
        while (!u->condemned && (r = avb_urx_read(l->fd, &u->rx, limit, false)) <= 0) {
                if (r == -EAGAIN)
                        return 0;
                if (r < 0)
                        return r;
        }
        if (u->condemned)
                return -ENOBUFS;
        *ret_buf = u->rx.buf;
        *ret_len = u->rx.total;
        memcpy(ret_fds, u->rx.fds, u->rx.n_fds * sizeof(int));
        *ret_n_fds = u->rx.n_fds;
        u->rx.buf = NULL;
        u->rx.n_fds = 0;
        avb_urx_reset(&u->rx);
        return 1;
}

int avb_server_uconn_status(const server_lifeline *l)
{
        return l->u->condemned ? -ENOBUFS : 0;
}
