/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_GST_CLOCK_H
#define AVB_GST_CLOCK_H

/*
 * One AV clock (com.rdk.hal.avclock) shared by the sink elements of a
 * pipeline.
 *
 * The first sink element to start opens a clock and starts it, paused (rate
 * 0), then publishes it as a GstContext of type AVB_GST_CLOCK_CONTEXT
 * (fields "clock-id", int, and "clock", the shared object below). GstBin
 * keeps that context and hands it to every other element, so the second sink
 * finds the clock (its context, a query to its peers, or the bin answering
 * its need-context message) and attaches to the same id. An application may
 * set the context itself on the pipeline to choose the clock.
 *
 * The clock is opened by this process and closed when the last reference is
 * dropped (the pipeline's, usually at its disposal). The sinks set its rate:
 * 1 in PLAYING, 0 in PAUSED, so the HAL's sinks hold frames while GStreamer
 * is paused and present them by the clock when it runs.
 *
 * Thread safety: every function may be called from any thread.
 */

#include <stdint.h>

#include <gst/gst.h>

#include "avbconn.h"

#define AVB_GST_CLOCK_CONTEXT "avbuffer.avclock"

typedef struct avb_gst_clock avb_gst_clock;

GType avb_gst_clock_get_type(void);
#define AVB_GST_TYPE_CLOCK (avb_gst_clock_get_type())

avb_gst_clock *avb_gst_clock_ref(avb_gst_clock *c);
/* Returns NULL; accepts NULL. The last reference stops and closes the clock. */
avb_gst_clock *avb_gst_clock_unref(avb_gst_clock *c);
int32_t avb_gst_clock_id(const avb_gst_clock *c);

/*
 * The pipeline's clock for element: found as the file comment says, or, when
 * there is none, clock `want_id` (-1: the first one that opens) opened on
 * conn, started at rate 0 and published. 0 and a reference in *ret_clock, or
 * -errno (-EBUSY: no clock could be opened).
 */
int avb_gst_clock_obtain(GstElement *element, avb_gst_conn *conn, int32_t want_id,
                         avb_gst_clock **ret_clock);
/* For an element's set_context: keeps a reference in *slot when context is ours. */
void avb_gst_clock_set_context(GstContext *context, avb_gst_clock **slot);
/* Answers a context query for AVB_GST_CLOCK_CONTEXT from c (which may be NULL): handled or not. */
gboolean avb_gst_clock_answer(GstQuery *query, avb_gst_clock *c);

/* The clock's rate (0 pauses it); 0 or -EIO. */
int avb_gst_clock_set_rate(avb_gst_clock *c, double rate);
/*
 * Starts the clock again unprimed (the next frame presented primes it), once
 * per flush: the sinks of a pipeline see the same flush event, and `seqnum`
 * (the event's) keeps the second from restarting what the first primed.
 */
int avb_gst_clock_restart(avb_gst_clock *c, guint32 seqnum);

#endif
