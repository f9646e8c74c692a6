/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_TEST_IFACE_H
#define AVB_TEST_IFACE_H

/*
 * Hand-written interfaces for the runtime's tests (no code generator):
 * payloads are arrays of little-endian uint32, optionally followed by bytes.
 *
 * test.rpc.IEcho (object 0 of the test servers)
 * test.rpc.IListener { oneway onEvent(seq, bytes) }
 * plus helpers: an in-process server on a thread, helper processes started
 * with posix_spawn (never fork after nanomsg is up), a scratch directory.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <avbuffer/rpc.h>
#include "util.h"

#define ECHO_DESCRIPTOR "test.rpc.IEcho"
#define ECHO_VERSION    3
#define ECHO_HASH       "0123456789abcdef-echo"

enum {
        ECHO_ECHO = 1,     /* bytes -> same bytes */
        ECHO_ADD,          /* [a, b] -> [a + b] */
        ECHO_BUSY,         /* [tag, ms] counts, blocks the loop ms -> [count] */
        ECHO_SLOW,         /* [tag, ms] counts once, defers ms -> [count] */
        ECHO_COUNT,        /* [tag] -> [count] */
        ECHO_RAISE,        /* [exception, service_specific] + message -> that status */
        ECHO_BIG,          /* [n] -> n bytes */
        ECHO_SET_LISTENER, /* [object id] + endpoint -> [] */
        ECHO_FIRE,         /* [n, size] -> [elapsed ms, ok, would_block, dead, other] */
        ECHO_STATS,        /* -> [gone, last gone pid, dispatched, duplicates, stale, rejected,
                            *     clients, detached, resent, in_flight] */
        ECHO_NOTE,         /* oneway [seq] */
        ECHO_NOTES,        /* -> [n, in order] */
        ECHO_WAIT_FLAG,    /* [timeout] defers until ECHO_SET_FLAG -> [flag] */
        ECHO_SET_FLAG,     /* -> [] */
        ECHO_WHOAMI,       /* -> [pid, uid, gid, client id low, client id high] */
        ECHO_LISTENER,     /* -> [alive, deaths seen, oneway room, its errno or 0] */
        ECHO_FIRE_ONCE,    /* [object id, n] + endpoint: fires n events through a new proxy,
                              released at once (a borrowed argument) -> [ok] */
        ECHO_FDS,          /* fds in: reads each from offset 0 -> [bytes read, fds held]
                              and two fds out: a memfd holding "memfd-reply", the read end
                              of a pipe holding "pipe-reply" */
        ECHO_FD_NOTE,      /* oneway, one fd in: notes the u32 at its offset 0 */
        ECHO_N_METHODS = ECHO_FD_NOTE,
};

#define LISTENER_DESCRIPTOR "test.rpc.IListener"
enum { LISTENER_ON_EVENT = 1 };

extern const avb_interface_desc echo_desc;
extern const avb_interface_desc listener_desc;

#define ECHO_TAGS      64
#define ECHO_NOTES_MAX 4096

/* Server state; touched on the server loop thread only (atomics excepted). */
typedef struct echo_impl {
        uint32_t counts[ECHO_TAGS];
        uint64_t slow_pending;
        avb_binder *listener;
        atomic_int listener_deaths;
        uint32_t gone;
        int32_t last_gone_pid;
        uint32_t notes[ECHO_NOTES_MAX];
        uint32_t n_notes;
        bool flag;
        avb_server *server;
} echo_impl;

int echo_new_local(echo_impl *impl, avb_binder **ret);
void echo_impl_fini(echo_impl *impl);
/* avb_server_options.client_gone for an echo_impl. */
void echo_client_gone(void *userdata, const avb_peer *peer);

typedef struct listener_impl {
        pthread_mutex_t lock;
        uint32_t n;
        uint32_t next_seq;
        bool in_order;
        pthread_t thread; /* where the last event ran */
} listener_impl;

int listener_new_local(listener_impl *impl, avb_binder **ret);

/* Client side: u32 in, u32 out (the reply must hold n_out values). */
avb_status echo_u32(avb_binder *b, uint32_t code, const uint32_t *in, size_t n_in, uint32_t *out,
                    size_t n_out);
/* u32 header then bytes; *ret_reply malloc'ed. */
avb_status echo_raw(avb_binder *b, uint32_t code, uint32_t flags, const uint32_t *in, size_t n_in,
                    const void *tail, size_t tail_len, uint8_t **ret_reply, size_t *ret_len);

/* An in-process server on its own thread, serving an echo_impl as object 0. */
typedef struct test_server {
        avb_server *srv;
        pthread_t thread;
        echo_impl impl;
        avb_binder *obj;
        char *endpoint;
} test_server;

int test_server_start(test_server *t, const char *name, size_t max_message);
void test_server_stop(test_server *t);

/* A scratch socket directory, exported as $AVB_SOCKET_DIR. */
const char *test_dir_create(void);
void test_dir_remove(void);

/* Starts the helper binary ($AVB_TEST_HELPER) and waits for its "ready" line. */
pid_t test_spawn(const char *mode, const char *endpoint);
/* Kills (if sig) and reaps. */
void test_reap(pid_t pid, int sig);
/* Kills and reaps every helper still running (after a failed test). */
void test_reap_all(void);

void test_sleep_ms(int ms);

/* Polls `cond` every 5 ms until it holds or `ms` pass; returns the time taken or -1. */
#define WAIT_UNTIL(cond, ms)                                                                       \
        ({                                                                                         \
                int64_t _start = avb_now_ms(), _took = -1;                                         \
                while (avb_now_ms() - _start < (ms)) {                                             \
                        if (cond) {                                                                \
                                _took = avb_now_ms() - _start;                                     \
                                break;                                                             \
                        }                                                                          \
                        test_sleep_ms(5);                                                          \
                }                                                                                  \
                _took;                                                                             \
        })

#endif
