/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One request on the server loop: read its frame (frame.h), check incarnation,
 * client, size and that it came the way its method is sent (oneway methods on
 * the PULL socket, two-way ones and the meta codes on the REP socket),
 * deduplicate, dispatch, answer (and cache the answer), or keep the call when
 * the op defers it. Every reply echoes the routing header of the request it
 * answers; a reply that cannot be delivered is dropped by nanomsg, never
 * waited for.
 *
 * On the unix transport the connection a request came on is its client (its
 * identity was checked at the hello) and where the reply goes. It needs no
 * deduplication: a connection never resends, so nothing is cached either.
 * Its requests may carry fds, refused for methods without AVB_METHOD_FDS.
 * On nanomsg, fds come ahead on the lifeline (server_fds.c) and are matched
 * to a new request by its id; a reply's fds go the same way, and a cached
 * reply keeps duplicates of them to send again with a resend's answer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/rpc_gen.h>

#include "frame.h"
#include "log.h"
#include "server.h"
#include "uconn.h"
#include "util.h"

/* A packed reply, zeroed before it is freed when the method is sensitive. */
typedef struct sensitive_buf {
        uint8_t *p;
        size_t len;
        uint32_t flags;
} sensitive_buf;

static void sensitive_freep(sensitive_buf *b)
{
        avb_buffer_free(b->p, b->len, b->flags);
}

static void send_reply(avb_server *s, const avb_tp_header *hdr, const uint8_t *buf, size_t len)
{
        int r = avb_tp_send_raw(s->rep_sock, hdr, buf, len);

        if (r < 0)
                avb_log_debug("%s: reply dropped: %s", s->ep.url, strerror(-r));
}

/*
 * Answers a request (no-op for oneway); cached when `c` is set and the route
 * is nanomsg's. Takes the reply's fds.
 */
static void answer(avb_server *s, server_client *c, uint64_t request_id, const server_route *rt,
                   avb_status st, const uint8_t *payload, size_t len, int *fds, size_t n_fds)
{
        _cleanup_(sensitive_freep) sensitive_buf out = {.flags = rt->flags};
        int r;

        if (rt->oneway) {
                avb_close_fds(fds, n_fds);
                return;
        }
        if (avb_status_is_ok(&st) && len > s->max_message) {
                st = avb_status_transport(
                    AVB_TS_TOO_LARGE, "reply of %zu bytes is above the message limit of %zu bytes",
                    len, s->max_message);
                payload = NULL;
                len = 0;
        }
        if (!avb_status_is_ok(&st)) {
                avb_close_fds(fds, n_fds);
                n_fds = 0;
        }
        /* nanomsg: the fds go ahead on the client's lifeline. */
        if (n_fds && !rt->line &&
            (r = c ? avb_server_fds_send(s, c, request_id, fds, n_fds) : -ENOTCONN) < 0) {
                avb_close_fds(fds, n_fds);
                n_fds = 0;
                st = avb_status_transport(AVB_TS_NO_FDS,
                                          "%s: the reply's file descriptors "
                                          "could not be sent on the lifeline: %s",
                                          s->ep.url, strerror(-r));
                payload = NULL;
                len = 0;
        }
        r = avb_frame_pack_reply(request_id, &st, payload, len, rt->line ? 0 : (uint32_t)n_fds,
                                 &out.p, &out.len);
        if (r < 0) {
                avb_log_error("%s: packing a reply: %s", s->ep.url, strerror(-r));
                avb_close_fds(fds, n_fds);
                return;
        }
        if (rt->line) {
                avb_server_usend(s, rt->line, out.p, out.len, fds, n_fds);
                return;
        }
        if (c && avb_reply_cache_store(c->cache, request_id, out.p, out.len, fds, n_fds) < 0)
                avb_log_warning("%s: reply of request %llu not cached", s->ep.url,
                                (unsigned long long)request_id);
        avb_close_fds(fds, n_fds); /* the lifeline and the cache hold their own */
        send_reply(s, &rt->hdr, out.p, out.len);
        if (c)
                avb_reply_cache_note_route(c->cache, request_id, rt->hdr.buf, rt->hdr.len);
}

/* A request that is not run: answered with a transport status, never cached. */
static void reject(avb_server *s, const server_route *rt, uint64_t request_id,
                   avb_transport_status ts, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void reject(avb_server *s, const server_route *rt, uint64_t request_id,
                   avb_transport_status ts, const char *fmt, ...)
{
        static avb_ratelimit rl;
        avb_status st = avb_status_transport(ts, NULL);
        unsigned suppressed;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(st.message, sizeof(st.message), fmt, ap);
        va_end(ap);
        s->stats.rejected++;
        if (avb_ratelimit_pass(&rl, 10, 10000, &suppressed))
                avb_log_info("%s: request %llu%s not run: %s", s->ep.url,
                             (unsigned long long)request_id, rt->oneway ? " (oneway)" : "",
                             st.message);
        answer(s, NULL, request_id, rt, st, NULL, 0, NULL, 0);
}

/*
 * Why a request cannot run the way it came (oneway: on the PULL socket), or
 * NULL. A two-way method sent oneway would run with its reply dropped, and
 * whatever it allocated for the caller lost; a oneway method sent two-way
 * would let a caller wait on an op written never to be waited on. Requests
 * the dispatcher refuses anyway (other interface, unknown code) pass here.
 */
static const char *wrong_path(const avb_binder *obj, const avb_frame_request *req, bool oneway,
                              avb_transport_status *ret_ts)
{
        const avb_interface_desc *iface = obj->iface;
        uint32_t code = req->code;
        bool method_oneway;

        *ret_ts = AVB_TS_BAD_MESSAGE;
        if (req->oneway != oneway)
                return oneway ? "a two-way request on the oneway socket"
                              : "a oneway request on the two-way socket";
        if (strcmp(req->descriptor, iface->descriptor) != 0)
                return NULL;
        if (code == AVB_CODE_GET_INTERFACE_VERSION || code == AVB_CODE_GET_INTERFACE_HASH)
                method_oneway = false;
        else if (code >= AVB_FIRST_CALL && code - AVB_FIRST_CALL < iface->n_methods &&
                 iface->methods)
                method_oneway = iface->methods[code - AVB_FIRST_CALL].flags & AVB_METHOD_ONEWAY;
        else
                return NULL;
        if (method_oneway == oneway)
                return NULL;
        *ret_ts = AVB_TS_UNKNOWN_TRANSACTION;
        return oneway ? "a two-way method sent oneway" : "a oneway method sent two-way";
}

/*
 * Dispatches `req` for client `c` on `obj` (borrowed; NULL when the object
 * does not exist). `deadline_ms` is -1 on the first dispatch, else the
 * deferral deadline. Returns true if the request was kept (deferred), with
 * its fds; else the fds are still the caller's.
 */
static bool run_request(avb_server *s, server_client *c, avb_binder *obj, avb_frame_request *req,
                        const server_route *rt, const int *fds, size_t n_fds, int64_t deadline_ms)
{
        avb_call call = {.server = s, .peer = c->peer, .fds = fds, .n_fds = n_fds};
        uint8_t *reply = NULL;
        size_t reply_len = 0;
        avb_status st;

        if (!obj) {
                /* Cached like any answer: the request id is already marked as seen. */
                s->stats.rejected++;
                st = avb_status_transport(AVB_TS_NO_SERVICE, "no object %u at %s", req->object_id,
                                          s->ep.url);
                answer(s, c, req->request_id, rt, st, NULL, 0, NULL, 0);
                return false;
        }
        call.is_final = deadline_ms >= 0 && avb_now_ms() >= deadline_ms;
        s->stats.dispatched++;
        st = avb_binder_dispatch(obj, req->descriptor, req->code, &call, req->payload, req->len,
                                 &reply, &reply_len);
        if (call.deferred && !call.is_final) {
                if (deadline_ms < 0)
                        deadline_ms = avb_now_ms() + call.defer_timeout_ms;
                int r = avb_server_defer(s, c, req, rt, fds, n_fds, deadline_ms);
                if (r == 0)
                        return true;
                st = avb_status_transport(AVB_TS_NO_MEMORY, "cannot defer the call: %s",
                                          r == -EMFILE ? "the client's calls hold too many fds"
                                                       : "out of memory");
        } else if (call.deferred) {
                st = avb_status_transport(AVB_TS_TIMED_OUT, "deferred call was not answered");
        }
        answer(s, c, req->request_id, rt, st, reply, reply_len, call.reply_fds, call.n_reply_fds);
        avb_buffer_free(reply, reply_len, rt->flags);
        return false;
}

/* Why fds cannot come with `req` to `obj` (borrowed, may be NULL), or NULL. */
static const char *fds_refusal(const avb_binder *obj, const avb_frame_request *req, size_t n_fds)
{
        const avb_interface_desc *iface = obj ? obj->iface : NULL;
        uint32_t code = req->code;

        if (n_fds == 0 || !iface)
                return NULL; /* no object: refused as such */
        if (strcmp(req->descriptor, iface->descriptor) != 0 || code < AVB_FIRST_CALL ||
            code - AVB_FIRST_CALL >= iface->n_methods || !iface->methods ||
            !(iface->methods[code - AVB_FIRST_CALL].flags & AVB_METHOD_FDS))
                return "file descriptors for a method that takes none";
        return NULL;
}

void avb_server_handle_request(avb_server *s, const avb_tp_header *hdr, server_lifeline *line,
                               const void *data, size_t len, int *fds, size_t n_fds)
{
        avb_frame_request frame, *req = &frame;
        const char *bad = avb_frame_parse_request(data, len, &frame);
        server_route rt = {.oneway = !hdr && !line, .line = line ? line->serial : 0};
        avb_binder *obj = NULL;
        avb_transport_status ts;
        int ahead[AVB_MAX_FDS];
        const uint8_t *cached;
        const int *cached_fds;
        size_t cached_len, n_cached_fds;
        server_client *c = NULL;
        const char *why;

        if (hdr)
                rt.hdr = *hdr;
        if (bad) {
                req = NULL;
                reject(s, &rt, 0, AVB_TS_BAD_MESSAGE, "%s (%zu bytes)", bad, len);
                goto done;
        }
        if (line)
                rt.oneway = req->oneway;
        if (req->len > s->max_message) {
                reject(s, &rt, req->request_id, AVB_TS_TOO_LARGE,
                       "request of %zu bytes is above the message limit of %zu bytes", req->len,
                       s->max_message);
                goto done;
        }
        if (req->incarnation != 0 && req->incarnation != s->incarnation) {
                s->stats.stale++;
                reject(s, &rt, req->request_id, AVB_TS_DEAD_OBJECT,
                       "request for an earlier run of %s (the server restarted)", s->ep.url);
                goto done;
        }
        /* A unix connection is its client: the id was checked at its hello. */
        c = line ? line->client : avb_server_find_client(s, req->client_id);
        if (!c || (line && req->client_id != c->peer.client_id)) {
                reject(s, &rt, req->request_id, AVB_TS_PERMISSION,
                       "client %016llx has no lifeline to %s", (unsigned long long)req->client_id,
                       s->ep.url);
                goto done;
        }
        /* Refused before deduplication: a resend is refused the same way. */
        obj = avb_server_object(s, req->object_id);
        if (obj && strcmp(req->descriptor, obj->iface->descriptor) == 0)
                rt.flags = avb_method_flags(obj->iface, req->code);
        if (obj && (why = wrong_path(obj, req, rt.oneway, &ts))) {
                reject(s, &rt, req->request_id, ts, "%s code %u: %s", obj->iface->descriptor,
                       req->code, why);
                goto done;
        }
        /* unix: the fds came with the request, exactly as many as its header says. */
        if (line && req->n_fds != n_fds) {
                reject(s, &rt, req->request_id, AVB_TS_BAD_MESSAGE,
                       "request announced %u fds, %zu came with it", req->n_fds, n_fds);
                goto done;
        }
        if ((why = fds_refusal(obj, req, req->n_fds))) {
                reject(s, &rt, req->request_id, AVB_TS_BAD_MESSAGE, "%s code %u: %s",
                       obj->iface->descriptor, req->code, why);
                goto done;
        }
        if (hdr) {
                switch (avb_reply_cache_check(c->cache, req->request_id, &cached, &cached_len,
                                              &cached_fds, &n_cached_fds)) {
                case AVB_SEEN_CACHED:
                        s->stats.duplicates++;
                        /*
                         * Resent on the pipe its reply went on: that reply is on
                         * its way, and a second one would reach a REQ socket that
                         * may still hold the first (reply_cache.h, routes).
                         */
                        if (avb_reply_cache_sent_on(c->cache, req->request_id, hdr->buf,
                                                    hdr->len)) {
                                s->stats.in_flight++;
                                goto done;
                        }
                        /* Without its fds the reply would be a lie: none at all then. */
                        if (!n_cached_fds || avb_server_fds_send(s, c, req->request_id, cached_fds,
                                                                 n_cached_fds) == 0) {
                                send_reply(s, hdr, cached, cached_len);
                                avb_reply_cache_note_route(c->cache, req->request_id, hdr->buf,
                                                           hdr->len);
                                s->stats.resent++;
                        }
                        goto done;
                case AVB_SEEN_NOREPLY:
                        s->stats.duplicates++;
                        if (!avb_server_refresh_deferred(s, c->peer.client_id, req->request_id,
                                                         hdr))
                                reject(s, &rt, req->request_id, AVB_TS_INTERNAL,
                                       "request %llu already ran and its reply is no longer kept",
                                       (unsigned long long)req->request_id);
                        goto done;
                case AVB_SEEN_NEW:
                        avb_reply_cache_mark(c->cache, req->request_id);
                        break;
                }
        }
        if (!line) {
                /* nanomsg: the fds came ahead on the lifeline, exactly as many as announced. */
                n_fds = avb_server_fds_take(s, c, req->request_id, ahead);
                fds = ahead;
                if (n_fds != req->n_fds) {
                        reject(s, &rt, req->request_id, AVB_TS_BAD_MESSAGE,
                               "request announced %u fds, %zu came on the lifeline", req->n_fds,
                               n_fds);
                        goto done;
                }
        }
        if (run_request(s, c, obj, req, &rt, fds, n_fds, -1)) {
                req = NULL;
                n_fds = 0; /* kept with the deferred call */
        }
done:
        /* fds sent ahead for a request refused before it took them do not wait. */
        if (!line && c && req && req->n_fds && fds != ahead) {
                n_fds = avb_server_fds_take(s, c, req->request_id, ahead);
                fds = ahead;
        }
        avb_close_fds(fds, n_fds);
        avb_binder_unref(obj);
        /* The payload was read in place: clearing the received bytes clears it. */
        if ((rt.flags & AVB_METHOD_SENSITIVE) && data)
                explicit_bzero((void *)data, len);
}

void avb_server_run_deferred(avb_server *s)
{
        bool retry;
        server_deferred *list = avb_server_take_deferred(s, &retry);
        int64_t now = avb_now_ms();

        while (list) {
                server_deferred *d = list;
                list = d->next;
                d->next = NULL;
                server_client *c = avb_server_find_client(s, d->client_id);
                if (c && !retry && now < d->deadline_ms) {
                        avb_server_keep_deferred(s, d); /* not due */
                        continue;
                }
                if (c) {
                        avb_binder *obj = avb_server_object(s, d->req.object_id);
                        /* A new record would count them again. */
                        c->fds_held -= (unsigned)d->n_fds;
                        /* Deferred again: a new record copied the frame and took the fds. */
                        if (run_request(s, c, obj, &d->req, &d->route, d->fds, d->n_fds,
                                        d->deadline_ms))
                                d->n_fds = 0;
                        avb_binder_unref(obj);
                }
                avb_close_fds(d->fds, d->n_fds);
                if (d->route.flags & AVB_METHOD_SENSITIVE)
                        explicit_bzero(d->payload, d->req.len);
                free(d);
        }
}
