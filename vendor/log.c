/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor layer's only diagnostic channel. It writes one whole line per
 * call with a single fprintf so lines from several threads do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>

#include "vendor_log.h"

void avb_vendor_log(const char *fmt, ...)
{
        char line[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        fprintf(stderr, "avbuffer-vendor: %s\n", line);
}
