/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The video sinks (videosink.h): state, the controller's calls, and the
 * glue between a sink and its vendor presenting engine.
 *
 * Why the engine is the vendor's and not made here: tunnelled frames never
 * pass through the server (the decode path hands them to the engine the
 * graph's link names), and `avbufctl sink` reads the engine's records by
 * the sink entity's name; one engine per sink keeps both views the same.
 *
 * Why the clock is read through the sink and not handed to the engine: the
 * attached clock may change while the engine waits, so the engine asks the
 * sink, which asks the clock it has now (its id read atomically: the
 * engine's thread asks with the engine's lock held, never the sinks').
 *
 * Why the audio sinks share this file: everything here but the kind of
 * frame a sink takes is the same for both HALs (state, controller calls,
 * clock, listeners, the engine); the audio HAL (audiosink_hal.c) adds only
 * what PCM has (its size, volume).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "sink.h"
#include "videosink.h"

struct avbd_vsink {
        struct avbd_vsinks *all;
        int32_t id;
        struct avb_sink *engine;
        avb_binder *controller;

        enum avbd_vsink_state state;
        uint64_t owner;
        avb_binder *listener; /* the controller listener while open */
        avb_binder *events[AVBD_VSINK_EVENT_LISTENERS];

        int32_t decoder_id; /* set by setVideoDecoder; UNDEFINED */
        int32_t clock_id;   /* atomic: read by the engine's thread */
        int32_t av_source;
        bool render_first;
        uint64_t gen;                      /* counts opens */
        struct avbd_vsink_picture picture; /* the last a client described */
        bool eos_queued;                   /* a frame with endOfStream was accepted */
};

struct avbd_vsinks {
        pthread_mutex_t lock;
        enum avb_media_kind kind;
        struct avb_vendor *vendor;
        struct avbd_vsink_clocks clocks;
        const struct avbd_vsink_notify_ops *notify;
        struct avbd_vsink *sinks;
        size_t n;
};

/* ---- the clock an engine presents by ------------------------------------- */

static int32_t clock_of(const struct avbd_vsink *k)
{
        return __atomic_load_n(&k->clock_id, __ATOMIC_ACQUIRE);
}

static int engine_clock_now(void *userdata, int64_t mono_ns, int64_t *ret_media_ns,
                            double *ret_rate)
{
        struct avbd_vsink *k = userdata;
        const struct avbd_vsink_clocks *c = &k->all->clocks;
        bool running = false;
        int e = c->read
                    ? c->read(c->userdata, clock_of(k), mono_ns, &running, ret_media_ns, ret_rate)
                    : -ENOENT;

        return e < 0 ? e : running ? 0 : -EAGAIN;
}

static void engine_clock_prime(void *userdata, int64_t pts_ns, int64_t mono_ns)
{
        struct avbd_vsink *k = userdata;
        const struct avbd_vsink_clocks *c = &k->all->clocks;

        if (c->prime)
                c->prime(c->userdata, clock_of(k), pts_ns, mono_ns);
}

static void engine_clock_presented(void *userdata, int64_t pts_ns, int64_t mono_ns)
{
        struct avbd_vsink *k = userdata;
        const struct avbd_vsink_clocks *c = &k->all->clocks;

        if (c->presented)
                c->presented(c->userdata, clock_of(k), pts_ns, mono_ns);
}

static bool engine_clock_slaved(void *userdata)
{
        struct avbd_vsink *k = userdata;
        const struct avbd_vsink_clocks *c = &k->all->clocks;

        return c->slaved && c->slaved(c->userdata, clock_of(k));
}

static const struct avb_sink_clock engine_clock = {
    .now = engine_clock_now,
    .prime = engine_clock_prime,
    .presented = engine_clock_presented,
    .slaved = engine_clock_slaved,
};

/* ---- listeners (lock held) --------------------------------------------------- */

static void tell(struct avbd_vsink *k, enum avbd_vsink_event ev, int64_t pts_ns)
{
        const struct avbd_vsink_notify_ops *n = k->all->notify;

        if (k->listener)
                (void)n->event(k->listener, true, ev, pts_ns);
        if (ev == AVBD_VSINK_EV_SPACE)
                return;
        for (size_t i = 0; i < AVBD_VSINK_EVENT_LISTENERS; i++)
                if (k->events[i])
                        (void)n->event(k->events[i], false, ev, pts_ns);
}

static void set_state(struct avbd_vsink *k, enum avbd_vsink_state to)
{
        const struct avbd_vsink_notify_ops *n = k->all->notify;
        enum avbd_vsink_state from = k->state;

        k->state = to;
        if (k->listener)
                (void)n->state(k->listener, true, from, to);
        for (size_t i = 0; i < AVBD_VSINK_EVENT_LISTENERS; i++)
                if (k->events[i])
                        (void)n->state(k->events[i], false, from, to);
}

/* The engine's thread: what it presented, to whoever listens while the sink is open. */
static void engine_event(void *userdata, int event, int64_t pts_ns)
{
        static const enum avbd_vsink_event map[] = {
            [AVB_SINK_EV_FIRST_FRAME] = AVBD_VSINK_EV_FIRST_FRAME,
            [AVB_SINK_EV_EOS] = AVBD_VSINK_EV_EOS,
            [AVB_SINK_EV_UNDERFLOW] = AVBD_VSINK_EV_UNDERFLOW,
            [AVB_SINK_EV_RESUMED] = AVBD_VSINK_EV_RESUMED,
            [AVB_SINK_EV_SPACE] = AVBD_VSINK_EV_SPACE,
        };
        struct avbd_vsink *k = userdata;

        if (event < 0 || (size_t)event >= sizeof(map) / sizeof(map[0]))
                return;
        pthread_mutex_lock(&k->all->lock);
        if (k->state != AVBD_VSINK_CLOSED)
                tell(k, map[event], pts_ns);
        pthread_mutex_unlock(&k->all->lock);
}

/* ---- the set ------------------------------------------------------------------ */

/* The engine of sink id of s's kind (cb NULL: its events go nowhere again). */
static int vendor_engine(struct avbd_vsinks *s, int32_t id, avb_vendor_sink_event_cb cb,
                         void *userdata, struct avb_sink **ret)
{
        return s->kind == AVB_MEDIA_AUDIO ? avb_vendor_audio_sink(s->vendor, id, cb, userdata, ret)
                                          : avb_vendor_video_sink(s->vendor, id, cb, userdata, ret);
}

/*
 * The file the profile names for k (sink_output), opened for its engine.
 * A file that cannot be opened is logged and the sink runs without one: the
 * output is for a person to look at, not a reason to serve no one.
 */
static void open_output(const struct avbd_profile *profile, struct avbd_vsink *k)
{
        for (size_t i = 0; i < profile->n_sink_outputs; i++) {
                const struct avbd_sink_output *o = &profile->sink_outputs[i];
                int fd;

                if (o->kind != k->all->kind || o->id != k->id)
                        continue;
                fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
                if (fd >= 0)
                        fd = k->all->kind == AVB_MEDIA_AUDIO
                                 ? avb_sink_set_wav_output(k->engine, fd, o->path)
                                 : avb_sink_set_output(k->engine, fd, o->path);
                if (fd < 0)
                        avb_log(AVB_LOG_ERROR, "sink %d: cannot write %s: %s", (int)k->id, o->path,
                                strerror(fd == -ENOMEM ? ENOMEM : errno));
                else
                        avb_log(AVB_LOG_INFO, "sink %d: what it presents goes to %s", (int)k->id,
                                o->path);
        }
}

int avbd_vsinks_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                    enum avb_media_kind kind, const struct avbd_vsink_clocks *clocks,
                    const struct avbd_vsink_notify_ops *notify, struct avbd_vsinks **ret)
{
        struct avbd_vsinks *s = calloc(1, sizeof(*s));
        int e = 0;

        if (!s)
                return -ENOMEM;
        pthread_mutex_init(&s->lock, NULL);
        s->vendor = vendor;
        s->kind = kind;
        s->clocks = *clocks;
        s->notify = notify;
        s->sinks = calloc(profile->n_decoders + 1, sizeof(*s->sinks));
        if (!s->sinks)
                e = -ENOMEM;
        for (size_t i = 0; e == 0 && i < profile->n_decoders; i++) {
                struct avbd_vsink *k = &s->sinks[s->n];

                if (profile->decoders[i].kind != kind)
                        continue;
                *k = (struct avbd_vsink){.all = s,
                                         .id = profile->decoders[i].id,
                                         .state = AVBD_VSINK_CLOSED,
                                         .decoder_id = AVBD_VSINK_UNDEFINED,
                                         .clock_id = AVBD_VSINK_UNDEFINED};
                e = vendor_engine(s, k->id, engine_event, k, &k->engine);
                if (e == 0) {
                        open_output(profile, k);
                        s->n++;
                }
        }
        if (e < 0) {
                avbd_vsinks_free(s);
                return e;
        }
        *ret = s;
        return 0;
}

/* Back to the stand-in's ways: self-paced, no clock, nothing kept. Lock held. */
static void engine_release(struct avbd_vsink *k)
{
        avb_sink_set_clock(k->engine, NULL, NULL);
        __atomic_store_n(&k->clock_id, AVBD_VSINK_UNDEFINED, __ATOMIC_RELEASE);
        avb_sink_flush(k->engine, false);
        avb_sink_set_keep_shown(k->engine, false);
        avb_sink_set_render_first(k->engine, false);
        avb_sink_set_pacing(k->engine, AVB_SINK_SELF_PACED);
}

/* Close k whatever its state (READY or STARTED), telling its listeners. Lock held. */
static void shut(struct avbd_vsink *k)
{
        if (k->state == AVBD_VSINK_STARTED) {
                set_state(k, AVBD_VSINK_STOPPING);
                avb_sink_flush(k->engine, false);
                set_state(k, AVBD_VSINK_READY);
        }
        set_state(k, AVBD_VSINK_CLOSING);
        engine_release(k);
        if (k->decoder_id != AVBD_VSINK_UNDEFINED)
                (void)avb_vendor_decoder_set_tunnelled(k->all->vendor, k->all->kind, k->decoder_id,
                                                       false);
        k->decoder_id = AVBD_VSINK_UNDEFINED;
        set_state(k, AVBD_VSINK_CLOSED);
        k->listener = avb_binder_unref(k->listener);
        k->owner = 0;
}

void avbd_vsinks_free(struct avbd_vsinks *s)
{
        if (!s)
                return;
        pthread_mutex_lock(&s->lock);
        for (size_t i = 0; i < s->n; i++) {
                struct avbd_vsink *k = &s->sinks[i];

                if (k->state != AVBD_VSINK_CLOSED)
                        shut(k);
                for (size_t j = 0; j < AVBD_VSINK_EVENT_LISTENERS; j++)
                        k->events[j] = avb_binder_unref(k->events[j]);
                (void)avb_sink_set_output(k->engine, -1, NULL); /* close the files */
                (void)avb_sink_set_wav_output(k->engine, -1, NULL);
                /* the engine outlives us (the vendor's): no more events here */
                (void)vendor_engine(s, k->id, NULL, NULL, &k->engine);
        }
        pthread_mutex_unlock(&s->lock);
        pthread_mutex_destroy(&s->lock);
        free(s->sinks);
        free(s);
}

size_t avbd_vsinks_count(const struct avbd_vsinks *s)
{
        return s->n;
}

struct avbd_vsink *avbd_vsinks_at(struct avbd_vsinks *s, size_t i)
{
        return i < s->n ? &s->sinks[i] : NULL;
}

struct avbd_vsink *avbd_vsinks_find(struct avbd_vsinks *s, int32_t id)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->sinks[i].id == id)
                        return &s->sinks[i];
        return NULL;
}

void avbd_vsinks_client_gone(struct avbd_vsinks *s, uint64_t client_id)
{
        if (!s)
                return;
        pthread_mutex_lock(&s->lock);
        for (size_t i = 0; i < s->n; i++) {
                struct avbd_vsink *k = &s->sinks[i];

                for (size_t j = 0; j < AVBD_VSINK_EVENT_LISTENERS; j++)
                        if (k->events[j] && !avb_binder_is_alive(k->events[j]))
                                k->events[j] = avb_binder_unref(k->events[j]);
                if (k->state == AVBD_VSINK_CLOSED || k->owner != client_id)
                        continue;
                avb_log(AVB_LOG_INFO, "%s sink %d: its client has gone; closing it",
                        s->kind == AVB_MEDIA_AUDIO ? "audio" : "video", (int)k->id);
                shut(k); /* stop and close, as the HAL says; every frame it held is freed */
        }
        pthread_mutex_unlock(&s->lock);
}

int32_t avbd_vsink_id(const struct avbd_vsink *k)
{
        return k->id;
}

enum avbd_vsink_state avbd_vsink_state(struct avbd_vsink *k)
{
        enum avbd_vsink_state st;

        pthread_mutex_lock(&k->all->lock);
        st = k->state;
        pthread_mutex_unlock(&k->all->lock);
        return st;
}

void avbd_vsink_set_controller(struct avbd_vsink *k, avb_binder *controller)
{
        k->controller = controller;
}

avb_binder *avbd_vsink_controller(const struct avbd_vsink *k)
{
        return k->controller;
}

uint64_t avbd_vsink_open_of(struct avbd_vsink *k, uint64_t owner)
{
        uint64_t gen;

        pthread_mutex_lock(&k->all->lock);
        gen = k->state != AVBD_VSINK_CLOSED && k->owner == owner ? k->gen : 0;
        pthread_mutex_unlock(&k->all->lock);
        return gen;
}

/* ---- the calls ------------------------------------------------------------------ */

/* The caller may act on k in one of `states` (bits 1 << state). Lock held. */
static int may(const struct avbd_vsink *k, uint64_t owner, unsigned states)
{
        if (k->state != AVBD_VSINK_CLOSED && k->owner != owner)
                return -EPERM;
        return states & (1u << k->state) ? 0 : -EBADFD;
}

/*
 * Whether who acts for k's open now, then may(). Lock held. Why here and
 * not in the HAL before the call: checked apart from the act, a call racing
 * its own client's close and reopen could act on the new open.
 */
static int acts(const struct avbd_vsink *k, struct avbd_vsink_caller who, unsigned states)
{
        if (k->state == AVBD_VSINK_CLOSED || who.gen == 0 || who.gen != k->gen)
                return -ESTALE;
        return may(k, who.client, states);
}

#define IN(s)  (1u << AVBD_VSINK_##s)
#define OPENED (IN(READY) | IN(STARTED))

/*
 * Run body under the lock when the caller who may act in states; body sets
 * e_ on failure and may `break` out of itself.
 */
#define VSINK_CALL(k, who, states, ...)                                                            \
        do {                                                                                       \
                int e_;                                                                            \
                pthread_mutex_lock(&(k)->all->lock);                                               \
                e_ = acts((k), (who), (states));                                                   \
                if (e_ == 0)                                                                       \
                        do {                                                                       \
                                __VA_ARGS__;                                                       \
                        } while (0);                                                               \
                pthread_mutex_unlock(&(k)->all->lock);                                             \
                return e_;                                                                         \
        } while (0)

int avbd_vsink_open(struct avbd_vsink *k, uint64_t owner, avb_binder *listener, uint64_t *ret_gen)
{
        int e;

        pthread_mutex_lock(&k->all->lock);
        e = may(k, owner, IN(CLOSED));
        if (e == 0) {
                k->owner = owner;
                k->gen++;
                k->listener = avb_binder_ref(listener);
                k->av_source = 0;
                k->render_first = false;
                k->eos_queued = false;
                k->picture = (struct avbd_vsink_picture){0};
                set_state(k, AVBD_VSINK_OPENING);
                avb_sink_flush(k->engine, false);
                avb_sink_set_pacing(k->engine, AVB_SINK_AT_ONCE);
                /* a picture stays on screen until the next; sound is gone once played */
                avb_sink_set_keep_shown(k->engine, k->all->kind == AVB_MEDIA_VIDEO);
                set_state(k, AVBD_VSINK_READY);
                *ret_gen = k->gen;
        }
        pthread_mutex_unlock(&k->all->lock);
        return e;
}

int avbd_vsink_close(struct avbd_vsink *k, struct avbd_vsink_caller who)
{
        VSINK_CALL(k, who, IN(READY), shut(k));
}

int avbd_vsink_start(struct avbd_vsink *k, struct avbd_vsink_caller who)
{
        VSINK_CALL(k, who, IN(READY), {
                set_state(k, AVBD_VSINK_STARTING);
                k->eos_queued = false;
                set_state(k, AVBD_VSINK_STARTED);
        });
}

int avbd_vsink_stop(struct avbd_vsink *k, struct avbd_vsink_caller who)
{
        VSINK_CALL(k, who, IN(STARTED), {
                set_state(k, AVBD_VSINK_STOPPING);
                avb_sink_flush(k->engine, false);
                k->eos_queued = false;
                set_state(k, AVBD_VSINK_READY);
        });
}

/*
 * The decoder whose output link enters this sink: in the stock graph the
 * decoder of the same id, and a decoder that exists (its link is found).
 */
int avbd_vsink_set_decoder(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t decoder_id)
{
        VSINK_CALL(k, who, IN(READY), {
                struct avb_vendor *v = k->all->vendor;
                bool on;

                if (decoder_id != AVBD_VSINK_UNDEFINED &&
                    (decoder_id != k->id ||
                     avb_vendor_decoder_tunnelled(v, k->all->kind, decoder_id, &on) < 0)) {
                        e_ = -EINVAL;
                        break;
                }
                if (k->decoder_id != AVBD_VSINK_UNDEFINED && k->decoder_id != decoder_id)
                        e_ =
                            avb_vendor_decoder_set_tunnelled(v, k->all->kind, k->decoder_id, false);
                if (e_ == 0 && decoder_id != AVBD_VSINK_UNDEFINED)
                        e_ = avb_vendor_decoder_set_tunnelled(v, k->all->kind, decoder_id, true);
                if (e_ == 0)
                        k->decoder_id = decoder_id;
        });
}

int avbd_vsink_get_decoder(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t *ret_id)
{
        VSINK_CALL(k, who, OPENED, *ret_id = k->decoder_id);
}

int avbd_vsink_attach_clock(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t clock_id)
{
        VSINK_CALL(k, who, OPENED, {
                const struct avbd_vsink_clocks *c = &k->all->clocks;
                int64_t media;
                double rate;
                bool running;

                if (clock_id != AVBD_VSINK_UNDEFINED &&
                    (!c->read || c->read(c->userdata, clock_id, 0, &running, &media, &rate) < 0)) {
                        e_ = -EINVAL;
                        break;
                }
                __atomic_store_n(&k->clock_id, clock_id, __ATOMIC_RELEASE);
                avb_sink_set_clock(k->engine,
                                   clock_id == AVBD_VSINK_UNDEFINED ? NULL : &engine_clock, k);
        });
}

int avbd_vsink_get_clock(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t *ret_id)
{
        VSINK_CALL(k, who, OPENED, *ret_id = clock_of(k));
}

/* A plane layout must stay inside the frame's block. */
static bool planes_fit(const struct avb_sink_planes *p, uint32_t size)
{
        if (p->n > AVB_SINK_PLANES)
                return false;
        for (uint32_t i = 0; i < p->n; i++) {
                uint64_t end = (uint64_t)p->offset[i] + p->row_bytes[i];

                if (p->rows[i] == 0 || p->row_bytes[i] == 0 || p->stride[i] < p->row_bytes[i])
                        return false;
                end += (uint64_t)(p->rows[i] - 1) * p->stride[i];
                if (end > size)
                        return false;
        }
        return true;
}

int avbd_vsink_queue(struct avbd_vsink *k, struct avbd_vsink_caller who, int64_t handle,
                     int64_t pts_ns, const struct avb_sink_planes *planes, bool eos,
                     bool *ret_accepted)
{
        VSINK_CALL(k, who, IN(STARTED), {
                struct avb_sink_frame f = {.frame = handle, .pts_ns = pts_ns, .eos = eos};
                struct avb_buffer_info info;
                int r;

                if (k->eos_queued) {
                        e_ = -EBADFD;
                        break;
                }
                e_ = avb_vendor_buffer_info(k->all->vendor, handle, &info);
                if (e_ == 0 &&
                    (info.pool_handle != AVB_VENDOR_FRAME_POOL_BUFFER ||
                     info.kind != k->all->kind || (planes && !planes_fit(planes, info.size))))
                        e_ = -EINVAL;
                if (e_ < 0)
                        break;
                f.bytes = info.size;
                if (planes)
                        f.planes = *planes;
                f.rate_num = k->picture.rate_num;
                f.rate_den = k->picture.rate_den;
                f.sar_num = k->picture.sar_num;
                f.sar_den = k->picture.sar_den;
                f.pcm.rate = k->picture.pcm_rate;
                f.pcm.channels = k->picture.pcm_channels;
                f.pcm.bits = k->picture.pcm_bits;
                /* only its owner hands a frame on; a refused one stays the caller's */
                if (avb_vendor_frame_move(k->all->vendor, handle, who.client,
                                          AVB_VENDOR_FRAME_SERVER) < 0) {
                        e_ = -EINVAL;
                        break;
                }
                r = avb_sink_queue_frame(k->engine, &f);
                if (r < 0)
                        (void)avb_vendor_frame_move(k->all->vendor, handle, AVB_VENDOR_FRAME_SERVER,
                                                    who.client);
                if (r < 0 && r != -ENOSPC) {
                        e_ = r;
                        break;
                }
                k->eos_queued = r == 0 && eos;
                *ret_accepted = r == 0;
        });
}

int avbd_vsink_describe(struct avbd_vsink *k, struct avbd_vsink_caller who,
                        const struct avbd_vsink_picture *picture)
{
        VSINK_CALL(k, who, IN(STARTED), k->picture = *picture);
}

int avbd_vsink_flush(struct avbd_vsink *k, struct avbd_vsink_caller who, bool hold_last)
{
        VSINK_CALL(k, who, IN(STARTED), {
                avb_sink_flush(k->engine, hold_last);
                k->eos_queued = false;
                tell(k, AVBD_VSINK_EV_FLUSHED, 0);
        });
}

int avbd_vsink_discard_until(struct avbd_vsink *k, struct avbd_vsink_caller who, int64_t pts_ns)
{
        VSINK_CALL(k, who, IN(STARTED), avb_sink_discard_until(k->engine, pts_ns));
}

int avbd_vsink_set_av_source(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t source)
{
        VSINK_CALL(k, who, OPENED, k->av_source = source);
}

int avbd_vsink_check(struct avbd_vsink *k, struct avbd_vsink_caller who)
{
        VSINK_CALL(k, who, OPENED, (void)0);
}

int avbd_vsink_set_render_first(struct avbd_vsink *k, struct avbd_vsink_caller who,
                                bool render_first)
{
        VSINK_CALL(k, who, OPENED, {
                k->render_first = render_first;
                avb_sink_set_render_first(k->engine, render_first);
        });
}

int avbd_vsink_add_event_listener(struct avbd_vsink *k, avb_binder *listener)
{
        int e = -ENOSPC;

        pthread_mutex_lock(&k->all->lock);
        for (size_t i = 0; i < AVBD_VSINK_EVENT_LISTENERS; i++)
                if (k->events[i] && k->events[i] == listener)
                        e = -EEXIST;
        for (size_t i = 0; e == -ENOSPC && i < AVBD_VSINK_EVENT_LISTENERS; i++)
                if (!k->events[i]) {
                        k->events[i] = avb_binder_ref(listener);
                        e = 0;
                }
        pthread_mutex_unlock(&k->all->lock);
        return e;
}

int avbd_vsink_remove_event_listener(struct avbd_vsink *k, avb_binder *listener)
{
        int e = -ENOENT;

        pthread_mutex_lock(&k->all->lock);
        for (size_t i = 0; e < 0 && i < AVBD_VSINK_EVENT_LISTENERS; i++)
                if (k->events[i] && k->events[i] == listener) {
                        k->events[i] = avb_binder_unref(k->events[i]);
                        e = 0;
                }
        pthread_mutex_unlock(&k->all->lock);
        return e;
}

void avbd_vsink_info(struct avbd_vsink *k, struct avbd_vsink_info *ret)
{
        struct avb_sink_stats st;

        avb_sink_get_stats(k->engine, &st);
        pthread_mutex_lock(&k->all->lock);
        *ret = (struct avbd_vsink_info){
            .state = k->state,
            .av_source = k->av_source,
            .render_first = k->render_first,
            .queued = (int64_t)st.queued,
            .received = (int64_t)st.received,
            .presented = (int64_t)st.presented,
            .discarded = (int64_t)st.discarded,
            .dropped_late = (int64_t)st.dropped_late,
            .underflows = (int64_t)st.underflows,
        };
        pthread_mutex_unlock(&k->all->lock);
}
