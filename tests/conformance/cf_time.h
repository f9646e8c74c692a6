/* SPDX-License-Identifier: Apache-2.0 */
/* Sleeping, shared by the suite, the harness and the hostile tests (time: util.h). */
#ifndef CF_TIME_H
#define CF_TIME_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "util.h"

static inline void cf_sleep_ms(int ms)
{
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

#endif
