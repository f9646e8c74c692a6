/* SPDX-License-Identifier: Apache-2.0 */
/* avb_binder: life cycle, death links, routing of calls, local dispatch, avb_call. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <avbuffer/rpc_gen.h>

#include "avb_wire.pb-c.h"
#include "internal.h"
#include "log.h"
#include "uconn.h"
#include "util.h"

/* ---- meta replies (avb.MetaReply) ---- */

/* Packs any protobuf-c message into a malloc'ed buffer. */
static int pack_message(const ProtobufCMessage *m, uint8_t **ret, size_t *ret_len)
{
        size_t n = protobuf_c_message_get_packed_size(m);
        uint8_t *buf = malloc(n ? n : 1);

        if (!buf)
                return -ENOMEM;
        protobuf_c_message_pack(m, buf);
        *ret = buf;
        *ret_len = n;
        return 0;
}

static int meta_pack(int32_t version, const char *hash, uint8_t **ret, size_t *ret_len)
{
        Avb__MetaReply m = AVB__META_REPLY__INIT;

        m.version = version;
        m.hash = (char *)(hash ? hash : "");
        return pack_message(&m.base, ret, ret_len);
}

static int meta_unpack(const uint8_t *buf, size_t len, int32_t *ret_version, char **ret_hash)
{
        Avb__MetaReply *m = avb__meta_reply__unpack(NULL, len, buf);
        char *hash;

        if (!m)
                return -EBADMSG;
        hash = strdup(m->hash ? m->hash : "");
        if (!hash) {
                avb__meta_reply__free_unpacked(m, NULL);
                return -ENOMEM;
        }
        if (ret_version)
                *ret_version = m->version;
        if (ret_hash)
                *ret_hash = hash;
        else
                free(hash);
        avb__meta_reply__free_unpacked(m, NULL);
        return 0;
}

/* ---- life cycle ---- */

static avb_binder *binder_alloc(void)
{
        avb_binder *b = calloc(1, sizeof(*b));

        if (b)
                atomic_init(&b->refs, 1);
        return b;
}

int avb_binder_new_local(const avb_interface_desc *iface, const void *ops, void *impl,
                         void (*destroy)(void *impl), avb_binder **ret)
{
        avb_binder *b;

        if (!iface || !iface->descriptor || !iface->dispatch || !ret)
                return -EINVAL;
        b = binder_alloc();
        if (!b)
                return -ENOMEM;
        b->local = true;
        b->iface = iface;
        b->ops = ops;
        b->impl = impl;
        b->destroy = destroy;
        *ret = b;
        return 0;
}

/* Takes over the caller's reference to `conn`, also on failure. */
int avb_binder_new_remote(avb_conn *conn, uint32_t object_id, avb_binder **ret)
{
        avb_binder *b = binder_alloc();

        if (!b) {
                avb_conn_unref(conn);
                return -ENOMEM;
        }
        b->conn = conn;
        b->object_id = object_id;
        atomic_init(&b->deadline_ms, AVB_DEFAULT_DEADLINE_MS);
        pthread_mutex_init(&b->pool_lock, NULL);
        *ret = b;
        return 0;
}

avb_binder *avb_binder_ref(avb_binder *b)
{
        if (b)
                atomic_fetch_add(&b->refs, 1);
        return b;
}

avb_binder *avb_binder_unref(avb_binder *b)
{
        if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
                return NULL;
        if (b->local) {
                if (b->destroy)
                        b->destroy(b->impl);
        } else {
                if (b->cached)
                        avb_proxy_cache_remove(b);
                avb_conn_unlink_all(b->conn, b);
                avb_client_pool_clear(b);
                avb_conn_unref(b->conn);
                pthread_mutex_destroy(&b->pool_lock);
        }
        free(b);
        return NULL;
}

bool avb_binder_is_local(const avb_binder *b)
{
        return b && b->local;
}

bool avb_binder_is_alive(const avb_binder *b)
{
        if (!b)
                return false;
        return b->local || !avb_conn_is_dead(b->conn);
}

void avb_binder_set_deadline_ms(avb_binder *b, int ms)
{
        if (b && !b->local)
                atomic_store(&b->deadline_ms, ms > 0 ? ms : AVB_DEFAULT_DEADLINE_MS);
}

const char *avb_binder_endpoint(const avb_binder *b)
{
        return b && !b->local ? b->conn->ep.url : NULL;
}

void *avb_binder_local_impl(const avb_binder *b, const avb_interface_desc *iface)
{
        if (!b || !b->local || !iface)
                return NULL;
        if (b->iface != iface && strcmp(b->iface->descriptor, iface->descriptor) != 0)
                return NULL;
        return b->impl;
}

int avb_binder_link_to_death(avb_binder *b, void (*fn)(void *userdata), void *userdata)
{
        if (!b || !fn)
                return -EINVAL;
        if (b->local)
                return -EINVAL;
        return avb_conn_link(b->conn, b, fn, userdata);
}

int avb_binder_unlink_to_death(avb_binder *b, void (*fn)(void *userdata), void *userdata)
{
        if (!b || !fn || b->local)
                return -EINVAL;
        return avb_conn_unlink(b->conn, b, fn, userdata);
}

int avb_binder_connect(const char *endpoint, uint32_t object_id, avb_binder **ret)
{
        avb_transport_status ts;
        avb_endpoint ep;
        avb_conn *conn;
        avb_binder *b;
        uint64_t incarnation;
        size_t max;
        int r;

        if (!ret)
                return -EINVAL;
        if ((r = avb_endpoint_parse(endpoint, &ep)) < 0)
                return r;
        if ((r = avb_conn_get(&ep, &conn)) < 0)
                return r;
        if ((r = avb_binder_new_remote(conn, object_id, &b)) < 0)
                return r;
        r = avb_conn_wait_up(conn, avb_now_ms() + AVB_DEFAULT_DEADLINE_MS, &incarnation, &max, &ts);
        if (r < 0) {
                avb_binder_unref(b);
                return ts == AVB_TS_PERMISSION  ? -EACCES
                       : ts == AVB_TS_TIMED_OUT ? -ETIMEDOUT
                                                : -ECONNRESET;
        }
        *ret = b;
        return 0;
}

/* ---- calls ---- */

avb_status avb_binder_dispatch(avb_binder *b, const char *descriptor, uint32_t code, avb_call *call,
                               const uint8_t *req, size_t len, uint8_t **ret_reply, size_t *ret_len)
{
        const avb_interface_desc *iface = b->iface;
        uint8_t *reply = NULL;
        size_t reply_len = 0;
        avb_status st;
        int r;

        if (!descriptor || strcmp(descriptor, iface->descriptor) != 0)
                return avb_status_transport(AVB_TS_BAD_INTERFACE,
                                            "the object implements %s, not %s", iface->descriptor,
                                            descriptor ? descriptor : "");
        if (code == AVB_CODE_GET_INTERFACE_VERSION || code == AVB_CODE_GET_INTERFACE_HASH) {
                r = meta_pack(iface->version, iface->hash, ret_reply, ret_len);
                return r < 0 ? avb_status_from_errno(r, "meta reply") : avb_status_ok();
        }
        if (code < AVB_FIRST_CALL || code - AVB_FIRST_CALL >= iface->n_methods)
                return avb_status_transport(AVB_TS_UNKNOWN_TRANSACTION,
                                            "%s has no transaction code %u (%u methods)",
                                            iface->descriptor, code, iface->n_methods);
        st = iface->dispatch(iface, b->ops, b->impl, call, code, req, len, &reply, &reply_len);
        if (!avb_status_is_ok(&st) || call->deferred) {
                /* Reply fds go with the reply only: none leaves with an error. */
                avb_close_fds(call->reply_fds, call->n_reply_fds);
                call->n_reply_fds = 0;
                avb_buffer_free(reply, reply_len, avb_method_flags(iface, code));
                return st;
        }
        *ret_reply = reply;
        *ret_len = reply ? reply_len : 0;
        return st;
}

static avb_peer self_peer(void)
{
        avb_peer p = {
            .client_id = avb_rt_client_id(),
            .pid = getpid(),
            .uid = geteuid(),
            .gid = getegid(),
        };
        return p;
}

static void sleep_ms(int64_t ms)
{
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* Hands the reply's fds to the caller (a malloc'ed array), or refuses them if it wants none. */
static avb_status give_fds(avb_call *call, avb_status st, int **ret_fds, size_t *ret_n_fds)
{
        int *v = NULL;

        if (!call->n_reply_fds || !avb_status_is_ok(&st)) {
                avb_close_fds(call->reply_fds, call->n_reply_fds);
                if (ret_fds && avb_status_is_ok(&st)) {
                        *ret_fds = NULL;
                        *ret_n_fds = 0;
                }
                return st;
        }
        if (ret_fds && (v = malloc(call->n_reply_fds * sizeof(int)))) {
                memcpy(v, call->reply_fds, call->n_reply_fds * sizeof(int));
                *ret_fds = v;
                *ret_n_fds = call->n_reply_fds;
                return st;
        }
        avb_close_fds(call->reply_fds, call->n_reply_fds);
        return ret_fds
                   ? avb_status_transport(AVB_TS_NO_MEMORY, "reply fds")
                   : avb_status_transport(AVB_TS_BAD_MESSAGE,
                                          "a reply with file descriptors where none are expected");
}

/*
 * A call on an object of this process runs on the caller's thread, through
 * the same dispatcher as a remote one; the callee borrows the caller's fds.
 * A deferred call is dispatched again with a growing pause (1 to 50 ms)
 * until its timeout, then a final time.
 */
static avb_status local_transact(avb_binder *b, const avb_interface_desc *iface, uint32_t code,
                                 bool oneway, const uint8_t *req, size_t len, const int *fds,
                                 size_t n_fds, uint8_t **ret_reply, size_t *ret_len, int **ret_fds,
                                 size_t *ret_n_fds)
{
        int64_t deadline = -1;
        int64_t pause = 1;

        for (;;) {
                avb_call call = {.peer = self_peer(), .fds = fds, .n_fds = n_fds};
                uint8_t *reply = NULL;
                size_t reply_len = 0;
                avb_status st;

                call.is_final = deadline >= 0 && avb_now_ms() >= deadline;
                st = avb_binder_dispatch(b, iface->descriptor, code, &call, req, len, &reply,
                                         &reply_len);
                if (!call.deferred && oneway) {
                        avb_close_fds(call.reply_fds, call.n_reply_fds);
                        avb_buffer_free(reply, reply_len, avb_method_flags(iface, code));
                        return st;
                }
                if (!call.deferred) {
                        st = give_fds(&call, st, ret_fds, ret_n_fds);
                        if (avb_status_is_ok(&st) && ret_reply && ret_len) {
                                *ret_reply = reply;
                                *ret_len = reply_len;
                        } else {
                                avb_buffer_free(reply, reply_len, avb_method_flags(iface, code));
                        }
                        return st;
                }
                if (call.is_final)
                        return avb_status_transport(AVB_TS_TIMED_OUT,
                                                    "deferred call was not answered");
                if (deadline < 0)
                        deadline =
                            avb_now_ms() + (call.defer_timeout_ms > 0 ? call.defer_timeout_ms : 0);
                int64_t left = deadline - avb_now_ms();
                sleep_ms(left < pause ? (left > 0 ? left : 0) : pause);
                pause = pause * 2 > 50 ? 50 : pause * 2;
        }
}

/* Why `fds` cannot go with method `code` of `iface`, or NULL. */
static const char *fds_refusal(const avb_interface_desc *iface, uint32_t code, const int *fds,
                               size_t n_fds)
{
        if (n_fds == 0)
                return NULL;
        if (!fds || n_fds > AVB_MAX_FDS)
                return "too many file descriptors";
        if (code < AVB_FIRST_CALL || code - AVB_FIRST_CALL >= iface->n_methods || !iface->methods ||
            !(iface->methods[code - AVB_FIRST_CALL].flags & AVB_METHOD_FDS))
                return "file descriptors for a method that takes none";
        for (size_t i = 0; i < n_fds; i++)
                if (fds[i] < 0 || fcntl(fds[i], F_GETFD) < 0)
                        return "a file descriptor that is not open";
        return NULL;
}

static avb_status oneway_status(avb_binder *b, int r, size_t req_len)
{
        switch (r) {
        case 0:
                return avb_status_ok();
        case -EAGAIN:
                return avb_status_transport(AVB_TS_WOULD_BLOCK,
                                            "oneway queue to %s is full (%d calls): call dropped",
                                            b->conn->ep.url, AVB_ONEWAY_QUEUE_MAX);
        case -EPIPE:
                return avb_status_transport(AVB_TS_DEAD_OBJECT, "%s has gone", b->conn->ep.url);
        case -EMSGSIZE:
                return avb_status_transport(
                    AVB_TS_TOO_LARGE, "request of %zu bytes is above the message limit", req_len);
        default:
                return avb_status_from_errno(r, "oneway call");
        }
}

int avb_binder_oneway_room(const avb_binder *b, unsigned *ret_room)
{
        if (!b || !ret_room)
                return -EINVAL;
        if (b->local) {
                *ret_room = AVB_ONEWAY_QUEUE_LIMIT;
                return 0;
        }
        /* unix: what the socket takes, less the calls queued before it. */
        if (b->conn->u && !avb_conn_is_dead(b->conn)) {
                unsigned room = 0;
                int r = avb_uclient_room(b->conn->u, &room);

                return r < 0 ? r : avb_conn_room(b->conn, room, ret_room);
        }
        return avb_conn_room(b->conn, AVB_ONEWAY_QUEUE_MAX, ret_room);
}

avb_status avb_binder_transact_fds(avb_binder *b, const avb_interface_desc *iface, uint32_t code,
                                   uint32_t flags, const uint8_t *req, size_t req_len,
                                   const int *fds, size_t n_fds, uint8_t **ret_reply,
                                   size_t *ret_len, int **ret_fds, size_t *ret_n_fds)
{
        bool oneway = flags & AVB_METHOD_ONEWAY;
        const char *why;

        if (!b || !iface || !iface->descriptor || (!req && req_len) || (!ret_fds != !ret_n_fds))
                return avb_status_transport(AVB_TS_INTERNAL, "avb_binder_transact: bad argument");
        if (!oneway && (!ret_reply || !ret_len))
                return avb_status_transport(AVB_TS_INTERNAL,
                                            "avb_binder_transact: no reply buffer");
        if ((why = fds_refusal(iface, code, fds, n_fds)))
                return avb_status_transport(AVB_TS_BAD_MESSAGE, "%s code %u: %s", iface->descriptor,
                                            code, why);
        if (b->local)
                return local_transact(b, iface, code, oneway, req, req_len, fds, n_fds, ret_reply,
                                      ret_len, ret_fds, ret_n_fds);
        /* A oneway call on a unix connection still shaking hands (or behind calls
         * queued then) joins the queue the monitor sends from: waiting for the
         * handshake would block the caller on the peer's loop. */
        if (b->conn->ep.is_unix && oneway && avb_conn_queue_first(b->conn))
                return oneway_status(b,
                                     avb_conn_enqueue(b->conn, b->object_id, iface->descriptor,
                                                      code, req, req_len, fds, n_fds),
                                     req_len);
        if (b->conn->ep.is_unix)
                return avb_uclient_call(b, iface, code, oneway, req, req_len, fds, n_fds, ret_reply,
                                        ret_len, ret_fds, ret_n_fds);
        if (!oneway)
                return avb_client_call(b, iface, code, req, req_len, fds, n_fds, ret_reply, ret_len,
                                       ret_fds, ret_n_fds);
        return oneway_status(b,
                             avb_conn_enqueue(b->conn, b->object_id, iface->descriptor, code, req,
                                              req_len, fds, n_fds),
                             req_len);
}

avb_status avb_binder_transact(avb_binder *b, const avb_interface_desc *iface, uint32_t code,
                               uint32_t flags, const uint8_t *req, size_t req_len,
                               uint8_t **ret_reply, size_t *ret_len)
{
        return avb_binder_transact_fds(b, iface, code, flags, req, req_len, NULL, 0, ret_reply,
                                       ret_len, NULL, NULL);
}

static avb_status get_meta(avb_binder *b, const avb_interface_desc *iface, uint32_t code,
                           int32_t *ret_version, char **ret_hash)
{
        _cleanup_(avb_freep) uint8_t *reply = NULL;
        size_t len = 0;
        avb_status st;
        int r;

        st = avb_binder_transact(b, iface, code, 0, NULL, 0, &reply, &len);
        if (!avb_status_is_ok(&st))
                return st;
        r = meta_unpack(reply, len, ret_version, ret_hash);
        if (r < 0)
                return avb_status_transport(AVB_TS_BAD_MESSAGE, "undecodable meta reply");
        return st;
}

avb_status avb_binder_get_interface_version(avb_binder *b, const avb_interface_desc *iface,
                                            int32_t *ret_version)
{
        if (!ret_version)
                return avb_status_transport(AVB_TS_INTERNAL, "no output");
        return get_meta(b, iface, AVB_CODE_GET_INTERFACE_VERSION, ret_version, NULL);
}

avb_status avb_binder_get_interface_hash(avb_binder *b, const avb_interface_desc *iface,
                                         char **ret_hash)
{
        if (!ret_hash)
                return avb_status_transport(AVB_TS_INTERNAL, "no output");
        return get_meta(b, iface, AVB_CODE_GET_INTERFACE_HASH, NULL, ret_hash);
}

/* ---- avb_call ---- */

const avb_peer *avb_call_peer(const avb_call *call)
{
        return call ? &call->peer : NULL;
}

avb_server *avb_call_server(const avb_call *call)
{
        return call ? call->server : NULL;
}

avb_status avb_call_defer(avb_call *call, int timeout_ms)
{
        if (!call)
                return avb_status_transport(AVB_TS_INTERNAL, "avb_call_defer: no call");
        call->deferred = true;
        call->defer_timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
        /* Never sent: the runtime keeps the call and answers it later. */
        return avb_status_transport(AVB_TS_INTERNAL, "call deferred");
}

bool avb_call_is_final(const avb_call *call)
{
        return call && call->is_final;
}

size_t avb_call_n_fds(const avb_call *call)
{
        return call ? call->n_fds : 0;
}

int avb_call_fd(const avb_call *call, size_t index)
{
        return call && index < call->n_fds ? call->fds[index] : -1;
}

int avb_call_add_reply_fd(avb_call *call, int fd)
{
        int d;

        if (!call || fd < 0)
                return -EBADF;
        if (call->n_reply_fds >= AVB_MAX_FDS)
                return -E2BIG;
        d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (d < 0)
                return -errno;
        call->reply_fds[call->n_reply_fds] = d;
        return (int)call->n_reply_fds++;
}
