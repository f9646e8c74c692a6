/* SPDX-License-Identifier: Apache-2.0 */
/* Monotonic milliseconds, shared by the suite, the harness and the hostile tests. */
#ifndef CF_TIME_H
#define CF_TIME_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

static inline int64_t cf_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void cf_sleep_ms(int ms)
{
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

#endif
