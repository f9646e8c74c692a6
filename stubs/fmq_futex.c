/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event-flag word of a fast message queue: libfmq's EventFlag protocol
 * on a futex in shared memory (see fmq_internal.h for the protocol).
 *
 * The futex is not FUTEX_PRIVATE_FLAG: the word lives in a MAP_SHARED
 * mapping that the other process maps too, and the kernel must key it by
 * the memfd's page, not by our address space.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fmq_internal.h"

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *abs_deadline,
                  uint32_t bits)
{
        return syscall(SYS_futex, word, op, val, abs_deadline, NULL, bits);
}

void avb_fmq_flag_wake(uint32_t *word, uint32_t bits)
{
        uint32_t old = __atomic_fetch_or(word, bits, __ATOMIC_SEQ_CST);

        /* A bit that was already set has a wake pending that no waiter has
         * consumed: a waiter would have cleared it before sleeping. */
        if ((~old & bits) != 0)
                (void)futex(word, FUTEX_WAKE_BITSET, INT_MAX, NULL, bits);
}

int avb_fmq_flag_wait(uint32_t *word, uint32_t bits, int64_t deadline_ns)
{
        struct timespec ts, *tsp = NULL;
        uint32_t old = __atomic_fetch_and(word, ~bits, __ATOMIC_SEQ_CST);

        if ((old & bits) != 0)
                return 0;
        if (deadline_ns >= 0) {
                /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time:
                 * retrying after a spurious wake-up keeps the same deadline. */
                ts.tv_sec = deadline_ns / 1000000000;
                ts.tv_nsec = deadline_ns % 1000000000;
                tsp = &ts;
        }
        /* Sleeps only while the word still holds what we saw: a wake that
         * came in between changed it, and the call returns EAGAIN at once. */
        if (futex(word, FUTEX_WAIT_BITSET, old & ~bits, tsp, bits) == 0)
                return 0;
        if (errno == EAGAIN || errno == EINTR)
                return 0;
        return -errno;
}
