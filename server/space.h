/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_SPACE_H
#define AVBD_SPACE_H

/*
 * Delivery of IAVBufferSpaceListener.onSpaceAvailable: the callbacks each
 * pool owes its listener, handed to the RPC runtime only as fast as the
 * listener's process takes them, so that none is dropped and the service
 * never waits on a listener.
 *
 * Every fired request adds one owed callback (avbd_space_owe); the
 * avbd_space_flush that follows sends at once what the oneway queue toward
 * the listener's process takes, leaving
 * AVBD_SPACE_QUEUE_RESERVE places of that queue to the process's other
 * listeners (a decoder's frames, say). What does not fit stays owed, and the
 * module's thread tries again, every AVBD_SPACE_RETRY_MIN_MS at first, backing
 * off to AVBD_SPACE_RETRY_MAX_MS while a listener takes nothing (a stopped
 * process), until all is sent. Owed callbacks are dropped only when the
 * pool's listener is forgotten (destroyPool, reclaim after client death) or
 * its process has gone.
 *
 * Locking: every function is thread-safe, takes only this module's locks and
 * never blocks on a listener. avbd_space_owe and avbd_space_owed may be
 * called under the caller's locks; avbd_space_flush and avbd_space_forget
 * must not be (a send of a local listener runs that listener on the
 * sending thread, and forget waits for a send in progress).
 * Errors: 0 or -errno.
 */

#include <stdint.h>

#include <avbuffer/rpc.h>

#define AVBD_SPACE_QUEUE_RESERVE (AVB_ONEWAY_QUEUE_LIMIT / 2)
#define AVBD_SPACE_RETRY_MIN_MS  5
#define AVBD_SPACE_RETRY_MAX_MS  100

struct avbd_space;

/* Starts the retry thread. Errors: -ENOMEM, or pthread_create's. */
int avbd_space_new(struct avbd_space **ret);
/* Stops the thread; owed callbacks are dropped. Accepts NULL. */
void avbd_space_free(struct avbd_space *sp);

/*
 * n more callbacks owed by `pool` to `listener` (borrowed; referenced while
 * owed). A listener other than the one pool owed to before replaces it, and
 * what the old one was owed is dropped. Sends nothing: see avbd_space_flush.
 */
void avbd_space_owe(struct avbd_space *sp, int8_t pool, avb_binder *listener, uint64_t n);
/* Sends what `pool` owes and the queue takes now; the retry thread sends the rest. */
void avbd_space_flush(struct avbd_space *sp, int8_t pool);
/* Drops what `pool` owes; once this returns, no callback of it is sent. */
void avbd_space_forget(struct avbd_space *sp, int8_t pool);
/* Callbacks `pool` owes that are not yet handed to the runtime. */
uint64_t avbd_space_owed(struct avbd_space *sp, int8_t pool);

#endif
