/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder services (decoder_service.h): the managers, one decoder
 * object and one controller object per decoder, made at start-up and
 * published in that order right after IAVBuffer's objects; the managers are
 * registered with the service manager under the published service names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "decoder_hal.h"
#include "decoder_service.h"

/* ---- the service ----------------------------------------------------------- */

struct avbd_decoder_service {
        struct avbd_decoders *decoders;
        avb_binder *managers[2]; /* [kind] */
        uint32_t manager_ids[2]; /* their object ids */
        avb_binder **objects;    /* per decoder: its object, then its controllers */
        size_t n_objects;
};

/* The decoder's object and its controller objects, appended to ds->objects. */
static int make_objects(struct avbd_decoder_service *ds, struct avbd_dec *dec)
{
        bool video = avbd_dec_kind(dec) == AVB_MEDIA_VIDEO;
        avb_binder **o = &ds->objects[ds->n_objects];
        int e = video ? com_rdk_hal_videodecoder_IVideoDecoder_new_local(&avbd_video_decoder_ops,
                                                                         dec, NULL, &o[0])
                      : com_rdk_hal_audiodecoder_IAudioDecoder_new_local(&avbd_audio_decoder_ops,
                                                                         dec, NULL, &o[0]);

        if (e < 0)
                return e;
        ds->n_objects++;
        avbd_dec_set_binder(dec, o[0]);
        for (size_t k = 0; k < AVBD_DEC_CONTROLLERS; k++) {
                struct avbd_ctl *ctl = avbd_dec_controller_slot(dec, k);

                e = video ? com_rdk_hal_videodecoder_IVideoDecoderController_new_local(
                                &avbd_video_controller_ops, ctl, NULL, &o[1 + k])
                          : com_rdk_hal_audiodecoder_IAudioDecoderController_new_local(
                                &avbd_audio_controller_ops, ctl, NULL, &o[1 + k]);
                if (e < 0)
                        return e;
                ds->n_objects++;
                avbd_dec_set_controller(dec, k, o[1 + k]);
        }
        return 0;
}

int avbd_decoder_service_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                             struct avb_vpu *vpu, struct avbd_decoder_service **ret)
{
        static const struct avbd_dec_notify_ops *const notify[2] = {
            [AVB_MEDIA_AUDIO] = &avbd_audio_notify,
            [AVB_MEDIA_VIDEO] = &avbd_video_notify,
        };
        struct avbd_decoder_service *ds = calloc(1, sizeof(*ds));
        int e;

        if (!ds)
                return -ENOMEM;
        e = avbd_decoders_new(profile, vendor, vpu, notify, &ds->decoders);
        if (e == 0)
                ds->objects =
                    calloc((1 + AVBD_DEC_CONTROLLERS) * avbd_decoders_count(ds->decoders) + 1,
                           sizeof(avb_binder *));
        if (e == 0 && !ds->objects)
                e = -ENOMEM;
        if (e == 0)
                e = com_rdk_hal_videodecoder_IVideoDecoderManager_new_local(
                    &avbd_video_manager_ops, ds->decoders, NULL, &ds->managers[AVB_MEDIA_VIDEO]);
        if (e == 0)
                e = com_rdk_hal_audiodecoder_IAudioDecoderManager_new_local(
                    &avbd_audio_manager_ops, ds->decoders, NULL, &ds->managers[AVB_MEDIA_AUDIO]);
        for (size_t i = 0; e == 0 && i < avbd_decoders_count(ds->decoders); i++)
                e = make_objects(ds, avbd_decoders_at(ds->decoders, i));
        if (e < 0) {
                avbd_decoder_service_free(ds);
                return e;
        }
        *ret = ds;
        return 0;
}

void avbd_decoder_service_free(struct avbd_decoder_service *ds)
{
        if (!ds)
                return;
        avbd_decoders_free(ds->decoders);
        for (size_t i = 0; i < ds->n_objects; i++)
                avb_binder_unref(ds->objects[i]);
        avb_binder_unref(ds->managers[0]);
        avb_binder_unref(ds->managers[1]);
        free(ds->objects);
        free(ds);
}

int avbd_decoder_service_publish(struct avbd_decoder_service *ds, avb_server *server)
{
        int e = 0;

        for (int k = AVB_MEDIA_VIDEO; k >= AVB_MEDIA_AUDIO && e == 0; k--)
                e = avb_server_add(server, ds->managers[k], &ds->manager_ids[k]);
        for (size_t i = 0; i < ds->n_objects && e == 0; i++)
                e = avb_server_add(server, ds->objects[i], NULL);
        return e;
}

void avbd_decoder_service_names(const struct avbd_decoder_service *ds,
                                struct avbd_registration ret_regs[2])
{
        ret_regs[0] =
            (struct avbd_registration){com_rdk_hal_videodecoder_IVideoDecoderManager_serviceName,
                                       ds->manager_ids[AVB_MEDIA_VIDEO]};
        ret_regs[1] =
            (struct avbd_registration){com_rdk_hal_audiodecoder_IAudioDecoderManager_serviceName,
                                       ds->manager_ids[AVB_MEDIA_AUDIO]};
}

void avbd_decoder_service_client_gone(struct avbd_decoder_service *ds, uint64_t client_id)
{
        if (ds)
                avbd_decoders_client_gone(ds->decoders, client_id);
}
