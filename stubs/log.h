/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_LOG_H
#define AVB_STUBS_LOG_H

/*
 * Runtime logging to stderr, one line per message, prefixed "avb-rpc[pid]".
 * The level comes from $AVB_LOG_LEVEL (error, warning, info, debug or 0-3),
 * read once; the default is warning.
 */

#include <stdbool.h>
#include <stdint.h>

enum {
        AVB_LOG_ERROR = 0,
        AVB_LOG_WARNING = 1,
        AVB_LOG_INFO = 2,
        AVB_LOG_DEBUG = 3,
};

bool avb_log_enabled(int level);
void avb_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define avb_log_error(...) avb_log(AVB_LOG_ERROR, __VA_ARGS__)
#define avb_log_warning(...) avb_log(AVB_LOG_WARNING, __VA_ARGS__)
#define avb_log_info(...) avb_log(AVB_LOG_INFO, __VA_ARGS__)
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
