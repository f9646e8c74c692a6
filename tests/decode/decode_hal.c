/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decode proofs of what the published RDK decoder HALs add (issue 11),
 * on gen-streams.sh's streams: a mid-stream resolution change, end of stream
 * on the last buffer's metadata, an MP4 stream through its avcC, SEI user
 * data, the video decoder's properties, and a controller outliving its open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "com_rdk_hal.h"
#include "dt.h"

#define FRAME_NS 40000000 /* 25 frames per second */

static const char *dir;

static char *path(const char *name)
{
        static char buf[2][1024];
        static int i;
        char *p = buf[i++ % 2];

        snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
        return p;
}

static void expect_exception(avb_status st, int32_t ex, const char *what)
{
        if (st.exception != ex)
                dt_fail("%s: exception %d, expected %d", what, st.exception, ex);
}

static void reset_counts(struct dt *t)
{
        t->n_frames = t->n_bad = 0;
        pthread_mutex_lock(&t->l.m);
        t->l.eos = t->l.eos_markers = 0;
        t->l.received = t->l.received_at_eos = 0;
        pthread_mutex_unlock(&t->l.m);
}

/* A stream one access unit per buffer, endOfStream on the last; every frame checked. */
static void frames_checked(struct dt *t, const char *stream, const char *ref)
{
        struct dt_push o = {.check = true, .eos = true};
        size_t len;
        uint8_t *data = dt_read_file(path(stream), &len);

        dt_load_ref(t, path(ref));
        reset_counts(t);
        dt_push_frames(t, data, len, FRAME_NS, &o);
        dt_drain_frames(t, true, 50);
        free(data);
        if (t->n_bad || t->n_frames != t->n_ref)
                dt_fail("%s: %zu of %zu frames differ from ffmpeg's, %zu reference frames", stream,
                        t->n_bad, t->n_frames, t->n_ref);
}

/* ---- resolution-change --------------------------------------------------------- */

#define RC_FRAMES 50 /* rc.h264: 30 + 20 */
#define RC_CHANGE 30

/* The geometry each frame came with, and where metadata came. */
static struct {
        int32_t w[64], h[64];
        bool meta[64];
        size_t n;
} rc;

static void rc_note(struct dt *t, const struct dt_frame *f)
{
        if (rc.n < 64) {
                rc.meta[rc.n] = f->has_meta;
                rc.w[rc.n] = f->has_meta ? f->meta.a : t->meta.a;
                rc.h[rc.n] = f->has_meta ? f->meta.b : t->meta.b;
        }
        rc.n++;
}

/*
 * rc.h264: 30 frames of 320x240, then 20 of 176x120 (coded 176x128, cropped)
 * from an IDR with new parameter sets, through softvpu, cut anywhere: every
 * frame bit-exact, and metadata with the new size on the first frame after
 * the change (the 320x240 frames keep the size they had).
 */
static void case_resolution_change(struct dt *t)
{
        struct dt_push o = {.chunk = 4096, .check = true, .eos = true};
        size_t len;
        uint8_t *data = dt_read_file(path("rc.h264"), &len);

        dt_get_decoder(t, 0);
        dt_load_ref(t, path("rc.md5"));
        dt_open_start(t, false);
        t->on_frame = rc_note;
        reset_counts(t);
        dt_push(t, data, len, &o);
        dt_drain_frames(t, true, 50);
        free(data);
        t->on_frame = NULL;
        printf("  %zu frames, %zu differ from ffmpeg's; %dx%d, then %dx%d from frame %d\n",
               t->n_frames, t->n_bad, (int)rc.w[0], (int)rc.h[0], (int)rc.w[RC_CHANGE],
               (int)rc.h[RC_CHANGE], RC_CHANGE);
        if (t->n_bad || t->n_frames != t->n_ref || t->n_ref != RC_FRAMES)
                dt_fail("%zu of %zu frames differ, %zu reference frames", t->n_bad, t->n_frames,
                        t->n_ref);
        for (size_t i = 0; i < RC_FRAMES; i++) {
                bool second = i >= RC_CHANGE;

                if (rc.w[i] != (second ? 176 : 320) || rc.h[i] != (second ? 120 : 240))
                        dt_fail("frame %zu: %dx%d", i, (int)rc.w[i], (int)rc.h[i]);
                if ((i == 0 || i == RC_CHANGE) && !rc.meta[i])
                        dt_fail("frame %zu: the first of its size without metadata", i);
        }
        dt_stop_close(t);
}

/* ---- eos ------------------------------------------------------------------------ */

static bool got_frames(struct dt *t)
{
        return t->l.eos > 0;
}

/*
 * A buffer holding only an access unit delimiter, with endOfStream: with no
 * frame to carry it, the end of stream comes alone, onFrameOutput(-1, -1,
 * endOfStream), and no frame.
 */
static void eos_alone(struct dt *t, const char *when)
{
        static const uint8_t aud[] = {0, 0, 0, 1, 0x09, 0xf0};
        int64_t h;
        bool accepted;

        reset_counts(t);
        h = dt_fill_buffer(t, aud, sizeof(aud), false);
        DT_OK(t->api->decode(t->ctl, h, 0, true, &accepted), "decode an AUD with endOfStream");
        if (!accepted)
                dt_fail("an empty queue refused a buffer");
        if (!dt_wait(t, got_frames, 20000, false))
                dt_fail("%s: no end of stream for a buffer without a picture", when);
        usleep(300000); /* anything more would come now */
        dt_drain_frames(t, false, 0);
        printf("  %s: %d end of stream (%d alone), %zu frames\n", when, t->l.eos, t->l.eos_markers,
               t->l.received);
        if (t->l.eos != 1 || t->l.eos_markers != 1 || t->l.received)
                dt_fail("%s: %d end of stream (%d alone) and %zu frames for a buffer without a "
                        "picture",
                        when, t->l.eos, t->l.eos_markers, t->l.received);
}

/*
 * End of stream is the last buffer's metadata: exactly one frame output
 * carries endOfStream, the last frame of the stream (a real frame, with its
 * pts), and nothing follows it. With nothing left to decode it comes alone
 * (eos_alone), at the start and after a stream's end alike; the decoder
 * decodes on after each.
 */
static void case_eos(struct dt *t)
{
        int64_t last_pts;
        size_t frames;

        dt_get_decoder(t, 0);
        dt_open_start(t, false);
        eos_alone(t, "first buffer");
        frames_checked(t, "p320.h264", "p320.md5");
        usleep(300000); /* anything after the end of stream would come now */
        dt_drain_frames(t, true, 0);
        pthread_mutex_lock(&t->l.m);
        frames = t->l.received;
        last_pts = t->l.last_pts;
        int eos = t->l.eos, markers = t->l.eos_markers;
        size_t at_eos = t->l.received_at_eos;
        pthread_mutex_unlock(&t->l.m);
        printf("  %zu frames, end of stream on frame %zu (pts %lld ns), %d end of stream, %d "
               "alone\n",
               frames, at_eos, (long long)last_pts, eos, markers);
        if (eos != 1 || markers || at_eos != frames || frames != t->n_ref ||
            last_pts != (int64_t)(t->n_ref - 1) * FRAME_NS)
                dt_fail("want one end of stream, on the last of %zu frames (pts %lld)", t->n_ref,
                        (long long)(t->n_ref - 1) * FRAME_NS);
        eos_alone(t, "after a stream");
        frames_checked(t, "p320.h264", "p320.md5");
        dt_stop_close(t);
}

/* ---- avcc ------------------------------------------------------------------------- */

static bool csd(struct dt *t, int32_t format, const uint8_t *data, size_t len)
{
        bool ok = true;

        DT_OK(com_rdk_hal_videodecoder_IVideoDecoderController_parseCodecSpecificData(
                  t->ctl, format, (const int8_t *)data, len, &ok),
              "parseCodecSpecificData");
        return ok;
}

/*
 * m320.mp4 as a demuxer gives it (m320.avcc, m320.samples: gen-streams.sh):
 * its avcC through parseCodecSpecificData, then its samples, length-prefixed
 * NAL units, one per buffer: every frame equals ffmpeg's decode of the MP4.
 * Malformed or mismatched configuration records are refused (false) first,
 * and the decoder takes the good one after them.
 */
static void case_avcc(struct dt *t)
{
        struct dt_push o = {.check = true, .eos = true};
        struct dt_samples m;
        size_t len, avcc_len;
        uint8_t *file = dt_read_file(path("m320.samples"), &len);
        uint8_t *avcc = dt_read_file(path("m320.avcc"), &avcc_len);
        bool ok;

        dt_samples_split(file, len, &m);
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("m320.md5"));
        dt_open(t, false);
        expect_exception(
            com_rdk_hal_videodecoder_IVideoDecoderController_parseCodecSpecificData(
                t->ctl, com_rdk_hal_videodecoder_CSDVideoFormat_AVC_DECODER_CONFIGURATION_RECORD,
                (const int8_t *)avcc, avcc_len, &ok),
            AVB_EX_ILLEGAL_STATE, "parseCodecSpecificData when READY");
        dt_start(t);
        if (csd(t, com_rdk_hal_videodecoder_CSDVideoFormat_AVC_DECODER_CONFIGURATION_RECORD, avcc,
                0))
                dt_fail("an empty avcC was taken");
        if (csd(t, com_rdk_hal_videodecoder_CSDVideoFormat_AVC_DECODER_CONFIGURATION_RECORD, avcc,
                5))
                dt_fail("a truncated avcC was taken");
        if (csd(t, com_rdk_hal_videodecoder_CSDVideoFormat_HEVC_DECODER_CONFIGURATION_RECORD, avcc,
                avcc_len))
                dt_fail("an hvcC was taken by an H.264 decoder");
        if (!csd(t, com_rdk_hal_videodecoder_CSDVideoFormat_AVC_DECODER_CONFIGURATION_RECORD, avcc,
                 avcc_len))
                dt_fail("the stream's avcC was refused");
        reset_counts(t);
        dt_push_samples(t, m.sample, m.size, m.n, FRAME_NS, &o);
        dt_drain_frames(t, true, 50);
        printf("  avcC of %zu bytes, %zu samples: %zu frames, %zu differ from ffmpeg's\n", avcc_len,
               m.n, t->n_frames, t->n_bad);
        if (t->n_bad || t->n_frames != t->n_ref || m.n != t->n_ref)
                dt_fail("%zu of %zu frames differ; %zu samples, %zu reference frames", t->n_bad,
                        t->n_frames, m.n, t->n_ref);
        dt_stop_close(t);
        dt_samples_free(&m);
        free(avcc);
        free(file);
}

/* ---- user-data -------------------------------------------------------------------- */

/* Whether user data item u is x264's: its UUID, then "x264". */
static bool is_x264(const struct dt_user_data *u)
{
        static const uint8_t x264_uuid[16] = {0xdc, 0x45, 0xe9, 0xbd, 0xe6, 0xd9, 0x48, 0xb7,
                                              0x96, 0x2c, 0xd8, 0x20, 0xd9, 0x23, 0xee, 0xef};

        return u->len >= 16 + 4 && !memcmp(u->data, x264_uuid, 16) &&
               !memcmp(u->data + 16, "x264", 4);
}

/*
 * ud.h264: its first access unit carries an A/53 caption SEI (from the
 * 'GA94' user identifier: ud.cc) and x264's user_data_unregistered (its
 * UUID, then its settings). Both come out as onUserDataOutput with frame 0's
 * pts, before frame 0, and nothing else does.
 */
static void case_user_data(struct dt *t)
{
        struct dt_push o = {.eos = true};
        size_t len, cc_len, n;
        uint8_t *data = dt_read_file(path("ud.h264"), &len);
        uint8_t *cc = dt_read_file(path("ud.cc"), &cc_len);
        int x264 = 0, captions = 0;

        dt_get_decoder(t, 0);
        dt_open_start(t, false);
        reset_counts(t);
        dt_push_frames(t, data, len, FRAME_NS, &o);
        dt_drain_frames(t, false, 50);
        pthread_mutex_lock(&t->l.m);
        n = t->l.n_user_data;
        pthread_mutex_unlock(&t->l.m);
        for (size_t i = 0; i < n && i < DT_USER_DATA; i++) {
                const struct dt_user_data *u = &t->l.user_data[i];

                printf("  user data %zu: pts %lld, %zu bytes, before %zu frames\n", i,
                       (long long)u->pts, u->len, u->received_before);
                if (u->pts != 0 || u->received_before != 0)
                        dt_fail("user data with pts %lld after %zu frames, want pts 0 before "
                                "frame 0",
                                (long long)u->pts, u->received_before);
                x264 += is_x264(u);
                captions += u->len == cc_len && !memcmp(u->data, cc, cc_len);
        }
        if (n != 2 || x264 != 1 || captions != 1)
                dt_fail("%zu user data items (%d of x264's, %d captions equal to ud.cc), want "
                        "one of each",
                        n, x264, captions);
        if (t->n_frames != 10)
                dt_fail("%zu frames of ud.h264's 10", t->n_frames);
        dt_stop_close(t);
        free(cc);
        free(data);
}

/* ---- properties -------------------------------------------------------------------- */

static void expect_refused(struct dt *t, int32_t property, int32_t value, const char *what)
{
        if (dt_set_property(t, property, value))
                dt_fail("setProperty(%s): true", what);
}

/* setProperty raises ex (a read-only property, or the wrong state). */
static void expect_set_exception(struct dt *t, int32_t property, int32_t value, int ex,
                                 const char *what)
{
        com_rdk_hal_PropertyValue_Value val = {.tag = com_rdk_hal_PropertyValue_Value_TAG_intValue,
                                               .u.intValue = value};
        com_rdk_hal_PropertyValue v = {.value = &val};
        bool ok;

        expect_exception(
            com_rdk_hal_videodecoder_IVideoDecoderController_setProperty(t->ctl, property, &v, &ok),
            ex, what);
}

static void expect_wrong_state(struct dt *t, int32_t property, int32_t value, const char *what)
{
        expect_set_exception(t, property, value, AVB_EX_ILLEGAL_STATE, what);
}

/* The published Property enum: writing a read-only property is EX_UNSUPPORTED_OPERATION. */
static void expect_read_only(struct dt *t, int32_t property, int32_t value, const char *what)
{
        expect_set_exception(t, property, value, AVB_EX_UNSUPPORTED_OPERATION, what);
}

/* getPropertyMulti of n properties: their values, in order (dt_fail unless all are there). */
static void get_multi(struct dt *t, const int32_t *props, size_t n, int32_t *ret)
{
        com_rdk_hal_videodecoder_PropertyKVPair *kv = NULL;
        size_t n_kv = 0;
        bool ok = false;

        DT_OK(com_rdk_hal_videodecoder_IVideoDecoder_getPropertyMulti(t->dec, props, n, &kv, &n_kv,
                                                                      &ok),
              "getPropertyMulti");
        if (!ok || n_kv != n)
                dt_fail("getPropertyMulti: %s, %zu values for %zu properties",
                        ok ? "true" : "false", n_kv, n);
        for (size_t i = 0; i < n; i++) {
                const com_rdk_hal_PropertyValue_Value *v = kv[i].propertyValue.value;

                if (kv[i].property != props[i] || !v ||
                    v->tag != com_rdk_hal_PropertyValue_Value_TAG_intValue)
                        dt_fail("getPropertyMulti: entry %zu is not property %d's intValue", i,
                                (int)props[i]);
                ret[i] = v->u.intValue;
                com_rdk_hal_videodecoder_PropertyKVPair_fini(&kv[i]);
        }
        free(kv);
}

/*
 * Reading (getProperty, getPropertyMulti), writing (setProperty: read-only
 * properties raise EX_UNSUPPORTED_OPERATION as the published Property enum
 * says, unknown properties and bad values are refused with false, READY-only ones
 * refused with EX_ILLEGAL_STATE once STARTED), AV_SOURCE repeated in the
 * frame metadata, and METRIC_FRAMES_DECODED counting the frames of a stream
 * and starting again at a flush.
 */
static void case_properties(struct dt *t)
{
        static const int32_t multi[] = {com_rdk_hal_videodecoder_Property_RESOURCE_ID,
                                        com_rdk_hal_videodecoder_Property_SECURE_VIDEO,
                                        com_rdk_hal_videodecoder_Property_METRIC_FRAMES_DECODED};
        com_rdk_hal_PropertyValue *none = NULL;
        com_rdk_hal_videodecoder_PropertyKVPair *kv = NULL;
        int32_t bad[] = {com_rdk_hal_videodecoder_Property_RESOURCE_ID, 555}, got[3];
        size_t n_kv = 0;
        bool ok = true;

        dt_get_decoder(t, 1);
        if (dt_get_property(t, com_rdk_hal_videodecoder_Property_RESOURCE_ID) != 1)
                dt_fail("decoder 1: RESOURCE_ID is not 1");
        dt_get_decoder(t, 0);
        DT_OK(com_rdk_hal_videodecoder_IVideoDecoder_getProperty(t->dec, 555, &none),
              "getProperty(555)");
        if (none)
                dt_fail("getProperty of an unknown property gave a value");
        expect_exception(com_rdk_hal_videodecoder_IVideoDecoder_getPropertyMulti(t->dec, bad, 0,
                                                                                 &kv, &n_kv, &ok),
                         AVB_EX_ILLEGAL_ARGUMENT, "getPropertyMulti of nothing");
        expect_exception(com_rdk_hal_videodecoder_IVideoDecoder_getPropertyMulti(t->dec, bad, 2,
                                                                                 &kv, &n_kv, &ok),
                         AVB_EX_ILLEGAL_ARGUMENT, "getPropertyMulti of an unknown property");

        dt_open(t, false);
        get_multi(t, multi, 3, got);
        if (got[0] != 0 || got[1] != 0)
                dt_fail("RESOURCE_ID %d, SECURE_VIDEO %d: want 0, 0", (int)got[0], (int)got[1]);
        expect_read_only(t, com_rdk_hal_videodecoder_Property_RESOURCE_ID, 3, "RESOURCE_ID");
        expect_read_only(t, com_rdk_hal_videodecoder_Property_SECURE_VIDEO, 1, "SECURE_VIDEO");
        expect_read_only(t, com_rdk_hal_videodecoder_Property_METRIC_FRAMES_DECODED, 0,
                         "METRIC_FRAMES_DECODED");
        expect_refused(t, 555, 1, "an unknown property");
        expect_refused(t, com_rdk_hal_videodecoder_Property_OPERATIONAL_MODE,
                       com_rdk_hal_videodecoder_OperationalMode_GRAPHICS_TEXTURE,
                       "OPERATIONAL_MODE GRAPHICS_TEXTURE");
        if (dt_get_property(t, com_rdk_hal_videodecoder_Property_RESOURCE_ID) != 0)
                dt_fail("a refused setProperty changed RESOURCE_ID");
        if (!dt_set_property(t, com_rdk_hal_videodecoder_Property_AV_SOURCE,
                             com_rdk_hal_AVSource_TUNER))
                dt_fail("setProperty(AV_SOURCE, TUNER) in READY: false");
        dt_start(t);
        expect_wrong_state(t, com_rdk_hal_videodecoder_Property_LOW_LATENCY_MODE, 1,
                           "setProperty(LOW_LATENCY_MODE) when STARTED");
        expect_wrong_state(t, com_rdk_hal_videodecoder_Property_AV_SOURCE, com_rdk_hal_AVSource_IP,
                           "setProperty(AV_SOURCE) when STARTED");

        frames_checked(t, "p320.h264", "p320.md5");
        get_multi(t, multi, 3, got);
        printf("  %zu frames decoded; METRIC_FRAMES_DECODED %d; metadata: %dx%d in %dx%d, depth "
               "%d, scan %d, source %d\n",
               t->n_frames, (int)got[2], (int)t->meta.a, (int)t->meta.b, (int)t->meta.coded_w,
               (int)t->meta.coded_h, (int)t->meta.depth, (int)t->meta.scan, (int)t->meta.source);
        if (got[2] != (int32_t)t->n_ref)
                dt_fail("METRIC_FRAMES_DECODED %d after %zu frames", (int)got[2], t->n_ref);
        if (t->meta.source != com_rdk_hal_AVSource_TUNER || t->meta.depth != 8 ||
            t->meta.scan != com_rdk_hal_videodecoder_ScanType_PROGRESSIVE_FRAME ||
            t->meta.coded_w != 320 || t->meta.coded_h != 240)
                dt_fail("frame metadata: source %d, depth %d, scan %d, coded %dx%d",
                        (int)t->meta.source, (int)t->meta.depth, (int)t->meta.scan,
                        (int)t->meta.coded_w, (int)t->meta.coded_h);
        DT_OK(t->api->flush(t->ctl, false), "flush");
        if (dt_get_property(t, com_rdk_hal_videodecoder_Property_METRIC_FRAMES_DECODED) != 0)
                dt_fail("METRIC_FRAMES_DECODED not 0 after a flush");
        dt_stop_close(t);
}

/* ---- stale-controller -------------------------------------------------------------- */

/*
 * A controller belongs to one open: once that open is closed, the
 * controller stays dead even when the decoder is opened again (by this
 * client or another), and it can neither drive nor close the new open.
 */
static void case_stale_controller(struct dt *t)
{
        avb_binder *old;
        bool ok = true;

        dt_get_decoder(t, 0);
        dt_open(t, false);
        old = avb_binder_ref(t->ctl);
        dt_close(t);
        dt_open(t, false);
        if (t->ctl == old)
                printf("  the second open gave the same controller object\n");
        expect_exception(t->api->start(old), AVB_EX_ILLEGAL_STATE, "start on an old controller");
        if (dt_state(t) != com_rdk_hal_State_READY)
                dt_fail("the old controller started the new open");
        expect_exception(t->api->close(t->dec, old, &ok), AVB_EX_ILLEGAL_STATE,
                         "close of an old controller");
        if (dt_state(t) != com_rdk_hal_State_READY)
                dt_fail("the old controller closed the new open");
        avb_binder_unref(old);
        dt_close(t);
}

bool dt_hal_case(struct dt *t, const char *c, const char *streams)
{
        dir = streams;
        if (!strcmp(c, "resolution-change"))
                case_resolution_change(t);
        else if (!strcmp(c, "eos"))
                case_eos(t);
        else if (!strcmp(c, "avcc"))
                case_avcc(t);
        else if (!strcmp(c, "user-data"))
                case_user_data(t);
        else if (!strcmp(c, "properties"))
                case_properties(t);
        else if (!strcmp(c, "stale-controller"))
                case_stale_controller(t);
        else
                return false;
        return true;
}
