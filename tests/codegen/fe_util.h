/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_TEST_FE_UTIL_H
#define AIDLC_TEST_FE_UTIL_H

/* Helpers of the front-end tests: compiling text held in memory. */

#include <stdbool.h>
#include <stddef.h>

#include "api.h"

/* A compilation of files held in a memfs under root "r". */
typedef struct fe_run {
        aidl_memfs *fs;
        aidl_program *prog;
        aidl_diags *diags;
        int result; /* of aidl_compile */
} fe_run;

/*
 * Compiles: `files` is a NULL-terminated list of path, text pairs (paths
 * relative to the root "r", or "/x/y.aidl" for "x/y.aidl" outside it); the first `n_main` of them
 * are given on the command line, the rest can only be found through imports.
 */
void fe_compile(fe_run *run, size_t n_main, const char *const *files);
/* One file, "r/a/T.aidl" when the text declares package a and type T. */
void fe_compile_one(fe_run *run, const char *path, const char *text);
void fe_run_free(fe_run *run);

/* Whether a diagnostic matches: file (NULL: any), line, col, severity, message substring. */
bool fe_has_diag(const aidl_diags *d, const char *file, int line, int col, aidl_severity sev,
                 const char *substring);
/* Prints every diagnostic to stderr (for failing tests). */
void fe_dump_diags(const aidl_diags *d);

/* The type with this qualified name, or NULL. */
aidl_decl *fe_find_type(const aidl_program *p, const char *qualified);
/* The member of a type by name, or NULL. */
aidl_decl *fe_find_member(const aidl_decl *t, const char *name);

/* Reads a whole file (aborts on failure); malloc'ed, NUL-terminated. */
char *fe_read_file(const char *path, size_t *len);

#endif
