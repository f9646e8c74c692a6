/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_UTIL_H
#define AVB_UTIL_H

/*
 * The project's one set of small inline helpers, shared by every layer
 * (stubs/, vendor/, server/, the tools and the tests): cleanup attributes,
 * array length, power-of-two alignment, monotonic time and deadlines.
 *
 * Contract: header-only, nothing here allocates, logs or keeps state, so
 * every helper is thread-safe and this header depends on no layer of the
 * project (a layer that includes it gains no link dependency).
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* ---- cleanup ------------------------------------------------------------ */

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void avb_freep(void *p)
{
        free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(avb_freep)

/* Closes an fd >= 0 and keeps errno, so a failure path can still report it. */
static inline void avb_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}
#define _cleanup_close_ _cleanup_(avb_closep)

/* Moves a pointer out of a cleanup variable: returns it, leaves NULL behind. */
#define AVB_TAKE_PTR(p)                                                                            \
        ({                                                                                         \
                __typeof__(p) avb_take_ptr_ = (p);                                                 \
                (p) = NULL;                                                                        \
                avb_take_ptr_;                                                                     \
        })
/* Moves an fd out of a cleanup variable, leaving -1 behind. */
#define AVB_TAKE_FD(fd)                                                                            \
        ({                                                                                         \
                int avb_take_fd_ = (fd);                                                           \
                (fd) = -1;                                                                         \
                avb_take_fd_;                                                                      \
        })

#define AVB_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- alignment ---------------------------------------------------------- */

static inline bool avb_is_pow2(uint64_t v)
{
        return v != 0 && (v & (v - 1)) == 0;
}

/* align must be a power of two; the caller guarantees v + align cannot overflow. */
static inline uint64_t avb_align_up(uint64_t v, uint64_t align)
{
        return (v + align - 1) & ~(align - 1);
}

static inline uint64_t avb_align_down(uint64_t v, uint64_t align)
{
        return v & ~(align - 1);
}

/* ---- monotonic time ----------------------------------------------------- */

/* Nanoseconds of CLOCK_MONOTONIC. */
static inline int64_t avb_now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Microseconds of CLOCK_MONOTONIC. */
static inline int64_t avb_now_us(void)
{
        return avb_now_ns() / 1000;
}

/* Milliseconds of CLOCK_MONOTONIC: the project's one now_ms. */
static inline int64_t avb_now_ms(void)
{
        return avb_now_ns() / 1000000;
}

/* poll() timeout until `deadline_ms` (monotonic): 0 when passed, -1 for none (< 0). */
static inline int avb_poll_timeout(int64_t deadline_ms)
{
        if (deadline_ms < 0)
                return -1;
        int64_t left = deadline_ms - avb_now_ms();
        if (left <= 0)
                return 0;
        return left > 60000 ? 60000 : (int)left;
}

/*
 * `ms` (>= 0) from now on `clock` as a timespec: the absolute deadline that
 * pthread_cond_timedwait wants (CLOCK_REALTIME, or the clock the condition
 * variable was set to).
 */
static inline struct timespec avb_timespec_in_ms(clockid_t clock, int64_t ms)
{
        struct timespec ts;

        clock_gettime(clock, &ts);
        ts.tv_sec += (time_t)(ms / 1000);
        ts.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
        }
        return ts;
}

#endif /* AVB_UTIL_H */
