/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbvideodec against a live avbufferd (started by the test harness):
 *   avb-gst-dec-test STREAM.h264 STREAM.yuv STREAM.mp4
 * STREAM.h264 is 320x240 H.264 (Annex B), STREAM.yuv ffmpeg's decode of it,
 * STREAM.mp4 the same in MP4 (pipelines.sh makes them).
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <avbuffer/servicemanager.h>

#include "com_rdk_hal_avbuffer.h"

static const char *h264_path, *yuv_path, *mp4_path;

/* Bytes the non-secure heap's pools hold now. */
static int32_t heap_used(void)
{
        avb_binder *sm = NULL, *av = NULL;
        com_rdk_hal_avbuffer_HeapMetrics m = {0};
        avb_status st;

        fail_unless(avb_sm_connect(&sm) == 0);
        fail_unless(avb_service_get(sm, com_rdk_hal_avbuffer_IAVBuffer_serviceName, 5000, &av) ==
                    0);
        st = com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(av, false, &m);
        fail_unless(avb_status_is_ok(&st), "getHeapMetrics: %s", st.message);
        avb_binder_unref(av);
        avb_binder_unref(sm);
        return m.bytesUsed;
}

/* Frame n of the reference, row by row: the frame's layout is the HAL's, the reference packed. */
static void check_frame(GstBuffer *buf, GstCaps *caps, const gchar *ref, gsize ref_len, guint n,
                        gsize *off)
{
        GstVideoInfo info;
        GstVideoFrame frame;

        fail_unless(gst_memory_is_type(gst_buffer_peek_memory(buf, 0), "AVBuffer"));
        fail_unless(gst_video_info_from_caps(&info, caps));
        fail_unless(gst_video_frame_map(&frame, &info, buf, GST_MAP_READ));
        for (guint p = 0; p < 3; p++) {
                guint w = GST_VIDEO_FRAME_COMP_WIDTH(&frame, p),
                      rows = GST_VIDEO_FRAME_COMP_HEIGHT(&frame, p);
                const guint8 *pix = GST_VIDEO_FRAME_PLANE_DATA(&frame, p);
                gint stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p);

                for (guint y = 0; y < rows; y++, *off += w) {
                        fail_unless(*off + w <= ref_len, "more frames than ffmpeg's");
                        fail_unless(memcmp(pix + y * (gsize)stride, ref + *off, w) == 0,
                                    "frame %u plane %u row %u differs", n, p, y);
                }
        }
        gst_video_frame_unmap(&frame);
}

/* The stream and then EOS, from a thread: pushing blocks while frames wait to be pulled. */
static gpointer push_all(gpointer data)
{
        GstHarness *h = data;
        gchar *stream;
        gsize len;

        fail_unless(g_file_get_contents(h264_path, &stream, &len, NULL));
        fail_unless_equals_int(gst_harness_push(h, gst_buffer_new_wrapped(stream, len)),
                               GST_FLOW_OK);
        fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
        return NULL;
}

/*
 * GstHarness: the whole stream in one buffer, then EOS; every frame comes
 * out in AVBuffer memory, equal to ffmpeg's. The frames are pulled while
 * the stream goes in: the decoder has only so many frame blocks.
 */
GST_START_TEST(test_harness_frames)
{
        GstHarness *h = gst_harness_new_parse("h264parse ! avbvideodec");
        gchar *ref;
        gsize ref_len, off = 0, frame_bytes = 320 * 240 * 3 / 2;
        GThread *pusher;
        guint n;

        fail_unless(g_file_get_contents(yuv_path, &ref, &ref_len, NULL));
        gst_harness_set_src_caps_str(h, "video/x-h264,stream-format=byte-stream");
        pusher = g_thread_new("push", push_all, h);
        for (n = 0; n < ref_len / frame_bytes; n++) {
                GstBuffer *buf = gst_harness_pull(h); /* waits up to 60 s */
                GstCaps *caps;

                fail_unless(buf != NULL, "frame %u did not come", n);
                caps = gst_pad_get_current_caps(h->sinkpad);
                check_frame(buf, caps, ref, ref_len, n, &off);
                gst_caps_unref(caps);
                gst_buffer_unref(buf);
        }
        g_thread_join(pusher);
        fail_unless(gst_harness_try_pull(h) == NULL, "more frames than ffmpeg's");
        fail_unless_equals_int((int)off, (int)ref_len);
        g_free(ref);
        gst_harness_teardown(h);
}
GST_END_TEST;

/* Runs the MP4 through the decoder; with a flushing seek to 1 s when `seek`. Frames counted. */
static guint run_mp4(bool seek)
{
        gchar *desc = g_strdup_printf("filesrc location=%s ! qtdemux ! h264parse ! avbvideodec ! "
                                      "fakesink name=sink sync=false signal-handoffs=true",
                                      mp4_path);
        GstElement *p = gst_parse_launch(desc, NULL);
        GstElement *sink = gst_bin_get_by_name(GST_BIN(p), "sink");
        GstBus *bus = gst_element_get_bus(p);
        GstMessage *msg;
        guint64 rendered = 0;

        fail_unless(p != NULL);
        g_free(desc);
        fail_unless(gst_element_set_state(p, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE);
        fail_unless_equals_int(gst_element_get_state(p, NULL, NULL, 30 * GST_SECOND),
                               GST_STATE_CHANGE_SUCCESS);
        if (seek)
                fail_unless(gst_element_seek_simple(
                    p, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, GST_SECOND));
        fail_unless(gst_element_set_state(p, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
        msg = gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
        fail_unless(msg != NULL, "no end of stream in 60 s");
        fail_unless_equals_int(GST_MESSAGE_TYPE(msg), GST_MESSAGE_EOS);
        gst_message_unref(msg);
        {
                GstStructure *stats = NULL;

                g_object_get(sink, "stats", &stats, NULL);
                gst_structure_get_uint64(stats, "rendered", &rendered);
                gst_structure_free(stats);
        }
        gst_element_set_state(p, GST_STATE_NULL);
        gst_object_unref(sink);
        gst_object_unref(bus);
        gst_object_unref(p);
        return (guint)rendered;
}

/* A flushing seek mid-stream, then EOS: heap as before, and every frame back (a full run after). */
GST_START_TEST(test_seek_eos_metrics)
{
        int32_t before = heap_used();
        guint seeked = run_mp4(true), all;

        fail_unless_equals_int(heap_used(), before);
        all = run_mp4(false);
        fail_unless_equals_int(heap_used(), before);
        fail_unless_equals_int(all, 50);
        fail_unless(seeked > 0 && seeked < all, "%u frames after the seek", seeked);
}
GST_END_TEST;

static Suite *dec_suite(void)
{
        Suite *s = suite_create("avbvideodec");
        TCase *tc = tcase_create("live");

        tcase_set_timeout(tc, 180);
        suite_add_tcase(s, tc);
        tcase_add_test(tc, test_harness_frames);
        tcase_add_test(tc, test_seek_eos_metrics);
        return s;
}

int main(int argc, char **argv)
{
        gst_check_init(&argc, &argv);
        if (argc != 4) {
                g_printerr("usage: %s STREAM.h264 STREAM.yuv STREAM.mp4\n", argv[0]);
                return 2;
        }
        h264_path = argv[1];
        yuv_path = argv[2];
        mp4_path = argv[3];
        return gst_check_run_suite(dec_suite(), "avbvideodec", __FILE__);
}
