/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_FMQ_INTERNAL_H
#define AVB_STUBS_FMQ_INTERNAL_H

/*
 * The inside of an avb_fmq, shared by fmq.c (setting up: create, open,
 * validation, mappings), fmq_io.c (reading and writing) and fmq_futex.c
 * (the event-flag word).
 */

#include <stddef.h>
#include <stdint.h>

#include <avbuffer/fmq.h>

struct avb_fmq_map {
        void *base; /* page-aligned start of the mapping, NULL when none */
        size_t len;
};

struct avb_fmq {
        int flavor;
        size_t quantum;    /* element size in bytes */
        uint64_t ring_len; /* ring extent in bytes, a multiple of quantum */

        /* Pointers into the mappings. read_counter points at local_read for
         * an unsynchronized queue (each reader keeps its own). */
        uint64_t *read_counter;
        uint64_t *write_counter;
        uint8_t *ring;
        uint32_t *event_flag; /* NULL without an event-flag word */
        uint64_t local_read;

        struct avb_fmq_map maps[AVB_FMQ_MAX_GRANTORS];
        avb_fmq_desc desc; /* our own copy; owns its fds */
};

/*
 * The event-flag word, with libfmq's EventFlag protocol: a waker ORs its
 * bits in and calls FUTEX_WAKE_BITSET only for bits that were clear (a bit
 * already set means nobody consumed the last wake yet); a waiter clears the
 * bits it waits for and returns at once when one was set, else sleeps with
 * FUTEX_WAIT_BITSET on the value it saw, so a wake between its check and its
 * sleep is never lost.
 */
void avb_fmq_flag_wake(uint32_t *word, uint32_t bits);
/*
 * Waits until one of `bits` is set or deadline_ns (CLOCK_MONOTONIC, < 0 for
 * none) passes. 0 when woken (the caller re-checks its condition: a wake may
 * be spurious), -ETIMEDOUT, or another -errno of futex.
 */
int avb_fmq_flag_wait(uint32_t *word, uint32_t bits, int64_t deadline_ns);

#endif
