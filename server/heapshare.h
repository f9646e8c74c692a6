/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_HEAPSHARE_H
#define AVBD_HEAPSHARE_H

/*
 * The heap socket (helper/heapshare_proto.h): hands the non-secure heap and
 * a client directory of its own to each client that may connect, and
 * answers its lookups and staged writes into buffers, from a thread of its
 * own so that the RPC loop never waits on a client's socket. At most AVBD_HEAPSHARE_MAX_CONNS
 * connections are kept; more are refused with -EUSERS.
 */

#include <stdbool.h>
#include <sys/types.h>

#define AVBD_HEAPSHARE_MAX_CONNS 1024

struct avbd_heapshare;
struct avbd_directory;
struct avb_vendor;

typedef bool (*avbd_heapshare_policy)(void *userdata, uid_t uid, gid_t gid);

/*
 * Listens at `path` (a stale socket file is replaced), handing out the
 * vendor's non-secure heap (when it has one) and writing staged bytes into
 * its buffers. `vendor` and `dir` are borrowed and must outlive the object.
 */
int avbd_heapshare_start(const char *path, struct avb_vendor *vendor, struct avbd_directory *dir,
                         avbd_heapshare_policy policy, void *userdata, struct avbd_heapshare **ret);
/* Stops the thread (waits for it), closes every connection, removes the socket; accepts NULL. */
void avbd_heapshare_stop(struct avbd_heapshare *h);

#endif
