/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stand-in sink's presentation thread (see sink.c for why a thread per
 * sink, and why frames are read and released outside the lock).
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

#include <sodium.h>

#include "avb_config.h"
#include "sink_internal.h"
#include "util.h"

#if AVB_DEBUG_API
#include <nettle/md5.h>
#endif

/*
 * Under the lock, so that once avb_sink_set_notify(s, -1) returns the old
 * fd is never written again (its owner may close it). An eventfd write
 * does not block.
 */
static void sink_notify(int fd)
{
        uint64_t one = 1;

        if (fd >= 0)
                (void)!write(fd, &one, sizeof(one));
}

#if AVB_DEBUG_API
/*
 * Feed rows `rows` of row_bytes bytes, stride apart from offset, to ctx:
 * as many rows per read as fit the scratch buffer (a plane whose stride is
 * its row is one run of bytes).
 */
static int sink_sum_rows(struct avb_sink *s, int64_t frame, uint32_t offset, uint32_t row_bytes,
                         uint32_t stride, uint32_t rows, struct md5_ctx *ctx)
{
        if (stride == row_bytes && rows > 1) { /* contiguous: read as one run */
                row_bytes *= rows;
                stride = row_bytes;
                rows = 1;
        }
        for (uint32_t row = 0; row < rows; row++) {
                for (uint32_t done = 0; done < row_bytes; done += AVB_SINK_READ_CHUNK) {
                        size_t n = row_bytes - done < AVB_SINK_READ_CHUNK ? row_bytes - done
                                                                          : AVB_SINK_READ_CHUNK;
                        uint64_t at = (uint64_t)offset + (uint64_t)row * stride + done;

                        if (at > UINT32_MAX ||
                            s->ops->read(s->userdata, frame, (uint32_t)at, s->scratch, n) < 0)
                                return -EIO;
                        md5_update(ctx, n, s->scratch);
                }
        }
        return 0;
}
#endif

/*
 * MD5 of the frame into hex, or "" (checksums off, or the frame cannot be
 * read). Read in AVB_SINK_READ_CHUNK pieces: each read holds the vendor
 * lock, which every client call needs too.
 */
static void sink_checksum(struct avb_sink *s, const struct avb_sink_frame *f, char hex[33])
{
        hex[0] = '\0';
#if AVB_DEBUG_API
        struct md5_ctx ctx;
        uint8_t digest[MD5_DIGEST_SIZE];
        int r = 0;

        if (!s->checksum || (f->bytes == 0 && f->planes.n == 0))
                return;
        if (!s->scratch) {
                s->scratch = malloc(AVB_SINK_READ_CHUNK);
                if (!s->scratch)
                        return;
        }
        md5_init(&ctx);
        if (f->planes.n == 0)
                r = sink_sum_rows(s, f->frame, 0, f->bytes, f->bytes, 1, &ctx);
        for (uint32_t i = 0; i < f->planes.n && i < AVB_SINK_PLANES && r == 0; i++)
                r = sink_sum_rows(s, f->frame, f->planes.offset[i], f->planes.row_bytes[i],
                                  f->planes.stride[i], f->planes.rows[i], &ctx);
        md5_digest(&ctx, sizeof(digest), digest);
        /* the frame may be secure: leave no copy behind, even of a partial read */
        sodium_memzero(s->scratch, AVB_SINK_READ_CHUNK);
        sodium_memzero(&ctx, sizeof(ctx));
        if (r < 0)
                return;
        for (size_t i = 0; i < sizeof(digest); i++)
                snprintf(hex + 2 * i, 3, "%02x", digest[i]);
#else
        (void)s;
        (void)f;
#endif
}

/* Append the frame to the picture and sound outputs, if any (lock not held). */
static void sink_write_output(struct avb_sink *s, struct avb_sink_y4m *out,
                              struct avb_sink_wav *wav, const struct avb_sink_frame *f)
{
        if (!out && !wav)
                return;
        if (!s->scratch)
                s->scratch = malloc(AVB_SINK_READ_CHUNK);
        if (!s->scratch)
                return;
        if (out)
                (void)avb_sink_y4m_write(out, f, s->ops->read, s->userdata, s->scratch,
                                         AVB_SINK_READ_CHUNK);
        if (wav)
                (void)avb_sink_wav_write(wav, f, s->ops->read, s->userdata, s->scratch,
                                         AVB_SINK_READ_CHUNK);
        sodium_memzero(s->scratch, AVB_SINK_READ_CHUNK); /* a secure frame's rows */
}

static void sink_record_locked(struct avb_sink *s, const struct avb_sink_record *r)
{
        if (s->rec_n == AVB_SINK_RECORDS) {
                s->rec_head = (s->rec_head + 1) % AVB_SINK_RECORDS;
                s->rec_n--;
                s->stats.records_dropped++;
        }
        s->rec[(s->rec_head + s->rec_n) % AVB_SINK_RECORDS] = *r;
        s->rec_n++;
}

/* Queue an event for the thread to tell; the oldest goes when too many wait. */
static void sink_event_locked(struct avb_sink *s, enum avb_sink_event ev, int64_t pts_ns)
{
        if (!s->ops->event)
                return;
        if (s->n_ev == SINK_EVENTS) {
                memmove(s->ev, s->ev + 1, (SINK_EVENTS - 1) * sizeof(s->ev[0]));
                s->n_ev--;
        }
        s->ev[s->n_ev++] = (struct sink_event){ev, pts_ns};
}

/* Tell the queued events, lock dropped around the op. */
static void sink_tell_events_locked(struct avb_sink *s)
{
        while (s->n_ev) {
                struct sink_event e = s->ev[0];

                memmove(s->ev, s->ev + 1, (s->n_ev - 1) * sizeof(s->ev[0]));
                s->n_ev--;
                pthread_mutex_unlock(&s->lock);
                s->ops->event(s->userdata, e.ev, e.pts_ns);
                pthread_mutex_lock(&s->lock);
        }
}

void avb_sink_pop_locked(struct avb_sink *s)
{
        if (s->q[s->head].f.frame >= 0)
                s->n_frames--;
        s->head = (s->head + 1) % AVB_SINK_QUEUE;
        s->n--;
        if (s->refused) { /* room again after a refusal: told once */
                s->refused = false;
                sink_event_locked(s, AVB_SINK_EV_SPACE, 0);
        }
}

static void sink_anchor_locked(struct avb_sink *s, int64_t now, int64_t pts)
{
        s->anchored = true;
        s->anchor_ns = now;
        s->first_pts_ns = pts;
        s->last_pts_ns = pts;
}

/*
 * Self-paced: the head frame's due time on the monotonic clock,
 * re-anchoring when its pts would stall the sink (far ahead), is from a
 * new stream (backwards), or is so far from the anchor's that the
 * difference does not fit (the pts is the client's number: any int64 may
 * come).
 */
static int64_t sink_due_locked(struct avb_sink *s, const struct sink_item *it, int64_t now)
{
        int64_t rel;

        if (!s->anchored || it->f.pts_ns < s->last_pts_ns)
                sink_anchor_locked(s, now, it->f.pts_ns);
        if (__builtin_sub_overflow(it->f.pts_ns, s->first_pts_ns, &rel) ||
            rel > (now - s->anchor_ns) + AVB_SINK_MAX_WAIT_NS) {
                sink_anchor_locked(s, now, it->f.pts_ns);
                rel = 0;
        }
        return s->anchor_ns + rel;
}

static void sink_wait_until_locked(struct avb_sink *s, int64_t due)
{
        struct timespec ts = {.tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL};

        (void)pthread_cond_timedwait(&s->cond, &s->lock, &ts);
}

/*
 * The clock's media time now, or false when it gives none or is paused.
 * Called with the lock held: the clock op is the server's arithmetic and
 * takes only its own lock.
 */
static bool sink_clock_now_locked(struct avb_sink *s, int64_t mono, int64_t *ret_media,
                                  double *ret_rate)
{
        return s->clock->now(s->clock_userdata, mono, ret_media, ret_rate) == 0 && *ret_rate > 0;
}

/*
 * When the head frame is due on the monotonic clock (<= now: at once), for
 * the clock or the pacing in force; *ret_due_rec is the due time recorded.
 * INT64_MAX: not now (a paused clock), look again in a while.
 */
static int64_t sink_when_locked(struct avb_sink *s, const struct sink_item *it, int64_t now,
                                int64_t *ret_rec_due, int64_t *ret_rec_now)
{
        int64_t media, wait, ahead;
        double rate, span;

        if (s->render_first && s->first_pending) {
                *ret_rec_due = *ret_rec_now = it->f.pts_ns;
                return now;
        }
        if (s->clock) {
                bool running = sink_clock_now_locked(s, now, &media, &rate);

                if (!running && s->clock->prime) {
                        s->clock->prime(s->clock_userdata, it->f.pts_ns, now);
                        running = sink_clock_now_locked(s, now, &media, &rate);
                }
                if (!running)
                        return INT64_MAX;
                *ret_rec_due = it->f.pts_ns;
                *ret_rec_now = media;
                if (it->f.pts_ns <= media)
                        return now;
                /* the pts is the client's number: a gap that does not fit is far off */
                if (__builtin_sub_overflow(it->f.pts_ns, media, &ahead))
                        return INT64_MAX;
                span = (double)ahead / rate; /* may not fit an int64_t (a slow rate) */
                return span > AVB_SINK_CLOCK_POLL_NS ? INT64_MAX : now + (int64_t)span;
        }
        if (s->pacing == AVB_SINK_AT_ONCE) {
                if (!s->anchored)
                        sink_anchor_locked(s, now, it->f.pts_ns);
                *ret_rec_due = *ret_rec_now = now - s->anchor_ns;
                return now;
        }
        wait = sink_due_locked(s, it, now);
        *ret_rec_due = wait - s->anchor_ns;
        *ret_rec_now = now - s->anchor_ns;
        return wait;
}

/* Frame f came off the queue, presented or dropped late: the pts step it makes. */
static void sink_step_locked(struct avb_sink *s, const struct avb_sink_frame *f)
{
        /* the pts are the client's numbers: a step that does not fit is unknown */
        if (!s->stepped || f->pts_ns <= s->shown_pts_ns ||
            __builtin_sub_overflow(f->pts_ns, s->shown_pts_ns, &s->step_ns))
                s->step_ns = 0;
        s->shown_pts_ns = f->pts_ns;
        s->stepped = true;
        s->can_underflow = !f->eos;
}

/*
 * Whether a frame due at pts, its turn come at media time media (clocked),
 * is too late to show in sync: later than one frame interval (the last
 * step, at least AVB_SINK_LATE_MIN_NS) on a clock whose sink is its slave.
 * Why the step and not a fixed bound: a frame is worth showing while it is
 * still the picture of the moment; past the next one's time, showing it
 * only delays the next.
 */
static bool sink_too_late_locked(struct avb_sink *s, int64_t pts, int64_t media)
{
        int64_t late, limit = s->step_ns > AVB_SINK_LATE_MIN_NS ? s->step_ns : AVB_SINK_LATE_MIN_NS;

        if (!s->clock || !s->clock->slaved || media <= pts)
                return false;
        /* a difference that does not fit is later than any limit */
        if (!__builtin_sub_overflow(media, pts, &late) && late <= limit)
                return false;
        return s->clock->slaved(s->clock_userdata);
}

/*
 * Present the head frame: lock held on entry and exit, dropped around the
 * ops. `presenting` lets a flush wait for it. rec_due and rec_now: when it
 * was due and is presented, recorded (clocked: in media time; otherwise
 * since the anchor).
 */
static void sink_present_locked(struct avb_sink *s, struct sink_item it, int64_t rec_due,
                                int64_t rec_now)
{
        struct avb_sink_record r = {
            .pts_ns = it.f.pts_ns, .due_ns = rec_due, .presented_ns = rec_now};
        int64_t old_shown = s->shown;
        bool keep = s->keep_shown;
        struct avb_sink_y4m *out = s->out; /* replaced only while nothing is presented */
        struct avb_sink_wav *wav = s->wav;

        s->last_pts_ns = it.f.pts_ns;
        avb_sink_pop_locked(s);
        if (s->first_pending)
                sink_event_locked(s, AVB_SINK_EV_FIRST_FRAME, it.f.pts_ns);
        if (s->underflowed)
                sink_event_locked(s, AVB_SINK_EV_RESUMED, it.f.pts_ns);
        sink_step_locked(s, &it.f);
        s->first_pending = s->underflowed = false;
        s->shown = -1;
        s->presenting = true;
        pthread_mutex_unlock(&s->lock);

        sink_checksum(s, &it.f, r.md5);
        sink_write_output(s, out, wav, &it.f);
        if (old_shown >= 0)
                s->ops->release(s->userdata, old_shown);
        if (!keep)
                s->ops->release(s->userdata, it.f.frame);

        pthread_mutex_lock(&s->lock);
        if (s->clock && s->clock->presented)
                s->clock->presented(s->clock_userdata, it.f.pts_ns, avb_now_ns());
        if (keep)
                s->shown = it.f.frame;
        sink_record_locked(s, &r);
        s->stats.presented++;
        if (it.f.eos)
                sink_event_locked(s, AVB_SINK_EV_EOS, it.f.pts_ns);
        s->presenting = false;
        pthread_cond_broadcast(&s->cond);
        sink_notify(s->notify_fd);
}

/*
 * The head frame f, before the discard point or too late: released
 * unpresented and counted in *count; one that ends the stream still ends
 * it. Lock held, dropped around the op.
 */
static void sink_drop_head_locked(struct avb_sink *s, const struct avb_sink_frame *f,
                                  uint64_t *count)
{
        avb_sink_pop_locked(s);
        (*count)++;
        if (f->eos) {
                s->can_underflow = false;
                sink_event_locked(s, AVB_SINK_EV_EOS, f->pts_ns);
        }
        s->presenting = true; /* a flush waits for the release */
        pthread_mutex_unlock(&s->lock);
        s->ops->release(s->userdata, f->frame);
        pthread_mutex_lock(&s->lock);
        s->presenting = false;
        pthread_cond_broadcast(&s->cond);
}

/*
 * Clocked, nothing queued: an underflow once the next frame (the last
 * presented pts plus the step before it) is due and none has come. Returns
 * when to look again.
 */
static int64_t sink_watch_underflow_locked(struct avb_sink *s, int64_t now)
{
        int64_t media, next;
        double rate;

        if (!s->clock || !s->can_underflow || s->underflowed || s->step_ns <= 0 ||
            !sink_clock_now_locked(s, now, &media, &rate))
                return s->clock ? now + AVB_SINK_CLOCK_POLL_NS : INT64_MAX;
        if (__builtin_add_overflow(s->shown_pts_ns, s->step_ns, &next))
                return now + AVB_SINK_CLOCK_POLL_NS; /* never due */
        if (media >= next) {
                s->underflowed = true;
                s->stats.underflows++;
                sink_event_locked(s, AVB_SINK_EV_UNDERFLOW, next);
                return INT64_MAX;
        }
        return now + AVB_SINK_CLOCK_POLL_NS;
}

static void sink_wait_locked(struct avb_sink *s, int64_t now, int64_t until)
{
        if (until == INT64_MAX && !s->clock)
                pthread_cond_wait(&s->cond, &s->lock);
        else
                sink_wait_until_locked(s,
                                       until == INT64_MAX ? now + AVB_SINK_CLOCK_POLL_NS : until);
}

void *avb_sink_thread(void *arg)
{
        struct avb_sink *s = arg;

        pthread_mutex_lock(&s->lock);
        while (!s->stopping) {
                struct sink_item it;
                int64_t now, due, rec_due = 0, rec_now = 0;

                if (s->n_ev) {
                        sink_tell_events_locked(s);
                        continue;
                }
                now = avb_now_ns();
                if (s->n == 0) {
                        sink_wait_locked(s, now, sink_watch_underflow_locked(s, now));
                        continue;
                }
                it = s->q[s->head];
                if (it.f.frame < 0) {
                        avb_sink_pop_locked(s);
                        s->eos_presented = true;
                        s->anchored = false;
                        s->can_underflow = false;
                        sink_event_locked(s, AVB_SINK_EV_EOS, s->shown_pts_ns);
                        sink_notify(s->notify_fd);
                        continue;
                }
                if (s->discarding && it.f.pts_ns < s->discard_pts_ns) {
                        sink_drop_head_locked(s, &it.f, &s->stats.discarded);
                        continue;
                }
                s->discarding = false; /* a frame at or after the point came */
                due = sink_when_locked(s, &it, now, &rec_due, &rec_now);
                if (now < due) {
                        /* woken early by a flush, a new item or a wake: look at the head again */
                        sink_wait_locked(s, now, due);
                        continue;
                }
                /* clocked, rec_due and rec_now are the pts and the clock's time */
                if (s->clock && sink_too_late_locked(s, rec_due, rec_now)) {
                        sink_step_locked(s, &it.f);
                        sink_drop_head_locked(s, &it.f, &s->stats.dropped_late);
                        sink_notify(s->notify_fd);
                        continue;
                }
                sink_present_locked(s, it, rec_due, rec_now);
        }
        pthread_mutex_unlock(&s->lock);
        return NULL;
}
