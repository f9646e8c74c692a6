/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_RESOLVER_H
#define AIDLC_RESOLVER_H

/*
 * The resolver: loads the files that imports and qualified references need
 * from the -I roots (lazily, searching the roots in order: import a.b.C is
 * ROOT/a/b/C.aidl), checks that each file's package and type name match its
 * path, and fills every name-dependent field of the tree: aidl_decl.qualified
 * and c_name, aidl_type.resolved, aidl_expr.resolved (constants and
 * enumerators), aidl_import.resolved, enum backing types and the program's
 * package list.
 */

#include <stddef.h>

#include "ast.h"
#include "diag.h"
#include "fileio.h"

/* Returns 0, or -EINVAL when errors were reported. */
int aidl_resolve(aidl_program *p, const char *const *roots, size_t n_roots, const aidl_fileio *io,
                 aidl_diags *d);

/* Fills only qualified and c_name of every type declaration (no lookups, no
 * diagnostics): for trees that are not resolved, such as API dumps. */
void aidl_resolve_names(aidl_program *p);

/* "a/b/../c" stays, "./x//y.aidl" becomes "x/y.aidl"; arena string. */
char *aidl_path_normalize(struct aidl_arena *a, const char *path);

#endif
