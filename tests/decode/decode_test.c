/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-decode-test CASE STREAMS_DIR: one proof case of the decode path,
 * against the avbufferd that avbuffer-test-harness started. STREAMS_DIR
 * holds what gen-streams.sh made with ffmpeg: v320.h264, l320.h264 (250
 * frames), v720.h264 and one720.h264, their framemd5 (v320.md5, ...) and
 * framehash SHA-1
 * (v320.sha1, v720.sha1) files, and an MP2 tone with its framemd5 (a.mp2,
 * a.md5). The v4l2-fake cases run against avbufferd-fake-v4l2 (the fake V4L2
 * decoder of tests/vendor behind the v4l2 backend) and need no streams.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "avb_config.h"
#include "com_rdk_hal.h"
#include "dt.h"
#include "fake_v4l2.h"
#include "util.h"

extern char **environ;

static const char *dir;
static const char *self;

static char *path(const char *name)
{
        static char buf[4][1024];
        static int i;
        char *p = buf[i++ % 4];

        snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
        return p;
}

static void expect_exception(avb_status st, int32_t ex, const char *what)
{
        if (st.exception != ex)
                dt_fail("%s: exception %d, expected %d", what, st.exception, ex);
}

/* Decode a whole stream and check every frame. */
static void full_stream(struct dt *t, const char *stream, size_t chunk)
{
        struct dt_push o = {.chunk = chunk, .check = true, .eos = true};
        size_t len;
        uint8_t *data = dt_read_file(path(stream), &len);
        double t0 = avb_now_ns() / 1e9, dt;

        t->n_frames = t->n_bad = 0;
        t->l.eos = 0;
        dt_push(t, data, len, &o);
        dt = avb_now_ns() / 1e9 - t0;
        dt_drain_frames(t, true, 50);
        free(data);
        printf("  %s: %zu frames %dx%d in %.3f s (%.1f fps through avbufferd + softvpu, "
               "checks included)\n",
               stream, t->n_frames, (int)t->width, (int)t->height, dt, (double)t->n_frames / dt);
        if (t->n_bad || t->n_frames != t->n_ref)
                dt_fail("%s: %zu of %zu frames differ, %zu frames for %zu reference frames", stream,
                        t->n_bad, t->n_frames, t->n_frames, t->n_ref);
}

static bool pool_empty(struct dt *t)
{
        pthread_mutex_unlock(&t->l.m);
        bool e = dt_pool_used(t) == 0;
        pthread_mutex_lock(&t->l.m);
        return e;
}

static bool vpu_error(struct dt *t)
{
        return t->l.errors[DT_ERROR_VPU] > 0;
}

static bool decode_error(struct dt *t)
{
        return t->l.errors[DT_ERROR_DECODE] > 0;
}

/* ---- cases ----------------------------------------------------------------- */

static void case_md5(struct dt *t, const char *stream, const char *ref, size_t chunk)
{
        dt_get_decoder(t, 0);
        dt_load_ref(t, path(ref));
        dt_open_start(t, false);
        full_stream(t, stream, chunk);
        if (dt_pool_used(t) != 0)
                dt_fail("coded buffers left in the pool after the stream");
        dt_stop_close(t);
}

/* MP2 through audio decoder 0: every PCM frame equals ffmpeg's. */
static void case_audio(struct dt *t)
{
        dt_use_audio(t);
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("a.md5"));
        dt_open_start(t, false);
        full_stream(t, "a.mp2", 4096);
        dt_stop_close(t);
}

static void case_secure(struct dt *t)
{
        com_rdk_hal_videodecoder_IVideoDecoder_Id did = {.value = 1};
        com_rdk_hal_avbuffer_Pool pool;

        dt_get_decoder(t, 1);
        /* decoder 1 is not configured by the profile: opening configures it */
        expect_exception(
            com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(t->av, true, &did, t->space, &pool),
            AVB_EX_ILLEGAL_STATE, "secure pool before open");
        dt_load_ref(t, path("v320.sha1"));
        dt_open_start(t, true);
        full_stream(t, "v320.h264", 8192);
        if (t->no_sha1)
                printf("  calculateSHA1 is not in this build: frame contents not compared\n");
        dt_stop_close(t);
        expect_exception(
            com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(t->av, true, &did, t->space, &pool),
            AVB_EX_ILLEGAL_STATE, "secure pool after close");
}

/* A decode call on ctl; its status. */
static avb_status decode_md(avb_binder *ctl, int64_t h, bool discontinuity)
{
        com_rdk_hal_videodecoder_InputBufferMetadata md = {.discontinuity = discontinuity};
        bool acc;

        return com_rdk_hal_videodecoder_IVideoDecoderController_decodeBufferWithMetadata(ctl, h,
                                                                                         &md, &acc);
}

static void case_states(struct dt *t)
{
        com_rdk_hal_videodecoder_IVideoDecoder_Id unknown = {.value = 99};
        avb_binder *none = NULL, *old;
        int64_t h;
        bool ok;

        DT_OK(
            com_rdk_hal_videodecoder_IVideoDecoderManager_getVideoDecoder(t->mgr, &unknown, &none),
            "getVideoDecoder(99)");
        if (none)
                dt_fail("getVideoDecoder of an unknown id gave a decoder");
        dt_get_decoder(t, 0);
        if (dt_state(t) != com_rdk_hal_State_CLOSED)
                dt_fail("not CLOSED before open");
        /* codecs the decoder does not have: no controller, still CLOSED */
        static const int32_t unsupported[] = {com_rdk_hal_videodecoder_Codec_VP9,
                                              com_rdk_hal_videodecoder_Codec_AV1, 77};
        for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
                DT_OK(com_rdk_hal_videodecoder_IVideoDecoder_open(t->dec, unsupported[i], false,
                                                                  t->l.binder, &none),
                      "open of an unsupported codec");
                if (none)
                        dt_fail("open of codec %d gave a controller", (int)unsupported[i]);
        }
        expect_exception(com_rdk_hal_videodecoder_IVideoDecoder_open(
                             t->dec, com_rdk_hal_videodecoder_Codec_H264_AVC, false, NULL, &none),
                         AVB_EX_NULL_POINTER, "open without a listener");
        if (dt_state(t) != com_rdk_hal_State_CLOSED)
                dt_fail("not CLOSED after refused opens");
        dt_open(t, false);
        if (dt_state(t) != com_rdk_hal_State_READY)
                dt_fail("not READY after open");
        expect_exception(decode_md(t->ctl, 1, false), AVB_EX_ILLEGAL_STATE, "decode when READY");
        expect_exception(t->api->flush(t->ctl, false), AVB_EX_ILLEGAL_STATE, "flush when READY");
        expect_exception(t->api->stop(t->ctl), AVB_EX_ILLEGAL_STATE, "stop when READY");
        dt_start(t);
        if (dt_state(t) != com_rdk_hal_State_STARTED)
                dt_fail("not STARTED after start");
        expect_exception(t->api->start(t->ctl), AVB_EX_ILLEGAL_STATE, "start when STARTED");
        expect_exception(decode_md(t->ctl, 12345, false), AVB_EX_ILLEGAL_ARGUMENT,
                         "decode of a bad handle");
        /* discontinuity is reserved in the input metadata (signalDiscontinuity says it) */
        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_alloc(t->av, &t->pool, 1024, &h), "alloc");
        expect_exception(decode_md(t->ctl, h, true), AVB_EX_ILLEGAL_ARGUMENT,
                         "decode with metadata.discontinuity");
        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_free(t->av, h, &ok), "free");
        if (!ok)
                dt_fail("the buffer refused with discontinuity was taken");
        {
                /* a coded buffer of another decoder's pool is not this decoder's to take */
                com_rdk_hal_videodecoder_IVideoDecoder_Id other = {.value = 1};
                com_rdk_hal_avbuffer_Pool pool1;

                DT_OK(com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(t->av, false, &other, t->space,
                                                                     &pool1),
                      "pool of decoder 1");
                DT_OK(com_rdk_hal_avbuffer_IAVBuffer_alloc(t->av, &pool1, 1024, &h), "alloc");
                expect_exception(decode_md(t->ctl, h, false), AVB_EX_ILLEGAL_ARGUMENT,
                                 "decode of another decoder's buffer");
                DT_OK(com_rdk_hal_avbuffer_IAVBuffer_free(t->av, h, &ok), "free");
                DT_OK(com_rdk_hal_avbuffer_IAVBuffer_destroyPool(t->av, &pool1, &ok),
                      "destroyPool");
        }
        expect_exception(t->api->close(t->dec, t->ctl, &ok), AVB_EX_ILLEGAL_STATE,
                         "close when STARTED");
        expect_exception(
            com_rdk_hal_videodecoder_IVideoDecoder_open(
                t->dec, com_rdk_hal_videodecoder_Codec_H264_AVC, false, t->l.binder, &none),
            AVB_EX_ILLEGAL_STATE, "open when STARTED");
        /* flush(reset) ends in READY, as just opened */
        DT_OK(t->api->flush(t->ctl, true), "flush(true)");
        if (dt_state(t) != com_rdk_hal_State_READY)
                dt_fail("not READY after flush(true)");
        DT_OK(t->api->start(t->ctl), "start after flush(true)");
        old = avb_binder_ref(t->ctl);
        dt_stop_close(t);
        if (dt_state(t) != com_rdk_hal_State_CLOSED)
                dt_fail("not CLOSED after close");
        /* the controller of a closed open is dead (stale-controller: also after a new open) */
        expect_exception(t->api->start(old), AVB_EX_ILLEGAL_STATE, "start on a closed controller");
        avb_binder_unref(old);
}

/* ---- tunnelled mode ---------------------------------------------------------- */

#define FOURCC(a, b, c, d)                                                                         \
        ((int32_t)((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) |                  \
                   ((uint32_t)(d) << 24)))

/* IAVBufferControl: object 2 on the endpoint of the IAVBuffer proxy we hold. */
static avb_binder *connect_control(struct dt *t)
{
        avb_binder *ctl = NULL;

        if (avb_binder_connect(avb_binder_endpoint(t->av), avb_avbuffer_IAVBufferControl_OBJECT_ID,
                               &ctl) < 0)
                dt_fail("cannot reach IAVBufferControl");
        return ctl;
}

/*
 * Push a whole stream through a tunnelled decoder, then compare what its
 * sink presented with the reference, in order.
 */
static void tunnelled_stream(struct dt *t, avb_binder *ctl, const char *sink, bool secure)
{
        struct dt_push o = {.eos = true};
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t len, n = 0, bad = 0, early = 0;
        uint8_t *data = dt_read_file(path("p320.h264"), &len);
        double t0 = avb_now_ns() / 1e9, took;
        bool sums;

        t->n_frames = t->n_bad = 0;
        t->l.eos = 0;
        t->tunnelled = true;
        dt_open_start(t, secure);
        /* the enabled link made it tunnelled at open */
        if (dt_get_property(t, com_rdk_hal_videodecoder_Property_OPERATIONAL_MODE) !=
            com_rdk_hal_videodecoder_OperationalMode_TUNNELLED)
                dt_fail("%s: OPERATIONAL_MODE is not TUNNELLED with the link enabled", sink);
        dt_push_frames(t, data, len, 40000000, &o); /* 25 frames per second */
        took = avb_now_ns() / 1e9 - t0;
        free(data);
        DT_OK(avb_avbuffer_IAVBufferControl_takeSinkFrames(ctl, sink, &sf, &n), "takeSinkFrames");
        if (t->n_frames != t->n_ref || n != t->n_ref)
                dt_fail("%s: %zu frame events and %zu frames presented for %zu reference frames",
                        sink, t->n_frames, n, t->n_ref);
        sums = AVB_DEBUG_API; /* the sink sums frames in debug-API builds only */
        for (size_t i = 0; i < n; i++) {
                if (sums && strcmp(sf[i].md5, t->ref[i])) {
                        fprintf(stderr, "  frame %zu: sink %s, reference %s\n", i, sf[i].md5,
                                t->ref[i]);
                        bad++;
                }
                if (sf[i].nsPresented < sf[i].nsDue)
                        early++;
        }
        printf("  %s: %zu frames presented %s in %.2f s (last due at %.2f s, presented at "
               "%.2f s)%s\n",
               sink, n, secure ? "from secure memory" : "", took,
               n ? (double)sf[n - 1].nsDue / 1e9 : 0.0,
               n ? (double)sf[n - 1].nsPresented / 1e9 : 0.0,
               sums ? "" : "; no checksums in this build (debug_api=false)");
        for (size_t i = 0; i < n; i++)
                avb_avbuffer_SinkFrame_fini(&sf[i]);
        free(sf);
        if (bad || early)
                dt_fail("%s: %zu frames differ from the reference, %zu presented before their "
                        "time",
                        sink, bad, early);
        if (dt_pool_used(t) != 0)
                dt_fail("coded buffers left in the pool after the stream");
        dt_stop_close(t);
        t->tunnelled = false;
}

/*
 * A stream whose geometry the sink's pad refuses: start validates (the
 * geometry is not known yet), the first frame tells it, one ERROR_SINK
 * follows, and every frame is dropped and freed (the frame pool holds 8
 * blocks, so 50 frames only reach end of stream if they are).
 */
static void refused_stream(struct dt *t, avb_binder *ctl, const char *sink)
{
        struct dt_push o = {.eos = true};
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t len, n = 99;
        uint8_t *data = dt_read_file(path("p320.h264"), &len);

        t->n_frames = 0;
        pthread_mutex_lock(&t->l.m);
        t->l.eos = 0;
        memset(t->l.errors, 0, sizeof(t->l.errors));
        pthread_mutex_unlock(&t->l.m);
        t->tunnelled = true;
        dt_open_start(t, false);
        dt_push_frames(t, data, len, 40000000, &o);
        free(data);
        DT_OK(avb_avbuffer_IAVBufferControl_takeSinkFrames(ctl, sink, &sf, &n), "takeSinkFrames");
        for (size_t i = 0; i < n; i++)
                avb_avbuffer_SinkFrame_fini(&sf[i]);
        free(sf);
        if (n || t->n_frames)
                dt_fail("%s: %zu frames presented, %zu announced, from a stream it refuses", sink,
                        n, t->n_frames);
        if (t->l.errors[DT_ERROR_SINK] != 1)
                dt_fail("%d ERROR_SINK for one refused stream", t->l.errors[DT_ERROR_SINK]);
        dt_stop_close(t);
        t->tunnelled = false;
}

/*
 * Tunnelled mode is the enabled link decoder output -> sink: frames never
 * reach the client (handle -1 only), the sink paces them and its checksums
 * match ffmpeg's; the link is validated at start and fixed while streaming.
 */
static void case_tunnelled(struct dt *t)
{
        avb_binder *ctl = connect_control(t);
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t n = 0;

        dt_get_decoder(t, 0);
        dt_load_ref(t, path("p320.md5"));
        /* bad requests: a clear error and nothing changes */
        expect_exception(
            avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0", "x:0", true),
            AVB_EX_ILLEGAL_ARGUMENT, "setupLink without pad numbers");
        expect_exception(
            avb_avbuffer_IAVBufferControl_setupLink(ctl, "nosuch:3", "video-sink-0:0", true),
            AVB_EX_ILLEGAL_ARGUMENT, "setupLink of an unknown entity");
        expect_exception(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:3",
                                                                 "video-sink-1:0", true),
                         AVB_EX_ILLEGAL_ARGUMENT, "setupLink of pads with no link");
        expect_exception(
            avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:1", "vpu:0", false),
            AVB_EX_ILLEGAL_ARGUMENT, "disabling an immutable link");
        expect_exception(avb_avbuffer_IAVBufferControl_takeSinkFrames(ctl, "vpu", &sf, &n),
                         AVB_EX_ILLEGAL_ARGUMENT, "takeSinkFrames of the VPU");
        expect_exception(
            avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0:0", 0, -1, 5),
            AVB_EX_ILLEGAL_ARGUMENT, "setPadFormat with a negative width");
        expect_exception(avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0", 0, 0, 0),
                         AVB_EX_ILLEGAL_ARGUMENT, "setPadFormat without a pad number");

        /* a sink that wants NV12 refuses the decoder's I420 when it starts */
        DT_OK(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:3", "video-sink-0:0",
                                                      true),
              "enable the tunnel");
        DT_OK(avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0:0",
                                                         FOURCC('N', 'V', '1', '2'), 0, 0),
              "sink format NV12");
        dt_open(t, false);
        expect_exception(t->api->start(t->ctl), AVB_EX_ILLEGAL_STATE,
                         "start with a link that does not validate");
        if (dt_state(t) != com_rdk_hal_State_READY)
                dt_fail("not READY after a refused start");
        dt_close(t);
        DT_OK(avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0:0",
                                                         FOURCC('I', '4', '2', '0'), 0, 0),
              "sink format I420");

        /* while streaming, the link and the sink's format are fixed */
        dt_open(t, false);
        DT_OK(t->api->start(t->ctl), "start");
        expect_exception(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:3",
                                                                 "video-sink-0:0", false),
                         AVB_EX_ILLEGAL_STATE, "disabling the tunnel while streaming");
        expect_exception(avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0:0", 0, 0, 0),
                         AVB_EX_ILLEGAL_STATE, "changing the sink format while streaming");
        DT_OK(t->api->stop(t->ctl), "stop");
        dt_close(t);

        /* the stream is 320x240: a sink that asks for 1280x720 refuses it, one for 320x240 not */
        DT_OK(avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0:0",
                                                         FOURCC('I', '4', '2', '0'), 1280, 720),
              "sink 1280x720");
        refused_stream(t, ctl, "video-sink-0");
        DT_OK(avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0:0",
                                                         FOURCC('I', '4', '2', '0'), 320, 240),
              "sink 320x240");
        tunnelled_stream(t, ctl, "video-sink-0", false);

        /* secure: the frames stay in the secure frame pool, the vendor sink sums them */
        dt_get_decoder(t, 1);
        dt_load_ref(t, path("p320.md5"));
        DT_OK(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-1:3", "video-sink-1:0",
                                                      true),
              "enable the tunnel of decoder 1");
        tunnelled_stream(t, ctl, "video-sink-1", true);

        /* back to non-tunnelled: frame handles reach the client again */
        DT_OK(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:3", "video-sink-0:0",
                                                      false),
              "disable the tunnel");
        dt_get_decoder(t, 0);
        dt_open_start(t, false);
        if (dt_get_property(t, com_rdk_hal_videodecoder_Property_OPERATIONAL_MODE) !=
            com_rdk_hal_videodecoder_OperationalMode_NON_TUNNELLED)
                dt_fail("OPERATIONAL_MODE is not NON_TUNNELLED with the link disabled");
        full_stream(t, "p320.h264", 16384);
        dt_stop_close(t);
        avb_binder_unref(ctl);
}

/*
 * The client keeps its frames, so the frame pool (8 blocks) runs dry and the
 * firmware stops taking input once it holds its 16 decoded frames: the rest
 * of the 250-frame stream must then fill the input queue, however fast either
 * side runs (a 50-frame stream fitted in the queue when avbufferd was slow).
 */
static void case_backpressure(struct dt *t)
{
        struct dt_push o = {.chunk = 512, .hold_until_full = true, .check = true, .eos = true};
        size_t len;
        uint8_t *data = dt_read_file(path("l320.h264"), &len);

        dt_get_decoder(t, 0);
        dt_load_ref(t, path("l320.md5"));
        dt_open_start(t, false);
        dt_push(t, data, len, &o);
        dt_drain_frames(t, true, 200);
        free(data);
        printf("  %d false returns, %d onDecodeBufferAvailable\n", t->false_returns,
               t->l.available);
        if (!t->false_returns)
                dt_fail("the input queue never filled");
        if (t->l.available != t->false_returns)
                dt_fail("%d callbacks for %d false returns", t->l.available, t->false_returns);
        if (t->n_bad || t->n_frames != t->n_ref)
                dt_fail("frames differ after back-pressure");
        dt_stop_close(t);
}

static bool started_again(struct dt *t)
{
        return t->l.state == com_rdk_hal_State_STARTED;
}

static void case_flush(struct dt *t)
{
        /*
         * Push until the first refusal, holding every frame: the queue is then
         * full at the flush however fast the firmware runs (pushing a fixed
         * amount let a slow client under valgrind find it drained).
         */
        struct dt_push o = {.chunk = 1024, .hold_until_full = true, .stop_when_full = true};
        size_t len, pushed;
        uint8_t *data = dt_read_file(path("l320.h264"), &len);

        dt_get_decoder(t, 0);
        dt_load_ref(t, path("l320.md5"));
        dt_open_start(t, false);
        pushed = dt_push(t, data, len, &o);
        if (pushed == len || !t->false_returns)
                dt_fail("the input queue never filled before the flush");
        if (dt_pool_used(t) == 0)
                dt_fail("nothing queued before the flush");
        pthread_mutex_lock(&t->l.m);
        t->l.state = -1;
        pthread_mutex_unlock(&t->l.m);
        DT_OK(t->api->flush(t->ctl, false), "flush");
        if (dt_pool_used(t) != 0)
                dt_fail("flush left %d bytes of coded buffers", (int)dt_pool_used(t));
        /*
         * The reply can overtake frames sent before it (they go oneway, on
         * the listener's ordered stream); FLUSHING -> STARTED comes on that
         * stream after the last of them, so every old frame is in once it has.
         */
        if (!dt_wait(t, started_again, 10000, false))
                dt_fail("no onStateChanged to STARTED after flush");
        dt_drain_frames(t, false, 0);
        free(data);
        dt_load_ref(t, path("v320.md5"));
        full_stream(t, "v320.h264", 4096); /* and it decodes from the start again */
        dt_stop_close(t);
}

static void case_corrupt(struct dt *t)
{
        struct dt_push o = {.chunk = 4096, .eos = true};
        size_t len;
        uint8_t *data = dt_read_file(path("v320.h264"), &len);

        dt_get_decoder(t, 0);
        dt_load_ref(t, path("v320.md5"));
        dt_open_start(t, false);
        for (size_t i = len / 5; i < len * 4 / 5; i += 7)
                data[i] ^= 0x5a;
        dt_push(t, data, len, &o);
        if (!dt_wait(t, decode_error, 2000, false))
                dt_fail("no error event for a corrupt bitstream");
        /* truncated: half a stream cut inside a NAL unit, then the end */
        o.limit = len / 2 + 3;
        t->l.eos = 0;
        dt_push(t, data, len, &o);
        dt_drain_frames(t, false, 100);
        if (dt_state(t) != com_rdk_hal_State_STARTED)
                dt_fail("decoder left STARTED after bad input");
        free(data);
        DT_OK(t->api->flush(t->ctl, false), "flush");
        dt_drain_frames(t, false, 100);
        full_stream(t, "v320.h264", 4096); /* still decodes a good stream */
        dt_stop_close(t);
}

/* The firmware: the child of avbufferd named avb-softvpu. */
static pid_t firmware_pid(void)
{
        const char *s = getenv("AVB_AVBUFFERD_PID");
        long avbd = s ? atol(s) : -1;
        DIR *d = opendir("/proc");
        struct dirent *e;
        pid_t found = -1;

        while (d && (e = readdir(d))) {
                char p[300], comm[64];
                long ppid;
                FILE *f;

                if (e->d_name[0] < '0' || e->d_name[0] > '9')
                        continue;
                snprintf(p, sizeof(p), "/proc/%s/stat", e->d_name);
                f = fopen(p, "r");
                if (!f)
                        continue;
                if (fscanf(f, "%*d (%63[^)]) %*c %ld", comm, &ppid) == 2 &&
                    !strcmp(comm, "avb-softvpu") && (avbd < 0 || ppid == avbd))
                        found = (pid_t)atol(e->d_name);
                fclose(f);
        }
        if (d)
                closedir(d);
        return found;
}

/* Kill (SIGKILL) or stall (SIGSTOP) the firmware mid-stream: the watchdog recovers. */
static void case_firmware_dies(struct dt *t, int sig)
{
        /* a full queue at the kill: in-flight buffers that must be failed and freed */
        struct dt_push o = {.chunk = 1024, .hold_until_full = true, .stop_when_full = true};
        size_t len;
        uint8_t *data = dt_read_file(path("l320.h264"), &len);
        pid_t fw = firmware_pid(), fw2;
        int32_t queued;

        if (fw < 0)
                dt_fail("no firmware process");
        dt_get_decoder(t, 0);
        dt_open_start(t, false);
        dt_push(t, data, len, &o);
        if (!t->false_returns)
                dt_fail("the input queue never filled");
        if ((queued = dt_pool_used(t)) == 0)
                dt_fail("nothing in flight before the firmware was %s",
                        sig == SIGSTOP ? "stalled" : "killed");
        kill(fw, sig);
        if (!dt_wait(t, vpu_error, 8000, false))
                dt_fail("no VPU error after the firmware was killed");
        if (!dt_wait(t, pool_empty, 3000, false))
                dt_fail("in-flight coded buffers were not freed");
        for (int i = 0; i < 50 && ((fw2 = firmware_pid()) < 0 || fw2 == fw); i++)
                usleep(100000);
        if (fw2 < 0 || fw2 == fw)
                dt_fail("the firmware was not restarted");
        printf("  firmware %d %s with %d bytes of coded buffers in flight (all freed), %d took "
               "over\n",
               (int)fw, sig == SIGSTOP ? "stalled" : "killed", (int)queued, (int)fw2);
        free(data);
        DT_OK(t->api->stop(t->ctl), "stop");
        DT_OK(t->api->start(t->ctl), "start");
        dt_drain_frames(t, false, 100);
        dt_load_ref(t, path("v720.md5"));
        full_stream(t, "v720.h264", 65536);
        dt_stop_close(t);
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return x < y ? -1 : x > y;
}

/*
 * Frames per second through avbufferd and softvpu without checks (frames are
 * only freed; $AVB_DECODE_SPEED_STREAM names the stream, default v720.h264),
 * and the latency from queueing a one-frame 1280x720 stream (one buffer,
 * then end of stream) to its frame and the end-of-stream marker (median of 9).
 */
static void case_speed(struct dt *t)
{
        const char *name = getenv("AVB_DECODE_SPEED_STREAM");
        struct dt_push o = {.chunk = 65536, .eos = true};
        size_t len, len1;
        uint8_t *data = dt_read_file(path(name ? name : "v720.h264"), &len);
        uint8_t *one = dt_read_file(path("one720.h264"), &len1);
        double lat[9], t0;

        dt_get_decoder(t, 0);
        dt_open_start(t, false);
        for (int i = 0; i < 9; i++) {
                t->l.eos = 0;
                t0 = avb_now_ns() / 1e9;
                dt_push(t, one, len1, &(struct dt_push){.chunk = len1, .eos = true});
                lat[i] = (avb_now_ns() / 1e9 - t0) * 1000;
        }
        qsort(lat, 9, sizeof(lat[0]), cmp_double);
        t->n_frames = 0;
        t->l.eos = 0;
        t0 = avb_now_ns() / 1e9;
        dt_push(t, data, len, &o);
        t0 = avb_now_ns() / 1e9 - t0;
        printf("  latency of a 1280x720 frame, queued to output: median %.2f ms (min %.2f, "
               "max %.2f)\n  %zu frames in %.3f s: %.1f fps\n",
               lat[4], lat[0], lat[8], t->n_frames, t0, (double)t->n_frames / t0);
        free(one);
        free(data);
        dt_stop_close(t);
}

/*
 * kill-many (profile-many-frames.yaml: 96 frame blocks): frames a client
 * must come to hold, more than the 64 the server once remembered per
 * decoder for a client's death.
 */
#define MANY_FRAMES 90

static bool holds_many(struct dt *t)
{
        return t->l.received >= MANY_FRAMES;
}

/*
 * Fill decoder 0's input queue keeping every frame. With `many`: instead
 * MANY_FRAMES + 6 access units of av.h264 (no B-frames), one per buffer, a
 * refused one retried, and wait until MANY_FRAMES frames are held.
 */
static void hold_frames(struct dt *t, bool many)
{
        struct dt_push o = {.chunk = 1024, .hold_until_full = true, .stop_when_full = true};
        size_t len;
        uint8_t *data = dt_read_file(path(many ? "av.h264" : "l320.h264"), &len);

        dt_get_decoder(t, 0);
        dt_open_start(t, false);
        if (many) {
                const uint8_t **au;
                size_t *size, n = dt_split_frames(data, len, &au, &size);

                if (n < MANY_FRAMES + 6)
                        dt_fail("av.h264 has %zu access units", n);
                dt_push_samples(t, au, size, MANY_FRAMES + 6, 40000000,
                                &(struct dt_push){.hold_until_full = true, .poll = true});
                dt_free_frames(au, size, n);
        } else {
                dt_push(t, data, len, &o);
        }
        free(data);
        if (!many && !t->false_returns)
                dt_fail("the input queue never filled");
        for (int i = 0; many && i < 3000; i++) { /* frames are held: no dt_wait */
                pthread_mutex_lock(&t->l.m);
                bool done = holds_many(t);
                pthread_mutex_unlock(&t->l.m);
                if (done)
                        return;
                usleep(10000);
        }
        if (many)
                dt_fail("%zu frames held, not %d: frame blocks of a dead client never came back",
                        t->l.received, MANY_FRAMES);
}

/*
 * The child of kill-client: opens decoder 0, fills its input queue, keeps the
 * frames. With `drop` (drop-client) it then lets go of every proxy, so its
 * runtime closes its connections, and lives on without one; with `many`
 * (kill-many) it first waits to hold MANY_FRAMES frames.
 */
static void child(struct dt *t, bool drop, bool many)
{
        /* dies with a full input queue and every frame it got */
        hold_frames(t, many);
        if (drop)
                dt_disconnect(t);
        printf("ready\n");
        fflush(stdout);
        pause();
}

static int32_t heap_used(struct dt *t)
{
        com_rdk_hal_avbuffer_HeapMetrics m;

        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(t->av, false, &m), "getHeapMetrics");
        return m.bytesUsed;
}

/*
 * kill-client: a client dies with a decoder open and its queue full; what it
 * held is freed. drop-client: first it lives for 3 s without any connection
 * (longer than the runtime's linger and the reclaim grace together), and
 * keeps its decoder and buffers all that time. kill-many: the client dies
 * holding MANY_FRAMES frames or more (more than 64); every block comes back,
 * so this client then comes to hold as many.
 */
static void case_kill_client(struct dt *t, bool drop, bool many)
{
        char *argv[] = {(char *)self,
                        drop   ? "child-drop"
                        : many ? "child-many"
                               : "child",
                        (char *)dir, NULL};
        int fds[2];
        char line[16] = {0};
        int32_t before = heap_used(t);
        pid_t pid;

        pid = dt_spawn_ready(self, argv, line, sizeof(line), &fds[0]);
        dt_get_decoder(t, 0);
        if (dt_state(t) != com_rdk_hal_State_STARTED)
                dt_fail("the child's decoder is not STARTED");
        int32_t held = heap_used(t) - before;
        if (held <= 0)
                dt_fail("the child holds no heap");
        if (drop) {
                sleep(3);
                if (dt_state(t) != com_rdk_hal_State_STARTED)
                        dt_fail("the decoder of a live client without connections was closed");
                if (heap_used(t) - before != held)
                        dt_fail("a live client without connections holds %d bytes, not %d",
                                (int)(heap_used(t) - before), (int)held);
                printf("  a live client kept its decoder and %d bytes for 3 s without a "
                       "connection\n",
                       (int)held);
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        for (int i = 0;
             i < 50 && (dt_state(t) != com_rdk_hal_State_CLOSED || heap_used(t) != before); i++)
                usleep(100000);
        if (dt_state(t) != com_rdk_hal_State_CLOSED)
                dt_fail("the dead client's decoder was not closed");
        if (heap_used(t) != before)
                dt_fail("heap use %d, %d before the client", (int)heap_used(t), (int)before);
        printf("  the killed client's pool and queued buffers (%d bytes of heap) were freed\n",
               (int)held);
        if (many) {
                /* every block the child held is back: this client comes to hold as many */
                hold_frames(t, true);
                printf("  the killed client's %d frames and more were freed: %zu held again\n",
                       MANY_FRAMES, t->l.received);
                dt_drain_frames(t, false, 0);
                dt_stop_close(t);
                return;
        }
        /* every frame block is back: a whole stream decodes */
        dt_load_ref(t, path("v320.md5"));
        dt_open_start(t, false);
        full_stream(t, "v320.h264", 8192);
        dt_stop_close(t);
}

/* ---- a listener that stops reading (stopped-client) -------------------------- */

#define SC_FRAME_NS 1000000 /* 1 ms apart: the sink presents as fast as frames come */
#define SC_FLUSH_AT 800     /* frames presented before the flush of the second part */

static bool sc_eos(struct dt *t)
{
        return t->l.eos > 0;
}

static bool sc_started_again(struct dt *t)
{
        return t->l.state == com_rdk_hal_State_STARTED;
}

/* Frames presented by video-sink-0 (records taken), md5 in order against t->ref from *n. */
static size_t sc_take_presented(struct dt *t, avb_binder *ctl, size_t *n, bool check)
{
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t k = 0, bad = 0;

        DT_OK(avb_avbuffer_IAVBufferControl_takeSinkFrames(ctl, "video-sink-0", &sf, &k),
              "takeSinkFrames");
        for (size_t i = 0; i < k; i++) {
                if (check && AVB_DEBUG_API &&
                    (*n + i >= t->n_ref || strcmp(sf[i].md5, t->ref[*n + i])))
                        bad++;
                avb_avbuffer_SinkFrame_fini(&sf[i]);
        }
        free(sf);
        *n += k;
        return bad;
}

static void sc_tunnel(avb_binder *ctl)
{
        DT_OK(avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0:0",
                                                         FOURCC('I', '4', '2', '0'), 0, 0),
              "sink format I420");
        DT_OK(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:3", "video-sink-0:0",
                                                      true),
              "enable the tunnel");
}

/*
 * The child of stopped-client: its listener stops reading (the callback
 * thread blocks on the gate, then the parent stops the whole process), and
 * it pushes a whole tunnelled stream of more frames than the oneway queue
 * toward it holds. Once let go, every frame event and the end of stream
 * must come, in order. Then the same with a flush once SC_FLUSH_AT frames
 * are presented: after FLUSHING -> STARTED only the next stream's frames.
 */
static void stopped_child(struct dt *t)
{
        struct dt_push o = {.poll = true};
        avb_binder *ctl = connect_control(t);
        size_t len, n = 0, frames, before_flush;
        uint8_t *data = dt_read_file(path("lp160.h264"), &len);
        char line[16];

        dt_get_decoder(t, 0);
        sc_tunnel(ctl);
        t->tunnelled = true;
        dt_open_start(t, false);
        t->l.gated = true;    /* the callback thread is idle: no lock needed yet */
        o.eos_no_wait = true; /* the listener is gated: the end of stream comes later */
        frames = dt_push_frames(t, data, len, SC_FRAME_NS, &o);
        o.eos_no_wait = false;
        printf("ready %zu\n", frames);
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin) || strncmp(line, "go", 2))
                dt_fail("the parent did not let the child go");
        dt_open_gate(t);
        if (!dt_wait(t, sc_eos, 30000, false))
                dt_fail("no end of stream after %zu frame events", t->l.received);
        dt_drain_frames(t, false, 0);
        if (t->l.received != frames || t->l.received_at_eos != frames || t->l.out_of_order)
                dt_fail("%zu frame events for %zu frames, %zu before the end of stream, %zu out "
                        "of order",
                        t->l.received, frames, t->l.received_at_eos, t->l.out_of_order);
        printf("  child: %zu frame events in order, then the end of stream\n", frames);

        /* a flush while events are owed: those frames never come */
        pthread_mutex_lock(&t->l.m);
        t->l.gated = true;
        t->l.eos = 0;
        t->l.state = -1;
        pthread_mutex_unlock(&t->l.m);
        (void)sc_take_presented(t, ctl, &n, false);
        n = 0;
        dt_push_frames(t, data, len, SC_FRAME_NS, &o);
        for (int i = 0; i < 6000 && n < SC_FLUSH_AT; i++) {
                (void)sc_take_presented(t, ctl, &n, false);
                usleep(10000);
        }
        if (n < SC_FLUSH_AT)
                dt_fail("only %zu frames presented before the flush", n);
        DT_OK(t->api->flush(t->ctl, false), "flush");
        before_flush = t->l.received;
        dt_open_gate(t);
        if (!dt_wait(t, sc_started_again, 30000, false))
                dt_fail("no onStateChanged to STARTED after the flush");
        pthread_mutex_lock(&t->l.m);
        size_t at_flush = t->l.received_at_state;
        pthread_mutex_unlock(&t->l.m);
        /* the next stream's pts follow on: a stale frame would be one too many */
        o.eos = true;
        dt_push_frames(t, data, len, SC_FRAME_NS, &o);
        dt_drain_frames(t, false, 0);
        printf("  child: flush with %zu frames presented: %zu of their events delivered, then "
               "%zu of the next stream\n",
               n, at_flush - before_flush, t->l.received_at_eos - at_flush);
        if (t->l.received_at_eos - at_flush != frames || t->l.received != t->l.received_at_eos ||
            t->l.eos != 1)
                dt_fail("after the flush %zu frame events for %zu frames (%zu in all, %d end of "
                        "stream)",
                        t->l.received_at_eos - at_flush, frames, t->l.received, t->l.eos);
        free(data);
        dt_stop_close(t);
        DT_OK(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:3", "video-sink-0:0",
                                                      false),
              "disable the tunnel");
        avb_binder_unref(ctl);
        printf("done\n");
        fflush(stdout);
}

/*
 * stopped-client: a client decodes tunnelled while its listener does not
 * read and its process is stopped; the service goes on serving another
 * client (an audio stream decodes, checked), the sink presents every frame
 * (checked against ffmpeg's), and once the process runs again its listener
 * gets every frame event in order, then the end of stream (the child checks).
 */
static void case_stopped_client(struct dt *t)
{
        char *argv[] = {(char *)self, "child-stopped", (char *)dir, NULL};
        avb_binder *ctl = connect_control(t);
        posix_spawn_file_actions_t fa;
        int out[2], in[2], status;
        size_t frames = 0, n = 0, bad = 0;
        char line[64] = {0};
        FILE *from;
        pid_t pid;

        dt_load_ref(t, path("lp160.md5"));
        if (pipe(out) < 0 || pipe(in) < 0)
                dt_fail("pipe");
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        if (posix_spawn(&pid, self, &fa, NULL, argv, environ))
                dt_fail("spawn");
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        close(in[0]);
        from = fdopen(out[0], "r");
        if (!from || !fgets(line, sizeof(line), from) || sscanf(line, "ready %zu", &frames) != 1)
                dt_fail("the child did not get ready");
        kill(pid, SIGSTOP);
        for (int i = 0; i < 6000 && n < frames; i++) {
                bad += sc_take_presented(t, ctl, &n, true);
                if (n < frames)
                        usleep(10000);
        }
        printf("  %zu frames pushed; the sink presented %zu (%zu differ from ffmpeg's) while the "
               "client was stopped\n",
               frames, n, bad);
        if (n != frames || frames != t->n_ref || bad)
                dt_fail("%zu frames presented, %zu pushed, %zu reference frames, %zu differ", n,
                        frames, t->n_ref, bad);
        /* meanwhile the service serves others */
        dt_use_audio(t);
        dt_get_decoder(t, 0);
        dt_load_ref(t, path("a.md5"));
        dt_open_start(t, false);
        full_stream(t, "a.mp2", 4096);
        dt_stop_close(t);
        kill(pid, SIGCONT);
        if (write(in[1], "go\n", 3) != 3)
                dt_fail("cannot let the child go");
        while (fgets(line, sizeof(line), from))
                fputs(line, stdout);
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
                dt_fail("the stopped client failed");
        fclose(from);
        close(in[1]);
        avb_binder_unref(ctl);
}

/* Two other cases in their own processes while this one decodes secure video. */
static void case_concurrent(struct dt *t)
{
        static const char *const cases[] = {"md5-720", "audio-mp2"};
        pid_t pids[2];

        for (int i = 0; i < 2; i++) {
                char *argv[] = {(char *)self, (char *)cases[i], (char *)dir, NULL};

                if (posix_spawn(&pids[i], self, NULL, NULL, argv, environ))
                        dt_fail("spawn");
        }
        case_secure(t);
        for (int i = 0; i < 2; i++) {
                int status;

                if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
                    WEXITSTATUS(status) != 0)
                        dt_fail("%s failed beside the secure decode", cases[i]);
        }
}

/*
 * examples/pipeline with a real stream ($AVB_PIPELINE_EXE): app-source ->
 * cdm -> decoder, the decoder decoding secure buffers on video decoder 0.
 */
static void case_pipeline(struct dt *t)
{
        const char *exe = getenv("AVB_PIPELINE_EXE");
        char *argv[] = {(char *)exe, "--stream",        path("v320.h264"),
                        "--sha1",    path("v320.sha1"), NULL};
        int status;
        pid_t pid;

        (void)t;
        if (!exe)
                dt_fail("AVB_PIPELINE_EXE is not set");
        if (posix_spawn(&pid, exe, NULL, NULL, argv, environ))
                dt_fail("spawn %s", exe);
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
                dt_fail("the pipeline failed");
}

/* ---- the v4l2 backend on the fake decoder (avbufferd-fake-v4l2) -------------- */

#define FV_MAX      64
#define FV_FRAME_NS 40000000 /* dt_push's pts step */
#define FV_BLOCKS   8        /* the frame pool's blocks (profile-v4l2-fake*.yaml) */

/* Coded buffers for the fake decoder (one header each) and the frames they give. */
struct fv_stream {
        uint8_t data[FV_MAX * FAKE_V4L2_HEADER_BYTES];
        size_t n_bufs;
        struct fv_frame {
                uint32_t n, w, h;
                int64_t pts; /* its buffer's: dt_push gives buffer i pts i * FV_FRAME_NS */
                bool meta;   /* the first of a new geometry: metadata must come with it */
        } frames[FV_MAX];
        size_t n_frames;
        uint32_t w, h; /* the geometry in force (set it before the first fv_add) */
};

static const struct fv_stream *fv_want; /* what fv_frame_ok checks frame t->n_frames against */
static bool fv_dmabuf;                  /* DMABUF: the device's layout; MMAP: rows packed */
static struct dt_meta fv_meta;          /* the metadata in force */

/* The next buffer: frame n of w x h; returns its header. */
static uint8_t *fv_add(struct fv_stream *s, uint32_t w, uint32_t h, uint32_t n)
{
        uint8_t *p = s->data + s->n_bufs * FAKE_V4L2_HEADER_BYTES;

        if (s->n_bufs == FV_MAX)
                dt_fail("fake stream too long");
        fake_v4l2_encode(p, w, h, n);
        s->frames[s->n_frames++] = (struct fv_frame){.n = n,
                                                     .w = w,
                                                     .h = h,
                                                     .pts = (int64_t)s->n_bufs * FV_FRAME_NS,
                                                     .meta = w != s->w || h != s->h};
        s->w = w;
        s->h = h;
        s->n_bufs++;
        return p;
}

/* A buffer the fake finds corrupt: a header without the magic. */
static void fv_add_corrupt(struct fv_stream *s)
{
        uint8_t *p = fv_add(s, s->w, s->h, 0);

        s->n_frames--;
        p[0] ^= 0xff;
}

/*
 * Frame t->n_frames as avbufferd hands it over: I420 of the fake's frame
 * number and geometry. MMAP: the backend copied the visible picture out of
 * the device's buffer, rows packed (stride = width, frameBytes w * h * 3/2).
 * DMABUF: the device wrote the block itself, in its own layout: stride
 * bytesperline (the fake's: width rounded up to 128), padding FAKE_V4L2_PAD,
 * frameBytes its sizeimage. Either way the plane layout in the metadata's
 * extension (avb.avbuffer.PlaneLayout) says so, and the planes are read where
 * it says.
 */
static bool fv_frame_ok(struct dt *t, const struct dt_frame *f, const uint8_t *p, size_t size)
{
        size_t i = t->n_frames;
        const struct fv_frame *e = i < fv_want->n_frames ? &fv_want->frames[i] : NULL;
        uint32_t stride, bytes;

        if (f->has_meta)
                fv_meta = f->meta;
        if (!e) {
                fprintf(stderr, "  frame %zu: more frames than the %zu pushed\n", i,
                        fv_want->n_frames);
                return false;
        }
        stride = fv_dmabuf ? (e->w + 127) & ~127u : e->w;
        bytes = stride * e->h / 2 * 3;
        if (f->pts != e->pts || (e->meta && !f->has_meta) || fv_meta.a != (int32_t)e->w ||
            fv_meta.b != (int32_t)e->h ||
            fv_meta.format != com_rdk_hal_videodecoder_PixelFormat_YCBCR420 ||
            fv_meta.frame_bytes != (int32_t)bytes || !dt_i420_layout(&fv_meta, (int32_t)stride) ||
            size < bytes) {
                fprintf(stderr,
                        "  frame %zu: pts %lld, %s%dx%d format %d frameBytes %d luma stride %d "
                        "in a %zu-byte block; want pts %lld, %s%ux%u YCBCR420 frameBytes %u luma "
                        "stride %u\n",
                        i, (long long)f->pts, f->has_meta ? "metadata " : "", (int)fv_meta.a,
                        (int)fv_meta.b, (int)fv_meta.format, (int)fv_meta.frame_bytes,
                        (int)fv_meta.stride[0], size, (long long)e->pts, e->meta ? "metadata " : "",
                        (unsigned)e->w, (unsigned)e->h, (unsigned)bytes, (unsigned)stride);
                return false;
        }
        for (unsigned c = 0; c < 3; c++) {
                uint32_t cs = (uint32_t)fv_meta.stride[c], cw = c ? e->w / 2 : e->w;
                uint32_t ch = c ? e->h / 2 : e->h;
                const uint8_t *plane = p + fv_meta.offset[c];

                for (uint32_t y = 0; y < ch; y++)
                        for (uint32_t x = 0; x < cs; x++) {
                                uint8_t want =
                                    x < cw ? fake_v4l2_pixel(e->n, c, x, y) : FAKE_V4L2_PAD;

                                if (plane[(size_t)y * cs + x] == want)
                                        continue;
                                fprintf(stderr,
                                        "  frame %zu (fake frame %u): component %u at (%u, %u) "
                                        "is %u, want %u\n",
                                        i, (unsigned)e->n, c, (unsigned)x, (unsigned)y,
                                        plane[(size_t)y * cs + x], want);
                                return false;
                        }
        }
        return true;
}

static void fv_reset(struct dt *t, const struct fv_stream *s)
{
        fv_want = s;
        t->n_frames = t->n_bad = 0;
        pthread_mutex_lock(&t->l.m);
        t->l.eos = 0;
        t->l.received = t->l.received_at_eos = 0;
        memset(t->l.errors, 0, sizeof(t->l.errors));
        pthread_mutex_unlock(&t->l.m);
}

/* Push s, then signalEndOfStream: every frame right, in order, then the marker. */
static void fv_stream_through(struct dt *t, const struct fv_stream *s, int corrupt)
{
        struct dt_push o = {.chunk = FAKE_V4L2_HEADER_BYTES, .check = true, .eos = true};

        fv_reset(t, s);
        dt_push(t, s->data, s->n_bufs * FAKE_V4L2_HEADER_BYTES, &o);
        dt_drain_frames(t, true, 100);
        printf("  %zu coded buffers: %zu frames, last %dx%d, %d decode errors, end of stream "
               "after frame %zu\n",
               s->n_bufs, t->n_frames, (int)fv_meta.a, (int)fv_meta.b, t->l.errors[DT_ERROR_DECODE],
               t->l.received_at_eos);
        if (t->n_bad || t->n_frames != s->n_frames)
                dt_fail("%zu of %zu frames wrong, %zu for %zu pushed", t->n_bad, t->n_frames,
                        t->n_frames, s->n_frames);
        if (t->l.received_at_eos != s->n_frames || t->l.received != s->n_frames || t->l.eos != 1)
                dt_fail("%d end-of-stream markers, after %zu of %zu frames", t->l.eos,
                        t->l.received_at_eos, t->l.received);
        if (t->l.errors[DT_ERROR_DECODE] != corrupt || t->l.errors[DT_ERROR_VPU])
                dt_fail("%d ERROR_DECODE for %d corrupt buffers, %d ERROR_VPU",
                        t->l.errors[DT_ERROR_DECODE], corrupt, t->l.errors[DT_ERROR_VPU]);
}

static int fv_seen_available; /* onDecodeBufferAvailable calls before the last decode */

static bool fv_available(struct dt *t)
{
        return t->l.available > fv_seen_available;
}

static bool fv_room_or_stuck(struct dt *t)
{
        return fv_available(t) || t->l.received == FV_BLOCKS;
}

/* Wait until cond(t) or ms pass, the client holding its frames. */
static bool fv_wait_holding(struct dt *t, bool (*cond)(struct dt *), int ms)
{
        struct timespec end;
        bool done;

        clock_gettime(CLOCK_REALTIME, &end);
        end.tv_sec += ms / 1000;
        end.tv_nsec += (long)(ms % 1000) * 1000000L;
        end.tv_sec += end.tv_nsec / 1000000000L;
        end.tv_nsec %= 1000000000L;
        pthread_mutex_lock(&t->l.m);
        while (!(done = cond(t)) && pthread_cond_timedwait(&t->l.c, &t->l.m, &end) == 0)
                ;
        done = cond(t);
        pthread_mutex_unlock(&t->l.m);
        return done;
}

/*
 * Coded buffers queued in avbufferd, then cut (flush or stop) frees them.
 * The client holds every frame: once it holds all FV_BLOCKS frame blocks
 * nothing more decodes, and pushing until decode refuses a buffer fills
 * the V4L2 OUTPUT queue for good. Then cut: the pool is empty at once, the
 * owed onDecodeBufferAvailable comes, and the held frames are all right.
 */
static avb_status fv_flush(avb_binder *ctl)
{
        return com_rdk_hal_videodecoder_IVideoDecoderController_flush(ctl, false);
}

static void fv_fill_and_cut(struct dt *t, uint32_t first_n, avb_status (*cut)(avb_binder *ctl),
                            const char *what)
{
        static struct fv_stream s;
        int32_t queued;
        bool accepted, ok, stuck = false;

        memset(&s, 0, sizeof(s));
        s.w = (uint32_t)fv_meta.a;
        s.h = (uint32_t)fv_meta.b;
        fv_reset(t, &s);
        while (!stuck) {
                const uint8_t *hdr = fv_add(&s, s.w, s.h, first_n + (uint32_t)s.n_bufs);
                int64_t h = dt_fill_buffer(t, hdr, FAKE_V4L2_HEADER_BYTES, true);
                int64_t pts = s.frames[s.n_frames - 1].pts;

                for (;;) {
                        pthread_mutex_lock(&t->l.m);
                        fv_seen_available = t->l.available;
                        stuck = t->l.received == FV_BLOCKS;
                        pthread_mutex_unlock(&t->l.m);
                        DT_OK(t->api->decode(t->ctl, h, pts, false, &accepted),
                              "decodeBufferWithMetadata");
                        if (accepted || stuck)
                                break;
                        if (!fv_wait_holding(t, fv_room_or_stuck, 20000))
                                dt_fail("no onDecodeBufferAvailable after a refused buffer");
                }
                stuck = !accepted;
                if (!accepted)
                        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_free(t->av, h, &ok),
                              "free the refused buffer");
        }
        queued = dt_pool_used(t);
        if (queued == 0)
                dt_fail("no coded buffer queued with every frame block held");
        DT_OK(cut(t->ctl), what);
        if (dt_pool_used(t) != 0)
                dt_fail("%s left %d bytes of coded buffers in the pool", what,
                        (int)dt_pool_used(t));
        if (!fv_wait_holding(t, fv_available, 20000))
                dt_fail("no onDecodeBufferAvailable after %s", what);
        dt_drain_frames(t, true, 0);
        printf("  %s: %zu coded buffers accepted, %zu frames held, %d bytes queued then freed\n",
               what, s.n_bufs - 1, t->n_frames, (int)queued);
        if (t->n_bad || t->n_frames != FV_BLOCKS)
                dt_fail("%zu of %zu held frames wrong (%d frame blocks)", t->n_bad, t->n_frames,
                        FV_BLOCKS);
}

/*
 * Tunnelled into a sink whose pad asks for 640x480: the stream's 320x240
 * start is refused (one ERROR_SINK, those frames freed unseen), and once
 * the resolution changes to 640x480 the sink takes the frames again.
 */
static void fv_tunnel_refit(struct dt *t)
{
        static struct fv_stream c;
        struct dt_push o = {.chunk = FAKE_V4L2_HEADER_BYTES, .eos = true};
        avb_binder *ctl = connect_control(t);
        avb_avbuffer_SinkFrame *sf = NULL;
        size_t n = 0, late = 0;
        int refusals;

        for (uint32_t i = 0; i < 20; i++)
                fv_add(&c, i < 10 ? 320 : 640, i < 10 ? 240 : 480, 400 + i);
        DT_OK(avb_avbuffer_IAVBufferControl_setPadFormat(ctl, "video-sink-0:0",
                                                         FOURCC('I', '4', '2', '0'), 640, 480),
              "sink 640x480");
        DT_OK(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:3", "video-sink-0:0",
                                                      true),
              "enable the tunnel");
        fv_reset(t, &c);
        t->tunnelled = true;
        dt_open_start(t, false);
        dt_push(t, c.data, c.n_bufs * FAKE_V4L2_HEADER_BYTES, &o);
        DT_OK(avb_avbuffer_IAVBufferControl_takeSinkFrames(ctl, "video-sink-0", &sf, &n),
              "takeSinkFrames");
        for (size_t i = 0; i < n; i++) {
                late += sf[i].nsPresentationTime >= 10 * FV_FRAME_NS;
                avb_avbuffer_SinkFrame_fini(&sf[i]);
        }
        free(sf);
        pthread_mutex_lock(&t->l.m);
        refusals = t->l.errors[DT_ERROR_SINK];
        pthread_mutex_unlock(&t->l.m);
        printf("  tunnelled into a 640x480 sink: %d ERROR_SINK, %zu frames presented (%zu of "
               "them 640x480), %zu announced\n",
               refusals, n, late, t->n_frames);
        if (refusals != 1 || n != 10 || late != 10 || t->n_frames != 10)
                dt_fail("want one ERROR_SINK and the ten 640x480 frames presented and announced");
        dt_stop_close(t);
        t->tunnelled = false;
        DT_OK(avb_avbuffer_IAVBufferControl_setupLink(ctl, "video-decoder-0:3", "video-sink-0:0",
                                                      false),
              "disable the tunnel");
        avb_binder_unref(ctl);
}

/*
 * The v4l2 backend behind avbufferd, end to end on the fake stateful
 * decoder: every frame's pixels, pts and metadata through a resolution
 * change, a corrupt buffer, end of stream, the secure refusal, flush and
 * stop freeing queued coded buffers, and a tunnel across the change.
 */
static void case_v4l2_fake(struct dt *t, bool dmabuf)
{
        static struct fv_stream a, b;
        avb_binder *ctl = NULL;
        bool ok;

        fv_dmabuf = dmabuf;
        t->frame_ok = fv_frame_ok;
        dt_get_decoder(t, 0);

        /* no secure sessions on v4l2: open gives no controller, and avbufferd goes on */
        DT_OK(com_rdk_hal_videodecoder_IVideoDecoder_open(t->dec, t->api->codec, true, t->l.binder,
                                                          &ctl),
              "secure open");
        if (ctl)
                dt_fail("secure open on v4l2 gave a controller");
        printf("  secure open: no controller\n");
        if (dt_state(t) != com_rdk_hal_State_CLOSED)
                dt_fail("not CLOSED after the refused secure open");
        dt_open_start(t, false);

        /* 320x240, a corrupt buffer, then 640x480 from frame 10 */
        for (uint32_t n = 0; n < 20; n++) {
                fv_add(&a, n < 10 ? 320 : 640, n < 10 ? 240 : 480, n);
                if (n == 4)
                        fv_add_corrupt(&a);
        }
        fv_stream_through(t, &a, 1);
        if (dt_state(t) != com_rdk_hal_State_STARTED)
                dt_fail("not STARTED after the stream");

        /* after end of stream a flush goes on; flush frees queued coded buffers */
        DT_OK(t->api->flush(t->ctl, false), "flush");
        fv_fill_and_cut(t, 100, fv_flush, "flush");

        /* back to 320x240 after the flush */
        b.w = (uint32_t)fv_meta.a;
        b.h = (uint32_t)fv_meta.b;
        for (uint32_t n = 200; n < 206; n++)
                fv_add(&b, 320, 240, n);
        fv_stream_through(t, &b, 0);
        DT_OK(t->api->flush(t->ctl, false), "flush");

        /* stop frees queued coded buffers too; then close */
        fv_fill_and_cut(t, 300, com_rdk_hal_videodecoder_IVideoDecoderController_stop, "stop");
        if (dt_state(t) != com_rdk_hal_State_READY)
                dt_fail("not READY after stop");
        dt_close(t);
        if (dt_state(t) != com_rdk_hal_State_CLOSED)
                dt_fail("not CLOSED after close");
        fv_tunnel_refit(t);
        DT_OK(com_rdk_hal_avbuffer_IAVBuffer_destroyPool(t->av, &t->pool, &ok), "destroyPool");
        t->have_pool = false;
        dt_drain_frames(t, false, 0);
}

int main(int argc, char **argv)
{
        /* static: it outlives main (see the end of main) */
        static struct dt the_test;
        struct dt *t = &the_test;
        const char *c;

        if (argc != 3) {
                fprintf(stderr, "usage: avb-decode-test CASE STREAMS_DIR\n");
                return 2;
        }
        self = argv[0];
        c = argv[1];
        dir = argv[2];
        dt_connect(t);
        if (!strcmp(c, "child") || !strcmp(c, "child-drop") || !strcmp(c, "child-many"))
                child(t, !strcmp(c, "child-drop"), !strcmp(c, "child-many"));
        else if (!strcmp(c, "child-stopped"))
                stopped_child(t);
        else if (!strcmp(c, "stopped-client"))
                case_stopped_client(t);
        else if (!strcmp(c, "md5-320"))
                case_md5(t, "v320.h264", "v320.md5", 16384);
        else if (!strcmp(c, "md5-720"))
                case_md5(t, "v720.h264", "v720.md5", 65536);
        else if (!strcmp(c, "secure"))
                case_secure(t);
        else if (!strcmp(c, "states"))
                case_states(t);
        else if (!strcmp(c, "backpressure"))
                case_backpressure(t);
        else if (!strcmp(c, "flush"))
                case_flush(t);
        else if (!strcmp(c, "corrupt"))
                case_corrupt(t);
        else if (!strcmp(c, "kill-firmware"))
                case_firmware_dies(t, SIGKILL);
        else if (!strcmp(c, "stall-firmware"))
                case_firmware_dies(t, SIGSTOP);
        else if (!strcmp(c, "pipeline"))
                case_pipeline(t);
        else if (!strcmp(c, "concurrent"))
                case_concurrent(t);
        else if (!strcmp(c, "audio-mp2"))
                case_audio(t);
        else if (!strcmp(c, "speed"))
                case_speed(t);
        else if (!strcmp(c, "tunnelled"))
                case_tunnelled(t);
        else if (!strcmp(c, "kill-client") || !strcmp(c, "drop-client") || !strcmp(c, "kill-many"))
                case_kill_client(t, !strcmp(c, "drop-client"), !strcmp(c, "kill-many"));
        else if (dt_hal_case(t, c, dir))
                ;
        else if (!strcmp(c, "v4l2-fake"))
                case_v4l2_fake(t, false);
        else if (!strcmp(c, "v4l2-fake-dmabuf"))
                case_v4l2_fake(t, true);
        else
                dt_fail("unknown case %s", c);
        dt_disconnect(t);
        /*
         * t stays (static storage): its listener stays published on this
         * process's callback server, whose thread may still deliver a late
         * oneway call (the state changes of close) into t->l until exit.
         */
        printf("ok %s\n", c);
        return 0;
}
