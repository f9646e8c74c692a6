/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer-hal-conformance: the black-box conformance cases of the published
 * RDK Video and Audio Decoder HALs (com.rdk.hal.videodecoder,
 * com.rdk.hal.audiodecoder), the sibling of avbuffer-conformance.
 *
 * It reaches the service only through the public surface: the service
 * manager, the decoder managers under their published names, IAVBuffer (to
 * make coded buffers and free frames) and libavbufferhelper (to write coded
 * buffers and map non-secure frames). A case is a function; the HCF_* checks
 * end it at the first failure (longjmp back to the runner), after which the
 * runner stops and closes what the case opened and frees what it holds.
 *
 * Files: hcf_main.c (options, the runner), hcf_util.c (checks, connecting,
 * listeners, buffers, streams), hcf_dec.c (the calls of both packages behind
 * one set of names), hcf_child.c (helper processes), cases_*.c (the tables).
 */
#ifndef HCF_H
#define HCF_H

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <avbuffer/helper.h>
#include <avbuffer/rpc.h>
#include <avbuffer/status.h>

#include "com_rdk_hal.h"
#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_videodecoder.h"

#define HCF_MAX_FRAMES 512
#define HCF_MAX_STATES 64
#define HCF_MAX_OPEN   8
#define HCF_MAX_BUFS   64
#define HCF_MAX_POOLS  8

typedef struct hcf_opts {
        const char *service;       /* IAVBuffer's name at the service manager */
        const char *endpoint;      /* or its endpoint ("ipc://...#N"), no service manager */
        const char *video_service; /* the managers' names */
        const char *audio_service;
        const char *streams; /* directory of tests/decode/gen-streams.sh's output, or NULL */
        int time_scale;
        bool verbose;
        char self_exe[4096];
} hcf_opts;

/* One onFrameOutput as heard (metadata fields the cases read). */
typedef struct hcf_frame {
        int64_t pts, handle;
        bool has_meta, eos, freed;
        /* video */
        int32_t width, height; /* active size */
        bool has_layout;
        int32_t layout_format, layout_w, layout_h, frame_bytes;
        int32_t offsets[3], strides[3];
        size_t n_planes;
        uint8_t sha1[20];
        size_t sha1_len;
        /* audio */
        bool has_pcm;
        int32_t channels, rate, pcm_format, source_codec;
} hcf_frame;

/*
 * What a controller listener and an event listener heard. Listener objects
 * live until exit (the runtime may call them after the last unref), so
 * recorders are never freed, only reset.
 */
typedef struct hcf_rec {
        pthread_mutex_t m;
        pthread_cond_t cv;
        bool audio;
        hcf_frame frames[HCF_MAX_FRAMES];
        size_t n_frames; /* may exceed HCF_MAX_FRAMES: later ones are counted, not kept */
        int available, user_data, errors;
        int32_t states[HCF_MAX_STATES][2];
        size_t n_states;
        avb_binder *controller_listener, *event_listener;
        struct hcf_rec *next_alloc;
} hcf_rec;

/* A decoder of either package, as a case holds it. */
typedef struct hcf_dec {
        bool audio;
        int32_t id;
        avb_binder *dec;
        avb_binder *ctl; /* from open, or NULL */
        hcf_rec *rec;
        com_rdk_hal_avbuffer_Pool pool;
        bool have_pool;
} hcf_dec;

typedef struct hcf_ctx {
        const hcf_opts *o;
        avb_binder *avb, *vmgr, *amgr, *space;
        avb_helper *helper;
        jmp_buf jb;
        char msg[1024];
        /* what the case holds, released after it */
        hcf_dec *decs[HCF_MAX_OPEN];
        size_t n_decs;
        int64_t bufs[HCF_MAX_BUFS];
        size_t n_bufs;
        pid_t children[4];
        size_t n_children;
        int32_t heap_at_begin; /* non-secure heap used when the case began */
} hcf_ctx;

typedef void (*hcf_case_fn)(hcf_ctx *c);

typedef struct hcf_case {
        const char *name;
        hcf_case_fn fn;
        const char *what;
} hcf_case;

extern const hcf_case hcf_cases_manager[];
extern const hcf_case hcf_cases_decoder[];
extern const hcf_case hcf_cases_controller[];
extern const hcf_case hcf_cases_frames[];
extern const hcf_case hcf_cases_audio[];

/* ---- failing and skipping ---------------------------------------------- */

_Noreturn void hcf_fail_at(hcf_ctx *c, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
_Noreturn void hcf_skip(hcf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hcf_note(hcf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hcf_expect_at(hcf_ctx *c, const char *file, int line, const avb_status *st, int32_t ex,
                   const char *what);

#define HCF_CHECK(c, cond, ...)                                                                    \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        hcf_fail_at((c), __FILE__, __LINE__, __VA_ARGS__);                         \
        } while (0)
#define HCF_CHECK_EQ(c, got, want, what)                                                           \
        do {                                                                                       \
                long long hcf_g_ = (long long)(got), hcf_w_ = (long long)(want);                   \
                if (hcf_g_ != hcf_w_)                                                              \
                        hcf_fail_at((c), __FILE__, __LINE__, "%s: got %lld, want %lld", (what),    \
                                    hcf_g_, hcf_w_);                                               \
        } while (0)
/* The call ended with exception ex (AVB_EX_NONE: succeeded). */
#define HCF_EXPECT_EX(c, st, ex, what) hcf_expect_at((c), __FILE__, __LINE__, &(st), (ex), (what))
#define HCF_OK(c, call, what)                                                                      \
        do {                                                                                       \
                avb_status hcf_s_ = (call);                                                        \
                hcf_expect_at((c), __FILE__, __LINE__, &hcf_s_, AVB_EX_NONE, (what));              \
        } while (0)

int hcf_timeout_ms(const hcf_ctx *c, int base_ms);

/* ---- connecting (hcf_util.c) --------------------------------------------- */

/* IAVBuffer, the helper and both managers; -errno with a message on stderr. */
int hcf_connect(hcf_ctx *c);
void hcf_disconnect(hcf_ctx *c);

/* ---- listeners ------------------------------------------------------------- */

/* A recorder with both listeners of the package (new or reused). */
hcf_rec *hcf_rec_new(hcf_ctx *c, bool audio);
/* Waits until cond(r, arg) holds (r->m held while it is evaluated). */
bool hcf_rec_wait(hcf_ctx *c, hcf_rec *r, bool (*cond)(const hcf_rec *r, const void *arg),
                  const void *arg, int base_ms);
/* Waits for n frames (fails the case otherwise). */
void hcf_wait_frames(hcf_ctx *c, hcf_rec *r, size_t n, const char *what);
/*
 * Takes frames as they come until the one that carries metadata.endOfStream
 * (fails the case when none comes): fn (may be NULL) sees each, then it is
 * freed, so that the decoder never waits for frame blocks. Returns the
 * index of the end-of-stream frame.
 */
size_t hcf_drain_to_eos(hcf_ctx *c, hcf_rec *r, void (*fn)(hcf_ctx *c, const hcf_frame *f));
/* Waits until the last state change heard is to `state`. */
void hcf_wait_state(hcf_ctx *c, hcf_rec *r, int32_t state, const char *what);
/* Frees every frame r holds that nobody freed yet (IAVBuffer.free). */
void hcf_rec_free_frames(hcf_ctx *c, hcf_rec *r);

/* ---- decoders (hcf_dec.c) ------------------------------------------------ */

/* The ids the manager lists (malloc'ed). */
void hcf_ids(hcf_ctx *c, bool audio, int32_t **ret, size_t *ret_n);
/* The first decoder of the package, tracked; skips the case when there is none. */
hcf_dec *hcf_get(hcf_ctx *c, bool audio, size_t index);
/* The decoder object for id, or NULL (the manager's answer), untracked. */
avb_status hcf_get_raw(hcf_ctx *c, bool audio, int32_t id, avb_binder **ret);
/* The codec a case opens: H264_AVC or MPEG2 (the test streams). */
int32_t hcf_codec(bool audio);

avb_status hcf_open(hcf_ctx *c, hcf_dec *d, int32_t codec, bool secure, avb_binder *listener,
                    avb_binder **ret);
/* open with the default codec and d's recorder, requiring a controller. */
void hcf_open_ok(hcf_ctx *c, hcf_dec *d);
avb_status hcf_close(hcf_ctx *c, hcf_dec *d, avb_binder *controller, bool *ret);
void hcf_close_ok(hcf_ctx *c, hcf_dec *d);
avb_status hcf_start(hcf_dec *d);
avb_status hcf_stop(hcf_dec *d);
avb_status hcf_flush(hcf_dec *d, bool reset);
avb_status hcf_decode(hcf_dec *d, int64_t handle, int64_t pts, bool eos, bool discontinuity,
                      bool *ret);
int32_t hcf_state(hcf_ctx *c, hcf_dec *d);
/* getProperty as an int: false when null. */
bool hcf_prop(hcf_ctx *c, hcf_dec *d, int32_t property, int32_t *ret);
avb_status hcf_set_prop(hcf_dec *d, int32_t property, int32_t value, bool *ret);
avb_status hcf_register(hcf_dec *d, avb_binder *l, bool reg, bool *ret);

/* ---- coded buffers and streams -------------------------------------------- */

/* A coded buffer of d's pool (made on first use) holding data. Tracked until accepted. */
int64_t hcf_buf(hcf_ctx *c, hcf_dec *d, const void *data, size_t len);
/* The decoder owns it now: no longer freed after the case. */
void hcf_buf_given(hcf_ctx *c, int64_t h);
/* The units of a stream: video access units, or fixed audio chunks. */
typedef struct hcf_stream {
        uint8_t *data;
        size_t len;
        size_t *off; /* n + 1 offsets */
        size_t n;
} hcf_stream;
/* Loads and splits a stream of the streams directory; skips the case when absent. */
void hcf_stream_load(hcf_ctx *c, const char *name, bool audio, hcf_stream *ret);
void hcf_stream_free(hcf_stream *s);
/*
 * Queues units [0, n) of s (all when n is 0), the last with eos; waits for
 * room when the decoder says the queue is full, freeing frames as they come.
 */
void hcf_feed(hcf_ctx *c, hcf_dec *d, const hcf_stream *s, size_t n, bool eos);
/* The heap's metrics. */
void hcf_heap(hcf_ctx *c, bool secure, int32_t *ret_used);

/* ---- helper processes (hcf_child.c) ------------------------------------- */

/* fork+exec of this binary in child mode `mode` with arg; its stdout read by line. */
pid_t hcf_child_spawn(hcf_ctx *c, const char *mode, const char *arg, int *ret_fd);
void hcf_child_readline(hcf_ctx *c, int fd, char *buf, size_t len);
int hcf_child_main(const hcf_opts *o, int argc, char **argv);

#endif
