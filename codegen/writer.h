/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_WRITER_H
#define AIDLC_WRITER_H

/*
 * The code writer shared by the emitters: printf-style appends into a
 * growing buffer with automatic indentation (8 spaces per level, put in
 * front of every non-empty line), then one write through the fileio table.
 * Allocation failures are remembered and reported by cw_finish().
 */

#include <stdbool.h>
#include <stddef.h>

#include "fileio.h"

typedef struct cw {
        char *buf;
        size_t len, cap;
        int indent;
        int width; /* spaces per level (8 unless changed) */
        bool bol;  /* at the beginning of a line */
        int err;   /* first error (-ENOMEM), or 0 */
} cw;

void cw_init(cw *w);
/* Appends text; every line that starts gets the current indentation. */
void cw_printf(cw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cw_printf() followed by a newline. */
void cw_line(cw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line, then one more indentation level ("if (x) {"). */
void cw_open(cw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One level less, then a line ("}"). */
void cw_close(cw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends text exactly as given (no indentation added). */
void cw_raw(cw *w, const char *s);
/* Whether the text written since offset `from` contains `s`. */
bool cw_contains(const cw *w, size_t from, const char *s);
/* The same for a C identifier, as a whole word ("call" is not in "calloc"). */
bool cw_contains_word(const cw *w, size_t from, const char *ident);
void cw_indent(cw *w);
void cw_dedent(cw *w);
/* An empty line, unless the text already ends with one (or is empty). */
void cw_blank(cw *w);
/*
 * Writes a doc comment ("/ ** text * /") at the current level from the text
 * the front end keeps (without delimiters and leading stars). NULL: nothing.
 */
void cw_doc(cw *w, const char *doc);
/* Writes outdir/name through io and frees the buffer; 0 or -errno. */
int cw_finish(cw *w, const aidl_fileio *io, const char *outdir, const char *name);
/* Frees the buffer without writing. */
void cw_free(cw *w);

#endif
