/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Vendor media graph tests: topology built from the reference profile, the
 * graph walk, link validation at pipeline start, links refused while
 * streaming, a resolution change while streaming, a dynamic link changed
 * while streaming, nested starts, and the text and Graphviz output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "avbuffer/vendor.h"
#include "graph.h"

#define NV12 AVB_GRAPH_FOURCC('N', 'V', '1', '2')
#define I420 AVB_GRAPH_FOURCC('I', '4', '2', '0')

static unsigned entity(const struct avb_graph *g, const char *name)
{
        unsigned e = 0;

        assert_int_equal(avb_graph_find_entity(g, name, &e), 0);
        return e;
}

static struct avb_graph *reference_graph(void)
{
        struct avb_vendor_config cfg;
        struct avb_graph *g = NULL;

        avb_vendor_config_init_defaults(&cfg);
        assert_int_equal(avb_graph_new_from_config(&cfg, &g), 0);
        return g;
}

/* The VPU pad of a context, found through the decoder's coded link. */
static unsigned vpu_context_base(const struct avb_graph *g, unsigned dec)
{
        struct avb_graph_link_info li;

        for (unsigned i = 0; i < avb_graph_link_count(g); i++) {
                assert_int_equal(avb_graph_link_info(g, i, &li), 0);
                if (li.source_entity == dec && li.source_pad == AVB_GRAPH_DECODER_CODED)
                        return li.sink_pad - AVB_GRAPH_VPU_CODED;
        }
        fail_msg("decoder %u has no coded link", dec);
        return 0;
}

static void test_topology(void **state)
{
        struct avb_graph *g = reference_graph();
        unsigned vd0, vs0, vpu, fp0, link, base;
        struct avb_graph_link_info li;

        (void)state;
        /* 2 video + 3 audio decoders, 5 sinks, the VPU, 4 frame pools. */
        assert_int_equal(avb_graph_entity_count(g), 15);
        vd0 = entity(g, "video-decoder-0");
        vs0 = entity(g, "video-sink-0");
        vpu = entity(g, "vpu");
        fp0 = entity(g, "frame-pool-0");
        entity(g, "audio-pcm");
        entity(g, "audio-sink-pcm");
        /* The tunnel exists, disabled: non-tunnelled by default. */
        assert_int_equal(avb_graph_find_link(g, vd0, AVB_GRAPH_DECODER_OUTPUT, vs0, 0, &link), 0);
        assert_int_equal(avb_graph_link_info(g, link, &li), 0);
        assert_int_equal(li.flags, 0);
        /* decoder -> VPU -> decoder are immutable; the video pool feeds the context. */
        base = vpu_context_base(g, vd0);
        assert_int_equal(avb_graph_find_link(g, vpu, base + AVB_GRAPH_VPU_FRAMES, vd0,
                                             AVB_GRAPH_DECODER_FRAMES, &link),
                         0);
        assert_int_equal(avb_graph_link_info(g, link, &li), 0);
        assert_int_equal(li.flags, AVB_GRAPH_LINK_ENABLED | AVB_GRAPH_LINK_IMMUTABLE);
        assert_int_equal(avb_graph_setup_link(g, link, AVB_GRAPH_LINK_IMMUTABLE), -EINVAL);
        assert_int_equal(avb_graph_find_link(g, fp0, 0, vpu, base + AVB_GRAPH_VPU_MEMORY, &link),
                         0);
        assert_int_equal(avb_graph_link_info(g, link, &li), 0);
        assert_int_equal(li.flags, AVB_GRAPH_LINK_ENABLED);
        avb_graph_free(g);
}

static void test_walk(void **state)
{
        struct avb_graph *g = reference_graph();
        struct avb_graph_walk walk;
        unsigned e, n = 0;
        bool seen_sink = false, seen_vd1 = false;

        (void)state;
        assert_int_equal(avb_graph_walk_start(g, 999, &walk), -ENOENT);
        assert_int_equal(avb_graph_walk_start(g, entity(g, "video-decoder-0"), &walk), 0);
        while (avb_graph_walk_next(&walk, &e) == 0) {
                n++;
                seen_sink |= e == entity(g, "video-sink-0");
                seen_vd1 |= e == entity(g, "video-decoder-1");
        }
        avb_graph_walk_cleanup(&walk);
        /* Entities joined by enabled links: both video decoders share the VPU. */
        assert_true(seen_vd1);
        assert_false(seen_sink);
        assert_true(n >= 3);
        avb_graph_free(g);
}

static void test_bad_construction(void **state)
{
        static const struct avb_graph_pad_desc src = {AVB_GRAPH_PAD_SOURCE, "out", {0}};
        static const struct avb_graph_pad_desc sink = {AVB_GRAPH_PAD_SINK, "in", {0}};
        static const struct avb_graph_pad_desc both = {
            AVB_GRAPH_PAD_SINK | AVB_GRAPH_PAD_SOURCE, "x", {0}};
        struct avb_graph *g = NULL;
        unsigned a, b, l;

        (void)state;
        assert_int_equal(avb_graph_new(&g), 0);
        assert_int_equal(avb_graph_add_entity(g, "a", AVB_GRAPH_DECODER, &src, 1, 0, &a), 0);
        assert_int_equal(avb_graph_add_entity(g, "a", AVB_GRAPH_SINK, &sink, 1, 0, &b), -EEXIST);
        assert_int_equal(avb_graph_add_entity(g, "c", AVB_GRAPH_SINK, &both, 1, 0, &b), -EINVAL);
        assert_int_equal(avb_graph_add_entity(g, "", AVB_GRAPH_SINK, &sink, 1, 0, &b), -EINVAL);
        assert_int_equal(avb_graph_add_entity(g, "b", AVB_GRAPH_SINK, &sink, 1, 0, &b), 0);
        assert_int_equal(avb_graph_create_link(g, b, 0, a, 0, 0, &l), -EINVAL); /* sink -> source */
        assert_int_equal(avb_graph_create_link(g, a, 1, b, 0, 0, &l), -ENOENT);
        assert_int_equal(avb_graph_create_link(g, a, 0, b, 0, AVB_GRAPH_LINK_IMMUTABLE, &l),
                         -EINVAL);
        assert_int_equal(avb_graph_create_link(g, a, 0, b, 0, 0, &l), 0);
        assert_int_equal(avb_graph_create_link(g, a, 0, b, 0, 0, &l), -EEXIST);
        assert_int_equal(avb_graph_setup_link(g, l, AVB_GRAPH_LINK_DYNAMIC), -EINVAL);
        assert_int_equal(avb_graph_setup_link(g, 7, 0), -ENOENT);
        assert_int_equal(avb_graph_pipeline_stop(g, a), -EBADFD);
        avb_graph_free(g);
}

/* Tunnelled mode: enable the decoder -> sink link, then start the decoder. */
static void test_validation(void **state)
{
        struct avb_graph *g = reference_graph();
        unsigned vd0 = entity(g, "video-decoder-0"), vs0 = entity(g, "video-sink-0");
        unsigned vpu = entity(g, "vpu"), base = vpu_context_base(g, vd0), tunnel, bad = 99;
        struct avb_graph_format out = {NV12, 1280, 720, 0}, want = {I420, 1280, 720, 0};

        (void)state;
        assert_int_equal(avb_graph_find_link(g, vd0, AVB_GRAPH_DECODER_OUTPUT, vs0, 0, &tunnel), 0);
        assert_int_equal(avb_graph_setup_link(g, tunnel, AVB_GRAPH_LINK_ENABLED), 0);
        assert_int_equal(avb_graph_set_format(g, vd0, AVB_GRAPH_DECODER_OUTPUT, &out), 0);
        /* Format mismatch on the tunnel. */
        assert_int_equal(avb_graph_set_format(g, vs0, 0, &want), 0);
        assert_int_equal(avb_graph_pipeline_start(g, vd0, &bad), -EPIPE);
        assert_int_equal(bad, tunnel);
        assert_false(avb_graph_entity_streaming(g, vd0));
        /* Geometry mismatch. */
        want = (struct avb_graph_format){NV12, 1920, 1080, 0};
        assert_int_equal(avb_graph_set_format(g, vs0, 0, &want), 0);
        assert_int_equal(avb_graph_pipeline_start(g, vd0, NULL), -EPIPE);
        /* A 720p NV12 frame does not fit the reference 64 KiB video blocks. */
        want.width = 1280;
        want.height = 720;
        assert_int_equal(avb_graph_set_format(g, vs0, 0, &want), 0);
        want = (struct avb_graph_format){0, 0, 0, 1280 * 720 * 3 / 2};
        assert_int_equal(avb_graph_set_format(g, vpu, base + AVB_GRAPH_VPU_MEMORY, &want), 0);
        assert_int_equal(avb_graph_pipeline_start(g, vd0, &bad), -EPIPE);
        assert_int_equal(avb_graph_find_link(g, entity(g, "frame-pool-0"), 0, vpu,
                                             base + AVB_GRAPH_VPU_MEMORY, &tunnel),
                         0);
        assert_int_equal(bad, tunnel);
        /* A 160x120 frame does. */
        want.bytes = 160 * 120 * 3 / 2;
        assert_int_equal(avb_graph_set_format(g, vpu, base + AVB_GRAPH_VPU_MEMORY, &want), 0);
        assert_int_equal(avb_graph_pipeline_start(g, vd0, NULL), 0);
        assert_true(avb_graph_entity_streaming(g, vd0));
        assert_true(avb_graph_entity_streaming(g, vs0));
        assert_int_equal(avb_graph_pipeline_stop(g, vd0), 0);
        assert_false(avb_graph_entity_streaming(g, vs0));
        avb_graph_free(g);
}

static void test_busy_while_streaming(void **state)
{
        struct avb_graph *g = reference_graph();
        unsigned vd0 = entity(g, "video-decoder-0"), vd1 = entity(g, "video-decoder-1");
        unsigned vs0 = entity(g, "video-sink-0"), vpu = entity(g, "vpu");
        unsigned tunnel, secure_mem, plain_mem, fp_secure, base = vpu_context_base(g, vd0);
        struct avb_graph_format f = {NV12, 320, 240, 0};

        (void)state;
        assert_int_equal(avb_graph_find_link(g, vd0, AVB_GRAPH_DECODER_OUTPUT, vs0, 0, &tunnel), 0);
        /* The secure video pool of the reference profile is frame pool 1. */
        fp_secure = entity(g, "frame-pool-1");
        assert_int_equal(
            avb_graph_find_link(g, fp_secure, 0, vpu, base + AVB_GRAPH_VPU_MEMORY, &secure_mem), 0);

        assert_int_equal(avb_graph_pipeline_start(g, vd0, NULL), 0);
        /* Nested start from the same entity; another decoder is its own pipeline. */
        assert_int_equal(avb_graph_pipeline_start(g, vd0, NULL), 0);
        assert_int_equal(avb_graph_pipeline_start(g, vd1, NULL), 0);
        assert_int_equal(avb_graph_setup_link(g, tunnel, AVB_GRAPH_LINK_ENABLED), -EBUSY);
        assert_int_equal(avb_graph_setup_link(g, secure_mem, AVB_GRAPH_LINK_ENABLED), -EBUSY);
        assert_int_equal(avb_graph_set_format(g, vd0, AVB_GRAPH_DECODER_OUTPUT, &f), -EBUSY);
        assert_int_equal(avb_graph_pipeline_stop(g, vd0), 0);
        assert_true(avb_graph_entity_streaming(g, vd0)); /* still one start */
        assert_int_equal(avb_graph_pipeline_stop(g, vd0), 0);
        assert_false(avb_graph_entity_streaming(g, vd0));
        assert_true(avb_graph_entity_streaming(g, vd1));
        assert_int_equal(avb_graph_setup_link(g, tunnel, AVB_GRAPH_LINK_ENABLED), 0);
        /* A secure session moves context 0 to the secure pool: one memory source at a time. */
        assert_int_equal(avb_graph_setup_link(g, secure_mem, AVB_GRAPH_LINK_ENABLED), -EBUSY);
        assert_int_equal(avb_graph_find_link(g, entity(g, "frame-pool-0"), 0, vpu,
                                             base + AVB_GRAPH_VPU_MEMORY, &plain_mem),
                         0);
        assert_int_equal(avb_graph_setup_link(g, plain_mem, 0), 0);
        assert_int_equal(avb_graph_setup_link(g, secure_mem, AVB_GRAPH_LINK_ENABLED), 0);
        assert_int_equal(avb_graph_pipeline_stop(g, vd1), 0);
        assert_int_equal(avb_graph_pipeline_stop(g, vd1), -EBADFD);
        avb_graph_free(g);
}

/*
 * A resolution change while streaming: the decoder's own pad takes the new
 * geometry (a user's set_format would be EBUSY), and only its enabled links
 * are validated again.
 */
static void test_pad_changed(void **state)
{
        static const struct {
                struct avb_graph_format sink; /* video-sink-0's pad */
                bool tunnel;                  /* the output link enabled */
                uint32_t width, height;       /* what the decoder now puts out */
                int want;
        } cases[] = {
            {{I420, 0, 0, 0}, true, 1280, 720, 0},      /* the sink takes any geometry */
            {{I420, 1280, 720, 0}, true, 1280, 720, 0}, /* the one it asks for */
            {{I420, 1280, 720, 0}, true, 320, 240, -EPIPE},
            {{I420, 1280, 0, 0}, true, 1280, 1080, 0}, /* width only */
            {{I420, 1280, 0, 0}, true, 1920, 1080, -EPIPE},
            {{I420, 1280, 720, 0}, false, 320, 240, 0}, /* no tunnel: nothing to fit */
            {{I420, 1280, 720, 0}, true, 0, 0, 0},      /* back to unknown */
        };
        unsigned bad = 99, tunnel;

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct avb_graph *g = reference_graph();
                unsigned vd0 = entity(g, "video-decoder-0"), vs0 = entity(g, "video-sink-0");
                struct avb_graph_format f = {I420, 0, 0, 0}, got;

                assert_int_equal(
                    avb_graph_find_link(g, vd0, AVB_GRAPH_DECODER_OUTPUT, vs0, 0, &tunnel), 0);
                assert_int_equal(
                    avb_graph_setup_link(g, tunnel, cases[i].tunnel ? AVB_GRAPH_LINK_ENABLED : 0),
                    0);
                assert_int_equal(avb_graph_set_format(g, vs0, 0, &cases[i].sink), 0);
                assert_int_equal(avb_graph_set_format(g, vd0, AVB_GRAPH_DECODER_OUTPUT, &f), 0);
                assert_int_equal(avb_graph_pipeline_start(g, vd0, NULL), 0);
                f.width = cases[i].width;
                f.height = cases[i].height;
                assert_int_equal(avb_graph_set_format(g, vd0, AVB_GRAPH_DECODER_OUTPUT, &f),
                                 -EBUSY);
                bad = 99;
                assert_int_equal(avb_graph_pad_changed(g, vd0, AVB_GRAPH_DECODER_OUTPUT, &f, &bad),
                                 cases[i].want);
                assert_int_equal(bad, cases[i].want ? tunnel : 99);
                /* set whatever the result: it is what the decoder puts out */
                assert_int_equal(avb_graph_get_format(g, vd0, AVB_GRAPH_DECODER_OUTPUT, &got), 0);
                assert_int_equal(got.width, cases[i].width);
                assert_int_equal(got.height, cases[i].height);
                assert_true(avb_graph_entity_streaming(g, vd0));
                avb_graph_free(g);
        }
        {
                struct avb_graph *g = reference_graph();
                struct avb_graph_format f = {0};

                assert_int_equal(
                    avb_graph_pad_changed(g, entity(g, "video-decoder-0"), 42, &f, NULL), -ENOENT);
                assert_int_equal(avb_graph_pad_changed(g, 9999, 0, &f, NULL), -ENOENT);
                avb_graph_free(g);
        }
}

/* A decoder whose output switches between two display planes while it plays. */
static void test_dynamic_link(void **state)
{
        static const struct avb_graph_pad_desc dec = {
            AVB_GRAPH_PAD_SOURCE, "output", {NV12, 640, 480, 0}};
        static const struct avb_graph_pad_desc plane = {
            AVB_GRAPH_PAD_SINK, "input", {NV12, 0, 0, 0}};
        static const struct avb_graph_pad_desc small = {
            AVB_GRAPH_PAD_SINK, "input", {NV12, 320, 240, 0}};
        struct avb_graph *g = NULL;
        unsigned d, main_plane, pip, tiny, to_main, to_pip, to_tiny;
        char *text = NULL;

        (void)state;
        assert_int_equal(avb_graph_new(&g), 0);
        assert_int_equal(avb_graph_add_entity(g, "decoder", AVB_GRAPH_DECODER, &dec, 1, 0, &d), 0);
        assert_int_equal(avb_graph_add_entity(g, "main", AVB_GRAPH_SINK, &plane, 1, 0, &main_plane),
                         0);
        assert_int_equal(avb_graph_add_entity(g, "pip", AVB_GRAPH_SINK, &plane, 1, 0, &pip), 0);
        assert_int_equal(avb_graph_add_entity(g, "tiny", AVB_GRAPH_SINK, &small, 1, 0, &tiny), 0);
        assert_int_equal(avb_graph_create_link(g, d, 0, main_plane, 0,
                                               AVB_GRAPH_LINK_ENABLED | AVB_GRAPH_LINK_DYNAMIC,
                                               &to_main),
                         0);
        assert_int_equal(avb_graph_create_link(g, d, 0, pip, 0, AVB_GRAPH_LINK_DYNAMIC, &to_pip),
                         0);
        assert_int_equal(avb_graph_create_link(g, d, 0, tiny, 0, AVB_GRAPH_LINK_DYNAMIC, &to_tiny),
                         0);
        assert_int_equal(avb_graph_pipeline_start(g, d, NULL), 0);
        assert_true(avb_graph_entity_streaming(g, main_plane));
        /* Move the picture to the PiP plane without stopping. */
        assert_int_equal(
            avb_graph_setup_link(g, to_pip, AVB_GRAPH_LINK_ENABLED | AVB_GRAPH_LINK_DYNAMIC), 0);
        assert_int_equal(avb_graph_setup_link(g, to_main, AVB_GRAPH_LINK_DYNAMIC), 0);
        assert_false(avb_graph_entity_streaming(g, main_plane));
        assert_true(avb_graph_entity_streaming(g, pip));
        /* A dynamic link into the running pipeline is still validated. */
        assert_int_equal(
            avb_graph_setup_link(g, to_tiny, AVB_GRAPH_LINK_ENABLED | AVB_GRAPH_LINK_DYNAMIC),
            -EPIPE);
        assert_false(avb_graph_entity_streaming(g, tiny));

        assert_int_equal(avb_graph_describe(g, false, &text), 0);
        assert_non_null(strstr(text, "- entity 0: decoder (decoder, 1 pad) [streaming]"));
        assert_non_null(strstr(text, "-> \"pip\":0 [ENABLED,DYNAMIC]"));
        free(text);
        assert_int_equal(avb_graph_pipeline_stop(g, d), 0);
        avb_graph_free(g);
}

static void test_describe(void **state)
{
        struct avb_graph *g = reference_graph();
        char *text = NULL, *dot = NULL;

        (void)state;
        assert_int_equal(avb_graph_describe(g, false, &text), 0);
        assert_non_null(strstr(text, "Vendor media graph: 15 entities"));
        assert_non_null(strstr(text, "video-decoder-0 (decoder, 4 pads)"));
        assert_non_null(strstr(text, "-> \"video-sink-0\":0 []"));
        assert_non_null(strstr(text, "[fmt:any bytes:65536]"));
        assert_int_equal(avb_graph_describe(g, true, &dot), 0);
        assert_true(strncmp(dot, "digraph avbuffer {", 18) == 0);
        assert_non_null(strstr(dot, "[style=dashed]"));
        assert_non_null(strstr(dot, "[style=bold]"));
        assert_non_null(strstr(dot, "video-decoder-0\\ndecoder"));
        assert_int_equal(dot[strlen(dot) - 2], '}');
        free(text);
        free(dot);
        avb_graph_free(g);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_topology),
            cmocka_unit_test(test_walk),
            cmocka_unit_test(test_bad_construction),
            cmocka_unit_test(test_validation),
            cmocka_unit_test(test_busy_while_streaming),
            cmocka_unit_test(test_dynamic_link),
            cmocka_unit_test(test_pad_changed),
            cmocka_unit_test(test_describe),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
