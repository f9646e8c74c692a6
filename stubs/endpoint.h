/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_ENDPOINT_H
#define AVB_STUBS_ENDPOINT_H

/*
 * Endpoints and the files behind them. An endpoint "ipc://PATH" is served by
 *   PATH        nanomsg raw REP socket (two-way calls)
 *   PATH.1w     nanomsg PULL socket (oneway calls)
 *   PATH.life   unix SOCK_SEQPACKET listener (lifelines: identity, death)
 *   PATH.lock   flock()ed by the serving process (one server per endpoint)
 * An endpoint "unix://PATH" (the unix transport, uconn.h) is served by
 *   PATH        unix SOCK_SEQPACKET listener: one connection per client
 *               process carries its hello, requests, replies and fds
 *   PATH.lock   as above
 * Every path is checked here before nanomsg sees it: nanomsg aborts the
 * process on an ipc path that does not fit sun_path.
 */

#include <stdbool.h>
#include <stddef.h>

#define AVB_IPC_PREFIX    "ipc://"
#define AVB_UNIX_PREFIX   "unix://"
#define AVB_SUFFIX_ONEWAY ".1w"
#define AVB_SUFFIX_LIFE   ".life"
#define AVB_SUFFIX_LOCK   ".lock"
/* sizeof(((struct sockaddr_un *)0)->sun_path) on Linux. */
#define AVB_SUN_PATH_MAX 108
#define AVB_URL_MAX      (sizeof(AVB_UNIX_PREFIX) + AVB_SUN_PATH_MAX)

typedef struct avb_endpoint {
        bool is_unix;                 /* unix://: the unix transport, no nanomsg */
        char url[AVB_URL_MAX];        /* "ipc://PATH" or "unix://PATH", as given */
        char oneway_url[AVB_URL_MAX]; /* "ipc://PATH.1w"; empty for unix:// */
        char path[AVB_SUN_PATH_MAX];
        char oneway_path[AVB_SUN_PATH_MAX];
        char life_path[AVB_SUN_PATH_MAX]; /* PATH.life; for unix:// PATH itself */
        char lock_path[AVB_SUN_PATH_MAX];
} avb_endpoint;

/*
 * Splits and checks an endpoint string: -EINVAL unless "ipc://" or "unix://"
 * and a non-empty path, -ENAMETOOLONG when a derived path does not fit sun_path.
 */
int avb_endpoint_parse(const char *endpoint, avb_endpoint *ret);

/* Creates the endpoint's directory (and missing parents) with mode 0750. */
int avb_endpoint_make_dir(const avb_endpoint *ep);

/* Takes PATH.lock: -EADDRINUSE when another process serves the endpoint. */
int avb_endpoint_lock(const avb_endpoint *ep, int *ret_fd);

/* Makes a socket file reachable by owner and group only (0660). */
int avb_endpoint_restrict(const char *path);

/* Removes the socket files and the lock file (the lock must be held). */
void avb_endpoint_unlink(const avb_endpoint *ep);

#endif
