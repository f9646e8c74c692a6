/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The calls of both decoder packages behind one set of names (hcf.h), so
 * that a case reads the same for video and audio. The packages differ in
 * their types only where the published HALs differ: audio has no
 * getPropertyMulti, no openWithResolution, no operational mode.
 */
#include <stdlib.h>
#include <string.h>

#include "hcf.h"

#define VD(x) com_rdk_hal_videodecoder_##x
#define AD(x) com_rdk_hal_audiodecoder_##x

int32_t hcf_codec(bool audio)
{
        return audio ? AD(Codec_MPEG2) : VD(Codec_H264_AVC);
}

void hcf_ids(hcf_ctx *c, bool audio, int32_t **ret, size_t *ret_n)
{
        int32_t *ids;
        size_t n = 0;

        if (audio) {
                AD(IAudioDecoder_Id) *v = NULL;

                HCF_OK(c, AD(IAudioDecoderManager_getAudioDecoderIds)(c->amgr, &v, &n),
                       "getAudioDecoderIds");
                ids = calloc(n + 1, sizeof(*ids));
                for (size_t i = 0; ids && i < n; i++)
                        ids[i] = v[i].value;
                free(v);
        } else {
                VD(IVideoDecoder_Id) *v = NULL;

                HCF_OK(c, VD(IVideoDecoderManager_getVideoDecoderIds)(c->vmgr, &v, &n),
                       "getVideoDecoderIds");
                ids = calloc(n + 1, sizeof(*ids));
                for (size_t i = 0; ids && i < n; i++)
                        ids[i] = v[i].value;
                free(v);
        }
        HCF_CHECK(c, ids, "out of memory");
        *ret = ids;
        *ret_n = n;
}

avb_status hcf_get_raw(hcf_ctx *c, bool audio, int32_t id, avb_binder **ret)
{
        if (audio) {
                AD(IAudioDecoder_Id) did = {.value = id};

                return AD(IAudioDecoderManager_getAudioDecoder)(c->amgr, &did, ret);
        }
        VD(IVideoDecoder_Id) did = {.value = id};

        return VD(IVideoDecoderManager_getVideoDecoder)(c->vmgr, &did, ret);
}

hcf_dec *hcf_get(hcf_ctx *c, bool audio, size_t index)
{
        int32_t *ids;
        size_t n;
        hcf_dec *d;

        hcf_ids(c, audio, &ids, &n);
        if (index >= n) {
                free(ids);
                hcf_skip(c, "the service has %zu %s decoders, the case needs %zu", n,
                         audio ? "audio" : "video", index + 1);
        }
        HCF_CHECK(c, c->n_decs < HCF_MAX_OPEN, "too many decoders in one case");
        d = calloc(1, sizeof(*d));
        HCF_CHECK(c, d, "out of memory");
        d->audio = audio;
        d->id = ids[index];
        free(ids);
        c->decs[c->n_decs++] = d;
        HCF_OK(c, hcf_get_raw(c, audio, d->id, &d->dec), "get*Decoder of a listed id");
        HCF_CHECK(c, d->dec, "get*Decoder(%d): null for an id the manager lists", (int)d->id);
        d->rec = hcf_rec_new(c, audio);
        return d;
}

avb_status hcf_open(hcf_ctx *c, hcf_dec *d, int32_t codec, bool secure, avb_binder *listener,
                    avb_binder **ret)
{
        (void)c;
        if (d->audio)
                return AD(IAudioDecoder_open)(d->dec, codec, secure, listener, ret);
        return VD(IVideoDecoder_open)(d->dec, codec, secure, listener, ret);
}

void hcf_open_ok(hcf_ctx *c, hcf_dec *d)
{
        avb_binder *ctl = NULL;

        HCF_OK(c, hcf_open(c, d, hcf_codec(d->audio), false, d->rec->controller_listener, &ctl),
               "open");
        HCF_CHECK(c, ctl, "open(%s, non-secure) returned no controller",
                  d->audio ? "MPEG2" : "H264_AVC");
        avb_binder_unref(d->ctl);
        d->ctl = ctl;
}

avb_status hcf_close(hcf_ctx *c, hcf_dec *d, avb_binder *controller, bool *ret)
{
        (void)c;
        if (d->audio)
                return AD(IAudioDecoder_close)(d->dec, controller, ret);
        return VD(IVideoDecoder_close)(d->dec, controller, ret);
}

void hcf_close_ok(hcf_ctx *c, hcf_dec *d)
{
        bool ok = false;

        HCF_OK(c, hcf_close(c, d, d->ctl, &ok), "close");
        HCF_CHECK(c, ok, "close returned false");
}

avb_status hcf_start(hcf_dec *d)
{
        return d->audio ? AD(IAudioDecoderController_start)(d->ctl)
                        : VD(IVideoDecoderController_start)(d->ctl);
}

avb_status hcf_stop(hcf_dec *d)
{
        return d->audio ? AD(IAudioDecoderController_stop)(d->ctl)
                        : VD(IVideoDecoderController_stop)(d->ctl);
}

avb_status hcf_flush(hcf_dec *d, bool reset)
{
        return d->audio ? AD(IAudioDecoderController_flush)(d->ctl, reset)
                        : VD(IVideoDecoderController_flush)(d->ctl, reset);
}

avb_status hcf_decode(hcf_dec *d, int64_t handle, int64_t pts, bool eos, bool discontinuity,
                      bool *ret)
{
        if (d->audio) {
                AD(InputBufferMetadata) md;

                AD(InputBufferMetadata_init)(&md);
                md.nsPresentationTime = pts;
                md.endOfStream = eos;
                md.discontinuity = discontinuity;
                return AD(IAudioDecoderController_decodeBufferWithMetadata)(d->ctl, handle, &md,
                                                                            ret);
        }
        VD(InputBufferMetadata) md;

        VD(InputBufferMetadata_init)(&md);
        md.nsPresentationTime = pts;
        md.endOfStream = eos;
        md.discontinuity = discontinuity;
        return VD(IVideoDecoderController_decodeBufferWithMetadata)(d->ctl, handle, &md, ret);
}

int32_t hcf_state(hcf_ctx *c, hcf_dec *d)
{
        int32_t s = -1;

        if (d->audio) {
                AD(State) a;

                HCF_OK(c, AD(IAudioDecoder_getState)(d->dec, &a), "getState");
                s = a;
        } else {
                com_rdk_hal_State v;

                HCF_OK(c, VD(IVideoDecoder_getState)(d->dec, &v), "getState");
                s = v;
        }
        return s;
}

bool hcf_prop(hcf_ctx *c, hcf_dec *d, int32_t property, int32_t *ret)
{
        com_rdk_hal_PropertyValue *v = NULL;
        bool have;

        if (d->audio)
                HCF_OK(c, AD(IAudioDecoder_getProperty)(d->dec, property, &v), "getProperty");
        else
                HCF_OK(c, VD(IVideoDecoder_getProperty)(d->dec, property, &v), "getProperty");
        have = v != NULL;
        if (v) {
                HCF_CHECK(c,
                          v->value && v->value->tag == com_rdk_hal_PropertyValue_Value_TAG_intValue,
                          "property %d: not an intValue", (int)property);
                *ret = v->value->u.intValue;
                com_rdk_hal_PropertyValue_fini(v);
                free(v);
        }
        return have;
}

avb_status hcf_set_prop(hcf_dec *d, int32_t property, int32_t value, bool *ret)
{
        com_rdk_hal_PropertyValue_Value val;
        com_rdk_hal_PropertyValue pv;

        com_rdk_hal_PropertyValue_init(&pv);
        com_rdk_hal_PropertyValue_Value_init(&val);
        val.tag = com_rdk_hal_PropertyValue_Value_TAG_intValue;
        val.u.intValue = value;
        pv.value = &val;
        if (d->audio)
                return AD(IAudioDecoderController_setProperty)(d->ctl, property, &pv, ret);
        return VD(IVideoDecoderController_setProperty)(d->ctl, property, &pv, ret);
}

avb_status hcf_register(hcf_dec *d, avb_binder *l, bool reg, bool *ret)
{
        if (d->audio)
                return reg ? AD(IAudioDecoder_registerEventListener)(d->dec, l, ret)
                           : AD(IAudioDecoder_unregisterEventListener)(d->dec, l, ret);
        return reg ? VD(IVideoDecoder_registerEventListener)(d->dec, l, ret)
                   : VD(IVideoDecoder_unregisterEventListener)(d->dec, l, ret);
}
