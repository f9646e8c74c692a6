/* SPDX-License-Identifier: Apache-2.0 */
/* The diagnostics list (see diag.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

struct aidl_diags {
        aidl_diag *items;
        size_t n, cap;
        size_t errors;
        bool full;
};

aidl_diags *aidl_diags_new(void)
{
        aidl_diags *d = calloc(1, sizeof(*d));
        if (!d)
                abort();
        return d;
}

void aidl_diags_free(aidl_diags *d)
{
        if (!d)
                return;
        for (size_t i = 0; i < d->n; i++) {
                free((char *)d->items[i].loc.file);
                free(d->items[i].message);
        }
        free(d->items);
        free(d);
}

static void diags_push(aidl_diags *d, aidl_severity sev, const aidl_loc *loc, char *msg)
{
        if (d->n == d->cap) {
                size_t cap = d->cap ? d->cap * 2 : 16;
                aidl_diag *items = realloc(d->items, cap * sizeof(*items));
                if (!items)
                        abort();
                d->items = items;
                d->cap = cap;
        }
        aidl_diag *g = &d->items[d->n++];
        memset(g, 0, sizeof(*g));
        g->severity = sev;
        if (loc) {
                g->loc = *loc;
                /* the diagnostics outlive the tree: own a copy of the path */
                g->loc.file = loc->file ? strdup(loc->file) : NULL;
                if (loc->file && !g->loc.file)
                        abort();
        }
        g->message = msg;
        if (sev == AIDL_SEV_ERROR)
                d->errors++;
}

static void diags_vadd(aidl_diags *d, aidl_severity sev, const aidl_loc *loc, const char *fmt,
                       va_list ap) __attribute__((format(printf, 4, 0)));

static void diags_vadd(aidl_diags *d, aidl_severity sev, const aidl_loc *loc, const char *fmt,
                       va_list ap)
{
        char *msg = NULL;
        if (!d || d->full)
                return;
        if (sev == AIDL_SEV_ERROR && d->errors >= AIDL_DIAGS_MAX_ERRORS) {
                d->full = true;
                msg = strdup("too many errors; stopping");
                if (!msg)
                        abort();
                diags_push(d, AIDL_SEV_ERROR, NULL, msg);
                return;
        }
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        diags_push(d, sev, loc, msg);
}

void aidl_error(aidl_diags *d, const aidl_loc *loc, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        diags_vadd(d, AIDL_SEV_ERROR, loc, fmt, ap);
        va_end(ap);
}

void aidl_warning(aidl_diags *d, const aidl_loc *loc, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        diags_vadd(d, AIDL_SEV_WARNING, loc, fmt, ap);
        va_end(ap);
}

bool aidl_diags_full(const aidl_diags *d)
{
        return d && d->full;
}

size_t aidl_diags_count(const aidl_diags *d)
{
        return d ? d->n : 0;
}

size_t aidl_diags_errors(const aidl_diags *d)
{
        return d ? d->errors : 0;
}

const aidl_diag *aidl_diags_get(const aidl_diags *d, size_t i)
{
        return d && i < d->n ? &d->items[i] : NULL;
}

void aidl_diags_print(const aidl_diags *d, FILE *f)
{
        for (size_t i = 0; i < aidl_diags_count(d); i++) {
                const aidl_diag *g = &d->items[i];
                const char *sev = g->severity == AIDL_SEV_ERROR ? "error" : "warning";
                if (!g->loc.file)
                        fprintf(f, "aidlc: %s: %s\n", sev, g->message);
                else if (g->loc.line <= 0)
                        fprintf(f, "%s: %s: %s\n", g->loc.file, sev, g->message);
                else
                        fprintf(f, "%s:%d:%d: %s: %s\n", g->loc.file, g->loc.line, g->loc.col, sev,
                                g->message);
        }
}
