/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_AVCLOCK_H
#define AVBD_AVCLOCK_H

/*
 * avbufferd's AV clocks (avclock.c): the time base the sinks present frames
 * by, and the state the AV Clock HAL (avclock_hal.c) reports and changes.
 *
 * Time: a clock reads media time in nanoseconds (the timeline of the
 * frames' nsPresentationTime) against CLOCK_MONOTONIC:
 *     media(mono) = base.media_ns + (mono - base.mono_ns) * rate
 * re-based (the base moved to "now") at every rate change, so a rate
 * applies from the moment it is set, and rate 0 holds the time (pause).
 * A started clock reads nothing until it is primed: by the first frame its
 * mode's source receives (avbd_clock_prime), or the first PCR sample; the
 * time then starts at that frame's pts (or that PCR).
 *
 * Extreme values: a pts, a PCR or a sample time is taken as the client
 * gives it, any int64_t (notifyPCRSample refuses only negative ones). Every
 * step saturates instead of overflowing: a time past either end of int64_t
 * reads INT64_MIN or INT64_MAX (the clock stands at the end it ran into), a
 * due time that does not fit is INT64_MAX (never) or INT64_MIN (long past),
 * and lateness, the sync metric and the re-basing of a master or PCR clock
 * saturate alike.
 *
 * Sinks call the clock API below in-process, from any thread. Nothing in it
 * wakes a sink: a sink waiting for a frame's time sleeps at most
 * AVBD_CLOCK_POLL_NS before it reads the clock again, so a rate change, a
 * stop or a re-prime is seen that soon.
 *
 * Ids: 0 .. avbd_clocks_count()-1 (avbufferd makes AVBD_CLOCKS of them).
 * Locking: one mutex for all clocks, taken by every call here; held while
 * notifying listeners (oneway calls: queued, never waiting) and never while
 * calling anything else, so a sink may call in with its own lock held.
 * Errors: 0 or -errno; ret_* untouched on failure.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <avbuffer/rpc.h>

#define AVBD_CLOCKS          2
#define AVBD_CLOCK_POLL_NS   (5 * 1000000LL)
#define AVBD_CLOCK_LISTENERS 8 /* event listeners per clock */
/* Controller objects per clock, handed out in turn, one per open (avclock_hal.c). */
#define AVBD_CLOCK_CONTROLLERS 8

/* ---- the arithmetic (pure, no locking) ---------------------------------- */

struct avbd_clock_base {
        int64_t media_ns; /* the clock's time at mono_ns */
        int64_t mono_ns;
        double rate; /* 0: paused */
};

/* The clock's time at mono (which may be before the base: extrapolated back). */
int64_t avbd_clock_base_at(const struct avbd_clock_base *b, int64_t mono_ns);
/* Re-base at mono_ns (the time there kept), then run at rate. */
void avbd_clock_base_set_rate(struct avbd_clock_base *b, int64_t mono_ns, double rate);
/*
 * The monotonic time at which the clock reaches media_ns: at or before
 * base.mono_ns when it already has; INT64_MAX when it never will at this
 * rate (paused before it).
 */
int64_t avbd_clock_base_due(const struct avbd_clock_base *b, int64_t media_ns);

/* ---- the clocks --------------------------------------------------------- */

/* Numbered as com.rdk.hal.avclock.ClockMode. */
enum avbd_clock_mode {
        AVBD_CLOCK_AUTO = 0,
        AVBD_CLOCK_PCR = 1,
        AVBD_CLOCK_AUDIO_MASTER = 2,
        AVBD_CLOCK_VIDEO_MASTER = 3,
};

/* Which sink calls (priming, presentation reports). */
enum avbd_clock_source {
        AVBD_CLOCK_FROM_AUDIO = 0,
        AVBD_CLOCK_FROM_VIDEO = 1,
};

struct avbd_clocks;

int avbd_clocks_new(size_t n, struct avbd_clocks **ret);
void avbd_clocks_free(struct avbd_clocks *cs); /* accepts NULL */
size_t avbd_clocks_count(const struct avbd_clocks *cs);

/* A sink's view of one clock. */
struct avbd_clock_reading {
        bool running;     /* STARTED and primed: media_ns is valid */
        int64_t media_ns; /* the time at the mono_ns asked for */
        double rate;
        uint64_t epoch; /* changes whenever the clock is started, primed again or stopped */
};

/*
 * The clock's time at mono_ns. -ENOENT: no such clock; -EAGAIN: the clock
 * is not started or not primed yet (a sink holds its frames).
 */
int avbd_clock_now(struct avbd_clocks *cs, int32_t id, int64_t mono_ns, int64_t *ret_ns);
/* Everything at once (running false is not an error). -ENOENT: no such clock. */
int avbd_clock_read(struct avbd_clocks *cs, int32_t id, int64_t mono_ns,
                    struct avbd_clock_reading *ret);
/*
 * The monotonic time the clock reaches media_ns (avbd_clock_base_due).
 * -ENOENT: no such clock; -EAGAIN: not running; INT64_MAX: paused before it.
 */
int avbd_clock_due(struct avbd_clocks *cs, int32_t id, int64_t media_ns, int64_t *ret_mono_ns);
/*
 * A sink attached to clock id received a frame of pts_ns at mono_ns: when
 * the clock is started, unprimed, and its mode takes this source (AUTO:
 * either; AUDIO_MASTER: audio; VIDEO_MASTER: video), the clock starts at
 * pts_ns from mono_ns and its controller listener hears onPrimed.
 * Returns 1 when it primed the clock, 0 when not, -ENOENT.
 */
int avbd_clock_prime(struct avbd_clocks *cs, int32_t id, enum avbd_clock_source src, int64_t pts_ns,
                     int64_t mono_ns);
/*
 * A sink presented a frame of pts_ns at mono_ns. Kept for the sync metric
 * (METRIC_AV_SYNC_ACCURACY_MS: the last audio and video lateness apart). In
 * the master mode of src (AUDIO_MASTER for the audio sink) the presented
 * frame is the clock's truth: when the clock has drifted from it by more
 * than AVBD_CLOCK_MASTER_SLACK_NS it is re-based to pts_ns at mono_ns
 * (METRIC_AV_RESYNC_COUNT counts it).
 */
#define AVBD_CLOCK_MASTER_SLACK_NS (20 * 1000000LL)
void avbd_clock_presented(struct avbd_clocks *cs, int32_t id, enum avbd_clock_source src,
                          int64_t pts_ns, int64_t mono_ns);
/*
 * Whether src's sink is clock id's slave in its mode now: the clock follows
 * another source (AUDIO_MASTER: video is the slave; VIDEO_MASTER: audio;
 * PCR: both), so the sink keeps up with it, dropping what is too late.
 * False in AUTO and for no such clock.
 */
bool avbd_clock_slaves(struct avbd_clocks *cs, int32_t id, enum avbd_clock_source src);

/* ---- for the HAL (avclock_hal.c) ---------------------------------------- */

/* Numbered as com.rdk.hal.State. */
enum avbd_clock_state {
        AVBD_CLOCK_CLOSED = 1,
        AVBD_CLOCK_OPENING = 2,
        AVBD_CLOCK_READY = 3,
        AVBD_CLOCK_STARTING = 4,
        AVBD_CLOCK_STARTED = 5,
        AVBD_CLOCK_STOPPING = 7,
        AVBD_CLOCK_CLOSING = 8,
};

/*
 * How a clock tells its listeners (oneway; a full queue drops the call, as
 * a clock says little and rarely). state goes to the controller listener
 * and to every event listener; primed to the controller listener.
 */
struct avbd_clock_notify_ops {
        avb_status (*state)(avb_binder *listener, bool controller, enum avbd_clock_state from,
                            enum avbd_clock_state to);
        avb_status (*primed)(avb_binder *listener, int64_t media_ns, int64_t mono_ns);
};

/* The ops every clock of cs notifies through (set once, before serving). */
void avbd_clocks_set_notify(struct avbd_clocks *cs, const struct avbd_clock_notify_ops *ops);

struct avbd_clock_info {
        enum avbd_clock_state state;
        enum avbd_clock_mode mode;
        double rate;
        int32_t sync_accuracy_ms, resync_count;
};

/* Whether id names a clock. */
bool avbd_clock_exists(struct avbd_clocks *cs, int32_t id);
int avbd_clock_info(struct avbd_clocks *cs, int32_t id, struct avbd_clock_info *ret);

/*
 * The controller calls. open takes the client (avb_peer.client_id) and
 * gives the open's number; every other call takes its caller: the client
 * and the open its controller was handed out by. The open and the owner are
 * checked with the call, under the lock, so a call racing its own client's
 * close and reopen cannot act on the new open.
 * -ESTALE: not open, or who.gen is an open since closed (or 0);
 * -EPERM: open by another client; -EBADFD: wrong state; -EINVAL: a value
 * refused.
 */
struct avbd_clock_caller {
        uint64_t client;
        uint64_t gen;
};

int avbd_clock_open(struct avbd_clocks *cs, int32_t id, uint64_t client, avb_binder *listener,
                    uint64_t *ret_gen);
int avbd_clock_close(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who);
int avbd_clock_start(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who);
int avbd_clock_stop(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who);
int avbd_clock_set_mode(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                        enum avbd_clock_mode mode);
int avbd_clock_get_mode(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                        enum avbd_clock_mode *ret);
/* Rates taken: 0 (pause) and 0.5 to 2.0; -EINVAL otherwise, -EBADFD in PCR mode. */
int avbd_clock_set_rate(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                        double rate);
int avbd_clock_get_rate(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                        double *ret);
/* -EINVAL for a negative PCR or sample time. */
int avbd_clock_pcr(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who, int64_t pcr_ns,
                   int64_t sample_mono_ns);
/* The time now: 0 with *ret_primed false while unprimed; -EBADFD when not STARTED. */
int avbd_clock_time(struct avbd_clocks *cs, int32_t id, struct avbd_clock_caller who,
                    bool *ret_primed, int64_t *ret_media_ns, int64_t *ret_mono_ns);
/* Event listeners: -EEXIST when there already, -ENOENT when not, -ENOSPC when full. */
int avbd_clock_listen(struct avbd_clocks *cs, int32_t id, avb_binder *listener);
int avbd_clock_unlisten(struct avbd_clocks *cs, int32_t id, avb_binder *listener);
/* The client has gone: its clocks are stopped and closed. */
void avbd_clocks_client_gone(struct avbd_clocks *cs, uint64_t client);

#endif
