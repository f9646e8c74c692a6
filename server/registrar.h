/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_REGISTRAR_H
#define AVBD_REGISTRAR_H

/*
 * avbufferd's names at the service manager, kept registered from a thread of
 * their own while the server serves: a name another process holds, a policy
 * that refuses it, or a service manager that is down or restarting never
 * stops avbufferd. The thread retries with back-off (AVBD_REGISTRAR_MIN_MS
 * doubling to AVBD_REGISTRAR_MAX_MS), logs each new reason once and logs
 * when it has the name; when the service manager goes away it registers
 * every name again with the next one.
 *
 * Ownership: names are copied. Errors: 0 or -errno; ret_* untouched on failure.
 */

#include <stddef.h>
#include <stdint.h>

#include <avbuffer/rpc.h>

#define AVBD_REGISTRAR_MIN_MS    50
#define AVBD_REGISTRAR_MAX_MS    2000
#define AVBD_REGISTRAR_MAX_NAMES 8

struct avbd_registration {
        const char *name;
        uint32_t object_id; /* on the server */
};

struct avbd_registrar;

/* Starts registering regs[0..n) (in that order) as served by server (borrowed). */
int avbd_registrar_start(avb_server *server, const struct avbd_registration *regs, size_t n,
                         struct avbd_registrar **ret);
/* Stops the thread (waits for a call in flight) and frees; accepts NULL. */
void avbd_registrar_stop(struct avbd_registrar *r);

#endif
