/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wire model shared by the .proto emitter and the C emitters: which
 * proto message carries a type or a method's request/reply, which fields it
 * has, their numbers and names, and the identifiers protoc-c derives from
 * them (docs/aidl-c-mapping.md, "Wire").
 */
#include "wire_model.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- proto messages ----------------------------------------------------- */

static const char *const cn_reserved_lower[] = {
    "init", "descriptor", "pack", "unpack", "get_packed_size", "pack_to_buffer", "free_unpacked",
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
static const char *cn_nested_types_take(struct aidl_arena *a, cn_taken *t, const aidl_decl *parent,
                                        const aidl_decl *d)
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
        case CN_HOLDER:
                return ".avb.ParcelableHolder";
        case CN_PFD:
                return "int32"; /* index in the message's fd list, -1 null */
        case CN_VOID:
                break;
        }
        return "bool";
}

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
                    !cn_taken_has(&b->names,
                                  aidl_arena_printf(a, "json:%s", cn_json_name(a, name))) &&
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
                        cn_add_field(a, &b, m->name, cn_c_ident(a, m->name), m->type, number++, m,
                                     NULL);
        return b.fs;
}

cn_fields cn_fields_of_method(struct aidl_arena *a, const aidl_decl *method, bool reply)
{
        cn_builder b;

        memset(&b, 0, sizeof(b));
        b.fs.msg = cn_msg_method(a, method, reply);
        if (reply && method->ret &&
            !(method->ret->kind == AIDL_TYPE_PRIM && method->ret->prim == AIDL_VOID))
                cn_add_field(a, &b, "result", "result", method->ret, 1, NULL, NULL);
        for (const aidl_arg *g = method->args; g; g = g->next) {
                if (reply ? !cn_dir_is_out(g->dir) : !cn_dir_is_in(g->dir))
                        continue;
                cn_add_field(a, &b, g->name, cn_c_arg_ident(a, g->name), g->type,
                             g->index + (reply ? 2 : 1), NULL, g);
        }
        return b.fs;
}

bool cn_holder_vintf(const cn_field *f)
{
        return f->decl && f->decl->parent &&
               aidl_annotation_find(f->decl->parent->annotations, "VintfStability");
}
