/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server's deferred calls (avb_call_defer): a queue in arrival order,
 * with each call's fds counted against its client. Below server.c and
 * server_request.c: this file keeps, finds and frees records; running them
 * again is server_request.c's (avb_server_run_deferred).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "uconn.h"
#include "util.h"

void avb_server_keep_deferred(avb_server *s, server_deferred *d)
{
        server_deferred **p;

        for (p = &s->deferred; *p; p = &(*p)->next)
                ;
        d->next = NULL;
        *p = d;
}

server_deferred *avb_server_take_deferred(avb_server *s, bool *ret_retry)
{
        server_deferred *list = s->deferred;

        *ret_retry = s->retry_pending && list;
        if (list)
                s->retry_pending = false;
        s->deferred = NULL;
        return list;
}

int avb_server_defer(avb_server *s, server_client *c, const avb_frame_request *req,
                     const server_route *rt, const int *fds, size_t n_fds, int64_t deadline_ms)
{
        server_deferred *d;

        if (c->fds_held + n_fds > AVB_FDS_PER_CLIENT)
                return -EMFILE;
        /* The payload borrowed from the received message is copied behind the record. */
        d = calloc(1, sizeof(*d) + req->len);
        if (!d)
                return -ENOMEM;
        d->req = *req;
        if (req->len)
                memcpy(d->payload, req->payload, req->len);
        d->req.payload = d->payload;
        d->client_id = c->peer.client_id;
        d->route = *rt;
        if (n_fds)
                memcpy(d->fds, fds, n_fds * sizeof(int));
        d->n_fds = n_fds;
        c->fds_held += (unsigned)n_fds;
        d->deadline_ms = deadline_ms;
        avb_server_keep_deferred(s, d);
        return 0;
}

bool avb_server_refresh_deferred(avb_server *s, uint64_t client_id, uint64_t request_id,
                                 const avb_tp_header *hdr)
{
        for (server_deferred *d = s->deferred; d; d = d->next)
                if (d->client_id == client_id && d->req.request_id == request_id) {
                        d->route.hdr = *hdr;
                        return true;
                }
        return false;
}

/* Frees a deferred call with its fds (counted off its client's, when it still exists). */
static void deferred_free(avb_server *s, server_deferred *d)
{
        server_client *c = avb_server_find_client(s, d->client_id);

        if (c)
                c->fds_held -= (unsigned)d->n_fds;
        avb_close_fds(d->fds, d->n_fds);
        if (d->route.flags & AVB_METHOD_SENSITIVE)
                explicit_bzero(d->payload, d->req.len);
        free(d);
}

int avb_server_deferred_timeout(const avb_server *s)
{
        int64_t next = -1;

        if (s->retry_pending && s->deferred)
                return 0;
        for (const server_deferred *d = s->deferred; d; d = d->next)
                if (next < 0 || d->deadline_ms < next)
                        next = d->deadline_ms;
        return avb_poll_timeout(next);
}

void avb_server_drop_deferred(avb_server *s, uint64_t client_id)
{
        for (server_deferred **p = &s->deferred; *p;) {
                server_deferred *d = *p;
                if (d->client_id == client_id) {
                        *p = d->next;
                        deferred_free(s, d);
                } else {
                        p = &d->next;
                }
        }
}

void avb_server_free_deferred(avb_server *s)
{
        while (s->deferred) {
                server_deferred *d = s->deferred;
                s->deferred = d->next;
                deferred_free(s, d);
        }
}
