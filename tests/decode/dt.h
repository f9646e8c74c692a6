/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_DECODE_TEST_H
#define AVB_DECODE_TEST_H

/*
 * The decode proof tests (tests/decode): a client of the real avbufferd
 * (started by avbuffer-test-harness) that pushes H.264 through AV buffers
 * and checks the frames that come back.
 *
 * dt_client.c: the connection, the listeners, pushing a stream and checking
 * frames against reference hashes (ffmpeg's framemd5 / framehash sha1).
 * decode_test.c: the cases; decode_new.c: those of the published HAL's additions.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <avbuffer/helper.h>

#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_videodecoder.h"
#include "avb_avbuffer.h"

#define DT_MAX_FRAMES 1024
#define DT_QUEUE      256

/*
 * Frame metadata of either package. Video: a, b are activeWidth and
 * activeHeight, format the PixelFormat; audio: a, b are sampleRate and
 * numChannels, format the PCMFormat (codec: sourceCodec).
 */
struct dt_meta {
        int32_t a, b;
        bool eos, discontinuity;
        int32_t format;
        /* video: the coded picture and the visible rectangle in it */
        int32_t coded_w, coded_h, x, y;
        int32_t depth, scan, source; /* video: colorDepth, scanType, source */
        /*
         * video: where the picture lies in the buffer (avbufferd's
         * avb.avbuffer.PlaneLayout in the metadata's extension; n_planes 0
         * without one, then I420 packed at the active size is assumed)
         */
        size_t n_planes;
        int32_t offset[3], stride[3], frame_bytes;
        /* video: FrameMetadata.sha1 when SHA1_CALC is on */
        bool has_sha1;
        uint8_t sha1[20];
        /* audio */
        int32_t codec;
        bool planar;
};

struct dt_frame {
        int64_t pts, handle;
        bool has_meta;
        struct dt_meta meta;
};

/* The decoder calls of one package (dt_client.c has video and audio). */
struct dt_api {
        avb_status (*get)(avb_binder *mgr, int32_t id, avb_binder **ret);
        /* IXDecoder.open: the controller, or NULL in *ret (codec or mode not supported) */
        avb_status (*open)(avb_binder *dec, int32_t codec, bool secure, avb_binder *listener,
                           avb_binder **ret);
        avb_status (*start)(avb_binder *ctl);
        avb_status (*stop)(avb_binder *ctl);
        avb_status (*flush)(avb_binder *ctl, bool reset);
        avb_status (*close)(avb_binder *dec, avb_binder *ctl, bool *ret);
        avb_status (*decode)(avb_binder *ctl, int64_t handle, int64_t pts, bool eos,
                             bool *ret_accepted);
        avb_status (*state)(avb_binder *dec, int32_t *ret);
        avb_status (*listen)(avb_binder *dec, avb_binder *listener, bool on, bool *ret);
        avb_status (*pool)(avb_binder *av, bool secure, int32_t id, avb_binder *listener,
                           com_rdk_hal_avbuffer_Pool *ret);
        int32_t codec;
};
extern const struct dt_api dt_video, dt_audio;

/* What onDecodeError's vendorErrorCode (a negative errno) says; the index of dt_listener.errors. */
enum dt_error {
        DT_ERROR_DECODE = 1, /* a corrupt or undecodable buffer */
        DT_ERROR_VPU = 2,    /* the VPU failed (-ENODEV) */
        DT_ERROR_SINK = 3,   /* tunnelled: the sink refuses the stream's geometry (-EPIPE) */
};
enum dt_error dt_error_kind(int32_t vendor_error);

#define DT_USER_DATA 8

/* What the listeners heard; guarded by m. */
struct dt_listener {
        pthread_mutex_t m;
        pthread_cond_t c;
        struct dt_frame q[DT_QUEUE];
        size_t head, n;
        int available;            /* onDecodeBufferAvailable calls */
        int errors[4];            /* by enum dt_error */
        int eos;                  /* onFrameOutput calls with metadata.endOfStream */
        int eos_markers;          /* of them: onFrameOutput(-1, -1, endOfStream), no frame */
        size_t received;          /* frames (not end-of-stream markers) heard */
        size_t received_at_eos;   /* frames heard up to the last end of stream */
        int state;                /* last newState */
        size_t received_at_state; /* frames heard before the last state change */
        int64_t last_pts;
        size_t out_of_order; /* frames whose pts was not above the one before */
        bool gated;          /* frame callbacks wait (the callback thread blocks) while set */
        /* onUserDataOutput: the first DT_USER_DATA items, and the frames heard before each */
        size_t n_user_data;
        struct dt_user_data {
                int64_t pts;
                size_t len, received_before;
                uint8_t data[64];
        } user_data[DT_USER_DATA];
        /* the controller listeners (video, audio), then the event listeners */
        avb_binder *binder, *audio_binder, *events, *audio_events;
};

struct dt {
        const struct dt_api *api; /* &dt_video unless dt_use_audio */
        avb_binder *sm, *av, *mgr, *amgr, *dec, *ctl, *space;
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
        int32_t width, height;
        struct dt_meta meta; /* the metadata in force */
        bool have_meta;
        int false_returns;
        int available_seen; /* onDecodeBufferAvailable calls before the last decode call */
        bool no_sha1;       /* calculateSHA1 unsupported (debug_api=false): not compared */
        bool tunnelled;     /* frames go to the vendor sink: every frame handle must be -1 */
        /*
         * When set and it returns true, the frame's handle is handed on (to a
         * video sink): counted, never mapped, checked or freed here.
         */
        bool (*give_frame)(struct dt *t, const struct dt_frame *f);
        /* Called with each frame before it is checked, when set. */
        void (*on_frame)(struct dt *t, const struct dt_frame *f);
        /* Checks frames instead of the reference when set (data: the mapped frame). */
        bool (*frame_ok)(struct dt *t, const struct dt_frame *f, const uint8_t *data, size_t size);
};

/* Options of one push. */
struct dt_push {
        size_t chunk;         /* bytes per coded buffer */
        size_t limit;         /* stop after this many bytes (0: all) */
        bool hold_until_full; /* keep frames until decode says false once */
        bool stop_when_full;  /* with hold_until_full: free the refused buffer and stop */
        bool check;           /* compare frames with the reference */
        bool eos;             /* endOfStream on the last buffer, then wait for it */
        bool eos_no_wait;     /* endOfStream on the last buffer, do not wait */
        bool poll;            /* a refused buffer: retry every 5 ms, no callback awaited */
};

void dt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#define DT_OK(st, what)                                                                            \
        do {                                                                                       \
                avb_status _s = (st);                                                              \
                if (!avb_status_is_ok(&_s))                                                        \
                        dt_fail("%s: exception %d (%d) %s", what, _s.exception,                    \
                                _s.service_specific, _s.message ? _s.message : "");                \
        } while (0)

void dt_connect(struct dt *t);
/* Drive audio decoders (MP2) from now on. */
void dt_use_audio(struct dt *t);
void dt_disconnect(struct dt *t);
/* Decoder `id` of the manager of t->api into t->dec. */
void dt_get_decoder(struct dt *t, int32_t id);
/*
 * open(t->api->codec, secure) into t->ctl (secure video: with SHA1_CALC on)
 * + start, and a pool for it.
 */
void dt_open_start(struct dt *t, bool secure);
/* open only (READY), into t->ctl. */
void dt_open(struct dt *t, bool secure);
/* start t->ctl, and a pool for it unless there is one. */
void dt_start(struct dt *t);
/* stop, close (true), the pool destroyed. */
void dt_stop_close(struct dt *t);
/* close(t->ctl) from READY, which must say true; t->ctl released. */
void dt_close(struct dt *t);
/* Video properties: getProperty's intValue (dt_fail when null), setProperty's answer. */
int32_t dt_get_property(struct dt *t, int32_t property);
bool dt_set_property(struct dt *t, int32_t property, int32_t value);
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
/* push_one for each of n prepared buffers, buffer i with pts i * frame_ns. */
size_t dt_push_samples(struct dt *t, const uint8_t *const *sample, const size_t *size, size_t n,
                       int64_t frame_ns, const struct dt_push *o);
/* An H.264 stream's access units (copies; dt_free_frames), by libavcodec's parser. */
size_t dt_split_frames(const uint8_t *data, size_t len, const uint8_t ***ret_au, size_t **ret_size);
void dt_free_frames(const uint8_t **au, size_t *size, size_t n);
/*
 * The samples extract-samples.py took out of a container (OUT.samples: each a
 * 4-byte big-endian length, then its bytes): pointers into data.
 */
struct dt_samples {
        size_t n;
        const uint8_t **sample;
        size_t *size;
};
void dt_samples_split(const uint8_t *data, size_t len, struct dt_samples *ret);
void dt_samples_free(struct dt_samples *s);
/* Open the gate of dt_listener.gated. */
void dt_open_gate(struct dt *t);
/* Handle the frames that arrived (checked and freed); wait up to ms for one. */
void dt_drain_frames(struct dt *t, bool check, int ms);
/* Wait until cond(t) or ms pass; frames keep being freed. */
bool dt_wait(struct dt *t, bool (*cond)(struct dt *), int ms, bool check);
/* A coded buffer of t->pool holding data; waits for room (freeing frames unless hold). */
int64_t dt_fill_buffer(struct dt *t, const uint8_t *data, size_t n, bool hold);
int32_t dt_pool_used(struct dt *t);
/*
 * Bytes of one frame of m in its buffer: video the plane layout's, else I420
 * packed at the active size; audio one frame of PCM (1152 samples for MPEG-1/2
 * layer II, 1024 for AAC: the published PCMMetadata has no byte count).
 */
size_t dt_frame_bytes(const struct dt_meta *m);
/* Whether m's planes are I420's with luma rows of stride bytes (chroma stride / 2). */
bool dt_i420_layout(const struct dt_meta *m, int32_t stride);
/* The reference digest of frame i, "" past the reference. */
const char *dt_ref(struct dt *t, size_t i);
int32_t dt_state(struct dt *t);
/* The cases of decode_hal.c: false when c is none of them. */
bool dt_hal_case(struct dt *t, const char *c, const char *dir);
void dt_hex(const uint8_t *d, size_t n, char *out);

/*
 * Starts exe (argv[0] its name) with its stdout on a pipe and waits for the
 * line it prints once it is ready ("ready", perhaps with more after it): the
 * child's pid; that line in line[len] and the pipe's read end in *ret_fd
 * (the caller closes it). Fails the test when the child does not get ready.
 */
pid_t dt_spawn_ready(const char *exe, char *const argv[], char *line, size_t len, int *ret_fd);

#endif
