/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_INTERNAL_H
#define AVB_STUBS_INTERNAL_H

/*
 * Objects shared between the runtime's files. Not installed; generated code
 * sees only <avbuffer/rpc.h>.
 *
 *   binder.c     avb_binder: life cycle, routing of transact, local dispatch
 *   client.c     remote two-way calls: request-socket pool, deadline, reply
 *   conn_fds.c   ipc:// fds on the lifeline: sent by callers, read by the monitor
 *   conn.c       avb_conn: this process's link to one endpoint (lifeline state,
 *                oneway queue, death recipients), shared by its proxies
 *   monitor.c    the monitor thread: lifeline handshakes and deaths, oneway sends
 *   server.c     avb_server: binding, objects, process registry of servers
 *   server_loop.c    the event loop: sockets, lifelines of clients
 *   server_request.c one request: checks, dedup, dispatch, reply, deferral
 *   server_deferred.c    the queue of deferred calls (below server.c, server_request.c)
 *   callback.c   interface arguments: the callback server, references' checks
 *   proxy_cache.c    proxies per (endpoint, id) for callback.c (below binder.c)
 *   frame.c      the frame of requests and replies (frame.h)
 *   uconn.c      the unix transport's packets and fds (uconn.h)
 *   uclient.c    calls over the unix transport: one connection, many callers
 *   server_uconn.c   the server's side of unix connections
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <avbuffer/rpc.h>

#include "endpoint.h"

/* Slack above max_message for the frame around a payload, in bytes. */
#define AVB_FRAME_OVERHEAD 4096
/* Longest interface descriptor accepted. */
#define AVB_DESCRIPTOR_MAX 512
/* Oneway calls queued per destination endpoint before drops. */
#define AVB_ONEWAY_QUEUE_MAX AVB_ONEWAY_QUEUE_LIMIT
/* Idle request sockets a proxy keeps. */
#define AVB_REQ_POOL_MAX 4
/* Default resend interval of request sockets: resends are a fallback, not a timer. */
#define AVB_RESEND_IVL_DEFAULT_MS (24 * 3600 * 1000)

/* ---- process identity (conn.c) ---- */

/* Random, non-zero, fixed for the life of the process. */
uint64_t avb_rt_client_id(void);
/* Increasing per process, never 0. */
uint64_t avb_rt_next_request_id(void);
/* A random non-zero 64-bit value. */
uint64_t avb_rt_random64(void);
/* Resend interval for new request sockets ($AVB_TEST_RESEND_IVL_MS or the test hook). */
int avb_rt_resend_ivl_ms(void);

/* ---- connections (conn.c, monitor.c) ---- */

typedef enum avb_conn_state {
        AVB_CONN_CONNECTING, /* hello sent, waiting for the answer */
        AVB_CONN_UP,
        AVB_CONN_DEAD,
} avb_conn_state;

typedef struct avb_oneway_msg {
        struct avb_oneway_msg *next;
        uint32_t object_id;
        uint32_t code;
        uint64_t request_id;
        const char *descriptor; /* static: from the interface descriptor */
        int fds[AVB_MAX_FDS];   /* duplicates owned by the message */
        size_t n_fds;
        bool fds_sent; /* its fds left on the lifeline already */
        size_t len;
        uint8_t payload[];
} avb_oneway_msg;

typedef struct avb_death_link {
        struct avb_death_link *next;
        const avb_binder *key;
        void (*fn)(void *userdata);
        void *userdata;
} avb_death_link;

typedef struct avb_conn {
        atomic_int refs; /* proxies and calls; 0: the monitor frees it */
        avb_endpoint ep;

        pthread_mutex_t lock;
        pthread_cond_t cond;             /* state changes */
        avb_conn_state state;            /* lock */
        avb_transport_status dead_ts;    /* lock: why it is dead */
        uint64_t incarnation;            /* lock; set when UP */
        size_t max_message;              /* lock; the server's limit, set when UP */
        avb_death_link *links;           /* lock; not fired yet */
        avb_death_link *firing;          /* lock: the recipient running now, or NULL */
        pthread_t firing_thread;         /* lock: the thread running them, once dead */
        avb_oneway_msg *q_head, *q_tail; /* lock */
        unsigned q_len;                  /* lock */

        int dead_efd; /* eventfd, readable once dead; for callers' poll() */
        int life_fd;  /* monitor thread only (and avb_conn_wait_up on it) */
        int push_sock;
        int64_t linger_until_ms; /* monitor: last send + 200 ms */
        int64_t released_at_ms;  /* monitor: when refs was first seen at 0 */

        struct avb_uconn *u;         /* unix transport: callers' state (uclient.c), lock */
        struct avb_conn_fds *fds_in; /* ipc://: reply fds read by the monitor, lock */
        unsigned n_fds_in;           /* lock: fds held in fds_in */

        struct avb_conn *next; /* monitor list, under the monitor lock */
} avb_conn;

/*
 * The live connection to `ep` shared by this process, or a new one (lifeline
 * connected, hello sent, the answer handled by the monitor thread). Fails
 * with -ENOENT/-ECONNREFUSED when nothing serves `ep`.
 */
int avb_conn_get(const avb_endpoint *ep, avb_conn **ret);
/* monitor.c: a new connection (lifeline connected, hello sent), not yet listed. */
int avb_conn_alloc_connected(const avb_endpoint *ep, avb_conn **ret);
/* monitor.c: lists a connection made elsewhere (it is freed at 0 references). */
int avb_monitor_adopt(avb_conn *c);
/* monitor.c: a connection that is dead from the start (for references to gone peers). */
int avb_conn_new_dead(const avb_endpoint *ep, avb_transport_status ts, avb_conn **ret);
avb_conn *avb_conn_ref(avb_conn *c);
avb_conn *avb_conn_unref(avb_conn *c); /* returns NULL; accepts NULL */
/* conn.c: a connection not yet connected nor listed (the state is CONNECTING). */
int avb_conn_alloc(const avb_endpoint *ep, avb_conn **ret);
/*
 * conn.c, for the monitor above it: the eventfd that wakes the monitor
 * thread (registered once, before the thread starts), and the mark of that
 * thread (set by the thread itself).
 */
void avb_conn_set_monitor(int wake_efd);
void avb_conn_enter_monitor(void);
/* Whether the calling thread is the monitor thread. */
bool avb_conn_on_monitor_thread(void);
/* Wakes the monitor thread to look at its connections again. */
void avb_conn_wake_monitor(void);

/*
 * Waits until the handshake is done: 0 and the server's incarnation and
 * limit, or the transport status that stops calls (DEAD_OBJECT, PERMISSION,
 * TIMED_OUT) in *ret_ts.
 */
int avb_conn_wait_up(avb_conn *c, int64_t deadline_ms, uint64_t *ret_incarnation, size_t *ret_max,
                     avb_transport_status *ret_ts);
/* avb_conn_wait_up for a caller: OK, or a status saying why calls cannot go. */
avb_status avb_conn_wait_up_status(avb_conn *c, int64_t deadline_at, int deadline,
                                   uint64_t *ret_incarnation, size_t *ret_max);
bool avb_conn_is_dead(avb_conn *c);
/* Monitor: the answer came. */
void avb_conn_set_up(avb_conn *c, uint64_t incarnation, size_t max_message);
/* Monitor (or creation): calls death recipients once, drops queued calls. */
void avb_conn_mark_dead(avb_conn *c, avb_transport_status ts);

int avb_conn_link(avb_conn *c, const avb_binder *key, void (*fn)(void *), void *userdata);
int avb_conn_unlink(avb_conn *c, const avb_binder *key, void (*fn)(void *), void *userdata);
void avb_conn_unlink_all(avb_conn *c, const avb_binder *key);

/*
 * Queues a oneway call with duplicates of `fds` (borrowed): -EAGAIN (queue
 * full, counted), -EPIPE (dead), -EMSGSIZE, -EMFILE.
 */
int avb_conn_enqueue(avb_conn *c, uint32_t object_id, const char *descriptor, uint32_t code,
                     const uint8_t *payload, size_t len, const int *fds, size_t n_fds);

/* ---- fds of ipc:// calls on the lifeline (conn_fds.c, lifeline.h) ---- */

/* Any thread: sends the fds (borrowed) of request `request_id`: 0, -EPIPE (dead) or -errno. */
int avb_conn_send_fds(avb_conn *c, uint64_t request_id, const int *fds, size_t n_fds);
/*
 * Monitor: reads the fds packets waiting on the lifeline and keeps them for
 * their callers: 0, or -EPIPE / -EPROTO (the lifeline is then unusable).
 */
int avb_conn_read_fds(avb_conn *c);
/*
 * A caller: waits until the `n_fds` fds of reply `request_id` have come and
 * takes them into ret_fds (room for AVB_MAX_FDS): 0, -ETIMEDOUT, -EPIPE
 * (dead first), -EPROTO (another count came). `inline_read`: the caller is
 * the monitor thread (avb_conn_on_monitor_thread), which reads them itself.
 */
int avb_conn_take_fds(avb_conn *c, uint64_t request_id, size_t n_fds, int64_t deadline_ms,
                      bool inline_read, int *ret_fds);
/* Monitor: closes fds nobody took in time; returns the next expiry (-1: none). */
int64_t avb_conn_expire_fds(avb_conn *c);
/* Closes every kept fd (destruction). */
void avb_conn_free_fds(avb_conn *c);
struct avb_request_head; /* frame.h */
/* Monitor, nanomsg: sends what the push socket takes; true if calls remain queued. */
bool avb_conn_flush(avb_conn *c);
/*
 * The head of the oneway queue (NULL: empty) and the header of its frame in
 * *ret_h (its descriptor borrowed from the message). The monitor thread only.
 */
avb_oneway_msg *avb_conn_queue_head(avb_conn *c, struct avb_request_head *ret_h);
/*
 * Removes `m` from the queue's head after a send (r 0) or a failure for good
 * (r < 0: counted as dropped), and frees it. The monitor thread only.
 */
void avb_conn_queue_done(avb_conn *c, avb_oneway_msg *m, int r);
bool avb_conn_has_queued(avb_conn *c);
/* Unix connections: oneway calls must queue (handshake not done, or calls queued). */
bool avb_conn_queue_first(avb_conn *c);
/*
 * Free places for oneway calls: `limit` (AVB_ONEWAY_QUEUE_MAX on nanomsg,
 * what the unix socket takes on unix) less the calls queued; -EPIPE once dead.
 */
int avb_conn_room(avb_conn *c, unsigned limit, unsigned *ret_room);
/* Frees a connection nobody refers to (monitor). */
void avb_conn_destroy(avb_conn *c);
/* Counts a dropped oneway call and logs it, rate-limited. */
void avb_rt_count_drop(const char *endpoint, const char *why, unsigned n);

/* ---- binders (binder.c, client.c, callback.c) ---- */

struct avb_binder {
        atomic_int refs;
        bool local;

        /* local */
        const avb_interface_desc *iface;
        const void *ops;
        void *impl;
        void (*destroy)(void *impl);
        avb_server *home; /* first server it was added to; servers lock */
        uint32_t home_id;

        /* remote */
        avb_conn *conn;
        uint32_t object_id;
        atomic_int deadline_ms;
        bool cached; /* in proxy_cache.c */
        pthread_mutex_t pool_lock;
        int pool[AVB_REQ_POOL_MAX];
        unsigned n_pool;
};

int avb_binder_new_remote(avb_conn *conn, uint32_t object_id, avb_binder **ret);

struct avb_call {
        avb_server *server; /* NULL for a call on a local binder */
        avb_peer peer;
        bool is_final;
        bool deferred; /* the op called avb_call_defer */
        int defer_timeout_ms;
        const int *fds; /* the request's, borrowed */
        size_t n_fds;
        int reply_fds[AVB_MAX_FDS]; /* dups owned by the call until sent or closed */
        size_t n_reply_fds;
};

/*
 * Runs one request on a local object: checks the descriptor (BAD_INTERFACE),
 * answers the meta codes, rejects unknown codes (UNKNOWN_TRANSACTION), then
 * calls the generated dispatcher. *ret_reply is malloc'ed or NULL.
 */
avb_status avb_binder_dispatch(avb_binder *local, const char *descriptor, uint32_t code,
                               avb_call *call, const uint8_t *req, size_t len, uint8_t **ret_reply,
                               size_t *ret_len);

/* A two-way call through a remote binder (client.c). */
/* fds as avb_binder_transact_fds says (carried on the lifeline, conn_fds.c). */
avb_status avb_client_call(avb_binder *b, const avb_interface_desc *iface, uint32_t code,
                           const uint8_t *req, size_t len, const int *fds, size_t n_fds,
                           uint8_t **ret_reply, size_t *ret_len, int **ret_fds, size_t *ret_n_fds);
/*
 * A call through a remote binder over the unix transport (uclient.c), two-way
 * or oneway, with fds as avb_binder_transact_fds says.
 */
avb_status avb_uclient_call(avb_binder *b, const avb_interface_desc *iface, uint32_t code,
                            bool oneway, const uint8_t *req, size_t len, const int *fds,
                            size_t n_fds, uint8_t **ret_reply, size_t *ret_len, int **ret_fds,
                            size_t *ret_n_fds);
/* The unix-transport state of a connection on lifeline `fd` (duplicated, not taken). */
int avb_uclient_new(int fd, struct avb_uconn **ret);
/* Frees the unix-transport state of a connection (uclient.c); accepts NULL. */
void avb_uclient_free(struct avb_uconn *u);
/*
 * Room for oneway calls on a unix connection, on the scale of the nanomsg
 * queue (0..AVB_ONEWAY_QUEUE_MAX): the free share of the socket's send
 * buffer, 0 while the socket is not writable. -EPIPE once it is broken.
 */
int avb_uclient_room(struct avb_uconn *u, unsigned *ret_room);
/*
 * The monitor, on a unix connection: sends what the socket takes of the
 * oneway queue (conn.c's, through avb_conn_queue_head/_done); true if calls
 * remain queued.
 */
bool avb_uclient_flush(avb_conn *c);

/* Closes the proxy's pooled request sockets (client.c). */
void avb_client_pool_clear(avb_binder *b);

/*
 * proxy_cache.c, below binder.c: the proxies of avb_binder_from_wire. Find
 * (with a reference, or NULL) and add run under avb_proxy_cache_lock; add
 * marks the binder cached, and avb_binder_unref removes it (taking the lock).
 */
void avb_proxy_cache_lock(void);
void avb_proxy_cache_unlock(void);
avb_binder *avb_proxy_cache_find(const char *path, uint32_t object_id);
int avb_proxy_cache_add(avb_binder *b);
void avb_proxy_cache_remove(avb_binder *b);

/* ---- servers (server*.c) ---- */

/* A local object served by a server of this process at `url`, with a reference. */
int avb_server_find_local(const char *url, uint32_t object_id, avb_binder **ret);
/* Where a local binder is published: malloc'ed endpoint and id, or -ENOENT. */
int avb_server_home_of(const avb_binder *b, char **ret_endpoint, uint32_t *ret_id);

#endif
