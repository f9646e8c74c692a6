/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AV clocks (avclock.h): the arithmetic, the state machine the HAL
 * drives, and the in-process API the sinks read.
 *
 * Why the arithmetic keeps a base and not a running sum: a clock is read
 * far more often (every sink wake-up) than it changes (start, prime, rate,
 * PCR), so a reading is one multiply from the last change, and a rate
 * change only moves the base to "now" - nothing accumulates rounding.
 *
 * Why a sink primes the clock with the pts of the first frame it receives
 * rather than it presents: presenting waits for the clock, so the clock
 * cannot wait for presenting.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "avclock.h"
#include "util.h"

/* ---- the arithmetic ------------------------------------------------------ */

/*
 * Why every step saturates: pts and PCR values are the client's numbers
 * (any int64_t), sample times too, so a sum or a difference of two of them
 * may not fit; the clock then stands at the end of the range it ran into
 * (avclock.h says what that means to a sink) rather than wrapping round to
 * the other end, which would show a far-future frame at once.
 */
static int64_t sat_add(int64_t a, int64_t b)
{
        int64_t r;

        if (__builtin_add_overflow(a, b, &r))
                return b > 0 ? INT64_MAX : INT64_MIN;
        return r;
}

static int64_t sat_sub(int64_t a, int64_t b)
{
        int64_t r;

        if (__builtin_sub_overflow(a, b, &r))
                return b < 0 ? INT64_MAX : INT64_MIN;
        return r;
}

static int64_t sat_abs(int64_t a)
{
        return a == INT64_MIN ? INT64_MAX : llabs(a);
}

/* x truncated toward zero, saturated (avbufferd links no libm; NaN gives 0). */
static int64_t trunc_ll(double x)
{
        if (x != x)
                return 0;
        if (x >= 0x1p63)
                return INT64_MAX;
        if (x < -0x1p63)
                return INT64_MIN;
        return (int64_t)x;
}

/* Rounded half away from zero. */
static int64_t round_ll(double x)
{
        return trunc_ll(x >= 0 ? x + 0.5 : x - 0.5);
}

static int64_t ceil_ll(double x)
{
        int64_t t = trunc_ll(x);

        return t != INT64_MAX && (double)t < x ? t + 1 : t;
}

static int64_t floor_ll(double x)
{
        int64_t t = trunc_ll(x);

        return t != INT64_MIN && (double)t > x ? t - 1 : t;
}

int64_t avbd_clock_base_at(const struct avbd_clock_base *b, int64_t mono_ns)
{
        int64_t since = sat_sub(mono_ns, b->mono_ns);

        /* at 1x (PCR, most playback) in integers: exact however far from the base */
        return sat_add(b->media_ns, b->rate == 1.0 ? since : round_ll((double)since * b->rate));
}

void avbd_clock_base_set_rate(struct avbd_clock_base *b, int64_t mono_ns, double rate)
{
        b->media_ns = avbd_clock_base_at(b, mono_ns);
        b->mono_ns = mono_ns;
        b->rate = rate;
}

int64_t avbd_clock_base_due(const struct avbd_clock_base *b, int64_t media_ns)
{
        int64_t ahead = sat_sub(media_ns, b->media_ns);

        if (ahead <= 0) /* reached at the base already (or before, when running) */
                return b->rate > 0 ? sat_add(b->mono_ns, floor_ll((double)ahead / b->rate))
                                   : b->mono_ns;
        if (b->rate <= 0)
                return INT64_MAX;
        return sat_add(b->mono_ns, ceil_ll((double)ahead / b->rate));
}

/* ---- the clocks ---------------------------------------------------------- */

struct clock {
        int32_t id;
        enum avbd_clock_state state;
        uint64_t owner;       /* the client that opened it */
        uint64_t gen;         /* counts opens */
        avb_binder *listener; /* the controller listener while open */
        avb_binder *events[AVBD_CLOCK_LISTENERS];
        enum avbd_clock_mode mode;
        struct avbd_clock_base base; /* valid once primed */
        double rate;                 /* the rate set (kept while unprimed) */
        bool primed;
        uint64_t epoch;
        int64_t late_ns[2]; /* per source: clock time minus pts at the last presentation */
        bool has_late[2];
        int32_t resyncs;
};

struct avbd_clocks {
        pthread_mutex_t lock;
        const struct avbd_clock_notify_ops *notify;
        size_t n;
        struct clock clocks[];
};

int avbd_clocks_new(size_t n, struct avbd_clocks **ret)
{
        struct avbd_clocks *cs = calloc(1, sizeof(*cs) + n * sizeof(struct clock));

        if (!cs)
                return -ENOMEM;
        pthread_mutex_init(&cs->lock, NULL);
        cs->n = n;
        for (size_t i = 0; i < n; i++) {
                cs->clocks[i].id = (int32_t)i;
                cs->clocks[i].state = AVBD_CLOCK_CLOSED;
                cs->clocks[i].rate = 1.0;
        }
        *ret = cs;
        return 0;
}

void avbd_clocks_free(struct avbd_clocks *cs)
{
        if (!cs)
                return;
        for (size_t i = 0; i < cs->n; i++) {
                avb_binder_unref(cs->clocks[i].listener);
                for (int k = 0; k < AVBD_CLOCK_LISTENERS; k++)
                        avb_binder_unref(cs->clocks[i].events[k]);
        }
        pthread_mutex_destroy(&cs->lock);
        free(cs);
}

size_t avbd_clocks_count(const struct avbd_clocks *cs)
{
        return cs->n;
}

void avbd_clocks_set_notify(struct avbd_clocks *cs, const struct avbd_clock_notify_ops *ops)
{
        cs->notify = ops;
}

static struct clock *find(struct avbd_clocks *cs, int32_t id)
{
        return id >= 0 && (size_t)id < cs->n ? &cs->clocks[id] : NULL;
}

bool avbd_clock_exists(struct avbd_clocks *cs, int32_t id)
{
        return find(cs, id) != NULL;
}

/* Locked. The state moves to `to`; everyone listening hears it. */
static void set_state(struct avbd_clocks *cs, struct clock *c, enum avbd_clock_state to)
{
        enum avbd_clock_state from = c->state;

        c->state = to;
        if (!cs->notify)
                return;
        if (c->listener)
                (void)cs->notify->state(c->listener, true, from, to);
        for (int k = 0; k < AVBD_CLOCK_LISTENERS; k++) {
                if (c->events[k] && !avb_binder_is_alive(c->events[k])) {
                        c->events[k] = avb_binder_unref(c->events[k]); /* its process has gone */
                        continue;
                }
                if (c->events[k])
                        (void)cs->notify->state(c->events[k], false, from, to);
        }
}

/* Locked. The clock starts at media_ns from mono_ns. */
static void prime(struct avbd_clocks *cs, struct clock *c, int64_t media_ns, int64_t mono_ns)
{
        c->base = (struct avbd_clock_base){media_ns, mono_ns, c->rate};
        c->primed = true;
        c->epoch++;
        if (cs->notify && c->listener)
                (void)cs->notify->primed(c->listener, media_ns, mono_ns);
}

int avbd_clock_read(struct avbd_clocks *cs, int32_t id, int64_t mono_ns,
                    struct avbd_clock_reading *ret)
{
        struct clock *c = find(cs, id);

        if (!c)
                return -ENOENT;
        pthread_mutex_lock(&cs->lock);
        ret->running = c->state == AVBD_CLOCK_STARTED && c->primed;
        ret->media_ns = ret->running ? avbd_clock_base_at(&c->base, mono_ns) : 0;
        ret->rate = c->rate;
        ret->epoch = c->epoch;
        pthread_mutex_unlock(&cs->lock);
        return 0;
}

int avbd_clock_now(struct avbd_clocks *cs, int32_t id, int64_t mono_ns, int64_t *ret_ns)
{
        struct avbd_clock_reading r;
        int e = avbd_clock_read(cs, id, mono_ns, &r);

        if (e < 0)
                return e;
        if (!r.running)
                return -EAGAIN;
        *ret_ns = r.media_ns;
        return 0;
}

int avbd_clock_due(struct avbd_clocks *cs, int32_t id, int64_t media_ns, int64_t *ret_mono_ns)
{
        struct clock *c = find(cs, id);
        int e = -EAGAIN;

        if (!c)
                return -ENOENT;
        pthread_mutex_lock(&cs->lock);
        if (c->state == AVBD_CLOCK_STARTED && c->primed) {
                *ret_mono_ns = avbd_clock_base_due(&c->base, media_ns);
                e = 0;
        }
        pthread_mutex_unlock(&cs->lock);
        return e;
}

static bool takes(enum avbd_clock_mode mode, enum avbd_clock_source src)
{
        switch (mode) {
        case AVBD_CLOCK_AUTO:
                return true;
        case AVBD_CLOCK_AUDIO_MASTER:
                return src == AVBD_CLOCK_FROM_AUDIO;
        case AVBD_CLOCK_VIDEO_MASTER:
                return src == AVBD_CLOCK_FROM_VIDEO;
        default: /* PCR: only notifyPCRSample */
                return false;
        }
}

int avbd_clock_prime(struct avbd_clocks *cs, int32_t id, enum avbd_clock_source src, int64_t pts_ns,
                     int64_t mono_ns)
{
        struct clock *c = find(cs, id);
        int r = 0;

        if (!c)
                return -ENOENT;
        pthread_mutex_lock(&cs->lock);
        if (c->state == AVBD_CLOCK_STARTED && !c->primed && takes(c->mode, src)) {
                prime(cs, c, pts_ns, mono_ns);
                r = 1;
        }
        pthread_mutex_unlock(&cs->lock);
        return r;
}

void avbd_clock_presented(struct avbd_clocks *cs, int32_t id, enum avbd_clock_source src,
                          int64_t pts_ns, int64_t mono_ns)
{
        struct clock *c = find(cs, id);
        bool master;
        int64_t late;

        if (!c || (src != AVBD_CLOCK_FROM_AUDIO && src != AVBD_CLOCK_FROM_VIDEO))
                return;
        pthread_mutex_lock(&cs->lock);
        if (c->state != AVBD_CLOCK_STARTED || !c->primed)
                goto out;
        late = sat_sub(avbd_clock_base_at(&c->base, mono_ns), pts_ns);
        c->late_ns[src] = late;
        c->has_late[src] = true;
        master = (c->mode == AVBD_CLOCK_AUDIO_MASTER && src == AVBD_CLOCK_FROM_AUDIO) ||
                 (c->mode == AVBD_CLOCK_VIDEO_MASTER && src == AVBD_CLOCK_FROM_VIDEO);
        /* Paused, a frame is only ever presented at its time: nothing to follow. */
        if (master && c->base.rate > 0 && sat_abs(late) > AVBD_CLOCK_MASTER_SLACK_NS) {
                c->base = (struct avbd_clock_base){pts_ns, mono_ns, c->base.rate};
                c->late_ns[src] = 0;
                c->resyncs++;
        }
out:
        pthread_mutex_unlock(&cs->lock);
}

bool avbd_clock_slaves(struct avbd_clocks *cs, int32_t id, enum avbd_clock_source src)
{
        struct clock *c = find(cs, id);
        enum avbd_clock_mode mode;

        if (!c)
                return false;
        pthread_mutex_lock(&cs->lock);
        mode = c->mode;
        pthread_mutex_unlock(&cs->lock);
        switch (mode) {
        case AVBD_CLOCK_PCR:
                return true;
        case AVBD_CLOCK_AUDIO_MASTER:
                return src == AVBD_CLOCK_FROM_VIDEO;
        case AVBD_CLOCK_VIDEO_MASTER:
                return src == AVBD_CLOCK_FROM_AUDIO;
        default: /* AUTO: whichever sink primed it leads nobody */
                return false;
        }
}

int avbd_clock_info(struct avbd_clocks *cs, int32_t id, struct avbd_clock_info *ret)
{
        struct clock *c = find(cs, id);
        int64_t apart = 0;

        if (!c)
                return -ENOENT;
        pthread_mutex_lock(&cs->lock);
        if (c->has_late[0] && c->has_late[1])
                apart = sat_abs(sat_sub(c->late_ns[0], c->late_ns[1])) / 1000000;
        *ret = (struct avbd_clock_info){
            .state = c->state,
            .mode = c->mode,
            .rate = c->rate,
            .sync_accuracy_ms = apart > INT32_MAX ? INT32_MAX : (int32_t)apart,
            .resync_count = c->resyncs,
        };
        pthread_mutex_unlock(&cs->lock);
        return 0;
}

/* ---- the controller calls ------------------------------------------------- */

/*
 * Locks and finds the clock who acts on: its open who.gen, by its client,
 * in one of the states of mask (bit per state). Why the open is checked
 * here and not by the HAL before calling: checked apart, a call racing its
 * own client's close and reopen would act on the new open.
 */
static int enter(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who, unsigned mask,
                 struct clock **ret)
{
        struct clock *c = find(cs, id);
        int e = 0;

        if (!c)
                return -ENOENT;
        pthread_mutex_lock(&cs->lock);
        if (c->state == AVBD_CLOCK_CLOSED || who.gen == 0 || who.gen != c->gen)
                e = -ESTALE;
        else if (c->owner != who.client)
                e = -EPERM;
        else if (!(mask & (1u << c->state)))
                e = -EBADFD;
        if (e < 0) {
                pthread_mutex_unlock(&cs->lock);
                return e;
        }
        *ret = c;
        return 0;
}

#define IN(s) (1u << AVBD_CLOCK_##s)

int avbd_clock_open(struct avbd_clocks *cs, int32_t id, uint64_t client, avb_binder *listener,
                    uint64_t *ret_gen)
{
        struct clock *c = find(cs, id);
        int e = 0;

        if (!c)
                return -ENOENT;
        pthread_mutex_lock(&cs->lock);
        if (c->state != AVBD_CLOCK_CLOSED) {
                e = -EBADFD;
                goto out;
        }
        c->owner = client;
        c->gen++;
        c->listener = avb_binder_ref(listener);
        c->mode = AVBD_CLOCK_AUTO;
        c->rate = 1.0;
        c->primed = false;
        c->has_late[0] = c->has_late[1] = false;
        c->resyncs = 0;
        set_state(cs, c, AVBD_CLOCK_OPENING);
        set_state(cs, c, AVBD_CLOCK_READY);
        *ret_gen = c->gen;
out:
        pthread_mutex_unlock(&cs->lock);
        return e;
}

/* Locked: STARTED to READY. */
static void stop(struct avbd_clocks *cs, struct clock *c)
{
        set_state(cs, c, AVBD_CLOCK_STOPPING);
        c->primed = false;
        c->epoch++;
        set_state(cs, c, AVBD_CLOCK_READY);
}

/* Locked: READY to CLOSED; the listener hears CLOSING -> CLOSED last. */
static void close_clock(struct avbd_clocks *cs, struct clock *c)
{
        set_state(cs, c, AVBD_CLOCK_CLOSING);
        set_state(cs, c, AVBD_CLOCK_CLOSED);
        c->listener = avb_binder_unref(c->listener);
        c->owner = 0;
}

int avbd_clock_close(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who)
{
        struct clock *c;
        int e = enter(cs, id, who, IN(READY), &c);

        if (e < 0)
                return e;
        close_clock(cs, c);
        pthread_mutex_unlock(&cs->lock);
        return 0;
}

int avbd_clock_start(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who)
{
        struct clock *c;
        int e = enter(cs, id, who, IN(READY), &c);

        if (e < 0)
                return e;
        set_state(cs, c, AVBD_CLOCK_STARTING);
        c->primed = false;
        c->epoch++;
        c->has_late[0] = c->has_late[1] = false;
        set_state(cs, c, AVBD_CLOCK_STARTED);
        pthread_mutex_unlock(&cs->lock);
        return 0;
}

int avbd_clock_stop(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who)
{
        struct clock *c;
        int e = enter(cs, id, who, IN(STARTED), &c);

        if (e < 0)
                return e;
        stop(cs, c);
        pthread_mutex_unlock(&cs->lock);
        return 0;
}

int avbd_clock_set_mode(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                        enum avbd_clock_mode mode)
{
        struct clock *c;
        int e;

        if (mode < AVBD_CLOCK_AUTO || mode > AVBD_CLOCK_VIDEO_MASTER)
                return -EINVAL;
        e = enter(cs, id, who, IN(READY), &c);
        if (e < 0)
                return e;
        c->mode = mode;
        if (mode == AVBD_CLOCK_PCR)
                c->rate = 1.0; /* a PCR clock runs at the broadcaster's pace */
        pthread_mutex_unlock(&cs->lock);
        return 0;
}

int avbd_clock_get_mode(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                        enum avbd_clock_mode *ret)
{
        struct clock *c;
        int e = enter(cs, id, who, IN(READY) | IN(STARTED), &c);

        if (e < 0)
                return e;
        *ret = c->mode;
        pthread_mutex_unlock(&cs->lock);
        return 0;
}

static bool valid_rate(double rate)
{
        return rate == 0.0 || (rate >= 0.5 && rate <= 2.0); /* false for NaN too */
}

int avbd_clock_set_rate(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                        double rate)
{
        struct clock *c;
        int e = enter(cs, id, who, IN(READY) | IN(STARTED), &c);

        if (e < 0)
                return e;
        if (c->mode == AVBD_CLOCK_PCR)
                e = -EBADFD;
        else if (!valid_rate(rate))
                e = -EINVAL;
        else {
                c->rate = rate;
                if (c->primed)
                        avbd_clock_base_set_rate(&c->base, avb_now_ns(), rate);
        }
        pthread_mutex_unlock(&cs->lock);
        return e;
}

int avbd_clock_get_rate(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                        double *ret)
{
        struct clock *c;
        int e = enter(cs, id, who, IN(READY) | IN(STARTED), &c);

        if (e < 0)
                return e;
        if (c->mode == AVBD_CLOCK_PCR)
                e = -EBADFD;
        else
                *ret = c->rate;
        pthread_mutex_unlock(&cs->lock);
        return e;
}

/* A PCR further than this from where the clock would be is a discontinuity. */
#define PCR_JUMP_NS (100 * 1000000LL)

int avbd_clock_pcr(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who, int64_t pcr_ns,
                   int64_t sample_mono_ns)
{
        struct clock *c;
        int e = enter(cs, id, who, IN(STARTED), &c);

        if (e < 0)
                return e;
        if (c->mode != AVBD_CLOCK_PCR)
                e = -EBADFD;
        else if (pcr_ns < 0 || sample_mono_ns <= 0)
                e = -EINVAL;
        else if (!c->primed)
                prime(cs, c, pcr_ns, sample_mono_ns);
        else {
                /*
                 * Each sample re-bases the clock: the time follows the
                 * broadcaster's, with the jitter of the sample times (no
                 * smoothing). A jump counts as a resync.
                 */
                if (sat_abs(sat_sub(avbd_clock_base_at(&c->base, sample_mono_ns), pcr_ns)) >
                    PCR_JUMP_NS)
                        c->resyncs++;
                c->base = (struct avbd_clock_base){pcr_ns, sample_mono_ns, 1.0};
        }
        pthread_mutex_unlock(&cs->lock);
        return e;
}

int avbd_clock_time(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                    bool *ret_primed, int64_t *ret_media_ns, int64_t *ret_mono_ns)
{
        struct clock *c;
        int e = enter(cs, id, who, IN(STARTED), &c);
        int64_t now = avb_now_ns();

        if (e < 0)
                return e;
        *ret_primed = c->primed;
        if (c->primed) {
                *ret_media_ns = avbd_clock_base_at(&c->base, now);
                *ret_mono_ns = now;
        }
        pthread_mutex_unlock(&cs->lock);
        return 0;
}

int avbd_clock_listen(struct avbd_clocks *cs, int32_t id, avb_binder *listener)
{
        struct clock *c = find(cs, id);
        int e = -ENOSPC, free_slot = -1;

        if (!c)
                return -ENOENT;
        pthread_mutex_lock(&cs->lock);
        for (int k = 0; k < AVBD_CLOCK_LISTENERS; k++) {
                if (c->events[k] && !avb_binder_is_alive(c->events[k]))
                        c->events[k] = avb_binder_unref(c->events[k]);
                if (c->events[k] == listener && listener) {
                        e = -EEXIST;
                        goto out;
                }
                if (!c->events[k] && free_slot < 0)
                        free_slot = k;
        }
        if (free_slot >= 0) {
                c->events[free_slot] = avb_binder_ref(listener);
                e = 0;
        }
out:
        pthread_mutex_unlock(&cs->lock);
        return e;
}

int avbd_clock_unlisten(struct avbd_clocks *cs, int32_t id, avb_binder *listener)
{
        struct clock *c = find(cs, id);
        int e = -ENOENT;

        if (!c)
                return -ENOENT;
        pthread_mutex_lock(&cs->lock);
        for (int k = 0; k < AVBD_CLOCK_LISTENERS; k++)
                if (listener && c->events[k] == listener) {
                        c->events[k] = avb_binder_unref(c->events[k]);
                        e = 0;
                }
        pthread_mutex_unlock(&cs->lock);
        return e;
}

void avbd_clocks_client_gone(struct avbd_clocks *cs, uint64_t client)
{
        if (!cs)
                return;
        pthread_mutex_lock(&cs->lock);
        for (size_t i = 0; i < cs->n; i++) {
                struct clock *c = &cs->clocks[i];

                if (c->state == AVBD_CLOCK_CLOSED || c->owner != client)
                        continue;
                avb_log(AVB_LOG_INFO, "clock %d: its client has gone; stopped and closed",
                        (int)c->id);
                if (c->state == AVBD_CLOCK_STARTED)
                        stop(cs, c);
                close_clock(cs, c);
        }
        pthread_mutex_unlock(&cs->lock);
}
