/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The managers and the decoder objects: ids, lookups, operational modes,
 * capabilities, properties, open/close and event listeners. Most cases are
 * written once for both packages (audio true/false) and named per package.
 */
#include <stdlib.h>
#include <string.h>

#include "hcf.h"

#define VD(x) com_rdk_hal_videodecoder_##x
#define AD(x) com_rdk_hal_audiodecoder_##x

#define STATE(x) com_rdk_hal_State_##x

/* ---- managers ---------------------------------------------------------------- */

static void ids_listed(hcf_ctx *c, bool audio)
{
        int32_t *ids, v;
        size_t n;

        hcf_ids(c, audio, &ids, &n);
        HCF_CHECK(c, n > 0, "the manager lists no decoder");
        for (size_t i = 0; i < n; i++) {
                avb_binder *b = NULL;
                hcf_dec d = {.audio = audio, .id = ids[i]};

                HCF_CHECK(c, ids[i] != -1, "id %zu is UNDEFINED (-1)", i);
                for (size_t k = 0; k < i; k++)
                        HCF_CHECK(c, ids[k] != ids[i], "id %d listed twice", (int)ids[i]);
                HCF_OK(c, hcf_get_raw(c, audio, ids[i], &b), "get*Decoder");
                HCF_CHECK(c, b, "get*Decoder(%d): null for a listed id", (int)ids[i]);
                d.dec = b;
                v = -2;
                HCF_CHECK(c, hcf_prop(c, &d, 0 /* RESOURCE_ID */, &v), "RESOURCE_ID is null");
                avb_binder_unref(b);
                HCF_CHECK_EQ(c, v, ids[i], "RESOURCE_ID of the decoder with that id");
        }
        free(ids);
}

static void unknown_id_null(hcf_ctx *c, bool audio)
{
        int32_t *ids, bad[] = {-1, 0, 1000000};
        size_t n;

        hcf_ids(c, audio, &ids, &n);
        for (size_t i = 0; i < n; i++)
                if (ids[i] >= bad[1])
                        bad[1] = ids[i] + 1; /* one above the highest */
        free(ids);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                avb_binder *b = NULL;

                HCF_OK(c, hcf_get_raw(c, audio, bad[i], &b), "get*Decoder of an unknown id");
                HCF_CHECK(c, !b, "get*Decoder(%d): a decoder for an id the manager does not list",
                          (int)bad[i]);
        }
}

static void m_video_ids(hcf_ctx *c)
{
        ids_listed(c, false);
}

static void m_video_unknown(hcf_ctx *c)
{
        unknown_id_null(c, false);
}

static void m_modes(hcf_ctx *c)
{
        VD(OperationalMode) *m = NULL;
        size_t n = 0;
        bool non_tunnelled = false;

        HCF_OK(c, VD(IVideoDecoderManager_getSupportedOperationalModes)(c->vmgr, &m, &n),
               "getSupportedOperationalModes");
        HCF_CHECK(c, n > 0, "no operational mode");
        for (size_t i = 0; i < n; i++) {
                HCF_CHECK(c,
                          m[i] == VD(OperationalMode_TUNNELLED) ||
                              m[i] == VD(OperationalMode_NON_TUNNELLED) ||
                              m[i] == VD(OperationalMode_GRAPHICS_TEXTURE),
                          "mode %d is not one OperationalMode", (int)m[i]);
                for (size_t k = 0; k < i; k++)
                        HCF_CHECK(c, m[k] != m[i], "mode %d listed twice", (int)m[i]);
                non_tunnelled |= m[i] == VD(OperationalMode_NON_TUNNELLED);
        }
        free(m);
        /* the cases that read frames need it */
        HCF_CHECK(c, non_tunnelled, "NON_TUNNELLED is not supported");
}

static void m_audio_ids(hcf_ctx *c)
{
        ids_listed(c, true);
}

static void m_audio_unknown(hcf_ctx *c)
{
        unknown_id_null(c, true);
}

const hcf_case hcf_cases_manager[] = {
    {"manager.getVideoDecoderIds", m_video_ids,
     "ids distinct, none UNDEFINED; each gives a decoder whose RESOURCE_ID is the id"},
    {"manager.getVideoDecoder-unknown-id-null", m_video_unknown,
     "-1, one above the highest id, 1000000: null, no exception"},
    {"manager.getSupportedOperationalModes", m_modes,
     "known single modes, none twice, NON_TUNNELLED among them"},
    {"audio.manager.getAudioDecoderIds", m_audio_ids,
     "ids distinct, none UNDEFINED; each gives a decoder whose RESOURCE_ID is the id"},
    {"audio.manager.getAudioDecoder-unknown-id-null", m_audio_unknown,
     "-1, one above the highest id, 1000000: null, no exception"},
    {NULL, NULL, NULL},
};

/* ---- decoders ---------------------------------------------------------------- */

static void state_closed(hcf_ctx *c, bool audio)
{
        hcf_dec *d = hcf_get(c, audio, 0);
        int32_t v = -1;

        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(CLOSED), "getState of an unopened decoder");
        HCF_CHECK(c,
                  hcf_prop(c, d, audio ? AD(Property_SECURE_AUDIO) : VD(Property_SECURE_VIDEO), &v),
                  "SECURE_* is null");
        HCF_CHECK_EQ(c, v, 0, "SECURE_* of a closed decoder");
}

static void d_state_closed(hcf_ctx *c)
{
        state_closed(c, false);
}

static void d_caps(hcf_ctx *c)
{
        hcf_dec *d = hcf_get(c, false, 0);
        VD(Capabilities) caps;
        bool h264 = false;

        HCF_OK(c, VD(IVideoDecoder_getCapabilities)(d->dec, &caps), "getCapabilities");
        for (size_t i = 0; i < caps.supportedCodecs_count; i++) {
                const VD(CodecCapabilities) *cc = &caps.supportedCodecs[i];
                avb_binder *ctl = NULL;
                avb_status st;
                bool ok = false;

                h264 |= cc->codec == VD(Codec_H264_AVC);
                if (cc->maxFrameWidth <= 0 || cc->maxFrameHeight <= 0 ||
                    !cc->supportedOutputPixelFormats_count) {
                        VD(Capabilities_fini)(&caps);
                        HCF_CHECK(c, false, "codec %d: max size %dx%d, %zu pixel formats",
                                  (int)cc->codec, (int)cc->maxFrameWidth, (int)cc->maxFrameHeight,
                                  cc->supportedOutputPixelFormats_count);
                }
                /* what the decoder says it decodes, it opens */
                st = hcf_open(c, d, cc->codec, false, d->rec->controller_listener, &ctl);
                if (avb_status_is_ok(&st) && ctl)
                        st = hcf_close(c, d, ctl, &ok);
                avb_binder_unref(ctl);
                if (!avb_status_is_ok(&st) || !ctl || !ok) {
                        int codec = cc->codec;

                        VD(Capabilities_fini)(&caps);
                        HCF_CHECK(c, false, "codec %d is listed but open/close fails: %s %s", codec,
                                  avb_exception_name(st.exception), st.message);
                }
        }
        VD(Capabilities_fini)(&caps);
        HCF_CHECK(c, h264, "H264_AVC is not among the codecs");
}

static void d_prop_unknown(hcf_ctx *c)
{
        hcf_dec *d = hcf_get(c, false, 0);
        int32_t v;

        HCF_CHECK(c, !hcf_prop(c, d, 12345, &v), "property 12345 has a value (%d)", (int)v);
        HCF_CHECK(c, !hcf_prop(c, d, -1, &v), "property -1 has a value (%d)", (int)v);
        HCF_CHECK(c, hcf_prop(c, d, VD(Property_OUTPUT_FRAME_POOL_SIZE), &v),
                  "OUTPUT_FRAME_POOL_SIZE is null");
}

static void d_multi(hcf_ctx *c)
{
        hcf_dec *d = hcf_get(c, false, 0);
        const VD(Property) good[] = {VD(Property_RESOURCE_ID), VD(Property_SECURE_VIDEO)};
        const VD(Property) bad[] = {VD(Property_RESOURCE_ID), (VD(Property))12345};
        VD(PropertyKVPair) *kv = NULL;
        size_t n = 0;
        bool ok = true;
        avb_status st;

        st = VD(IVideoDecoder_getPropertyMulti)(d->dec, good, 0, &kv, &n, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "getPropertyMulti([])");
        st = VD(IVideoDecoder_getPropertyMulti)(d->dec, bad, 2, &kv, &n, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "getPropertyMulti with an unknown property");
        HCF_OK(c, VD(IVideoDecoder_getPropertyMulti)(d->dec, good, 2, &kv, &n, &ok),
               "getPropertyMulti");
        HCF_CHECK(c, ok && n == 2, "getPropertyMulti: %d with %zu pairs for 2 properties", ok, n);
        for (size_t i = 0; i < n; i++) {
                const com_rdk_hal_PropertyValue *pv = &kv[i].propertyValue;
                int32_t want = i == 0 ? d->id : 0;
                bool right = kv[i].property == good[i] && pv->value &&
                             pv->value->tag == com_rdk_hal_PropertyValue_Value_TAG_intValue &&
                             pv->value->u.intValue == want;

                if (!right) {
                        for (size_t k = 0; k < n; k++)
                                VD(PropertyKVPair_fini)(&kv[k]);
                        free(kv);
                        HCF_CHECK(c, false, "pair %zu is not property %d = %d", i, (int)good[i],
                                  (int)want);
                }
                VD(PropertyKVPair_fini)(&kv[i]);
        }
        free(kv);
}

static void open_returns_controller(hcf_ctx *c, bool audio)
{
        hcf_dec *d = hcf_get(c, audio, 0);
        int32_t v = -1;

        hcf_open_ok(c, d);
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(READY), "getState after open");
        HCF_CHECK(c,
                  hcf_prop(c, d, audio ? AD(Property_SECURE_AUDIO) : VD(Property_SECURE_VIDEO), &v),
                  "SECURE_* is null");
        HCF_CHECK_EQ(c, v, 0, "SECURE_* of a non-secure open");
        hcf_close_ok(c, d);
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(CLOSED), "getState after close");
        /* and it opens again */
        hcf_open_ok(c, d);
        hcf_close_ok(c, d);
}

static void d_open(hcf_ctx *c)
{
        open_returns_controller(c, false);
}

static void open_twice(hcf_ctx *c, bool audio)
{
        hcf_dec *d = hcf_get(c, audio, 0);
        avb_binder *second = NULL;
        avb_status st;

        hcf_open_ok(c, d);
        st = hcf_open(c, d, hcf_codec(audio), false, d->rec->controller_listener, &second);
        avb_binder_unref(second);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "a second open");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(READY), "getState after the refused open");
        HCF_OK(c, hcf_start(d), "start through the first controller");
}

static void d_open_twice(hcf_ctx *c)
{
        open_twice(c, false);
}

static void open_unsupported(hcf_ctx *c, bool audio)
{
        const int32_t codecs[] = {audio ? AD(Codec_DTS) : VD(Codec_AV1),
                                  audio ? AD(Codec_WMA) : VD(Codec_VP9), 999};
        hcf_dec *d = hcf_get(c, audio, 0);

        for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
                avb_binder *ctl = NULL;

                HCF_OK(c, hcf_open(c, d, codecs[i], false, d->rec->controller_listener, &ctl),
                       "open of an unsupported codec");
                avb_binder_unref(ctl);
                HCF_CHECK(c, !ctl, "open(codec %d) gave a controller", (int)codecs[i]);
                HCF_CHECK_EQ(c, hcf_state(c, d), STATE(CLOSED), "getState after it");
        }
}

static void d_open_unsupported(hcf_ctx *c)
{
        open_unsupported(c, false);
}

static void open_null_listener(hcf_ctx *c, bool audio)
{
        hcf_dec *d = hcf_get(c, audio, 0);
        avb_binder *ctl = NULL;
        avb_status st = hcf_open(c, d, hcf_codec(audio), false, NULL, &ctl);

        avb_binder_unref(ctl);
        HCF_EXPECT_EX(c, st, AVB_EX_NULL_POINTER, "open without a listener");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(CLOSED), "getState after it");
}

static void d_open_null(hcf_ctx *c)
{
        open_null_listener(c, false);
}

static void d_open_res(hcf_ctx *c)
{
        hcf_dec *d = hcf_get(c, false, 0);
        const int32_t bad[][2] = {{0, 0}, {-1, 240}, {320, 0}, {0, 0}, {0, 0}};
        VD(Capabilities) caps;
        int32_t w = 0, h = 0;
        avb_binder *ctl = NULL;
        int32_t sizes[5][2];

        HCF_OK(c, VD(IVideoDecoder_getCapabilities)(d->dec, &caps), "getCapabilities");
        for (size_t i = 0; i < caps.supportedCodecs_count; i++)
                if (caps.supportedCodecs[i].codec == VD(Codec_H264_AVC)) {
                        w = caps.supportedCodecs[i].maxFrameWidth;
                        h = caps.supportedCodecs[i].maxFrameHeight;
                }
        VD(Capabilities_fini)(&caps);
        HCF_CHECK(c, w > 0 && h > 0, "no H264_AVC capabilities");
        memcpy(sizes, bad, sizeof(bad));
        sizes[3][0] = 2 * w; /* beyond the capabilities */
        sizes[3][1] = 2 * h;
        sizes[4][0] = w + 16;
        sizes[4][1] = h + 16;
        for (size_t i = 0; i < 5; i++) {
                avb_status st = VD(IVideoDecoder_openWithResolution)(
                    d->dec, VD(Codec_H264_AVC), false, d->rec->controller_listener, sizes[i][0],
                    sizes[i][1], &ctl);

                ctl = avb_binder_unref(ctl);
                hcf_note(c, "%dx%d", (int)sizes[i][0], (int)sizes[i][1]);
                HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "openWithResolution of a bad size");
                HCF_CHECK_EQ(c, hcf_state(c, d), STATE(CLOSED), "getState after it");
        }
        HCF_OK(c,
               VD(IVideoDecoder_openWithResolution)(d->dec, VD(Codec_H264_AVC), false,
                                                    d->rec->controller_listener, w, h, &d->ctl),
               "openWithResolution at the capabilities' size");
        HCF_CHECK(c, d->ctl, "openWithResolution(%dx%d) returned no controller", (int)w, (int)h);
}

static void close_from_started(hcf_ctx *c, bool audio)
{
        hcf_dec *d = hcf_get(c, audio, 0);
        bool ok = true;
        avb_status st;

        hcf_open_ok(c, d);
        HCF_OK(c, hcf_start(d), "start");
        st = hcf_close(c, d, d->ctl, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "close while STARTED");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(STARTED), "getState after it");
        HCF_OK(c, hcf_stop(d), "stop");
        hcf_close_ok(c, d);
}

static void d_close_started(hcf_ctx *c)
{
        close_from_started(c, false);
}

static void d_close_foreign(hcf_ctx *c)
{
        hcf_dec *a = hcf_get(c, false, 0), *b = hcf_get(c, false, 1);
        bool ok = true;
        avb_status st;

        hcf_open_ok(c, a);
        hcf_open_ok(c, b);
        st = hcf_close(c, a, b->ctl, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "close with another decoder's controller");
        HCF_CHECK_EQ(c, hcf_state(c, a), STATE(READY), "getState of the decoder asked");
        HCF_CHECK_EQ(c, hcf_state(c, b), STATE(READY), "getState of the controller's decoder");
        hcf_close_ok(c, b);
        hcf_close_ok(c, a);
}

static void register_twice(hcf_ctx *c, bool audio)
{
        hcf_dec *d = hcf_get(c, audio, 0);
        bool ok = false;

        HCF_OK(c, hcf_register(d, d->rec->event_listener, true, &ok), "registerEventListener");
        HCF_CHECK(c, ok, "registerEventListener of a new listener: false");
        HCF_OK(c, hcf_register(d, d->rec->event_listener, true, &ok),
               "registerEventListener again");
        HCF_CHECK(c, !ok, "registerEventListener of a registered listener: true");
        HCF_OK(c, hcf_register(d, d->rec->event_listener, false, &ok), "unregisterEventListener");
        HCF_CHECK(c, ok, "unregisterEventListener of a registered listener: false");
}

static void d_register_twice(hcf_ctx *c)
{
        register_twice(c, false);
}

static void d_unregister_unknown(hcf_ctx *c)
{
        hcf_dec *d = hcf_get(c, false, 0);
        bool ok = true;

        HCF_OK(c, hcf_register(d, d->rec->event_listener, false, &ok), "unregisterEventListener");
        HCF_CHECK(c, !ok, "unregisterEventListener of a listener never registered: true");
}

/* CLOSED->OPENING->READY->STARTING->STARTED->STOPPING->READY->CLOSING->CLOSED, to every listener.
 */
static void state_sequence(hcf_ctx *c, bool audio)
{
        static const int32_t want[][2] = {
            {STATE(CLOSED), STATE(OPENING)},   {STATE(OPENING), STATE(READY)},
            {STATE(READY), STATE(STARTING)},   {STATE(STARTING), STATE(STARTED)},
            {STATE(STARTED), STATE(STOPPING)}, {STATE(STOPPING), STATE(READY)},
            {STATE(READY), STATE(CLOSING)},    {STATE(CLOSING), STATE(CLOSED)},
        };
        hcf_dec *d = hcf_get(c, audio, 0);
        hcf_rec *other = hcf_rec_new(c, audio);
        bool ok = false;

        HCF_OK(c, hcf_register(d, d->rec->event_listener, true, &ok), "registerEventListener");
        HCF_CHECK(c, ok, "registerEventListener: false");
        HCF_OK(c, hcf_register(d, other->event_listener, true, &ok), "registerEventListener");
        hcf_open_ok(c, d);
        HCF_OK(c, hcf_start(d), "start");
        HCF_OK(c, hcf_stop(d), "stop");
        hcf_close_ok(c, d);
        for (int k = 0; k < 2; k++) {
                hcf_rec *r = k ? other : d->rec;

                hcf_wait_state(c, r, STATE(CLOSED), "after close");
                HCF_CHECK_EQ(c, r->n_states, 8, "state changes heard by listener");
                for (size_t i = 0; i < 8; i++)
                        HCF_CHECK(c, r->states[i][0] == want[i][0] && r->states[i][1] == want[i][1],
                                  "change %zu: %d -> %d, want %d -> %d", i, (int)r->states[i][0],
                                  (int)r->states[i][1], (int)want[i][0], (int)want[i][1]);
        }
        (void)hcf_register(d, other->event_listener, false, &ok);
}

static void e_sequence(hcf_ctx *c)
{
        state_sequence(c, false);
}

const hcf_case hcf_cases_decoder[] = {
    {"decoder.getState-closed", d_state_closed, "an unopened decoder is CLOSED, SECURE_VIDEO 0"},
    {"decoder.getCapabilities", d_caps,
     "H264_AVC listed; every codec has a size and a pixel format, and opens"},
    {"decoder.getProperty-unknown-null", d_prop_unknown,
     "unknown properties read null, a known one does not"},
    {"decoder.getPropertyMulti-empty-illegal-argument", d_multi,
     "[] and a list with an unknown property: EX_ILLEGAL_ARGUMENT; a good list in order"},
    {"decoder.open-returns-controller", d_open,
     "open gives a controller, READY, close gives CLOSED, and it opens again"},
    {"decoder.open-twice-illegal-state", d_open_twice,
     "a second open: EX_ILLEGAL_STATE; the first controller still works"},
    {"decoder.open-unsupported-codec-null", d_open_unsupported,
     "AV1, VP9, 999: null, no exception, still CLOSED"},
    {"decoder.open-null-listener", d_open_null, "EX_NULL_POINTER, still CLOSED"},
    {"decoder.openWithResolution-too-large", d_open_res,
     "0x0, -1x240, 320x0, beyond the capabilities: EX_ILLEGAL_ARGUMENT; at them: a controller"},
    {"decoder.close-from-started-illegal-state", d_close_started,
     "close while STARTED: EX_ILLEGAL_STATE, still STARTED"},
    {"decoder.close-foreign-controller", d_close_foreign,
     "close with another decoder's controller: EX_ILLEGAL_STATE, both stay READY"},
    {"decoder.registerEventListener-twice-false", d_register_twice,
     "register true, again false, unregister true"},
    {"decoder.unregisterEventListener-unknown-false", d_unregister_unknown,
     "unregister of a listener never registered: false"},
    {"events.onStateChanged-sequence", e_sequence,
     "open/start/stop/close: exactly the 8 changes, to each of two listeners"},
    {NULL, NULL, NULL},
};

/* ---- audio ------------------------------------------------------------------ */

static void a_state_closed(hcf_ctx *c)
{
        state_closed(c, true);
}

static void a_caps(hcf_ctx *c)
{
        hcf_dec *d = hcf_get(c, true, 0);
        AD(Capabilities) caps;
        bool mp2 = false, aac = false;

        HCF_OK(c, AD(IAudioDecoder_getCapabilities)(d->dec, &caps), "getCapabilities");
        for (size_t i = 0; i < caps.supportedCodecs_count; i++) {
                mp2 |= caps.supportedCodecs[i] == AD(Codec_MPEG2);
                aac |= caps.supportedCodecs[i] == AD(Codec_AAC_LC);
        }
        AD(Capabilities_fini)(&caps);
        HCF_CHECK(c, mp2 && aac, "MPEG2 %s, AAC_LC %s among the codecs", mp2 ? "is" : "is not",
                  aac ? "is" : "is not");
}

static void open_codec(hcf_ctx *c, int32_t codec)
{
        hcf_dec *d = hcf_get(c, true, 0);

        HCF_OK(c, hcf_open(c, d, codec, false, d->rec->controller_listener, &d->ctl), "open");
        HCF_CHECK(c, d->ctl, "open(codec %d) returned no controller", (int)codec);
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(READY), "getState after open");
        HCF_OK(c, hcf_start(d), "start");
        HCF_OK(c, hcf_stop(d), "stop");
        hcf_close_ok(c, d);
}

static void a_open_aac(hcf_ctx *c)
{
        open_codec(c, AD(Codec_AAC_LC));
}

static void a_open_mp2(hcf_ctx *c)
{
        open_codec(c, AD(Codec_MPEG2));
        open_returns_controller(c, true);
}

static void a_open_twice(hcf_ctx *c)
{
        open_twice(c, true);
}

static void a_open_unsupported(hcf_ctx *c)
{
        open_unsupported(c, true);
}

static void a_open_null(hcf_ctx *c)
{
        open_null_listener(c, true);
}

static void a_close_started(hcf_ctx *c)
{
        close_from_started(c, true);
}

static void a_register_twice(hcf_ctx *c)
{
        register_twice(c, true);
}

static void a_sequence(hcf_ctx *c)
{
        state_sequence(c, true);
}

const hcf_case hcf_cases_audio[] = {
    {"audio.decoder.getState-closed", a_state_closed, "CLOSED, SECURE_AUDIO 0"},
    {"audio.decoder.getCapabilities", a_caps, "MPEG2 and AAC_LC listed"},
    {"audio.decoder.open-AAC_LC", a_open_aac, "a controller, READY, start, stop, close"},
    {"audio.decoder.open-MPEG2", a_open_mp2, "the same for MPEG2, then CLOSED and again"},
    {"audio.decoder.open-twice-illegal-state", a_open_twice,
     "a second open: EX_ILLEGAL_STATE; the first controller still works"},
    {"audio.decoder.open-unsupported-codec-null", a_open_unsupported,
     "DTS, WMA, 999: null, no exception, still CLOSED"},
    {"audio.decoder.open-null-listener", a_open_null, "EX_NULL_POINTER, still CLOSED"},
    {"audio.decoder.close-from-started-illegal-state", a_close_started,
     "close while STARTED: EX_ILLEGAL_STATE, still STARTED"},
    {"audio.decoder.registerEventListener-twice-false", a_register_twice,
     "register true, again false, unregister true"},
    {"audio.events.onStateChanged-sequence", a_sequence,
     "open/start/stop/close: exactly the 8 changes, to each of two listeners"},
    {NULL, NULL, NULL},
};
