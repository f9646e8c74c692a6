/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Owed space callbacks and their delivery (space.h).
 *
 * Why counts and not a queue of calls: every callback of a pool is the same
 * call to the same listener, so "how many are owed" is all there is to keep,
 * and it cannot overflow the way a queue of messages must.
 *
 * Why ask the runtime for room instead of sending until WOULD_BLOCK: a call
 * the runtime refuses is counted and logged as dropped, and the queue toward
 * a process is shared with its decoder listeners, whose calls must not find
 * it full of ours. So we send no more than the room above the reserve.
 *
 * Why a retry timer: room comes back only as the listener's process reads,
 * which nothing in this process sees happen; a back-off timer that runs only
 * while something is owed costs a few wake-ups a second for a stopped
 * listener and keeps the runtime free of callbacks into the server.
 */
#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include <avbuffer/log.h>

#include "com_rdk_hal_avbuffer.h"
#include "space.h"
#include "util.h"
#include "vendor.h"

struct space_pool {
        avb_binder *listener; /* NULL: owes nothing */
        uint64_t owed;
};

struct avbd_space {
        /* One sender at a time: the room it reads stays its own (but see rpc.h). */
        pthread_mutex_t send_lock;
        /* Guards pools[], backlog and stopping; taken after send_lock, never before. */
        pthread_mutex_t lock;
        pthread_cond_t cond;
        struct space_pool pools[AVB_VENDOR_MAX_POOLS];
        bool backlog; /* some pool still owes after a send */
        bool stopping;
        pthread_t thread;
        bool started;
};

/* Pool handles are 0..127: every non-negative int8_t. */
_Static_assert(AVB_VENDOR_MAX_POOLS == INT8_MAX + 1, "pool handles are int8_t");

static bool valid_pool(int8_t pool)
{
        return pool >= 0;
}

/*
 * Sends what pool p owes and the queue takes. send_lock held. Returns the
 * number sent; *ret_left gets what p still owes.
 */
static uint64_t flush_pool(struct avbd_space *sp, int p, uint64_t *ret_left)
{
        struct space_pool *sl = &sp->pools[p];
        avb_binder *listener = NULL;
        uint64_t owed, fits = 0, sent = 0;
        unsigned room = 0;
        bool gone;

        pthread_mutex_lock(&sp->lock);
        owed = sl->owed;
        if (owed)
                listener = avb_binder_ref(sl->listener);
        pthread_mutex_unlock(&sp->lock);
        *ret_left = 0;
        if (!listener)
                return 0;
        gone = avb_binder_oneway_room(listener, &room) < 0;
        if (!gone && room > AVBD_SPACE_QUEUE_RESERVE)
                fits = room - AVBD_SPACE_QUEUE_RESERVE;
        while (!gone && sent < owed && sent < fits) {
                avb_status st =
                    com_rdk_hal_avbuffer_IAVBufferSpaceListener_onSpaceAvailable(listener);

                if (avb_status_is_ok(&st))
                        sent++;
                else if (st.transport == AVB_TS_WOULD_BLOCK)
                        break; /* another sender took the room: kept for later */
                else
                        gone = true;
        }
        pthread_mutex_lock(&sp->lock);
        if (sl->listener == listener) { /* not forgotten meanwhile (forget waits for us) */
                sl->owed -= sent;
                if (gone) {
                        avb_log(AVB_LOG_WARNING,
                                "pool %d: space listener unreachable; %llu callbacks dropped", p,
                                (unsigned long long)sl->owed);
                        sl->owed = 0;
                }
                *ret_left = sl->owed;
        }
        pthread_mutex_unlock(&sp->lock);
        avb_binder_unref(listener);
        return sent;
}

static void note_backlog(struct avbd_space *sp)
{
        pthread_mutex_lock(&sp->lock);
        if (!sp->backlog) {
                sp->backlog = true;
                pthread_cond_signal(&sp->cond);
        }
        pthread_mutex_unlock(&sp->lock);
}

/* One pass over every pool; true if some pool still owes. */
static bool flush_all(struct avbd_space *sp, bool *ret_progress)
{
        bool more = false;

        *ret_progress = false;
        pthread_mutex_lock(&sp->send_lock);
        for (int p = 0; p < AVB_VENDOR_MAX_POOLS; p++) {
                uint64_t left;

                if (flush_pool(sp, p, &left))
                        *ret_progress = true;
                more = more || left;
        }
        pthread_mutex_unlock(&sp->send_lock);
        return more;
}

static void *retry_thread(void *arg)
{
        struct avbd_space *sp = arg;
        int delay = AVBD_SPACE_RETRY_MIN_MS;

        pthread_mutex_lock(&sp->lock);
        while (!sp->stopping) {
                struct timespec until;
                bool more, progress;

                if (!sp->backlog) {
                        delay = AVBD_SPACE_RETRY_MIN_MS;
                        pthread_cond_wait(&sp->cond, &sp->lock);
                        continue;
                }
                /* The sender that noted the backlog has just tried: wait first. */
                until = avb_timespec_in_ms(CLOCK_MONOTONIC, delay);
                while (!sp->stopping &&
                       pthread_cond_timedwait(&sp->cond, &sp->lock, &until) != ETIMEDOUT)
                        ;
                if (sp->stopping)
                        break;
                sp->backlog = false;
                pthread_mutex_unlock(&sp->lock);
                more = flush_all(sp, &progress);
                pthread_mutex_lock(&sp->lock);
                sp->backlog = sp->backlog || more;
                if (progress)
                        delay = AVBD_SPACE_RETRY_MIN_MS;
                else if (delay < AVBD_SPACE_RETRY_MAX_MS)
                        delay = delay * 2 < AVBD_SPACE_RETRY_MAX_MS ? delay * 2
                                                                    : AVBD_SPACE_RETRY_MAX_MS;
        }
        pthread_mutex_unlock(&sp->lock);
        return NULL;
}

int avbd_space_new(struct avbd_space **ret)
{
        struct avbd_space *sp = calloc(1, sizeof(*sp));
        pthread_condattr_t ca;
        int e;

        if (!sp)
                return -ENOMEM;
        pthread_mutex_init(&sp->send_lock, NULL);
        pthread_mutex_init(&sp->lock, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&sp->cond, &ca);
        pthread_condattr_destroy(&ca);
        e = -pthread_create(&sp->thread, NULL, retry_thread, sp);
        if (e < 0) {
                avbd_space_free(sp);
                return e;
        }
        sp->started = true;
        *ret = sp;
        return 0;
}

void avbd_space_free(struct avbd_space *sp)
{
        if (!sp)
                return;
        if (sp->started) {
                pthread_mutex_lock(&sp->lock);
                sp->stopping = true;
                pthread_cond_signal(&sp->cond);
                pthread_mutex_unlock(&sp->lock);
                pthread_join(sp->thread, NULL);
        }
        for (int p = 0; p < AVB_VENDOR_MAX_POOLS; p++)
                avb_binder_unref(sp->pools[p].listener);
        pthread_cond_destroy(&sp->cond);
        pthread_mutex_destroy(&sp->lock);
        pthread_mutex_destroy(&sp->send_lock);
        free(sp);
}

void avbd_space_owe(struct avbd_space *sp, int8_t pool, avb_binder *listener, uint64_t n)
{
        avb_binder *old = NULL;

        if (!valid_pool(pool) || !listener || !n)
                return;
        pthread_mutex_lock(&sp->lock);
        if (sp->pools[pool].listener != listener) {
                old = sp->pools[pool].listener;
                sp->pools[pool].listener = avb_binder_ref(listener);
                sp->pools[pool].owed = 0;
        }
        sp->pools[pool].owed += n;
        pthread_mutex_unlock(&sp->lock);
        avb_binder_unref(old); /* a proxy's last unref only wakes the runtime */
}

void avbd_space_flush(struct avbd_space *sp, int8_t pool)
{
        uint64_t left;

        if (!valid_pool(pool))
                return;
        pthread_mutex_lock(&sp->send_lock);
        (void)flush_pool(sp, pool, &left);
        pthread_mutex_unlock(&sp->send_lock);
        if (left)
                note_backlog(sp);
}

void avbd_space_forget(struct avbd_space *sp, int8_t pool)
{
        avb_binder *old;

        if (!valid_pool(pool))
                return;
        /* send_lock: a send of this pool in progress finishes first. */
        pthread_mutex_lock(&sp->send_lock);
        pthread_mutex_lock(&sp->lock);
        old = sp->pools[pool].listener;
        sp->pools[pool].listener = NULL;
        sp->pools[pool].owed = 0;
        pthread_mutex_unlock(&sp->lock);
        pthread_mutex_unlock(&sp->send_lock);
        avb_binder_unref(old);
}

uint64_t avbd_space_owed(struct avbd_space *sp, int8_t pool)
{
        uint64_t owed = 0;

        if (!valid_pool(pool))
                return 0;
        pthread_mutex_lock(&sp->lock);
        owed = sp->pools[pool].owed;
        pthread_mutex_unlock(&sp->lock);
        return owed;
}
