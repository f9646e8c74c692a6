/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A flushing seek mid-stream with the sink elements, against a live avbufferd
 * (sinks.sh, case seek, runs it and then checks what the HAL's sink presented):
 *   avb-gst-sink-seek-test STREAM.mp4
 * STREAM.mp4 is 50 frames at 25 fps with a key frame every 25. The pipeline
 * filesrc ! qtdemux ! h264parse ! avbvideodec ! avbvideosink plays; after
 * the sink element took 5 frames, a flushing key-unit seek to 1 s; then the
 * stream must end (EOS, no error) with the 25 frames from 1 s on rendered
 * after the seek. The flush on the sink restarts the AV clock: without that,
 * frames whose running time starts again at 0 would wait on a clock that
 * kept running, or be late.
 */
#include <stdbool.h>

#include <gst/check/gstcheck.h>

static const char *mp4_path;

typedef struct {
        GMutex lock;
        GCond cond;
        guint buffers; /* reaching the sink element since the start or the flush */
        bool flushed;
} counter;

static GstPadProbeReturn count_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
        counter *c = data;

        (void)pad;
        g_mutex_lock(&c->lock);
        if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER)
                c->buffers++;
        else if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_FLUSH_STOP) {
                c->buffers = 0;
                c->flushed = true;
        }
        g_cond_broadcast(&c->cond);
        g_mutex_unlock(&c->lock);
        return GST_PAD_PROBE_OK;
}

GST_START_TEST(test_sink_seek)
{
        gchar *desc = g_strdup_printf("filesrc location=%s ! qtdemux ! h264parse ! avbvideodec ! "
                                      "avbvideosink name=sink",
                                      mp4_path);
        GstElement *p = gst_parse_launch(desc, NULL);
        GstElement *sink;
        GstPad *pad;
        GstBus *bus;
        GstMessage *msg;
        counter c = {0};
        gint64 end = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
        guint after;

        fail_unless(p != NULL);
        g_free(desc);
        g_mutex_init(&c.lock);
        g_cond_init(&c.cond);
        sink = gst_bin_get_by_name(GST_BIN(p), "sink");
        pad = gst_element_get_static_pad(sink, "sink");
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
                          count_buffer, &c, NULL);
        bus = gst_element_get_bus(p);
        fail_unless(gst_element_set_state(p, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
        fail_unless_equals_int(gst_element_get_state(p, NULL, NULL, 30 * GST_SECOND),
                               GST_STATE_CHANGE_SUCCESS);
        g_mutex_lock(&c.lock);
        while (c.buffers < 5 && g_cond_wait_until(&c.cond, &c.lock, end))
                ;
        fail_unless(c.buffers >= 5, "only %u frames reached the sink in 60 s", c.buffers);
        g_mutex_unlock(&c.lock);

        /* the count starts again at the FLUSH_STOP the seek sends */
        fail_unless(gst_element_seek_simple(
            p, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, GST_SECOND));

        msg = gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
        fail_unless(msg != NULL, "no end of stream in 60 s after the seek");
        if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
                GError *err = NULL;
                gchar *dbg = NULL;

                gst_message_parse_error(msg, &err, &dbg);
                fail("error after the seek: %s (%s)", err->message, dbg ? dbg : "");
        }
        gst_message_unref(msg);
        g_mutex_lock(&c.lock);
        after = c.buffers;
        fail_unless(c.flushed, "the seek flushed nothing");
        g_mutex_unlock(&c.lock);
        fail_unless_equals_int(after, 25);
        gst_element_set_state(p, GST_STATE_NULL);
        gst_object_unref(pad);
        gst_object_unref(sink);
        gst_object_unref(bus);
        gst_object_unref(p);
        g_mutex_clear(&c.lock);
        g_cond_clear(&c.cond);
}
GST_END_TEST;

static Suite *seek_suite(void)
{
        Suite *s = suite_create("avbvideosink");
        TCase *tc = tcase_create("seek");

        tcase_set_timeout(tc, 180);
        suite_add_tcase(s, tc);
        tcase_add_test(tc, test_sink_seek);
        return s;
}

int main(int argc, char **argv)
{
        gst_check_init(&argc, &argv);
        if (argc != 2) {
                g_printerr("usage: %s STREAM.mp4\n", argv[0]);
                return 2;
        }
        mp4_path = argv[1];
        return gst_check_run_suite(seek_suite(), "avbvideosink", __FILE__);
}
