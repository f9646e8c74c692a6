/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_AVCLOCK_SERVICE_H
#define AVBD_AVCLOCK_SERVICE_H

/*
 * The AV Clock HAL of avbufferd (avclock_hal.c): IAVClockManager,
 * registered with the service manager as "AVClockManager", one IAVClock
 * and one IAVClockController object per clock of avclock.h (AVBD_CLOCKS of
 * them, ids 0 and 1), all on avbufferd's server after the decoders'
 * objects.
 *
 * A clock's controller object is made at start-up, handed out by open,
 * and acts only for the client that opened the clock, while it is open
 * (another client, or the clock closed: EX_ILLEGAL_STATE).
 * Errors: 0 or -errno.
 */

#include <avbuffer/rpc.h>

#include "avclock.h"
#include "registrar.h"

struct avbd_clock_service;

int avbd_clock_service_new(size_t n_clocks, struct avbd_clock_service **ret);
void avbd_clock_service_free(struct avbd_clock_service *cs); /* accepts NULL */
/* The clocks, for the sinks (borrowed: lives as long as the service). */
struct avbd_clocks *avbd_clock_service_clocks(struct avbd_clock_service *cs);
/* Add the manager, then each clock and its controller, to server. */
int avbd_clock_service_publish(struct avbd_clock_service *cs, avb_server *server);
/* The manager's service name and object id (once published). */
void avbd_clock_service_name(const struct avbd_clock_service *cs,
                             struct avbd_registration *ret_reg);
/* The client has gone: its clocks are stopped and closed. Accepts NULL. */
void avbd_clock_service_client_gone(struct avbd_clock_service *cs, uint64_t client_id);

#endif
