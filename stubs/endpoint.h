/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_ENDPOINT_H
#define AVB_STUBS_ENDPOINT_H

/*
 * Endpoints and the files behind them. An endpoint "ipc://PATH" is served by
 *   PATH        nanomsg raw REP socket (two-way calls)
 *   PATH.1w     nanomsg PULL socket (oneway calls)
 *   PATH.life   unix SOCK_SEQPACKET listener (lifelines: identity, death)
 *   PATH.lock   flock()ed by the serving process (one server per endpoint)
 * Every path is checked here before nanomsg sees it: nanomsg aborts the
 * process on an ipc path that does not fit sun_path.
 */

#include <stddef.h>

#define AVB_IPC_PREFIX "ipc://"
#define AVB_SUFFIX_ONEWAY ".1w"
#define AVB_SUFFIX_LIFE ".life"
#define AVB_SUFFIX_LOCK ".lock"
/* sizeof(((struct sockaddr_un *)0)->sun_path) on Linux. */
#define AVB_SUN_PATH_MAX 108
#define AVB_URL_MAX (sizeof(AVB_IPC_PREFIX) + AVB_SUN_PATH_MAX)

typedef struct avb_endpoint {
        char url[AVB_URL_MAX];        /* "ipc://PATH", as given */
        char oneway_url[AVB_URL_MAX]; /* "ipc://PATH.1w" */
        char path[AVB_SUN_PATH_MAX];
        char oneway_path[AVB_SUN_PATH_MAX];
        char life_path[AVB_SUN_PATH_MAX];
        char lock_path[AVB_SUN_PATH_MAX];
} avb_endpoint;

/*
 * Splits and checks an endpoint string: -EINVAL unless "ipc://" and a
 * non-empty path, -ENAMETOOLONG when a derived path does not fit sun_path.
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
