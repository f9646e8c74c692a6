/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stand-in sink's insides (sink.h), shared by its two files:
 *   sink.c          the sink's life and its API: queueing, flushing,
 *                   settings, records and statistics;
 *   sink_present.c  the presentation thread: pacing against the monotonic
 *                   clock or an AV clock, lateness and underflow, checksums,
 *                   the y4m/wav outputs, records and events.
 * sink.c calls sink_present.c, never the other way.
 *
 * Locking: every field but `scratch` (the presentation thread's alone) is
 * under `lock`.
 */
#ifndef AVB_VENDOR_SINK_INTERNAL_H
#define AVB_VENDOR_SINK_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sink.h"
#include "sink_wav.h"
#include "sink_y4m.h"

struct sink_item {
        struct avb_sink_frame f; /* f.frame -1: an end-of-stream marker */
};

#define SINK_EVENTS 8

struct sink_event {
        enum avb_sink_event ev;
        int64_t pts_ns;
};

struct avb_sink {
        const struct avb_sink_ops *ops;
        void *userdata;
        bool checksum;

        pthread_mutex_t lock;
        pthread_cond_t cond; /* CLOCK_MONOTONIC: new item, flush, stop, wake */
        pthread_t thread;
        bool stopping;
        int notify_fd;

        struct sink_item q[AVB_SINK_QUEUE];
        size_t head, n, n_frames;

        enum avb_sink_pacing pacing;
        const struct avb_sink_clock *clock;
        void *clock_userdata;
        bool keep_shown, render_first;
        int64_t shown; /* the kept frame, -1: none */

        bool presenting; /* a frame is off the queue, not yet recorded */
        bool anchored;
        int64_t anchor_ns, first_pts_ns, last_pts_ns;
        bool eos_presented;

        bool first_pending; /* the next frame presented is a first frame */
        bool discarding;
        int64_t discard_pts_ns;
        bool refused; /* a frame was refused: tell when there is room */
        /*
         * the last frame taken off the queue (presented or dropped late): its
         * pts and the step before it (0: unknown), for underflow and lateness
         */
        bool underflowed, can_underflow, stepped;
        int64_t shown_pts_ns, step_ns;

        struct sink_event ev[SINK_EVENTS]; /* told by the thread, outside the lock */
        size_t n_ev;

        struct avb_sink_record *rec; /* ring of AVB_SINK_RECORDS */
        size_t rec_head, rec_n;
        struct avb_sink_stats stats;

        uint8_t *scratch;         /* AVB_SINK_READ_CHUNK bytes; presentation thread only */
        struct avb_sink_y4m *out; /* the picture output, NULL: none */
        struct avb_sink_wav *wav; /* the sound output, NULL: none */
};

/* The sink's presentation thread (started by avb_sink_new; arg: the sink). */
void *avb_sink_thread(void *arg);

/* Takes the head item off the queue (lock held). */
void avb_sink_pop_locked(struct avb_sink *s);

#endif /* AVB_VENDOR_SINK_INTERNAL_H */
