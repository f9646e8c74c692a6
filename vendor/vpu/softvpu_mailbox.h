/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The softvpu mailbox: what the driver (in avbufferd) and the firmware
 * process share, as a real VPU shares a mailbox with its driver.
 *
 * One memfd holds the header and two single-producer single-consumer rings:
 * commands (driver → firmware) and completions (firmware → driver). Each
 * side rings the other's doorbell, an eventfd, after pushing; the firmware
 * also bumps `heartbeat` on every pass of its loop, which the driver's
 * watchdog reads.
 *
 * Command and completion slots are the same struct; `type` says which fields
 * mean something. Every command carries a sequence number; commands that
 * expect an acknowledgement (SVPU_CMD_* with SVPU_NEEDS_ACK) are answered
 * by SVPU_CPL_ACK with the same seq and a result (0 or -errno), after every
 * completion the command caused.
 *
 * Codec-specific data (driver → firmware) and user data (firmware →
 * driver) travel in pieces of SVPU_DATA_PIECE bytes, one message each, in
 * order: data_off is the piece's place in the whole, data_total the whole's
 * length. SVPU_CMD_CODEC_DATA is acknowledged piece by piece; the ack of the
 * last piece carries the verdict on the whole (0, -EINVAL, -EBADFD...).
 *
 * The firmware is started as
 *   avb-softvpu --mailbox FD --kick FD --irq FD --heap FD --secure-heap FD
 * with the descriptors inherited (-1: none).
 */
#ifndef AVB_SOFTVPU_MAILBOX_H
#define AVB_SOFTVPU_MAILBOX_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vpu.h"

#define SVPU_MAGIC        0x53565055u /* "SVPU" */
#define SVPU_VERSION      2u
#define SVPU_RING_SLOTS   1024u /* power of two */
#define SVPU_MAX_SESSIONS 16u
#define SVPU_DATA_PIECE   256u

enum svpu_type {
        /* commands */
        SVPU_CMD_OPEN = 1,   /* session, fmt.codec, secure */
        SVPU_CMD_SET_FORMAT, /* fmt */
        SVPU_CMD_STREAM_ON,  /* queue */
        SVPU_CMD_STREAM_OFF, /* queue */
        SVPU_CMD_QUEUE_IN,   /* buf */
        SVPU_CMD_QUEUE_OUT,  /* buf */
        SVPU_CMD_DRAIN,
        SVPU_CMD_FLUSH,
        SVPU_CMD_CLOSE,
        SVPU_CMD_CODEC_DATA, /* data_type (enum avb_vpu_codec_data), piece */
        /* completions */
        SVPU_CPL_ACK = 64,  /* seq, result */
        SVPU_CPL_IN_DONE,   /* buf (flags may have ERROR) */
        SVPU_CPL_OUT_DONE,  /* buf (bytesused, pts, flags) */
        SVPU_CPL_EVENT,     /* ev; fmt for SOURCE_CHANGE */
        SVPU_CPL_USER_DATA, /* data_type (enum avb_vpu_user_data_type), buf.pts_ns,
                               dropped, piece */
};

struct svpu_msg {
        uint32_t type;
        uint32_t session;
        uint32_t seq;
        int32_t result;
        uint32_t queue; /* enum avb_vpu_queue */
        bool secure;
        struct avb_vpu_buf buf;
        struct avb_vpu_format fmt;
        struct avb_vpu_event ev;
        /* a piece of codec or user data */
        uint32_t data_type, data_off, data_len, data_total, dropped;
        uint8_t data[SVPU_DATA_PIECE];
};

struct svpu_ring {
        _Atomic uint32_t head; /* next slot the producer writes */
        uint8_t pad0[60];
        _Atomic uint32_t tail; /* next slot the consumer reads */
        uint8_t pad1[60];
        struct svpu_msg slot[SVPU_RING_SLOTS];
};

struct svpu_mailbox {
        uint32_t magic;
        uint32_t version;
        _Atomic uint32_t heartbeat;
        uint8_t pad[52];
        struct svpu_ring cmd;
        struct svpu_ring cpl;
};

/* Producer side: 0, or -EAGAIN when full. */
static inline int svpu_ring_push(struct svpu_ring *r, const struct svpu_msg *m)
{
        uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
        uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

        if (head - tail >= SVPU_RING_SLOTS)
                return -EAGAIN;
        r->slot[head & (SVPU_RING_SLOTS - 1)] = *m;
        atomic_store_explicit(&r->head, head + 1, memory_order_release);
        return 0;
}

/* Consumer side: 0, or -EAGAIN when empty. */
static inline int svpu_ring_pop(struct svpu_ring *r, struct svpu_msg *ret)
{
        uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
        uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);

        if (tail == head)
                return -EAGAIN;
        *ret = r->slot[tail & (SVPU_RING_SLOTS - 1)];
        atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
        return 0;
}

#endif /* AVB_SOFTVPU_MAILBOX_H */
