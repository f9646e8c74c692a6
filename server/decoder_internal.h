/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_DECODER_INTERNAL_H
#define AVBD_DECODER_INTERNAL_H

/*
 * Inside the decoders (decoder_core.h), in three layers, each calling only
 * the ones below it:
 *   decoder.c         the calls (state machine) and the set of decoders;
 *   decoder_worker.c  the worker thread: the VPU's completions to listeners;
 *   decoder_session.c the VPU session, the buffers it holds, and telling
 *                     listeners (deliveries).
 * Locking: every function here runs with the decoders' mutex held, except
 * dec_worker (the thread's body, which takes it).
 */

#include <stdbool.h>
#include <stdint.h>

#include "decoder_core.h"
#include "decoder_delivery.h"

#define DEC_MAX_IN     64 /* coded buffers the decoder may hold */
#define DEC_MAX_OUT    32 /* frame blocks queued to the VPU */
#define DEC_OUT_TARGET 4  /* frame blocks kept queued */
#define DEC_TICK_MS    10 /* worker poll while blocks are short or events owed */

struct handle_set {
        int64_t h[DEC_MAX_IN];
        size_t n;
};

struct avbd_dec {
        struct avbd_decoders *all;
        enum avb_media_kind kind;
        int32_t id;
        bool profile_configured;
        enum avbd_dec_state state;
        uint64_t owner;
        struct avbd_delivery *dlv; /* to the controller listener; NULL when closed */
        struct avbd_delivery *events[AVBD_DEC_EVENT_LISTENERS]; /* event listeners */
        avb_binder *binder;                            /* the IVideoDecoder/IAudioDecoder object */
        avb_binder *controllers[AVBD_DEC_CONTROLLERS]; /* its controller objects */
        struct avbd_ctl ctl[AVBD_DEC_CONTROLLERS];     /* their impls */
        uint64_t gen;                                  /* opens so far */
        enum avb_vpu_codec codec;
        bool secure;
        bool tunnelled;    /* this start: frames go to the vendor sink, the listener gets -1 */
        bool eos_to_sink;  /* an end of stream waits in the sink */
        bool geometry_due; /* the graph has yet to hear the stream's geometry */
        bool sink_refuses; /* tunnelled: that geometry does not fit the sink's link */
        int frame_pool;    /* vendor frame pool index, -1: none */
        void *sess;        /* VPU session; NULL: none (not open, or the VPU died) */
        struct handle_set in, out;
        bool owe_available; /* decode said false: one onDecodeBufferAvailable due */
        bool meta_due;
        bool discontinuity; /* the next frame follows a discontinuity */
        bool eos_told;      /* this stream's end went out on a frame's metadata */
        /*
         * After a buffer with endOfStream, the newest frame is held back until
         * the next one or the VPU's end of stream, so that the end rides on the
         * last real frame (a VPU may mark an empty block as the last).
         */
        bool draining, holding;
        int64_t held_pts, held_handle;
        bool held_has_meta;
        struct avbd_frame_meta held_meta;
        struct avb_vpu_format fmt;
        struct avbd_dec_config cfg;
        int64_t frames_decoded, decode_errors, frames_dropped;
        /* the stream's codec configuration (parseCodecSpecificData) */
        enum avb_vpu_codec_data csd_type;
        uint8_t *csd;
        size_t csd_len;
};

struct avbd_decoders {
        pthread_mutex_t lock;
        const struct avbd_profile *profile;
        struct avb_vendor *vendor;
        struct avb_vpu *vpu;
        const struct avbd_dec_notify_ops *notify[2];
        struct avbd_dec *dec;
        size_t n;
        int wake;                           /* eventfd */
        struct avb_vpu_user_data user_data; /* the worker's scratch */
        bool stopping;
        pthread_t worker;
        bool worker_started;
};

/* ---- decoder_session.c ---- */
bool dec_set_add(struct handle_set *s, int64_t h);
bool dec_set_remove(struct handle_set *s, int64_t h);
void dec_set_free_all(struct avbd_dec *dec, struct handle_set *s);
void dec_wake_worker(struct avbd_decoders *d);
/* After a call: events it could not send yet need the worker's tick. */
void dec_wake_if_owed(struct avbd_dec *dec);
const struct avbd_dec_notify_ops *dec_notify(const struct avbd_dec *dec);
void dec_tell_state(struct avbd_dec *dec, enum avbd_dec_state to);
void dec_tell_error(struct avbd_dec *dec, int32_t code, int vendor_code, const char *msg);
void dec_frame_meta(struct avbd_dec *dec, bool eos, struct avbd_frame_meta *ret);
void dec_tell_eos(struct avbd_dec *dec);
void dec_pay_available(struct avbd_dec *dec);
avb_status dec_send_event(void *ctx, avb_binder *listener, const struct avbd_owed *ev);
avb_status dec_send_available(void *ctx, avb_binder *listener);
void dec_frame_done(void *ctx, const struct avbd_owed *ev, bool delivered);
extern const struct avbd_delivery_ops dec_delivery_ops;
bool dec_listener_behind(const struct avbd_dec *dec);
void dec_pump_events(struct avbd_dec *dec);
bool dec_events_owed(const struct avbd_dec *dec);
void dec_release_buffers(struct avbd_dec *dec);
void dec_close_session(struct avbd_dec *dec);
int dec_open_session(struct avbd_dec *dec, bool stream);
void dec_top_up_output(struct avbd_dec *dec);

/* ---- decoder_worker.c ---- */
/* Free a frame held back for the end of stream (flush, stop, close). */
void dec_held_drop(struct avbd_dec *dec);
void dec_vpu_failed(struct avbd_dec *dec);
/* Take everything the VPU has for dec. */
void dec_service(struct avbd_dec *dec);
void *dec_worker(void *arg);

#endif
