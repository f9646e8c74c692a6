/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_DECODER_SERVICE_H
#define AVBD_DECODER_SERVICE_H

/*
 * The decoder services of avbufferd (decoder_aidl.c): IVideoDecoderManager
 * and IAudioDecoderManager, registered with the service manager as
 * "VideoDecoderManager" and "AudioDecoderManager", and one IVideoDecoder or
 * IAudioDecoder per decoder the profile declares (audio UNDEFINED is not a
 * decoder), all on avbufferd's server after IAVBuffer's objects.
 */

#include <avbuffer/rpc.h>

#include "decoder_core.h"
#include "registrar.h"

struct avbd_decoder_service;

/* vpu may be NULL (every open then fails with INVALID_RESOURCE). */
int avbd_decoder_service_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                             struct avb_vpu *vpu, struct avbd_decoder_service **ret);
void avbd_decoder_service_free(struct avbd_decoder_service *ds); /* accepts NULL */
/* Add the managers, then the decoders, to server. */
int avbd_decoder_service_publish(struct avbd_decoder_service *ds, avb_server *server);
/* The managers' service names and object ids (once published), for the registrar. */
void avbd_decoder_service_names(const struct avbd_decoder_service *ds,
                                struct avbd_registration ret_regs[2]);
/* Call before the client's pools are reclaimed; accepts NULL ds. */
void avbd_decoder_service_client_gone(struct avbd_decoder_service *ds, uint64_t client_id);

#endif
