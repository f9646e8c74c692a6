/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_DIAG_H
#define AIDLC_DIAG_H

/*
 * The diagnostics list: every stage appends to it instead of printing, so
 * tests can read what was reported and main() prints it once, sorted as
 * reported, as "FILE:LINE:COL: error: MESSAGE" (or "warning:").
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ast.h"

typedef enum aidl_severity {
        AIDL_SEV_WARNING,
        AIDL_SEV_ERROR,
} aidl_severity;

typedef struct aidl_diag {
        aidl_severity severity;
        aidl_loc loc; /* file may be NULL for errors with no place (command line) */
        char *message;
} aidl_diag;

typedef struct aidl_diags aidl_diags;

aidl_diags *aidl_diags_new(void);
void aidl_diags_free(aidl_diags *d); /* accepts NULL */

void aidl_error(aidl_diags *d, const aidl_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void aidl_warning(aidl_diags *d, const aidl_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * After AIDL_DIAGS_MAX_ERRORS errors the list takes one last "too many
 * errors" error and ignores the rest; aidl_diags_full() tells the stages to
 * stop early.
 */
#define AIDL_DIAGS_MAX_ERRORS 50
bool aidl_diags_full(const aidl_diags *d);

size_t aidl_diags_count(const aidl_diags *d);
size_t aidl_diags_errors(const aidl_diags *d);
const aidl_diag *aidl_diags_get(const aidl_diags *d, size_t i);
/* Writes every diagnostic, one per line, in the order reported. */
void aidl_diags_print(const aidl_diags *d, FILE *f);

#endif
