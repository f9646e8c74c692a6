/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The published Audio Decoder HAL (com.rdk.hal.audiodecoder) over the
 * decoders of decoder.c; see decoder_hal.h for the objects. Its shape is
 * the video HAL's with fewer calls (no multi-get, no operational mode: an
 * audio decoder is tunnelled when its media link to its sink is enabled),
 * and PCM metadata in place of picture metadata.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "avb_avbuffer.h"
#include "decoder_hal.h"

#define AD(x) com_rdk_hal_audiodecoder_##x

static const struct {
        AD(Codec) codec;
        enum avb_vpu_codec vpu;
} codecs[] = {
    {AD(Codec_AAC_LC), AVB_VPU_CODEC_AAC},
    {AD(Codec_MPEG2), AVB_VPU_CODEC_MP2},
};

static enum avb_vpu_codec vpu_codec(AD(Codec) c)
{
        for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
                if (codecs[i].codec == c)
                        return codecs[i].vpu;
        return 0;
}

static AD(Codec) hal_codec(enum avb_vpu_codec c)
{
        for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
                if (codecs[i].vpu == c)
                        return codecs[i].codec;
        return AD(Codec_PCM);
}

/* ---- metadata -------------------------------------------------------------- */

static AD(PCMFormat) pcm_format(const struct avb_vpu_format *f)
{
        switch (f->sample_fmt) {
        case AVB_VPU_SAMPLE_S32:
                return AD(PCMFormat_S32LE);
        case AVB_VPU_SAMPLE_F32:
                return AD(PCMFormat_F32LE);
        default: /* S16, and the PCM_S16 output of backends that say no more */
                return AD(PCMFormat_S16LE);
        }
}

/* Channel positions in the order the VPU interleaves them (libavcodec's native order). */
static size_t channel_types(uint32_t n, AD(ChannelType) ret[8])
{
        static const AD(ChannelType) order[8] = {
            AD(ChannelType_FRONT_LEFT), AD(ChannelType_FRONT_RIGHT), AD(ChannelType_FRONT_CENTER),
            AD(ChannelType_LFE),        AD(ChannelType_BACK_LEFT),   AD(ChannelType_BACK_RIGHT),
            AD(ChannelType_SIDE_LEFT),  AD(ChannelType_SIDE_RIGHT),
        };

        if (n == 1) {
                ret[0] = AD(ChannelType_MONO);
                return 1;
        }
        n = n > 8 ? 8 : n;
        memcpy(ret, order, n * sizeof(*ret));
        return n;
}

/* The PCM's size, put in the metadata's extension (avb.avbuffer.PcmLayout). */
static void put_layout(const struct avbd_frame_meta *m, AD(FrameMetadata) * md)
{
        uint32_t per_sample =
            m->fmt.sample_fmt == AVB_VPU_SAMPLE_S32 || m->fmt.sample_fmt == AVB_VPU_SAMPLE_F32 ? 4
                                                                                               : 2;
        avb_avbuffer_PcmLayout l;

        avb_avbuffer_PcmLayout_init(&l);
        l.frameBytes = (int32_t)m->bytes;
        l.samples = m->fmt.channels ? (int32_t)(m->bytes / per_sample / m->fmt.channels) : 0;
        (void)avb_avbuffer_PcmLayout_holder_put(&md->extension, &l);
}

static avb_status notify_frame(avb_binder *l, int64_t pts, int64_t h,
                               const struct avbd_frame_meta *m)
{
        AD(ChannelType) types[8];
        AD(PCMMetadata) pcm;
        AD(FrameMetadata) md;
        avb_status st;

        if (!m)
                return AD(IAudioDecoderControllerListener_onFrameOutput)(l, pts, h, NULL);
        AD(FrameMetadata_init)(&md);
        AD(PCMMetadata_init)(&pcm);
        md.type = AD(FrameType_PCM);
        md.sourceCodec = hal_codec(m->fmt.codec);
        md.lowLatency = m->cfg.low_latency;
        md.endOfStream = m->eos;
        md.discontinuity = m->discontinuity;
        md.source = (com_rdk_hal_AVSource)m->cfg.av_source;
        pcm.numChannels = (int32_t)m->fmt.channels;
        pcm.channelTypes = types;
        pcm.channelTypes_count = channel_types(m->fmt.channels, types);
        pcm.sampleRate = (int32_t)m->fmt.sample_rate;
        pcm.format = pcm_format(&m->fmt);
        pcm.planarFormat = m->fmt.planar;
        md.metadata = &pcm;
        put_layout(m, &md);
        /* md and pcm borrow everything but the extension */
        st = AD(IAudioDecoderControllerListener_onFrameOutput)(l, pts, h, &md);
        avb_parcelable_holder_fini(&md.extension);
        return st;
}

static avb_status notify_available(avb_binder *l)
{
        return AD(IAudioDecoderControllerListener_onDecodeBufferAvailable)(l);
}

static avb_status notify_state(avb_binder *l, enum avbd_dec_state a, enum avbd_dec_state b)
{
        return AD(IAudioDecoderEventListener_onStateChanged)(l, (AD(State))a, (AD(State))b);
}

static avb_status notify_error(avb_binder *l, int32_t code, int32_t vendor_code)
{
        AD(ErrorCode)
        c = code == AVBD_DEC_ERROR_VPU ? AD(ErrorCode_INVALID_RESOURCE)
                                       : AD(ErrorCode_INVALID_ARGUMENT);

        return AD(IAudioDecoderEventListener_onDecodeError)(l, c, vendor_code);
}

const struct avbd_dec_notify_ops avbd_audio_notify = {
    .frame = notify_frame,
    .user_data = NULL,
    .available = notify_available,
    .state = notify_state,
    .error = notify_error,
};

/* ---- IAudioDecoderManager ------------------------------------------------- */

static avb_status mgr_ids(void *impl, avb_call *call, AD(IAudioDecoder_Id) * *ret, size_t *ret_n)
{
        int32_t *ids;
        size_t n;
        AD(IAudioDecoder_Id) * v;

        (void)call;
        if (avbd_decoder_ids(impl, AVB_MEDIA_AUDIO, &ids, &n) < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        v = calloc(n + 1, sizeof(*v));
        for (size_t i = 0; v && i < n; i++) {
                AD(IAudioDecoder_Id_init)(&v[i]);
                v[i].value = ids[i];
        }
        free(ids);
        if (!v)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        *ret = v;
        *ret_n = n;
        return avb_status_ok();
}

static avb_status mgr_get(void *impl, avb_call *call, const AD(IAudioDecoder_Id) * id,
                          avb_binder **ret)
{
        struct avbd_dec *dec = avbd_find_decoder(impl, AVB_MEDIA_AUDIO, id->value);

        (void)call;
        *ret = dec ? avb_binder_ref(avbd_dec_binder(dec)) : NULL;
        return avb_status_ok();
}

const AD(IAudioDecoderManager_ops) avbd_audio_manager_ops = {
    .getAudioDecoderIds = mgr_ids,
    .getAudioDecoder = mgr_get,
};

/* ---- IAudioDecoder ------------------------------------------------------------ */

static avb_status get_caps(void *impl, avb_call *call, AD(Capabilities) * ret)
{
        size_t n = sizeof(codecs) / sizeof(codecs[0]);
        AD(Codec) *c = malloc(n * sizeof(*c));
        struct avbd_dec_limits lim;

        (void)call;
        if (!c)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        avbd_dec_limits(impl, &lim);
        AD(Capabilities_init)(ret);
        for (size_t i = 0; i < n; i++)
                c[i] = codecs[i].codec;
        ret->supportedCodecs = c;
        ret->supportedCodecs_count = lim.max_bytes ? n : 0;
        ret->supportsSecure = lim.secure;
        return avb_status_ok();
}

static bool property(struct avbd_dec *dec, AD(Property) p, int32_t *ret)
{
        struct avbd_dec_info in;

        avbd_dec_info(dec, &in);
        switch (p) {
        case AD(Property_RESOURCE_ID):
                *ret = avbd_dec_id(dec);
                return true;
        case AD(Property_LOW_LATENCY_MODE):
                *ret = in.cfg.low_latency;
                return true;
        case AD(Property_AV_SOURCE):
                *ret = in.cfg.av_source;
                return true;
        case AD(Property_SECURE_AUDIO):
                *ret = in.state != AVBD_DEC_CLOSED && in.secure;
                return true;
        case AD(Property_METRIC_FRAMES_DECODED):
                *ret = (int32_t)in.frames_decoded;
                return true;
        case AD(Property_METRIC_DECODE_ERRORS):
                *ret = (int32_t)in.decode_errors;
                return true;
        case AD(Property_METRIC_FRAMES_DROPPED):
                *ret = (int32_t)in.frames_dropped;
                return true;
        default: /* the AC-4 properties: no AC-4 decoder here */
                return false;
        }
}

static avb_status get_property(void *impl, avb_call *call, AD(Property) p,
                               com_rdk_hal_PropertyValue **ret)
{
        int32_t v;

        (void)call;
        if (!property(impl, p, &v)) {
                *ret = NULL;
                return avb_status_ok();
        }
        if (!avbd_int_property(v, ret))
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        return avb_status_ok();
}

static avb_status get_state(void *impl, avb_call *call, AD(State) * ret)
{
        (void)call;
        *ret = (AD(State))avbd_dec_state(impl);
        return avb_status_ok();
}

static avb_status dec_open(void *impl, avb_call *call, AD(Codec) codec, bool secure,
                           avb_binder *listener, avb_binder **ret)
{
        enum avb_vpu_codec c = vpu_codec(codec);
        int e;

        if (!listener)
                return avb_status_exception(AVB_EX_NULL_POINTER, "open: no listener");
        if (!c) {
                *ret = NULL;
                return avb_status_ok();
        }
        e = avbd_dec_open(impl, avbd_dec_caller(call), c, secure, 0, 0, listener, ret);
        if (e == -EOPNOTSUPP || (e == -ENODEV && secure)) {
                *ret = NULL;
                return avb_status_ok();
        }
        if (e < 0)
                return avbd_dec_status(e, "open");
        return avb_status_ok();
}

static avb_status dec_close(void *impl, avb_call *call, avb_binder *controller, bool *ret)
{
        return avbd_hal_close(impl, call, controller, &AD(IAudioDecoderController_desc), ret);
}

const AD(IAudioDecoder_ops) avbd_audio_decoder_ops = {
    .getCapabilities = get_caps,
    .getProperty = get_property,
    .getState = get_state,
    .open = dec_open,
    .close = dec_close,
    .registerEventListener = avbd_hal_listen,
    .unregisterEventListener = avbd_hal_unlisten,
};

/* ---- IAudioDecoderController ------------------------------------------------- */

static avb_status ctl_decode(void *impl, avb_call *call, int64_t handle,
                             const AD(InputBufferMetadata) * md, bool *ret)
{
        if (md->discontinuity)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "decodeBufferWithMetadata: metadata.discontinuity is "
                                            "reserved (use signalDiscontinuity)");
        return avbd_dec_status(avbd_dec_decode(impl, avbd_dec_caller(call), handle,
                                               md->nsPresentationTime, md->endOfStream, ret),
                               "decodeBufferWithMetadata");
}

static avb_status ctl_csd(void *impl, avb_call *call, AD(CSDAudioFormat) format, const int8_t *data,
                          size_t n, bool *ret)
{
        struct avbd_dec_info in;
        int e;

        avbd_dec_info(((const struct avbd_ctl *)impl)->dec, &in);
        if (format != AD(CSDAudioFormat_MP4_AUDIO_SPECIFIC_CONFIG) ||
            in.codec != AVB_VPU_CODEC_AAC || !n) {
                *ret = false;
                return in.state == AVBD_DEC_STARTED
                           ? avb_status_ok()
                           : avbd_dec_status(-EBADFD, "parseCodecSpecificData");
        }
        e = avbd_dec_codec_data(impl, avbd_dec_caller(call), AVB_VPU_CODEC_DATA_AAC_ASC, data, n);
        *ret = e == 0;
        if (e == -EINVAL || e == -EOPNOTSUPP || e == -EBUSY)
                return avb_status_ok();
        return avbd_dec_status(e, "parseCodecSpecificData");
}

struct setting {
        AD(Property) property; /* -1: setAudioFormat */
        int32_t v[2];
};

static int apply(struct avbd_dec_config *cfg, const void *arg)
{
        const struct setting *s = arg;

        switch ((int)s->property) {
        case -1:
                cfg->channels = s->v[0];
                cfg->sample_rate = s->v[1];
                return 0;
        case AD(Property_LOW_LATENCY_MODE):
                cfg->low_latency = s->v[0];
                return 0;
        case AD(Property_AV_SOURCE):
                cfg->av_source = s->v[0];
                return 0;
        default:
                return -EINVAL;
        }
}

static avb_status ctl_set_property(void *impl, avb_call *call, AD(Property) p,
                                   const com_rdk_hal_PropertyValue *value, bool *ret)
{
        struct setting s = {.property = p};
        int32_t v;
        int e;

        switch (p) {
        case AD(Property_RESOURCE_ID):
        case AD(Property_SECURE_AUDIO):
        case AD(Property_METRIC_FRAMES_DECODED):
        case AD(Property_METRIC_DECODE_ERRORS):
        case AD(Property_METRIC_FRAMES_DROPPED):
                return avb_status_exception(AVB_EX_UNSUPPORTED_OPERATION,
                                            "setProperty: property %d is read-only", (int)p);
        default:
                break;
        }
        *ret = false;
        if (avbd_int_of(value, &v) < 0)
                return avb_status_ok();
        if (p == AD(Property_LOW_LATENCY_MODE) ? v != 0 && v != 1
            : p == AD(Property_AV_SOURCE)      ? v < -1 || v > 205
                                               : true)
                return avb_status_ok(); /* a bad value, an unknown key or an AC-4 one */
        s.v[0] = v;
        e = avbd_dec_configure(impl, avbd_dec_caller(call), AVBD_IN_READY, apply, &s);
        *ret = e == 0;
        return e == -EBADFD || e == -EPERM || e == -ESTALE ? avbd_dec_status(e, "setProperty")
                                                           : avb_status_ok();
}

static avb_status ctl_audio_format(void *impl, avb_call *call, int32_t channels, int32_t rate)
{
        struct setting s = {.property = (AD(Property)) - 1, .v = {channels, rate}};

        if (channels <= 0 || rate <= 0)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "setAudioFormat: %d, %d",
                                            (int)channels, (int)rate);
        return avbd_dec_status(
            avbd_dec_configure(impl, avbd_dec_caller(call), AVBD_IN_READY, apply, &s),
            "setAudioFormat");
}

const AD(IAudioDecoderController_ops) avbd_audio_controller_ops = {
    .setProperty = ctl_set_property,
    .start = avbd_hal_start,
    .stop = avbd_hal_stop,
    .decodeBufferWithMetadata = ctl_decode,
    .flush = avbd_hal_flush,
    .signalDiscontinuity = avbd_hal_discontinuity,
    .parseCodecSpecificData = ctl_csd,
    .setAudioFormat = ctl_audio_format,
};
