/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_VIDEOSINK_SERVICE_H
#define AVBD_VIDEOSINK_SERVICE_H

/*
 * The video sink service of avbufferd (videosink_hal.c): IVideoSinkManager,
 * registered with the service manager as "VideoSinkManager", and one
 * IVideoSink and one IVideoSinkController per video decoder the profile
 * declares (same ids), published after the decoders' objects.
 */

#include <avbuffer/rpc.h>

#include "registrar.h"
#include "videosink.h"

struct avbd_videosink_service;

/* clocks: borrowed, outlives the service; NULL: no clock can be attached. */
struct avbd_clocks;
int avbd_videosink_service_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                               struct avbd_clocks *clocks, struct avbd_videosink_service **ret);
void avbd_videosink_service_free(struct avbd_videosink_service *vs); /* accepts NULL */
int avbd_videosink_service_publish(struct avbd_videosink_service *vs, avb_server *server);
/* The manager's service name and object id (once published), for the registrar. */
struct avbd_registration avbd_videosink_service_name(const struct avbd_videosink_service *vs);
/* Stop and close the client's sinks; accepts NULL vs. */
void avbd_videosink_service_client_gone(struct avbd_videosink_service *vs, uint64_t client_id);

/*
 * Shared with the audio sink service (audiosink_hal.c): a sink call's
 * -errno as the HAL's status, and the AV clocks as a set of sinks of kind
 * reads them (priming and presentation reported as from that kind; all
 * NULL when clocks is NULL).
 */
avb_status avbd_sink_status(int e, const char *what);
struct avbd_vsink_clocks avbd_sink_clocks(struct avbd_clocks *clocks, enum avb_media_kind kind);

#endif
