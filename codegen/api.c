/* SPDX-License-Identifier: Apache-2.0 */
/* The canonical text of types (--dumpapi) and the interface hash (api.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "canon.h"
#include "consteval.h"
#include "map.h"

/* ---- pieces ---- */

static void print_type_base(FILE *f, const aidl_type *t)
{
        switch (t->kind) {
        case AIDL_TYPE_PRIM:
                fputs(aidl_prim_name(t->prim), f);
                break;
        case AIDL_TYPE_NAMED:
                fputs(t->resolved ? t->resolved->qualified : t->name, f);
                for (const aidl_type *ta = t->targs; ta; ta = ta->next_targ) {
                        fputs(ta == t->targs ? "<" : ", ", f);
                        aidl_canon_print_type(f, ta);
                }
                if (t->targs)
                        fputs(">", f);
                break;
        case AIDL_TYPE_ARRAY: {
                const aidl_type *base = t;
                while (base->kind == AIDL_TYPE_ARRAY)
                        base = base->elem;
                print_type_base(f, base);
                for (; t->kind == AIDL_TYPE_ARRAY; t = t->elem)
                        if (t->size && t->fixed_size >= 0)
                                fprintf(f, "[%d]", (int)t->fixed_size);
                        else if (t->size) /* a dump read back: N as written */
                                fprintf(f, "[%s]", t->size->text ? t->size->text : "?");
                        else
                                fputs("[]", f);
        } break;
        case AIDL_TYPE_LIST:
                fputs("List<", f);
                aidl_canon_print_type(f, t->elem);
                fputs(">", f);
                break;
        }
}

void aidl_canon_print_type(FILE *f, const aidl_type *t)
{
        if (t->nullable)
                fputs("@nullable ", f);
        if (t->utf8)
                fputs("@utf8InCpp ", f);
        print_type_base(f, t);
}

/* Runs print(f, arg) into an arena string. */
static char *print_to_string(struct aidl_arena *a, void (*print)(FILE *, const void *),
                             const void *arg)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                abort();
        print(f, arg);
        fclose(f);
        char *r = aidl_arena_strndup(a, buf, len);
        free(buf);
        return r;
}

static void print_type_cb(FILE *f, const void *t)
{
        aidl_canon_print_type(f, t);
}

char *aidl_canon_type(struct aidl_arena *a, const aidl_type *t)
{
        return print_to_string(a, print_type_cb, t);
}

static const char *const op_names[] = {
    [AIDL_OP_ADD] = "+", [AIDL_OP_SUB] = "-",  [AIDL_OP_MUL] = "*",   [AIDL_OP_DIV] = "/",
    [AIDL_OP_MOD] = "%", [AIDL_OP_SHL] = "<<", [AIDL_OP_SHR] = ">>",  [AIDL_OP_AND] = "&",
    [AIDL_OP_OR] = "|",  [AIDL_OP_XOR] = "^",  [AIDL_OP_LAND] = "&&", [AIDL_OP_LOR] = "||",
    [AIDL_OP_EQ] = "==", [AIDL_OP_NE] = "!=",  [AIDL_OP_LT] = "<",    [AIDL_OP_LE] = "<=",
    [AIDL_OP_GT] = ">",  [AIDL_OP_GE] = ">=",  [AIDL_OP_NEG] = "-",   [AIDL_OP_PLUS] = "+",
    [AIDL_OP_NOT] = "~", [AIDL_OP_LNOT] = "!",
};

static void print_expr(FILE *f, const void *arg)
{
        const aidl_expr *e = arg;
        aidl_value v = {0};
        switch (e->kind) {
        case AIDL_EXPR_STRING:
                v = (aidl_value){.kind = AIDL_VAL_STRING, .s = e->text};
                break;
        case AIDL_EXPR_CHAR:
                v = (aidl_value){.kind = AIDL_VAL_CHAR, .i = e->ival};
                break;
        case AIDL_EXPR_UNARY:
                fputs(op_names[e->op], f);
                print_expr(f, e->a);
                return;
        case AIDL_EXPR_BINARY:
        case AIDL_EXPR_TERNARY:
                fputc('(', f);
                print_expr(f, e->a);
                fprintf(f, " %s ", e->kind == AIDL_EXPR_TERNARY ? "?" : op_names[e->op]);
                print_expr(f, e->b);
                if (e->c) {
                        fputs(" : ", f);
                        print_expr(f, e->c);
                }
                fputc(')', f);
                return;
        case AIDL_EXPR_ARRAY:
                fputc('{', f);
                for (const aidl_expr *i = e->a; i; i = i->next) {
                        print_expr(f, i);
                        fputs(i->next ? ", " : "", f);
                }
                fputc('}', f);
                return;
        default:
                fputs(e->text ? e->text : "?", f);
                return;
        }
        struct aidl_arena *a = aidl_arena_new();
        fputs(aidl_value_to_string(a, &v, false), f);
        aidl_arena_free(a);
}

char *aidl_canon_expr(struct aidl_arena *a, const aidl_expr *e)
{
        return e ? print_to_string(a, print_expr, e) : aidl_arena_strdup(a, "");
}

const char *aidl_canon_direction(aidl_direction dir)
{
        return dir == AIDL_DIR_OUT ? "out" : dir == AIDL_DIR_INOUT ? "inout" : "in";
}

/* ---- dump ---- */

static void indent(FILE *f, int level)
{
        for (int i = 0; i < level; i++)
                fputs("  ", f);
}

/* The evaluated value of a constant, default or enumerator. */
static void print_value(FILE *f, const aidl_type *t, const aidl_expr *e)
{
        struct aidl_arena *a = aidl_arena_new();
        if (t && t->kind == AIDL_TYPE_NAMED && e->kind == AIDL_EXPR_NAME && e->resolved &&
            e->resolved->kind == AIDL_DECL_ENUMERATOR)
                fprintf(f, "%s.%s", e->resolved->parent->qualified, e->resolved->name);
        else if (e->value.kind != AIDL_VAL_NONE)
                fputs(aidl_value_to_string(a, &e->value, false), f);
        else
                print_expr(f, e);
        aidl_arena_free(a);
}

static void dump_members(FILE *f, const aidl_decl *t, int level);

static void dump_type_decl(FILE *f, const aidl_decl *d, int level)
{
        static const char *const kinds[] = {
            [AIDL_DECL_INTERFACE] = "interface",
            [AIDL_DECL_PARCELABLE] = "parcelable",
            [AIDL_DECL_ENUM] = "enum",
            [AIDL_DECL_UNION] = "union",
        };
        if (aidl_annotation_find(d->annotations, "VintfStability")) {
                indent(f, level);
                fputs("@VintfStability\n", f);
        }
        if (aidl_annotation_find(d->annotations, "FixedSize")) {
                /* kept: --checkapi refuses a new field in such a type */
                indent(f, level);
                fputs("@FixedSize\n", f);
        }
        if (d->kind == AIDL_DECL_ENUM) {
                indent(f, level);
                fprintf(f, "@Backing(type=\"%s\")\n", aidl_prim_name(d->backing));
        }
        indent(f, level);
        fprintf(f, "%s%s %s", d->oneway ? "oneway " : "", kinds[d->kind], d->name);
        for (int i = 0; i < d->n_type_params; i++)
                fprintf(f, "%s%s", i ? ", " : "<", d->type_params[i]);
        fputs(d->n_type_params ? "> {\n" : " {\n", f);
        dump_members(f, d, level + 1);
        indent(f, level);
        fputs("}\n", f);
}

static void dump_members(FILE *f, const aidl_decl *t, int level)
{
        for (const aidl_decl *m = t->members; m; m = m->next) {
                if (aidl_decl_is_type(m)) {
                        dump_type_decl(f, m, level);
                        continue;
                }
                indent(f, level);
                switch (m->kind) {
                case AIDL_DECL_CONST:
                        fputs("const ", f);
                        aidl_canon_print_type(f, m->type);
                        fprintf(f, " %s = ", m->name);
                        print_value(f, m->type, m->value);
                        fputs(";\n", f);
                        break;
                case AIDL_DECL_FIELD:
                        aidl_canon_print_type(f, m->type);
                        fprintf(f, " %s", m->name);
                        if (m->value) {
                                fputs(" = ", f);
                                print_value(f, m->type, m->value);
                        }
                        fputs(";\n", f);
                        break;
                case AIDL_DECL_ENUMERATOR:
                        fprintf(f, "%s = %lld,\n", m->name, (long long)m->enum_value);
                        break;
                case AIDL_DECL_METHOD:
                        fputs(m->oneway && !t->oneway ? "oneway " : "", f);
                        aidl_canon_print_type(f, m->ret);
                        fprintf(f, " %s(", m->name);
                        for (const aidl_arg *a = m->args; a; a = a->next) {
                                fprintf(f, "%s ", aidl_canon_direction(a->dir));
                                aidl_canon_print_type(f, a->type);
                                fprintf(f, " %s%s", a->name, a->next ? ", " : "");
                        }
                        fputs(");\n", f);
                        break;
                default:
                        break;
                }
        }
}

static void dump_top(FILE *f, const void *arg)
{
        const aidl_decl *d = arg;
        fprintf(f, "package %s;\n", aidl_decl_package(d));
        dump_type_decl(f, d, 0);
}

char *aidl_dump_decl(struct aidl_arena *a, const aidl_decl *type)
{
        while (type->parent)
                type = type->parent;
        return print_to_string(a, dump_top, type);
}

static int decl_cmp(const void *x, const void *y)
{
        const aidl_decl *a = *(const aidl_decl *const *)x, *b = *(const aidl_decl *const *)y;
        return strcmp(a->qualified, b->qualified);
}

static char *dump_sorted(struct aidl_arena *a, const aidl_decl **types, size_t n, size_t skip)
{
        qsort(types + skip, n - skip, sizeof(*types), decl_cmp);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                abort();
        for (size_t i = 0; i < n; i++) {
                fputs(i ? "\n" : "", f);
                dump_top(f, types[i]);
        }
        fclose(f);
        char *r = aidl_arena_strndup(a, buf, len);
        free(buf);
        return r;
}

char *aidl_dump_canonical(struct aidl_arena *a, const aidl_program *p)
{
        size_t n = 0;
        for (const aidl_file *f = p->files; f; f = f->next)
                for (const aidl_decl *d = f->types; d; d = d->next)
                        n++;
        const aidl_decl **types = aidl_arena_alloc(a, (n + 1) * sizeof(*types));
        n = 0;
        for (const aidl_file *f = p->files; f; f = f->next)
                for (const aidl_decl *d = f->types; !f->from_import && d; d = d->next)
                        types[n++] = d;
        return dump_sorted(a, types, n, 0);
}

/* ---- interface hash ---- */

typedef struct refs {
        struct aidl_arena *a;
        aidl_map *seen;
        const aidl_decl **list;
        size_t n, cap;
} refs;

static void refs_add(refs *r, const aidl_decl *d)
{
        while (d->parent)
                d = d->parent;
        if (aidl_map_get(r->seen, &d, sizeof(d)))
                return;
        aidl_map_put(r->seen, &d, sizeof(d), (void *)d);
        if (r->n == r->cap) {
                size_t cap = r->cap ? r->cap * 2 : 16;
                const aidl_decl **list = aidl_arena_alloc(r->a, cap * sizeof(*list));
                if (r->n)
                        memcpy(list, r->list, r->n * sizeof(*list));
                r->list = list;
                r->cap = cap;
        }
        r->list[r->n++] = d;
}

static void refs_type(refs *r, const aidl_type *t)
{
        for (; t; t = t->elem)
                if (t->kind == AIDL_TYPE_NAMED && t->resolved)
                        refs_add(r, t->resolved);
}

static void refs_members(refs *r, const aidl_decl *t)
{
        for (const aidl_decl *m = t->members; m; m = m->next) {
                if (aidl_decl_is_type(m))
                        refs_members(r, m);
                refs_type(r, m->type);
                refs_type(r, m->ret);
                for (const aidl_arg *a = m->args; a; a = a->next)
                        refs_type(r, a->type);
        }
}

const char *aidl_interface_hash(struct aidl_arena *a, const aidl_decl *iface)
{
        unsigned char out[16];
        char *hex = aidl_arena_alloc(a, sizeof(out) * 2 + 1);
        if (sodium_init() < 0)
                return NULL;
        refs r = {.a = a, .seen = aidl_map_new(a)};
        refs_add(&r, iface);
        for (size_t i = 0; i < r.n; i++)
                refs_members(&r, r.list[i]);
        char *text = dump_sorted(a, r.list, r.n, 1);
        crypto_generichash(out, sizeof(out), (const unsigned char *)text, strlen(text), NULL, 0);
        sodium_bin2hex(hex, sizeof(out) * 2 + 1, out, sizeof(out));
        return hex;
}
