/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IVideoDecoder, IAudioDecoder and their managers over the decoders of
 * decoder.c. The two packages have the same shape with their own types, so
 * each front-end is stamped out by one macro (FRONT_END) from the package
 * prefix; everything with logic lives in the shared functions above it.
 *
 * Objects: the managers are published right after IAVBuffer's three objects
 * (video manager, audio manager), then one object per decoder, and the
 * managers are registered with the service manager as
 * "VideoDecoderManager" and "AudioDecoderManager".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "com_rdk_hal.h"
#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_videodecoder.h"
#include "decoder_service.h"

/* ---- shared ---------------------------------------------------------------- */

static avb_status status_of(int e, const char *what)
{
        switch (e) {
        case 0:
                return avb_status_ok();
        case -EBADFD:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "%s: not allowed in this state",
                                            what);
        case -EPERM:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: the decoder is open by another client", what);
        case -EOPNOTSUPP:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: codec not supported",
                                            what);
        case -EPIPE:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: a link of the decoder's media pipeline does not "
                                            "validate (see avbufctl graph and avbufferd's log)",
                                            what);
        case -EBUSY:
                return avb_status_exception(AVB_EX_ILLEGAL_STATE,
                                            "%s: a pad of the decoder's media pipeline streams "
                                            "in another pipeline",
                                            what);
        case -ENOENT:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: no such buffer", what);
        case -EINVAL:
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "%s: buffer in the wrong heap, not a coded buffer, or not from a pool of this decoder",
                                            what);
        default:
                return avb_status_service_specific(com_rdk_hal_HALError_INVALID_RESOURCE,
                                                   "%s: the VPU is not available (%s)", what,
                                                   strerror(-e));
        }
}

static uint64_t owner_of(avb_call *call)
{
        return avb_call_peer(call)->client_id;
}

static enum avb_vpu_codec video_codec(int32_t c)
{
        return c == com_rdk_hal_videodecoder_Codec_H264   ? AVB_VPU_CODEC_H264
               : c == com_rdk_hal_videodecoder_Codec_HEVC ? AVB_VPU_CODEC_HEVC
                                                          : 0;
}

static enum avb_vpu_codec audio_codec(int32_t c)
{
        return c == com_rdk_hal_audiodecoder_Codec_AAC   ? AVB_VPU_CODEC_AAC
               : c == com_rdk_hal_audiodecoder_Codec_MP2 ? AVB_VPU_CODEC_MP2
                                                         : 0;
}

/*
 * planes: storage for the plane arrays, which m borrows (the caller sends m
 * and never finis it).
 */
static void video_meta(const struct avb_vpu_format *f, bool eos,
                       com_rdk_hal_videodecoder_FrameMetadata *m,
                       int32_t planes[2][AVB_VPU_MAX_PLANES])
{
        size_t n = f->n_planes < AVB_VPU_MAX_PLANES ? f->n_planes : AVB_VPU_MAX_PLANES;

        com_rdk_hal_videodecoder_FrameMetadata_init(m);
        for (size_t i = 0; i < n; i++) {
                planes[0][i] = (int32_t)f->plane_offset[i];
                planes[1][i] = (int32_t)f->plane_stride[i];
        }
        m->planeOffsets = planes[0];
        m->planeOffsets_count = n;
        m->planeStrides = planes[1];
        m->planeStrides_count = n;
        m->width = (int32_t)f->width;
        m->height = (int32_t)f->height;
        m->pixelFormat = f->pixfmt == AVB_VPU_FMT_NV12
                                 ? com_rdk_hal_videodecoder_FrameMetadata_PIXEL_FORMAT_NV12
                                 : com_rdk_hal_videodecoder_FrameMetadata_PIXEL_FORMAT_I420;
        m->frameBytes = (int32_t)f->frame_bytes;
        m->endOfStream = eos;
}

static void audio_meta(const struct avb_vpu_format *f, bool eos,
                       com_rdk_hal_audiodecoder_FrameMetadata *m,
                       int32_t planes[2][AVB_VPU_MAX_PLANES])
{
        (void)planes;
        com_rdk_hal_audiodecoder_FrameMetadata_init(m);
        m->sampleRate = (int32_t)f->sample_rate;
        m->channels = (int32_t)f->channels;
        m->sampleFormat = com_rdk_hal_audiodecoder_FrameMetadata_SAMPLE_FORMAT_S16;
        m->frameBytes = (int32_t)f->frame_bytes;
        m->endOfStream = eos;
}

/* ---- one front-end per package ------------------------------------------- */

/* An op that only moves the state machine: name m, decoder call fn. */
#define SIMPLE_CALL(P, m, fn, what)                                                                \
        static avb_status P##_##m(void *impl, avb_call *call)                                      \
        {                                                                                          \
                return status_of(fn(impl, owner_of(call)), what);                                  \
        }

/*
 * P: package prefix; I: interface name stem (Video, Audio); K: media kind;
 * CODEC: codec mapper; META: metadata filler.
 */
#define FRONT_END(P, I, K, CODEC, META)                                                            \
        static avb_status P##_frame(avb_binder *l, int64_t pts, int64_t h,                        \
                                    const struct avb_vpu_format *f, bool eos)                      \
        {                                                                                          \
                int32_t planes[2][AVB_VPU_MAX_PLANES];                                             \
                P##_FrameMetadata m;                                                               \
                if (f)                                                                             \
                        META(f, eos, &m, planes);                                                  \
                return P##_I##I##DecoderListener_onFrameOutput(l, pts, h, f ? &m : NULL);          \
        }                                                                                          \
        static avb_status P##_available(avb_binder *l)                                            \
        {                                                                                          \
                return P##_I##I##DecoderListener_onDecodeBufferAvailable(l);                       \
        }                                                                                          \
        static avb_status P##_state(avb_binder *l, enum avbd_dec_state a, enum avbd_dec_state b)   \
        {                                                                                          \
                return P##_I##I##DecoderListener_onStateChanged(l, (P##_State)a, (P##_State)b);    \
        }                                                                                          \
        static avb_status P##_error(avb_binder *l, int32_t code, const char *msg)                  \
        {                                                                                          \
                return P##_I##I##DecoderListener_onError(l, code, msg);                            \
        }                                                                                          \
        static const struct avbd_dec_notify_ops P##_notify = {                                     \
                .frame = P##_frame,                                                                \
                .available = P##_available,                                                        \
                .state = P##_state,                                                                \
                .error = P##_error,                                                                \
        };                                                                                         \
        static avb_status P##_getId(void *impl, avb_call *call, P##_I##I##Decoder_Id *ret)         \
        {                                                                                          \
                (void)call;                                                                        \
                P##_I##I##Decoder_Id_init(ret);                                                    \
                ret->value = avbd_dec_id(impl);                                                    \
                return avb_status_ok();                                                            \
        }                                                                                          \
        static avb_status P##_getState(void *impl, avb_call *call, P##_State *ret)                 \
        {                                                                                          \
                (void)call;                                                                        \
                *ret = (P##_State)avbd_dec_state(impl);                                            \
                return avb_status_ok();                                                            \
        }                                                                                          \
        static avb_status P##_open(void *impl, avb_call *call, P##_Codec codec, bool secure,       \
                                   avb_binder *listener)                                           \
        {                                                                                          \
                if (!CODEC(codec))                                                                 \
                        return status_of(-EOPNOTSUPP, "open");                                     \
                return status_of(                                                                  \
                        avbd_dec_open(impl, owner_of(call), CODEC(codec), secure, listener),       \
                        "open");                                                                   \
        }                                                                                          \
        SIMPLE_CALL(P, start, avbd_dec_start, "start")                                             \
        SIMPLE_CALL(P, flush, avbd_dec_flush, "flush")                                             \
        SIMPLE_CALL(P, stop, avbd_dec_stop, "stop")                                                \
        SIMPLE_CALL(P, close, avbd_dec_close, "close")                                             \
        static avb_status P##_decode(void *impl, avb_call *call, int64_t handle,                   \
                                     const P##_InputMetadata *md, bool *ret)                       \
        {                                                                                          \
                return status_of(avbd_dec_decode(impl, owner_of(call), handle,                     \
                                                 md->nsPresentationTime, ret),                     \
                                 "decodeBufferWithMetadata");                                      \
        }                                                                                          \
        SIMPLE_CALL(P, eos, avbd_dec_drain, "signalEndOfStream")                                   \
        static const P##_I##I##Decoder_ops P##_ops = {                                             \
                .getId = P##_getId,                                                                \
                .getState = P##_getState,                                                          \
                .open = P##_open,                                                                  \
                .start = P##_start,                                                                \
                .flush = P##_flush,                                                                \
                .stop = P##_stop,                                                                  \
                .close = P##_close,                                                                \
                .decodeBufferWithMetadata = P##_decode,                                            \
                .signalEndOfStream = P##_eos,                                                      \
        };                                                                                         \
        static avb_status P##_ids(void *impl, avb_call *call, P##_I##I##Decoder_Id **ret,          \
                                  size_t *ret_n)                                                   \
        {                                                                                          \
                struct avbd_decoders *d = impl;                                                    \
                size_t n = 0;                                                                      \
                P##_I##I##Decoder_Id *v =                                                          \
                        calloc(avbd_decoders_count(d) + 1, sizeof(*v));                            \
                (void)call;                                                                        \
                if (!v)                                                                            \
                        return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");        \
                for (size_t i = 0; i < avbd_decoders_count(d); i++) {                              \
                        struct avbd_dec *dec = avbd_decoders_at(d, i);                             \
                        if (avbd_dec_kind(dec) != K)                                               \
                                continue;                                                          \
                        P##_I##I##Decoder_Id_init(&v[n]);                                          \
                        v[n++].value = avbd_dec_id(dec);                                           \
                }                                                                                  \
                *ret = v;                                                                          \
                *ret_n = n;                                                                        \
                return avb_status_ok();                                                            \
        }                                                                                          \
        static avb_status P##_get(void *impl, avb_call *call, const P##_I##I##Decoder_Id *id,      \
                                  avb_binder **ret)                                                \
        {                                                                                          \
                struct avbd_dec *dec;                                                              \
                (void)call;                                                                        \
                if (avbd_decoders_find(impl, K, id->value, &dec) < 0)                              \
                        return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,                       \
                                                    "no " #I " decoder with id %d",                \
                                                    (int)id->value);                               \
                *ret = avb_binder_ref(avbd_dec_binder(dec));                                       \
                return avb_status_ok();                                                            \
        }                                                                                          \
        static const P##_I##I##DecoderManager_ops P##_manager_ops = {                              \
                .get##I##DecoderIds = P##_ids,                                                     \
                .get##I##Decoder = P##_get,                                                        \
        };

FRONT_END(com_rdk_hal_videodecoder, Video, AVB_MEDIA_VIDEO, video_codec, video_meta)
FRONT_END(com_rdk_hal_audiodecoder, Audio, AVB_MEDIA_AUDIO, audio_codec, audio_meta)

/* ---- the service ----------------------------------------------------------- */

struct avbd_decoder_service {
        struct avbd_decoders *decoders;
        avb_binder *managers[2]; /* [kind] */
        uint32_t manager_ids[2]; /* their object ids */
        avb_binder **objects;    /* one per decoder */
        size_t n_objects;
};

int avbd_decoder_service_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                             struct avb_vpu *vpu, struct avbd_decoder_service **ret)
{
        static const struct avbd_dec_notify_ops *const notify[2] = {
                [AVB_MEDIA_AUDIO] = &com_rdk_hal_audiodecoder_notify,
                [AVB_MEDIA_VIDEO] = &com_rdk_hal_videodecoder_notify,
        };
        struct avbd_decoder_service *ds = calloc(1, sizeof(*ds));
        int e;

        if (!ds)
                return -ENOMEM;
        e = avbd_decoders_new(profile, vendor, vpu, notify, &ds->decoders);
        if (e == 0)
                ds->objects = calloc(avbd_decoders_count(ds->decoders) + 1, sizeof(avb_binder *));
        if (e == 0 && !ds->objects)
                e = -ENOMEM;
        if (e == 0)
                e = com_rdk_hal_videodecoder_IVideoDecoderManager_new_local(
                        &com_rdk_hal_videodecoder_manager_ops, ds->decoders, NULL,
                        &ds->managers[AVB_MEDIA_VIDEO]);
        if (e == 0)
                e = com_rdk_hal_audiodecoder_IAudioDecoderManager_new_local(
                        &com_rdk_hal_audiodecoder_manager_ops, ds->decoders, NULL,
                        &ds->managers[AVB_MEDIA_AUDIO]);
        for (size_t i = 0; e == 0 && i < avbd_decoders_count(ds->decoders); i++) {
                struct avbd_dec *dec = avbd_decoders_at(ds->decoders, i);

                if (avbd_dec_kind(dec) == AVB_MEDIA_VIDEO)
                        e = com_rdk_hal_videodecoder_IVideoDecoder_new_local(
                                &com_rdk_hal_videodecoder_ops, dec, NULL, &ds->objects[i]);
                else
                        e = com_rdk_hal_audiodecoder_IAudioDecoder_new_local(
                                &com_rdk_hal_audiodecoder_ops, dec, NULL, &ds->objects[i]);
                if (e == 0) {
                        avbd_dec_set_binder(dec, ds->objects[i]);
                        ds->n_objects++;
                }
        }
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
        ret_regs[0] = (struct avbd_registration){
                com_rdk_hal_videodecoder_IVideoDecoderManager_serviceName,
                ds->manager_ids[AVB_MEDIA_VIDEO]};
        ret_regs[1] = (struct avbd_registration){
                com_rdk_hal_audiodecoder_IAudioDecoderManager_serviceName,
                ds->manager_ids[AVB_MEDIA_AUDIO]};
}

void avbd_decoder_service_client_gone(struct avbd_decoder_service *ds, uint64_t client_id)
{
        if (ds)
                avbd_decoders_client_gone(ds->decoders, client_id);
}
