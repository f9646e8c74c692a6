/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFFER_LOG_H
#define AVBUFFER_LOG_H

/*
 * Logging for avbuffer's daemons and libraries: one line per message on
 * stderr ("avbufferd[123]: warning: ...") or to syslog.
 * The level comes from $AVB_LOG_LEVEL (error, warning, info, debug;
 * default warning) unless avb_log_set_level() sets it. Thread-safe.
 */

#include <avbuffer/status.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
        AVB_LOG_ERROR = 3,
        AVB_LOG_WARNING = 4,
        AVB_LOG_INFO = 6,
        AVB_LOG_DEBUG = 7,
};

AVB_EXPORT void avb_log_set_level(int level);
AVB_EXPORT int avb_log_get_level(void);
/* Send messages to syslog (ident) instead of stderr. */
AVB_EXPORT void avb_log_use_syslog(const char *ident);
/* Parses "error", "warning", "info", "debug"; -EINVAL otherwise. */
AVB_EXPORT int avb_log_level_from_string(const char *s);
AVB_EXPORT void avb_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif
