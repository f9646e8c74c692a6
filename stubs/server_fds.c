/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File descriptors of calls on ipc:// endpoints. nanomsg carries bytes only,
 * so a client sends the fds of a call on its lifeline (lifeline.h), just
 * before the nanomsg message, keyed by request id; the frame header says how many
 * must have come. A unix socket queues a packet at the receiver before send()
 * returns, so by the time the request is read from nanomsg its fds are
 * already waiting on the lifeline: the request reads the lifeline first and
 * never has to wait for them.
 *
 * Fds whose request never comes (it was refused before being matched, or a
 * client sent them alone) are closed after FDS_AHEAD_TIMEOUT_MS. While they
 * wait they count against the client's AVB_FDS_PER_CLIENT; a lifeline that
 * pushes it over, or breaks the packet rules, is closed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lifeline.h"
#include "log.h"
#include "server.h"
#include "uconn.h"
#include "util.h"

/* How long fds wait for their request. */
#define FDS_AHEAD_TIMEOUT_MS 5000

static void fds_free(server_client *c, server_fds *f)
{
        c->fds_held -= (unsigned)f->n_fds;
        avb_close_fds(f->fds, f->n_fds);
        free(f);
}

int avb_server_fds_read(avb_server *s, server_lifeline *l)
{
        server_client *c = l->client;
        int r = 0;

        (void)s;
        if (l->fds_error || !c || l->u)
                return l->fds_error;
        for (;;) {
                server_fds *f = calloc(1, sizeof(*f));
                if (!f) {
                        r = -ENOMEM;
                        break;
                }
                r = avb_life_read_fds(l->fd, &f->request_id, f->fds, &f->n_fds);
                if (r == 0 && c->fds_held + f->n_fds > AVB_FDS_PER_CLIENT) {
                        avb_close_fds(f->fds, f->n_fds);
                        r = -EMFILE;
                }
                if (r < 0) {
                        free(f);
                        break;
                }
                f->expires_ms = avb_now_ms() + FDS_AHEAD_TIMEOUT_MS;
                c->fds_held += (unsigned)f->n_fds;
                /* Appended: the oldest first, as requests come in order. */
                server_fds **p = &c->fds_ahead;
                while (*p)
                        p = &(*p)->next;
                *p = f;
        }
        if (r == -EAGAIN)
                return 0;
        if (r == -ENOMEM)
                return 0; /* left in the socket: read again later */
        l->fds_error = r;
        return r;
}

size_t avb_server_fds_take(avb_server *s, server_client *c, uint64_t request_id, int *ret_fds)
{
        size_t n;

        for (server_lifeline *l = s->lifelines; l; l = l->next)
                if (l->client == c)
                        (void)avb_server_fds_read(s, l);
        for (server_fds **p = &c->fds_ahead; *p; p = &(*p)->next) {
                server_fds *f = *p;
                if (f->request_id != request_id)
                        continue;
                *p = f->next;
                n = f->n_fds;
                memcpy(ret_fds, f->fds, n * sizeof(int));
                c->fds_held -= (unsigned)n;
                free(f);
                return n;
        }
        return 0;
}

int avb_server_fds_send(avb_server *s, server_client *c, uint64_t request_id, const int *fds,
                        size_t n_fds)
{
        int r = -ENOTCONN;

        /* The newest lifeline first: an older one may be closing. */
        for (server_lifeline *l = s->lifelines; l && r < 0; l = l->next)
                if (l->client == c && !l->u && !l->fds_error)
                        r = avb_life_send_fds(l->fd, request_id, fds, n_fds);
        return r;
}

int64_t avb_server_fds_expire(avb_server *s)
{
        int64_t now = avb_now_ms(), next = -1;

        for (server_client *c = s->clients; c; c = c->next)
                for (server_fds **p = &c->fds_ahead; *p;) {
                        server_fds *f = *p;
                        if (now >= f->expires_ms) {
                                *p = f->next;
                                s->stats.fds_unmatched += f->n_fds;
                                avb_log_info("%s: %zu fds of request %llu closed: the request "
                                             "did not come",
                                             s->ep.url, f->n_fds,
                                             (unsigned long long)f->request_id);
                                fds_free(c, f);
                                continue;
                        }
                        if (next < 0 || f->expires_ms < next)
                                next = f->expires_ms;
                        p = &f->next;
                }
        return next;
}

void avb_server_fds_free(server_client *c)
{
        while (c->fds_ahead) {
                server_fds *f = c->fds_ahead;
                c->fds_ahead = f->next;
                fds_free(c, f);
        }
}
