/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor facade's media graph and decode-path steps (vendor_graph.c):
 * pad names, link changes and their refusals, the decoder registry states
 * the steps walk through, validation at start, tunnelled mode, and frames
 * handed to a sink coming back to their frame pool.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "avb_config.h"
#include "avbuffer/vendor.h"
#include "graph.h"
#include "sink.h"

#define I420 AVB_GRAPH_FOURCC('I', '4', '2', '0')
#define NV12 AVB_GRAPH_FOURCC('N', 'V', '1', '2')

static int setup(void **state)
{
        struct avb_vendor_config cfg;
        struct avb_vendor *v = NULL;

        avb_vendor_config_init_defaults(&cfg);
        assert_int_equal(avb_vendor_new(&cfg, NULL, NULL, &v), 0);
        *state = v;
        return 0;
}

static int teardown(void **state)
{
        avb_vendor_free(*state);
        return 0;
}

static const struct {
        const char *source, *sink;
        bool enable;
        int want;
} link_cases[] = {
    {"video-decoder-0:3", "video-sink-0:0", true, 0},
    {"video-decoder-0:3", "video-sink-0:0", false, 0},
    {"video-decoder-0", "video-sink-0:0", true, -EINVAL},    /* no pad */
    {":3", "video-sink-0:0", true, -EINVAL},                 /* no entity */
    {"video-decoder-0:", "video-sink-0:0", true, -EINVAL},   /* empty pad */
    {"video-decoder-0:x", "video-sink-0:0", true, -EINVAL},  /* not a number */
    {"video-decoder-0:-1", "video-sink-0:0", true, -EINVAL}, /* negative */
    {"video-decoder-0:3z", "video-sink-0:0", true, -EINVAL}, /* trailing junk */
    {"video-decoder-0: 3", "video-sink-0:0", true, -EINVAL}, /* space */
    {"video-decoder-0:+3", "video-sink-0:0", true, -EINVAL}, /* sign */
    {"video-decoder-0:3", "video-sink-0: -18446744073709551615", true, -EINVAL},
    {"video-decoder-0:99999999999", "video-sink-0:0", true, -EINVAL},
    {"a-name-much-longer-than-any-entity-name:0", "video-sink-0:0", true, -EINVAL},
    {NULL, "video-sink-0:0", true, -EINVAL},
    {"nosuch:3", "video-sink-0:0", true, -ENOENT},
    {"video-decoder-0:3", "video-sink-1:0", true, -ENOENT}, /* pads without a link */
    {"video-decoder-0:7", "video-sink-0:0", true, -ENOENT}, /* no such pad */
    {"video-decoder-0:1", "vpu:0", false, -EINVAL},         /* immutable */
};

static void test_setup_link_table(void **state)
{
        struct avb_vendor *v = *state;

        for (size_t i = 0; i < sizeof(link_cases) / sizeof(link_cases[0]); i++) {
                int r = avb_vendor_graph_setup_link(v, link_cases[i].source, link_cases[i].sink,
                                                    link_cases[i].enable);

                if (r != link_cases[i].want)
                        fail_msg("case %zu (%s -> %s): %d, expected %d", i,
                                 link_cases[i].source ? link_cases[i].source : "(null)",
                                 link_cases[i].sink, r, link_cases[i].want);
        }
        assert_int_equal(avb_vendor_graph_set_format(v, "video-sink-0:9", I420, 0, 0), -ENOENT);
        assert_int_equal(avb_vendor_graph_set_format(v, "video-sink-0", I420, 0, 0), -EINVAL);
}

static void start_how(struct avb_vendor_decoder_start *how, int32_t id, unsigned pool)
{
        *how = (struct avb_vendor_decoder_start){
            .kind = AVB_MEDIA_VIDEO, .id = id, .frame_pool = pool, .fourcc = I420, .notify_fd = -1};
}

/* open/start/stop/close walk the registry one state at a time; out of order: -EBADFD. */
static void test_decoder_steps(void **state)
{
        struct avb_vendor *v = *state;
        struct avb_vendor_decoder_start how;
        bool tunnelled = true;
        int8_t pool = 0;

        start_how(&how, 0, 0);
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, NULL), -EBADFD);
        assert_int_equal(avb_vendor_decoder_stop(v, AVB_MEDIA_VIDEO, 0), -EBADFD);
        assert_int_equal(avb_vendor_decoder_open(v, AVB_MEDIA_VIDEO, 7), -EINVAL);
        assert_int_equal(avb_vendor_decoder_open(v, AVB_MEDIA_VIDEO, 0), 0);
        assert_int_equal(avb_vendor_decoder_open(v, AVB_MEDIA_VIDEO, 0), -EBADFD);
        how.frame_pool = 99;
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, NULL), -EINVAL);
        how.frame_pool = 0;
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, NULL), 0);
        assert_false(tunnelled);
        /* streaming: the decoder cannot be unconfigured, and its links are fixed */
        assert_int_equal(avb_vendor_set_decoder_configured(v, AVB_MEDIA_VIDEO, 0, false), -EBUSY);
        assert_int_equal(
            avb_vendor_graph_setup_link(v, "video-decoder-0:3", "video-sink-0:0", true), -EBUSY);
        assert_int_equal(avb_vendor_graph_set_format(v, "video-decoder-0:3", NV12, 0, 0), -EBUSY);
        assert_int_equal(avb_vendor_decoder_close(v, AVB_MEDIA_VIDEO, 0, true), -EBADFD);
        assert_int_equal(avb_vendor_decoder_stop(v, AVB_MEDIA_VIDEO, 0), 0);
        /* close as unconfigured: no secure pool for it any more */
        assert_int_equal(avb_vendor_decoder_close(v, AVB_MEDIA_VIDEO, 0, false), 0);
        assert_int_equal(avb_vendor_create_pool(v, AVB_MEDIA_VIDEO, true, 0, 1, &pool), -EBADFD);
        /* and opening configures it again */
        assert_int_equal(avb_vendor_decoder_open(v, AVB_MEDIA_VIDEO, 0), 0);
        assert_int_equal(avb_vendor_create_pool(v, AVB_MEDIA_VIDEO, true, 0, 1, &pool), 0);
}

/* A link that does not validate refuses the start and names itself; nothing streams. */
static void test_start_validates(void **state)
{
        struct avb_vendor *v = *state;
        struct avb_vendor_decoder_start how;
        char bad[AVB_VENDOR_LINK_TEXT] = "";
        bool tunnelled = false;

        start_how(&how, 0, 0);
        assert_int_equal(
            avb_vendor_graph_setup_link(v, "video-decoder-0:3", "video-sink-0:0", true), 0);
        assert_int_equal(avb_vendor_graph_set_format(v, "video-sink-0:0", NV12, 0, 0), 0);
        assert_int_equal(avb_vendor_decoder_open(v, AVB_MEDIA_VIDEO, 0), 0);
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, bad), -EPIPE);
        assert_string_equal(bad, "video-decoder-0:3 -> video-sink-0:0");
        /* not streaming, so the link may change, and the decoder is still OPENED */
        assert_int_equal(avb_vendor_graph_set_format(v, "video-sink-0:0", I420, 0, 0), 0);
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, bad), 0);
        assert_true(tunnelled);
        assert_int_equal(avb_vendor_decoder_stop(v, AVB_MEDIA_VIDEO, 0), 0);
        assert_int_equal(avb_vendor_decoder_close(v, AVB_MEDIA_VIDEO, 0, true), 0);
}

/*
 * The stream's geometry, known at its first frame, reaches the decoder's
 * output pad while it streams; a sink pad that asks for another refuses it.
 */
static void test_geometry(void **state)
{
        struct avb_vendor *v = *state;
        struct avb_vendor_decoder_start how;
        char bad[AVB_VENDOR_LINK_TEXT] = "", *text = NULL;
        bool tunnelled = false;

        start_how(&how, 0, 0);
        assert_int_equal(avb_vendor_decoder_set_geometry(v, AVB_MEDIA_VIDEO, 9, 1, 1, bad),
                         -EINVAL);
        assert_int_equal(
            avb_vendor_graph_setup_link(v, "video-decoder-0:3", "video-sink-0:0", true), 0);
        assert_int_equal(avb_vendor_graph_set_format(v, "video-sink-0:0", I420, 1280, 720), 0);
        assert_int_equal(avb_vendor_decoder_open(v, AVB_MEDIA_VIDEO, 0), 0);
        /* start cannot know the geometry: the link validates on the pixel format */
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, bad), 0);
        assert_true(tunnelled);
        assert_int_equal(avb_vendor_decoder_set_geometry(v, AVB_MEDIA_VIDEO, 0, 1280, 720, bad), 0);
        assert_int_equal(avb_vendor_graph_describe(v, false, &text), 0);
        assert_non_null(
            strstr(text, "[fmt:I420/1280x720 bytes:")); /* only the decoder's has bytes */
        free(text);
        assert_int_equal(avb_vendor_decoder_set_geometry(v, AVB_MEDIA_VIDEO, 0, 320, 240, bad),
                         -EPIPE);
        assert_string_equal(bad, "video-decoder-0:3 -> video-sink-0:0");
        /* the next start forgets the old stream's geometry */
        assert_int_equal(avb_vendor_decoder_stop(v, AVB_MEDIA_VIDEO, 0), 0);
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, bad), 0);
        assert_int_equal(avb_vendor_graph_describe(v, false, &text), 0);
        assert_null(strstr(text, "x720 bytes:"));
        assert_null(strstr(text, "320x240"));
        free(text);
        assert_int_equal(avb_vendor_decoder_stop(v, AVB_MEDIA_VIDEO, 0), 0);
        assert_int_equal(avb_vendor_decoder_close(v, AVB_MEDIA_VIDEO, 0, true), 0);
}

/* Tunnelled frames go to the sink, which presents, records and frees them. */
static void test_tunnelled_frames(void **state)
{
        struct avb_vendor *v = *state;
        struct avb_vendor_decoder_start how;
        struct avb_sink_record *rec = NULL;
        bool tunnelled = false;
        size_t n = 0;
        int64_t h[3];

        start_how(&how, 1, 1); /* decoder 1 into the secure video frame pool */
        assert_int_equal(avb_vendor_sink_take_records(v, "video-sink-1", &rec, &n), 0);
        assert_int_equal(n, 0); /* never started: nothing presented */
        assert_int_equal(avb_vendor_sink_take_records(v, "vpu", &rec, &n), -ENOENT);
        assert_int_equal(avb_vendor_sink_take_records(v, "nosuch", &rec, &n), -ENOENT);
        assert_int_equal(avb_vendor_sink_queue_eos(v, AVB_MEDIA_VIDEO, 1), -ENOENT);
        assert_int_equal(
            avb_vendor_graph_setup_link(v, "video-decoder-1:3", "video-sink-1:0", true), 0);
        assert_int_equal(avb_vendor_decoder_open(v, AVB_MEDIA_VIDEO, 1), 0);
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, NULL), 0);
        assert_true(tunnelled);
        for (int i = 0; i < 3; i++) {
                assert_int_equal(avb_vendor_frame_alloc(v, 1, &h[i]), 0);
                assert_int_equal(
                    avb_vendor_sink_queue(v, AVB_MEDIA_VIDEO, 1, h[i], (int64_t)i * 10000000, 4096),
                    0);
        }
        assert_int_equal(avb_vendor_sink_queue_eos(v, AVB_MEDIA_VIDEO, 1), 0);
        bool eos = false;

        for (int i = 0; i < 5000 && !(eos = avb_vendor_sink_take_eos(v, AVB_MEDIA_VIDEO, 1)); i++)
                usleep(1000);
        assert_true(eos);
        for (int i = 0; i < 3; i++)
                assert_false(avb_vendor_is_valid(v, h[i])); /* freed by the sink */
        assert_int_equal(avb_vendor_sink_take_records(v, "video-sink-1", &rec, &n), 0);
        assert_int_equal(n, 3);
#if AVB_DEBUG_API
        /* a fresh secure block is zeroed: the MD5 of 4096 zero bytes */
        assert_string_equal(rec[0].md5, "620f0b67a91f7f74151bc5be745b7110");
#endif
        for (size_t i = 0; i < n; i++)
                assert_true(rec[i].presented_ns >= rec[i].due_ns);
        free(rec);
        /*
         * The decode path never queues to a stopped decoder's sink; if a frame
         * comes anyway the sink still presents and frees it (no leak).
         */
        assert_int_equal(avb_vendor_decoder_stop(v, AVB_MEDIA_VIDEO, 1), 0);
        assert_int_equal(avb_vendor_frame_alloc(v, 1, &h[0]), 0);
        assert_int_equal(avb_vendor_sink_queue(v, AVB_MEDIA_VIDEO, 1, h[0], 0, 4096), 0);
        for (int i = 0; i < 5000 && avb_vendor_is_valid(v, h[0]); i++)
                usleep(1000);
        assert_false(avb_vendor_is_valid(v, h[0]));
        assert_int_equal(avb_vendor_sink_queue(v, AVB_MEDIA_VIDEO, 1, -5, 0, 4096), -EINVAL);
}

/* A tunnelled frame's picture: a layout the engine can read, or -EINVAL (frame freed). */
/* 16x16 I420 with its luma rows padded to 32 bytes; a case changes one thing */
#define PIC_I420(fmt, planes, w, y_stride, v_offset)                                               \
        {                                                                                          \
                .width = (w), .height = 16, .pixfmt = (fmt), .n_planes = (planes),                 \
                .offset = {0, 512, (v_offset)}, .stride = {                                        \
                        (y_stride),                                                                \
                        16,                                                                        \
                        16                                                                         \
                }                                                                                  \
        }
#define PIX_I420 AVB_VENDOR_PIXFMT_I420
static const struct {
        const char *what;
        struct avb_vendor_picture pic;
        int want;
} picture_cases[] = {
    {"I420, Y rows padded", PIC_I420(PIX_I420, 3, 16, 32, 1024), 0},
    {"NV12",
     {.width = 16,
      .height = 16,
      .pixfmt = AVB_VENDOR_PIXFMT_NV12,
      .n_planes = 2,
      .offset = {0, 256},
      .stride = {16, 16}},
     0},
    {"no layout", {.pixfmt = AVB_VENDOR_PIXFMT_NONE}, 0},
    {"unknown pixfmt", PIC_I420((enum avb_vendor_pixfmt)7, 3, 16, 32, 1024), -EINVAL},
    {"I420 with two planes", PIC_I420(PIX_I420, 2, 16, 32, 1024), -EINVAL},
    {"width 0", PIC_I420(PIX_I420, 3, 0, 32, 1024), -EINVAL},
    {"stride shorter than its row", PIC_I420(PIX_I420, 3, 16, 8, 1024), -EINVAL},
    {"a plane past the block", PIC_I420(PIX_I420, 3, 16, 32, 4000), -EINVAL},
};

static void test_tunnelled_picture(void **state)
{
        struct avb_vendor *v = *state;
        struct avb_vendor_decoder_start how;
        struct avb_sink_record *rec = NULL;
        bool tunnelled = false;
        size_t n = 0, queued = 0;
        int64_t h;

        start_how(&how, 1, 1);
        assert_int_equal(
            avb_vendor_graph_setup_link(v, "video-decoder-1:3", "video-sink-1:0", true), 0);
        assert_int_equal(avb_vendor_decoder_open(v, AVB_MEDIA_VIDEO, 1), 0);
        assert_int_equal(avb_vendor_decoder_start(v, &how, &tunnelled, NULL), 0);
        for (size_t i = 0; i < sizeof(picture_cases) / sizeof(picture_cases[0]); i++) {
                assert_int_equal(avb_vendor_frame_alloc(v, 1, &h), 0);
                if (avb_vendor_sink_queue_picture(v, AVB_MEDIA_VIDEO, 1, h, (int64_t)i * 10000000,
                                                  4096,
                                                  &picture_cases[i].pic) != picture_cases[i].want)
                        fail_msg("%s: not %d", picture_cases[i].what, picture_cases[i].want);
                queued += picture_cases[i].want == 0;
                for (int k = 0; k < 5000 && avb_vendor_is_valid(v, h); k++)
                        usleep(1000);
                assert_false(avb_vendor_is_valid(v, h)); /* presented or refused: freed */
        }
        assert_int_equal(avb_vendor_sink_take_records(v, "video-sink-1", &rec, &n), 0);
        assert_int_equal(n, queued);
#if AVB_DEBUG_API
        /* the visible rows only: 16x16 I420 is 384 zero bytes, the padding unread */
        assert_string_equal(rec[0].md5, "0fe8b6ff202a2b826cb73fc50d089e9b");
        assert_string_equal(rec[1].md5, "0fe8b6ff202a2b826cb73fc50d089e9b");
        /* no layout: the whole 4096 bytes */
        assert_string_equal(rec[2].md5, "620f0b67a91f7f74151bc5be745b7110");
#endif
        free(rec);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_setup_link_table, setup, teardown),
            cmocka_unit_test_setup_teardown(test_decoder_steps, setup, teardown),
            cmocka_unit_test_setup_teardown(test_start_validates, setup, teardown),
            cmocka_unit_test_setup_teardown(test_geometry, setup, teardown),
            cmocka_unit_test_setup_teardown(test_tunnelled_frames, setup, teardown),
            cmocka_unit_test_setup_teardown(test_tunnelled_picture, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
