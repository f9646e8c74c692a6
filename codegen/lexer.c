/* SPDX-License-Identifier: Apache-2.0 */
/* The AIDL lexer (see lexer.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

void aidl_lexer_init(aidl_lexer *lx, struct aidl_arena *arena, aidl_diags *diags, const char *path,
                     const char *text, size_t len)
{
        memset(lx, 0, sizeof(*lx));
        lx->arena = arena;
        lx->diags = diags;
        lx->path = path;
        lx->text = text;
        lx->len = len;
        lx->line = 1;
        lx->col = 1;
}

static int peek_at(const aidl_lexer *lx, size_t ahead)
{
        return lx->pos + ahead < lx->len ? (unsigned char)lx->text[lx->pos + ahead] : -1;
}

static int peek(const aidl_lexer *lx)
{
        return peek_at(lx, 0);
}

static void advance(aidl_lexer *lx)
{
        if (lx->pos >= lx->len)
                return;
        if (lx->text[lx->pos] == '\n') {
                lx->line++;
                lx->col = 1;
        } else {
                lx->col++;
        }
        lx->pos++;
}

static aidl_loc here(const aidl_lexer *lx)
{
        return (aidl_loc){.file = lx->path, .line = lx->line, .col = lx->col};
}

static bool is_ident_start(int c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
        return c >= '0' && c <= '9';
}

static bool is_ident_char(int c)
{
        return is_ident_start(c) || is_digit(c);
}

static int hex_value(int c)
{
        if (is_digit(c))
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* The doc comment text between "/ **" and "* /": without the leading
 * whitespace and "*" of each line, without blank first and last lines. */
static char *doc_clean(struct aidl_arena *a, const char *s, size_t n)
{
        char *out = aidl_arena_alloc(a, n + 1);
        size_t o = 0;
        bool first = true;
        while (n > 0 || first) {
                size_t l = 0;
                while (l < n && s[l] != '\n')
                        l++;
                const char *p = s;
                size_t pl = l;
                while (pl > 0 && (*p == ' ' || *p == '\t')) {
                        p++;
                        pl--;
                }
                if (!first && pl > 0 && *p == '*') {
                        p++;
                        pl--;
                        if (pl > 0 && *p == ' ') {
                                p++;
                                pl--;
                        }
                }
                while (pl > 0 && (p[pl - 1] == ' ' || p[pl - 1] == '\t' || p[pl - 1] == '\r'))
                        pl--;
                if (pl > 0 || o > 0) {
                        memcpy(out + o, p, pl);
                        o += pl;
                        out[o++] = '\n';
                }
                first = false;
                if (l >= n)
                        break;
                s += l + 1;
                n -= l + 1;
        }
        while (o > 0 && out[o - 1] == '\n')
                o--;
        out[o] = '\0';
        return o ? out : NULL;
}

/* Skips whitespace and comments. Returns -EINVAL after reporting an
 * unterminated comment. */
static int skip_space(aidl_lexer *lx)
{
        for (;;) {
                int c = peek(lx);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
                        advance(lx);
                } else if (c == '/' && peek_at(lx, 1) == '/') {
                        while (peek(lx) != -1 && peek(lx) != '\n')
                                advance(lx);
                } else if (c == '/' && peek_at(lx, 1) == '*') {
                        aidl_loc start = here(lx);
                        size_t begin = lx->pos;
                        bool doc = peek_at(lx, 2) == '*' && peek_at(lx, 3) != '/';
                        advance(lx);
                        advance(lx);
                        for (;;) {
                                if (peek(lx) == -1) {
                                        aidl_error(lx->diags, &start, "unterminated comment");
                                        return -EINVAL;
                                }
                                if (peek(lx) == '*' && peek_at(lx, 1) == '/')
                                        break;
                                advance(lx);
                        }
                        size_t end = lx->pos;
                        advance(lx);
                        advance(lx);
                        if (doc)
                                lx->pending_doc = doc_clean(lx->arena, lx->text + begin + 3,
                                                            end > begin + 3 ? end - begin - 3 : 0);
                } else {
                        return 0;
                }
        }
}

static int lex_error(aidl_lexer *lx, aidl_token *tok, const aidl_loc *loc, const char *msg, int c)
{
        if (c > 0x20 && c < 0x7f)
                aidl_error(lx->diags, loc, "%s '%c'", msg, c);
        else if (c >= 0)
                aidl_error(lx->diags, loc, "%s 0x%02x", msg, c);
        else
                aidl_error(lx->diags, loc, "%s", msg);
        tok->kind = AIDL_TOK_ERROR;
        /* skip the offending byte so that lexing makes progress */
        if (lx->pos < lx->len && c >= 0)
                advance(lx);
        return -EINVAL;
}

static int lex_number(aidl_lexer *lx, aidl_token *tok)
{
        size_t begin = lx->pos;
        bool is_float = false;
        uint64_t v = 0;
        bool overflow = false;
        if (peek(lx) == '0' && (peek_at(lx, 1) == 'x' || peek_at(lx, 1) == 'X')) {
                advance(lx);
                advance(lx);
                tok->is_hex = true;
                if (hex_value(peek(lx)) < 0)
                        return lex_error(lx, tok, &tok->loc, "invalid hexadecimal literal", -1);
                while (hex_value(peek(lx)) >= 0) {
                        if (v >> 60)
                                overflow = true;
                        v = v << 4 | (uint64_t)hex_value(peek(lx));
                        advance(lx);
                }
        } else {
                while (is_digit(peek(lx))) {
                        uint64_t d = (uint64_t)(peek(lx) - '0');
                        if (v > (UINT64_MAX - d) / 10)
                                overflow = true;
                        v = v * 10 + d;
                        advance(lx);
                }
                if (peek(lx) == '.' && is_digit(peek_at(lx, 1))) {
                        is_float = true;
                        advance(lx);
                        while (is_digit(peek(lx)))
                                advance(lx);
                }
                if ((peek(lx) == 'e' || peek(lx) == 'E') &&
                    (is_digit(peek_at(lx, 1)) ||
                     ((peek_at(lx, 1) == '+' || peek_at(lx, 1) == '-') &&
                      is_digit(peek_at(lx, 2))))) {
                        is_float = true;
                        advance(lx);
                        advance(lx);
                        while (is_digit(peek(lx)))
                                advance(lx);
                }
        }
        size_t spelled = lx->pos - begin;
        if (is_float) {
                if (peek(lx) == 'f' || peek(lx) == 'F' || peek(lx) == 'd' || peek(lx) == 'D')
                        advance(lx);
        } else if (peek(lx) == 'L' || peek(lx) == 'l') {
                tok->is_long = true;
                advance(lx);
        }
        if (is_ident_char(peek(lx)) || peek(lx) == '.')
                return lex_error(lx, tok, &tok->loc, "invalid number", -1);
        tok->str = aidl_arena_strndup(lx->arena, lx->text + begin, lx->pos - begin);
        if (is_float) {
                char *num = aidl_arena_strndup(lx->arena, lx->text + begin, spelled);
                tok->kind = AIDL_TOK_FLOAT;
                tok->fval = strtod(num, NULL);
                if (!isfinite(tok->fval))
                        return lex_error(lx, tok, &tok->loc, "floating-point literal out of range",
                                         -1);
                return 0;
        }
        if (overflow)
                return lex_error(lx, tok, &tok->loc, "integer literal too large", -1);
        tok->kind = AIDL_TOK_INT;
        tok->ival = v;
        return 0;
}

/* Appends code point cp as UTF-8. */
static size_t put_utf8(char *out, uint32_t cp)
{
        if (cp < 0x80) {
                out[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (char)(0xc0 | cp >> 6);
                out[1] = (char)(0x80 | (cp & 0x3f));
                return 2;
        }
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
}

/* One escape sequence after the backslash; returns the code unit or -1. */
static int32_t lex_escape(aidl_lexer *lx)
{
        int c = peek(lx);
        advance(lx);
        switch (c) {
        case 'n':
                return '\n';
        case 't':
                return '\t';
        case 'r':
                return '\r';
        case 'b':
                return '\b';
        case 'f':
                return '\f';
        case '0':
                return 0;
        case '\\':
                return '\\';
        case '\'':
                return '\'';
        case '"':
                return '"';
        case 'u': {
                int32_t v = 0;
                for (int i = 0; i < 4; i++) {
                        int h = hex_value(peek(lx));
                        if (h < 0)
                                return -1;
                        v = v << 4 | h;
                        advance(lx);
                }
                return v;
        }
        default:
                return -1;
        }
}

static int lex_quoted(aidl_lexer *lx, aidl_token *tok, int quote)
{
        advance(lx);
        /* the decoded text is never longer than the source (\uXXXX: 6 -> 3) */
        size_t cap = 16, n = 0;
        char *out = aidl_arena_alloc(lx->arena, cap);
        size_t units = 0;
        uint32_t unit = 0;
        for (;;) {
                int c = peek(lx);
                if (c == -1 || c == '\n')
                        return lex_error(lx, tok, &tok->loc,
                                         quote == '"' ? "unterminated string literal"
                                                      : "unterminated character literal",
                                         -1);
                if (n + 4 >= cap) {
                        char *bigger = aidl_arena_alloc(lx->arena, cap * 2);
                        memcpy(bigger, out, n);
                        out = bigger;
                        cap *= 2;
                }
                if (c == quote) {
                        advance(lx);
                        break;
                }
                if (c == 0)
                        return lex_error(lx, tok, &tok->loc, "NUL byte in literal", -1);
                if (c == '\\') {
                        aidl_loc at = here(lx);
                        advance(lx);
                        int32_t e = lex_escape(lx);
                        if (e < 0)
                                return lex_error(lx, tok, &at, "invalid escape sequence", -1);
                        n += put_utf8(out + n, (uint32_t)e);
                        unit = (uint32_t)e;
                } else {
                        out[n++] = (char)c;
                        unit = (uint32_t)c;
                        advance(lx);
                }
                units++;
        }
        out[n] = '\0';
        if (quote == '\'') {
                if (units != 1 || (n == 1 && (unsigned char)out[0] >= 0x80))
                        return lex_error(lx, tok, &tok->loc, "invalid character literal", -1);
                tok->kind = AIDL_TOK_CHAR;
                tok->ival = unit;
        } else {
                tok->kind = AIDL_TOK_STRING;
        }
        tok->str = out;
        return 0;
}

static const struct {
        char s[3];
        int p;
} two_char_ops[] = {
    {"<<", AIDL_P_SHL}, {">>", AIDL_P_SHR}, {"<=", AIDL_P_LE},   {">=", AIDL_P_GE},
    {"==", AIDL_P_EQ},  {"!=", AIDL_P_NE},  {"&&", AIDL_P_LAND}, {"||", AIDL_P_LOR},
};

int aidl_lexer_next(aidl_lexer *lx, aidl_token *tok)
{
        memset(tok, 0, sizeof(*tok));
        int r = skip_space(lx);
        tok->loc = here(lx);
        tok->start = lx->text + lx->pos;
        if (r < 0) {
                tok->kind = AIDL_TOK_ERROR;
                return r;
        }
        tok->doc = lx->pending_doc;
        lx->pending_doc = NULL;
        int c = peek(lx);
        if (c == -1) {
                tok->kind = AIDL_TOK_EOF;
                return 0;
        }
        if (is_ident_start(c)) {
                size_t begin = lx->pos;
                while (is_ident_char(peek(lx)))
                        advance(lx);
                tok->kind = AIDL_TOK_IDENT;
                tok->str = aidl_arena_strndup(lx->arena, lx->text + begin, lx->pos - begin);
        } else if (is_digit(c)) {
                r = lex_number(lx, tok);
        } else if (c == '"' || c == '\'') {
                r = lex_quoted(lx, tok, c);
        } else {
                tok->kind = AIDL_TOK_PUNCT;
                tok->punct = c;
                for (size_t i = 0; i < sizeof(two_char_ops) / sizeof(two_char_ops[0]); i++) {
                        if (c == two_char_ops[i].s[0] && peek_at(lx, 1) == two_char_ops[i].s[1]) {
                                tok->punct = two_char_ops[i].p;
                                advance(lx);
                                break;
                        }
                }
                if (c == 0 || (tok->punct == c && !strchr("(){}[]<>;,.=@?:+-*/%&|^~!", c)))
                        return lex_error(lx, tok, &tok->loc, "unexpected character", c);
                advance(lx);
        }
        tok->len = (size_t)(lx->text + lx->pos - tok->start);
        return r;
}

bool aidl_tok_is(const aidl_token *t, int p)
{
        return t->kind == AIDL_TOK_PUNCT && t->punct == p;
}

bool aidl_tok_is_word(const aidl_token *t, const char *s)
{
        return t->kind == AIDL_TOK_IDENT && strcmp(t->str, s) == 0;
}

char *aidl_tok_describe(struct aidl_arena *a, const aidl_token *t)
{
        if (t->kind == AIDL_TOK_EOF)
                return aidl_arena_strdup(a, "end of file");
        size_t n = t->len > 40 ? 40 : t->len;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char)t->start[i] < 0x20 || (unsigned char)t->start[i] >= 0x7f)
                        n = i;
        return aidl_arena_printf(a, "'%.*s%s'", (int)n, t->start, n < t->len ? "..." : "");
}
