/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_PARSER_H
#define AIDLC_PARSER_H

/*
 * The AIDL parser: recursive descent over the lexer's tokens, building the
 * ast.h tree (names as written; nothing resolved). It stops at the first
 * lexical or syntax error of a file, after reporting it; nesting of types,
 * expressions and type arguments is bounded by AIDL_PARSE_MAX_DEPTH.
 */

#include <stddef.h>

#include "ast.h"
#include "diag.h"

#define AIDL_PARSE_MAX_DEPTH 256

enum {
        /* Accept a `package` line before every top-level type (the --dumpapi
         * format); each starts a new aidl_file with the same path. */
        AIDL_PARSE_MULTI_PACKAGE = 1u << 0,
};

/*
 * Parses `text` (len bytes; NUL bytes are errors, not terminators) read from
 * `path` and appends the file to p->files. Returns 0 and the file in *ret, or
 * -EINVAL after reporting errors to `d` (then nothing is appended).
 */
int aidl_parse_file(aidl_program *p, const char *path, const char *text, size_t len, aidl_diags *d,
                    aidl_file **ret);
/* The same with AIDL_PARSE_* flags; *ret is the first file. */
int aidl_parse_text(aidl_program *p, const char *path, const char *text, size_t len, unsigned flags,
                    aidl_diags *d, aidl_file **ret);

#endif
