/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_UTIL_H
#define AVB_STUBS_UTIL_H

/*
 * Small inline helpers shared by the runtime: cleanup attributes, monotonic
 * time and deadlines. Header-only; nothing here allocates.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

/* Moves a pointer out of a cleanup variable: returns it, leaves NULL behind. */
#define AVB_TAKE_PTR(p)                                                                            \
        ({                                                                                         \
                __typeof__(p) _tp = (p);                                                           \
                (p) = NULL;                                                                        \
                _tp;                                                                               \
        })
/* Moves an fd out of a cleanup variable, leaving -1 behind. */
#define AVB_TAKE_FD(fd)                                                                            \
        ({                                                                                         \
                int _tf = (fd);                                                                    \
                (fd) = -1;                                                                         \
                _tf;                                                                               \
        })

#define AVB_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static inline void avb_freep(void *p)
{
        free(*(void **)p);
}

static inline void avb_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

/* Milliseconds of CLOCK_MONOTONIC. */
static inline int64_t avb_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Microseconds of CLOCK_MONOTONIC. */
static inline int64_t avb_now_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Nanoseconds of CLOCK_MONOTONIC. */
static inline int64_t avb_now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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

#endif
