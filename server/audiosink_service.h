/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_AUDIOSINK_SERVICE_H
#define AVBD_AUDIOSINK_SERVICE_H

/*
 * The audio sink service of avbufferd (audiosink_hal.c): the published
 * Audio Sink HAL (com.rdk.hal.audiosink). IAudioSinkManager, registered as
 * "AudioSinkManager"; one IAudioSink per audio decoder the profile declares
 * (same ids), each with AVBD_ASINK_CONTROLLERS controller objects used in
 * turn by its opens, a controller acting only for the open that returned it.
 *
 * The sinks are those of videosink.h made with kind AVB_MEDIA_AUDIO: the
 * vendor's presenting engine per audio decoder ("audio-sink-N", read by
 * `avbufctl sink`), paced by the attached AV clock, which hears of each
 * presented frame as from the audio side (AUDIO_MASTER follows it).
 *
 * What is presented and summed is the frame's PCM as the decoder wrote it:
 * PcmLayout.frameBytes bytes (avb.avbuffer.PcmLayout in the metadata's
 * extension; the whole block without one). Volume and mute are kept and
 * reported (a ramp moves along its curve as getVolume reads it) but change
 * no byte: there is no speaker, the checksums are of the decoded stream,
 * and no WAV file is written.
 */

#include <avbuffer/rpc.h>

#include "registrar.h"
#include "videosink.h"

#define AVBD_ASINK_CONTROLLERS 8

struct avbd_audiosink_service;
struct avbd_clocks;

/* clocks: borrowed, outlives the service; NULL: no clock can be attached. */
int avbd_audiosink_service_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                               struct avbd_clocks *clocks, struct avbd_audiosink_service **ret);
void avbd_audiosink_service_free(struct avbd_audiosink_service *as); /* accepts NULL */
int avbd_audiosink_service_publish(struct avbd_audiosink_service *as, avb_server *server);
/* The manager's service name and object id (once published), for the registrar. */
struct avbd_registration avbd_audiosink_service_name(const struct avbd_audiosink_service *as);
/* Stop and close the client's sinks (their frames freed); accepts NULL as. */
void avbd_audiosink_service_client_gone(struct avbd_audiosink_service *as, uint64_t client_id);

#endif
