/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbaudiodec: MPEG-1 layer II and AAC decoded by avbufferd's audio decoder
 * (the published Audio Decoder HAL), a GstAudioDecoder.
 *
 * - Input: each coded frame (from mpegaudioparse, aacparse or a demuxer) is
 *   copied into an AV buffer of the decoder's pool as soon as it arrives,
 *   or, already in memory:AVBuffer, passed on by handle. One frame is held
 *   back, so the last one can carry endOfStream at EOS (the HAL has no
 *   end-of-stream call). Raw AAC's codec_data goes through
 *   parseCodecSpecificData(MP4_AUDIO_SPECIFIC_CONFIG); ADTS carries its own.
 * - Waits for room in the pool (onSpaceAvailable) and in the decoder's queue
 *   (onDecodeBufferAvailable) are made without the stream lock and end at a
 *   flush.
 * - Output: the frames onFrameOutput gives are queued by the HAL session
 *   (avbaudiodec_hal.c) and pushed by a task on the source pad, never from
 *   the IPC thread: audio/x-raw(memory:AVBuffer) when downstream takes it
 *   (the handle goes on), else plain audio/x-raw S16LE interleaved over the
 *   same mapped AV buffer (non-secure only: secure PCM cannot be mapped, so
 *   a secure decoder refuses system-memory caps). Rate and channels come from
 *   the frame's PCMMetadata, the size from its PcmLayout extension.
 * - tunnelled=true: before opening, the tunnel query (avbtunnel.h) asks the
 *   avbaudiosink downstream to take this decoder's output
 *   (setAudioDecoder); frames then never reach the pipeline.
 */
#include <errno.h>

#include <gst/audio/audio.h>

#include "avbaudiodec_hal.h"
#include "avbconn.h"
#include "avbmemory.h"
#include "avbtunnel.h"

GST_DEBUG_CATEGORY_STATIC(avb_adec_debug);
#define GST_CAT_DEFAULT avb_adec_debug

#define AVB_GST_TYPE_AUDIO_DEC (avb_gst_audio_dec_get_type())
G_DECLARE_FINAL_TYPE(AvbGstAudioDec, avb_gst_audio_dec, AVB_GST, AUDIO_DEC, GstAudioDecoder)

enum { PROP_0, PROP_SECURE, PROP_TUNNELLED, PROP_DECODER_ID };

struct _AvbGstAudioDec {
        GstAudioDecoder parent;
        gboolean secure, tunnelled;
        gint decoder_id;
        avb_gst_conn *conn;
        avb_adec *d;
        GstBuffer *held;     /* the input held back for endOfStream */
        gint rate, channels; /* of the output caps set */
        gboolean plain;      /* those caps are system memory: frames are copied out */
        /* under lock: the task saw the end of stream the drain waits for */
        GMutex lock;
        GCond cond;
        guint eos_seen;
};

G_DEFINE_TYPE_WITH_CODE(AvbGstAudioDec, avb_gst_audio_dec, GST_TYPE_AUDIO_DECODER,
                        GST_DEBUG_CATEGORY_INIT(avb_adec_debug, "avbaudiodec", 0,
                                                "avbuffer audio decoder"))
GST_ELEMENT_REGISTER_DECLARE(avbaudiodec);
GST_ELEMENT_REGISTER_DEFINE(avbaudiodec, "avbaudiodec", GST_RANK_NONE, AVB_GST_TYPE_AUDIO_DEC)

#define PCM_CAPS                                                                                   \
        "format = (string) S16LE, layout = (string) interleaved, rate = (int) [ 1, MAX ], "        \
        "channels = (int) [ 1, 8 ]"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS("audio/mpeg, mpegversion = (int) 1, layer = (int) 2, parsed = (boolean) true; "
                    "audio/mpeg, mpegversion = (int) { 2, 4 }, "
                    "stream-format = (string) { raw, adts }"));

static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                            GST_STATIC_CAPS("audio/x-raw(" AVB_GST_CAPS_FEATURE_MEMORY
                                            "), " PCM_CAPS "; audio/x-raw, " PCM_CAPS));

static void post_error(AvbGstAudioDec *a, const char *what, int e)
{
        GST_ELEMENT_ERROR(a, RESOURCE, FAILED, ("audio decoder %d: %s", a->decoder_id, what),
                          ("%s", g_strerror(-e)));
}

/* ---- output (the source pad's task) ------------------------------------------- */

/*
 * Whether to put PCM out as memory:AVBuffer. A secure decoder must; a
 * non-secure one does when downstream asks for the feature by name. An
 * element that takes ANY caps (filesink, fakesink) gets plain memory: it
 * may keep many buffers (filesink keeps 64 KiB), and AV buffers it kept
 * would be blocks of the decoder's small frame pool, which would stall.
 */
static gboolean wants_avbuffer(AvbGstAudioDec *a, GstCaps *av)
{
        GstPad *pad = GST_AUDIO_DECODER_SRC_PAD(a);
        GstCaps *peer;
        gboolean yes;

        if (!gst_pad_peer_query_accept_caps(pad, av))
                return FALSE;
        if (a->secure)
                return TRUE;
        peer = gst_pad_peer_query_caps(pad, NULL);
        yes = peer && !gst_caps_is_any(peer) && gst_caps_can_intersect(peer, av);
        if (peer)
                gst_caps_unref(peer);
        return yes;
}

/* Output caps for rate and channels: memory:AVBuffer if downstream takes it, else plain. */
static gboolean negotiate_output(AvbGstAudioDec *a, gint rate, gint channels)
{
        GstAudioInfo info;
        GstCaps *plain, *av;
        gboolean ok;

        gst_audio_info_set_format(&info, GST_AUDIO_FORMAT_S16LE, rate, channels, NULL);
        plain = gst_audio_info_to_caps(&info);
        av = gst_caps_copy(plain);
        gst_caps_set_features(av, 0, gst_caps_features_new(AVB_GST_CAPS_FEATURE_MEMORY, NULL));
        if (wants_avbuffer(a, av)) {
                ok = gst_audio_decoder_set_output_caps(GST_AUDIO_DECODER(a), av);
                a->plain = FALSE;
        } else if (a->secure) {
                GST_ELEMENT_ERROR(
                    a, CORE, NEGOTIATION,
                    ("a secure audio decoder needs memory:AVBuffer downstream"),
                    ("secure PCM cannot be mapped; downstream refused %" GST_PTR_FORMAT, av));
                ok = FALSE;
        } else {
                ok = gst_audio_decoder_set_output_caps(GST_AUDIO_DECODER(a), plain);
                a->plain = TRUE;
        }
        gst_caps_unref(plain);
        gst_caps_unref(av);
        if (ok) {
                a->rate = rate;
                a->channels = channels;
        }
        return ok;
}

static GstFlowReturn output(AvbGstAudioDec *a, const avb_adec_frame *f)
{
        GstAudioDecoder *dec = GST_AUDIO_DECODER(a);
        GstBuffer *buf;
        GstMemory *mem;

        if (f->pts == -1 && f->handle == -1) /* the end of stream alone */
                return GST_FLOW_OK;
        if (f->has_format && (f->rate != a->rate || f->channels != a->channels) &&
            !negotiate_output(a, f->rate, f->channels)) {
                avb_adec_free_handle(a->d, f->handle);
                return GST_FLOW_NOT_NEGOTIATED;
        }
        if (f->handle == -1) /* tunnelled: the HAL's sink has it */
                return gst_audio_decoder_finish_frame(dec, NULL, 1);
        mem = avb_adec_wrap(a->d, f->handle, f->frame_bytes > 0 ? (size_t)f->frame_bytes : 0);
        if (!mem)
                return GST_FLOW_ERROR;
        buf = gst_buffer_new();
        gst_buffer_append_memory(buf, mem);
        /*
         * Plain caps: the PCM is copied out and the block goes back to the
         * frame pool at once. A frame is a few KiB, and downstream elements
         * that keep buffers (filesink keeps 64 KiB: all 16 blocks of AAC)
         * would otherwise hold the whole pool and stall the decoder.
         */
        if (a->plain) {
                GstMapInfo map;
                GstBuffer *copy = NULL;

                if (gst_buffer_map(buf, &map, GST_MAP_READ)) {
                        copy = gst_buffer_new_memdup(map.data, map.size);
                        gst_buffer_unmap(buf, &map);
                }
                gst_buffer_unref(buf); /* the block goes back to the pool */
                if (!copy)
                        return GST_FLOW_ERROR;
                buf = copy;
        }
        return gst_audio_decoder_finish_frame(dec, buf, 1);
}

static void loop(gpointer data)
{
        AvbGstAudioDec *a = data;
        avb_adec_frame f;
        GstFlowReturn r;

        if (!avb_adec_pop(a->d, &f)) { /* flushing or stopping */
                gst_pad_pause_task(GST_AUDIO_DECODER_SRC_PAD(a));
                return;
        }
        GST_AUDIO_DECODER_STREAM_LOCK(a);
        r = output(a, &f);
        GST_AUDIO_DECODER_STREAM_UNLOCK(a);
        if (f.eos) {
                g_mutex_lock(&a->lock);
                a->eos_seen++;
                g_cond_broadcast(&a->cond);
                g_mutex_unlock(&a->lock);
        }
        if (r != GST_FLOW_OK && r != GST_FLOW_FLUSHING) {
                GST_DEBUG_OBJECT(a, "output: %s", gst_flow_get_name(r));
                if (r == GST_FLOW_ERROR || r == GST_FLOW_NOT_NEGOTIATED)
                        GST_ELEMENT_ERROR(a, STREAM, FAILED, ("cannot push decoded audio"),
                                          ("%s", gst_flow_get_name(r)));
        }
}

static void start_task(AvbGstAudioDec *a)
{
        gst_pad_start_task(GST_AUDIO_DECODER_SRC_PAD(a), loop, a, NULL);
}

/* ---- input ----------------------------------------------------------------------- */

/* buf's bytes in an AV buffer of the pool (or its own, when it is one): the handle. */
static int to_handle(AvbGstAudioDec *a, GstBuffer *buf, int64_t *ret)
{
        GstMemory *mem = gst_buffer_n_memory(buf) == 1 ? gst_buffer_peek_memory(buf, 0) : NULL;
        GstMapInfo map;
        int e;

        if (mem && avb_gst_is_memory(mem) && avb_gst_memory_steal(mem, ret) == 0)
                return 0;
        GST_AUDIO_DECODER_STREAM_UNLOCK(a);
        e = avb_adec_alloc(a->d, MAX(gst_buffer_get_size(buf), 1u), &mem);
        GST_AUDIO_DECODER_STREAM_LOCK(a);
        if (e < 0)
                return e;
        if (!gst_buffer_map(buf, &map, GST_MAP_READ)) {
                gst_memory_unref(mem);
                return -EIO;
        }
        e = avb_gst_memory_steal(mem, ret);
        if (e == 0)
                e = avb_helper_write(a->conn->helper, *ret, 0, map.data, map.size);
        gst_buffer_unmap(buf, &map);
        gst_memory_unref(mem);
        if (e < 0 && *ret != -1)
                avb_adec_free_handle(a->d, *ret);
        return e;
}

static GstFlowReturn send(AvbGstAudioDec *a, GstBuffer *buf, bool eos)
{
        GstClockTime pts = GST_BUFFER_PTS(buf);
        int64_t h = -1;
        int e = to_handle(a, buf, &h);

        if (e == 0) {
                GST_AUDIO_DECODER_STREAM_UNLOCK(a);
                e = avb_adec_decode(a->d, h, GST_CLOCK_TIME_IS_VALID(pts) ? (int64_t)pts : 0, eos);
                GST_AUDIO_DECODER_STREAM_LOCK(a);
                if (e < 0)
                        avb_adec_free_handle(a->d, h);
        }
        if (e == -ECANCELED)
                return GST_FLOW_FLUSHING;
        if (e < 0) {
                post_error(a, "cannot queue a coded buffer", e);
                return GST_FLOW_ERROR;
        }
        return GST_FLOW_OK;
}

static GstFlowReturn send_held(AvbGstAudioDec *a, bool eos)
{
        GstBuffer *held = a->held;
        GstFlowReturn r;

        if (!held)
                return GST_FLOW_OK;
        a->held = NULL;
        r = send(a, held, eos);
        gst_buffer_unref(held);
        return r;
}

/* EOS: the held frame goes with endOfStream; wait until the task pushed the last frame. */
static GstFlowReturn drain(AvbGstAudioDec *a)
{
        guint before;
        gint64 end = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
        GstFlowReturn r;

        if (!a->held)
                return GST_FLOW_OK;
        g_mutex_lock(&a->lock);
        before = a->eos_seen;
        g_mutex_unlock(&a->lock);
        r = send_held(a, true);
        if (r != GST_FLOW_OK)
                return r;
        GST_AUDIO_DECODER_STREAM_UNLOCK(a);
        g_mutex_lock(&a->lock);
        while (a->eos_seen == before &&
               gst_pad_get_task_state(GST_AUDIO_DECODER_SRC_PAD(a)) == GST_TASK_STARTED &&
               g_cond_wait_until(&a->cond, &a->lock, end))
                ;
        g_mutex_unlock(&a->lock);
        GST_AUDIO_DECODER_STREAM_LOCK(a);
        return GST_FLOW_OK;
}

static GstFlowReturn handle_frame(GstAudioDecoder *dec, GstBuffer *buf)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(dec);
        GstFlowReturn r;

        if (!a->d)
                return GST_FLOW_NOT_NEGOTIATED;
        if (!buf)
                return drain(a);
        r = send_held(a, false);
        if (r == GST_FLOW_OK)
                a->held = gst_buffer_ref(buf);
        return r;
}

/* ---- the stream's format ------------------------------------------------------------ */

static void close_session(AvbGstAudioDec *a)
{
        if (a->d)
                avb_adec_set_flushing(a->d, true);
        gst_pad_stop_task(GST_AUDIO_DECODER_SRC_PAD(a));
        gst_clear_buffer(&a->held);
        a->d = avb_adec_close(a->d);
        a->rate = a->channels = 0;
}

static gboolean set_format(GstAudioDecoder *dec, GstCaps *caps)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(dec);
        GstStructure *s = gst_caps_get_structure(caps, 0);
        const gchar *format = gst_structure_get_string(s, "stream-format");
        const GValue *cd = gst_structure_get_value(s, "codec_data");
        gint version = 0, sink_id;
        enum avb_adec_codec codec;
        int e;

        gst_structure_get_int(s, "mpegversion", &version);
        codec = version == 1 ? AVB_ADEC_MP2 : AVB_ADEC_AAC;
        close_session(a);
        if (a->tunnelled &&
            !avb_gst_tunnel_link(GST_AUDIO_DECODER_SRC_PAD(a), "audio", a->decoder_id, &sink_id)) {
                GST_ELEMENT_ERROR(a, CORE, NEGOTIATION,
                                  ("tunnelled=true needs an avbaudiosink downstream"), (NULL));
                return FALSE;
        }
        e = avb_adec_open(a->conn, a->decoder_id, codec, a->secure, &a->d);
        if (e < 0) {
                post_error(a, "cannot open it", e);
                return FALSE;
        }
        if (codec == AVB_ADEC_AAC && !g_strcmp0(format, "raw") && cd &&
            G_VALUE_HOLDS(cd, GST_TYPE_BUFFER)) {
                GstMapInfo map;
                GstBuffer *b = gst_value_get_buffer(cd);

                e = -EIO;
                if (gst_buffer_map(b, &map, GST_MAP_READ)) {
                        e = avb_adec_codec_data(a->d, map.data, map.size);
                        gst_buffer_unmap(b, &map);
                }
                if (e < 0) {
                        post_error(a, "refused the AudioSpecificConfig (codec_data)", e);
                        return FALSE;
                }
        }
        start_task(a);
        GST_INFO_OBJECT(a, "decoder %d open for %s%s%s", a->decoder_id,
                        codec == AVB_ADEC_MP2 ? "MPEG audio layer II" : "AAC",
                        a->secure ? ", secure" : "", a->tunnelled ? ", tunnelled" : "");
        return TRUE;
}

/* ---- flushing, start and stop ---------------------------------------------------------- */

static void flush(GstAudioDecoder *dec, gboolean hard)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(dec);

        (void)hard;
        gst_clear_buffer(&a->held);
        if (a->d && avb_adec_flush(a->d) < 0)
                GST_WARNING_OBJECT(a, "the decoder's flush failed");
}

static gboolean sink_event(GstAudioDecoder *dec, GstEvent *event)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(dec);
        GstEventType type = GST_EVENT_TYPE(event);
        gboolean ok;

        if (type == GST_EVENT_FLUSH_START && a->d) /* ends every wait; the task pauses */
                avb_adec_set_flushing(a->d, true);
        if (type == GST_EVENT_EOS && a->tunnelled) {
                /* no buffer leaves a tunnelled decoder: the base class's EOS would call
                 * that a failed decode ("no valid frames found"); drain, then forward */
                GST_AUDIO_DECODER_STREAM_LOCK(a);
                drain(a);
                GST_AUDIO_DECODER_STREAM_UNLOCK(a);
                return gst_pad_push_event(GST_AUDIO_DECODER_SRC_PAD(a), event);
        }
        ok = GST_AUDIO_DECODER_CLASS(avb_gst_audio_dec_parent_class)->sink_event(dec, event);
        if (type == GST_EVENT_FLUSH_STOP && a->d) {
                avb_adec_set_flushing(a->d, false);
                start_task(a);
        }
        return ok;
}

static gboolean start(GstAudioDecoder *dec)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(dec);
        int e = avb_gst_conn_get(&a->conn);

        if (e < 0) {
                post_error(a, "avbufferd cannot be reached", e);
                return FALSE;
        }
        return TRUE;
}

static gboolean stop(GstAudioDecoder *dec)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(dec);

        close_session(a);
        a->conn = avb_gst_conn_unref(a->conn);
        return TRUE;
}

/* The task waits for frames holding the source pad's stream lock: end that before the pad goes. */
static GstStateChangeReturn change_state(GstElement *element, GstStateChange transition)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(element);

        if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
                GST_AUDIO_DECODER_STREAM_LOCK(a);
                if (a->d)
                        avb_adec_set_flushing(a->d, true);
                GST_AUDIO_DECODER_STREAM_UNLOCK(a);
                gst_pad_stop_task(GST_AUDIO_DECODER_SRC_PAD(a));
        }
        return GST_ELEMENT_CLASS(avb_gst_audio_dec_parent_class)->change_state(element, transition);
}

/* ---- the object ------------------------------------------------------------------------- */

static void set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(object);

        GST_OBJECT_LOCK(a);
        if (id == PROP_SECURE)
                a->secure = g_value_get_boolean(value);
        else if (id == PROP_TUNNELLED)
                a->tunnelled = g_value_get_boolean(value);
        else if (id == PROP_DECODER_ID)
                a->decoder_id = g_value_get_int(value);
        else
                G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        GST_OBJECT_UNLOCK(a);
}

static void get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(object);

        GST_OBJECT_LOCK(a);
        if (id == PROP_SECURE)
                g_value_set_boolean(value, a->secure);
        else if (id == PROP_TUNNELLED)
                g_value_set_boolean(value, a->tunnelled);
        else if (id == PROP_DECODER_ID)
                g_value_set_int(value, a->decoder_id);
        else
                G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        GST_OBJECT_UNLOCK(a);
}

static void finalize(GObject *object)
{
        AvbGstAudioDec *a = AVB_GST_AUDIO_DEC(object);

        g_mutex_clear(&a->lock);
        g_cond_clear(&a->cond);
        G_OBJECT_CLASS(avb_gst_audio_dec_parent_class)->finalize(object);
}

static void avb_gst_audio_dec_class_init(AvbGstAudioDecClass *klass)
{
        GObjectClass *o = G_OBJECT_CLASS(klass);
        GstElementClass *e = GST_ELEMENT_CLASS(klass);
        GstAudioDecoderClass *d = GST_AUDIO_DECODER_CLASS(klass);
        const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;

        o->set_property = set_property;
        o->get_property = get_property;
        o->finalize = finalize;
        g_object_class_install_property(
            o, PROP_SECURE,
            g_param_spec_boolean("secure", "Secure",
                                 "Coded input and PCM in the secure heap (never mappable)", FALSE,
                                 rw));
        g_object_class_install_property(
            o, PROP_TUNNELLED,
            g_param_spec_boolean("tunnelled", "Tunnelled",
                                 "PCM goes from the decoder to the avbaudiosink downstream inside "
                                 "avbufferd; only control flows through the pipeline",
                                 FALSE, rw));
        g_object_class_install_property(o, PROP_DECODER_ID,
                                        g_param_spec_int("decoder-id", "Decoder id",
                                                         "The HAL's audio decoder to open", 0,
                                                         G_MAXINT, 0, rw));
        e->change_state = change_state;
        gst_element_class_add_static_pad_template(e, &sink_template);
        gst_element_class_add_static_pad_template(e, &src_template);
        gst_element_class_set_static_metadata(
            e, "AV Buffer HAL audio decoder", "Codec/Decoder/Audio",
            "Decodes MPEG audio layer II and AAC with the Audio Decoder HAL of avbufferd, passing "
            "AV buffer handles",
            "avbuffer");
        d->start = start;
        d->stop = stop;
        d->set_format = set_format;
        d->handle_frame = handle_frame;
        d->flush = flush;
        d->sink_event = sink_event;
}

static void avb_gst_audio_dec_init(AvbGstAudioDec *a)
{
        g_mutex_init(&a->lock);
        g_cond_init(&a->cond);
        gst_audio_decoder_set_drainable(GST_AUDIO_DECODER(a), TRUE);
        gst_audio_decoder_set_needs_format(GST_AUDIO_DECODER(a), TRUE);
}
