/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_SERVER_H
#define AVB_STUBS_SERVER_H

/*
 * The inside of avb_server, shared by server.c (setup, objects),
 * server_loop.c (event loop, client lifelines), server_client.c (client
 * records and their processes) and server_request.c (one request).
 * Everything but the object table and the close eventfd belongs to the
 * thread running avb_server_run().
 */

#include "avb_wire.pb-c.h"
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
        int pidfd;           /* the process, or -1: the last lifeline's close ends it */
        uint64_t detach_seq; /* 0 while a lifeline is open, else order of detaching */
        bool broken;         /* broke the lifeline protocol: gone with its last lifeline */
        avb_reply_cache *cache;
} server_client;

typedef struct server_lifeline {
        struct server_lifeline *next;
        int fd;
        avb_peer creds;         /* SO_PEERCRED at accept */
        server_client *client;  /* NULL until the hello was accepted */
        int64_t hello_deadline_ms; /* closed if still without a client by then */
} server_lifeline;

/* A two-way (or oneway) call kept by avb_call_defer. */
typedef struct server_deferred {
        struct server_deferred *next;
        Avb__Request *req;
        uint64_t client_id;
        bool oneway;
        avb_tp_header hdr; /* where the reply goes; updated by resends */
        int64_t deadline_ms;
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
        unsigned n_pending;              /* lifelines waiting for their hello */
        int64_t accept_paused_until_ms;  /* 0, or listener not polled until then */
        server_deferred *deferred;
        bool retry_pending;
        avb_server_stats stats;

        struct avb_server *next_registered; /* server.c's registry */
};

/* server.c: object `id` with a reference, or NULL. */
avb_binder *avb_server_object(avb_server *s, uint32_t id);

/* server_client.c: client records (loop thread). */
int avb_server_client_add(avb_server *s, const avb_peer *peer, server_client **ret);
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

/* server_request.c */
server_client *avb_server_find_client(avb_server *s, uint64_t client_id);
/* A request from the REP socket (hdr set) or the PULL socket (hdr NULL). */
void avb_server_handle_request(avb_server *s, const avb_tp_header *hdr, const void *data,
                               size_t len);
/* Runs deferred calls that are due or asked to retry. */
void avb_server_run_deferred(avb_server *s);
/* poll() timeout until the next deferred call is due (-1: none). */
int avb_server_deferred_timeout(const avb_server *s);
void avb_server_drop_deferred(avb_server *s, uint64_t client_id);
void avb_server_free_deferred(avb_server *s);

#endif
