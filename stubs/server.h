/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_SERVER_H
#define AVB_STUBS_SERVER_H

/*
 * The inside of avb_server, shared by server.c (setup, objects),
 * server_loop.c (event loop, client lifelines), server_client.c (client
 * records and their processes), server_request.c (one request) and
 * server_uconn.c (the unix transport's connections).
 * Everything but the object table and the close eventfd belongs to the
 * thread running avb_server_run().
 */

#include "frame.h"
#include "internal.h"
#include "reply_cache.h"
#include "testing.h"
#include "transport.h"

/*
 * A client process: the lifelines with its client id (none while detached)
 * and, as long as the process lives, what the service keeps for it.
 */
typedef struct server_client {
        struct server_client *next;
        avb_peer peer;
        unsigned n_lifelines;
        int pidfd;                    /* the process, or -1: the last lifeline's close ends it */
        uint64_t detach_seq;          /* 0 while a lifeline is open, else order of detaching */
        bool broken;                  /* broke the lifeline protocol: gone with its last lifeline */
        unsigned fds_held;            /* received fds kept in its deferred calls and fds_ahead */
        struct server_fds *fds_ahead; /* ipc://: fds come before their request */
        avb_reply_cache *cache;
} server_client;

/* ipc://: the fds of one call, read from the lifeline, waiting for their request. */
typedef struct server_fds {
        struct server_fds *next;
        uint64_t request_id;
        int64_t expires_ms;
        size_t n_fds;
        int fds[AVB_MAX_FDS];
} server_fds;

/* Per-client cap on fds the server holds for it (deferred calls, queued replies). */
#define AVB_FDS_PER_CLIENT 128

typedef struct server_uconn server_uconn;

typedef struct server_lifeline {
        struct server_lifeline *next;
        int fd;
        uint64_t serial;           /* never reused: how replies find their connection */
        server_uconn *u;           /* unix transport: the connection's traffic, else NULL */
        avb_peer creds;            /* SO_PEERCRED at accept */
        server_client *client;     /* NULL until the hello was accepted */
        int64_t hello_deadline_ms; /* closed if still without a client by then */
        int fds_error;             /* ipc://: its fds packets broke the rules: close it */
} server_lifeline;

/* Where a reply goes. */
typedef struct server_route {
        bool oneway;       /* nowhere */
        avb_tp_header hdr; /* nanomsg two-way: the routing header (updated by resends) */
        uint64_t line;     /* unix: serial of the connection it came on; 0 on nanomsg */
        uint32_t flags;    /* the method's AVB_METHOD_* (SENSITIVE: buffers zeroed) */
} server_route;

/* A two-way (or oneway) call kept by avb_call_defer. */
typedef struct server_deferred {
        struct server_deferred *next;
        avb_frame_request req; /* its payload points at `payload` below */
        uint64_t client_id;
        server_route route;
        int fds[AVB_MAX_FDS]; /* the request's, owned until the call is answered */
        size_t n_fds;
        int64_t deadline_ms;
        uint8_t payload[];
} server_deferred;

struct avb_server {
        avb_endpoint ep;
        size_t max_message;
        bool (*accept)(void *userdata, const avb_peer *peer);
        void (*client_gone)(void *userdata, const avb_peer *peer);
        void *userdata;
        uint64_t incarnation;

        int lock_fd;
        int life_fd;
        int rep_sock, rep_fd;
        int pull_sock, pull_fd;
        int close_efd;

        pthread_mutex_t objects_lock;
        avb_binder **objects;
        uint32_t n_objects, cap_objects;

        server_client *clients;
        unsigned n_detached;     /* clients without a lifeline whose process lives */
        uint64_t detach_counter; /* last detach_seq given */
        server_lifeline *lifelines;
        uint64_t line_counter;          /* last serial given */
        unsigned n_pending;             /* lifelines waiting for their hello */
        int64_t accept_paused_until_ms; /* 0, or listener not polled until then */
        unsigned poll_spin_us;          /* avb_server_set_poll_spin */
        server_deferred *deferred;
        bool retry_pending;
        avb_server_stats stats;

        struct avb_server *next_registered; /* server.c's registry */
};

/* server.c: object `id` with a reference, or NULL. */
avb_binder *avb_server_object(avb_server *s, uint32_t id);

/* server_client.c: client records (loop thread). */
/* life_fd: the lifeline of the hello, whose peer gives the pidfd. */
int avb_server_client_add(avb_server *s, const avb_peer *peer, int life_fd, server_client **ret);
/* Frees a record, not listed any more, without calling client_gone; accepts NULL. */
void avb_server_client_free(server_client *c);
/* A lifeline was accepted for `c`: attaches it again if it was detached. */
void avb_server_client_attach(avb_server *s, server_client *c);
/*
 * The last lifeline of `c` closed: `c` is kept, detached, while its process
 * lives (other detached records may be evicted, see server_client.c), else
 * it is gone. `c` may be freed on return.
 */
void avb_server_client_detach(avb_server *s, server_client *c);
/* True when the process of `c` has exited (or cannot be watched). */
bool avb_server_client_exited(const server_client *c);
/* Unlists and frees `c`, dropping its deferred calls, after the client_gone hook. */
void avb_server_client_gone(avb_server *s, server_client *c);

/* The record of client `client_id`, or NULL. */
static inline server_client *avb_server_find_client(avb_server *s, uint64_t client_id)
{
        for (server_client *c = s->clients; c; c = c->next)
                if (c->peer.client_id == client_id)
                        return c;
        return NULL;
}

/* server_request.c */
/*
 * A request from the REP socket (hdr set), the PULL socket (hdr NULL), or a
 * unix connection (`line` set, `fds` the n_fds received with it, taken: every
 * one is closed or kept by a deferred call).
 */
void avb_server_handle_request(avb_server *s, const avb_tp_header *hdr, server_lifeline *line,
                               const void *data, size_t len, int *fds, size_t n_fds);
/* Runs deferred calls that are due or asked to retry. */
void avb_server_run_deferred(avb_server *s);

/* server_deferred.c: the queue of deferred calls (loop thread). */
/*
 * Keeps a copy of `req` (its payload too) and its fds (taken on success) for a
 * later dispatch: 0, -EMFILE, -ENOMEM.
 */
int avb_server_defer(avb_server *s, server_client *c, const avb_frame_request *req,
                     const server_route *rt, const int *fds, size_t n_fds, int64_t deadline_ms);
/* A resend of a request that is still deferred: true, and its answer goes the new route. */
bool avb_server_refresh_deferred(avb_server *s, uint64_t client_id, uint64_t request_id,
                                 const avb_tp_header *hdr);
/* Unlists every deferred call (the caller keeps or frees each) and clears retry_pending. */
server_deferred *avb_server_take_deferred(avb_server *s, bool *ret_retry);
/* Appends `d` to the queue again. */
void avb_server_keep_deferred(avb_server *s, server_deferred *d);
/* poll() timeout until the next deferred call is due (-1: none). */
int avb_server_deferred_timeout(const avb_server *s);
void avb_server_drop_deferred(avb_server *s, uint64_t client_id);
void avb_server_free_deferred(avb_server *s);

/* server_fds.c: fds of ipc:// calls, carried on the lifelines (loop thread). */
/*
 * Reads the fds packets waiting on `l` into its client's fds_ahead: 0, or
 * -EPIPE/-EPROTO/-EMFILE (over AVB_FDS_PER_CLIENT) also left in l->fds_error.
 */
int avb_server_fds_read(avb_server *s, server_lifeline *l);
/*
 * Takes the fds sent ahead for request `request_id` of `c` (reading its
 * lifelines first): their count (0 when none came) into ret_fds (room for
 * AVB_MAX_FDS).
 */
size_t avb_server_fds_take(avb_server *s, server_client *c, uint64_t request_id, int *ret_fds);
/* Sends a reply's fds (borrowed) on a lifeline of `c`: 0 or -errno. */
int avb_server_fds_send(avb_server *s, server_client *c, uint64_t request_id, const int *fds,
                        size_t n_fds);
/* Closes fds whose request did not come in time; returns the next expiry (-1: none). */
int64_t avb_server_fds_expire(avb_server *s);
/* Closes all of `c`'s waiting fds. */
void avb_server_fds_free(server_client *c);

/* server_uconn.c: unix connections (loop thread). */
server_uconn *avb_server_uconn_new(void);
void avb_server_uconn_free(server_uconn *u); /* closes queued fds; accepts NULL */
/*
 * Reads the next whole request from `l`: 1 with it (*ret_buf malloc'ed, the
 * caller's, and its fds in ret_fds[AVB_MAX_FDS], taken), 0 when none is
 * waiting, or -EPIPE (the client closed, everything read) or another -errno
 * (it broke the protocol, its reply queue overflowed): the caller closes `l`.
 */
int avb_server_uconn_next(avb_server *s, server_lifeline *l, uint8_t **ret_buf, size_t *ret_len,
                          int *ret_fds, size_t *ret_n_fds);
/* -ENOBUFS once a reply to `l` overflowed its queue (close it), else 0. */
int avb_server_uconn_status(const server_lifeline *l);
/* Sends what is queued for `l` (POLLOUT): 0 or -errno (close it). */
int avb_server_uconn_flush(avb_server *s, server_lifeline *l);
bool avb_server_uconn_wants_out(const server_lifeline *l);
/*
 * Sends (or queues) a reply on the connection with serial `line`; takes the
 * fds. Dropped, fds closed, when the connection has gone; a queue over its
 * bound condemns the connection (closed by the loop after the read).
 */
void avb_server_usend(avb_server *s, uint64_t line, const uint8_t *buf, size_t len, int *fds,
                      size_t n_fds);

#endif
