/* SPDX-License-Identifier: Apache-2.0 */
#include "writer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CW_INDENT 8

void cw_init(cw *w)
{
        memset(w, 0, sizeof(*w));
        w->bol = true;
        w->width = CW_INDENT;
}

static void cw_reserve(cw *w, size_t more)
{
        size_t cap;
        char *n;

        if (w->err || w->len + more + 1 <= w->cap)
                return;
        cap = w->cap ? w->cap : 4096;
        while (cap < w->len + more + 1)
                cap *= 2;
        n = realloc(w->buf, cap);
        if (!n) {
                w->err = -ENOMEM;
                return;
        }
        w->buf = n;
        w->cap = cap;
}

static void cw_append(cw *w, const char *s, size_t n)
{
        cw_reserve(w, n);
        if (w->err)
                return;
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        w->buf[w->len] = '\0';
}

/* Appends text, indenting every line that starts with something. */
static void cw_text(cw *w, const char *s)
{
        while (*s) {
                const char *nl = strchr(s, '\n');
                size_t n = nl ? (size_t)(nl - s) : strlen(s);

                if (n > 0 && w->bol) {
                        for (int i = 0; i < w->indent * w->width; i++)
                                cw_append(w, " ", 1);
                }
                cw_append(w, s, n);
                if (n > 0)
                        w->bol = false;
                if (!nl)
                        break;
                cw_append(w, "\n", 1);
                w->bol = true;
                s = nl + 1;
        }
}

__attribute__((format(printf, 2, 0))) static void cw_vprintf(cw *w, const char *fmt, va_list ap)
{
        char small[512];
        va_list aq;
        int n;

        va_copy(aq, ap);
        n = vsnprintf(small, sizeof(small), fmt, aq);
        va_end(aq);
        if (n < 0) {
                w->err = w->err ? w->err : -EINVAL;
                return;
        }
        if ((size_t)n < sizeof(small)) {
                cw_text(w, small);
                return;
        }
        char *big = malloc((size_t)n + 1);
        if (!big) {
                w->err = -ENOMEM;
                return;
        }
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        cw_text(w, big);
        free(big);
}

void cw_printf(cw *w, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        cw_vprintf(w, fmt, ap);
        va_end(ap);
}

void cw_line(cw *w, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        cw_vprintf(w, fmt, ap);
        va_end(ap);
        cw_text(w, "\n");
}

void cw_open(cw *w, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        cw_vprintf(w, fmt, ap);
        va_end(ap);
        cw_text(w, "\n");
        w->indent++;
}

void cw_close(cw *w, const char *fmt, ...)
{
        va_list ap;

        if (w->indent > 0)
                w->indent--;
        va_start(ap, fmt);
        cw_vprintf(w, fmt, ap);
        va_end(ap);
        cw_text(w, "\n");
}

void cw_raw(cw *w, const char *s)
{
        size_t n = strlen(s);
        cw_append(w, s, n);
        if (n > 0)
                w->bol = s[n - 1] == '\n';
}

bool cw_contains(const cw *w, size_t from, const char *s)
{
        return w->buf && from <= w->len && strstr(w->buf + from, s) != NULL;
}

static bool cw_ident_char(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
}

bool cw_contains_word(const cw *w, size_t from, const char *ident)
{
        size_t n = strlen(ident);
        const char *p;

        if (!w->buf || from > w->len || n == 0)
                return false;
        for (p = strstr(w->buf + from, ident); p; p = strstr(p + 1, ident))
                if ((p == w->buf + from || !cw_ident_char(p[-1])) && !cw_ident_char(p[n]))
                        return true;
        return false;
}

void cw_indent(cw *w)
{
        w->indent++;
}

void cw_dedent(cw *w)
{
        if (w->indent > 0)
                w->indent--;
}

void cw_blank(cw *w)
{
        if (w->len == 0 ||
            (w->len >= 2 && w->buf[w->len - 1] == '\n' && w->buf[w->len - 2] == '\n') ||
            (w->len >= 1 && w->buf[w->len - 1] == '{') ||
            (w->len >= 2 && w->buf[w->len - 2] == '{' && w->buf[w->len - 1] == '\n'))
                return;
        cw_text(w, "\n");
}

/*
 * Copies n bytes of comment text, breaking every "/" "*" and "*" "/" pair
 * with a backslash: a doc comment that mentions a C comment would otherwise
 * end the generated one early or trip -Wcomment. ret_out has room for 2n.
 */
static size_t cw_comment_escape(const char *s, size_t n, char *ret_out)
{
        size_t o = 0;

        for (size_t i = 0; i < n; i++) {
                ret_out[o++] = s[i];
                if (i + 1 < n &&
                    ((s[i] == '/' && s[i + 1] == '*') || (s[i] == '*' && s[i + 1] == '/')))
                        ret_out[o++] = '\\';
        }
        return o;
}

void cw_doc(cw *w, const char *doc)
{
        bool one_line;

        if (!doc || !*doc)
                return;
        one_line = !strchr(doc, '\n');
        cw_text(w, one_line ? "/** " : "/**\n");
        while (*doc) {
                const char *nl = strchr(doc, '\n');
                size_t n = nl ? (size_t)(nl - doc) : strlen(doc);
                char *line = malloc(2 * n + 4);
                size_t len = 0;
                if (!line) {
                        w->err = -ENOMEM;
                        return;
                }
                if (!one_line) {
                        memcpy(line, n > 0 ? " * " : " *", n > 0 ? 3 : 2);
                        len = n > 0 ? 3 : 2;
                }
                len += cw_comment_escape(doc, n, line + len);
                line[len] = '\0';
                cw_text(w, line);
                if (!one_line)
                        cw_text(w, "\n");
                free(line);
                if (!nl)
                        break;
                doc = nl + 1;
        }
        cw_text(w, " */\n");
}

void cw_free(cw *w)
{
        free(w->buf);
        w->buf = NULL;
        w->len = w->cap = 0;
}

int cw_finish(cw *w, const aidl_fileio *io, const char *outdir, const char *name)
{
        int rc = w->err;

        if (!rc) {
                size_t n = strlen(outdir) + strlen(name) + 2;
                char *path = malloc(n);
                if (!path) {
                        rc = -ENOMEM;
                } else {
                        snprintf(path, n, "%s/%s", outdir, name);
                        rc = io->ops->write(io->userdata, path, w->buf ? w->buf : "", w->len);
                        free(path);
                }
        }
        cw_free(w);
        return rc;
}
