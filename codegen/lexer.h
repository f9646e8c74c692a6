/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_LEXER_H
#define AIDLC_LEXER_H

/*
 * The AIDL lexer: turns a file's bytes into tokens with locations. Line
 * comments and block comments are skipped; a doc comment ("/ ** ... * /")
 * is kept, without its markers and without the leading "*" of its lines,
 * and attached to the token that follows it.
 *
 * Keywords are returned as identifiers; the parser tells them apart.
 * Punctuation is returned as AIDL_TOK_PUNCT with `punct` set to the character
 * or, for two-character operators, to one of AIDL_P_*.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"

typedef enum aidl_tok_kind {
        AIDL_TOK_EOF,
        AIDL_TOK_ERROR, /* a lexical error, already reported */
        AIDL_TOK_IDENT,
        AIDL_TOK_INT,
        AIDL_TOK_FLOAT,
        AIDL_TOK_STRING,
        AIDL_TOK_CHAR,
        AIDL_TOK_PUNCT,
} aidl_tok_kind;

enum {
        AIDL_P_SHL = 256, /* << */
        AIDL_P_SHR,       /* >> */
        AIDL_P_LE,        /* <= */
        AIDL_P_GE,        /* >= */
        AIDL_P_EQ,        /* == */
        AIDL_P_NE,        /* != */
        AIDL_P_LAND,      /* && */
        AIDL_P_LOR,       /* || */
};

typedef struct aidl_token {
        aidl_tok_kind kind;
        int punct;         /* PUNCT */
        const char *start; /* the spelling in the source */
        size_t len;
        uint64_t ival; /* INT (bits as written), CHAR (UTF-16 code unit) */
        bool is_long;  /* INT: L suffix */
        bool is_hex;   /* INT: 0x prefix */
        double fval;   /* FLOAT */
        char *str;     /* STRING: decoded value (arena); IDENT/INT/FLOAT: spelling */
        char *doc;     /* doc comment before the token (arena), or NULL */
        aidl_loc loc;
} aidl_token;

typedef struct aidl_lexer {
        struct aidl_arena *arena;
        aidl_diags *diags;
        const char *path;
        const char *text;
        size_t len, pos;
        int line, col;
        char *pending_doc;
} aidl_lexer;

void aidl_lexer_init(aidl_lexer *lx, struct aidl_arena *arena, aidl_diags *diags, const char *path,
                     const char *text, size_t len);
/* The next token. Returns 0, or -EINVAL (token kind ERROR) after reporting a
 * lexical error; lexing can go on after an error. */
int aidl_lexer_next(aidl_lexer *lx, aidl_token *tok);

/* Whether a token is the punctuation p / the identifier s. */
bool aidl_tok_is(const aidl_token *t, int p);
bool aidl_tok_is_word(const aidl_token *t, const char *s);
/* How a token is shown in messages: "'foo'", "end of file". Arena string. */
char *aidl_tok_describe(struct aidl_arena *a, const aidl_token *t);

#endif
