/* SPDX-License-Identifier: Apache-2.0 */
/* What the sink elements share (avbsink.h). */
#include <errno.h>
#include <string.h>

#include "avbclock.h"
#include "avbmemory.h"
#include "avbsink.h"
#include "avbtunnel.h"
#include "com_rdk_hal_avbuffer.h"

GST_DEBUG_CATEGORY_STATIC(avb_sink_debug);
#define GST_CAT_DEFAULT avb_sink_debug

/* How long EOS waits for the HAL to present the last frame (a paused clock holds it longer). */
#define EOS_WAIT_US (60 * G_USEC_PER_SEC)
/* A full queue is tried again this often even without onFrameBufferAvailable. */
#define SPACE_RETRY_US (100 * 1000)

enum { PROP_0, PROP_SINK_ID, PROP_CLOCK_ID };

typedef struct {
        gint sink_id;
        gint clock_id; /* asked for, or in use */
        avb_gst_conn *conn;
        avb_binder *sink, *ctl, *listener;
        avb_gst_clock *clock;
        GstBuffer *held; /* the frame held back for endOfStream */
        int64_t held_pts;
        bool queued; /* a frame went to the HAL since start or flush */
        bool tunnelled;
        gint tunnel_decoder; /* the decoder linked, when tunnelled */
        /* under lock: */
        GMutex lock;
        GCond cond;
        guint space, eos;
        bool flushing;
} AvbGstSinkPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(AvbGstSink, avb_gst_sink, GST_TYPE_BASE_SINK,
                                 G_ADD_PRIVATE(AvbGstSink)
                                     GST_DEBUG_CATEGORY_INIT(avb_sink_debug, "avbsink", 0,
                                                             "avbuffer sink elements"))

#define PRIV(s)  ((AvbGstSinkPrivate *)avb_gst_sink_get_instance_private(s))
#define KLASS(s) AVB_GST_SINK_GET_CLASS(s)

void avb_gst_sink_heard(AvbGstSink *s, enum avb_gst_sink_event ev)
{
        AvbGstSinkPrivate *p = PRIV(s);

        g_mutex_lock(&p->lock);
        if (ev == AVB_GST_SINK_SPACE)
                p->space++;
        else
                p->eos++;
        g_cond_broadcast(&p->cond);
        g_mutex_unlock(&p->lock);
}

avb_status avb_gst_sink_on_eos(void *impl, avb_call *call, int64_t pts)
{
        (void)call;
        (void)pts;
        avb_gst_sink_heard(impl, AVB_GST_SINK_EOS);
        return avb_status_ok();
}

avb_status avb_gst_sink_on_space(void *impl, avb_call *call)
{
        (void)call;
        avb_gst_sink_heard(impl, AVB_GST_SINK_SPACE);
        return avb_status_ok();
}

avb_status avb_gst_sink_ignore_pts(void *impl, avb_call *call, int64_t pts)
{
        (void)impl;
        (void)call;
        (void)pts;
        return avb_status_ok();
}

avb_status avb_gst_sink_ignore(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        return avb_status_ok();
}

static bool failed(AvbGstSink *s, avb_status st, const char *what)
{
        char buf[256];

        if (avb_status_is_ok(&st))
                return false;
        GST_ELEMENT_ERROR(s, RESOURCE, FAILED, ("the %s sink HAL refused %s", KLASS(s)->kind, what),
                          ("%s", avb_status_to_string(&st, buf, sizeof(buf))));
        return true;
}

/* ---- start and stop ------------------------------------------------------ */

static void close_hal(AvbGstSink *s)
{
        AvbGstSinkPrivate *p = PRIV(s);
        bool ok;

        gst_clear_buffer(&p->held);
        if (p->ctl) {
                /* failures mean avbufferd is gone, and the frames with it */
                (void)KLASS(s)->stop(p->ctl);
                (void)KLASS(s)->close(p->sink, p->ctl, &ok);
        }
        p->ctl = avb_binder_unref(p->ctl);
        p->sink = avb_binder_unref(p->sink);
        p->listener = avb_binder_unref(p->listener);
        p->clock = avb_gst_clock_unref(p->clock);
        p->conn = avb_gst_conn_unref(p->conn);
        p->tunnelled = false;
}

/*
 * The decoder element upstream (through queues and the like) with
 * tunnelled=TRUE, and its decoder-id; NULL when there is none. Looked for
 * at start, before the decoder opens, so the link is there when it does.
 */
static GstElement *tunnelled_upstream(AvbGstSink *s, gint *ret_decoder_id)
{
        GstPad *pad = gst_object_ref(GST_BASE_SINK_PAD(s));

        for (int depth = 0; pad && depth < 8; depth++) {
                GstPad *peer = gst_pad_get_peer(pad);
                GstElement *up = peer ? gst_pad_get_parent_element(peer) : NULL;
                gboolean tunnelled = FALSE;

                gst_object_unref(pad);
                pad = NULL;
                if (peer)
                        gst_object_unref(peer);
                if (!up)
                        break;
                if (g_object_class_find_property(G_OBJECT_GET_CLASS(up), "tunnelled") &&
                    g_object_class_find_property(G_OBJECT_GET_CLASS(up), "decoder-id")) {
                        g_object_get(up, "tunnelled", &tunnelled, "decoder-id", ret_decoder_id,
                                     NULL);
                        if (tunnelled)
                                return up;
                        gst_object_unref(up);
                        break;
                }
                pad = gst_element_get_static_pad(up, "sink");
                gst_object_unref(up);
        }
        if (pad)
                gst_object_unref(pad);
        return NULL;
}

/*
 * A tunnelled decoder upstream: this sink takes its output now. No frame
 * will reach the element, so it does not preroll (async off): the HAL's sink
 * presents by the AV clock, which runs once the pipeline is PLAYING.
 */
static bool link_tunnelled(AvbGstSink *s)
{
        AvbGstSinkPrivate *p = PRIV(s);
        gint decoder = -1;
        GstElement *up = tunnelled_upstream(s, &decoder);
        bool ok = false;

        if (!up)
                return true;
        gst_object_unref(up);
        if (failed(s, KLASS(s)->set_decoder(p->ctl, decoder, &ok), "the decoder link"))
                return false;
        if (!ok) {
                GST_ELEMENT_ERROR(s, RESOURCE, SETTINGS,
                                  ("%s sink %d cannot take decoder %d's output", KLASS(s)->kind,
                                   p->sink_id, decoder),
                                  (NULL));
                return false;
        }
        p->tunnelled = true;
        p->tunnel_decoder = decoder;
        gst_base_sink_set_async_enabled(GST_BASE_SINK(s), FALSE);
        GST_INFO_OBJECT(s, "%s decoder %d tunnelled into sink %d", KLASS(s)->kind, decoder,
                        p->sink_id);
        return true;
}

static gboolean sink_start(GstBaseSink *base)
{
        AvbGstSink *s = AVB_GST_SINK(base);
        AvbGstSinkPrivate *p = PRIV(s);
        avb_binder *mgr = NULL;
        int e = avb_gst_conn_get(&p->conn);

        if (e == 0)
                e = avb_gst_conn_service(p->conn, KLASS(s)->service, &mgr);
        if (e == 0)
                e = KLASS(s)->open(s, mgr, p->sink_id, &p->sink, &p->ctl, &p->listener);
        avb_binder_unref(mgr);
        if (e == 0 && !p->ctl)
                e = -EBUSY;
        if (e < 0) {
                GST_ELEMENT_ERROR(
                    s, RESOURCE, OPEN_READ_WRITE,
                    ("cannot open %s sink %d of avbufferd", KLASS(s)->kind, p->sink_id),
                    ("%s (%s)", g_strerror(-e), KLASS(s)->service));
                close_hal(s);
                return FALSE;
        }
        e = avb_gst_clock_obtain(GST_ELEMENT(s), p->conn, p->clock_id, &p->clock);
        if (e < 0) {
                GST_ELEMENT_ERROR(s, RESOURCE, OPEN_READ_WRITE, ("no AV clock for the pipeline"),
                                  ("%s", g_strerror(-e)));
                close_hal(s);
                return FALSE;
        }
        p->clock_id = avb_gst_clock_id(p->clock);
        if (failed(s, KLASS(s)->attach_clock(p->ctl, p->clock_id), "attachClock") ||
            !link_tunnelled(s) || failed(s, KLASS(s)->start(p->ctl), "start")) {
                close_hal(s);
                return FALSE;
        }
        p->queued = false;
        p->space = p->eos = 0;
        GST_INFO_OBJECT(s, "%s sink %d open, on AV clock %d", KLASS(s)->kind, p->sink_id,
                        p->clock_id);
        return TRUE;
}

static gboolean sink_stop(GstBaseSink *base)
{
        close_hal(AVB_GST_SINK(base));
        return TRUE;
}

/* ---- frames -------------------------------------------------------------- */

static void free_handle(AvbGstSink *s, int64_t handle)
{
        bool ok;

        (void)com_rdk_hal_avbuffer_IAVBuffer_free(PRIV(s)->conn->av, handle, &ok);
}

/* The handle of buf's AV buffer, now the caller's: taken, or taken from a copy. */
static GstFlowReturn take_handle(AvbGstSink *s, GstBuffer *buf, int64_t *ret_handle)
{
        GstMemory *mem = gst_buffer_n_memory(buf) ? gst_buffer_peek_memory(buf, 0) : NULL;
        int e = mem && avb_gst_is_memory(mem) ? avb_gst_memory_steal(mem, ret_handle) : -EINVAL;

        if (e == -EBUSY || e == -EPERM) {
                /* shared elsewhere (a tee, a kept sample): the HAL gets its own copy */
                GstMemory *copy = gst_memory_copy(mem, 0, -1);

                e = copy && avb_gst_is_memory(copy) ? avb_gst_memory_steal(copy, ret_handle)
                                                    : -ENOMEM;
                if (copy)
                        gst_memory_unref(copy);
        }
        if (e < 0) {
                GST_ELEMENT_ERROR(
                    s, STREAM, WRONG_TYPE,
                    ("the %s sink takes AV buffers (memory:AVBuffer) only", KLASS(s)->kind),
                    ("%s", g_strerror(-e)));
                return GST_FLOW_ERROR;
        }
        return GST_FLOW_OK;
}

/*
 * Hands buf's frame to the HAL at pts, waiting while its queue is full;
 * FLUSHING when a flush or a state change broke the wait (the frame freed).
 */
static GstFlowReturn queue_frame(AvbGstSink *s, GstBuffer *buf, int64_t pts, bool eos)
{
        AvbGstSinkPrivate *p = PRIV(s);
        int64_t handle;
        GstFlowReturn r = take_handle(s, buf, &handle);

        while (r == GST_FLOW_OK) {
                bool accepted = false;
                guint seen;
                avb_status st;

                g_mutex_lock(&p->lock);
                seen = p->space;
                g_mutex_unlock(&p->lock);
                st = KLASS(s)->queue(s, p->ctl, pts, handle, buf, eos, &accepted);
                if (failed(s, st, "a frame")) {
                        free_handle(s, handle);
                        return GST_FLOW_ERROR;
                }
                if (accepted) {
                        p->queued = true;
                        return GST_FLOW_OK;
                }
                g_mutex_lock(&p->lock);
                while (
                    p->space == seen && !p->flushing &&
                    g_cond_wait_until(&p->cond, &p->lock, g_get_monotonic_time() + SPACE_RETRY_US))
                        ;
                if (p->flushing)
                        r = GST_FLOW_FLUSHING;
                g_mutex_unlock(&p->lock);
        }
        if (r == GST_FLOW_FLUSHING)
                free_handle(s, handle);
        return r;
}

static GstFlowReturn queue_held(AvbGstSink *s, bool eos)
{
        AvbGstSinkPrivate *p = PRIV(s);
        GstBuffer *held = p->held;
        GstFlowReturn r;

        if (!held)
                return GST_FLOW_OK;
        p->held = NULL;
        r = queue_frame(s, held, p->held_pts, eos);
        gst_buffer_unref(held);
        return r;
}

static GstFlowReturn sink_render(GstBaseSink *base, GstBuffer *buf)
{
        AvbGstSink *s = AVB_GST_SINK(base);
        AvbGstSinkPrivate *p = PRIV(s);
        GstClockTime pts = GST_BUFFER_PTS(buf);
        GstFlowReturn r;

        if (gst_buffer_n_memory(buf) == 0) /* tunnelled: the frame went to the HAL's sink */
                return GST_FLOW_OK;
        GST_OBJECT_LOCK(s);
        if (GST_CLOCK_TIME_IS_VALID(pts))
                pts = gst_segment_to_running_time(&base->segment, GST_FORMAT_TIME, pts);
        GST_OBJECT_UNLOCK(s);
        r = queue_held(s, false);
        if (r != GST_FLOW_OK)
                return r;
        p->held = gst_buffer_ref(buf);
        p->held_pts = GST_CLOCK_TIME_IS_VALID(pts) ? (int64_t)pts : 0;
        return GST_FLOW_OK;
}

/* EOS: the last frame goes with endOfStream, and EOS waits until the HAL presented it. */
static gboolean drain(AvbGstSink *s)
{
        AvbGstSinkPrivate *p = PRIV(s);
        gint64 end = g_get_monotonic_time() + EOS_WAIT_US;
        bool had = p->held != NULL;
        guint before;

        g_mutex_lock(&p->lock);
        before = p->eos;
        g_mutex_unlock(&p->lock);
        if (queue_held(s, true) != GST_FLOW_OK || !had)
                return TRUE;
        g_mutex_lock(&p->lock);
        while (p->eos == before && !p->flushing && g_cond_wait_until(&p->cond, &p->lock, end))
                ;
        if (p->eos == before && !p->flushing)
                GST_WARNING_OBJECT(s, "the HAL's sink never reported its end of stream");
        g_mutex_unlock(&p->lock);
        return TRUE;
}

static gboolean sink_event(GstBaseSink *base, GstEvent *event)
{
        AvbGstSink *s = AVB_GST_SINK(base);
        AvbGstSinkPrivate *p = PRIV(s);

        switch (GST_EVENT_TYPE(event)) {
        case GST_EVENT_EOS:
                drain(s);
                break;
        case GST_EVENT_FLUSH_STOP:
                gst_clear_buffer(&p->held);
                if (p->ctl && !failed(s, KLASS(s)->flush(p->ctl), "flush") && p->clock)
                        avb_gst_clock_restart(p->clock, gst_event_get_seqnum(event));
                p->queued = false;
                break;
        default:
                break;
        }
        return GST_BASE_SINK_CLASS(avb_gst_sink_parent_class)->event(base, event);
}

/* A wait in render or EOS gives up: a flush or a state change to READY. */
static gboolean sink_unlock(GstBaseSink *base)
{
        AvbGstSinkPrivate *p = PRIV(AVB_GST_SINK(base));

        g_mutex_lock(&p->lock);
        p->flushing = true;
        g_cond_broadcast(&p->cond);
        g_mutex_unlock(&p->lock);
        return TRUE;
}

static gboolean sink_unlock_stop(GstBaseSink *base)
{
        AvbGstSinkPrivate *p = PRIV(AVB_GST_SINK(base));

        g_mutex_lock(&p->lock);
        p->flushing = false;
        g_mutex_unlock(&p->lock);
        return TRUE;
}

/* ---- queries and states ---------------------------------------------------- */

static gboolean tunnel(AvbGstSink *s, GstQuery *query)
{
        AvbGstSinkPrivate *p = PRIV(s);
        GstStructure *st = gst_query_writable_structure(query);
        gint decoder = -1;
        bool ok = false;

        if (g_strcmp0(gst_structure_get_string(st, "kind"), KLASS(s)->kind) ||
            !gst_structure_get_int(st, "decoder-id", &decoder) || !p->ctl)
                return FALSE;
        /* linked at start already (the sink found the decoder upstream): the HAL's sink,
         * started since, would refuse a second link */
        if (p->tunnelled && p->tunnel_decoder == decoder) {
                gst_structure_set(st, "sink-id", G_TYPE_INT, p->sink_id, NULL);
                return TRUE;
        }
        if (failed(s, KLASS(s)->set_decoder(p->ctl, decoder, &ok), "the decoder link") || !ok)
                return FALSE;
        p->tunnelled = true;
        p->tunnel_decoder = decoder;
        gst_structure_set(st, "sink-id", G_TYPE_INT, p->sink_id, NULL);
        GST_INFO_OBJECT(s, "%s decoder %d tunnelled into sink %d", KLASS(s)->kind, decoder,
                        p->sink_id);
        return TRUE;
}

static gboolean sink_query(GstBaseSink *base, GstQuery *query)
{
        AvbGstSink *s = AVB_GST_SINK(base);
        const GstStructure *st = gst_query_get_structure(query);

        if (GST_QUERY_TYPE(query) == GST_QUERY_CONTEXT &&
            avb_gst_clock_answer(query, PRIV(s)->clock))
                return TRUE;
        if (GST_QUERY_TYPE(query) == GST_QUERY_CUSTOM && st &&
            gst_structure_has_name(st, AVB_GST_TUNNEL_QUERY))
                return tunnel(s, query);
        return GST_BASE_SINK_CLASS(avb_gst_sink_parent_class)->query(base, query);
}

static GstStateChangeReturn sink_change_state(GstElement *element, GstStateChange transition)
{
        AvbGstSinkPrivate *p = PRIV(AVB_GST_SINK(element));
        GstStateChangeReturn r;

        if (transition == GST_STATE_CHANGE_PAUSED_TO_PLAYING && p->clock)
                avb_gst_clock_set_rate(p->clock, 1.0);
        r = GST_ELEMENT_CLASS(avb_gst_sink_parent_class)->change_state(element, transition);
        if (transition == GST_STATE_CHANGE_PLAYING_TO_PAUSED && p->clock)
                avb_gst_clock_set_rate(p->clock, 0.0);
        return r;
}

/* ---- the object ------------------------------------------------------------ */

static void set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
        AvbGstSinkPrivate *p = PRIV(AVB_GST_SINK(object));

        GST_OBJECT_LOCK(object);
        if (id == PROP_SINK_ID)
                p->sink_id = g_value_get_int(value);
        else if (id == PROP_CLOCK_ID)
                p->clock_id = g_value_get_int(value);
        else
                G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        GST_OBJECT_UNLOCK(object);
}

static void get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
        AvbGstSinkPrivate *p = PRIV(AVB_GST_SINK(object));

        GST_OBJECT_LOCK(object);
        if (id == PROP_SINK_ID)
                g_value_set_int(value, p->sink_id);
        else if (id == PROP_CLOCK_ID)
                g_value_set_int(value, p->clock_id);
        else
                G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        GST_OBJECT_UNLOCK(object);
}

static void finalize(GObject *object)
{
        AvbGstSinkPrivate *p = PRIV(AVB_GST_SINK(object));

        close_hal(AVB_GST_SINK(object));
        g_mutex_clear(&p->lock);
        g_cond_clear(&p->cond);
        G_OBJECT_CLASS(avb_gst_sink_parent_class)->finalize(object);
}

static void avb_gst_sink_class_init(AvbGstSinkClass *klass)
{
        GObjectClass *o = G_OBJECT_CLASS(klass);
        GstBaseSinkClass *b = GST_BASE_SINK_CLASS(klass);
        const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;

        o->set_property = set_property;
        o->get_property = get_property;
        o->finalize = finalize;
        g_object_class_install_property(
            o, PROP_SINK_ID,
            g_param_spec_int("sink-id", "Sink id", "The HAL's sink to open (its manager's id)", 0,
                             G_MAXINT, 0, rw));
        g_object_class_install_property(
            o, PROP_CLOCK_ID,
            g_param_spec_int("clock-id", "AV clock id",
                             "The AV clock to open when the pipeline has none yet (-1: the first "
                             "free one); once started, the clock in use, shared by every sink "
                             "of the pipeline through the GstContext " AVB_GST_CLOCK_CONTEXT,
                             -1, G_MAXINT, -1, rw));
        GST_ELEMENT_CLASS(klass)->change_state = sink_change_state;
        b->start = sink_start;
        b->stop = sink_stop;
        b->render = sink_render;
        b->event = sink_event;
        b->query = sink_query;
        b->unlock = sink_unlock;
        b->unlock_stop = sink_unlock_stop;
}

static void avb_gst_sink_init(AvbGstSink *s)
{
        AvbGstSinkPrivate *p = PRIV(s);

        p->clock_id = -1;
        g_mutex_init(&p->lock);
        g_cond_init(&p->cond);
        /* the HAL presents by the AV clock; a kept sample would share every frame */
        gst_base_sink_set_sync(GST_BASE_SINK(s), FALSE);
        gst_base_sink_set_last_sample_enabled(GST_BASE_SINK(s), FALSE);
        gst_base_sink_set_qos_enabled(GST_BASE_SINK(s), FALSE);
}
