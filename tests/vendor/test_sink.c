/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sink engine tests (vendor/sink.h) against fake frames: order and pacing
 * by presentation time, checksums, flush, end of stream, a full queue,
 * re-anchoring, frames given back on free; with a test clock: no frame
 * before its time, pause and priming, render first, the shown frame kept,
 * discard until, underflow and resumed, late frames dropped on a clock
 * that slaves the sink. Pacing is checked as
 * an order of events (never before its due time), not as a speed.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "avb_config.h"
#include "sink.h"
#include "util.h"

#define MS 1000000LL

/* Frames are ids 0..63 whose content is the id repeated; released ones are counted. */
struct fake {
        pthread_mutex_t m;
        int released[AVB_SINK_QUEUE * 4];
        size_t n_released;
        int fail_read; /* frame id whose read fails, or -1 */
        int read_calls, bad_reads;
};

static int fake_read(void *userdata, int64_t frame, uint32_t offset, void *dst, size_t len)
{
        struct fake *f = userdata;

        if (frame == f->fail_read)
                return -EIO;
        f->read_calls++; /* checked by the test's thread: cmocka asserts must not run here */
        if (len > AVB_SINK_READ_CHUNK || offset % AVB_SINK_READ_CHUNK)
                f->bad_reads++;
        memset(dst, (int)frame, len);
        return 0;
}

static void fake_release(void *userdata, int64_t frame)
{
        struct fake *f = userdata;

        pthread_mutex_lock(&f->m);
        f->released[f->n_released++] = (int)frame;
        pthread_mutex_unlock(&f->m);
}

static const struct avb_sink_ops fake_ops = {.read = fake_read, .release = fake_release};

static size_t released(struct fake *f)
{
        size_t n;

        pthread_mutex_lock(&f->m);
        n = f->n_released;
        pthread_mutex_unlock(&f->m);
        return n;
}

/* Wait (up to 5 s) until the sink has presented (and recorded) n frames. */
static void wait_presented(struct avb_sink *s, uint64_t n)
{
        struct avb_sink_stats st = {0};

        for (int i = 0; i < 5000; i++) {
                avb_sink_get_stats(s, &st);
                if (st.presented >= n)
                        return;
                usleep(1000);
        }
        fail_msg("%llu frames presented, waited for %llu", (unsigned long long)st.presented,
                 (unsigned long long)n);
}

static struct avb_sink *new_sink(struct fake *f)
{
        struct avb_sink *s = NULL;

        memset(f, 0, sizeof(*f));
        pthread_mutex_init(&f->m, NULL);
        f->fail_read = -1;
        assert_int_equal(avb_sink_new(&fake_ops, f, true, &s), 0);
        return s;
}

static void take(struct avb_sink *s, struct avb_sink_record **r, size_t *n)
{
        assert_int_equal(avb_sink_take_records(s, r, n), 0);
}

/* Frames come out in order, none before its time, each with its checksum. */
static void test_paced_in_order(void **state)
{
        struct fake f;
        struct avb_sink *s = new_sink(&f);
        struct avb_sink_record *r;
        size_t n;

        (void)state;
        for (int i = 0; i < 6; i++)
                assert_int_equal(avb_sink_queue(s, i, 1000 * MS + i * 20 * MS, 16), 0);
        wait_presented(s, 6);
        take(s, &r, &n);
        assert_int_equal(n, 6);
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(f.released[i], (int)i);
                assert_int_equal(r[i].pts_ns, 1000 * MS + (int64_t)i * 20 * MS);
                assert_int_equal(r[i].due_ns, (int64_t)i * 20 * MS);
                assert_true(r[i].presented_ns >= r[i].due_ns);
        }
#if AVB_DEBUG_API
        /* md5 of 16 bytes of 0x00: as `head -c16 /dev/zero | md5sum` prints it */
        assert_string_equal(r[0].md5, "4ae71336e44bf9bf79d2752e234818a5");
        assert_string_not_equal(r[1].md5, r[0].md5);
#endif
        free(r);
        take(s, &r, &n); /* taken once */
        assert_int_equal(n, 0);
        assert_null(r);
        avb_sink_free(s);
}

/* A flush gives every waiting frame back unpresented and re-anchors the clock. */
static void test_flush(void **state)
{
        struct fake f;
        struct avb_sink *s = new_sink(&f);
        struct avb_sink_stats st;
        struct avb_sink_record *r;
        size_t n;

        (void)state;
        assert_int_equal(avb_sink_queue(s, 1, 0, 8), 0);
        /* far in the future, but within the wait limit: they wait */
        for (int i = 2; i < 10; i++)
                assert_int_equal(avb_sink_queue(s, i, 1500 * MS, 8), 0);
        wait_presented(s, 1);
        assert_int_equal(avb_sink_queue_eos(s), 0);
        avb_sink_flush(s, false);
        assert_int_equal(released(&f), 9);
        avb_sink_get_stats(s, &st);
        assert_int_equal(st.released_unpresented, 8);
        assert_int_equal(st.presented, 1);
        assert_int_equal(st.queued, 0);
        assert_false(avb_sink_take_eos(s)); /* the flushed marker is forgotten */
        /* the next stream starts its own clock: due at once, even with a small pts */
        assert_int_equal(avb_sink_queue(s, 11, 5 * MS, 8), 0);
        wait_presented(s, 2);
        take(s, &r, &n);
        assert_int_equal(n, 2);
        assert_int_equal(r[1].due_ns, 0);
        free(r);
        avb_sink_free(s);
}

/* End of stream is seen after the frames before it, and wakes the notify fd. */
static void test_eos_and_notify(void **state)
{
        struct fake f;
        struct avb_sink *s = new_sink(&f);
        int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        uint64_t v = 0;

        (void)state;
        assert_true(fd >= 0);
        avb_sink_set_notify(s, fd);
        assert_false(avb_sink_take_eos(s));
        assert_int_equal(avb_sink_queue(s, 1, 0, 4), 0);
        assert_int_equal(avb_sink_queue(s, 2, 30 * MS, 4), 0);
        assert_int_equal(avb_sink_queue_eos(s), 0);
        bool eos = false;

        for (int i = 0; i < 5000 && !(eos = avb_sink_take_eos(s)); i++)
                usleep(1000);
        assert_true(eos);
        assert_int_equal(released(&f), 2); /* both frames came first */
        assert_int_equal(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
        assert_true(v >= 1);
        assert_false(avb_sink_take_eos(s)); /* once */
        avb_sink_free(s);
        close(fd);
}

/* A full queue refuses a frame (the caller keeps it) but still takes markers. */
static void test_full_queue(void **state)
{
        struct fake f;
        struct avb_sink *s = new_sink(&f);
        int i;

        (void)state;
        /* the first frame anchors; the rest are due in 1.9 s and wait */
        assert_int_equal(avb_sink_queue(s, 0, 0, 4), 0);
        wait_presented(s, 1);
        for (i = 1; avb_sink_queue(s, i, 1900 * MS, 4) == 0; i++)
                assert_true(i < AVB_SINK_QUEUE);
        assert_int_equal(i - 1, AVB_SINK_QUEUE - AVB_SINK_MARKERS);
        assert_int_equal(avb_sink_queue(s, 99, 1900 * MS, 4), -ENOSPC);
        for (int k = 0; k < AVB_SINK_MARKERS; k++)
                assert_int_equal(avb_sink_queue_eos(s), 0);
        assert_int_equal(avb_sink_queue_eos(s), -ENOSPC);
        assert_int_equal(avb_sink_queue(s, -1, 0, 4), -EINVAL);
        avb_sink_free(s); /* gives every queued frame back */
        assert_int_equal(released(&f), AVB_SINK_QUEUE - AVB_SINK_MARKERS + 1);
}

/* A pts far ahead, or going backwards, re-anchors instead of stalling the sink. */
static void test_reanchor(void **state)
{
        static const int64_t pts[] = {0,         3600000 * MS, 40 * MS,  3600040 * MS,
                                      INT64_MIN, INT64_MAX,    INT64_MIN};
        struct fake f;
        struct avb_sink *s = new_sink(&f);
        struct avb_sink_record *r;
        size_t n;

        (void)state;
        for (size_t i = 0; i < sizeof(pts) / sizeof(pts[0]); i++)
                assert_int_equal(avb_sink_queue(s, (int64_t)i, pts[i], 4), 0);
        wait_presented(s, 7);
        take(s, &r, &n);
        assert_int_equal(n, 7);
        for (size_t i = 0; i < n; i++)
                assert_true(r[i].presented_ns >= r[i].due_ns);
        assert_int_equal(r[1].due_ns, 0); /* the jump: a new anchor */
        assert_int_equal(r[2].due_ns, 0); /* backwards: a new anchor */
        assert_int_equal(r[3].due_ns, 0); /* more than the wait limit ahead again */
        for (size_t i = 4; i < n; i++)    /* differences that do not fit in 64 bits */
                assert_int_equal(r[i].due_ns, 0);
        free(r);
        avb_sink_free(s);
}

/* An unreadable frame is still presented and released, without a checksum. */
static void test_read_failure(void **state)
{
        struct fake f;
        struct avb_sink *s = new_sink(&f);
        struct avb_sink_record *r;
        size_t n;

        (void)state;
        f.fail_read = 3;
        assert_int_equal(avb_sink_queue(s, 3, 0, 4), 0);
        wait_presented(s, 1);
        take(s, &r, &n);
        assert_int_equal(n, 1);
        assert_string_equal(r[0].md5, "");
        free(r);
        /* a frame bigger than one read is summed piece by piece, to the same MD5 */
        assert_int_equal(avb_sink_queue(s, 0, 0, 3 * AVB_SINK_READ_CHUNK / 2), 0);
        wait_presented(s, 2);
        take(s, &r, &n);
        assert_int_equal(n, 1);
#if AVB_DEBUG_API
        assert_int_equal(f.read_calls, 2);
        assert_int_equal(f.bad_reads, 0);
        /* head -c 393216 /dev/zero | md5sum */
        assert_string_equal(r[0].md5, "4c7905d4a36f6f9c456b7e074b52707e");
#endif
        free(r);
        avb_sink_free(s);
        avb_sink_free(NULL);
}

/*
 * A test clock: media = base + (mono - base_mono) * rate, set by the test;
 * unprimed (no time) until primed, when prime is allowed. What the engine
 * reported as presented is kept, to check it against the clock's own time.
 */
struct tclock {
        pthread_mutex_t m;
        bool primed, may_prime, slaved;
        int64_t base_ns, base_mono_ns;
        double rate;
        int64_t primed_pts_ns;
        size_t n_presented;
        int64_t late_ns[AVB_SINK_QUEUE]; /* media time at presentation minus pts */
};

static int64_t tclock_at_locked(const struct tclock *c, int64_t mono)
{
        return c->base_ns + (int64_t)((double)(mono - c->base_mono_ns) * c->rate);
}

static int tclock_now(void *userdata, int64_t mono, int64_t *ret_media, double *ret_rate)
{
        struct tclock *c = userdata;
        int r = 0;

        pthread_mutex_lock(&c->m);
        if (c->primed) {
                *ret_media = tclock_at_locked(c, mono);
                *ret_rate = c->rate;
        } else {
                r = -EAGAIN;
        }
        pthread_mutex_unlock(&c->m);
        return r;
}

static void tclock_prime(void *userdata, int64_t pts, int64_t mono)
{
        struct tclock *c = userdata;

        pthread_mutex_lock(&c->m);
        if (c->may_prime && !c->primed) {
                c->primed = true;
                c->primed_pts_ns = pts;
                c->base_ns = pts;
                c->base_mono_ns = mono;
        }
        pthread_mutex_unlock(&c->m);
}

static void tclock_presented(void *userdata, int64_t pts, int64_t mono)
{
        struct tclock *c = userdata;

        pthread_mutex_lock(&c->m);
        /* test_clock_extremes presents a pts so early that the lateness does not fit */
        if (c->n_presented < AVB_SINK_QUEUE &&
            __builtin_sub_overflow(tclock_at_locked(c, mono), pts, &c->late_ns[c->n_presented++]))
                c->late_ns[c->n_presented - 1] = INT64_MAX;
        pthread_mutex_unlock(&c->m);
}

static bool tclock_slaved(void *userdata)
{
        struct tclock *c = userdata;
        bool slaved;

        pthread_mutex_lock(&c->m);
        slaved = c->slaved;
        pthread_mutex_unlock(&c->m);
        return slaved;
}

static const struct avb_sink_clock tclock_ops = {.now = tclock_now,
                                                 .prime = tclock_prime,
                                                 .presented = tclock_presented,
                                                 .slaved = tclock_slaved};

static void tclock_init(struct tclock *c, bool primed, double rate)
{
        memset(c, 0, sizeof(*c));
        pthread_mutex_init(&c->m, NULL);
        c->primed = primed;
        c->rate = rate;
        c->base_mono_ns = avb_now_ns();
}

/* Re-base at now and run at rate from there (as the AV clock does). */
static void tclock_set_rate(struct tclock *c, double rate)
{
        int64_t now = avb_now_ns();

        pthread_mutex_lock(&c->m);
        c->base_ns = tclock_at_locked(c, now);
        c->base_mono_ns = now;
        c->rate = rate;
        pthread_mutex_unlock(&c->m);
}

/* The engine's events, for the sinks with an event op. */
static struct {
        pthread_mutex_t m;
        int n[AVB_SINK_EV_SPACE + 1];
        int64_t pts[AVB_SINK_EV_SPACE + 1];
} evs = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}};

static void record_event(void *userdata, enum avb_sink_event ev, int64_t pts)
{
        (void)userdata;
        pthread_mutex_lock(&evs.m);
        evs.n[ev]++;
        evs.pts[ev] = pts;
        pthread_mutex_unlock(&evs.m);
}

static int events(enum avb_sink_event ev)
{
        int n;

        pthread_mutex_lock(&evs.m);
        n = evs.n[ev];
        pthread_mutex_unlock(&evs.m);
        return n;
}

/* Wait (up to 5 s) until ev was told n times. */
static void wait_event(enum avb_sink_event ev, int n)
{
        for (int i = 0; i < 5000 && events(ev) < n; i++)
                usleep(1000);
        assert_int_equal(events(ev), n);
}

static const struct avb_sink_ops event_ops = {
    .read = fake_read, .release = fake_release, .event = record_event};

static struct avb_sink *new_event_sink(struct fake *f)
{
        struct avb_sink *s = NULL;

        memset(f, 0, sizeof(*f));
        pthread_mutex_init(&f->m, NULL);
        f->fail_read = -1;
        pthread_mutex_lock(&evs.m);
        memset(evs.n, 0, sizeof(evs.n));
        pthread_mutex_unlock(&evs.m);
        assert_int_equal(avb_sink_new(&event_ops, f, true, &s), 0);
        return s;
}

/*
 * Clocked: no frame is presented before the clock reaches its pts, as the
 * clock itself says at the moment the engine reports it presented; the
 * records give the media times.
 */
static void test_clocked(void **state)
{
        struct fake f;
        struct tclock c;
        struct avb_sink *s = new_sink(&f);
        struct avb_sink_record *r;
        size_t n;

        (void)state;
        tclock_init(&c, true, 1.0);
        avb_sink_set_clock(s, &tclock_ops, &c);
        for (int i = 0; i < 8; i++)
                assert_int_equal(avb_sink_queue(s, i, 30 * MS + i * 15 * MS, 4), 0);
        wait_presented(s, 8);
        take(s, &r, &n);
        assert_int_equal(n, 8);
        pthread_mutex_lock(&c.m);
        assert_int_equal(c.n_presented, 8);
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(r[i].due_ns, r[i].pts_ns);
                assert_true(r[i].presented_ns >= r[i].pts_ns);
                assert_true(c.late_ns[i] >= 0);
        }
        pthread_mutex_unlock(&c.m);
        free(r);
        avb_sink_set_clock(s, NULL, NULL);
        avb_sink_free(s);
}

/*
 * A paused clock holds every frame; at rate 1 again they come. An unprimed
 * clock is primed by the head frame's pts, which is then due at once.
 */
static void test_clock_pause_and_prime(void **state)
{
        struct fake f;
        struct tclock c;
        struct avb_sink *s = new_sink(&f);
        struct avb_sink_stats st;

        (void)state;
        tclock_init(&c, true, 0.0);
        avb_sink_set_clock(s, &tclock_ops, &c);
        for (int i = 0; i < 3; i++)
                assert_int_equal(avb_sink_queue(s, i, 10 * MS * (i + 1), 4), 0);
        usleep(200 * 1000); /* ten times the frames' span: none may come while paused */
        avb_sink_get_stats(s, &st);
        assert_int_equal(st.presented, 0);
        tclock_set_rate(&c, 1.0);
        wait_presented(s, 3);
        avb_sink_free(s);

        s = new_sink(&f);
        tclock_init(&c, false, 1.0);
        avb_sink_set_clock(s, &tclock_ops, &c);
        assert_int_equal(avb_sink_queue(s, 5, 7000 * MS, 4), 0);
        usleep(50 * 1000); /* not primable yet: the frame waits */
        avb_sink_get_stats(s, &st);
        assert_int_equal(st.presented, 0);
        pthread_mutex_lock(&c.m);
        c.may_prime = true;
        pthread_mutex_unlock(&c.m);
        avb_sink_wake(s);
        wait_presented(s, 1);
        assert_int_equal(c.primed_pts_ns, 7000 * MS);
        avb_sink_free(s);
}

/*
 * Render first: the first frame is presented at once on a paused clock, the
 * next waits; the first frame again after a flush.
 */
static void test_render_first(void **state)
{
        struct fake f;
        struct tclock c;
        struct avb_sink *s = new_event_sink(&f);
        struct avb_sink_stats st;

        (void)state;
        tclock_init(&c, true, 0.0);
        avb_sink_set_clock(s, &tclock_ops, &c);
        avb_sink_set_render_first(s, true);
        assert_int_equal(avb_sink_queue(s, 1, 500 * MS, 4), 0);
        assert_int_equal(avb_sink_queue(s, 2, 540 * MS, 4), 0);
        wait_presented(s, 1);
        wait_event(AVB_SINK_EV_FIRST_FRAME, 1);
        usleep(50 * 1000);
        avb_sink_get_stats(s, &st);
        assert_int_equal(st.presented, 1);
        avb_sink_flush(s, false);
        assert_int_equal(avb_sink_queue(s, 3, 900 * MS, 4), 0);
        wait_presented(s, 2);
        wait_event(AVB_SINK_EV_FIRST_FRAME, 2);
        avb_sink_free(s);
        assert_int_equal(released(&f), 3);
}

/* Keep shown: the presented frame is held until the next, a flush without hold, or free. */
static void test_keep_shown(void **state)
{
        struct fake f;
        struct avb_sink *s = new_sink(&f);
        struct avb_sink_stats st;

        (void)state;
        avb_sink_set_pacing(s, AVB_SINK_AT_ONCE);
        avb_sink_set_keep_shown(s, true);
        assert_int_equal(avb_sink_queue(s, 1, 0, 4), 0);
        wait_presented(s, 1);
        avb_sink_get_stats(s, &st);
        assert_true(st.shown);
        assert_int_equal(released(&f), 0);
        assert_int_equal(avb_sink_queue(s, 2, 5000 * MS, 4), 0); /* at once: no pacing */
        wait_presented(s, 2);
        assert_int_equal(released(&f), 1);
        assert_int_equal(f.released[0], 1);
        avb_sink_flush(s, true); /* hold: frame 2 stays */
        avb_sink_get_stats(s, &st);
        assert_true(st.shown);
        assert_int_equal(released(&f), 1);
        avb_sink_flush(s, false);
        avb_sink_get_stats(s, &st);
        assert_false(st.shown);
        assert_int_equal(released(&f), 2);
        assert_int_equal(f.released[1], 2);
        assert_int_equal(avb_sink_queue(s, 3, 0, 4), 0);
        wait_presented(s, 3);
        avb_sink_free(s); /* gives the shown frame back */
        assert_int_equal(released(&f), 3);
}

/*
 * Discard until: frames before the point are released unpresented and
 * counted, queued before the call or after; the first at or after it ends
 * the discarding, so a later earlier pts is presented again.
 */
static void test_discard_until(void **state)
{
        static const struct {
                int64_t pts_ms;
                bool presented;
        } cases[] = {{0, false},  {40, false}, {80, false}, {120, true},
                     {160, true}, {100, true}, {200, true}};
        struct fake f;
        struct tclock c;
        struct avb_sink *s = new_sink(&f);
        struct avb_sink_record *r;
        struct avb_sink_stats st;
        size_t n, k = 0;

        (void)state;
        tclock_init(&c, true, 0.0); /* paused while the point is set */
        avb_sink_set_clock(s, &tclock_ops, &c);
        assert_int_equal(avb_sink_queue(s, 0, cases[0].pts_ms * MS, 4), 0);
        avb_sink_discard_until(s, 120 * MS);
        for (size_t i = 1; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_int_equal(avb_sink_queue(s, (int64_t)i, cases[i].pts_ms * MS, 4), 0);
        pthread_mutex_lock(&c.m);
        c.base_ns = 1000 * MS; /* every frame due */
        pthread_mutex_unlock(&c.m);
        tclock_set_rate(&c, 1.0);
        wait_presented(s, 4);
        avb_sink_get_stats(s, &st);
        assert_int_equal(st.discarded, 3);
        assert_int_equal(st.presented, 4);
        assert_int_equal(released(&f), 7);
        take(s, &r, &n);
        assert_int_equal(n, 4);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                if (cases[i].presented)
                        assert_int_equal(r[k++].pts_ns, cases[i].pts_ms * MS);
        free(r);
        /* a flush forgets a discard point not reached yet */
        avb_sink_discard_until(s, 9000 * MS);
        avb_sink_flush(s, false);
        assert_int_equal(avb_sink_queue(s, 9, 500 * MS, 4), 0);
        wait_presented(s, 5);
        avb_sink_free(s);
}

/*
 * Underflow: clocked, once the next frame (last pts + the step before it)
 * is due and none is queued, told once with that pts; the next frame
 * presented tells resumed. None after the end of stream.
 */
static void test_underflow(void **state)
{
        struct fake f;
        struct tclock c;
        struct avb_sink *s = new_event_sink(&f);
        struct avb_sink_frame last = {.frame = 4, .pts_ns = 80 * MS, .bytes = 4, .eos = true};
        struct avb_sink_stats st;

        (void)state;
        tclock_init(&c, true, 1.0);
        avb_sink_set_clock(s, &tclock_ops, &c);
        assert_int_equal(avb_sink_queue(s, 1, 0, 4), 0);
        assert_int_equal(avb_sink_queue(s, 2, 20 * MS, 4), 0);
        wait_presented(s, 2);
        wait_event(AVB_SINK_EV_UNDERFLOW, 1);
        pthread_mutex_lock(&evs.m);
        assert_int_equal(evs.pts[AVB_SINK_EV_UNDERFLOW], 40 * MS);
        pthread_mutex_unlock(&evs.m);
        assert_int_equal(events(AVB_SINK_EV_RESUMED), 0);
        avb_sink_get_stats(s, &st);
        assert_int_equal(st.underflows, 1);
        /* the stream goes on and ends: the silence after its last frame is no underflow */
        assert_int_equal(avb_sink_queue(s, 3, 60 * MS, 4), 0);
        assert_int_equal(avb_sink_queue_frame(s, &last), 0);
        wait_presented(s, 4);
        wait_event(AVB_SINK_EV_RESUMED, 1);
        wait_event(AVB_SINK_EV_EOS, 1);
        usleep(100 * 1000);
        assert_int_equal(events(AVB_SINK_EV_UNDERFLOW), 1);
        avb_sink_free(s);
}

/*
 * Late frames: the clock stands (almost) still at 400 ms while the frames
 * come off the queue. Slaved, a frame later than one step (at least 20 ms;
 * 20 ms with no step known: the first, one going back) is dropped,
 * released and counted, not recorded nor reported to the clock; the last
 * one, dropped, still ends the stream. Not slaved, every frame is shown.
 */
static void test_late_drop(void **state)
{
        static const struct {
                int64_t pts_ms;
                bool shown; /* when slaved */
        } frames[] = {
            {300, false}, /* 100 late, no step yet */
            {340, false}, /* 60 late, step 40 */
            {380, true},  /* 20 late, step 40 */
            {390, true},  /* 10 late, step 10: the limit is 20 */
            {395, true},  /* 5 late */
            {370, false}, /* back: no step, 30 late */
            {300, false}, /* the last: 100 late, ends the stream */
        };
        const size_t n_frames = sizeof(frames) / sizeof(frames[0]);

        (void)state;
        for (int slaved = 0; slaved <= 1; slaved++) {
                struct fake f;
                struct tclock c;
                struct avb_sink *s = new_event_sink(&f);
                struct avb_sink_record *r;
                struct avb_sink_stats st;
                size_t n, k = 0, shown = 0;

                tclock_init(&c, true, 0.0); /* paused while the frames are queued */
                c.slaved = slaved;
                avb_sink_set_clock(s, &tclock_ops, &c);
                for (size_t i = 0; i < n_frames; i++) {
                        struct avb_sink_frame fr = {.frame = (int64_t)i,
                                                    .pts_ns = frames[i].pts_ms * MS,
                                                    .bytes = 4,
                                                    .eos = i == n_frames - 1};

                        assert_int_equal(avb_sink_queue_frame(s, &fr), 0);
                        shown += !slaved || frames[i].shown;
                }
                pthread_mutex_lock(&c.m);
                c.base_ns = 400 * MS;
                pthread_mutex_unlock(&c.m);
                tclock_set_rate(&c, 1e-6); /* a microsecond of media time per second */
                wait_event(AVB_SINK_EV_EOS, 1);
                pthread_mutex_lock(&evs.m);
                assert_int_equal(evs.pts[AVB_SINK_EV_EOS], 300 * MS);
                pthread_mutex_unlock(&evs.m);
                avb_sink_get_stats(s, &st);
                assert_int_equal(st.presented, shown);
                assert_int_equal(st.dropped_late, n_frames - shown);
                assert_int_equal(released(&f), n_frames);
                take(s, &r, &n);
                assert_int_equal(n, shown);
                for (size_t i = 0; i < n_frames; i++)
                        if (!slaved || frames[i].shown)
                                assert_int_equal(r[k++].pts_ns, frames[i].pts_ms * MS);
                free(r);
                pthread_mutex_lock(&c.m);
                assert_int_equal(c.n_presented, shown);
                pthread_mutex_unlock(&c.m);
                avb_sink_free(s);
        }
}

/*
 * Clocked, pts and clock time at the ends of int64_t (the pts is the
 * client's number): a frame whose gap to the clock does not fit, or whose
 * wait at a slow rate does not, is far off and waits; one the clock has
 * passed is shown at once.
 */
static void test_clock_extremes(void **state)
{
        static const struct {
                int64_t media, pts;
                double rate;
                bool shown;
        } cases[] = {
            {-(INT64_C(1) << 62), INT64_MAX, 1.0, false}, /* the gap does not fit */
            {0, INT64_MAX / 2, 1e-6, false},              /* the wait does not fit */
            {INT64_MAX - 1000000 * MS, INT64_MIN, 1.0, true},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct fake f;
                struct tclock c;
                struct avb_sink *s = new_sink(&f);
                struct avb_sink_stats st;

                tclock_init(&c, true, cases[i].rate);
                c.base_ns = cases[i].media;
                avb_sink_set_clock(s, &tclock_ops, &c);
                assert_int_equal(avb_sink_queue(s, 1, cases[i].pts, 4), 0);
                if (cases[i].shown) {
                        wait_presented(s, 1);
                } else {
                        usleep(100 *
                               1000); /* ten clock polls: a frame shown wrongly is shown by then */
                        avb_sink_get_stats(s, &st);
                        if (st.presented != 0)
                                fail_msg("case %zu: shown long before its time", i);
                }
                avb_sink_set_clock(s, NULL, NULL);
                avb_sink_free(s);
        }
}

/* A frame discarded before the discard point that ends the stream still ends it. */
static void test_discard_eos(void **state)
{
        struct fake f;
        struct avb_sink *s = new_event_sink(&f);
        struct avb_sink_frame last = {.frame = 2, .pts_ns = 40 * MS, .bytes = 4, .eos = true};
        struct avb_sink_stats st;

        (void)state;
        avb_sink_set_pacing(s, AVB_SINK_AT_ONCE);
        avb_sink_discard_until(s, 1000 * MS);
        assert_int_equal(avb_sink_queue(s, 1, 0, 4), 0);
        assert_int_equal(avb_sink_queue_frame(s, &last), 0);
        wait_event(AVB_SINK_EV_EOS, 1);
        avb_sink_get_stats(s, &st);
        assert_int_equal(st.discarded, 2);
        assert_int_equal(st.presented, 0);
        assert_int_equal(released(&f), 2);
        avb_sink_free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_paced_in_order), cmocka_unit_test(test_flush),
            cmocka_unit_test(test_eos_and_notify), cmocka_unit_test(test_full_queue),
            cmocka_unit_test(test_reanchor),       cmocka_unit_test(test_read_failure),
            cmocka_unit_test(test_clocked),        cmocka_unit_test(test_clock_pause_and_prime),
            cmocka_unit_test(test_render_first),   cmocka_unit_test(test_keep_shown),
            cmocka_unit_test(test_discard_until),  cmocka_unit_test(test_underflow),
            cmocka_unit_test(test_late_drop),      cmocka_unit_test(test_discard_eos),
            cmocka_unit_test(test_clock_extremes),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
