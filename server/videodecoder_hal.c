/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The published Video Decoder HAL (com.rdk.hal.videodecoder) over the
 * decoders of decoder.c; see decoder_hal.h for the objects.
 *
 * Why frame metadata is built here and not in decoder.c: the decoder keeps
 * a VPU format and the client's settings per frame (avbd_frame_meta), and
 * only this package knows how the published fields read them (colour code
 * points to Colorimetry, transfer to DynamicRange...). The plane layout of
 * the buffer, which the published fields do not carry, goes in the
 * metadata's extension as an avb.avbuffer.PlaneLayout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "avb_avbuffer.h"
#include "decoder_hal.h"

#define VD(x) com_rdk_hal_videodecoder_##x

/* ---- metadata -------------------------------------------------------------- */

static VD(Colorimetry) colorimetry_of(const struct avbd_frame_meta *m)
{
        switch (m->fmt.color_primaries) {
        case 1:
                return VD(Colorimetry_BT709);
        case 5:
                return VD(Colorimetry_BT601_625);
        case 6:
        case 7:
                return VD(Colorimetry_BT601_525);
        case 9:
                return m->fmt.color_matrix == 10 ? VD(Colorimetry_BT2020_CL)
                                                 : VD(Colorimetry_BT2020);
        case 11:
                return VD(Colorimetry_DCI_P3_D60);
        case 12:
                return VD(Colorimetry_DCI_P3_D65);
        default: /* the stream says nothing: what the client said, if anything */
                return (VD(Colorimetry))m->cfg.colorimetry;
        }
}

static VD(DynamicRange) dynamic_range_of(const struct avbd_frame_meta *m)
{
        switch (m->fmt.color_transfer) {
        case 16:
                return VD(DynamicRange_HDR10);
        case 18:
                return VD(DynamicRange_HLG);
        default:
                return VD(DynamicRange_SDR);
        }
}

/* The buffer's layout, put in the metadata's extension. */
static void put_layout(const struct avb_vpu_format *f, VD(FrameMetadata) * md)
{
        int32_t offsets[AVB_VPU_MAX_PLANES], strides[AVB_VPU_MAX_PLANES];
        size_t n = f->n_planes < AVB_VPU_MAX_PLANES ? f->n_planes : AVB_VPU_MAX_PLANES;
        avb_avbuffer_PlaneLayout l;

        avb_avbuffer_PlaneLayout_init(&l);
        for (size_t i = 0; i < n; i++) {
                offsets[i] = (int32_t)f->plane_offset[i];
                strides[i] = (int32_t)f->plane_stride[i];
        }
        l.format = f->pixfmt == AVB_VPU_FMT_NV12 ? avb_avbuffer_PlaneLayout_FORMAT_NV12
                                                 : avb_avbuffer_PlaneLayout_FORMAT_I420;
        l.width = (int32_t)f->width;
        l.height = (int32_t)f->height;
        l.offsets = offsets;
        l.offsets_count = n;
        l.strides = strides;
        l.strides_count = n;
        l.frameBytes = (int32_t)f->frame_bytes;
        /* a copy goes in; l's arrays are ours (not finied) */
        (void)avb_avbuffer_PlaneLayout_holder_put(&md->extension, &l);
}

/*
 * Fill md from m. md borrows mastering/light from storage; the caller
 * sends it and then finis only its extension.
 */
static void fill_meta(const struct avbd_frame_meta *m, VD(FrameMetadata) * md,
                      VD(MasteringDisplayInfo) * mastering, VD(ContentLightLevel) * light)
{
        const struct avb_vpu_format *f = &m->fmt;
        uint32_t vw = f->visible_width ? f->visible_width : f->width;
        uint32_t vh = f->visible_height ? f->visible_height : f->height;

        VD(FrameMetadata_init)(md);
        md->sarX = md->parX = f->sar_num ? (int32_t)f->sar_num : 1;
        md->sarY = md->parY = f->sar_den ? (int32_t)f->sar_den : 1;
        md->codedWidth = (int32_t)(f->coded_width ? f->coded_width : f->width);
        md->codedHeight = (int32_t)(f->coded_height ? f->coded_height : f->height);
        md->activeX = (int32_t)f->visible_left;
        md->activeY = (int32_t)f->visible_top;
        md->activeWidth = (int32_t)vw;
        md->activeHeight = (int32_t)vh;
        md->colorDepth = f->bit_depth ? (int32_t)f->bit_depth : 8;
        md->pixelFormat = VD(PixelFormat_YCBCR420);
        md->dynamicRange = dynamic_range_of(m);
        md->scanType = f->scan == AVB_VPU_SCAN_PROGRESSIVE ? VD(ScanType_PROGRESSIVE_FRAME)
                                                           : VD(ScanType_INTERLACED_FRAME);
        md->afd = 0;
        if (f->fps_num && f->fps_den) {
                md->frameRateNumerator = (int32_t)f->fps_num;
                md->frameRateDenominator = (int32_t)f->fps_den;
        } else {
                md->frameRateNumerator = m->cfg.fps_num;
                md->frameRateDenominator = m->cfg.fps_den;
        }
        md->endOfStream = m->eos;
        md->discontinuity = m->discontinuity;
        md->lowLatency = m->cfg.low_latency;
        md->colorimetry = colorimetry_of(m);
        if (m->cfg.has_mastering) {
                const int32_t *v = m->cfg.mastering;

                *mastering = (VD(MasteringDisplayInfo)){v[0], v[1], v[2], v[3], v[4],
                                                        v[5], v[6], v[7], v[8], v[9]};
                md->masteringDisplayInfo = mastering;
        }
        if (m->cfg.has_light) {
                *light = (VD(ContentLightLevel)){m->cfg.light[0], m->cfg.light[1]};
                md->contentLightLevel = light;
        }
        md->source = (com_rdk_hal_AVSource)m->cfg.av_source;
        if (m->has_sha1) {
                md->sha1 = (int8_t *)m->sha1;
                md->sha1_count = sizeof(m->sha1);
        }
        put_layout(f, md);
}

/* ---- the listeners ------------------------------------------------------- */

static avb_status notify_frame(avb_binder *l, int64_t pts, int64_t h,
                               const struct avbd_frame_meta *m)
{
        VD(MasteringDisplayInfo) mastering;
        VD(ContentLightLevel) light;
        VD(FrameMetadata) md;
        avb_status st;

        if (!m)
                return VD(IVideoDecoderControllerListener_onFrameOutput)(l, pts, h, NULL);
        fill_meta(m, &md, &mastering, &light);
        st = VD(IVideoDecoderControllerListener_onFrameOutput)(l, pts, h, &md);
        avb_parcelable_holder_fini(&md.extension);
        return st;
}

static avb_status notify_user_data(avb_binder *l, int64_t pts, const uint8_t *data, size_t len)
{
        return VD(IVideoDecoderControllerListener_onUserDataOutput)(l, pts, (const int8_t *)data,
                                                                    len);
}

static avb_status notify_available(avb_binder *l)
{
        return VD(IVideoDecoderControllerListener_onDecodeBufferAvailable)(l);
}

static avb_status notify_state(avb_binder *l, enum avbd_dec_state a, enum avbd_dec_state b)
{
        return VD(IVideoDecoderEventListener_onStateChanged)(l, (com_rdk_hal_State)a,
                                                             (com_rdk_hal_State)b);
}

static avb_status notify_error(avb_binder *l, int32_t code, int32_t vendor_code)
{
        (void)code; /* the published ErrorCode has one value so far */
        return VD(IVideoDecoderEventListener_onDecodeError)(l, VD(ErrorCode_xxxx), vendor_code);
}

const struct avbd_dec_notify_ops avbd_video_notify = {
    .frame = notify_frame,
    .user_data = notify_user_data,
    .available = notify_available,
    .state = notify_state,
    .error = notify_error,
};

/* ---- IVideoDecoderManager --------------------------------------------------- */

static avb_status mgr_ids(void *impl, avb_call *call, VD(IVideoDecoder_Id) * *ret, size_t *ret_n)
{
        int32_t *ids;
        size_t n;
        VD(IVideoDecoder_Id) * v;

        (void)call;
        if (avbd_decoder_ids(impl, AVB_MEDIA_VIDEO, &ids, &n) < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        v = calloc(n + 1, sizeof(*v));
        for (size_t i = 0; v && i < n; i++) {
                VD(IVideoDecoder_Id_init)(&v[i]);
                v[i].value = ids[i];
        }
        free(ids);
        if (!v)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        *ret = v;
        *ret_n = n;
        return avb_status_ok();
}

static avb_status mgr_modes(void *impl, avb_call *call, VD(OperationalMode) * *ret, size_t *ret_n)
{
        VD(OperationalMode) *v = malloc(2 * sizeof(*v));

        (void)impl;
        (void)call;
        if (!v)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        v[0] = VD(OperationalMode_TUNNELLED);
        v[1] = VD(OperationalMode_NON_TUNNELLED);
        *ret = v;
        *ret_n = 2;
        return avb_status_ok();
}

static avb_status mgr_get(void *impl, avb_call *call, const VD(IVideoDecoder_Id) * id,
                          avb_binder **ret)
{
        struct avbd_dec *dec = avbd_find_decoder(impl, AVB_MEDIA_VIDEO, id->value);

        (void)call;
        *ret = dec ? avb_binder_ref(avbd_dec_binder(dec)) : NULL;
        return avb_status_ok();
}

const VD(IVideoDecoderManager_ops) avbd_video_manager_ops = {
    .getVideoDecoderIds = mgr_ids,
    .getSupportedOperationalModes = mgr_modes,
    .getVideoDecoder = mgr_get,
};

/* ---- IVideoDecoder ------------------------------------------------------------ */

static const struct {
        VD(Codec) codec;
        enum avb_vpu_codec vpu;
        VD(CodecProfile) profile;
        VD(CodecLevel) level;
} codecs[] = {
    {VD(Codec_H264_AVC), AVB_VPU_CODEC_H264, VD(CodecProfile_H264_HIGH),
     VD(CodecLevel_H264_LEVEL_5_1)},
    {VD(Codec_H265_HEVC), AVB_VPU_CODEC_HEVC, VD(CodecProfile_H265_MAIN),
     VD(CodecLevel_H265_LEVEL_5_1)},
};

static enum avb_vpu_codec vpu_codec(VD(Codec) c)
{
        for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
                if (codecs[i].codec == c)
                        return codecs[i].vpu;
        return 0;
}

static avb_status get_caps(void *impl, avb_call *call, VD(Capabilities) * ret)
{
        size_t n = sizeof(codecs) / sizeof(codecs[0]);
        struct avbd_dec_limits lim;
        VD(CodecCapabilities) *cc = calloc(n, sizeof(*cc));
        VD(Colorimetry) *col = malloc(3 * sizeof(*col));
        VD(DynamicRange) *dr = malloc(sizeof(*dr));

        (void)call;
        if (!cc || !col || !dr) {
                free(cc);
                free(col);
                free(dr);
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        }
        avbd_dec_limits(impl, &lim);
        VD(Capabilities_init)(ret);
        for (size_t i = 0; i < n; i++) {
                VD(CodecCapabilities_init)(&cc[i]);
                cc[i].codec = codecs[i].codec;
                cc[i].profile = codecs[i].profile;
                cc[i].level = codecs[i].level;
                cc[i].maxFrameRate = 60;
                cc[i].maxFrameWidth = (int32_t)lim.max_width;
                cc[i].maxFrameHeight = (int32_t)lim.max_height;
                cc[i].supportedOutputPixelFormats = malloc(sizeof(VD(PixelFormat)));
                if (cc[i].supportedOutputPixelFormats) {
                        cc[i].supportedOutputPixelFormats[0] = VD(PixelFormat_YCBCR420);
                        cc[i].supportedOutputPixelFormats_count = 1;
                }
        }
        ret->supportedCodecs = cc;
        ret->supportedCodecs_count = lim.max_width ? n : 0;
        col[0] = VD(Colorimetry_BT601_525);
        col[1] = VD(Colorimetry_BT601_625);
        col[2] = VD(Colorimetry_BT709);
        ret->supportedColorimetries = col;
        ret->supportedColorimetries_count = 3;
        dr[0] = VD(DynamicRange_SDR);
        ret->supportedDynamicRanges = dr;
        ret->supportedDynamicRanges_count = 1;
        ret->supportsSecure = lim.secure;
        if (!lim.max_width) /* no frame pool: nothing can be decoded */
                for (size_t i = 0; i < n; i++)
                        VD(CodecCapabilities_fini)(&cc[i]);
        return avb_status_ok();
}

/* The value of property p, or false for a property this HAL does not know. */
static bool property(struct avbd_dec *dec, VD(Property) p, int32_t *ret)
{
        struct avbd_dec_info in;

        avbd_dec_info(dec, &in);
        switch (p) {
        case VD(Property_RESOURCE_ID):
                *ret = avbd_dec_id(dec);
                return true;
        case VD(Property_INPUT_QUEUE_DEPTH):
                *ret = (int32_t)in.input_queue_bytes;
                return true;
        case VD(Property_OUTPUT_FRAME_POOL_SIZE):
                *ret = (int32_t)in.frame_pool_blocks;
                return true;
        case VD(Property_OPERATIONAL_MODE):
                *ret = in.tunnelled ? VD(OperationalMode_TUNNELLED)
                                    : VD(OperationalMode_NON_TUNNELLED);
                return true;
        case VD(Property_LOW_LATENCY_MODE):
                *ret = in.cfg.low_latency;
                return true;
        case VD(Property_DECODE_ERROR_POLICY):
                *ret = in.cfg.error_policy;
                return true;
        case VD(Property_AV_SOURCE):
                *ret = in.cfg.av_source;
                return true;
        case VD(Property_SHA1_CALC):
                *ret = in.cfg.sha1;
                return true;
        case VD(Property_SECURE_VIDEO):
                *ret = in.state != AVBD_DEC_CLOSED && in.secure;
                return true;
        case VD(Property_METRIC_FRAMES_DECODED):
                *ret = (int32_t)in.frames_decoded;
                return true;
        case VD(Property_METRIC_DECODE_ERRORS):
                *ret = (int32_t)in.decode_errors;
                return true;
        case VD(Property_METRIC_FRAMES_DROPPED):
                *ret = (int32_t)in.frames_dropped;
                return true;
        default:
                return false;
        }
}

static avb_status get_property(void *impl, avb_call *call, VD(Property) p,
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

static avb_status get_property_multi(void *impl, avb_call *call, const VD(Property) * ps, size_t n,
                                     VD(PropertyKVPair) * *ret_kv, size_t *ret_n, bool *ret)
{
        VD(PropertyKVPair) * kv;
        int32_t v;

        (void)call;
        if (!n)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "getPropertyMulti: no property asked for");
        for (size_t i = 0; i < n; i++)
                if (!property(impl, ps[i], &v))
                        return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                                    "getPropertyMulti: unknown property %d",
                                                    (int)ps[i]);
        kv = calloc(n, sizeof(*kv));
        if (!kv)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        for (size_t i = 0; i < n; i++) {
                com_rdk_hal_PropertyValue *pv = NULL;

                VD(PropertyKVPair_init)(&kv[i]);
                kv[i].property = ps[i];
                (void)property(impl, ps[i], &v);
                if (!avbd_int_property(v, &pv)) {
                        for (size_t k = 0; k < i; k++)
                                VD(PropertyKVPair_fini)(&kv[k]);
                        free(kv);
                        return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
                }
                kv[i].propertyValue = *pv; /* the value moves into the pair */
                free(pv);
        }
        *ret_kv = kv;
        *ret_n = n;
        *ret = true;
        return avb_status_ok();
}

static avb_status get_state(void *impl, avb_call *call, com_rdk_hal_State *ret)
{
        (void)call;
        *ret = (com_rdk_hal_State)avbd_dec_state(impl);
        return avb_status_ok();
}

static avb_status open_common(struct avbd_dec *dec, avb_call *call, VD(Codec) codec, bool secure,
                              avb_binder *listener, int32_t max_w, int32_t max_h, avb_binder **ret)
{
        enum avb_vpu_codec c = vpu_codec(codec);
        int e;

        if (!listener)
                return avb_status_exception(AVB_EX_NULL_POINTER, "open: no listener");
        if (max_w < 0 || max_h < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "openWithResolution: size %dx%d", (int)max_w,
                                            (int)max_h);
        if (!c) { /* not a codec this decoder has: null, as the HAL says */
                *ret = NULL;
                return avb_status_ok();
        }
        e = avbd_dec_open(dec, avbd_dec_caller(call), c, secure, (uint32_t)max_w, (uint32_t)max_h,
                          listener, ret);
        if (e == -EOPNOTSUPP || (e == -ENODEV && secure)) {
                *ret = NULL; /* the codec or the secure mode is not supported */
                return avb_status_ok();
        }
        if (e < 0)
                return avbd_dec_status(e, "open");
        return avb_status_ok();
}

static avb_status dec_open(void *impl, avb_call *call, VD(Codec) codec, bool secure,
                           avb_binder *listener, avb_binder **ret)
{
        return open_common(impl, call, codec, secure, listener, 0, 0, ret);
}

static avb_status dec_open_with_resolution(void *impl, avb_call *call, VD(Codec) codec, bool secure,
                                           avb_binder *listener, int32_t w, int32_t h,
                                           avb_binder **ret)
{
        struct avbd_dec_limits lim;

        avbd_dec_limits(impl, &lim);
        if (w <= 0 || h <= 0 || (uint32_t)w * (uint32_t)h > lim.max_width * lim.max_height)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "openWithResolution: %dx%d is beyond what the "
                                            "decoder's frame blocks hold (%ux%u)",
                                            (int)w, (int)h, lim.max_width, lim.max_height);
        return open_common(impl, call, codec, secure, listener, w, h, ret);
}

static avb_status dec_close(void *impl, avb_call *call, avb_binder *controller, bool *ret)
{
        return avbd_hal_close(impl, call, controller, &VD(IVideoDecoderController_desc), ret);
}

const VD(IVideoDecoder_ops) avbd_video_decoder_ops = {
    .getCapabilities = get_caps,
    .getProperty = get_property,
    .getPropertyMulti = get_property_multi,
    .getState = get_state,
    .open = dec_open,
    .openWithResolution = dec_open_with_resolution,
    .close = dec_close,
    .registerEventListener = avbd_hal_listen,
    .unregisterEventListener = avbd_hal_unlisten,
};

/* ---- IVideoDecoderController ------------------------------------------------- */

static avb_status ctl_decode(void *impl, avb_call *call, int64_t handle,
                             const VD(InputBufferMetadata) * md, bool *ret)
{
        if (md->discontinuity)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "decodeBufferWithMetadata: metadata.discontinuity is "
                                            "reserved (use signalDiscontinuity)");
        return avbd_dec_status(avbd_dec_decode(impl, avbd_dec_caller(call), handle,
                                               md->nsPresentationTime, md->endOfStream, ret),
                               "decodeBufferWithMetadata");
}

static avb_status ctl_csd(void *impl, avb_call *call, VD(CSDVideoFormat) format, const int8_t *data,
                          size_t n, bool *ret)
{
        const uint8_t *b = (const uint8_t *)data;
        struct avbd_dec_info in;
        enum avb_vpu_codec_data type;
        int e;

        avbd_dec_info(((const struct avbd_ctl *)impl)->dec, &in);
        if (format != VD(CSDVideoFormat_AVC_DECODER_CONFIGURATION_RECORD) ||
            in.codec != AVB_VPU_CODEC_H264 || n < 4) {
                *ret = false; /* only H.264's record is decoded here */
                return in.state == AVBD_DEC_STARTED
                           ? avb_status_ok()
                           : avbd_dec_status(-EBADFD, "parseCodecSpecificData");
        }
        /* parameter sets with start codes are taken too (Annex B streams) */
        type = (b[0] == 0 && b[1] == 0 && (b[2] == 1 || (b[2] == 0 && b[3] == 1)))
                   ? AVB_VPU_CODEC_DATA_H264_ANNEXB
                   : AVB_VPU_CODEC_DATA_AVCC;
        e = avbd_dec_codec_data(impl, avbd_dec_caller(call), type, data, n);
        *ret = e == 0;
        if (e == -EINVAL || e == -EOPNOTSUPP || e == -EBUSY)
                return avb_status_ok();
        return avbd_dec_status(e, "parseCodecSpecificData");
}

/* Settings: what to change, applied under the decoder's lock. */
struct setting {
        VD(Property) property; /* or -1 for a stream hint */
        int hint;
        int32_t v[10];
        bool present;
};

enum { HINT_MASTERING = 1, HINT_LIGHT, HINT_COLORIMETRY, HINT_RESOLUTION, HINT_RATE, HINT_DV };

static int apply(struct avbd_dec_config *cfg, const void *arg)
{
        const struct setting *s = arg;

        switch (s->hint) {
        case HINT_MASTERING:
                cfg->has_mastering = s->present;
                memcpy(cfg->mastering, s->v, sizeof(cfg->mastering));
                return 0;
        case HINT_LIGHT:
                cfg->has_light = s->present;
                memcpy(cfg->light, s->v, sizeof(cfg->light));
                return 0;
        case HINT_COLORIMETRY:
                cfg->colorimetry = s->v[0];
                return 0;
        case HINT_RESOLUTION:
                cfg->width = s->v[0];
                cfg->height = s->v[1];
                return 0;
        case HINT_RATE:
                cfg->fps_num = s->v[0];
                cfg->fps_den = s->v[1];
                return 0;
        case HINT_DV:
                cfg->dv_base = s->v[0];
                cfg->dv_enhancement = s->v[1];
                return 0;
        default:
                break;
        }
        switch (s->property) {
        case VD(Property_LOW_LATENCY_MODE):
                cfg->low_latency = s->v[0];
                return 0;
        case VD(Property_DECODE_ERROR_POLICY):
                cfg->error_policy = s->v[0];
                return 0;
        case VD(Property_AV_SOURCE):
                cfg->av_source = s->v[0];
                return 0;
        case VD(Property_SHA1_CALC):
                cfg->sha1 = s->v[0];
                return 0;
        default:
                return -EINVAL;
        }
}

static avb_status ctl_set_property(void *impl, avb_call *call, VD(Property) p,
                                   const com_rdk_hal_PropertyValue *value, bool *ret)
{
        struct setting s = {.property = p};
        unsigned states = AVBD_IN_READY;
        int32_t v;
        int e;

        switch (p) {
        case VD(Property_RESOURCE_ID):
        case VD(Property_INPUT_QUEUE_DEPTH):
        case VD(Property_OUTPUT_FRAME_POOL_SIZE):
        case VD(Property_SECURE_VIDEO):
        case VD(Property_METRIC_FRAMES_DECODED):
        case VD(Property_METRIC_DECODE_ERRORS):
        case VD(Property_METRIC_FRAMES_DROPPED):
                return avb_status_exception(AVB_EX_UNSUPPORTED_OPERATION,
                                            "setProperty: property %d is read-only", (int)p);
        default:
                break;
        }
        *ret = false;
        if (avbd_int_of(value, &v) < 0)
                return avb_status_ok(); /* every video property is an intValue */
        switch (p) {
        case VD(Property_OPERATIONAL_MODE):
                if (v != VD(OperationalMode_TUNNELLED) && v != VD(OperationalMode_NON_TUNNELLED))
                        return avb_status_ok();
                e = avbd_dec_set_tunnelled(impl, avbd_dec_caller(call),
                                           v == VD(OperationalMode_TUNNELLED));
                *ret = e == 0;
                return e == -EBADFD || e == -EPERM || e == -ESTALE
                           ? avbd_dec_status(e, "setProperty")
                           : avb_status_ok();
        case VD(Property_SHA1_CALC):
                states |= AVBD_IN_STARTED;
                /* fall through */
        case VD(Property_LOW_LATENCY_MODE):
        case VD(Property_DECODE_ERROR_POLICY):
                if (v != 0 && v != 1)
                        return avb_status_ok();
                break;
        case VD(Property_AV_SOURCE):
                if (!avbd_av_source_valid(v))
                        return avb_status_ok();
                break;
        default:
                return avb_status_ok(); /* unknown key */
        }
        s.v[0] = v;
        e = avbd_dec_configure(impl, avbd_dec_caller(call), states, apply, &s);
        *ret = e == 0;
        return e == -EBADFD || e == -EPERM || e == -ESTALE ? avbd_dec_status(e, "setProperty")
                                                           : avb_status_ok();
}

static avb_status hint(void *impl, avb_call *call, const struct setting *s, const char *what)
{
        return avbd_dec_status(
            avbd_dec_configure(impl, avbd_dec_caller(call), AVBD_IN_READY, apply, s), what);
}

static avb_status ctl_mastering(void *impl, avb_call *call, const VD(MasteringDisplayInfo) * i)
{
        struct setting s = {.hint = HINT_MASTERING, .present = i != NULL};

        if (i) {
                const int32_t v[10] = {i->greenPrimaryX, i->greenPrimaryY, i->bluePrimaryX,
                                       i->bluePrimaryY,  i->redPrimaryX,   i->redPrimaryY,
                                       i->whitePointX,   i->whitePointY,   i->maxLuminance,
                                       i->minLuminance};

                memcpy(s.v, v, sizeof(v));
        }
        return hint(impl, call, &s, "setMasteringDisplayInfo");
}

static avb_status ctl_light(void *impl, avb_call *call, const VD(ContentLightLevel) * i)
{
        struct setting s = {.hint = HINT_LIGHT, .present = i != NULL};

        if (i) {
                s.v[0] = i->maxCLL;
                s.v[1] = i->maxFALL;
        }
        return hint(impl, call, &s, "setContentLightLevel");
}

static avb_status ctl_colorimetry(void *impl, avb_call *call, VD(Colorimetry) c)
{
        struct setting s = {.hint = HINT_COLORIMETRY, .v = {c}};

        if (c < VD(Colorimetry_UNKNOWN) || c > VD(Colorimetry_DCI_P3_D60))
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "setColorimetry: %d is not a Colorimetry", (int)c);
        return hint(impl, call, &s, "setColorimetry");
}

static avb_status ctl_resolution(void *impl, avb_call *call, int32_t w, int32_t h)
{
        struct setting s = {.hint = HINT_RESOLUTION, .v = {w, h}};

        if (w <= 0 || h <= 0)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "setStreamResolution: %dx%d",
                                            (int)w, (int)h);
        return hint(impl, call, &s, "setStreamResolution");
}

static avb_status ctl_rate(void *impl, avb_call *call, int32_t num, int32_t den)
{
        struct setting s = {.hint = HINT_RATE, .v = {num, den}};

        if ((den == 0 && num != 0) || num < 0 || den < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "setFrameRate: %d/%d",
                                            (int)num, (int)den);
        return hint(impl, call, &s, "setFrameRate");
}

static avb_status ctl_dv(void *impl, avb_call *call, bool bl, bool el)
{
        struct setting s = {.hint = HINT_DV, .v = {bl, el}};

        return hint(impl, call, &s, "setDolbyVisionLayerFlags");
}

const VD(IVideoDecoderController_ops) avbd_video_controller_ops = {
    .start = avbd_hal_start,
    .stop = avbd_hal_stop,
    .setProperty = ctl_set_property,
    .decodeBufferWithMetadata = ctl_decode,
    .flush = avbd_hal_flush,
    .signalDiscontinuity = avbd_hal_discontinuity,
    .parseCodecSpecificData = ctl_csd,
    .setMasteringDisplayInfo = ctl_mastering,
    .setContentLightLevel = ctl_light,
    .setColorimetry = ctl_colorimetry,
    .setStreamResolution = ctl_resolution,
    .setFrameRate = ctl_rate,
    .setDolbyVisionLayerFlags = ctl_dv,
};
