/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_DECODER_HAL_H
#define AVBD_DECODER_HAL_H

/*
 * The published RDK decoder HALs over the decoders of decoder.c:
 *  - videodecoder_hal.c: IVideoDecoderManager, IVideoDecoder,
 *    IVideoDecoderController and the video listeners' notify table;
 *  - audiodecoder_hal.c: the same for audio;
 *  - decoder_status.c: what both share (errors to statuses, properties);
 *  - decoder_aidl.c: the objects, published and registered.
 *
 * Objects: impl of a decoder's IVideoDecoder/IAudioDecoder and of its
 * controller is its struct avbd_dec; impl of a manager is struct
 * avbd_decoders. A decoder has one controller object, made at start-up:
 * open hands it out, and it acts only for the client that opened the
 * decoder, while it is open (another client, or the decoder closed:
 * EX_ILLEGAL_STATE).
 */

#include <avbuffer/rpc.h>

#include "com_rdk_hal.h"
#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_videodecoder.h"
#include "decoder_core.h"

extern const com_rdk_hal_videodecoder_IVideoDecoderManager_ops avbd_video_manager_ops;
extern const com_rdk_hal_videodecoder_IVideoDecoder_ops avbd_video_decoder_ops;
extern const com_rdk_hal_videodecoder_IVideoDecoderController_ops avbd_video_controller_ops;
extern const struct avbd_dec_notify_ops avbd_video_notify;

extern const com_rdk_hal_audiodecoder_IAudioDecoderManager_ops avbd_audio_manager_ops;
extern const com_rdk_hal_audiodecoder_IAudioDecoder_ops avbd_audio_decoder_ops;
extern const com_rdk_hal_audiodecoder_IAudioDecoderController_ops avbd_audio_controller_ops;
extern const struct avbd_dec_notify_ops avbd_audio_notify;

/* decoder_status.c */

/* The status a decoder call's 0 or -errno becomes; what names the call. */
avb_status avbd_dec_status(int e, const char *what);
/* The calling client. */
uint64_t avbd_dec_caller(avb_call *call);
/* *ret = a new PropertyValue holding intValue v; false: no memory. */
bool avbd_int_property(int32_t v, com_rdk_hal_PropertyValue **ret);
/* The intValue of a property value: -EINVAL when it holds something else. */
int avbd_int_of(const com_rdk_hal_PropertyValue *v, int32_t *ret);
/* Whether v is a com.rdk.hal.AVSource: unknown, the broadcast and IP ranges, HDMI. */
bool avbd_av_source_valid(int32_t v);
/* Whether the decoder's ids include dec (for the manager's lookups). */
struct avbd_dec *avbd_find_decoder(struct avbd_decoders *d, enum avb_media_kind kind, int32_t id);
/* The ids of the decoders of kind, malloc'ed. */
int avbd_decoder_ids(struct avbd_decoders *d, enum avb_media_kind kind, int32_t **ret,
                     size_t *ret_n);

/*
 * Ops of IVideoDecoder/IAudioDecoder (impl: the decoder) and of their
 * controllers (impl: a struct avbd_ctl) that are the same for both packages.
 */
avb_status avbd_hal_listen(void *impl, avb_call *call, avb_binder *l, bool *ret);
avb_status avbd_hal_unlisten(void *impl, avb_call *call, avb_binder *l, bool *ret);
avb_status avbd_hal_start(void *impl, avb_call *call);
avb_status avbd_hal_stop(void *impl, avb_call *call);
avb_status avbd_hal_flush(void *impl, avb_call *call, bool reset);
avb_status avbd_hal_discontinuity(void *impl, avb_call *call);
/* IVideoDecoder/IAudioDecoder.close: controller must be one of this decoder's (controller_desc). */
avb_status avbd_hal_close(void *impl, avb_call *call, avb_binder *controller,
                          const avb_interface_desc *controller_desc, bool *ret);

#endif
