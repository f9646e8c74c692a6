/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_HOSTILE_H
#define AVB_HOSTILE_H

/*
 * Shared by the hostile-input tool's files: hostile.c (the runner, the
 * attacks every transport gets, the nanomsg ones) and hostile_unix.c (the
 * unix transport's packets). Single-threaded unless an attack says so.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <avbuffer/rpc.h>

#define LIFE_MAGIC   0x4c425641u
#define LIFE_VERSION 2u

typedef struct hctx {
        char url[128];  /* ipc://PATH or unix://PATH */
        char path[108]; /* PATH */
        pid_t pid;
        int scale;
        avb_binder *avb; /* a well-behaved client */
        uint64_t client_id;
        uint64_t incarnation;
        bool is_unix; /* unix://: life_fd is also where hand-made requests go */
        int life_fd;
        uint64_t next_request;
        char out[4096]; /* what the attack did */
        char why[512];  /* why it failed, if it did */
        bool failed;
} hctx;

typedef struct pb {
        uint8_t *b;
        size_t n, cap;
} pb;

/* The frame of requests and replies (stubs/frame.h), restated: encoded by hand here. */
#define FRAME_MAGIC        0x46425641u
#define FRAME_VERSION      2u
#define FRAME_REQUEST_SIZE 48
#define FRAME_REPLY_SIZE   40

typedef struct request {
        uint64_t client_id, request_id, incarnation;
        uint32_t object_id, code, n_fds;
        const char *descriptor;
        bool oneway;
        const void *payload;
        size_t payload_len;
} request;

typedef struct reply {
        bool got;
        bool decoded;
        uint64_t request_id;
        int32_t exception, service_specific, transport;
        char message[200];
        size_t payload_len;
        bool has_result;
        int64_t result; /* field 1 of the payload, when a varint (alloc's handle) */
} reply;

typedef struct life_hello {
        uint32_t magic, version;
        uint64_t client_id;
} life_hello;

typedef struct life_answer {
        uint32_t magic, status;
        uint64_t incarnation, max_message;
} life_answer;

void outf(hctx *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void failf(hctx *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void pb_int(pb *p, unsigned field, int64_t v);
void pb_bytes(pb *p, unsigned field, const void *d, size_t len);
void pb_free(pb *p);
/* A request frame (stubs/frame.h), by hand. */
void frame_put(pb *p, const request *r);
request my_request(hctx *h, uint32_t object_id, const char *desc, uint32_t code, const pb *payload);
void decode_reply(const uint8_t *buf, size_t len, reply *r);
const char *describe_reply(const reply *r, char *buf, size_t len);

/* A connection to the lifeline listener (unix://: the endpoint itself), or -errno. */
int life_connect(hctx *h);
/* Waits for a packet or EOF: >0 bytes, 0 closed by the server, -ETIMEDOUT. */
ssize_t life_wait(hctx *h, int fd, void *buf, size_t len, int ms);
int life_hello_as(hctx *h, int fd, uint64_t cid, life_answer *a);

bool server_alive(hctx *h);
/* A real client (the generated stubs) is served: metrics, pool, alloc, free. */
bool healthy(hctx *h, char *why, size_t len);

/* hostile_unix.c: one request over this process's own unix connection. */
void unix_roundtrip(hctx *h, const void *buf, size_t len, reply *r, int wait_ms);
void unix_truncated(hctx *h);
void unix_oversized(hctx *h);
void unix_garbage_headers(hctx *h);
void unix_out_of_order(hctx *h);
void unix_unexpected_fds(hctx *h);
void unix_too_many_fds(hctx *h);
void unix_flood(hctx *h);
void unix_never_reads(hctx *h);

#endif
