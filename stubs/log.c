/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char *const level_names[] = {"error", "warning", "info", "debug"};

static int log_level = AVB_LOG_WARNING;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_init(void)
{
        const char *e = getenv("AVB_LOG_LEVEL");
        if (!e || !*e)
                return;
        for (int i = 0; i < (int)AVB_ELEMENTSOF(level_names); i++)
                if (strcasecmp(e, level_names[i]) == 0 || (e[0] == '0' + i && !e[1])) {
                        log_level = i;
                        return;
                }
}

bool avb_log_enabled(int level)
{
        pthread_once(&log_once, log_init);
        return level <= log_level;
}

void avb_log(int level, const char *fmt, ...)
{
        char line[512];
        va_list ap;
        int n;

        if (!avb_log_enabled(level))
                return;
        n = snprintf(line, sizeof(line), "avb-rpc[%d] %s: ", (int)getpid(),
                     level_names[level < 0 ? 0 : level > 3 ? 3 : level]);
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
        va_end(ap);
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
