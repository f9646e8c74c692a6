/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <syslog.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const struct {
        const char *name;
        int level;
} level_names[] = {
    {"error", AVB_LOG_ERROR},
    {"warning", AVB_LOG_WARNING},
    {"info", AVB_LOG_INFO},
    {"debug", AVB_LOG_DEBUG},
};

static _Atomic int log_level = -1; /* -1: not set yet, read $AVB_LOG_LEVEL */
static _Atomic bool log_syslog;
static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

int avb_log_level_from_string(const char *s)
{
        for (size_t i = 0; s && i < AVB_ELEMENTSOF(level_names); i++)
                if (strcasecmp(s, level_names[i].name) == 0)
                        return level_names[i].level;
        return -EINVAL;
}

static const char *level_name(int level)
{
        for (size_t i = 0; i < AVB_ELEMENTSOF(level_names); i++)
                if (level <= level_names[i].level)
                        return level_names[i].name;
        return "debug";
}

void avb_log_set_level(int level)
{
        log_level = level;
}

int avb_log_get_level(void)
{
        int level = log_level;

        if (level < 0) {
                level = avb_log_level_from_string(getenv("AVB_LOG_LEVEL"));
                if (level < 0)
                        level = AVB_LOG_WARNING;
                log_level = level;
        }
        return level;
}

void avb_log_use_syslog(const char *ident)
{
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
        log_syslog = true;
}

bool avb_log_enabled(int level)
{
        return level <= avb_log_get_level();
}

void avb_log(int level, const char *fmt, ...)
{
        char line[512];
        va_list ap;
        int n = 0;

        if (!avb_log_enabled(level))
                return;
        if (!log_syslog)
                n = snprintf(line, sizeof(line), "%s[%d] %s: ", program_invocation_short_name,
                             (int)getpid(), level_name(level));
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
        va_end(ap);
        if (log_syslog) {
                syslog(level, "%s", line);
                return;
        }
        /* One write per line keeps lines from several threads whole. */
        size_t len = strlen(line);
        line[len++] = '\n';
        (void)!write(STDERR_FILENO, line, len);
}

bool avb_ratelimit_pass(avb_ratelimit *rl, unsigned burst, int interval_ms,
                        unsigned *ret_suppressed)
{
        int64_t now = avb_now_ms();
        bool pass;

        pthread_mutex_lock(&ratelimit_lock);
        *ret_suppressed = 0;
        if (rl->window_start_ms == 0 || now - rl->window_start_ms >= interval_ms) {
                *ret_suppressed = rl->suppressed;
                rl->window_start_ms = now;
                rl->passed = 0;
                rl->suppressed = 0;
        }
        pass = rl->passed < burst;
        if (pass)
                rl->passed++;
        else
                rl->suppressed++;
        pthread_mutex_unlock(&ratelimit_lock);
        return pass;
}
