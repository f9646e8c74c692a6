/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The arena every node of the tree lives in, and small helpers over the
 * tree (see ast.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

#define ARENA_CHUNK 65536

struct arena_chunk {
        struct arena_chunk *next;
        size_t used, size;
        max_align_t data[];
};

struct aidl_arena {
        struct arena_chunk *chunks;
};

static void *xcalloc(size_t n, size_t size)
{
        void *p = calloc(n, size);
        if (!p) {
                fputs("aidlc: out of memory\n", stderr);
                abort();
        }
        return p;
}

struct aidl_arena *aidl_arena_new(void)
{
        return xcalloc(1, sizeof(struct aidl_arena));
}

void aidl_arena_free(struct aidl_arena *a)
{
        if (!a)
                return;
        while (a->chunks) {
                struct arena_chunk *c = a->chunks;
                a->chunks = c->next;
                free(c);
        }
        free(a);
}

void *aidl_arena_alloc(struct aidl_arena *a, size_t size)
{
        const size_t align = sizeof(max_align_t);
        struct arena_chunk *c = a->chunks;
        size = (size + align - 1) / align * align;
        if (size == 0)
                size = align;
        if (!c || c->size - c->used < size) {
                size_t want = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;
                c = xcalloc(1, sizeof(*c) + want);
                c->size = want;
                if (a->chunks && size > ARENA_CHUNK / 4) {
                        /* a big block: keep filling the current chunk afterwards */
                        c->next = a->chunks->next;
                        a->chunks->next = c;
                } else {
                        c->next = a->chunks;
                        a->chunks = c;
                }
        }
        void *p = (char *)c->data + c->used;
        c->used += size;
        return p;
}

char *aidl_arena_strndup(struct aidl_arena *a, const char *s, size_t n)
{
        char *r = aidl_arena_alloc(a, n + 1);
        memcpy(r, s, n);
        r[n] = '\0';
        return r;
}

char *aidl_arena_strdup(struct aidl_arena *a, const char *s)
{
        return s ? aidl_arena_strndup(a, s, strlen(s)) : NULL;
}

char *aidl_arena_printf(struct aidl_arena *a, const char *fmt, ...)
{
        va_list ap;
        char *tmp = NULL;
        va_start(ap, fmt);
        int n = vasprintf(&tmp, fmt, ap);
        va_end(ap);
        if (n < 0) {
                fputs("aidlc: out of memory\n", stderr);
                abort();
        }
        char *r = aidl_arena_strndup(a, tmp, (size_t)n);
        free(tmp);
        return r;
}

aidl_program *aidl_program_new(void)
{
        struct aidl_arena *a = aidl_arena_new();
        aidl_program *p = aidl_arena_alloc(a, sizeof(*p));
        p->arena = a;
        return p;
}

void aidl_program_free(aidl_program *p)
{
        if (p)
                aidl_arena_free(p->arena); /* p itself lives in the arena */
}

const aidl_annotation *aidl_annotation_find(const aidl_annotation *list, const char *name)
{
        for (; list; list = list->next)
                if (strcmp(list->name, name) == 0)
                        return list;
        return NULL;
}

bool aidl_decl_is_type(const aidl_decl *d)
{
        return d && (d->kind == AIDL_DECL_INTERFACE || d->kind == AIDL_DECL_PARCELABLE ||
                     d->kind == AIDL_DECL_ENUM || d->kind == AIDL_DECL_UNION);
}

const char *aidl_decl_package(const aidl_decl *d)
{
        while (d && d->parent)
                d = d->parent;
        if (!d || !d->file || !d->file->package)
                return "";
        return d->file->package;
}

const char *aidl_prim_name(aidl_prim p)
{
        static const char *const names[] = {
            [AIDL_VOID] = "void",   [AIDL_BOOLEAN] = "boolean", [AIDL_BYTE] = "byte",
            [AIDL_CHAR] = "char",   [AIDL_INT] = "int",         [AIDL_LONG] = "long",
            [AIDL_FLOAT] = "float", [AIDL_DOUBLE] = "double",   [AIDL_STRING] = "String",
        };
        if ((unsigned)p < sizeof(names) / sizeof(names[0]) && names[p])
                return names[p];
        return "?";
}

char *aidl_type_to_string(struct aidl_arena *a, const aidl_type *t)
{
        if (!t)
                return aidl_arena_strdup(a, "void");
        switch (t->kind) {
        case AIDL_TYPE_PRIM:
                return aidl_arena_strdup(a, aidl_prim_name(t->prim));
        case AIDL_TYPE_NAMED: {
                char *s = aidl_arena_strdup(a, t->name ? t->name : "?");
                for (const aidl_type *ta = t->targs; ta; ta = ta->next_targ)
                        s = aidl_arena_printf(a, "%s%s%s", s, ta == t->targs ? "<" : ", ",
                                              aidl_type_to_string(a, ta));
                return t->targs ? aidl_arena_printf(a, "%s>", s) : s;
        }
        case AIDL_TYPE_ARRAY: {
                /* T[N][M]: the base, then the dimensions outermost first */
                const aidl_type *base = t;
                char *dims = aidl_arena_strdup(a, "");
                for (; base->kind == AIDL_TYPE_ARRAY; base = base->elem) {
                        if (base->size && base->fixed_size >= 0)
                                dims = aidl_arena_printf(a, "%s[%d]", dims, (int)base->fixed_size);
                        else
                                dims = aidl_arena_printf(a, "%s[%s]", dims,
                                                         !base->size        ? ""
                                                         : base->size->text ? base->size->text
                                                                            : "N");
                }
                return aidl_arena_printf(a, "%s%s", aidl_type_to_string(a, base), dims);
        }
        case AIDL_TYPE_LIST:
                return aidl_arena_printf(a, "List<%s>", aidl_type_to_string(a, t->elem));
        }
        return aidl_arena_strdup(a, "?");
}
