/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer-conformance: the black-box conformance suite of the AV Buffer HAL.
 *
 * Everything here talks to the service only through the generated client
 * stubs, the service-manager helpers and libavbufferhelper: no vendor/
 * internals. A case is a function that runs against a live avbufferd; the
 * CF_* checks below end the case at the first failure (longjmp back to the
 * runner), after which the runner frees what the case left behind.
 */
#ifndef CF_H
#define CF_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <avbuffer/helper.h>
#include <avbuffer/rpc.h>
#include <avbuffer/status.h>

#include "cf_time.h"

/* Wire values of com.rdk.hal.HALError (REFERENCE section 2). */
#define CF_HAL_OUT_OF_MEMORY 5
#define CF_HAL_NOT_EMPTY     7

#define CF_SHA1_BYTES        20
#define CF_MAX_POOL_HANDLES  128
#define CF_MAX_DECODERS      16
#define CF_MAX_TRACKED_POOLS 160
#define CF_MAX_CHILDREN      16

/* ---- the feature profile the server was started with (optional) ---------- */

typedef struct cf_decoder {
        bool video;
        int32_t id;
        uint32_t pool_bytes[2]; /* [secure] */
        bool configured;
} cf_decoder;

typedef struct cf_profile {
        bool loaded;
        uint32_t heap_bytes[2]; /* [secure] */
        uint32_t alignment;
        cf_decoder decoders[CF_MAX_DECODERS];
        size_t n_decoders;
        size_t n_frame_pools;
} cf_profile;

/* Reads the subset of the avbufferd profile the suite needs (libyaml). */
int cf_profile_load(const char *path, cf_profile *ret, char *err, size_t err_len);
const cf_decoder *cf_profile_decoder(const cf_profile *p, bool video, int32_t id);

/* ---- options ------------------------------------------------------------ */

typedef struct cf_opts {
        const char *service;  /* name at the service manager */
        const char *endpoint; /* or a direct endpoint ("ipc://...") */
        const char *profile_path;
        bool fresh;          /* the server has had no client before this run */
        int time_scale;      /* multiplies every timeout (valgrind) */
        char self_exe[4096]; /* for fork+exec of helper processes */
        int control_fd;      /* harness control socket, or -1 */
        bool verbose;
} cf_opts;

/* ---- per-case state ------------------------------------------------------ */

typedef struct cf_listener {
        atomic_int count;
        atomic_int block_ms; /* sleep this long in each call before counting it */
        avb_binder *binder;
} cf_listener;

typedef struct cf_buf {
        int64_t handle;
        int32_t size; /* requested (or trimmed) size */
} cf_buf;

typedef struct cf_tpool {
        bool live;
        int8_t handle;
        bool secure;
        bool video;
        int32_t decoder;
        int32_t total; /* bytesTotal reported at creation */
        cf_listener *listener;
        cf_buf *bufs;
        size_t n_bufs, cap_bufs;
} cf_tpool;

typedef struct cf_child {
        pid_t pid;
        int to_fd;   /* its stdin */
        int from_fd; /* its stdout */
        char rbuf[8192];
        size_t rlen;
} cf_child;

typedef struct cf_ctx {
        const cf_opts *o;
        const cf_profile *p;
        avb_binder *avb;    /* IAVBuffer proxy, shared by all cases */
        avb_helper *helper; /* libavbufferhelper, shared by all cases */
        uint32_t align;     /* buffer alignment (profile or 64) */
        jmp_buf jb;
        char msg[1024];
        bool skipped;
        /* state the case started from */
        int32_t heap_base[2];
        bool foreign[2][CF_MAX_POOL_HANDLES];
        /* what the case holds */
        cf_tpool pools[CF_MAX_TRACKED_POOLS];
        size_t n_pools;
        cf_listener *listeners[CF_MAX_TRACKED_POOLS];
        size_t n_listeners;
        cf_child *children[CF_MAX_CHILDREN];
        size_t n_children;
        bool auto_metrics;    /* check all metrics after every tracked step */
        bool same_build;      /* the service is this build */
        bool debug_api_built; /* this build's debug_api option */
} cf_ctx;

typedef void (*cf_case_fn)(cf_ctx *c);

typedef struct cf_case {
        const char *name;
        cf_case_fn fn;
        const char *what;
} cf_case;

/* Case tables, one per file (cases_*.c), terminated by a NULL name. */
extern const cf_case cf_cases_methods[];
extern const cf_case cf_cases_pools[];
extern const cf_case cf_cases_buffers[];
extern const cf_case cf_cases_listener[];
extern const cf_case cf_cases_secure[];
extern const cf_case cf_cases_pipeline[];
extern const cf_case cf_cases_clients[];
extern const cf_case cf_cases_death[];
extern const cf_case cf_cases_directory[];
extern const cf_case cf_cases_copier[];
extern const cf_case cf_cases_staging[];

/* ---- failing and skipping ---------------------------------------------- */

_Noreturn void cf_fail_at(cf_ctx *c, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
_Noreturn void cf_skip(cf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cf_note(cf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define CF_FAIL(c, ...) cf_fail_at((c), __FILE__, __LINE__, __VA_ARGS__)
#define CF_CHECK(c, cond, ...)                                                                     \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        cf_fail_at((c), __FILE__, __LINE__, __VA_ARGS__);                          \
        } while (0)
#define CF_CHECK_EQ(c, got, want, what)                                                            \
        do {                                                                                       \
                long long cf_g_ = (long long)(got), cf_w_ = (long long)(want);                     \
                if (cf_g_ != cf_w_)                                                                \
                        cf_fail_at((c), __FILE__, __LINE__, "%s: got %lld, want %lld", (what),     \
                                   cf_g_, cf_w_);                                                  \
        } while (0)
/* ex: AVB_EX_*; ss: service-specific code (checked with EX_SERVICE_SPECIFIC only). */
#define CF_EXPECT(c, st, ex, ss, what)                                                             \
        cf_expect_at((c), __FILE__, __LINE__, &(st), (ex), (ss), (what))
#define CF_EXPECT_OK(c, st, what)       CF_EXPECT(c, st, AVB_EX_NONE, 0, what)
#define CF_EXPECT_EX(c, st, ex, what)   CF_EXPECT(c, st, ex, 0, what)
#define CF_EXPECT_SS(c, st, code, what) CF_EXPECT(c, st, AVB_EX_SERVICE_SPECIFIC, code, what)
#define CF_EXPECT_ERRNO(c, got, want, what)                                                        \
        do {                                                                                       \
                int cf_e_ = (got), cf_w_ = (want);                                                 \
                if (cf_e_ != cf_w_)                                                                \
                        cf_fail_at((c), __FILE__, __LINE__, "%s: got %d (%s), want %d (%s)",       \
                                   (what), cf_e_, cf_errname(cf_e_), cf_w_, cf_errname(cf_w_));    \
        } while (0)

void cf_expect_at(cf_ctx *c, const char *file, int line, const avb_status *st, int32_t ex,
                  int32_t ss, const char *what);
const char *cf_errname(int negative_errno);
const char *cf_status_str(const avb_status *st, char *buf, size_t len);

/* ---- raw calls (cf_api.c): the generated stubs behind one set of names --- */

typedef struct cf_heap_metrics {
        bool secure;
        int32_t used, total;
} cf_heap_metrics;

typedef struct cf_pool_metrics {
        int8_t pool;
        int32_t used, total;
} cf_pool_metrics;

avb_status cf_api_heap_metrics(avb_binder *b, bool secure, cf_heap_metrics *ret);
avb_status cf_api_create_pool(avb_binder *b, bool video, bool secure, int32_t decoder,
                              avb_binder *listener, int8_t *ret_pool);
avb_status cf_api_destroy_pool(avb_binder *b, int8_t pool, bool *ret);
avb_status cf_api_pool_metrics(avb_binder *b, int8_t pool, cf_pool_metrics *ret);
/* *ret is malloc'ed (free()). */
avb_status cf_api_all_pool_metrics(avb_binder *b, bool secure, cf_pool_metrics **ret,
                                   size_t *ret_n);
avb_status cf_api_alloc(avb_binder *b, int8_t pool, int32_t size, int64_t *ret);
avb_status cf_api_notify(avb_binder *b, int8_t pool, int32_t size, bool *ret);
avb_status cf_api_trim(avb_binder *b, int64_t handle, int32_t size, bool *ret);
avb_status cf_api_free(avb_binder *b, int64_t handle, bool *ret);
avb_status cf_api_is_valid(avb_binder *b, int64_t handle, bool *ret);
/* *ret is malloc'ed (free()). */
avb_status cf_api_alloc_list(avb_binder *b, int8_t pool, int64_t **ret, size_t *ret_n);
/* ret_n gets the digest length the server sent (20 expected; at most 20 copied). */
avb_status cf_api_sha1(avb_binder *b, int64_t handle, uint8_t ret[CF_SHA1_BYTES], size_t *ret_n);
avb_status cf_api_version(avb_binder *b, int32_t *ret);
avb_status cf_api_hash(avb_binder *b, char **ret);
int32_t cf_api_compiled_version(void);
const char *cf_api_compiled_hash(void);
/* Vendor control (object 2): IAVBufferControl.setDecoderConfigured. */
avb_status cf_api_set_configured(avb_binder *control, bool video, int32_t id, bool configured);
/* A new space listener whose calls count into l->count. */
int cf_api_listener_new(cf_listener *l);
/* SHA-1 of len bytes (nettle); false when the test was built without nettle. */
bool cf_sha1(const void *data, size_t len, uint8_t out[CF_SHA1_BYTES]);

/* ---- connecting (cf_util.c) ---------------------------------------------- */

/*
 * The service's endpoint ("ipc://...", without "#N") and the object id it was
 * registered with, from --endpoint or the service manager (waits up to 10 s).
 */
int cf_service_endpoint(const cf_opts *o, char **ret, uint32_t *ret_object_id);
/* The object registered under the service name (IAVBuffer). */
#define CF_OBJECT_MAIN UINT32_MAX
/* A proxy for object `object_id` (or CF_OBJECT_MAIN) on the service's endpoint. */
int cf_connect_object(const cf_opts *o, uint32_t object_id, avb_binder **ret);

/* ---- tracked operations: checked, modelled, cleaned up ------------------- */

void cf_case_begin(cf_ctx *c);
void cf_case_cleanup(cf_ctx *c);

cf_listener *cf_listener_new(cf_ctx *c);
/* Waits until l->count >= n (generous timeout), failing otherwise. */
void cf_listener_wait(cf_ctx *c, cf_listener *l, int n, const char *what);
/*
 * Proves l has seen exactly n callbacks: asks one more (room must be free in
 * pool `sentinel_pool` for size 1 .. it is a pool l listens to), waits for
 * it, then watches a quiet period. Pass sentinel_pool NULL to skip it.
 */
void cf_listener_expect(cf_ctx *c, cf_listener *l, int n, cf_tpool *sentinel_pool,
                        const char *what);

/*
 * Creates and tracks a pool; NULL with *ret_st set when the service refuses.
 * listener NULL: a new one.
 */
cf_tpool *cf_pool_try(cf_ctx *c, bool video, bool secure, int32_t decoder, cf_listener *listener,
                      avb_status *ret_st);
/* Same, failing the case unless it works. */
cf_tpool *cf_pool_new(cf_ctx *c, bool video, bool secure, int32_t decoder, cf_listener *listener);
void cf_pool_destroy(cf_ctx *c, cf_tpool *tp);
/* Allocates and tracks a buffer; 0 with *ret_st set when the service refuses. */
int64_t cf_buf_try(cf_ctx *c, cf_tpool *tp, int32_t size, avb_status *ret_st);
int64_t cf_buf_alloc(cf_ctx *c, cf_tpool *tp, int32_t size);
void cf_buf_free(cf_ctx *c, int64_t handle);
void cf_buf_trim(cf_ctx *c, int64_t handle, int32_t new_size);
/* Forget a buffer freed elsewhere (another process). */
void cf_buf_forget(cf_ctx *c, int64_t handle);
cf_tpool *cf_pool_of_buf(cf_ctx *c, int64_t handle, size_t *ret_index);
int32_t cf_pool_expected_used(const cf_ctx *c, const cf_tpool *tp);
uint32_t cf_align_up(const cf_ctx *c, uint32_t n);
/* Compares every pool and heap metric with the model; fails on a difference. */
void cf_check_metrics(cf_ctx *c);
/* Which handles are live pools right now, in either heap. */
void cf_live_pool_set(cf_ctx *c, bool live[CF_MAX_POOL_HANDLES]);
/* The pool size the profile promises, or -1 when unknown. */
int64_t cf_expected_pool_size(const cf_ctx *c, bool video, bool secure, int32_t decoder);
/* Skips the case without a profile that declares such a decoder. */
const cf_decoder *cf_need_decoder(cf_ctx *c, bool video, int32_t id);
avb_helper *cf_helper(cf_ctx *c);
/* Maps a non-secure buffer that must be want_size bytes; fails the case otherwise. */
void *cf_map(cf_ctx *c, int64_t h, size_t want_size);
void cf_unmap(cf_ctx *c, int64_t h, void *ptr);
/* Fills buf with a pattern derived from seed. */
void cf_pattern(void *buf, size_t len, uint32_t seed);
/* True when calculateSHA1 works (false: built without the debug API). */
bool cf_sha1_supported(cf_ctx *c);
/* Checks calculateSHA1(handle) against the SHA-1 of want[0..len). */
void cf_expect_sha1(cf_ctx *c, int64_t handle, const void *want, size_t len);
/* Fails when a mapping or a descriptor of this process is secure memory. */
void cf_scan_for_secure(cf_ctx *c);
int cf_timeout_ms(const cf_ctx *c, int base_ms);

/* ---- helper processes (fork + exec of this binary, --child MODE) ------- */

cf_child *cf_child_spawn(cf_ctx *c, const char *const *args);
/* Reads one line (without the newline) into buf; fails the case on timeout/EOF. */
void cf_child_readline(cf_ctx *c, cf_child *ch, char *buf, size_t len);
/* Whether a line (or the end of the child's output) is there to read, without waiting. */
bool cf_child_has_line(cf_ctx *c, cf_child *ch);
void cf_child_send(cf_ctx *c, cf_child *ch, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Waits for exit (generous timeout); returns the wait status. */
int cf_child_wait(cf_ctx *c, cf_child *ch);
void cf_child_kill(cf_ctx *c, cf_child *ch, int sig);
/* Size of buffer i of a `worker` helper process. */
int32_t cf_worker_size(int i);
/* Runs a child mode (in the child process). Returns the exit code. */
int cf_child_main(const cf_opts *o, const cf_profile *p, int argc, char **argv);

/* Harness control (server death cases). */
bool cf_control_available(const cf_ctx *c);
/* Sends a command, returns the reply line (static buffer). */
const char *cf_control(cf_ctx *c, const char *cmd);

#endif
