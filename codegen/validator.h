/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_VALIDATOR_H
#define AIDLC_VALIDATOR_H

/*
 * The validator: checks the rules of AIDL on a resolved program (duplicate
 * names, directions, oneway, array and List element types, annotations,
 * constant types) and evaluates every constant (consteval.h).
 */

#include "ast.h"
#include "diag.h"

/* Returns 0, or -EINVAL when errors were reported. */
int aidl_validate(aidl_program *p, aidl_diags *d);

#endif
