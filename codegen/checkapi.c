/* SPDX-License-Identifier: Apache-2.0 */
/* aidl_check_api(): is a new API dump compatible with an old one? (api.h) */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "canon.h"
#include "map.h"
#include "parser.h"
#include "resolver.h"

typedef struct checker {
        struct aidl_arena *a;
        aidl_diags *d;
        aidl_map *new_types; /* qualified name -> new declaration */
} checker;

static void index_types(aidl_map *m, aidl_decl *list)
{
        for (aidl_decl *d = list; d; d = d->next) {
                if (!aidl_decl_is_type(d))
                        continue;
                aidl_map_put_str(m, d->qualified, d);
                index_types(m, d->members);
        }
}

static const char *kind_name(aidl_decl_kind k)
{
        switch (k) {
        case AIDL_DECL_INTERFACE:
                return "interface";
        case AIDL_DECL_PARCELABLE:
                return "parcelable";
        case AIDL_DECL_ENUM:
                return "enum";
        case AIDL_DECL_UNION:
                return "union";
        default:
                return "member";
        }
}

static aidl_decl *nth_member(const aidl_decl *t, aidl_decl_kind kind, int index)
{
        for (aidl_decl *m = t->members; m; m = m->next)
                if (m->kind == kind && m->index == index)
                        return m;
        return NULL;
}

static aidl_decl *named_member(const aidl_decl *t, aidl_decl_kind kind, const char *name)
{
        for (aidl_decl *m = t->members; m; m = m->next)
                if (m->kind == kind && strcmp(m->name, name) == 0)
                        return m;
        return NULL;
}

static bool differ(checker *c, const aidl_type *x, const aidl_type *y, char **sx, char **sy)
{
        *sx = aidl_canon_type(c->a, x);
        *sy = aidl_canon_type(c->a, y);
        return strcmp(*sx, *sy) != 0;
}

static void compare_method(checker *c, const aidl_decl *ot, const aidl_decl *om,
                           const aidl_decl *nt, const aidl_decl *nm)
{
        char *x, *y;
        const char *q = nt->qualified;
        if (differ(c, om->ret, nm->ret, &x, &y))
                aidl_error(c->d, &nm->loc,
                           "return type of method '%s.%s' changed from '%s' to '%s'", q, nm->name,
                           x, y);
        if ((om->oneway || ot->oneway) != (nm->oneway || nt->oneway))
                aidl_error(c->d, &nm->loc, "method '%s.%s' changed %s oneway", q, nm->name,
                           nm->oneway || nt->oneway ? "to" : "from");
        const aidl_arg *oa = om->args, *na = nm->args;
        for (; oa && na; oa = oa->next, na = na->next) {
                const char *od = aidl_canon_direction(oa->dir), *nd = aidl_canon_direction(na->dir);
                if (differ(c, oa->type, na->type, &x, &y) || strcmp(od, nd) != 0)
                        aidl_error(c->d, &na->loc,
                                   "argument %d of method '%s.%s' changed from '%s %s' to '%s %s'",
                                   na->index + 1, q, nm->name, od, x, nd, y);
        }
        if (oa || na)
                aidl_error(c->d, &nm->loc, "number of arguments of method '%s.%s' changed", q,
                           nm->name);
}

/* A field or constant that stays: same type, same value (or default). */
static void compare_typed(checker *c, const char *what, const char *value_what, const aidl_decl *o,
                          const aidl_decl *nt, const aidl_decl *n)
{
        char *x, *y;
        if (differ(c, o->type, n->type, &x, &y))
                aidl_error(c->d, &n->loc, "type of %s '%s.%s' changed from '%s' to '%s'", what,
                           nt->qualified, n->name, x, y);
        x = aidl_canon_expr(c->a, o->value);
        y = aidl_canon_expr(c->a, n->value);
        if (strcmp(x, y) != 0)
                aidl_error(c->d, &n->loc, "%s of %s '%s.%s' changed from '%s' to '%s'", value_what,
                           what, nt->qualified, n->name, *x ? x : "none", *y ? y : "none");
}

/* Methods of an interface or fields of a parcelable/union: the old ones must
 * stay, in the same order, at the same positions. */
static void compare_ordered(checker *c, const aidl_decl *ot, const aidl_decl *nt,
                            aidl_decl_kind kind)
{
        const char *what = kind == AIDL_DECL_METHOD ? "method" : "field";
        for (const aidl_decl *om = ot->members; om; om = om->next) {
                if (om->kind != kind)
                        continue;
                const aidl_decl *nm = nth_member(nt, kind, om->index);
                if (!nm || strcmp(nm->name, om->name) != 0) {
                        const aidl_decl *moved = named_member(nt, kind, om->name);
                        if (moved)
                                aidl_error(c->d, &moved->loc,
                                           "%s '%s.%s' was reordered (position %d, was %d)", what,
                                           nt->qualified, om->name, moved->index + 1,
                                           om->index + 1);
                        else
                                aidl_error(c->d, &om->loc, "%s '%s.%s' was removed", what,
                                           ot->qualified, om->name);
                        continue;
                }
                if (kind == AIDL_DECL_METHOD)
                        compare_method(c, ot, om, nt, nm);
                else
                        compare_typed(c, "field", "default value", om, nt, nm);
        }
}

/* A @FixedSize parcelable or union has its size in the ABI: nothing is added. */
static void compare_fixed_size(checker *c, const aidl_decl *ot, const aidl_decl *nt)
{
        if (!aidl_annotation_find(ot->annotations, "FixedSize"))
                return;
        if (!aidl_annotation_find(nt->annotations, "FixedSize"))
                aidl_error(c->d, &nt->loc, "%s '%s' is no longer @FixedSize", kind_name(nt->kind),
                           nt->qualified);
        for (const aidl_decl *nm = nt->members; nm; nm = nm->next)
                if (nm->kind == AIDL_DECL_FIELD && !named_member(ot, AIDL_DECL_FIELD, nm->name))
                        aidl_error(c->d, &nm->loc,
                                   "field '%s.%s' was added to @FixedSize %s '%s' (its size "
                                   "would change)",
                                   nt->qualified, nm->name, kind_name(nt->kind), nt->qualified);
}

static void compare_enum(checker *c, const aidl_decl *ot, const aidl_decl *nt)
{
        const aidl_annotation *ob = aidl_annotation_find(ot->annotations, "Backing");
        const aidl_annotation *nb = aidl_annotation_find(nt->annotations, "Backing");
        const char *x = ob && ob->backing_type ? ob->backing_type : "byte";
        const char *y = nb && nb->backing_type ? nb->backing_type : "byte";
        if (strcmp(x, y) != 0)
                aidl_error(c->d, &nt->loc, "backing type of enum '%s' changed from %s to %s",
                           nt->qualified, x, y);
        for (const aidl_decl *oe = ot->members; oe; oe = oe->next) {
                if (oe->kind != AIDL_DECL_ENUMERATOR)
                        continue;
                const aidl_decl *ne = named_member(nt, AIDL_DECL_ENUMERATOR, oe->name);
                if (!ne) {
                        aidl_error(c->d, &oe->loc, "enumerator '%s.%s' was removed", ot->qualified,
                                   oe->name);
                        continue;
                }
                char *ov = aidl_canon_expr(c->a, oe->value), *nv = aidl_canon_expr(c->a, ne->value);
                if (strcmp(ov, nv) != 0)
                        aidl_error(c->d, &ne->loc, "enumerator '%s.%s' renumbered from %s to %s",
                                   nt->qualified, ne->name, ov, nv);
        }
}

static void compare_consts(checker *c, const aidl_decl *ot, const aidl_decl *nt)
{
        for (const aidl_decl *oc = ot->members; oc; oc = oc->next) {
                if (oc->kind != AIDL_DECL_CONST)
                        continue;
                const aidl_decl *nc = named_member(nt, AIDL_DECL_CONST, oc->name);
                if (!nc) {
                        aidl_error(c->d, &oc->loc, "constant '%s.%s' was removed", ot->qualified,
                                   oc->name);
                        continue;
                }
                compare_typed(c, "constant", "value", oc, nt, nc);
        }
}

static void compare_types(checker *c, const aidl_decl *list)
{
        for (const aidl_decl *ot = list; ot; ot = ot->next) {
                if (!aidl_decl_is_type(ot))
                        continue;
                const aidl_decl *nt = aidl_map_get_str(c->new_types, ot->qualified);
                if (!nt) {
                        aidl_error(c->d, &ot->loc, "%s '%s' was removed", kind_name(ot->kind),
                                   ot->qualified);
                        continue;
                }
                if (nt->kind != ot->kind) {
                        aidl_error(c->d, &nt->loc, "'%s' changed from %s to %s", nt->qualified,
                                   kind_name(ot->kind), kind_name(nt->kind));
                        continue;
                }
                if (ot->kind == AIDL_DECL_INTERFACE) {
                        if (ot->oneway != nt->oneway)
                                aidl_error(c->d, &nt->loc, "interface '%s' changed %s oneway",
                                           nt->qualified, nt->oneway ? "to" : "from");
                        compare_ordered(c, ot, nt, AIDL_DECL_METHOD);
                } else if (ot->kind == AIDL_DECL_ENUM) {
                        compare_enum(c, ot, nt);
                } else {
                        compare_ordered(c, ot, nt, AIDL_DECL_FIELD);
                        compare_fixed_size(c, ot, nt);
                }
                compare_consts(c, ot, nt);
                compare_types(c, ot->members);
        }
}

int aidl_check_api(const char *old_path, const char *old_text, size_t old_len, const char *new_path,
                   const char *new_text, size_t new_len, aidl_diags *d)
{
        aidl_program *po = aidl_program_new(), *pn = aidl_program_new();
        size_t errors = aidl_diags_errors(d);
        int r = 0;
        if (aidl_parse_text(po, old_path, old_text, old_len, AIDL_PARSE_MULTI_PACKAGE, d, NULL) <
                0 ||
            aidl_parse_text(pn, new_path, new_text, new_len, AIDL_PARSE_MULTI_PACKAGE, d, NULL) <
                0) {
                r = -EINVAL;
        } else {
                checker c = {.a = pn->arena, .d = d, .new_types = aidl_map_new(pn->arena)};
                aidl_resolve_names(po);
                aidl_resolve_names(pn);
                for (aidl_file *f = pn->files; f; f = f->next)
                        index_types(c.new_types, f->types);
                for (aidl_file *f = po->files; f; f = f->next)
                        compare_types(&c, f->types);
                if (aidl_diags_errors(d) > errors)
                        r = -EINVAL;
        }
        aidl_program_free(po);
        aidl_program_free(pn);
        return r;
}
