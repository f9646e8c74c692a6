/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_CANON_H
#define AIDLC_CANON_H

/* Pieces of the canonical text (api.c) shared with the API check. */

#include <stdio.h>

#include "ast.h"

/* "@nullable com.a.Foo[]": resolved names qualified, others as written. */
void aidl_canon_print_type(FILE *f, const aidl_type *t);
char *aidl_canon_type(struct aidl_arena *a, const aidl_type *t);
/* An expression as written (literals, names, operators), for comparing
 * values read back from a dump. */
char *aidl_canon_expr(struct aidl_arena *a, const aidl_expr *e);
/* "in", "out", "inout" (not written means in). */
const char *aidl_canon_direction(aidl_direction dir);

#endif
