/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_LOG_H
#define AVB_STUBS_LOG_H

/*
 * Logging (the public half is avbuffer/log.h): one line per message on
 * stderr, "PROGRAM[pid] LEVEL: message", or to syslog.
 */

#include <stdbool.h>
#include <stdint.h>

#include <avbuffer/log.h>

bool avb_log_enabled(int level);

#define avb_log_error(...)   avb_log(AVB_LOG_ERROR, __VA_ARGS__)
#define avb_log_warning(...) avb_log(AVB_LOG_WARNING, __VA_ARGS__)
#define avb_log_info(...)    avb_log(AVB_LOG_INFO, __VA_ARGS__)
#define avb_log_debug(...)                                                                         \
        do {                                                                                       \
                if (avb_log_enabled(AVB_LOG_DEBUG))                                                \
                        avb_log(AVB_LOG_DEBUG, __VA_ARGS__);                                       \
        } while (0)

/*
 * A rate limit for one kind of message: at most `burst` messages per
 * `interval_ms`. Zero-initialise (static storage); thread-safe.
 */
typedef struct avb_ratelimit {
        int64_t window_start_ms;
        unsigned passed;
        unsigned suppressed;
} avb_ratelimit;

/*
 * True if a message may be logged now. When a new window opens,
 * *ret_suppressed gets the number of messages suppressed in the last one
 * (else 0).
 */
bool avb_ratelimit_pass(avb_ratelimit *rl, unsigned burst, int interval_ms,
                        unsigned *ret_suppressed);

#endif
