/* SPDX-License-Identifier: Apache-2.0 */
#include "c_names.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- protoc-c's mangling ------------------------------------------------ */

char *cn_pbc_camel(struct aidl_arena *a, const char *s)
{
        char *r = aidl_arena_alloc(a, strlen(s) + 1);
        size_t k = 0;
        bool up = true;

        for (; *s; s++) {
                if (*s == '_') {
                        up = true;
                } else if (up) {
                        r[k++] = (char)toupper((unsigned char)*s);
                        up = false;
                } else {
                        r[k++] = *s;
                }
        }
        r[k] = '\0';
        return r;
}

char *cn_pbc_lower(struct aidl_arena *a, const char *s)
{
        char *r = aidl_arena_alloc(a, 2 * strlen(s) + 1);
        size_t k = 0;
        bool was_upper = true;

        for (; *s; s++) {
                bool is_upper = isupper((unsigned char)*s) != 0;
                if (is_upper) {
                        if (!was_upper)
                                r[k++] = '_';
                        r[k++] = (char)tolower((unsigned char)*s);
                } else {
                        r[k++] = *s;
                }
                was_upper = is_upper;
        }
        r[k] = '\0';
        return r;
}

char *cn_upper(struct aidl_arena *a, const char *s)
{
        char *r = aidl_arena_strdup(a, s);
        for (char *p = r; *p; p++)
                *p = (char)toupper((unsigned char)*p);
        return r;
}

/* ---- AIDL identifiers in C ---------------------------------------------- */

/* C and C++ keywords and the macros of the standard headers generated code includes. */
static const char *const cn_keywords[] = {
    "_Bool",
    "_Complex",
    "_Imaginary",
    "alignas",
    "alignof",
    "and",
    "and_eq",
    "asm",
    "auto",
    "bitand",
    "bitor",
    "bool",
    "break",
    "case",
    "catch",
    "char",
    "class",
    "compl",
    "const",
    "const_cast",
    "constexpr",
    "continue",
    "decltype",
    "default",
    "delete",
    "do",
    "double",
    "dynamic_cast",
    "else",
    "enum",
    "errno",
    "explicit",
    "export",
    "extern",
    "false",
    "float",
    "for",
    "friend",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "mutable",
    "namespace",
    "new",
    "noexcept",
    "not",
    "not_eq",
    "nullptr",
    "offsetof",
    "operator",
    "or",
    "or_eq",
    "private",
    "protected",
    "public",
    "register",
    "reinterpret_cast",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "static_assert",
    "static_cast",
    "struct",
    "switch",
    "template",
    "this",
    "thread_local",
    "throw",
    "true",
    "try",
    "typedef",
    "typeid",
    "typename",
    "union",
    "unsigned",
    "using",
    "virtual",
    "void",
    "volatile",
    "wchar_t",
    "while",
    "xor",
    "xor_eq",
    "NULL",
    "assert",
    "stdin",
    "stdout",
    "stderr",
};

bool cn_is_keyword(const char *s)
{
        for (size_t i = 0; i < sizeof(cn_keywords) / sizeof(cn_keywords[0]); i++)
                if (strcmp(cn_keywords[i], s) == 0)
                        return true;
        return false;
}

const char *cn_c_ident(struct aidl_arena *a, const char *name)
{
        if (cn_is_keyword(name))
                return aidl_arena_printf(a, "%s_", name);
        return name;
}

/*
 * Argument names also avoid the parameters and locals the stubs declare
 * (self, impl, call, the ret_result output and every name starting with '_').
 */
const char *cn_c_arg_ident(struct aidl_arena *a, const char *name)
{
        if (cn_is_keyword(name) || strcmp(name, "self") == 0 || strcmp(name, "impl") == 0 ||
            strcmp(name, "call") == 0 || strcmp(name, "result") == 0 || name[0] == '_')
                return aidl_arena_printf(a, "%s_", name);
        return name;
}

char *cn_pkg_c(struct aidl_arena *a, const char *package)
{
        char *r = aidl_arena_strdup(a, package);
        for (char *p = r; *p; p++)
                if (*p == '.')
                        *p = '_';
        return r;
}

const char *cn_decl_pkg_c(struct aidl_arena *a, const aidl_decl *d)
{
        return cn_pkg_c(a, aidl_decl_package(d));
}

/* The C name of a type declaration. */
static const char *cn_type_c(struct aidl_arena *a, const aidl_decl *d)
{
        if (d->c_name)
                return d->c_name;
        if (d->parent)
                return aidl_arena_printf(a, "%s_%s", cn_type_c(a, d->parent), d->name);
        return aidl_arena_printf(a, "%s_%s", cn_decl_pkg_c(a, d), d->name);
}

/* ---- value kinds -------------------------------------------------------- */

bool cn_is_array(const aidl_type *t)
{
        return t->kind == AIDL_TYPE_ARRAY || t->kind == AIDL_TYPE_LIST;
}

const aidl_type *cn_elem(const aidl_type *t)
{
        if (!cn_is_array(t))
                return t;
        t = t->elem;
        while (t->kind == AIDL_TYPE_ARRAY && t->size) /* T[N][M]: the base */
                t = t->elem;
        return t;
}

bool cn_is_fixed(const aidl_type *t)
{
        return t->kind == AIDL_TYPE_ARRAY && t->size;
}

size_t cn_fixed_count(const aidl_type *t)
{
        size_t n = 1;
        for (; t->kind == AIDL_TYPE_ARRAY && t->size; t = t->elem)
                n *= (size_t)(t->fixed_size > 0 ? t->fixed_size : 0);
        return n;
}

const char *cn_fixed_dims(struct aidl_arena *a, const aidl_type *t)
{
        const char *r = "";
        for (; t->kind == AIDL_TYPE_ARRAY && t->size; t = t->elem)
                r = aidl_arena_printf(a, "%s[%d]", r, (int)t->fixed_size);
        return r;
}

const char *cn_fixed_flat(struct aidl_arena *a, const aidl_type *t, const char *c)
{
        const char *r = c;
        if (t->kind == AIDL_TYPE_ARRAY && t->size && t->elem->kind == AIDL_TYPE_ARRAY) {
                r = aidl_arena_printf(a, "&(%s)", c);
                for (; t->kind == AIDL_TYPE_ARRAY && t->size; t = t->elem)
                        r = aidl_arena_printf(a, "%s[0]", r);
                r = aidl_arena_printf(a, "(%s)", r);
        }
        return r;
}

cn_kind cn_kind_of(const aidl_type *t)
{
        t = cn_elem(t);
        if (t->kind == AIDL_TYPE_NAMED) {
                const aidl_decl *d = t->resolved;
                if (t->holder)
                        return CN_HOLDER;
                if (t->pfd)
                        return CN_PFD;
                if (t->ibinder) /* an interface reference without a descriptor */
                        return CN_INTERFACE;
                if (d && d->kind == AIDL_DECL_ENUM)
                        return CN_ENUM;
                if (d && d->kind == AIDL_DECL_INTERFACE)
                        return CN_INTERFACE;
                return CN_PARCELABLE;
        }
        switch (t->prim) {
        case AIDL_BOOLEAN:
                return CN_BOOL;
        case AIDL_BYTE:
                return CN_BYTE;
        case AIDL_CHAR:
                return CN_CHAR;
        case AIDL_INT:
                return CN_INT;
        case AIDL_LONG:
                return CN_LONG;
        case AIDL_FLOAT:
                return CN_FLOAT;
        case AIDL_DOUBLE:
                return CN_DOUBLE;
        case AIDL_STRING:
                return CN_STRING;
        case AIDL_VOID:
                break;
        }
        return CN_VOID;
}

bool cn_is_bytes(const aidl_type *t)
{
        return t->kind == AIDL_TYPE_ARRAY && cn_kind_of(t) == CN_BYTE;
}

aidl_prim cn_enum_backing(const aidl_type *t)
{
        t = cn_elem(t);
        if (t->kind == AIDL_TYPE_NAMED && t->resolved && t->resolved->kind == AIDL_DECL_ENUM)
                return t->resolved->backing;
        return AIDL_INT;
}

const char *cn_c_value_type(struct aidl_arena *a, const aidl_type *t)
{
        t = cn_elem(t);
        switch (cn_kind_of(t)) {
        case CN_BOOL:
                return "bool";
        case CN_BYTE:
                return "int8_t";
        case CN_CHAR:
                return "uint16_t";
        case CN_INT:
                return "int32_t";
        case CN_LONG:
                return "int64_t";
        case CN_FLOAT:
                return "float";
        case CN_DOUBLE:
                return "double";
        case CN_STRING:
                return "char *";
        case CN_ENUM:
        case CN_PARCELABLE:
                return cn_type_c(a, t->resolved);
        case CN_INTERFACE:
                return "avb_binder *";
        case CN_HOLDER:
                return "avb_parcelable_holder";
        case CN_PFD:
                return "int";
        case CN_VOID:
                break;
        }
        return "void";
}

/* A pointer to T: "char **", "int32_t *". */
static const char *cn_ptr(struct aidl_arena *a, const char *type)
{
        size_t n = strlen(type);
        if (n > 0 && type[n - 1] == '*')
                return aidl_arena_printf(a, "%s*", type);
        return aidl_arena_printf(a, "%s *", type);
}

const char *cn_c_field_type(struct aidl_arena *a, const aidl_type *t, bool nullable)
{
        const char *v = cn_c_value_type(a, t);
        if (nullable && cn_kind_of(t) == CN_PARCELABLE)
                return cn_ptr(a, v);
        return v;
}

/* "T name" with the star against the name. */
static const char *cn_join(struct aidl_arena *a, const char *type, const char *name)
{
        size_t n = strlen(type);
        if (n > 0 && type[n - 1] == '*')
                return aidl_arena_printf(a, "%s%s", type, name);
        return aidl_arena_printf(a, "%s %s", type, name);
}

void cn_c_decl(cw *w, struct aidl_arena *a, const aidl_type *t, bool nullable, const char *name)
{
        if (cn_is_fixed(t) && nullable) { /* T (*x)[N]: NULL is null */
                cw_line(w, "%s(*%s)%s;", cn_join(a, cn_c_value_type(a, t), ""), name,
                        cn_fixed_dims(a, t));
                return;
        }
        if (cn_is_fixed(t)) {
                cw_line(w, "%s%s;", cn_join(a, cn_c_value_type(a, t), name), cn_fixed_dims(a, t));
                return;
        }
        if (cn_is_array(t)) {
                const char *e = cn_c_value_type(a, t);
                cw_line(w, "%s;", cn_join(a, cn_ptr(a, e), name));
                cw_line(w, "size_t %s_count;", name);
                return;
        }
        cw_line(w, "%s;", cn_join(a, cn_c_field_type(a, t, nullable), name));
}

const char *cn_fixed_in_elem(struct aidl_arena *a, const aidl_type *t)
{
        cn_kind k = cn_kind_of(t);
        if (k == CN_STRING)
                return "const char *const";
        if (k == CN_INTERFACE)
                return "avb_binder *const";
        return aidl_arena_printf(a, "const %s", cn_c_value_type(a, t));
}

void cn_c_in_param(cw *w, struct aidl_arena *a, const aidl_type *t, bool nullable, const char *name)
{
        cn_kind k = cn_kind_of(t);
        const char *e = cn_c_value_type(a, t);

        if (cn_is_fixed(t) && nullable) { /* const T (*a)[N]: NULL is null */
                cw_printf(w, ", %s(*%s)%s", cn_join(a, cn_fixed_in_elem(a, t), ""), name,
                          cn_fixed_dims(a, t));
                return;
        }
        if (cn_is_fixed(t)) { /* const T a[N]: the caller's array, borrowed */
                cw_printf(w, ", %s%s", cn_join(a, cn_fixed_in_elem(a, t), name),
                          cn_fixed_dims(a, t));
                return;
        }
        if (cn_is_array(t)) {
                const char *pt;
                if (k == CN_STRING)
                        pt = "const char *const *";
                else if (k == CN_INTERFACE)
                        pt = "avb_binder *const *";
                else
                        pt = aidl_arena_printf(a, "const %s *", e);
                cw_printf(w, ", %s, size_t %s_count", cn_join(a, pt, name), name);
                return;
        }
        if (k == CN_STRING)
                e = "const char *";
        else if (k == CN_PARCELABLE)
                e = aidl_arena_printf(a, "const %s *", e);
        cw_printf(w, ", %s", cn_join(a, e, name));
}

void cn_c_out_param(cw *w, struct aidl_arena *a, const aidl_type *t, bool nullable,
                    const char *name)
{
        if (cn_is_fixed(t) && nullable) { /* T (**ret_x)[N]: malloc'ed, or NULL for null */
                cw_printf(w, ", %s(**%s)%s", cn_join(a, cn_c_value_type(a, t), ""), name,
                          cn_fixed_dims(a, t));
                return;
        }
        if (cn_is_fixed(t)) { /* T ret_x[N]: the caller's array, filled on success */
                cw_printf(w, ", %s%s", cn_join(a, cn_c_value_type(a, t), name),
                          cn_fixed_dims(a, t));
                return;
        }
        if (cn_is_array(t)) {
                const char *e = cn_c_value_type(a, t);
                cw_printf(w, ", %s, size_t *%s_count", cn_join(a, cn_ptr(a, cn_ptr(a, e)), name),
                          name);
                return;
        }
        cw_printf(w, ", %s", cn_join(a, cn_ptr(a, cn_c_field_type(a, t, nullable)), name));
}

bool cn_dir_is_in(aidl_direction d)
{
        return d != AIDL_DIR_OUT;
}

bool cn_dir_is_out(aidl_direction d)
{
        return d == AIDL_DIR_OUT || d == AIDL_DIR_INOUT;
}

/* proto3's JSON name of a field: "foo_bar" -> "fooBar". */
/* ---- literals ----------------------------------------------------------- */

const char *cn_c_string_literal(struct aidl_arena *a, const char *s)
{
        size_t n = strlen(s);
        char *r = aidl_arena_alloc(a, 4 * n + 3);
        size_t k = 0;

        r[k++] = '"';
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                if (c == '"' || c == '\\') {
                        r[k++] = '\\';
                        r[k++] = (char)c;
                } else if (c == '\n') {
                        r[k++] = '\\';
                        r[k++] = 'n';
                } else if (c == '\t') {
                        r[k++] = '\\';
                        r[k++] = 't';
                } else if (c < 0x20 || c == 0x7f || c == '?') {
                        k += (size_t)sprintf(r + k, "\\%03o", c);
                } else {
                        r[k++] = (char)c;
                }
        }
        r[k++] = '"';
        r[k] = '\0';
        return r;
}

static int64_t cn_value_int(const aidl_value *v)
{
        if (v->kind == AIDL_VAL_FLOAT)
                return (int64_t)v->f;
        return v->i;
}

static const char *cn_int_literal(struct aidl_arena *a, int64_t i, bool is_long)
{
        if (is_long) {
                if (i == INT64_MIN)
                        return "(-INT64_C(9223372036854775807) - 1)";
                if (i < 0)
                        return aidl_arena_printf(a, "(-INT64_C(%" PRId64 "))", -i);
                return aidl_arena_printf(a, "INT64_C(%" PRId64 ")", i);
        }
        if (i == INT32_MIN)
                return "(-2147483647 - 1)";
        if (i < 0)
                return aidl_arena_printf(a, "(%" PRId64 ")", i);
        return aidl_arena_printf(a, "%" PRId64, i);
}

static const char *cn_float_literal(struct aidl_arena *a, double f, bool is_float)
{
        if (isnan(f))
                return is_float ? "__builtin_nanf(\"\")" : "__builtin_nan(\"\")";
        if (isinf(f))
                return f > 0 ? (is_float ? "__builtin_inff()" : "__builtin_inf()")
                             : (is_float ? "(-__builtin_inff())" : "(-__builtin_inf())");
        char buf[64];
        snprintf(buf, sizeof(buf), is_float ? "%.9g" : "%.17g", f);
        if (!strpbrk(buf, ".e"))
                strcat(buf, ".0");
        if (f < 0)
                return aidl_arena_printf(a, "(%s%s)", buf, is_float ? "f" : "");
        return aidl_arena_printf(a, "%s%s", buf, is_float ? "f" : "");
}

const char *cn_c_literal(struct aidl_arena *a, const aidl_type *t, const aidl_value *v)
{
        switch (cn_kind_of(t)) {
        case CN_BOOL:
                return cn_value_int(v) ? "true" : "false";
        case CN_BYTE:
        case CN_CHAR:
        case CN_INT:
                return cn_int_literal(a, cn_value_int(v), false);
        case CN_LONG:
                return cn_int_literal(a, cn_value_int(v), true);
        case CN_FLOAT:
        case CN_DOUBLE: {
                double f = v->kind == AIDL_VAL_FLOAT ? v->f : (double)v->i;
                return cn_float_literal(a, f, cn_kind_of(t) == CN_FLOAT);
        }
        case CN_STRING:
                return cn_c_string_literal(a, v->s ? v->s : "");
        case CN_ENUM:
                return aidl_arena_printf(
                    a, "((%s)%s)", cn_c_value_type(a, t),
                    cn_int_literal(a, cn_value_int(v), cn_enum_backing(t) == AIDL_LONG));
        case CN_PARCELABLE:
        case CN_INTERFACE:
        case CN_HOLDER:
        case CN_PFD:
        case CN_VOID:
                break;
        }
        return "0";
}

/* ---- package contents --------------------------------------------------- */

static void cn_decls_add(struct aidl_arena *a, cn_decls *l, size_t *cap, const aidl_decl *d)
{
        if (l->n == *cap) {
                size_t c = *cap ? 2 * *cap : 16;
                const aidl_decl **v = aidl_arena_alloc(a, c * sizeof(*v));
                if (l->n)
                        memcpy(v, l->v, l->n * sizeof(*v));
                l->v = v;
                *cap = c;
        }
        l->v[l->n++] = d;
}

static void cn_collect_types(struct aidl_arena *a, cn_decls *l, size_t *cap, const aidl_decl *d)
{
        for (; d; d = d->next) {
                if (!aidl_decl_is_type(d))
                        continue;
                cn_decls_add(a, l, cap, d);
                cn_collect_types(a, l, cap, d->members);
        }
}

cn_decls cn_package_types(struct aidl_arena *a, const aidl_package *pkg)
{
        cn_decls l = {0};
        size_t cap = 0;

        for (size_t i = 0; i < pkg->n_files; i++)
                cn_collect_types(a, &l, &cap, pkg->files[i]->types);
        return l;
}

typedef struct cn_deps {
        const char **v;
        size_t n;
        bool messages_only;
        bool binders;
} cn_deps;

static void cn_dep_add(struct aidl_arena *a, cn_deps *d, const aidl_type *t, const char *self)
{
        const char ***v = &d->v;
        size_t *n = &d->n;

        t = cn_elem(t);
        if (t && cn_kind_of(t) == CN_HOLDER)
                d->binders = true; /* avb_wire.proto too */
        if (!t || t->kind != AIDL_TYPE_NAMED || !t->resolved)
                return;
        if (cn_kind_of(t) == CN_INTERFACE)
                d->binders = true;
        if (d->messages_only && cn_kind_of(t) != CN_PARCELABLE)
                return;
        const char *p = aidl_decl_package(t->resolved);
        if (strcmp(p, self) == 0)
                return;
        for (size_t i = 0; i < *n; i++)
                if (strcmp((*v)[i], p) == 0)
                        return;
        const char **nv = aidl_arena_alloc(a, (*n + 1) * sizeof(*nv));
        size_t k = 0;
        /* keep sorted */
        for (size_t i = 0; i < *n && strcmp((*v)[i], p) < 0; i++)
                nv[k++] = (*v)[i];
        nv[k] = p;
        for (size_t i = k; i < *n; i++)
                nv[i + 1] = (*v)[i];
        *v = nv;
        (*n)++;
}

const char **cn_package_deps(struct aidl_arena *a, const aidl_package *pkg, bool messages_only,
                             size_t *ret_n, bool *ret_binders)
{
        cn_decls types = cn_package_types(a, pkg);
        cn_deps d = {.messages_only = messages_only};

        for (size_t i = 0; i < types.n; i++) {
                for (const aidl_decl *m = types.v[i]->members; m; m = m->next) {
                        if (m->kind == AIDL_DECL_FIELD)
                                cn_dep_add(a, &d, m->type, pkg->name);
                        if (m->kind != AIDL_DECL_METHOD)
                                continue;
                        if (m->ret)
                                cn_dep_add(a, &d, m->ret, pkg->name);
                        for (const aidl_arg *g = m->args; g; g = g->next)
                                cn_dep_add(a, &d, g->type, pkg->name);
                }
        }
        *ret_n = d.n;
        if (ret_binders)
                *ret_binders = d.binders;
        return d.v;
}

const char *cn_type_c_name(struct aidl_arena *a, const aidl_decl *d)
{
        return cn_type_c(a, d);
}

const aidl_type *cn_method_ret(const aidl_decl *method)
{
        const aidl_type *t = method->ret;
        if (!t || (t->kind == AIDL_TYPE_PRIM && t->prim == AIDL_VOID))
                return NULL;
        return t;
}

void cn_method_params(cw *w, struct aidl_arena *a, const aidl_decl *method)
{
        for (const aidl_arg *g = method->args; g; g = g->next)
                if (g->dir == AIDL_DIR_IN || g->dir == AIDL_DIR_NONE)
                        cn_c_in_param(w, a, g->type, g->type->nullable, cn_c_arg_ident(a, g->name));
        for (const aidl_arg *g = method->args; g; g = g->next)
                if (cn_dir_is_out(g->dir))
                        cn_c_out_param(w, a, g->type, g->type->nullable,
                                       aidl_arena_printf(a, "ret_%s", cn_c_arg_ident(a, g->name)));
        const aidl_type *r = cn_method_ret(method);
        if (r)
                cn_c_out_param(w, a, r, r->nullable, "ret_result");
}

/* depth bounds the walk: a parcelable may hold itself (through a nullable
 * field or an array), and a cycle adds no new field types */
static bool cn_has_pfd_depth(const aidl_type *t, int depth)
{
        t = cn_elem(t);
        if (t->kind != AIDL_TYPE_NAMED || depth > 32)
                return false;
        if (t->pfd)
                return true;
        const aidl_decl *d = t->resolved;
        if (!d || (d->kind != AIDL_DECL_PARCELABLE && d->kind != AIDL_DECL_UNION))
                return false;
        for (const aidl_decl *m = d->members; m; m = m->next)
                if (m->kind == AIDL_DECL_FIELD && cn_has_pfd_depth(m->type, depth + 1))
                        return true;
        return false;
}

bool cn_type_has_pfd(const aidl_type *t)
{
        return t && cn_has_pfd_depth(t, 0);
}

bool cn_method_has_pfd(const aidl_decl *method)
{
        for (const aidl_arg *g = method->args; g; g = g->next)
                if (cn_type_has_pfd(g->type))
                        return true;
        return cn_type_has_pfd(cn_method_ret(method));
}
