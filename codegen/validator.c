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
                                                "Backing",        "FixedSize", "SensitiveData"};

/* Annotations for other backends (Java, Rust, permissions, the binder
 * driver): accepted and ignored, as they change nothing in C or on the wire. */
static const char *const ignored_annotations[] = {"JavaDerive", "RustDerive", "EnforcePermission",
                                                  "PropagateAllowBlocking", "Descriptor"};

static bool in_list(const char *const *list, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], name) == 0)
                        return true;
        return false;
}

static void check_annotations(validator *v, const aidl_annotation *list, const aidl_decl *owner)
{
        for (const aidl_annotation *an = list; an; an = an->next) {
                bool known =
                    in_list(known_annotations,
                            sizeof(known_annotations) / sizeof(known_annotations[0]), an->name);
                if (in_list(ignored_annotations,
                            sizeof(ignored_annotations) / sizeof(ignored_annotations[0]), an->name))
                        continue;
                if (!known)
                        aidl_warning(v->d, &an->loc, "unknown annotation @%s ignored", an->name);
                else if (strcmp(an->name, "Backing") == 0 &&
                         (!owner || owner->kind != AIDL_DECL_ENUM))
                        aidl_error(v->d, &an->loc, "@Backing is only allowed on enums");
                else if (strcmp(an->name, "FixedSize") == 0 &&
                         (!owner ||
                          (owner->kind != AIDL_DECL_PARCELABLE && owner->kind != AIDL_DECL_UNION)))
                        aidl_error(v->d, &an->loc,
                                   "@FixedSize is only allowed on parcelables "
                                   "and unions");
                else if (strcmp(an->name, "SensitiveData") == 0 &&
                         (!owner || owner->kind != AIDL_DECL_INTERFACE))
                        aidl_error(v->d, &an->loc, "@SensitiveData is only allowed on interfaces");
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

/* Laid out in a fixed number of bytes: a primitive other than String, an
 * enum, a fixed-size array of such, or a @FixedSize parcelable. */
static bool is_fixed_size(const aidl_type *t)
{
        if (t->kind == AIDL_TYPE_ARRAY)
                return t->size && is_fixed_size(t->elem);
        if (is_primitive(t) || is_enum(t))
                return true;
        return t->kind == AIDL_TYPE_NAMED && t->resolved &&
               (t->resolved->kind == AIDL_DECL_PARCELABLE ||
                t->resolved->kind == AIDL_DECL_UNION) &&
               !t->nullable && aidl_annotation_find(t->resolved->annotations, "FixedSize");
}

static void check_type(validator *v, const aidl_type *t);

/* Like is_fixed_size, but a parcelable need not say @FixedSize: it is enough
 * that its fields have a fixed layout, all the way down (depth bounds a
 * by-value cycle, which the C struct could not hold anyway). */
static bool has_fixed_layout(const aidl_type *t, int depth)
{
        if (is_fixed_size(t))
                return true;
        if (t->kind == AIDL_TYPE_ARRAY)
                return t->size && has_fixed_layout(t->elem, depth);
        const aidl_decl *p = t->kind == AIDL_TYPE_NAMED ? t->resolved : NULL;
        if (!p || p->kind != AIDL_DECL_PARCELABLE || t->nullable || depth == 0)
                return false;
        for (const aidl_decl *m = p->members; m; m = m->next)
                if (m->kind == AIDL_DECL_FIELD && !has_fixed_layout(m->type, depth - 1))
                        return false;
        return true;
}

/*
 * The payload of a fast message queue is copied byte for byte between
 * processes, so it must have a fixed layout: a primitive, an enum or a
 * @FixedSize parcelable. A parcelable that only lacks the annotation is let
 * through with a warning (the RDK's DataPacket is one).
 */
static void check_fmq(validator *v, const aidl_type *t)
{
        const aidl_type *payload = t->targs, *flavor = t->targs->next_targ;
        const aidl_decl *p = payload->resolved;
        if (payload->kind == AIDL_TYPE_NAMED && p && p->kind == AIDL_DECL_PARCELABLE &&
            !is_fixed_size(payload)) {
                if (has_fixed_layout(payload, 16))
                        aidl_warning(v->d, &payload->loc,
                                     "message queue payload '%s' is not @FixedSize, but its "
                                     "fields all have a fixed size: treated as @FixedSize",
                                     aidl_type_to_string(v->a, payload));
                else
                        aidl_error(v->d, &payload->loc,
                                   "message queue payload '%s' must be @FixedSize (a field has "
                                   "no fixed size)",
                                   aidl_type_to_string(v->a, payload));
        } else if (!is_fixed_size(payload)) {
                aidl_error(v->d, &payload->loc,
                           "message queue payload '%s' must be a primitive (not String), an "
                           "enum or a @FixedSize parcelable",
                           aidl_type_to_string(v->a, payload));
        }
        const char *fq = flavor->resolved ? flavor->resolved->qualified : "";
        if (strcmp(fq, "android.hardware.common.fmq.SynchronizedReadWrite") != 0 &&
            strcmp(fq, "android.hardware.common.fmq.UnsynchronizedWrite") != 0)
                aidl_error(v->d, &flavor->loc,
                           "message queue flavor '%s' must be SynchronizedReadWrite or "
                           "UnsynchronizedWrite",
                           aidl_type_to_string(v->a, flavor));
}

/* A named type's use of type parameters and arguments (generic parcelables). */
static void check_generic_use(validator *v, const aidl_type *t)
{
        const aidl_decl *g = t->resolved;
        if (t->type_param) {
                aidl_error(v->d, &t->loc,
                           "type parameter '%s' cannot be the type of a field (not supported)",
                           t->name);
                return;
        }
        if (!g)
                return;
        if (t->n_targs != g->n_type_params) {
                if (g->n_type_params == 0)
                        aidl_error(v->d, &t->loc, "'%s' is not generic and takes no type arguments",
                                   t->name);
                else
                        aidl_error(v->d, &t->loc,
                                   "generic parcelable '%s' takes %d type "
                                   "argument%s, not %d",
                                   t->name, g->n_type_params, g->n_type_params == 1 ? "" : "s",
                                   t->n_targs);
                return;
        }
        bool ok = true;
        for (const aidl_type *ta = t->targs; ta; ta = ta->next_targ) {
                check_type(v, ta);
                const aidl_decl *r = ta->resolved;
                bool fits = is_primitive(ta) ||
                            (ta->kind == AIDL_TYPE_NAMED && r && r->kind != AIDL_DECL_INTERFACE);
                if (!fits && !ta->type_param)
                        aidl_error(v->d, &ta->loc,
                                   "type argument '%s' of '%s' must be a primitive (not String), "
                                   "an enum or a parcelable",
                                   aidl_type_to_string(v->a, ta), t->name);
                ok = ok && fits;
        }
        if (ok && t->n_targs == 2 && g->qualified &&
            strcmp(g->qualified, "android.hardware.common.fmq.MQDescriptor") == 0)
                check_fmq(v, t);
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
        if (base->kind == AIDL_TYPE_NAMED)
                check_generic_use(v, base);
        for (; t->kind == AIDL_TYPE_ARRAY || t->kind == AIDL_TYPE_LIST; t = t->elem) {
                const aidl_type *e = t->elem;
                bool fixed = t->kind == AIDL_TYPE_ARRAY && t->size;
                if (t->kind == AIDL_TYPE_ARRAY && e->kind == AIDL_TYPE_ARRAY && fixed && e->size)
                        continue; /* T[N][M] */
                if (t->kind == AIDL_TYPE_ARRAY && e->kind == AIDL_TYPE_ARRAY &&
                    (fixed || e->size)) {
                        aidl_error(v->d, &t->loc,
                                   "an array cannot mix fixed-size and dynamic dimensions: '%s'",
                                   aidl_type_to_string(v->a, t));
                        return;
                }
                if (fixed && e->kind == AIDL_TYPE_LIST) {
                        aidl_error(v->d, &t->loc,
                                   "fixed-size arrays of List are not supported: '%s'",
                                   aidl_type_to_string(v->a, t));
                        return;
                }
                if (e->kind == AIDL_TYPE_NAMED && e->holder) {
                        aidl_error(
                            v->d, &t->loc,
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
                        aidl_error(v->d, &t->loc,
                                   "arrays and lists of arrays or lists are not supported: '%s'",
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
 * What the C emitters do not map yet (issue 10): @nullable fixed-size arrays
 * as union members or inout arguments. Refused here with a clear
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

/* A ParcelFileDescriptor, or an array or List of them. */
static bool is_pfd(const aidl_type *t)
{
        while (t->kind == AIDL_TYPE_ARRAY || t->kind == AIDL_TYPE_LIST)
                t = t->elem;
        return t->kind == AIDL_TYPE_NAMED && t->pfd;
}

static void check_args(validator *v, const aidl_decl *iface, const aidl_decl *m)
{
        aidl_map *names = aidl_map_new(v->a);
        bool oneway = m->oneway || iface->oneway;
        for (const aidl_arg *a = m->args; a; a = a->next) {
                check_annotations(v, a->type->annotations, NULL);
                check_type(v, a->type);
                check_holder(v, a->type, "an argument");
                if (a->type->nullable && a->dir == AIDL_DIR_INOUT)
                        check_fixed_unsupported(v, a->type, "as a @nullable inout argument");
                if (aidl_map_get_str(names, a->name))
                        aidl_error(v->d, &a->loc, "duplicate argument '%s' in method '%s'", a->name,
                                   m->name);
                aidl_map_put_str(names, a->name, (void *)a);
                if (a->dir != AIDL_DIR_OUT && a->dir != AIDL_DIR_INOUT)
                        continue;
                const char *dir = a->dir == AIDL_DIR_OUT ? "out" : "inout";
                const aidl_type *t = a->type;
                if (oneway)
                        aidl_error(v->d, &a->loc, "oneway method '%s' cannot have %s argument '%s'",
                                   m->name, dir, a->name);
                else if (a->dir == AIDL_DIR_OUT && is_pfd(t))
                        aidl_error(v->d, &a->loc,
                                   "'out' is not allowed on argument '%s' of type "
                                   "ParcelFileDescriptor (in or inout; or return it)",
                                   a->name);
                else if (t->kind == AIDL_TYPE_PRIM || is_enum(t))
                        aidl_error(v->d, &a->loc,
                                   "'%s' is not allowed on argument '%s' of type '%s' (only in)",
                                   dir, a->name, aidl_type_to_string(v->a, t));
                else if (t->kind == AIDL_TYPE_NAMED &&
                         (t->ibinder || (t->resolved && t->resolved->kind == AIDL_DECL_INTERFACE)))
                        aidl_error(v->d, &a->loc,
                                   "'%s' is not allowed on argument '%s' of interface type '%s'",
                                   dir, a->name, aidl_type_to_string(v->a, t));
        }
}

static void check_method(validator *v, const aidl_decl *iface, const aidl_decl *m)
{
        if (strcmp(m->name, "getInterfaceVersion") == 0 || strcmp(m->name, "getInterfaceHash") == 0)
                aidl_error(v->d, &m->loc, "method name '%s' is reserved", m->name);
        check_type(v, m->ret);
        check_holder(v, m->ret, "a return value");
        if ((m->oneway || iface->oneway) &&
            !(m->ret->kind == AIDL_TYPE_PRIM && m->ret->prim == AIDL_VOID))
                aidl_error(v->d, &m->loc, "oneway method '%s' cannot return a value", m->name);
        check_args(v, iface, m);
}

static const char *member_what(const aidl_decl *m)
{
        switch (m->kind) {
        case AIDL_DECL_METHOD:
                return "method";
        case AIDL_DECL_CONST:
                return "constant";
        case AIDL_DECL_FIELD:
                return "field";
        case AIDL_DECL_ENUMERATOR:
                return "enumerator";
        default:
                return "type";
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
                        aidl_error(
                            v->d, &m->loc, "duplicate %s '%s' in '%s' (previous %s at line %d)",
                            member_what(m), m->name, t->name, member_what(prev), prev->loc.line);
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
                        if (aidl_annotation_find(t->annotations, "FixedSize") &&
                            !is_fixed_size(m->type))
                                aidl_error(v->d, &m->loc,
                                           "field '%s' of @FixedSize '%s' has no fixed size: '%s'",
                                           m->name, t->name, aidl_type_to_string(v->a, m->type));
                        if (t->kind == AIDL_DECL_UNION)
                                check_holder(v, m->type, "a union member");
                        if (t->kind == AIDL_DECL_UNION && m->type->nullable)
                                check_fixed_unsupported(v, m->type, "as a @nullable union member");
                        else if (m->type->nullable)
                                check_holder(v, m->type, "@nullable");
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
