/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoders of avbufferd (decoder_core.h): the RDK-style state machine,
 * who owns which buffer, and the set of decoders. The worker thread is in
 * decoder_worker.c, the VPU session and deliveries in decoder_session.c.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <avbuffer/log.h>

#include "decoder_internal.h"
#include "graph.h"

/* ---- calls ---------------------------------------------------------------- */

static int check_owner(const struct avbd_dec *dec, uint64_t owner)
{
        return dec->state != AVBD_DEC_CLOSED && dec->owner != owner ? -EPERM : 0;
}

static int check(struct avbd_dec *dec, uint64_t owner, enum avbd_dec_state want)
{
        int e = check_owner(dec, owner);

        if (e < 0)
                return e;
        return dec->state == want ? 0 : -EBADFD;
}

/* A controller acts for its own open only. */
static int check_ctl(const struct avbd_ctl *ctl, uint64_t owner, enum avbd_dec_state want)
{
        if (ctl->dec->state == AVBD_DEC_CLOSED || ctl->gen != ctl->dec->gen)
                return -ESTALE;
        return check(ctl->dec, owner, want);
}

static int find_frame_pool(const struct avbd_profile *p, enum avb_media_kind kind, bool secure)
{
        for (size_t i = 0; i < p->n_frame_pools; i++)
                if (p->frame_pools[i].kind == kind && p->frame_pools[i].secure == secure)
                        return (int)i;
        return -1;
}

static void reset_metrics(struct avbd_dec *dec)
{
        dec->frames_decoded = dec->decode_errors = dec->frames_dropped = 0;
}

static void forget_codec_data(struct avbd_dec *dec)
{
        free(dec->csd);
        dec->csd = NULL;
        dec->csd_len = 0;
}

static int do_open(struct avbd_dec *dec, uint64_t owner, enum avb_vpu_codec codec, bool secure,
                   uint32_t max_width, uint32_t max_height, avb_binder *listener)
{
        bool video_codec = codec == AVB_VPU_CODEC_H264 || codec == AVB_VPU_CODEC_HEVC;
        int e = check(dec, owner, AVBD_DEC_CLOSED);

        if (e < 0)
                return e;
        if (video_codec != (dec->kind == AVB_MEDIA_VIDEO))
                return -EOPNOTSUPP;
        if (!dec->all->vpu)
                return -ENODEV;
        dec->frame_pool = find_frame_pool(dec->all->profile, dec->kind, secure);
        if (dec->frame_pool < 0)
                return -ENODEV;
        /* an I420 frame of the largest size the client announces must fit a block */
        if ((uint64_t)max_width * max_height * 3 / 2 >
            dec->all->profile->frame_pools[dec->frame_pool].block_bytes)
                return -E2BIG;
        e = avbd_delivery_new(listener, &dec_delivery_ops, dec, &dec->dlv);
        if (e < 0)
                return e;
        dec->owner = owner;
        dec->codec = codec;
        dec->secure = secure;
        memset(&dec->fmt, 0, sizeof(dec->fmt));
        memset(&dec->cfg, 0, sizeof(dec->cfg));
        forget_codec_data(dec);
        reset_metrics(dec);
        dec_tell_state(dec, AVBD_DEC_OPENING);
        e = avb_vendor_decoder_open(dec->all->vendor, dec->kind, dec->id);
        if (e == 0) {
                e = dec_open_session(dec, false);
                if (e < 0)
                        (void)avb_vendor_decoder_close(dec->all->vendor, dec->kind, dec->id,
                                                       dec->profile_configured);
        }
        if (e < 0) {
                dec_close_session(dec);
                dec_tell_state(dec, AVBD_DEC_CLOSED);
                avbd_delivery_free(dec->dlv);
                dec->dlv = NULL;
                dec->owner = 0;
                /*
                 * A VPU that refuses a secure session (v4l2 has none) has no
                 * resource for it: INVALID_RESOURCE, not "codec not supported".
                 */
                return e == -EOPNOTSUPP && !secure ? e : -ENODEV;
        }
        dec_tell_state(dec, AVBD_DEC_READY);
        return 0;
}

int avbd_dec_open(struct avbd_dec *dec, uint64_t owner, enum avb_vpu_codec codec, bool secure,
                  uint32_t max_width, uint32_t max_height, avb_binder *listener,
                  avb_binder **ret_controller)
{
        size_t slot;
        int e;

        pthread_mutex_lock(&dec->all->lock);
        e = do_open(dec, owner, codec, secure, max_width, max_height, listener);
        if (e == 0) {
                /* the earlier opens' controllers go dead, this one's object comes alive */
                slot = (size_t)(++dec->gen % AVBD_DEC_CONTROLLERS);
                dec->ctl[slot].gen = dec->gen;
                *ret_controller = avb_binder_ref(dec->controllers[slot]);
        }
        dec_wake_if_owed(dec);
        pthread_mutex_unlock(&dec->all->lock);
        return e;
}

/* One step of the state machine, told to the listeners or not. */
static void enter(struct avbd_dec *dec, enum avbd_dec_state to, bool tell)
{
        if (tell)
                dec_tell_state(dec, to);
        else
                dec->state = to;
}

/* Run step on ctl's decoder if owner may and it is in state want. */
static int call(const struct avbd_ctl *ctl, uint64_t owner, enum avbd_dec_state want,
                int (*step)(struct avbd_dec *dec, bool tell))
{
        struct avbd_dec *dec = ctl->dec;
        int e;

        pthread_mutex_lock(&dec->all->lock);
        e = check_ctl(ctl, owner, want);
        if (e == 0)
                e = step(dec, true);
        dec_wake_if_owed(dec);
        pthread_mutex_unlock(&dec->all->lock);
        return e;
}

/*
 * The vendor side of a start: the decoder's media pipeline validated and
 * streaming, and whether its output is tunnelled to the sink.
 */
static int start_pipeline(struct avbd_dec *dec)
{
        const struct avb_vendor_decoder_start how = {
            .kind = dec->kind,
            .id = dec->id,
            .frame_pool = (unsigned)dec->frame_pool,
            .fourcc = dec->kind == AVB_MEDIA_VIDEO ? AVB_GRAPH_FOURCC('I', '4', '2', '0') : 0,
            .notify_fd = dec->all->wake,
        };
        char bad[AVB_VENDOR_LINK_TEXT] = "";
        int e = avb_vendor_decoder_start(dec->all->vendor, &how, &dec->tunnelled, bad);

        if (e == -EPIPE)
                avb_log(AVB_LOG_WARNING, "%s decoder %d: link %s does not validate; not started",
                        dec->kind ? "video" : "audio", (int)dec->id, bad);
        else if (e < 0)
                avb_log(AVB_LOG_WARNING, "%s decoder %d: media pipeline: %s",
                        dec->kind ? "video" : "audio", (int)dec->id, strerror(-e));
        dec->eos_to_sink = dec->sink_refuses = false;
        dec->geometry_due = true;
        return e;
}

/* A new stream begins (start, flush): metadata on its first frame, metrics anew. */
static void new_stream(struct avbd_dec *dec)
{
        dec->meta_due = true;
        dec->eos_told = dec->discontinuity = false;
}

/* READY -> STARTED. */
static int start_streaming(struct avbd_dec *dec, bool tell)
{
        const struct avb_vpu_ops *ops = dec->all->vpu->ops;
        int e;

        enter(dec, AVBD_DEC_STARTING, tell);
        e = start_pipeline(dec);
        if (e < 0) {
                enter(dec, AVBD_DEC_READY, tell);
                return e == -EPIPE || e == -EBUSY || e == -EBADFD ? e : -ENODEV;
        }
        if (dec->sess) {
                e = ops->stream_on(dec->sess, AVB_VPU_INPUT);
                if (e == 0)
                        e = ops->stream_on(dec->sess, AVB_VPU_OUTPUT);
                if (e < 0)
                        dec_close_session(dec);
        }
        if (!dec->sess)
                e = dec_open_session(dec, true);
        if (e < 0) {
                (void)avb_vendor_decoder_stop(dec->all->vendor, dec->kind, dec->id);
                enter(dec, AVBD_DEC_READY, tell);
                return -ENODEV;
        }
        new_stream(dec);
        enter(dec, AVBD_DEC_STARTED, tell);
        dec_top_up_output(dec);
        dec_wake_worker(dec->all);
        return 0;
}

/* STARTED -> READY, the work of it (the caller tells the states). */
static void stop_work(struct avbd_dec *dec)
{
        const struct avb_vpu_ops *ops = dec->all->vpu->ops;

        dec_held_drop(dec);
        if (dec->sess && (ops->stream_off(dec->sess, AVB_VPU_INPUT) < 0 ||
                          ops->stream_off(dec->sess, AVB_VPU_OUTPUT) < 0))
                dec_close_session(dec);
        dec_release_buffers(dec);
        avbd_delivery_end_stream(dec->dlv); /* undelivered frames are freed */
        (void)avb_vendor_decoder_stop(dec->all->vendor, dec->kind, dec->id);
        dec->tunnelled = dec->eos_to_sink = false;
        reset_metrics(dec);
}

/* STARTED -> FLUSHING -> STARTED, or READY with reset. */
static int flush_streams(struct avbd_dec *dec, bool tell, bool reset)
{
        enter(dec, AVBD_DEC_FLUSHING, tell);
        dec_service(dec); /* frames already decoded still reach the client */
        /* but none that its listener has not taken yet: they are freed */
        avbd_delivery_end_stream(dec->dlv);
        dec_held_drop(dec);
        if (reset) {
                stop_work(dec);
                enter(dec, AVBD_DEC_READY, tell);
                return 0;
        }
        if (dec->sess && dec->all->vpu->ops->flush(dec->sess) < 0)
                dec_close_session(dec);
        dec_release_buffers(dec);
        if (dec->tunnelled)
                avb_vendor_sink_flush(dec->all->vendor, dec->kind, dec->id);
        dec->eos_to_sink = false;
        reset_metrics(dec);
        new_stream(dec);
        enter(dec, AVBD_DEC_STARTED, tell);
        if (!dec->sess)
                (void)dec_open_session(dec, true);
        dec_top_up_output(dec);
        return 0;
}

static int flush_keep(struct avbd_dec *dec, bool tell)
{
        return flush_streams(dec, tell, false);
}

static int flush_reset(struct avbd_dec *dec, bool tell)
{
        return flush_streams(dec, tell, true);
}

/* STARTED -> READY. */
static int stop_streaming(struct avbd_dec *dec, bool tell)
{
        enter(dec, AVBD_DEC_STOPPING, tell);
        stop_work(dec);
        enter(dec, AVBD_DEC_READY, tell);
        return 0;
}

/* READY -> CLOSED. */
static int close_decoder(struct avbd_dec *dec, bool tell)
{
        enter(dec, AVBD_DEC_CLOSING, tell);
        dec_close_session(dec);
        dec_release_buffers(dec);
        (void)avb_vendor_decoder_close(dec->all->vendor, dec->kind, dec->id,
                                       dec->profile_configured);
        enter(dec, AVBD_DEC_CLOSED, tell);
        /* the controller listener is owed no more: its frames ended with the stream */
        avbd_delivery_free(dec->dlv);
        dec->dlv = NULL;
        forget_codec_data(dec);
        dec->owner = 0;
        dec->owe_available = false;
        return 0;
}

/* STARTED: the buffers that follow are not continuous with those before. */
static int mark_discontinuity(struct avbd_dec *dec, bool tell)
{
        (void)tell;
        dec->discontinuity = dec->meta_due = true;
        return 0;
}

int avbd_dec_start(const struct avbd_ctl *ctl, uint64_t owner)
{
        return call(ctl, owner, AVBD_DEC_READY, start_streaming);
}

int avbd_dec_flush(const struct avbd_ctl *ctl, uint64_t owner, bool reset)
{
        return call(ctl, owner, AVBD_DEC_STARTED, reset ? flush_reset : flush_keep);
}

int avbd_dec_stop(const struct avbd_ctl *ctl, uint64_t owner)
{
        return call(ctl, owner, AVBD_DEC_STARTED, stop_streaming);
}

int avbd_dec_close(const struct avbd_ctl *ctl, uint64_t owner)
{
        return call(ctl, owner, AVBD_DEC_READY, close_decoder);
}

int avbd_dec_discontinuity(const struct avbd_ctl *ctl, uint64_t owner)
{
        return call(ctl, owner, AVBD_DEC_STARTED, mark_discontinuity);
}

static int do_decode(const struct avbd_ctl *ctl, uint64_t owner, int64_t handle, int64_t pts_ns,
                     bool eos, bool *ret_accepted)
{
        struct avbd_dec *dec = ctl->dec;
        struct avb_buffer_info info;
        struct avb_vpu_buf b = {0};
        int e = check_ctl(ctl, owner, AVBD_DEC_STARTED);

        if (e < 0)
                return e;
        if (avb_vendor_buffer_info(dec->all->vendor, handle, &info) < 0)
                return -ENOENT;
        /* a buffer already queued is the decoder's: queueing it twice would free it twice */
        for (size_t i = 0; i < dec->in.n; i++)
                if (dec->in.h[i] == handle)
                        return -EINVAL;
        /* only a coded buffer of a pool made for this decoder, in the heap of its mode */
        if (info.pool_handle == AVB_VENDOR_FRAME_POOL_BUFFER || info.secure != dec->secure ||
            info.kind != dec->kind || info.decoder_id != dec->id)
                return -EINVAL;
        if (!dec->sess && dec_open_session(dec, true) < 0)
                return -ENODEV;
        b.secure = info.secure;
        b.offset = info.heap_offset;
        b.size = info.size;
        b.pts_ns = pts_ns;
        b.cookie = (uint64_t)handle;
        e = dec->in.n == DEC_MAX_IN ? -EAGAIN : avb_vpu_sync_for_device(dec->all->vpu, &b);
        if (e == 0)
                e = dec->all->vpu->ops->queue_input(dec->sess, &b);
        if (e == -ENODEV) { /* the firmware died since: tell, then on a new one */
                dec_vpu_failed(dec);
                e = dec_open_session(dec, true);
                if (e == 0)
                        e = dec->all->vpu->ops->queue_input(dec->sess, &b);
        }
        if (e == -EAGAIN) {
                dec->owe_available = true;
                *ret_accepted = false;
                return 0;
        }
        if (e < 0)
                return e == -EINVAL ? -EINVAL : -ENODEV;
        dec_set_add(&dec->in, handle);
        /* a buffer after the end of a stream starts the next one (it ends once too) */
        if (dec->eos_told) {
                dec->eos_told = false;
                dec->meta_due = true;
        }
        /* the end of stream rides on the last buffer: drain after it */
        if (eos)
                dec->draining = true;
        if (eos && dec->all->vpu->ops->drain(dec->sess) < 0)
                avb_log(AVB_LOG_WARNING, "decoder %d: the VPU did not take the end of stream",
                        (int)dec->id);
        *ret_accepted = true;
        return 0;
}

int avbd_dec_decode(const struct avbd_ctl *ctl, uint64_t owner, int64_t handle, int64_t pts_ns,
                    bool eos, bool *ret_accepted)
{
        struct avbd_dec *dec = ctl->dec;
        int e;

        pthread_mutex_lock(&dec->all->lock);
        e = do_decode(ctl, owner, handle, pts_ns, eos, ret_accepted);
        dec_wake_if_owed(dec);
        pthread_mutex_unlock(&dec->all->lock);
        return e;
}

/*
 * A VPU takes codec configuration only before its input streams (vpu.h), and
 * the HAL gives it while STARTED: the session is made again around it. That
 * is only safe before coded buffers are in flight (they would be lost), which
 * is when the HAL says to call it.
 */
static int do_codec_data(struct avbd_dec *dec, enum avb_vpu_codec_data type, const void *data,
                         size_t len)
{
        enum avb_vpu_codec_data old_type = dec->csd_type;
        uint8_t *old = dec->csd, *copy;
        size_t old_len = dec->csd_len;
        int e;

        if (dec->in.n)
                return -EBUSY;
        if (!len || len > AVB_VPU_CODEC_DATA_MAX)
                return -EINVAL;
        copy = malloc(len);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, data, len);
        dec_close_session(dec);
        dec_set_free_all(dec, &dec->out);
        dec->csd = copy;
        dec->csd_len = len;
        dec->csd_type = type;
        e = dec_open_session(dec, true);
        if (e < 0) { /* refused: back to what was there */
                free(copy);
                dec->csd = old;
                dec->csd_len = old_len;
                dec->csd_type = old_type;
                dec_close_session(dec);
                if (dec_open_session(dec, true) < 0)
                        dec_vpu_failed(dec);
                dec_top_up_output(dec);
                return e == -EINVAL || e == -EOPNOTSUPP ? e : -ENODEV;
        }
        free(old);
        new_stream(dec);
        dec_top_up_output(dec);
        return 0;
}

int avbd_dec_codec_data(const struct avbd_ctl *ctl, uint64_t owner, enum avb_vpu_codec_data type,
                        const void *data, size_t len)
{
        struct avbd_dec *dec = ctl->dec;
        int e;

        pthread_mutex_lock(&dec->all->lock);
        e = check_ctl(ctl, owner, AVBD_DEC_STARTED);
        if (e == 0)
                e = do_codec_data(dec, type, data, len);
        dec_wake_if_owed(dec);
        pthread_mutex_unlock(&dec->all->lock);
        return e;
}

static unsigned state_bit(enum avbd_dec_state st)
{
        return st == AVBD_DEC_READY ? AVBD_IN_READY : st == AVBD_DEC_STARTED ? AVBD_IN_STARTED : 0;
}

int avbd_dec_configure(const struct avbd_ctl *ctl, uint64_t owner, unsigned states,
                       int (*apply)(struct avbd_dec_config *cfg, const void *arg), const void *arg)
{
        struct avbd_dec *dec = ctl->dec;
        struct avbd_dec_config cfg;
        int e;

        pthread_mutex_lock(&dec->all->lock);
        e = dec->state == AVBD_DEC_CLOSED || ctl->gen != dec->gen ? -ESTALE
                                                                  : check_owner(dec, owner);
        if (e == 0 && !(state_bit(dec->state) & states))
                e = -EBADFD;
        if (e == 0) {
                cfg = dec->cfg;
                e = apply(&cfg, arg);
        }
        if (e == 0) {
                /* frame metadata repeats the settings: the next frame says what changed */
                dec->meta_due = dec->meta_due || memcmp(&cfg, &dec->cfg, sizeof(cfg)) != 0;
                dec->cfg = cfg;
        }
        pthread_mutex_unlock(&dec->all->lock);
        return e;
}

int avbd_dec_set_tunnelled(const struct avbd_ctl *ctl, uint64_t owner, bool tunnelled)
{
        struct avbd_dec *dec = ctl->dec;
        int e;

        pthread_mutex_lock(&dec->all->lock);
        e = check_ctl(ctl, owner, AVBD_DEC_READY);
        if (e == 0)
                e = avb_vendor_decoder_set_tunnelled(dec->all->vendor, dec->kind, dec->id,
                                                     tunnelled);
        pthread_mutex_unlock(&dec->all->lock);
        return e;
}

int avbd_dec_add_event_listener(struct avbd_dec *dec, avb_binder *listener)
{
        static const struct avbd_delivery_ops event_ops = {
            .send = dec_send_event,
            .available = dec_send_available,
            .done = dec_frame_done,
        };
        int e = -ENOSPC, free_slot = -1;

        pthread_mutex_lock(&dec->all->lock);
        for (int i = 0; i < AVBD_DEC_EVENT_LISTENERS; i++) {
                if (dec->events[i] && avbd_delivery_gone(dec->events[i])) {
                        avbd_delivery_free(dec->events[i]); /* its process has gone */
                        dec->events[i] = NULL;
                }
                if (dec->events[i] && avbd_delivery_listener(dec->events[i]) == listener) {
                        e = -EEXIST;
                        goto out;
                }
                if (!dec->events[i] && free_slot < 0)
                        free_slot = i;
        }
        if (free_slot >= 0)
                e = avbd_delivery_new(listener, &event_ops, dec, &dec->events[free_slot]);
out:
        pthread_mutex_unlock(&dec->all->lock);
        return e;
}

int avbd_dec_remove_event_listener(struct avbd_dec *dec, avb_binder *listener)
{
        int e = -ENOENT;

        pthread_mutex_lock(&dec->all->lock);
        for (size_t i = 0; i < AVBD_DEC_EVENT_LISTENERS; i++)
                if (dec->events[i] && avbd_delivery_listener(dec->events[i]) == listener) {
                        avbd_delivery_free(dec->events[i]);
                        dec->events[i] = NULL;
                        e = 0;
                        break;
                }
        pthread_mutex_unlock(&dec->all->lock);
        return e;
}

void avbd_dec_info(struct avbd_dec *dec, struct avbd_dec_info *ret)
{
        const struct avbd_profile *p = dec->all->profile;
        bool tunnelled = false;

        pthread_mutex_lock(&dec->all->lock);
        *ret = (struct avbd_dec_info){
            .state = dec->state,
            .secure = dec->secure,
            .codec = dec->codec,
            .input_queue_bytes = 0,
            .frames_decoded = dec->frames_decoded,
            .decode_errors = dec->decode_errors,
            .frames_dropped = dec->frames_dropped,
            .cfg = dec->cfg,
        };
        if (dec->state != AVBD_DEC_CLOSED && dec->frame_pool >= 0)
                ret->frame_pool_blocks = p->frame_pools[dec->frame_pool].count;
        ret->input_queue_bytes = DEC_MAX_IN;
        ret->tunnelled = dec->state == AVBD_DEC_STARTED
                             ? dec->tunnelled
                             : avb_vendor_decoder_tunnelled(dec->all->vendor, dec->kind, dec->id,
                                                            &tunnelled) == 0 &&
                                   tunnelled;
        pthread_mutex_unlock(&dec->all->lock);
}

void avbd_dec_limits(const struct avbd_dec *dec, struct avbd_dec_limits *ret)
{
        static const uint32_t sizes[][2] = {{3840, 2160}, {1920, 1080}, {1280, 720},
                                            {720, 576},   {640, 480},   {320, 240}};
        const struct avbd_profile *p = dec->all->profile;

        *ret = (struct avbd_dec_limits){0};
        for (size_t i = 0; i < p->n_frame_pools; i++) {
                if (p->frame_pools[i].kind != dec->kind)
                        continue;
                if (p->frame_pools[i].block_bytes > ret->max_bytes)
                        ret->max_bytes = p->frame_pools[i].block_bytes;
                ret->secure = ret->secure || p->frame_pools[i].secure;
        }
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
                if ((uint64_t)sizes[i][0] * sizes[i][1] * 3 / 2 <= ret->max_bytes) {
                        ret->max_width = sizes[i][0];
                        ret->max_height = sizes[i][1];
                        break;
                }
}

/* ---- the set --------------------------------------------------------------- */

/* Close dec whatever its state, without telling anyone. Lock held. */
static void shut(struct avbd_dec *dec)
{
        if (dec->state == AVBD_DEC_STARTED)
                (void)stop_streaming(dec, false);
        if (dec->state == AVBD_DEC_READY)
                (void)close_decoder(dec, false);
}

void avbd_decoders_client_gone(struct avbd_decoders *d, uint64_t client_id)
{
        size_t n;

        if (!d)
                return;
        pthread_mutex_lock(&d->lock);
        for (size_t i = 0; i < d->n; i++) {
                struct avbd_dec *dec = &d->dec[i];

                dec_pump_events(dec); /* forgets the event listeners of processes gone */
                if (dec->state == AVBD_DEC_CLOSED || dec->owner != client_id)
                        continue;
                avb_log(AVB_LOG_INFO, "%s decoder %d: its client has gone; closing it",
                        dec->kind ? "video" : "audio", (int)dec->id);
                /* its owed frames are freed with the delivery; the others hear of the close */
                avbd_delivery_free(dec->dlv);
                dec->dlv = NULL;
                if (dec->state == AVBD_DEC_STARTED)
                        (void)stop_streaming(dec, true);
                if (dec->state == AVBD_DEC_READY)
                        (void)close_decoder(dec, true);
        }
        /*
         * The frames it was delivered and still owns, from any decoder and
         * however many, even where it had closed the decoder first; those it
         * handed to a sink are the sink's now (videosink.c) and stay there.
         */
        n = avb_vendor_frame_free_owner(d->vendor, client_id);
        if (n)
                avb_log(AVB_LOG_INFO, "%zu frames its client held freed", n);
        dec_wake_worker(d);
        pthread_mutex_unlock(&d->lock);
}

int avbd_decoders_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                      struct avb_vpu *vpu, const struct avbd_dec_notify_ops *const notify_ops[2],
                      struct avbd_decoders **ret)
{
        struct avbd_decoders *d = calloc(1, sizeof(*d));
        int e;

        if (!d)
                return -ENOMEM;
        d->profile = profile;
        pthread_mutex_init(&d->lock, NULL);
        d->vendor = vendor;
        d->vpu = vpu;
        d->notify[0] = notify_ops[0];
        d->notify[1] = notify_ops[1];
        d->dec = calloc(profile->n_decoders ? profile->n_decoders : 1, sizeof(*d->dec));
        d->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (!d->dec || d->wake < 0) {
                avbd_decoders_free(d);
                return -ENOMEM;
        }
        for (size_t i = 0; i < profile->n_decoders; i++) {
                const struct avb_decoder_spec *sp = &profile->decoders[i];

                if (sp->id < 0)
                        continue; /* audio UNDEFINED is not a decoder */
                d->dec[d->n++] = (struct avbd_dec){.all = d,
                                                   .kind = sp->kind,
                                                   .id = sp->id,
                                                   .profile_configured = sp->configured,
                                                   .state = AVBD_DEC_CLOSED,
                                                   .frame_pool = -1};
        }
        e = -pthread_create(&d->worker, NULL, dec_worker, d);
        if (e < 0) {
                avbd_decoders_free(d);
                return e;
        }
        d->worker_started = true;
        *ret = d;
        return 0;
}

void avbd_decoders_free(struct avbd_decoders *d)
{
        if (!d)
                return;
        if (d->worker_started) {
                pthread_mutex_lock(&d->lock);
                d->stopping = true;
                pthread_mutex_unlock(&d->lock);
                dec_wake_worker(d);
                pthread_join(d->worker, NULL);
        }
        for (size_t i = 0; i < d->n; i++) {
                avbd_delivery_free(d->dec[i].dlv);
                d->dec[i].dlv = NULL;
                shut(&d->dec[i]);
                for (size_t k = 0; k < AVBD_DEC_EVENT_LISTENERS; k++)
                        avbd_delivery_free(d->dec[i].events[k]);
        }
        if (d->wake >= 0)
                close(d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d->dec);
        free(d);
}

size_t avbd_decoders_count(const struct avbd_decoders *d)
{
        return d->n;
}

struct avbd_dec *avbd_decoders_at(struct avbd_decoders *d, size_t i)
{
        return i < d->n ? &d->dec[i] : NULL;
}

int avbd_decoders_find(struct avbd_decoders *d, enum avb_media_kind kind, int32_t id,
                       struct avbd_dec **ret)
{
        for (size_t i = 0; i < d->n; i++)
                if (d->dec[i].kind == kind && d->dec[i].id == id) {
                        *ret = &d->dec[i];
                        return 0;
                }
        return -ENOENT;
}

enum avb_media_kind avbd_dec_kind(const struct avbd_dec *dec)
{
        return dec->kind;
}

int32_t avbd_dec_id(const struct avbd_dec *dec)
{
        return dec->id;
}

enum avbd_dec_state avbd_dec_state(struct avbd_dec *dec)
{
        enum avbd_dec_state st;

        pthread_mutex_lock(&dec->all->lock);
        st = dec->state;
        pthread_mutex_unlock(&dec->all->lock);
        return st;
}

void avbd_dec_set_binder(struct avbd_dec *dec, avb_binder *binder)
{
        dec->binder = binder;
}

avb_binder *avbd_dec_binder(const struct avbd_dec *dec)
{
        return dec->binder;
}

struct avbd_ctl *avbd_dec_controller_slot(struct avbd_dec *dec, size_t i)
{
        dec->ctl[i].dec = dec;
        return &dec->ctl[i];
}

void avbd_dec_set_controller(struct avbd_dec *dec, size_t i, avb_binder *controller)
{
        dec->controllers[i] = controller;
}
