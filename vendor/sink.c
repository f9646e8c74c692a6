/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tunnelled-mode stand-in sink (sink.h).
 *
 * Why a thread per sink: presenting is waiting, and a decoder's worker must
 * never wait for a presentation time, or one slow stream would delay every
 * other decoder's completions.
 *
 * Why frames are read and released outside the lock: both go through the
 * vendor facade, which takes its own lock; the facade calls into the sink
 * without holding that lock, so holding ours across the ops is the only
 * way the two could deadlock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sink_internal.h"
#include "util.h"

int avb_sink_new(const struct avb_sink_ops *ops, void *userdata, bool checksum,
                 struct avb_sink **ret_sink)
{
        struct avb_sink *s = calloc(1, sizeof(*s));
        pthread_condattr_t ca;
        int r;

        if (!s)
                return -ENOMEM;
        s->rec = calloc(AVB_SINK_RECORDS, sizeof(*s->rec));
        if (!s->rec) {
                free(s);
                return -ENOMEM;
        }
        s->ops = ops;
        s->userdata = userdata;
        s->checksum = checksum;
        s->notify_fd = -1;
        s->shown = -1;
        s->first_pending = true;
        pthread_mutex_init(&s->lock, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&s->cond, &ca);
        pthread_condattr_destroy(&ca);
        r = -pthread_create(&s->thread, NULL, avb_sink_thread, s);
        if (r < 0) {
                pthread_cond_destroy(&s->cond);
                pthread_mutex_destroy(&s->lock);
                free(s->rec);
                free(s);
                return r;
        }
        *ret_sink = s;
        return 0;
}

/* Empty the queue into out (frames only), and the shown frame unless hold; lock held. */
static size_t sink_drain_locked(struct avb_sink *s, bool hold, int64_t out[AVB_SINK_QUEUE + 1])
{
        size_t n = 0;

        while (s->n) {
                if (s->q[s->head].f.frame >= 0)
                        out[n++] = s->q[s->head].f.frame;
                avb_sink_pop_locked(s);
        }
        s->stats.released_unpresented += n;
        if (!hold && s->shown >= 0) {
                out[n++] = s->shown;
                s->shown = -1;
        }
        return n;
}

static void sink_release_all(struct avb_sink *s, const int64_t *frames, size_t n)
{
        for (size_t i = 0; i < n; i++)
                s->ops->release(s->userdata, frames[i]);
}

void avb_sink_free(struct avb_sink *s)
{
        int64_t frames[AVB_SINK_QUEUE + 1];
        size_t n;

        if (!s)
                return;
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
        n = sink_drain_locked(s, false, frames); /* the thread is gone: no lock needed */
        sink_release_all(s, frames, n);
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
        avb_sink_y4m_free(s->out);
        avb_sink_wav_free(s->wav);
        free(s->scratch); /* zeroed after each use */
        free(s->rec);
        free(s);
}

void avb_sink_set_notify(struct avb_sink *s, int fd)
{
        pthread_mutex_lock(&s->lock);
        s->notify_fd = fd;
        pthread_mutex_unlock(&s->lock);
}

int avb_sink_set_output(struct avb_sink *s, int fd, const char *name)
{
        struct avb_sink_y4m *out = NULL, *old;
        int r = fd >= 0 ? avb_sink_y4m_new(fd, name, &out) : 0;

        pthread_mutex_lock(&s->lock);
        while (s->presenting)
                pthread_cond_wait(&s->cond, &s->lock);
        old = s->out;
        s->out = out;
        pthread_mutex_unlock(&s->lock);
        avb_sink_y4m_free(old);
        return r;
}

int avb_sink_set_wav_output(struct avb_sink *s, int fd, const char *name)
{
        struct avb_sink_wav *wav = NULL, *old;
        int r = fd >= 0 ? avb_sink_wav_new(fd, name, &wav) : 0;

        pthread_mutex_lock(&s->lock);
        while (s->presenting)
                pthread_cond_wait(&s->cond, &s->lock);
        old = s->wav;
        s->wav = wav;
        pthread_mutex_unlock(&s->lock);
        avb_sink_wav_free(old);
        return r;
}

void avb_sink_set_pacing(struct avb_sink *s, enum avb_sink_pacing pacing)
{
        pthread_mutex_lock(&s->lock);
        s->pacing = pacing;
        s->anchored = false;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
}

void avb_sink_set_clock(struct avb_sink *s, const struct avb_sink_clock *clock, void *userdata)
{
        pthread_mutex_lock(&s->lock);
        s->clock = clock;
        s->clock_userdata = userdata;
        s->anchored = false;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
}

void avb_sink_wake(struct avb_sink *s)
{
        pthread_mutex_lock(&s->lock);
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
}

void avb_sink_set_keep_shown(struct avb_sink *s, bool keep)
{
        int64_t shown = -1;

        pthread_mutex_lock(&s->lock);
        while (s->presenting)
                pthread_cond_wait(&s->cond, &s->lock);
        s->keep_shown = keep;
        if (!keep) {
                shown = s->shown;
                s->shown = -1;
        }
        pthread_mutex_unlock(&s->lock);
        if (shown >= 0)
                s->ops->release(s->userdata, shown);
}

void avb_sink_set_render_first(struct avb_sink *s, bool render_first)
{
        pthread_mutex_lock(&s->lock);
        s->render_first = render_first;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
}

/* Frames may fill the queue up to limit; the rest is kept for end-of-stream markers. */
static int sink_push(struct avb_sink *s, const struct sink_item *it, size_t limit)
{
        int r = 0;

        pthread_mutex_lock(&s->lock);
        if (s->n >= limit) {
                r = -ENOSPC;
                s->refused = s->refused || it->f.frame >= 0;
        } else {
                s->q[(s->head + s->n) % AVB_SINK_QUEUE] = *it;
                s->n++;
                if (it->f.frame >= 0) {
                        s->n_frames++;
                        s->stats.received++;
                }
                pthread_cond_broadcast(&s->cond);
        }
        pthread_mutex_unlock(&s->lock);
        return r;
}

int avb_sink_queue_frame(struct avb_sink *s, const struct avb_sink_frame *f)
{
        struct sink_item it = {.f = *f};

        if (f->frame < 0 || f->planes.n > AVB_SINK_PLANES)
                return -EINVAL;
        return sink_push(s, &it, AVB_SINK_QUEUE - AVB_SINK_MARKERS);
}

int avb_sink_queue(struct avb_sink *s, int64_t frame, int64_t pts_ns, uint32_t bytes)
{
        struct avb_sink_frame f = {.frame = frame, .pts_ns = pts_ns, .bytes = bytes};

        return avb_sink_queue_frame(s, &f);
}

int avb_sink_queue_eos(struct avb_sink *s)
{
        struct sink_item it = {.f = {.frame = -1}};

        return sink_push(s, &it, AVB_SINK_QUEUE);
}

void avb_sink_flush(struct avb_sink *s, bool hold_shown)
{
        int64_t frames[AVB_SINK_QUEUE + 1];
        size_t n;

        pthread_mutex_lock(&s->lock);
        /* the frame being presented is not "unpresented": let it finish first */
        while (s->presenting)
                pthread_cond_wait(&s->cond, &s->lock);
        n = sink_drain_locked(s, hold_shown, frames);
        s->anchored = false;
        s->eos_presented = false;
        s->discarding = false;
        s->first_pending = true;
        s->underflowed = s->can_underflow = s->stepped = false;
        s->step_ns = 0;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        sink_release_all(s, frames, n);
}

void avb_sink_discard_until(struct avb_sink *s, int64_t pts_ns)
{
        pthread_mutex_lock(&s->lock);
        s->discarding = true;
        s->discard_pts_ns = pts_ns;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
}

bool avb_sink_take_eos(struct avb_sink *s)
{
        bool eos;

        pthread_mutex_lock(&s->lock);
        eos = s->eos_presented;
        s->eos_presented = false;
        pthread_mutex_unlock(&s->lock);
        return eos;
}

int avb_sink_take_records(struct avb_sink *s, struct avb_sink_record **ret_records, size_t *ret_n)
{
        struct avb_sink_record *out = NULL;
        size_t n;

        pthread_mutex_lock(&s->lock);
        n = s->rec_n;
        if (n) {
                out = malloc(n * sizeof(*out));
                if (!out) {
                        pthread_mutex_unlock(&s->lock);
                        return -ENOMEM;
                }
                for (size_t i = 0; i < n; i++)
                        out[i] = s->rec[(s->rec_head + i) % AVB_SINK_RECORDS];
                s->rec_head = 0;
                s->rec_n = 0;
        }
        pthread_mutex_unlock(&s->lock);
        *ret_records = out;
        *ret_n = n;
        return 0;
}

void avb_sink_get_stats(struct avb_sink *s, struct avb_sink_stats *ret_stats)
{
        pthread_mutex_lock(&s->lock);
        *ret_stats = s->stats;
        ret_stats->queued = s->n_frames;
        ret_stats->shown = s->shown >= 0;
        pthread_mutex_unlock(&s->lock);
}
