/* SPDX-License-Identifier: Apache-2.0 */
/*
 * State of the softvpu driver (softvpu.h) shared by its two files:
 *   softvpu.c            the command side: the vpu.h ops, which send mailbox
 *                        commands and take completions from session queues,
 *                        and the device's construction;
 *   softvpu_supervisor.c the completion side: the supervisor thread that
 *                        routes completions into session queues and keeps
 *                        the firmware alive (spawn, watchdog, restart).
 * softvpu.c calls softvpu_supervisor.c, never the other way. Not for use
 * outside vendor/vpu/softvpu*.c.
 *
 * Locking: one mutex guards the mailbox's command side, the sessions and the
 * firmware's identity; `cond` wakes callers waiting for an acknowledgement.
 * The supervisor thread is the only consumer of the completion ring.
 */
#ifndef AVB_VPU_SOFTVPU_INTERNAL_H
#define AVB_VPU_SOFTVPU_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "softvpu.h"
#include "softvpu_mailbox.h"
#include "util.h"

#define SVPU_DONE 64 /* completions waiting to be dequeued */

struct done_fifo {
        struct svpu_msg m[SVPU_DONE];
        unsigned head, n;
};

struct svpu_sess {
        struct softvpu *vpu;
        uint32_t id;
        bool used, dead, secure;
        int efd; /* poll fd */
        unsigned in_flight, out_flight;
        struct done_fifo in_done;  /* IN_DONE */
        struct done_fifo out_done; /* OUT_DONE and EVENT, in firmware order */
        bool have_fmt;
        struct avb_vpu_format fmt; /* of the last SOURCE_CHANGE dequeued */
        /* user data: whole items, and the one being assembled from pieces */
        struct avb_vpu_user_data ud[AVB_VPU_USER_DATA_QUEUE];
        unsigned ud_head, ud_n;
        uint32_t ud_dropped; /* lost here (overflow, broken pieces) since the last dequeue */
        bool ud_partial;
        struct avb_vpu_user_data ud_part;
        uint32_t wait_seq; /* ack awaited, 0: none */
        bool acked;
        int ack_result;
};

struct softvpu {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        struct svpu_mailbox *mb;
        int mbfd, kick, irq, stop_efd, heap_fd[2];
        char *firmware;
        int watchdog_ms;
        pid_t pid;
        unsigned restarts;
        uint32_t seq, beat;
        uint64_t beat_ms;
        pthread_t thread;
        bool thread_started;
        struct svpu_sess sess[SVPU_MAX_SESSIONS];
};

/* Ring eventfd doorbell fd once (never blocks; a full counter is ignored). */
void svpu_doorbell(int fd);
/* Append m to f; when f is full (bounded by the flight limits) the oldest goes. */
void svpu_done_push(struct done_fifo *f, const struct svpu_msg *m);
/*
 * Start the firmware on v's mailbox (emptied first), doorbells and heaps;
 * the watchdog's heartbeat clock starts. Lock held (or v not yet shared).
 * 0 or -errno of the spawn (v->pid -1).
 */
int svpu_spawn_firmware(struct softvpu *v);
/*
 * The supervisor thread (arg: the struct softvpu): until stop_efd rings,
 * routes completions to their sessions and, every 100 ms at most, runs the
 * watchdog, restarting a firmware that died or stalled.
 */
void *svpu_supervise(void *arg);

#endif /* AVB_VPU_SOFTVPU_INTERNAL_H */
