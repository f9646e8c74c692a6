/* SPDX-License-Identifier: Apache-2.0 */
/* The rules of AIDL over a resolved tree (see validator.h). */
#include <errno.h>
#include <string.h>

#include "consteval.h"
#include "map.h"
#include "validator.h"

typedef struct validator {
        struct aidl_arena *a;
        aidl_diags *d;
} validator;

static const char *const known_annotations[] = {"VintfStability", "utf8InCpp", "nullable",
                                                "Backing"};

static void check_annotations(validator *v, const aidl_annotation *list, const aidl_decl *owner)
{
        for (const aidl_annotation *an = list; an; an = an->next) {
                bool known = false;
                for (size_t i = 0; i < sizeof(known_annotations) / sizeof(known_annotations[0]); i++)
                        known = known || strcmp(an->name, known_annotations[i]) == 0;
                if (!known)
                        aidl_warning(v->d, &an->loc, "unknown annotation @%s ignored", an->name);
                else if (strcmp(an->name, "Backing") == 0 &&
                         (!owner || owner->kind != AIDL_DECL_ENUM))
                        aidl_error(v->d, &an->loc, "@Backing is only allowed on enums");
                else if (strcmp(an->name, "VintfStability") == 0 &&
                         (!owner || !aidl_decl_is_type(owner)))
                        aidl_error(v->d, &an->loc, "@VintfStability is only allowed on types");
        }
}

static bool is_primitive(const aidl_type *t)
{
        return t->kind == AIDL_TYPE_PRIM && t->prim != AIDL_STRING;
}

static bool is_enum(const aidl_type *t)
{
        return t->kind == AIDL_TYPE_NAMED && t->resolved && t->resolved->kind == AIDL_DECL_ENUM;
}

/* Rules on a type wherever it is used. */
static void check_type(validator *v, const aidl_type *t)
{
        if (t->nullable && (is_primitive(t) || is_enum(t)))
                aidl_error(v->d, &t->loc, "@nullable is not allowed on primitive type '%s'",
                           aidl_type_to_string(v->a, t));
        const aidl_type *base = t;
        while (base->kind == AIDL_TYPE_ARRAY || base->kind == AIDL_TYPE_LIST)
                base = base->elem;
        if (t->utf8 && !(base->kind == AIDL_TYPE_PRIM && base->prim == AIDL_STRING))
                aidl_error(v->d, &t->loc, "@utf8InCpp is only allowed on String, not '%s'",
                           aidl_type_to_string(v->a, t));
        for (; t->kind == AIDL_TYPE_ARRAY || t->kind == AIDL_TYPE_LIST; t = t->elem) {
                const aidl_type *e = t->elem;
                bool fixed = t->kind == AIDL_TYPE_ARRAY && t->size;
                if (t->kind == AIDL_TYPE_ARRAY && e->kind == AIDL_TYPE_ARRAY && fixed && e->size)
                        continue; /* T[N][M] */
                if (t->kind == AIDL_TYPE_ARRAY && e->kind == AIDL_TYPE_ARRAY && (fixed || e->size)) {
                        aidl_error(v->d, &t->loc,
                                   "an array cannot mix fixed-size and dynamic dimensions: '%s'",
                                   aidl_type_to_string(v->a, t));
                        return;
                }
                if (fixed && e->kind == AIDL_TYPE_LIST) {
                        aidl_error(v->d, &t->loc, "fixed-size arrays of List are not supported: '%s'",
                                   aidl_type_to_string(v->a, t));
                        return;
                }
                if (e->kind == AIDL_TYPE_NAMED && e->holder) {
                        aidl_error(v->d, &t->loc,
                                   "ParcelableHolder cannot be the element of an array or List: '%s'",
                                   aidl_type_to_string(v->a, t));
                        return;
                }
                if (t->kind == AIDL_TYPE_ARRAY && e->kind == AIDL_TYPE_ARRAY) {
                        aidl_error(v->d, &t->loc, "nested arrays are not supported: '%s'",
                                   aidl_type_to_string(v->a, t));
                        return;
                }
                if (e->kind == AIDL_TYPE_ARRAY || e->kind == AIDL_TYPE_LIST) {
                        aidl_error(v->d, &t->loc, "arrays and lists of arrays or lists are not supported: '%s'",
                                   aidl_type_to_string(v->a, t));
                        return;
                }
                if (t->kind == AIDL_TYPE_LIST && is_primitive(e)) {
                        aidl_error(v->d, &t->loc, "List<%s> is not supported, use %s[]",
                                   aidl_prim_name(e->prim), aidl_prim_name(e->prim));
                        return;
                }
        }
}

/*
 * What the C emitters do not map yet (issue 10): fixed-size arrays as
 * arguments, returns, union members or @nullable. Refused here with a clear
 * message rather than mapped wrongly.
 */
static void check_fixed_unsupported(validator *v, const aidl_type *t, const char *where)
{
        if (t && t->kind == AIDL_TYPE_ARRAY && t->size)
                aidl_error(v->d, &t->loc, "fixed-size array '%s' %s is not supported yet",
                           aidl_type_to_string(v->a, t), where);
}

/* ParcelableHolder is a parcelable field and nothing else (stable AIDL). */
static void check_holder(validator *v, const aidl_type *t, const char *where)
{
        if (t && t->kind == AIDL_TYPE_NAMED && t->holder)
                aidl_error(v->d, &t->loc, "ParcelableHolder cannot be %s", where);
}

static void check_args(validator *v, const aidl_decl *iface, const aidl_decl *m)
{
        aidl_map *names = aidl_map_new(v->a);
        bool oneway = m->oneway || iface->oneway;
        for (const aidl_arg *a = m->args; a; a = a->next) {
                check_annotations(v, a->type->annotations, NULL);
                check_type(v, a->type);
                if (a->type->nullable)
                        check_fixed_unsupported(v, a->type, "with @nullable");
                check_holder(v, a->type, "an argument");
                if (aidl_map_get_str(names, a->name))
                        aidl_error(v->d, &a->loc, "duplicate argument '%s' in method '%s'",
                                   a->name, m->name);
                aidl_map_put_str(names, a->name, (void *)a);
                if (a->dir != AIDL_DIR_OUT && a->dir != AIDL_DIR_INOUT)
                        continue;
                const char *dir = a->dir == AIDL_DIR_OUT ? "out" : "inout";
                const aidl_type *t = a->type;
                if (oneway)
                        aidl_error(v->d, &a->loc,
                                   "oneway method '%s' cannot have %s argument '%s'", m->name,
                                   dir, a->name);
                else if (t->kind == AIDL_TYPE_PRIM || is_enum(t))
                        aidl_error(v->d, &a->loc,
                                   "'%s' is not allowed on argument '%s' of type '%s' (only in)",
                                   dir, a->name, aidl_type_to_string(v->a, t));
                else if (t->kind == AIDL_TYPE_NAMED && t->resolved &&
                         t->resolved->kind == AIDL_DECL_INTERFACE)
                        aidl_error(v->d, &a->loc,
                                   "'%s' is not allowed on argument '%s' of interface type '%s'",
                                   dir, a->name, aidl_type_to_string(v->a, t));
        }
}

static void check_method(validator *v, const aidl_decl *iface, const aidl_decl *m)
{
        if (strcmp(m->name, "getInterfaceVersion") == 0 ||
            strcmp(m->name, "getInterfaceHash") == 0)
                aidl_error(v->d, &m->loc, "method name '%s' is reserved", m->name);
        check_type(v, m->ret);
        if (m->ret->nullable)
                check_fixed_unsupported(v, m->ret, "with @nullable");
        check_holder(v, m->ret, "a return value");
        if ((m->oneway || iface->oneway) &&
            !(m->ret->kind == AIDL_TYPE_PRIM && m->ret->prim == AIDL_VOID))
                aidl_error(v->d, &m->loc, "oneway method '%s' cannot return a value", m->name);
        check_args(v, iface, m);
}

static const char *member_what(const aidl_decl *m)
{
        switch (m->kind) {
        case AIDL_DECL_METHOD: return "method";
        case AIDL_DECL_CONST: return "constant";
        case AIDL_DECL_FIELD: return "field";
        case AIDL_DECL_ENUMERATOR: return "enumerator";
        default: return "type";
        }
}

static void check_decls(validator *v, const aidl_decl *list);

static void check_type_decl(validator *v, const aidl_decl *t)
{
        aidl_map *names = aidl_map_new(v->a);
        size_t n_fields = 0;
        check_annotations(v, t->annotations, t);
        for (const aidl_decl *m = t->members; m; m = m->next) {
                const aidl_decl *prev = aidl_map_get_str(names, m->name);
                if (prev)
                        aidl_error(v->d, &m->loc, "duplicate %s '%s' in '%s' (previous %s at line %d)",
                                   member_what(m), m->name, t->name, member_what(prev),
                                   prev->loc.line);
                else
                        aidl_map_put_str(names, m->name, (void *)m);
                if (!aidl_decl_is_type(m))
                        check_annotations(v, m->annotations, m);
                switch (m->kind) {
                case AIDL_DECL_METHOD:
                        check_method(v, t, m);
                        break;
                case AIDL_DECL_CONST:
                        check_type(v, m->type);
                        if (m->type->kind != AIDL_TYPE_PRIM)
                                aidl_error(v->d, &m->loc,
                                           "constant '%s' must have a primitive or String type",
                                           m->name);
                        break;
                case AIDL_DECL_FIELD:
                        check_type(v, m->type);
                        if (t->kind == AIDL_DECL_UNION)
                                check_holder(v, m->type, "a union member");
                        else if (m->type->nullable)
                                check_holder(v, m->type, "@nullable");
                        if (t->kind == AIDL_DECL_UNION)
                                check_fixed_unsupported(v, m->type, "as a union member");
                        else if (m->type->nullable)
                                check_fixed_unsupported(v, m->type, "with @nullable");
                        n_fields++;
                        break;
                default:
                        break;
                }
        }
        if (t->kind == AIDL_DECL_ENUM && !t->members)
                aidl_error(v->d, &t->loc, "enum '%s' has no enumerators", t->name);
        if (t->kind == AIDL_DECL_UNION && n_fields == 0)
                aidl_error(v->d, &t->loc, "union '%s' has no members", t->name);
        check_decls(v, t->members);
}

static void check_decls(validator *v, const aidl_decl *list)
{
        for (const aidl_decl *d = list; d && !aidl_diags_full(v->d); d = d->next)
                if (aidl_decl_is_type(d))
                        check_type_decl(v, d);
}

int aidl_validate(aidl_program *p, aidl_diags *d)
{
        validator v = {.a = p->arena, .d = d};
        size_t errors = aidl_diags_errors(d);
        for (const aidl_file *f = p->files; f; f = f->next)
                check_decls(&v, f->types);
        aidl_eval_constants(p, d);
        return aidl_diags_errors(d) > errors ? -EINVAL : 0;
}
