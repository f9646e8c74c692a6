/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The secure heap's copier process, seen from the server (heap_copier_main.c
 * says what the process is and why it exists).
 *
 * A copier is an accelerator with a fallback, never a point of failure:
 * every call that cannot be carried out in the process returns -ENODEV and
 * the caller does the work itself the slow way (pwrite, an access window).
 * A process that dies, hangs up, or takes longer than
 * AVB_COPIER_TIMEOUT_MS to answer is killed and reaped before the call
 * returns, so a stalled copier can never write into a range the caller has
 * since handed to someone else. A new one is started at the next write,
 * zero or attach at least AVB_COPIER_RESTART_MS after that (doubling while
 * starts fail), and every source and live buffer is told to it again.
 *
 * The program is $AVB_HEAP_COPIER, or the installed avb-heap-copier.
 *
 * Locking: all calls are thread-safe and serialised by the copier's own
 * mutex; a call holds it while the process answers, which may wait behind
 * one client request per client connection (each at most
 * AVB_COPIER_MAX_LEN bytes) and never longer than AVB_COPIER_TIMEOUT_MS.
 */
#ifndef AVB_VENDOR_HEAP_COPIER_H
#define AVB_VENDOR_HEAP_COPIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "heap_copier_map.h"
#include "heap_copier_proto.h"

#define AVB_COPIER_TIMEOUT_MS 500
#define AVB_COPIER_RESTART_MS 1000

struct avb_copier;

/*
 * Start a copier for the heap behind heap_fd (borrowed; the process gets its
 * own copy). Errors: -ENOENT and the like when the program cannot be
 * started or does not come up; the caller then goes on without one.
 */
int avb_copier_new(int heap_fd, struct avb_copier **ret_copier);
/* Stop the process (killed, reaped) and free; accepts NULL. */
void avb_copier_free(struct avb_copier *c);

/*
 * Register source slot id (0..AVB_COPIER_MAX_SOURCES-1, chosen by the
 * caller) as size bytes of the memfd fd (borrowed; the copier keeps a
 * duplicate). client: -1, or a connection whose peer the source's client
 * holds (heap_copier_proto.h); it is handed to the running process and
 * closed here either way. Returns 1 when the process took the connection,
 * 0 when not (the process is down: the slot is attached, without it, when
 * one comes up), or -EINVAL (slot in use or out of range), -EMFILE.
 */
int avb_copier_attach(struct avb_copier *c, unsigned id, int fd, size_t size, int client);
/* Unregister slot id (its client connection ends); no-op for a free slot. */
void avb_copier_detach(struct avb_copier *c, unsigned id);

/*
 * The heap's live buffers, which client connections may write into: handle
 * at heap offset off, size bytes (live adds or updates, gone removes).
 * Kept here as well, for a process started later. live: 0, -EINVAL
 * (handle 0), -ENOSPC (table full: clients then get -ENOENT for it and go
 * through avbufferd).
 */
int avb_copier_live(struct avb_copier *c, int64_t handle, size_t off, size_t size);
void avb_copier_gone(struct avb_copier *c, int64_t handle);

/*
 * Copy len bytes at src_off of source id to heap offset dst_off, or zero
 * len heap bytes at dst_off; len at most AVB_COPIER_MAX_LEN. 0, -ENODEV
 * (do it yourself), or -EINVAL (a range the process refused: a caller bug).
 */
int avb_copier_write(struct avb_copier *c, size_t dst_off, unsigned id, size_t src_off, size_t len);
int avb_copier_zero(struct avb_copier *c, size_t dst_off, size_t len);

/* For tests: the process's pid, or -1 while none runs. */
pid_t avb_copier_pid(struct avb_copier *c);

#endif /* AVB_VENDOR_HEAP_COPIER_H */
