/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_CONSTEVAL_H
#define AIDLC_CONSTEVAL_H

/*
 * Constant evaluation: computes aidl_expr.value of every constant value,
 * field default and enumerator value of a resolved program (and the
 * enumerators' enum_value, implicit ones being the previous value + 1),
 * checking operand types, division by zero, shift counts, overflow, the range
 * of the declared type and cycles between constants. Integer arithmetic
 * follows Java: int (32-bit) unless an operand is long; literals that do not
 * fit int are long.
 */

#include "ast.h"
#include "diag.h"

/* Bounds of the evaluator's recursion: chained references between
 * constants, and expression nodes being evaluated across those references. */
#define AIDL_EVAL_MAX_DEPTH 256
#define AIDL_EVAL_MAX_NEST  2048

/* Returns 0, or -EINVAL when errors were reported. */
int aidl_eval_constants(aidl_program *p, aidl_diags *d);

/* The value as AIDL source: "-1", "\"abc\"", "'c'", "1.5", "true", "{1, 2}";
 * long-typed integers get an L suffix when `is_long`. Arena string. */
char *aidl_value_to_string(struct aidl_arena *a, const aidl_value *v, bool is_long);

#endif
