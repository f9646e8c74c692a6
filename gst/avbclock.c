/* SPDX-License-Identifier: Apache-2.0 */
/* The AV clock a pipeline's sink elements share (avbclock.h). */
#include <errno.h>

#include "avbclock.h"
#include "com_rdk_hal_avclock.h"

#define CK(x) com_rdk_hal_avclock_##x

struct avb_gst_clock {
        gint ref;
        int32_t id;
        avb_binder *clock; /* IAVClock */
        avb_binder *ctl;   /* its controller: this process opened the clock */
        avb_binder *listener;
        GMutex lock; /* orders restarts */
        guint32 restarted_seqnum;
        double rate;
};

static gpointer boxed_ref(gpointer c)
{
        return avb_gst_clock_ref(c);
}

static void boxed_unref(gpointer c)
{
        avb_gst_clock_unref(c);
}

G_DEFINE_BOXED_TYPE(avb_gst_clock, avb_gst_clock, boxed_ref, boxed_unref)

avb_gst_clock *avb_gst_clock_ref(avb_gst_clock *c)
{
        g_atomic_int_inc(&c->ref);
        return c;
}

avb_gst_clock *avb_gst_clock_unref(avb_gst_clock *c)
{
        bool ok;

        if (!c || !g_atomic_int_dec_and_test(&c->ref))
                return NULL;
        if (c->ctl) {
                /* errors only mean the clock went with avbufferd: nothing is left to undo */
                (void)CK(IAVClockController_stop)(c->ctl);
                (void)CK(IAVClock_close)(c->clock, c->ctl, &ok);
        }
        avb_binder_unref(c->ctl);
        avb_binder_unref(c->listener);
        avb_binder_unref(c->clock);
        g_mutex_clear(&c->lock);
        g_free(c);
        return NULL;
}

int32_t avb_gst_clock_id(const avb_gst_clock *c)
{
        return c->id;
}

/* Nothing to do on the clock's notifications: the HAL's sinks read the clock themselves. */
static avb_status on_primed(void *impl, avb_call *call, const CK(ClockTime) * t)
{
        (void)impl;
        (void)call;
        (void)t;
        return avb_status_ok();
}

static const CK(IAVClockControllerListener_ops) listener_ops = {
    .onStateChanged = avb_gst_ignore_state,
    .onPrimed = on_primed,
};

/* Clock `id` opened and started at rate 0, or NULL when it is taken or missing. */
static avb_gst_clock *open_clock(avb_binder *mgr, int32_t id)
{
        CK(IAVClock_Id) cid = {.value = id};
        avb_gst_clock *c = g_new0(avb_gst_clock, 1);
        avb_status st;
        bool ok = false;

        c->ref = 1;
        c->id = id;
        g_mutex_init(&c->lock);
        st = CK(IAVClockManager_getAVClock)(mgr, &cid, &c->clock);
        if (avb_status_is_ok(&st) && c->clock &&
            CK(IAVClockControllerListener_new_local)(&listener_ops, NULL, NULL, &c->listener) == 0)
                st = CK(IAVClock_open)(c->clock, c->listener, &c->ctl);
        if (avb_status_is_ok(&st) && c->ctl)
                st = CK(IAVClockController_setPlaybackRate)(c->ctl, 0.0, &ok);
        if (avb_status_is_ok(&st) && ok)
                st = CK(IAVClockController_start)(c->ctl);
        if (!avb_status_is_ok(&st) || !ok) {
                GST_DEBUG("AV clock %d: %s", id, st.message[0] ? st.message : "not opened");
                return avb_gst_clock_unref(c);
        }
        return c;
}

/* A clock of this process: `want` or the first free one. */
static int open_any(avb_gst_conn *conn, int32_t want, avb_gst_clock **ret)
{
        avb_binder *mgr = NULL;
        CK(IAVClock_Id) *ids = NULL;
        size_t n = 0;
        avb_gst_clock *c = NULL;
        int e = avb_gst_conn_service(conn, CK(IAVClockManager_serviceName), &mgr);

        if (e < 0)
                return e;
        if (want >= 0) {
                c = open_clock(mgr, want);
        } else {
                avb_status st = CK(IAVClockManager_getAVClockIds)(mgr, &ids, &n);

                if (!avb_status_is_ok(&st))
                        n = 0;
                for (size_t i = 0; i < n && !c; i++)
                        c = open_clock(mgr, ids[i].value);
                free(ids);
        }
        avb_binder_unref(mgr);
        if (!c)
                return -EBUSY;
        *ret = c;
        return 0;
}

void avb_gst_clock_set_context(GstContext *context, avb_gst_clock **slot)
{
        const GstStructure *s;
        avb_gst_clock *c = NULL;

        if (!context || g_strcmp0(gst_context_get_context_type(context), AVB_GST_CLOCK_CONTEXT))
                return;
        s = gst_context_get_structure(context);
        if (!gst_structure_get(s, "clock", AVB_GST_TYPE_CLOCK, &c, NULL) || !c)
                return;
        avb_gst_clock_unref(*slot);
        *slot = c; /* gst_structure_get gave a reference */
}

static GstContext *make_context(avb_gst_clock *c)
{
        GstContext *context = gst_context_new(AVB_GST_CLOCK_CONTEXT, FALSE);
        GstStructure *s = gst_context_writable_structure(context);

        gst_structure_set(s, "clock-id", G_TYPE_INT, c->id, "clock", AVB_GST_TYPE_CLOCK, c, NULL);
        return context;
}

gboolean avb_gst_clock_answer(GstQuery *query, avb_gst_clock *c)
{
        const gchar *type;
        GstContext *context;

        if (!c || !gst_query_parse_context_type(query, &type) ||
            g_strcmp0(type, AVB_GST_CLOCK_CONTEXT))
                return FALSE;
        context = make_context(c);
        gst_query_set_context(query, context);
        gst_context_unref(context);
        return TRUE;
}

/* A peer that has the clock answers a context query on one side of element. */
static avb_gst_clock *query_peers(GstElement *element, GstPadDirection dir)
{
        GstQuery *q = gst_query_new_context(AVB_GST_CLOCK_CONTEXT);
        avb_gst_clock *c = NULL;
        GstIterator *it = dir == GST_PAD_SRC ? gst_element_iterate_src_pads(element)
                                             : gst_element_iterate_sink_pads(element);
        GValue v = G_VALUE_INIT;

        while (!c && gst_iterator_next(it, &v) == GST_ITERATOR_OK) {
                GstContext *context = NULL;

                if (gst_pad_peer_query(g_value_get_object(&v), q)) {
                        gst_query_parse_context(q, &context);
                        avb_gst_clock_set_context(context, &c);
                }
                g_value_reset(&v);
        }
        g_value_unset(&v);
        gst_iterator_free(it);
        gst_query_unref(q);
        return c;
}

int avb_gst_clock_obtain(GstElement *element, avb_gst_conn *conn, int32_t want_id,
                         avb_gst_clock **ret_clock)
{
        avb_gst_clock *c = NULL;
        GstContext *context = gst_element_get_context(element, AVB_GST_CLOCK_CONTEXT);
        int e;

        if (context) { /* set on us, by the bin or the application */
                avb_gst_clock_set_context(context, &c);
                gst_context_unref(context);
        }
        if (!c)
                c = query_peers(element, GST_PAD_SINK);
        if (!c) {
                /* GstBin answers from the contexts it keeps, calling our set_context */
                gst_element_post_message(element, gst_message_new_need_context(
                                                      GST_OBJECT(element), AVB_GST_CLOCK_CONTEXT));
                context = gst_element_get_context(element, AVB_GST_CLOCK_CONTEXT);
                if (context) {
                        avb_gst_clock_set_context(context, &c);
                        gst_context_unref(context);
                }
        }
        if (c) {
                *ret_clock = c;
                return 0;
        }
        e = open_any(conn, want_id, &c);
        if (e < 0)
                return e;
        context = make_context(c);
        gst_element_set_context(element, context);
        /* the bin keeps it and gives it to its other children */
        gst_element_post_message(element,
                                 gst_message_new_have_context(GST_OBJECT(element), context));
        GST_INFO_OBJECT(element, "opened AV clock %d for the pipeline", c->id);
        *ret_clock = c;
        return 0;
}

int avb_gst_clock_set_rate(avb_gst_clock *c, double rate)
{
        bool ok = false;
        avb_status st;

        g_mutex_lock(&c->lock);
        if (c->rate == rate) {
                g_mutex_unlock(&c->lock);
                return 0;
        }
        st = CK(IAVClockController_setPlaybackRate)(c->ctl, rate, &ok);
        if (avb_status_is_ok(&st) && ok)
                c->rate = rate;
        g_mutex_unlock(&c->lock);
        return ok ? 0 : -EIO;
}

int avb_gst_clock_restart(avb_gst_clock *c, guint32 seqnum)
{
        avb_status st = avb_status_ok();

        g_mutex_lock(&c->lock);
        if (seqnum == GST_SEQNUM_INVALID || seqnum != c->restarted_seqnum) {
                c->restarted_seqnum = seqnum;
                st = CK(IAVClockController_stop)(c->ctl);
                if (avb_status_is_ok(&st))
                        st = CK(IAVClockController_start)(c->ctl);
        }
        g_mutex_unlock(&c->lock);
        return avb_status_is_ok(&st) ? 0 : -EIO;
}
