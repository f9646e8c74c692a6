/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_SERVICE_H
#define AVBD_SERVICE_H

/*
 * avbufferd's objects: IAVBuffer (object 0), IBufferCopier (object 1) and
 * IAVBufferControl (object 2), all on top of one vendor layer.
 *
 * Calls arrive on the RPC loop thread. Space requests may fire on the loop
 * thread, the reclaim thread or a decoder's worker; the listener table has
 * its own lock for that. The callbacks they owe are sent oneway, no faster
 * than the listener's process reads them, and the rest later (space.h), so
 * a slow or stopped listener never holds up the service nor loses one.
 */

#include <stdbool.h>

#include <avbuffer/rpc.h>

#include "profile.h"
#include "vendor.h"

struct avbd_service;

/* Grace a dead client's pools get for buffers handed to other processes. */
#define AVBD_RECLAIM_GRACE_MS 1000

/* Builds the vendor layer from the profile (borrowed; must outlive the service). */
int avbd_service_new(const struct avbd_profile *profile, struct avbd_service **ret);
void avbd_service_free(struct avbd_service *s); /* accepts NULL */

#define AVBD_N_OBJECTS 3

/* Publishes the three objects on `server`, in object-id order. */
int avbd_service_publish(struct avbd_service *s, avb_server *server);
/* The local binder of object 0..2 (borrowed), for in-process use and tests. */
avb_binder *avbd_service_object(struct avbd_service *s, uint32_t object_id);

/* A client process has gone: its pools are destroyed (see AVBD_RECLAIM_GRACE_MS). */
void avbd_service_client_gone(struct avbd_service *s, const avb_peer *peer);

struct avb_vendor *avbd_service_vendor(struct avbd_service *s);

#endif
