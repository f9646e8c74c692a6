/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_DECODE_TEST_H
#define AVB_DECODE_TEST_H

/*
 * The decode proof tests (tests/decode): a client of the real avbufferd
 * (started by avbuffer-test-harness) that pushes H.264 through AV buffers
 * and checks the frames that come back.
 *
 * dt_client.c: the connection, the listener, pushing a stream and checking
 * frames against reference hashes (ffmpeg's framemd5 / framehash sha1).
 * decode_test.c: the cases.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <avbuffer/helper.h>

#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_videodecoder.h"
#include "avb_avbuffer.h"

#define DT_MAX_FRAMES 1024
#define DT_QUEUE 256

/*
 * Frame metadata of either package: a, b are width, height or rate, channels;
 * format the pixel or sample format.
 */
struct dt_meta {
        int32_t frame_bytes, a, b;
        bool eos;
        int32_t format;
        /* video: FrameMetadata.planeOffsets/planeStrides (n_planes of each) */
        size_t n_planes;
        int32_t offset[3], stride[3];
};

struct dt_frame {
        int64_t pts, handle;
        bool has_meta;
        struct dt_meta meta;
};

/* The decoder calls of one package (dt_client.c has video and audio). */
struct dt_api {
        avb_status (*get)(avb_binder *mgr, int32_t id, avb_binder **ret);
        avb_status (*open)(avb_binder *dec, int32_t codec, bool secure, avb_binder *listener);
        avb_status (*start)(avb_binder *dec);
        avb_status (*stop)(avb_binder *dec);
        avb_status (*close)(avb_binder *dec);
        avb_status (*eos)(avb_binder *dec);
        avb_status (*decode)(avb_binder *dec, int64_t handle, int64_t pts, bool *ret_accepted);
        avb_status (*state)(avb_binder *dec, int32_t *ret);
        avb_status (*pool)(avb_binder *av, bool secure, int32_t id, avb_binder *listener,
                           com_rdk_hal_avbuffer_Pool *ret);
        int32_t codec;
};
extern const struct dt_api dt_video, dt_audio;

/* What the listener heard; guarded by m. */
struct dt_listener {
        pthread_mutex_t m;
        pthread_cond_t c;
        struct dt_frame q[DT_QUEUE];
        size_t head, n;
        int available;   /* onDecodeBufferAvailable calls */
        int errors[4];   /* by code: [1] DECODE, [2] VPU, [3] SINK */
        int eos;
        size_t received;        /* frames (not end-of-stream markers) heard */
        size_t received_at_eos; /* frames heard before the last end-of-stream marker */
        int state;       /* last newState */
        size_t received_at_state; /* frames heard before the last state change */
        int64_t last_pts;
        size_t out_of_order; /* frames whose pts was not above the one before */
        bool gated; /* frame callbacks wait (the callback thread blocks) while set */
        avb_binder *binder, *audio_binder;
};

struct dt {
        const struct dt_api *api; /* &dt_video unless dt_use_audio */
        avb_binder *sm, *av, *mgr, *amgr, *dec, *space;
        avb_helper *helper;
        struct dt_listener l;
        com_rdk_hal_avbuffer_Pool pool;
        int32_t dec_id;
        bool secure, have_pool;
        /* reference: one hex digest per frame (md5 or sha1) */
        char ref[DT_MAX_FRAMES][41];
        size_t n_ref;
        /* results */
        size_t n_frames, n_bad;
        int32_t frame_bytes, width, height;
        int false_returns;
        bool no_sha1; /* calculateSHA1 unsupported (debug_api=false): not compared */
        bool tunnelled; /* frames go to the vendor sink: every frame handle must be -1 */
        /* Checks frames instead of the reference when set (data: the mapped frame). */
        bool (*frame_ok)(struct dt *t, const struct dt_frame *f, const uint8_t *data,
                         size_t size);
};

/* Options of one push. */
struct dt_push {
        size_t chunk;          /* bytes per coded buffer */
        size_t limit;          /* stop after this many bytes (0: all) */
        bool hold_until_full;  /* keep frames until decode says false once */
        bool stop_when_full;   /* with hold_until_full: free the refused buffer and stop */
        bool check;            /* compare frames with the reference */
        bool eos;              /* signalEndOfStream and wait for the marker */
        bool poll;             /* a refused buffer: retry every 5 ms, no callback awaited */
};

void dt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#define DT_OK(st, what)                                                                            \
        do {                                                                                       \
                avb_status _s = (st);                                                              \
                if (!avb_status_is_ok(&_s))                                                        \
                        dt_fail("%s: exception %d (%d) %s", what, _s.exception,                   \
                                _s.service_specific, _s.message ? _s.message : "");                \
        } while (0)

void dt_connect(struct dt *t);
/* Drive audio decoders (MP2) from now on. */
void dt_use_audio(struct dt *t);
void dt_disconnect(struct dt *t);
/* Decoder `id` of the manager of t->api into t->dec. */
void dt_get_decoder(struct dt *t, int32_t id);
/* open(t->api->codec, secure) + start, and a pool for it. */
void dt_open_start(struct dt *t, bool secure);
void dt_stop_close(struct dt *t);
/* Reference hashes: the last field of each line of an ffmpeg frame hash file. */
void dt_load_ref(struct dt *t, const char *path);
void *dt_read_file(const char *path, size_t *ret_len);
/* Push data through the decoder in o->chunk pieces; returns the bytes pushed. */
size_t dt_push(struct dt *t, const uint8_t *data, size_t len, const struct dt_push *o);
/*
 * Push an H.264 stream one access unit per buffer (split by libavcodec's
 * parser), access unit i with pts i * frame_ns: right for a stream without
 * B-frames, whose decode order is its presentation order. o->chunk and
 * o->limit are not used. Returns the access units pushed.
 */
size_t dt_push_frames(struct dt *t, const uint8_t *data, size_t len, int64_t frame_ns,
                      const struct dt_push *o);
/* Open the gate of dt_listener.gated. */
void dt_open_gate(struct dt *t);
/* Handle the frames that arrived (checked and freed); wait up to ms for one. */
void dt_drain_frames(struct dt *t, bool check, int ms);
/* Wait until cond(t) or ms pass; frames keep being freed. */
bool dt_wait(struct dt *t, bool (*cond)(struct dt *), int ms, bool check);
/* A coded buffer of t->pool holding data; waits for room (freeing frames unless hold). */
int64_t dt_fill_buffer(struct dt *t, const uint8_t *data, size_t n, bool hold);
int32_t dt_pool_used(struct dt *t);
/* Whether m's planes are I420's with luma rows of stride bytes (chroma stride / 2). */
bool dt_i420_layout(const struct dt_meta *m, int32_t stride);
/* I420 packed: stride = width (or the end-of-stream marker's metadata). */
bool dt_packed_i420(const struct dt_meta *m);
int32_t dt_state(struct dt *t);

#endif
