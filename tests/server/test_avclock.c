/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AV clocks (server/avclock.h): the arithmetic, rate changes and pause,
 * the state machine the HAL drives, priming per mode, the master mode,
 * which sink is a slave in which mode, PCR, and a client's death. Tables
 * of cases; times are given, not read, wherever the API takes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "avclock.h"
#include "com_rdk_hal_avclock.h"

#define MS 1000000LL

/* ---- the arithmetic ------------------------------------------------------ */

static void test_base_at(void **state)
{
        static const struct {
                struct avbd_clock_base b;
                int64_t mono, want;
        } cases[] = {
            {{1000, 0, 1.0}, 0, 1000},       /* at the base */
            {{1000, 0, 1.0}, 250, 1250},     /* runs at 1x */
            {{1000, 0, 0.0}, 1000000, 1000}, /* paused: holds */
            {{0, 100, 2.0}, 150, 100},       /* 2x */
            {{0, 100, 0.5}, 301, 101},       /* 0.5x, rounded to nearest (100.5 up) */
            {{5000, 1000, 1.0}, 900, 4900},  /* before the base: back */
            {{INT64_C(90000) * MS, 7 * MS, 1.0}, 8 * MS, INT64_C(90001) * MS},
            /* the ends of int64_t: saturated, never wrapped */
            {{INT64_MAX - 10, 0, 1.0}, 100, INT64_MAX},
            {{INT64_MIN + 10, 100, 1.0}, 0, INT64_MIN},
            {{INT64_MAX, 0, 2.0}, INT64_MAX, INT64_MAX},
            {{0, 0, 2.0}, INT64_MAX, INT64_MAX},  /* the product does not fit */
            {{0, INT64_MAX, 1.0}, -2, INT64_MIN}, /* the difference does not fit */
            {{INT64_MIN, INT64_MIN, 0.5},
             INT64_MAX,
             -(INT64_C(1) << 62)}, /* half of the saturated span */
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int64_t got = avbd_clock_base_at(&cases[i].b, cases[i].mono);

                if (got != cases[i].want)
                        fail_msg("case %zu: %lld, not %lld", i, (long long)got,
                                 (long long)cases[i].want);
        }
}

/* A run of rate changes, each re-basing: the time read after each step. */
static void test_rate_changes(void **state)
{
        static const struct {
                int64_t mono;
                double rate; /* < 0: only read */
                int64_t want;
        } steps[] = {
            {100, -1, 1100},  /* 1x from (1000 @ 0) */
            {100, 0.0, 1100}, /* pause at 100 */
            {500, -1, 1100},  /* held */
            {600, 2.0, 1100}, /* resume at 2x from where it was held */
            {700, -1, 1300},  {700, 0.5, 1300}, {900, -1, 1400}, {900, 1.0, 1400}, {1000, -1, 1500},
        };
        struct avbd_clock_base b = {1000, 0, 1.0};

        (void)state;
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
                if (steps[i].rate >= 0)
                        avbd_clock_base_set_rate(&b, steps[i].mono, steps[i].rate);
                if (avbd_clock_base_at(&b, steps[i].mono) != steps[i].want)
                        fail_msg("step %zu: %lld, not %lld", i,
                                 (long long)avbd_clock_base_at(&b, steps[i].mono),
                                 (long long)steps[i].want);
        }
}

static void test_base_due(void **state)
{
        static const struct {
                struct avbd_clock_base b;
                int64_t media, want;
        } cases[] = {
            {{1000, 0, 1.0}, 1500, 500},
            {{1000, 0, 2.0}, 1500, 250},
            {{1000, 0, 0.5}, 1501, 1002},      /* ceil: the first mono reaching it */
            {{1000, 0, 0.0}, 1500, INT64_MAX}, /* paused before it: never */
            {{1000, 0, 0.0}, 1000, 0},         /* paused on it: now */
            {{1000, 50, 1.0}, 900, -50},       /* already passed */
            /* the ends of int64_t: never, or long past */
            {{INT64_MIN, 0, 1.0}, INT64_MAX, INT64_MAX},
            {{0, 1000, 0.5}, INT64_MAX, INT64_MAX},
            {{INT64_MAX, 0, 1.0}, INT64_MIN, INT64_MIN},
            {{INT64_MAX, -10, 0.5}, INT64_MIN, INT64_MIN},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int64_t got = avbd_clock_base_due(&cases[i].b, cases[i].media);

                if (got != cases[i].want)
                        fail_msg("case %zu: %lld, not %lld", i, (long long)got,
                                 (long long)cases[i].want);
                /* and the clock has reached the time there */
                if (got != INT64_MAX && avbd_clock_base_at(&cases[i].b, got) < cases[i].media &&
                    cases[i].b.rate > 0)
                        fail_msg("case %zu: not reached at its due time", i);
        }
}

/* ---- the clocks ------------------------------------------------------------ */

struct heard {
        int states[32][3]; /* controller?, from, to */
        int n_states;
        int primed;
        int64_t primed_at;
};

static struct heard heard;

static avb_status on_state(avb_binder *l, bool controller, enum avbd_clock_state from,
                           enum avbd_clock_state to)
{
        (void)l;
        if (heard.n_states < 32) {
                heard.states[heard.n_states][0] = controller;
                heard.states[heard.n_states][1] = (int)from;
                heard.states[heard.n_states][2] = (int)to;
                heard.n_states++;
        }
        return avb_status_ok();
}

static avb_status on_primed(avb_binder *l, int64_t media_ns, int64_t mono_ns)
{
        (void)l;
        (void)mono_ns;
        heard.primed++;
        heard.primed_at = media_ns;
        return avb_status_ok();
}

static const struct avbd_clock_notify_ops notify = {.state = on_state, .primed = on_primed};

struct fixture {
        struct avbd_clocks *cs;
        avb_binder *listener;          /* an identity only: the notify ops above are called */
        uint64_t gen[AVBD_CLOCKS + 1]; /* each clock's last open (a controller's number) */
};

static const com_rdk_hal_avclock_IAVClockControllerListener_ops no_ops = {0};

static int setup(void **state)
{
        static struct fixture f;

        memset(&heard, 0, sizeof(heard));
        memset(f.gen, 0, sizeof(f.gen));
        if (avbd_clocks_new(AVBD_CLOCKS, &f.cs) < 0)
                return -1;
        avbd_clocks_set_notify(f.cs, &notify);
        if (com_rdk_hal_avclock_IAVClockControllerListener_new_local(&no_ops, NULL, NULL,
                                                                     &f.listener) < 0)
                return -1;
        *state = &f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        avbd_clocks_free(f->cs);
        avb_binder_unref(f->listener);
        return 0;
}

#define A 7 /* the client that opens */
/* A call by client, through the controller of clock id's last open. */
#define BY(f, id, client) ((struct avbd_clock_caller){(client), (f)->gen[(id)]})
#define B                 8 /* another */

/* One call of the controller API and what it must give. */
enum op { OPEN, CLOSE, START, STOP, MODE, RATE, PCR, TIME, GONE };

static int run(struct fixture *f, int32_t id, enum op op, uint64_t client, double arg)
{
        bool primed;
        int64_t media, mono;

        switch (op) {
        case OPEN:
                return avbd_clock_open(f->cs, id, client, f->listener, &f->gen[id]);
        case CLOSE:
                return avbd_clock_close(f->cs, id, BY(f, id, client));
        case START:
                return avbd_clock_start(f->cs, id, BY(f, id, client));
        case STOP:
                return avbd_clock_stop(f->cs, id, BY(f, id, client));
        case MODE:
                return avbd_clock_set_mode(f->cs, id, BY(f, id, client), (enum avbd_clock_mode)arg);
        case RATE:
                return avbd_clock_set_rate(f->cs, id, BY(f, id, client), arg);
        case PCR:
                return avbd_clock_pcr(f->cs, id, BY(f, id, client), (int64_t)arg, 1000);
        case TIME:
                return avbd_clock_time(f->cs, id, BY(f, id, client), &primed, &media, &mono);
        case GONE:
                avbd_clocks_client_gone(f->cs, client);
                return 0;
        }
        return -1;
}

static void test_state_machine(void **state)
{
        struct fixture *f = *state;
        static const struct {
                int32_t id;
                enum op op;
                uint64_t client;
                double arg;
                int want;
                enum avbd_clock_state after;
        } steps[] = {
            {AVBD_CLOCKS, OPEN, A, 0, -ENOENT, AVBD_CLOCK_CLOSED}, /* no such clock */
            {0, START, A, 0, -ESTALE, AVBD_CLOCK_CLOSED},          /* not open */
            {0, OPEN, A, 0, 0, AVBD_CLOCK_READY},
            {0, OPEN, B, 0, -EBADFD, AVBD_CLOCK_READY}, /* open already */
            {0, START, B, 0, -EPERM, AVBD_CLOCK_READY}, /* not B's */
            {0, TIME, A, 0, -EBADFD, AVBD_CLOCK_READY}, /* only when started */
            {0, STOP, A, 0, -EBADFD, AVBD_CLOCK_READY},
            {0, MODE, A, 9, -EINVAL, AVBD_CLOCK_READY},
            {0, MODE, A, AVBD_CLOCK_AUDIO_MASTER, 0, AVBD_CLOCK_READY},
            {0, RATE, A, 0.5, 0, AVBD_CLOCK_READY}, /* READY takes a rate */
            {0, START, A, 0, 0, AVBD_CLOCK_STARTED},
            {0, MODE, A, AVBD_CLOCK_AUTO, -EBADFD, AVBD_CLOCK_STARTED}, /* READY only */
            {0, TIME, A, 0, 0, AVBD_CLOCK_STARTED},
            {0, CLOSE, A, 0, -EBADFD, AVBD_CLOCK_STARTED}, /* READY only */
            {0, PCR, A, 5, -EBADFD, AVBD_CLOCK_STARTED},   /* not in PCR mode */
            {0, STOP, A, 0, 0, AVBD_CLOCK_READY},
            {0, CLOSE, A, 0, 0, AVBD_CLOCK_CLOSED},
            {1, OPEN, B, 0, 0, AVBD_CLOCK_READY}, /* the other clock, another client */
            {1, START, B, 0, 0, AVBD_CLOCK_STARTED},
            {1, GONE, A, 0, 0, AVBD_CLOCK_STARTED}, /* not A's */
            {1, GONE, B, 0, 0, AVBD_CLOCK_CLOSED},  /* stopped and closed */
            {1, OPEN, A, 0, 0, AVBD_CLOCK_READY},   /* free again */
        };

        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
                struct avbd_clock_info in;
                int e = run(f, steps[i].id, steps[i].op, steps[i].client, steps[i].arg);

                if (e != steps[i].want)
                        fail_msg("step %zu: %d, not %d", i, e, steps[i].want);
                if (steps[i].want != -ENOENT) {
                        assert_int_equal(avbd_clock_info(f->cs, steps[i].id, &in), 0);
                        if (in.state != steps[i].after)
                                fail_msg("step %zu: state %d, not %d", i, in.state, steps[i].after);
                }
        }
}

/*
 * A call through the controller of an earlier open of the same client is
 * refused by the core itself, under its lock, whatever the state: the
 * check and the act are one step, so a call racing its client's close and
 * reopen cannot act on the new open (the HAL only passes the numbers on).
 */
static void test_stale_open(void **state)
{
        struct fixture *f = *state;
        static const enum op ops[] = {CLOSE, START, STOP, MODE, RATE, PCR, TIME};
        struct avbd_clock_caller old;
        struct avbd_clock_info in;
        double rate;

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        old = BY(f, 0, A);
        assert_int_equal(avbd_clock_close(f->cs, 0, old), 0);
        assert_int_equal(avbd_clock_start(f->cs, 0, old), -ESTALE); /* closed */
        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        assert_true(f->gen[0] != old.gen);
        for (int started = 0; started <= 1; started++) {
                for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
                        uint64_t now = f->gen[0];
                        int e;

                        f->gen[0] = old.gen;
                        e = run(f, 0, ops[i], A, ops[i] == MODE ? AVBD_CLOCK_PCR : 1.0);
                        f->gen[0] = now;
                        if (e != -ESTALE)
                                fail_msg("op %d (started %d): %d, not -ESTALE", (int)ops[i],
                                         started, e);
                        assert_int_equal(avbd_clock_info(f->cs, 0, &in), 0);
                        assert_int_equal(in.state, started ? AVBD_CLOCK_STARTED : AVBD_CLOCK_READY);
                }
                assert_int_equal(avbd_clock_get_rate(f->cs, 0, old, &rate), -ESTALE);
                if (!started)
                        assert_int_equal(avbd_clock_start(f->cs, 0, BY(f, 0, A)), 0);
        }
        /* the new open's own number acts; a zero number (a controller never handed out) not */
        assert_int_equal(avbd_clock_stop(f->cs, 0, (struct avbd_clock_caller){A, 0}), -ESTALE);
        assert_int_equal(avbd_clock_stop(f->cs, 0, BY(f, 0, A)), 0);
        assert_int_equal(avbd_clock_close(f->cs, 0, BY(f, 0, A)), 0);
}

/* What the listener hears from open to close, and the client's death. */
static void test_notifications(void **state)
{
        struct fixture *f = *state;
        static const int want[][3] = {
            {1, 1, 2}, {1, 2, 3}, /* open: CLOSED OPENING READY */
            {1, 3, 4}, {1, 4, 5}, /* start */
            {1, 5, 7}, {1, 7, 3}, /* the client died: stopped */
            {1, 3, 8}, {1, 8, 1}, /* and closed */
        };

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        assert_int_equal(avbd_clock_start(f->cs, 0, BY(f, 0, A)), 0);
        assert_int_equal(heard.primed, 0);
        assert_int_equal(avbd_clock_prime(f->cs, 0, AVBD_CLOCK_FROM_VIDEO, 4242, 1), 1);
        assert_int_equal(heard.primed, 1);
        assert_int_equal(heard.primed_at, 4242);
        avbd_clocks_client_gone(f->cs, A);
        assert_int_equal(heard.n_states, sizeof(want) / sizeof(want[0]));
        for (int i = 0; i < heard.n_states; i++)
                if (memcmp(heard.states[i], want[i], sizeof(want[i])) != 0)
                        fail_msg("event %d: %d %d->%d", i, heard.states[i][0], heard.states[i][1],
                                 heard.states[i][2]);
}

static void test_rates_refused(void **state)
{
        struct fixture *f = *state;
        static const struct {
                double rate;
                int want;
        } cases[] = {
            {0.0, 0},        {0.5, 0},        {1.0, 0},        {1.5, 0},
            {2.0, 0},        {-1.0, -EINVAL}, {0.25, -EINVAL}, {0.49, -EINVAL},
            {2.01, -EINVAL}, {4.0, -EINVAL},  {NAN, -EINVAL},  {INFINITY, -EINVAL},
        };
        double r;

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_int_equal(avbd_clock_set_rate(f->cs, 0, BY(f, 0, A), 1.0), 0);
                if (avbd_clock_set_rate(f->cs, 0, BY(f, 0, A), cases[i].rate) != cases[i].want)
                        fail_msg("rate %g: not %d", cases[i].rate, cases[i].want);
                assert_int_equal(avbd_clock_get_rate(f->cs, 0, BY(f, 0, A), &r), 0);
                assert_true(cases[i].want ? r == 1.0 : r == cases[i].rate);
        }
        /* no rate at all in PCR mode */
        assert_int_equal(avbd_clock_set_mode(f->cs, 0, BY(f, 0, A), AVBD_CLOCK_PCR), 0);
        assert_int_equal(avbd_clock_set_rate(f->cs, 0, BY(f, 0, A), 1.0), -EBADFD);
        assert_int_equal(avbd_clock_get_rate(f->cs, 0, BY(f, 0, A), &r), -EBADFD);
}

/* Which sink primes the clock in which mode. */
static void test_priming(void **state)
{
        struct fixture *f = *state;
        static const struct {
                enum avbd_clock_mode mode;
                enum avbd_clock_source src;
                int want;
        } cases[] = {
            {AVBD_CLOCK_AUTO, AVBD_CLOCK_FROM_AUDIO, 1},
            {AVBD_CLOCK_AUTO, AVBD_CLOCK_FROM_VIDEO, 1},
            {AVBD_CLOCK_AUDIO_MASTER, AVBD_CLOCK_FROM_AUDIO, 1},
            {AVBD_CLOCK_AUDIO_MASTER, AVBD_CLOCK_FROM_VIDEO, 0},
            {AVBD_CLOCK_VIDEO_MASTER, AVBD_CLOCK_FROM_VIDEO, 1},
            {AVBD_CLOCK_VIDEO_MASTER, AVBD_CLOCK_FROM_AUDIO, 0},
            {AVBD_CLOCK_PCR, AVBD_CLOCK_FROM_AUDIO, 0},
        };
        int64_t t;

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_int_equal(avbd_clock_set_mode(f->cs, 0, BY(f, 0, A), cases[i].mode), 0);
                /* not started: nothing primes */
                assert_int_equal(avbd_clock_prime(f->cs, 0, cases[i].src, 500 * MS, 10 * MS), 0);
                assert_int_equal(avbd_clock_start(f->cs, 0, BY(f, 0, A)), 0);
                assert_int_equal(avbd_clock_now(f->cs, 0, 10 * MS, &t), -EAGAIN);
                if (avbd_clock_prime(f->cs, 0, cases[i].src, 500 * MS, 10 * MS) != cases[i].want)
                        fail_msg("case %zu: not %d", i, cases[i].want);
                if (cases[i].want) {
                        assert_int_equal(avbd_clock_now(f->cs, 0, 30 * MS, &t), 0);
                        assert_int_equal(t, 520 * MS);
                        /* primed once per start */
                        assert_int_equal(
                            avbd_clock_prime(f->cs, 0, cases[i].src, 900 * MS, 30 * MS), 0);
                        assert_int_equal(avbd_clock_now(f->cs, 0, 30 * MS, &t), 0);
                        assert_int_equal(t, 520 * MS);
                }
                assert_int_equal(avbd_clock_stop(f->cs, 0, BY(f, 0, A)), 0);
                assert_int_equal(avbd_clock_now(f->cs, 0, 30 * MS, &t), -EAGAIN);
        }
        assert_int_equal(avbd_clock_now(f->cs, 5, 0, &t), -ENOENT);
}

/* The master's presented frames move the clock; others only measure. */
static void test_master(void **state)
{
        struct fixture *f = *state;
        static const struct {
                enum avbd_clock_mode mode;
                enum avbd_clock_source src;
                int64_t pts, mono; /* presented pts at mono (primed 0 @ 0) */
                int64_t want_at_mono, want_resyncs;
        } cases[] = {
            /* audio master, audio 50 ms behind the clock: the clock follows it */
            {AVBD_CLOCK_AUDIO_MASTER, AVBD_CLOCK_FROM_AUDIO, 50 * MS, 100 * MS, 50 * MS, 1},
            /* within the slack: left alone */
            {AVBD_CLOCK_AUDIO_MASTER, AVBD_CLOCK_FROM_AUDIO, 90 * MS, 100 * MS, 100 * MS, 0},
            /* video in audio master mode: measured only */
            {AVBD_CLOCK_AUDIO_MASTER, AVBD_CLOCK_FROM_VIDEO, 50 * MS, 100 * MS, 100 * MS, 0},
            {AVBD_CLOCK_VIDEO_MASTER, AVBD_CLOCK_FROM_VIDEO, 50 * MS, 100 * MS, 50 * MS, 1},
            {AVBD_CLOCK_AUTO, AVBD_CLOCK_FROM_AUDIO, 50 * MS, 100 * MS, 100 * MS, 0},
            /* a master frame at either end of int64_t: lateness saturates, the clock follows */
            {AVBD_CLOCK_AUDIO_MASTER, AVBD_CLOCK_FROM_AUDIO, INT64_MIN, 100 * MS, INT64_MIN, 1},
            {AVBD_CLOCK_VIDEO_MASTER, AVBD_CLOCK_FROM_VIDEO, INT64_MAX, 100 * MS, INT64_MAX, 1},
        };

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct avbd_clock_info in;
                int64_t t;

                assert_int_equal(avbd_clock_set_mode(f->cs, 0, BY(f, 0, A), cases[i].mode), 0);
                assert_int_equal(avbd_clock_start(f->cs, 0, BY(f, 0, A)), 0);
                /* primed by the mode's own source (audio in AUTO) */
                assert_int_equal(avbd_clock_prime(f->cs, 0,
                                                  cases[i].mode == AVBD_CLOCK_VIDEO_MASTER
                                                      ? AVBD_CLOCK_FROM_VIDEO
                                                      : AVBD_CLOCK_FROM_AUDIO,
                                                  0, 0),
                                 1);
                avbd_clock_presented(f->cs, 0, cases[i].src, cases[i].pts, cases[i].mono);
                assert_int_equal(avbd_clock_now(f->cs, 0, cases[i].mono, &t), 0);
                if (t != cases[i].want_at_mono)
                        fail_msg("case %zu: %lld ns, not %lld", i, (long long)t,
                                 (long long)cases[i].want_at_mono);
                assert_int_equal(avbd_clock_info(f->cs, 0, &in), 0);
                assert_int_equal(in.resync_count, cases[i].want_resyncs);
                assert_int_equal(avbd_clock_stop(f->cs, 0, BY(f, 0, A)), 0);
                assert_int_equal(avbd_clock_close(f->cs, 0, BY(f, 0, A)), 0);
                assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        }
}

/* Which sink is the clock's slave (and drops late frames) in which mode. */
static void test_slaves(void **state)
{
        struct fixture *f = *state;
        static const struct {
                enum avbd_clock_mode mode;
                bool audio, video;
        } cases[] = {
            {AVBD_CLOCK_AUTO, false, false},
            {AVBD_CLOCK_PCR, true, true},
            {AVBD_CLOCK_AUDIO_MASTER, false, true},
            {AVBD_CLOCK_VIDEO_MASTER, true, false},
        };

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_int_equal(avbd_clock_set_mode(f->cs, 0, BY(f, 0, A), cases[i].mode), 0);
                if (avbd_clock_slaves(f->cs, 0, AVBD_CLOCK_FROM_AUDIO) != cases[i].audio ||
                    avbd_clock_slaves(f->cs, 0, AVBD_CLOCK_FROM_VIDEO) != cases[i].video)
                        fail_msg("case %zu: the wrong slaves", i);
        }
        assert_false(avbd_clock_slaves(f->cs, 5, AVBD_CLOCK_FROM_VIDEO)); /* no such clock */
}

/* Audio and video lateness apart is the sync metric. */
static void test_sync_metric(void **state)
{
        struct fixture *f = *state;
        struct avbd_clock_info in;

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        assert_int_equal(avbd_clock_start(f->cs, 0, BY(f, 0, A)), 0);
        assert_int_equal(avbd_clock_prime(f->cs, 0, AVBD_CLOCK_FROM_AUDIO, 0, 0), 1);
        avbd_clock_presented(f->cs, 0, AVBD_CLOCK_FROM_AUDIO, 100 * MS, 102 * MS); /* 2 late */
        assert_int_equal(avbd_clock_info(f->cs, 0, &in), 0);
        assert_int_equal(in.sync_accuracy_ms, 0); /* no video yet */
        avbd_clock_presented(f->cs, 0, AVBD_CLOCK_FROM_VIDEO, 100 * MS, 109 * MS); /* 9 late */
        assert_int_equal(avbd_clock_info(f->cs, 0, &in), 0);
        assert_int_equal(in.sync_accuracy_ms, 7);
        /* lateness at both ends of int64_t: the metric saturates, it does not wrap to 0 */
        avbd_clock_presented(f->cs, 0, AVBD_CLOCK_FROM_AUDIO, INT64_MIN, 0);
        avbd_clock_presented(f->cs, 0, AVBD_CLOCK_FROM_VIDEO, INT64_MAX, 0);
        assert_int_equal(avbd_clock_info(f->cs, 0, &in), 0);
        assert_int_equal(in.sync_accuracy_ms, INT32_MAX);
}

static void test_pcr(void **state)
{
        struct fixture *f = *state;
        static const struct {
                int64_t pcr, sample, read_at, want;
                int want_e, resyncs;
        } steps[] = {
            {-1, 10, 0, 0, -EINVAL, 0},                     /* refused, clock still unprimed */
            {1000 * MS, 10 * MS, 20 * MS, 1010 * MS, 0, 0}, /* primes */
            {1011 * MS, 20 * MS, 30 * MS, 1021 * MS, 0, 0}, /* 1 ms of jitter: followed */
            {5000 * MS, 30 * MS, 40 * MS, 5010 * MS, 0, 1}, /* a jump: a resync */
            /* the ends of int64_t: the time stands at INT64_MAX, not wrapped */
            {INT64_MAX, 50 * MS, 60 * MS, INT64_MAX, 0, 2},
            {0, 70 * MS, 70 * MS, 0, 0, 3},
            {MS, INT64_MAX, INT64_MAX, MS, 0, 4},
            {MS, INT64_MAX, 0, MS - INT64_MAX, 0, 4},
        };
        struct avbd_clock_info in;
        int64_t t;

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        assert_int_equal(avbd_clock_set_mode(f->cs, 0, BY(f, 0, A), AVBD_CLOCK_PCR), 0);
        assert_int_equal(avbd_clock_pcr(f->cs, 0, BY(f, 0, A), 0, 10), -EBADFD); /* not started */
        assert_int_equal(avbd_clock_start(f->cs, 0, BY(f, 0, A)), 0);
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
                int e = avbd_clock_pcr(f->cs, 0, BY(f, 0, A), steps[i].pcr, steps[i].sample);

                if (e != steps[i].want_e)
                        fail_msg("step %zu: %d, not %d", i, e, steps[i].want_e);
                if (e == 0) {
                        assert_int_equal(avbd_clock_now(f->cs, 0, steps[i].read_at, &t), 0);
                        assert_int_equal(t, steps[i].want);
                } else {
                        assert_int_equal(avbd_clock_now(f->cs, 0, steps[i].read_at, &t), -EAGAIN);
                }
                assert_int_equal(avbd_clock_info(f->cs, 0, &in), 0);
                assert_int_equal(in.resync_count, steps[i].resyncs);
        }
}

/* A pause through the API holds the time; resuming goes on from it. */
static void test_pause_resume(void **state)
{
        struct fixture *f = *state;
        struct avbd_clock_reading r1, r2;
        int64_t due;

        assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
        assert_int_equal(avbd_clock_start(f->cs, 0, BY(f, 0, A)), 0);
        assert_int_equal(avbd_clock_prime(f->cs, 0, AVBD_CLOCK_FROM_AUDIO, 0, 0), 1);
        assert_int_equal(avbd_clock_set_rate(f->cs, 0, BY(f, 0, A), 0.0), 0);
        assert_int_equal(avbd_clock_read(f->cs, 0, 1, &r1), 0);
        assert_int_equal(avbd_clock_read(f->cs, 0, INT64_C(1) << 50, &r2), 0);
        assert_true(r1.running && r2.running);
        assert_int_equal(r1.media_ns, r2.media_ns);
        assert_int_equal(avbd_clock_due(f->cs, 0, r1.media_ns + 1, &due), 0);
        assert_true(due == INT64_MAX);
        assert_int_equal(avbd_clock_set_rate(f->cs, 0, BY(f, 0, A), 1.0), 0);
        assert_int_equal(avbd_clock_due(f->cs, 0, r1.media_ns + 1, &due), 0);
        assert_true(due != INT64_MAX);
        assert_int_equal(avbd_clock_read(f->cs, 0, due, &r2), 0);
        assert_true(r2.media_ns >= r1.media_ns + 1);
}

/*
 * A rate set on a clock primed at either end of int64_t re-bases it at
 * "now" (avb_now_ns): the time there saturates rather than wraps.
 */
static void test_rate_at_the_ends(void **state)
{
        struct fixture *f = *state;
        static const struct {
                int64_t pts, mono; /* primed at */
                double rate;
                int64_t read_at, want;
        } cases[] = {
            {INT64_MAX - 1, 0, 0.5, INT64_C(1) << 62, INT64_MAX},
            {INT64_MIN + 1, INT64_C(1) << 62, 2.0, 0, INT64_MIN},
            {INT64_MAX, 0, 0.0, INT64_C(1) << 62, INT64_MAX}, /* paused at the end */
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int64_t t;

                assert_int_equal(avbd_clock_open(f->cs, 0, A, f->listener, &f->gen[0]), 0);
                assert_int_equal(avbd_clock_start(f->cs, 0, BY(f, 0, A)), 0);
                assert_int_equal(
                    avbd_clock_prime(f->cs, 0, AVBD_CLOCK_FROM_VIDEO, cases[i].pts, cases[i].mono),
                    1);
                assert_int_equal(avbd_clock_set_rate(f->cs, 0, BY(f, 0, A), cases[i].rate), 0);
                assert_int_equal(avbd_clock_now(f->cs, 0, cases[i].read_at, &t), 0);
                if (t != cases[i].want)
                        fail_msg("case %zu: %lld, not %lld", i, (long long)t,
                                 (long long)cases[i].want);
                assert_int_equal(avbd_clock_stop(f->cs, 0, BY(f, 0, A)), 0);
                assert_int_equal(avbd_clock_close(f->cs, 0, BY(f, 0, A)), 0);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_base_at),
            cmocka_unit_test(test_rate_changes),
            cmocka_unit_test(test_base_due),
            cmocka_unit_test_setup_teardown(test_state_machine, setup, teardown),
            cmocka_unit_test_setup_teardown(test_stale_open, setup, teardown),
            cmocka_unit_test_setup_teardown(test_notifications, setup, teardown),
            cmocka_unit_test_setup_teardown(test_rates_refused, setup, teardown),
            cmocka_unit_test_setup_teardown(test_priming, setup, teardown),
            cmocka_unit_test_setup_teardown(test_master, setup, teardown),
            cmocka_unit_test_setup_teardown(test_slaves, setup, teardown),
            cmocka_unit_test_setup_teardown(test_sync_metric, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pcr, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pause_resume, setup, teardown),
            cmocka_unit_test_setup_teardown(test_rate_at_the_ends, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
