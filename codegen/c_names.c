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

static char *cn_lower_all(struct aidl_arena *a, const char *s)
{
        char *r = aidl_arena_strdup(a, s);
        for (char *p = r; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        return r;
}

/* Applies f to every dot-separated piece and joins the results with "__". */
static char *cn_map_pieces(struct aidl_arena *a, const char *dotted,
                           char *(*f)(struct aidl_arena *, const char *))
{
        char *r = aidl_arena_strdup(a, "");
        const char *s = dotted;

        while (*s) {
                const char *dot = strchr(s, '.');
                size_t n = dot ? (size_t)(dot - s) : strlen(s);
                char *piece = f(a, aidl_arena_strndup(a, s, n));
                r = aidl_arena_printf(a, "%s%s%s", r, *r ? "__" : "", piece);
                if (!dot)
                        break;
                s = dot + 1;
        }
        return r;
}

/* ---- AIDL identifiers in C ---------------------------------------------- */

/* C and C++ keywords and the macros of the standard headers generated code includes. */
static const char *const cn_keywords[] = {
        "_Bool", "_Complex", "_Imaginary", "alignas", "alignof", "and", "and_eq", "asm", "auto",
        "bitand", "bitor", "bool", "break", "case", "catch", "char", "class", "compl", "const",
        "const_cast", "constexpr", "continue", "decltype", "default", "delete", "do", "double",
        "dynamic_cast", "else", "enum", "errno", "explicit", "export", "extern", "false", "float",
        "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
        "noexcept", "not", "not_eq", "nullptr", "offsetof", "operator", "or", "or_eq",
        "private", "protected", "public", "register", "reinterpret_cast", "restrict", "return",
        "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
        "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef",
        "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
        "wchar_t", "while", "xor", "xor_eq", "NULL", "assert", "stdin", "stdout", "stderr",
};

static bool cn_is_keyword(const char *s)
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
static const char *cn_c_arg_ident(struct aidl_arena *a, const char *name)
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
        return cn_is_array(t) ? t->elem : t;
}

cn_kind cn_kind_of(const aidl_type *t)
{
        t = cn_elem(t);
        if (t->kind == AIDL_TYPE_NAMED) {
                const aidl_decl *d = t->resolved;
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
        if (cn_is_array(t)) {
                const char *e = cn_c_value_type(a, t);
                cw_line(w, "%s;", cn_join(a, cn_ptr(a, e), name));
                cw_line(w, "size_t %s_count;", name);
                return;
        }
        cw_line(w, "%s;", cn_join(a, cn_c_field_type(a, t, nullable), name));
}

void cn_c_in_param(cw *w, struct aidl_arena *a, const aidl_type *t, bool nullable,
                   const char *name)
{
        cn_kind k = cn_kind_of(t);
        const char *e = cn_c_value_type(a, t);

        (void)nullable;
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
        if (cn_is_array(t)) {
                const char *e = cn_c_value_type(a, t);
                cw_printf(w, ", %s, size_t *%s_count", cn_join(a, cn_ptr(a, cn_ptr(a, e)), name),
                          name);
                return;
        }
        cw_printf(w, ", %s", cn_join(a, cn_ptr(a, cn_c_field_type(a, t, nullable)), name));
}

/* ---- proto messages ----------------------------------------------------- */

static const char *const cn_reserved_lower[] = {
        "init", "descriptor", "pack", "unpack", "get_packed_size", "pack_to_buffer",
        "free_unpacked",
};

typedef struct cn_taken {
        const char **keys;
        size_t n, cap;
} cn_taken;

static bool cn_taken_has(const cn_taken *t, const char *key)
{
        for (size_t i = 0; i < t->n; i++)
                if (strcmp(t->keys[i], key) == 0)
                        return true;
        return false;
}

static void cn_taken_add(struct aidl_arena *a, cn_taken *t, const char *key)
{
        if (t->n == t->cap) {
                size_t cap = t->cap ? 2 * t->cap : 16;
                const char **k = aidl_arena_alloc(a, cap * sizeof(*k));
                if (t->n)
                        memcpy(k, t->keys, t->n * sizeof(*k));
                t->keys = k;
                t->cap = cap;
        }
        t->keys[t->n++] = key;
}

/* Whether a nested message name would clash with what protoc-c generates. */
static bool cn_msg_name_clashes(struct aidl_arena *a, const cn_taken *t, const char *name)
{
        const char *lower = cn_pbc_lower(a, name);
        const char *camel = cn_pbc_camel(a, name);
        size_t n = strlen(camel);

        for (size_t i = 0; i < sizeof(cn_reserved_lower) / sizeof(cn_reserved_lower[0]); i++)
                if (strcmp(lower, cn_reserved_lower[i]) == 0)
                        return true;
        if (n >= 4 && strcmp(camel + n - 4, "Case") == 0)
                return true; /* <Oneof>Case enums */
        return cn_taken_has(t, aidl_arena_printf(a, "l:%s", lower)) ||
               cn_taken_has(t, aidl_arena_printf(a, "c:%s", camel));
}

/* Takes `base`, or base2, base3, ... so that it clashes with nothing in t. */
static const char *cn_msg_name_take(struct aidl_arena *a, cn_taken *t, const char *base)
{
        const char *name = base;
        for (int k = 2; cn_msg_name_clashes(a, t, name); k++)
                name = aidl_arena_printf(a, "%s%d", base, k);
        cn_taken_add(a, t, aidl_arena_printf(a, "l:%s", cn_pbc_lower(a, name)));
        cn_taken_add(a, t, aidl_arena_printf(a, "c:%s", cn_pbc_camel(a, name)));
        return name;
}

/* The proto names of the nested types of `parent` are taken into t; returns d's. */
static const char *cn_nested_types_take(struct aidl_arena *a, cn_taken *t,
                                        const aidl_decl *parent, const aidl_decl *d)
{
        const char *found = NULL;
        for (const aidl_decl *m = parent->members; m; m = m->next) {
                if (!aidl_decl_is_type(m))
                        continue;
                const char *name = cn_msg_name_take(a, t, m->name);
                if (m == d)
                        found = name;
        }
        return found;
}

static const char *cn_type_proto_simple(struct aidl_arena *a, const aidl_decl *d)
{
        cn_taken t = {0};
        if (!d->parent)
                return d->name;
        return cn_nested_types_take(a, &t, d->parent, d);
}

static cn_msg cn_msg_root(struct aidl_arena *a, const char *package, const char *simple)
{
        cn_msg m;
        m.package = package;
        m.proto = simple;
        m.simple = simple;
        m.c = aidl_arena_printf(a, "%s__%s", cn_map_pieces(a, package, cn_pbc_camel),
                                cn_pbc_camel(a, simple));
        m.lower = aidl_arena_printf(a, "%s__%s", cn_map_pieces(a, package, cn_pbc_lower),
                                    cn_pbc_lower(a, simple));
        m.upper = cn_upper(a, m.lower);
        return m;
}

cn_msg cn_msg_child(struct aidl_arena *a, const cn_msg *parent, const char *simple)
{
        cn_msg m;
        m.package = parent->package;
        m.proto = aidl_arena_printf(a, "%s.%s", parent->proto, simple);
        m.simple = simple;
        m.c = aidl_arena_printf(a, "%s__%s", parent->c, cn_pbc_camel(a, simple));
        m.lower = aidl_arena_printf(a, "%s__%s", parent->lower, cn_pbc_lower(a, simple));
        m.upper = cn_upper(a, m.lower);
        return m;
}

cn_msg cn_msg_of_type(struct aidl_arena *a, const aidl_decl *type)
{
        if (!type->parent)
                return cn_msg_root(a, aidl_decl_package(type), type->name);
        cn_msg parent = cn_msg_of_type(a, type->parent);
        return cn_msg_child(a, &parent, cn_type_proto_simple(a, type));
}

const aidl_decl *cn_method_iface(const aidl_decl *method)
{
        return method->parent;
}

cn_msg cn_msg_method(struct aidl_arena *a, const aidl_decl *method, bool reply)
{
        const aidl_decl *iface = cn_method_iface(method);
        cn_msg parent = cn_msg_of_type(a, iface);
        cn_taken t = {0};
        const char *found = NULL;

        cn_nested_types_take(a, &t, iface, NULL);
        for (const aidl_decl *m = iface->members; m; m = m->next) {
                if (m->kind != AIDL_DECL_METHOD)
                        continue;
                char *cap = aidl_arena_strdup(a, m->name);
                cap[0] = (char)toupper((unsigned char)cap[0]);
                const char *req = cn_msg_name_take(a, &t, aidl_arena_printf(a, "%sRequest", cap));
                const char *rep = cn_msg_name_take(a, &t, aidl_arena_printf(a, "%sReply", cap));
                if (m == method)
                        found = reply ? rep : req;
        }
        return cn_msg_child(a, &parent, found ? found : "Unknown");
}

const char *cn_proto_value_type(struct aidl_arena *a, const aidl_type *t, const char *cur_package)
{
        t = cn_elem(t);
        switch (cn_kind_of(t)) {
        case CN_BOOL:
                return "bool";
        case CN_BYTE:
        case CN_CHAR:
        case CN_INT:
                return "int32";
        case CN_LONG:
                return "int64";
        case CN_FLOAT:
                return "float";
        case CN_DOUBLE:
                return "double";
        case CN_STRING:
                return "string";
        case CN_ENUM:
                return cn_enum_backing(t) == AIDL_LONG ? "int64" : "int32";
        case CN_PARCELABLE: {
                cn_msg m = cn_msg_of_type(a, t->resolved);
                if (strcmp(m.package, cur_package) == 0)
                        return m.proto;
                return aidl_arena_printf(a, ".%s.%s", m.package, m.proto);
        }
        case CN_INTERFACE:
                return ".avb.Binder";
        case CN_VOID:
                break;
        }
        return "bool";
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
static const char *cn_json_name(struct aidl_arena *a, const char *s)
{
        char *r = aidl_arena_alloc(a, strlen(s) + 1);
        size_t k = 0;
        bool up = false;
        for (; *s; s++) {
                if (*s == '_') {
                        up = true;
                } else {
                        r[k++] = up ? (char)toupper((unsigned char)*s) : *s;
                        up = false;
                }
        }
        r[k] = '\0';
        return r;
}

typedef struct cn_builder {
        cn_fields fs;
        size_t cap;
        cn_taken names;    /* field member names and JSON names */
        cn_taken messages; /* nested message names */
} cn_builder;

static bool cn_field_is_repeated(const cn_field *f)
{
        return cn_is_array(f->type) && !cn_is_bytes(f->type) && !f->wrapped;
}

static void cn_add_field(struct aidl_arena *a, cn_builder *b, const char *aidl_name,
                         const char *c_name, const aidl_type *t, int number, const aidl_decl *d,
                         const aidl_arg *arg)
{
        cn_field f;

        memset(&f, 0, sizeof(f));
        f.aidl_name = aidl_name;
        f.c_name = c_name;
        f.type = t;
        f.nullable = t->nullable;
        f.decl = d;
        f.arg = arg;
        f.number = number;
        f.in_union = b->fs.is_union;
        f.wrapped = cn_is_array(t) && !cn_is_bytes(t) && (f.nullable || f.in_union);

        /* protoc-c lowercases member names: use lowercase proto names */
        const char *base = cn_lower_all(a, aidl_name);
        if (base[0] == '_')
                base = aidl_arena_printf(a, "f%s", base);
        if (cn_is_keyword(base) || strcmp(base, "base") == 0)
                base = aidl_arena_printf(a, "%s_", base);
        const char *name = base;
        for (int k = 2;; k++) {
                bool rep = cn_field_is_repeated(&f);
                if (!cn_taken_has(&b->names, name) &&
                    !cn_taken_has(&b->names, aidl_arena_printf(a, "json:%s", cn_json_name(a, name))) &&
                    !(rep && cn_taken_has(&b->names, aidl_arena_printf(a, "n_%s", name))))
                        break;
                name = aidl_arena_printf(a, "%s%d", base, k);
        }
        cn_taken_add(a, &b->names, name);
        cn_taken_add(a, &b->names, aidl_arena_printf(a, "json:%s", cn_json_name(a, name)));
        if (cn_field_is_repeated(&f))
                cn_taken_add(a, &b->names, aidl_arena_printf(a, "n_%s", name));
        f.proto = name;
        f.pbc = name;

        if (f.in_union) {
                f.oneof = b->fs.union_oneof;
        } else if (f.nullable && (cn_kind_of(t) == CN_STRING && !cn_is_array(t)))
                f.oneof = aidl_arena_printf(a, "_%s", name);
        else if (f.nullable && cn_is_bytes(t))
                f.oneof = aidl_arena_printf(a, "_%s", name);
        if (f.oneof) {
                f.case_member = aidl_arena_printf(a, "%s_case", f.oneof);
                f.case_const = aidl_arena_printf(a, "%s__%s_%s", b->fs.msg.upper,
                                                 cn_upper(a, f.oneof), cn_upper(a, name));
        }
        if (f.wrapped) {
                const char *wn = cn_msg_name_take(
                        a, &b->messages, aidl_arena_printf(a, "%sArray", cn_pbc_camel(a, name)));
                f.wrapper = cn_msg_child(a, &b->fs.msg, wn);
        }

        if (b->fs.n == b->cap) {
                size_t cap = b->cap ? 2 * b->cap : 8;
                cn_field *v = aidl_arena_alloc(a, cap * sizeof(*v));
                if (b->fs.n)
                        memcpy(v, b->fs.v, b->fs.n * sizeof(*v));
                b->fs.v = v;
                b->cap = cap;
        }
        b->fs.v[b->fs.n++] = f;
}

cn_fields cn_fields_of_type(struct aidl_arena *a, const aidl_decl *type)
{
        cn_builder b;
        int number = 1;

        memset(&b, 0, sizeof(b));
        b.fs.msg = cn_msg_of_type(a, type);
        b.fs.is_union = type->kind == AIDL_DECL_UNION;
        if (b.fs.is_union)
                b.fs.union_oneof = "_tag";
        cn_nested_types_take(a, &b.messages, type, NULL);
        for (const aidl_decl *m = type->members; m; m = m->next)
                if (m->kind == AIDL_DECL_FIELD)
                        cn_add_field(a, &b, m->name, cn_c_ident(a, m->name), m->type, number++,
                                     m, NULL);
        return b.fs;
}

cn_fields cn_fields_of_method(struct aidl_arena *a, const aidl_decl *method, bool reply)
{
        cn_builder b;

        memset(&b, 0, sizeof(b));
        b.fs.msg = cn_msg_method(a, method, reply);
        if (reply && method->ret && !(method->ret->kind == AIDL_TYPE_PRIM &&
                                       method->ret->prim == AIDL_VOID))
                cn_add_field(a, &b, "result", "result", method->ret, 1, NULL, NULL);
        for (const aidl_arg *g = method->args; g; g = g->next) {
                if (reply ? !cn_dir_is_out(g->dir) : !cn_dir_is_in(g->dir))
                        continue;
                cn_add_field(a, &b, g->name, cn_c_arg_ident(a, g->name), g->type,
                             g->index + (reply ? 2 : 1), NULL, g);
        }
        return b.fs;
}

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

/* ---- conversion code ---------------------------------------------------- */

/* "X" of a parcelable/union, whose functions are X_init, X__to_pb_new, ... */
static const char *cg_type_c(struct aidl_arena *a, const aidl_type *t)
{
        return cn_type_c(a, cn_elem(t)->resolved);
}

static void cg_nomem_if_null(cw *w, const char *expr)
{
        cw_open(w, "if (%s == NULL) {", expr);
        cw_line(w, "_rc = -ENOMEM;");
        cw_line(w, "goto fail;");
        cw_close(w, "}");
}

static void cg_check_rc(cw *w)
{
        cw_line(w, "if (_rc < 0)");
        cw_indent(w);
        cw_line(w, "goto fail;");
        cw_dedent(w);
}

/* Scalar kinds whose C array has the layout of the protobuf-c repeated field. */
static bool cg_same_layout(const aidl_type *t)
{
        switch (cn_kind_of(t)) {
        case CN_INT:
        case CN_LONG:
        case CN_FLOAT:
        case CN_DOUBLE:
                return true;
        case CN_ENUM:
                return cn_enum_backing(t) != AIDL_BYTE;
        default:
                return false;
        }
}

static const char *cg_pb_scalar_type(const aidl_type *t)
{
        switch (cn_kind_of(t)) {
        case CN_BOOL:
                return "protobuf_c_boolean";
        case CN_LONG:
                return "int64_t";
        case CN_FLOAT:
                return "float";
        case CN_DOUBLE:
                return "double";
        case CN_ENUM:
                return cn_enum_backing(t) == AIDL_LONG ? "int64_t" : "int32_t";
        default:
                return "int32_t";
        }
}

/* Encodes one element/value `c` into the lvalue `pbv` (a scalar, char * or pointer). */
static void cg_encode_one(cw *w, struct aidl_arena *a, const cn_value *v, const char *c,
                          const char *pbv, bool borrowed_ptr)
{
        const aidl_type *t = v->f->type;
        switch (cn_kind_of(t)) {
        case CN_STRING:
                cw_line(w, "%s = (char *)(%s ? %s : \"\");", pbv, c, c);
                break;
        case CN_PARCELABLE:
                cw_line(w, "_rc = %s__to_pb_new(%s%s, &%s);", cg_type_c(a, t),
                        borrowed_ptr ? "" : "&", c, pbv);
                cg_check_rc(w);
                break;
        case CN_INTERFACE:
                cw_line(w, "_rc = %s__binder_to_pb(%s, &%s);", v->pkg_c, c, pbv);
                cg_check_rc(w);
                break;
        default:
                cw_line(w, "%s = %s;", pbv, c);
                break;
        }
}

static void cg_set_case(cw *w, const cn_value *v)
{
        if (v->f->oneof)
                cw_line(w, "%s->%s = %s;", v->pb, v->f->case_member, v->f->case_const);
}

void cg_encode(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        const char *m = aidl_arena_printf(a, "%s->%s", v->pb, f->pbc);
        cn_kind k = cn_kind_of(t);

        if (!cn_is_array(t)) {
                bool ptr = k == CN_PARCELABLE && f->nullable;
                if (f->nullable && (k == CN_STRING || k == CN_PARCELABLE) && !f->in_union) {
                        cw_open(w, "if (%s != NULL) {", v->c);
                        cg_set_case(w, v);
                        if (k == CN_STRING)
                                cw_line(w, "%s = (char *)%s;", m, v->c);
                        else
                                cg_encode_one(w, a, v, v->c, m, true);
                        cw_close(w, "}");
                        return;
                }
                cg_set_case(w, v);
                if (ptr && f->in_union) {
                        /* a null member travels as an empty message */
                        cw_open(w, "if (%s != NULL) {", v->c);
                        cg_encode_one(w, a, v, v->c, m, true);
                        cw_dedent(w);
                        cw_open(w, "} else {");
                        cw_line(w, "_rc = %s__to_pb_new(NULL, &%s);", cg_type_c(a, t), m);
                        cg_check_rc(w);
                        cw_close(w, "}");
                        return;
                }
                cg_encode_one(w, a, v, v->c, m, ptr);
                return;
        }
        if (cn_is_bytes(t)) {
                if (f->nullable && !f->in_union)
                        cw_open(w, "if (%s != NULL) {", v->c);
                cg_set_case(w, v);
                cw_line(w, "%s.len = %s ? %s : 0;", m, v->c, v->count);
                cw_line(w, "%s.data = (uint8_t *)%s;", m, v->c);
                if (f->nullable && !f->in_union)
                        cw_close(w, "}");
                return;
        }
        /* repeated, maybe in a wrapper message */
        const char *tp = v->pb, *tm = f->pbc;
        bool open = false;
        if (f->wrapped) {
                if (f->nullable && !f->in_union) {
                        cw_open(w, "if (%s != NULL) {", v->c);
                        open = true;
                }
                cg_set_case(w, v);
                cw_line(w, "%s = malloc(sizeof(*%s));", m, m);
                cg_nomem_if_null(w, m);
                cw_line(w, "%s__init(%s);", f->wrapper.lower, m);
                tp = m;
                tm = "items";
        }
        const char *arr = aidl_arena_printf(a, "%s->%s", tp, tm);
        if (cg_same_layout(t)) {
                cw_line(w, "%s->n_%s = %s ? %s : 0;", tp, tm, v->c, v->count);
                cw_line(w, "%s = (%s *)%s;", arr, cg_pb_scalar_type(t), v->c);
        } else {
                cw_open(w, "if (%s != NULL && %s > 0) {", v->c, v->count);
                if (k == CN_PARCELABLE || k == CN_INTERFACE)
                        cw_line(w, "%s = calloc(%s, sizeof(*%s));", arr, v->count, arr);
                else
                        cw_line(w, "%s = malloc(%s * sizeof(*%s));", arr, v->count, arr);
                cg_nomem_if_null(w, arr);
                cw_line(w, "%s->n_%s = %s;", tp, tm, v->count);
                cw_open(w, "for (size_t _i = 0; _i < %s; _i++) {", v->count);
                cg_encode_one(w, a, v, aidl_arena_printf(a, "%s[_i]", v->c),
                              aidl_arena_printf(a, "%s[_i]", arr), false);
                cw_close(w, "}");
                cw_close(w, "}");
        }
        if (open)
                cw_close(w, "}");
}

void cg_release(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        const char *m = aidl_arena_printf(a, "%s->%s", v->pb, f->pbc);
        cn_kind k = cn_kind_of(t);
        bool guard = f->in_union;

        if (cn_is_bytes(t) || (!cn_is_array(t) && k != CN_PARCELABLE && k != CN_INTERFACE))
                return;
        if (cn_is_array(t) && !f->wrapped && cg_same_layout(t))
                return;
        if (guard)
                cw_open(w, "if (%s->%s == %s) {", v->pb, f->case_member, f->case_const);
        if (!cn_is_array(t)) {
                if (k == CN_PARCELABLE)
                        cw_line(w, "%s__pb_free(%s);", cg_type_c(a, t), m);
                else
                        cw_line(w, "%s__binder_pb_free(%s);", v->pkg_c, m);
        } else {
                const char *tp = v->pb, *tm = f->pbc;
                if (f->wrapped) {
                        cw_open(w, "if (%s != NULL) {", m);
                        tp = m;
                        tm = "items";
                }
                const char *arr = aidl_arena_printf(a, "%s->%s", tp, tm);
                if (!cg_same_layout(t)) {
                        if (k == CN_PARCELABLE || k == CN_INTERFACE) {
                                cw_line(w, "for (size_t _i = 0; %s != NULL && _i < %s->n_%s; _i++)",
                                        arr, tp, tm);
                                cw_indent(w);
                                if (k == CN_PARCELABLE)
                                        cw_line(w, "%s__pb_free(%s[_i]);", cg_type_c(a, t), arr);
                                else
                                        cw_line(w, "%s__binder_pb_free(%s[_i]);", v->pkg_c, arr);
                                cw_dedent(w);
                        }
                        cw_line(w, "free(%s);", arr);
                }
                if (f->wrapped) {
                        cw_line(w, "free(%s);", m);
                        cw_close(w, "}");
                }
        }
        if (guard)
                cw_close(w, "}");
}

/* Range check of an int32 on the wire that holds a byte or a char. */
static void cg_range_check(cw *w, const aidl_type *t, const char *pbv)
{
        const char *lo = NULL, *hi = NULL;
        cn_kind k = cn_kind_of(t);
        if (k == CN_BYTE || (k == CN_ENUM && cn_enum_backing(t) == AIDL_BYTE)) {
                lo = "INT8_MIN";
                hi = "INT8_MAX";
        } else if (k == CN_CHAR) {
                lo = "0";
                hi = "UINT16_MAX";
        }
        if (!lo)
                return;
        cw_open(w, "if (%s < %s || %s > %s) {", pbv, lo, pbv, hi);
        cw_line(w, "_rc = -ERANGE;");
        cw_line(w, "goto fail;");
        cw_close(w, "}");
}

static const char *cg_call(const cn_value *v)
{
        return v->call ? v->call : "call";
}

/* Decodes one element/value `pbv` into the zeroed C lvalue `c`. */
static void cg_decode_one(cw *w, struct aidl_arena *a, const cn_value *v, const char *pbv,
                          const char *c, bool as_ptr)
{
        const aidl_type *t = v->f->type;
        switch (cn_kind_of(t)) {
        case CN_BOOL:
                cw_line(w, "%s = %s != 0;", c, pbv);
                break;
        case CN_BYTE:
        case CN_CHAR:
        case CN_ENUM:
                cg_range_check(w, t, pbv);
                cw_line(w, "%s = (%s)%s;", c, cn_c_value_type(a, t), pbv);
                break;
        case CN_STRING:
                cw_line(w, "%s = strdup(%s ? %s : \"\");", c, pbv, pbv);
                cg_nomem_if_null(w, c);
                break;
        case CN_PARCELABLE:
                if (as_ptr) {
                        cw_line(w, "%s = malloc(sizeof(*%s));", c, c);
                        cg_nomem_if_null(w, c);
                        cw_line(w, "%s_init(%s);", cg_type_c(a, t), c);
                        cw_line(w, "_rc = %s__from_pb(%s, %s, %s);", cg_type_c(a, t), cg_call(v), pbv, c);
                        cg_check_rc(w);
                } else {
                        cw_line(w, "%s_init(&%s);", cg_type_c(a, t), c);
                        cw_open(w, "if (%s != NULL) {", pbv);
                        cw_line(w, "_rc = %s__from_pb(%s, %s, &%s);", cg_type_c(a, t), cg_call(v), pbv, c);
                        cg_check_rc(w);
                        cw_close(w, "}");
                }
                break;
        case CN_INTERFACE:
                cw_line(w, "_rc = %s__binder_from_pb(%s, %s, &%s);", v->pkg_c, cg_call(v), pbv, c);
                cg_check_rc(w);
                break;
        default:
                cw_line(w, "%s = %s;", c, pbv);
                break;
        }
}

void cg_decode(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        const char *m = aidl_arena_printf(a, "%s->%s", v->pb, f->pbc);
        cn_kind k = cn_kind_of(t);
        bool guarded = f->oneof && !f->in_union;

        if (guarded)
                cw_open(w, "if (%s->%s == %s) {", v->pb, f->case_member, f->case_const);
        if (!cn_is_array(t)) {
                if (k == CN_PARCELABLE && f->nullable) {
                        cw_open(w, "if (%s != NULL) {", m);
                        cg_decode_one(w, a, v, m, v->c, true);
                        cw_close(w, "}");
                } else {
                        cg_decode_one(w, a, v, m, v->c, false);
                }
        } else if (cn_is_bytes(t)) {
                cw_line(w, "%s = malloc(%s.len ? %s.len : 1);", v->c, m, m);
                cg_nomem_if_null(w, v->c);
                cw_line(w, "if (%s.len > 0)", m);
                cw_indent(w);
                cw_line(w, "memcpy(%s, %s.data, %s.len);", v->c, m, m);
                cw_dedent(w);
                cw_line(w, "%s = %s.len;", v->count, m);
        } else {
                const char *tp = v->pb, *tm = f->pbc;
                if (f->wrapped) {
                        cw_open(w, "if (%s != NULL) {", m);
                        tp = m;
                        tm = "items";
                }
                const char *n = aidl_arena_printf(a, "%s->n_%s", tp, tm);
                if (f->wrapped) {
                        cw_line(w, "%s = calloc(%s ? %s : 1, sizeof(*%s));", v->c, n, n, v->c);
                        cg_nomem_if_null(w, v->c);
                } else {
                        cw_open(w, "if (%s > 0) {", n);
                        cw_line(w, "%s = calloc(%s, sizeof(*%s));", v->c, n, v->c);
                        cg_nomem_if_null(w, v->c);
                        cw_close(w, "}");
                }
                cw_line(w, "%s = %s;", v->count, n);
                cw_open(w, "for (size_t _i = 0; _i < %s; _i++) {", n);
                cg_decode_one(w, a, v, aidl_arena_printf(a, "%s->%s[_i]", tp, tm),
                              aidl_arena_printf(a, "%s[_i]", v->c), false);
                cw_close(w, "}");
                if (f->wrapped)
                        cw_close(w, "}");
        }
        if (guarded)
                cw_close(w, "}");
}

void cg_fini(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        cn_kind k = cn_kind_of(t);

        if (!cn_is_array(t)) {
                if (k == CN_STRING) {
                        cw_line(w, "free(%s);", v->c);
                } else if (k == CN_PARCELABLE && f->nullable) {
                        cw_line(w, "%s_fini(%s);", cg_type_c(a, t), v->c);
                        cw_line(w, "free(%s);", v->c);
                } else if (k == CN_PARCELABLE) {
                        cw_line(w, "%s_fini(&%s);", cg_type_c(a, t), v->c);
                } else if (k == CN_INTERFACE) {
                        cw_line(w, "avb_binder_unref(%s);", v->c);
                }
                return;
        }
        if (k == CN_STRING || k == CN_PARCELABLE || k == CN_INTERFACE) {
                cw_line(w, "for (size_t _i = 0; %s != NULL && _i < %s; _i++)", v->c, v->count);
                cw_indent(w);
                if (k == CN_STRING)
                        cw_line(w, "free(%s[_i]);", v->c);
                else if (k == CN_PARCELABLE)
                        cw_line(w, "%s_fini(&%s[_i]);", cg_type_c(a, t), v->c);
                else
                        cw_line(w, "avb_binder_unref(%s[_i]);", v->c);
                cw_dedent(w);
        }
        cw_line(w, "free(%s);", v->c);
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

void cg_local(cw *w, struct aidl_arena *a, const cn_field *f, const char *name)
{
        cn_c_decl(w, a, f->type, f->nullable, name);
        cw_line(w, "memset(&%s, 0, sizeof(%s));", name, name);
        if (cn_is_array(f->type))
                cw_line(w, "%s_count = 0;", name);
}

void cg_init_output(cw *w, struct aidl_arena *a, const cn_field *f, const char *name)
{
        if (!cn_is_array(f->type) && cn_kind_of(f->type) == CN_PARCELABLE && !f->nullable)
                cw_line(w, "%s_init(&%s);", cg_type_c(a, f->type), name);
}

const char *cg_in_arg(struct aidl_arena *a, const cn_field *f, const char *name)
{
        cn_kind k = cn_kind_of(f->type);
        if (cn_is_array(f->type)) {
                if (k == CN_STRING)
                        return aidl_arena_printf(a, "(const char *const *)%s, %s_count", name, name);
                return aidl_arena_printf(a, "%s, %s_count", name, name);
        }
        if (k == CN_PARCELABLE && !f->nullable)
                return aidl_arena_printf(a, "&%s", name);
        return name;
}

void cg_status_helper(cw *w, const char *bad_what)
{
        cw_open(w, "static avb_status status_from_rc(int rc, const char *what)\n{");
        cw_line(w, "if (rc == -ENOMEM)");
        cw_line(w, "        return avb_status_transport(AVB_TS_NO_MEMORY, \"%%s: out of memory\", what);");
        cw_line(w, "if (rc == -ERANGE || rc == -EBADMSG || rc == -EINVAL)");
        cw_line(w, "        return avb_status_transport(AVB_TS_BAD_MESSAGE, \"%%s: %s\", what);",
                bad_what);
        cw_line(w, "return avb_status_from_errno(rc, what);");
        cw_close(w, "}");
}

bool cn_package_has_methods(struct aidl_arena *a, const aidl_package *pkg)
{
        cn_decls types = cn_package_types(a, pkg);
        for (size_t i = 0; i < types.n; i++)
                for (const aidl_decl *m = types.v[i]->members; m; m = m->next)
                        if (m->kind == AIDL_DECL_METHOD)
                                return true;
        return false;
}

void cg_c_file_start(cw *w, struct aidl_arena *a, const aidl_package *pkg, bool status_helper,
                     const char *bad_what)
{
        const char *pc = cn_pkg_c(a, pkg->name);

        cw_line(w, "/* Generated by aidlc from package %s. Do not edit. */", pkg->name);
        cw_line(w, "#include <errno.h>");
        cw_line(w, "#include <stdlib.h>");
        cw_line(w, "#include <string.h>");
        cw_blank(w);
        cw_line(w, "#include \"%s.h\"", pc);
        cw_line(w, "#include \"%s.pb-c.h\"", pc);
        if (status_helper) {
                cw_blank(w);
                cg_status_helper(w, bad_what);
        }
}
