/* SPDX-License-Identifier: Apache-2.0 */
/* Name resolution and lazy loading of imports (see resolver.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "parser.h"
#include "resolver.h"

typedef struct resolver {
        aidl_program *p;
        struct aidl_arena *a;
        aidl_diags *d;
        const aidl_fileio *io;
        char **roots; /* normalized; "" for the current directory */
        size_t n_roots;
        aidl_map *types; /* qualified name -> aidl_decl */
        aidl_map *tried; /* path -> non-NULL once a load was attempted */
} resolver;

char *aidl_path_normalize(struct aidl_arena *a, const char *path)
{
        char *out = aidl_arena_strdup(a, path);
        const char *s = path;
        char *o = out;
        while (s[0] == '.' && s[1] == '/')
                for (s += 2; *s == '/'; s++)
                        ;
        for (; *s; s++) {
                if (*s == '/' && o > out && o[-1] == '/')
                        continue;
                if (*s == '/' && s[1] == '.' && s[2] == '/') {
                        s++; /* drop "/." */
                        continue;
                }
                *o++ = *s;
        }
        while (o > out + 1 && o[-1] == '/')
                o--;
        *o = '\0';
        if (strcmp(out, ".") == 0)
                out[0] = '\0';
        return out;
}

/* ---- names ---- */

static char *underscored(struct aidl_arena *a, const char *s)
{
        char *r = aidl_arena_strdup(a, s);
        for (char *c = r; *c; c++)
                if (*c == '.')
                        *c = '_';
        return r;
}

static void name_decl(struct aidl_arena *a, aidl_decl *d, const char *pkg)
{
        if (d->parent) {
                d->qualified = aidl_arena_printf(a, "%s.%s", d->parent->qualified, d->name);
                d->c_name = aidl_arena_printf(a, "%s_%s", d->parent->c_name, d->name);
        } else if (*pkg) {
                d->qualified = aidl_arena_printf(a, "%s.%s", pkg, d->name);
                d->c_name = aidl_arena_printf(a, "%s_%s", underscored(a, pkg), d->name);
        } else {
                d->qualified = aidl_arena_strdup(a, d->name);
                d->c_name = aidl_arena_strdup(a, d->name);
        }
}

static void name_decls(resolver *r, struct aidl_arena *a, aidl_decl *list, const char *pkg)
{
        for (aidl_decl *d = list; d; d = d->next) {
                if (!aidl_decl_is_type(d))
                        continue;
                name_decl(a, d, pkg);
                if (r) {
                        aidl_decl *prev = aidl_map_get_str(r->types, d->qualified);
                        if (prev)
                                aidl_error(r->d, &d->loc,
                                           "duplicate type '%s' (first declared at %s:%d:%d)",
                                           d->qualified, prev->loc.file, prev->loc.line,
                                           prev->loc.col);
                        else
                                aidl_map_put_str(r->types, d->qualified, d);
                }
                name_decls(r, a, d->members, pkg);
        }
}

void aidl_resolve_names(aidl_program *p)
{
        for (aidl_file *f = p->files; f; f = f->next)
                name_decls(NULL, p->arena, f->types, f->package ? f->package : "");
}

/* ---- files ---- */

/* Checks that the file's package matches its directory under a root that
 * holds it, and that its top-level types are named after the file. */
static void check_file_path(resolver *r, aidl_file *f)
{
        char *path = aidl_path_normalize(r->a, f->path);
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t base_len = strlen(base);
        if (base_len > 5 && strcmp(base + base_len - 5, ".aidl") == 0)
                base_len -= 5;
        for (aidl_decl *d = f->types; d; d = d->next)
                if (strlen(d->name) != base_len || strncmp(d->name, base, base_len) != 0)
                        aidl_error(r->d, &d->loc,
                                   "type '%s' must be declared in a file named %s.aidl", d->name,
                                   d->name);
        const char *expected = NULL;
        for (size_t i = 0; i < r->n_roots; i++) {
                size_t rl = strlen(r->roots[i]);
                const char *rel;
                if (rl == 0 && path[0] != '/')
                        rel = path;
                else if (rl > 0 && strncmp(path, r->roots[i], rl) == 0 &&
                         (path[rl] == '/' || r->roots[i][rl - 1] == '/'))
                        rel = path + rl + (path[rl] == '/');
                else
                        continue;
                char *pkg =
                    aidl_arena_strndup(r->a, rel, (size_t)(base - path) - (size_t)(rel - path));
                size_t n = strlen(pkg);
                if (n > 0 && pkg[n - 1] == '/')
                        pkg[n - 1] = '\0';
                for (char *c = pkg; *c; c++)
                        if (*c == '/')
                                *c = '.';
                if (strcmp(pkg, f->package) == 0)
                        return;
                if (!expected)
                        expected = pkg;
        }
        if (expected)
                aidl_error(r->d, &f->package_loc,
                           "package '%s' does not match the path '%s' (expected package '%s')",
                           f->package, f->path, expected);
}

static void register_file(resolver *r, aidl_file *f)
{
        check_file_path(r, f);
        name_decls(r, r->a, f->types, f->package);
}

static aidl_file *load_file(resolver *r, const char *path)
{
        if (aidl_map_get_str(r->tried, path))
                return NULL;
        aidl_map_put_str(r->tried, path, (void *)path);
        char *text = NULL;
        size_t len = 0;
        int e = r->io->ops->read(r->io->userdata, path, &text, &len);
        if (e < 0) {
                if (e != -ENOENT && e != -ENOTDIR)
                        aidl_error(r->d, &(aidl_loc){.file = path}, "cannot read: %s",
                                   strerror(-e));
                return NULL;
        }
        aidl_file *f = NULL;
        aidl_parse_file(r->p, path, text, len, r->d, &f);
        free(text);
        if (f) {
                f->from_import = true;
                register_file(r, f);
        }
        return f;
}

/* The type with this qualified name, loading ROOT/a/b/C.aidl for "a.b.C" (or
 * for "a.b.C.Inner") when it is not known yet. */
static aidl_decl *load_type(resolver *r, const char *qname)
{
        aidl_decl *d = aidl_map_get_str(r->types, qname);
        if (d)
                return d;
        char *rel = aidl_arena_strdup(r->a, qname);
        for (char *c = rel; *c; c++)
                if (*c == '.')
                        *c = '/';
        for (;;) {
                for (size_t i = 0; i < r->n_roots; i++) {
                        const char *root = r->roots[i];
                        char *path =
                            aidl_arena_printf(r->a, "%s%s%s.aidl", root, *root ? "/" : "", rel);
                        if (load_file(r, path) && (d = aidl_map_get_str(r->types, qname)))
                                return d;
                }
                char *slash = strrchr(rel, '/');
                if (!slash)
                        return NULL;
                *slash = '\0';
        }
}

/* ---- lookups ---- */

static aidl_decl *find_member(const aidl_decl *t, const char *name, size_t len, bool types)
{
        for (aidl_decl *m = t ? t->members : NULL; m; m = m->next) {
                bool is_type = aidl_decl_is_type(m);
                bool is_value = m->kind == AIDL_DECL_CONST || m->kind == AIDL_DECL_ENUMERATOR;
                if ((types ? is_type : is_value) && strlen(m->name) == len &&
                    strncmp(m->name, name, len) == 0)
                        return m;
        }
        return NULL;
}

/* Follows ".Inner.Deeper" (rest, possibly empty) through nested types. */
static aidl_decl *follow(aidl_decl *d, const char *rest)
{
        while (d && *rest == '.') {
                rest++;
                size_t n = strcspn(rest, ".");
                d = find_member(d, rest, n, true);
                rest += n;
        }
        return d;
}

static aidl_decl *lookup_type(resolver *r, aidl_decl *scope, aidl_file *f, const char *name)
{
        size_t first = strcspn(name, ".");
        const char *rest = name + first;
        aidl_decl *d;
        /* the enclosing types and their nested types */
        for (aidl_decl *s = scope; s; s = s->parent) {
                if (strlen(s->name) == first && strncmp(s->name, name, first) == 0 &&
                    (d = follow(s, rest)))
                        return d;
                if ((d = follow(find_member(s, name, first, true), rest)))
                        return d;
        }
        /* imports, by their last component */
        for (aidl_import *im = f->imports; im; im = im->next) {
                const char *last = strrchr(im->name, '.');
                last = last ? last + 1 : im->name;
                if (strlen(last) == first && strncmp(last, name, first) == 0 &&
                    (d = follow(im->resolved, rest)))
                        return d;
        }
        /* the same package */
        char *same = aidl_arena_printf(r->a, "%s.%.*s", f->package, (int)first, name);
        if ((d = follow(load_type(r, same), rest)))
                return d;
        /* fully qualified, possibly naming a nested type */
        char *q = aidl_arena_strdup(r->a, name);
        for (;;) {
                if ((d = follow(load_type(r, q), name + strlen(q))))
                        return d;
                char *dot = strrchr(q, '.');
                if (!dot)
                        return NULL;
                *dot = '\0';
        }
}

static aidl_decl *lookup_value(resolver *r, aidl_decl *scope, const char *name)
{
        const char *dot = strrchr(name, '.');
        if (!dot) {
                for (aidl_decl *s = scope; s; s = s->parent) {
                        aidl_decl *m = find_member(s, name, strlen(name), false);
                        if (m)
                                return m;
                }
                return NULL;
        }
        char *tname = aidl_arena_strndup(r->a, name, (size_t)(dot - name));
        aidl_decl *t = lookup_type(r, scope, scope->file, tname);
        return find_member(t, dot + 1, strlen(dot + 1), false);
}

static void resolve_expr(resolver *r, aidl_expr *e, aidl_decl *scope)
{
        for (; e; e = e->next) {
                if (e->kind == AIDL_EXPR_NAME) {
                        e->resolved = lookup_value(r, scope, e->text);
                        if (!e->resolved)
                                aidl_error(r->d, &e->loc, "unknown constant '%s'", e->text);
                }
                resolve_expr(r, e->a, scope);
                resolve_expr(r, e->b, scope);
                resolve_expr(r, e->c, scope);
        }
}

/* Why a built-in type of AIDL that aidlc does not map is refused, or NULL. */
static const char *builtin_refusal(const char *name)
{
        static const struct {
                const char *name, *why;
        } refused[] = {
            {"Map", "stable AIDL has no Map; use a parcelable of keys and values"},
            {"CharSequence", "stable AIDL has no CharSequence; use String"},
            {"FileDescriptor", "use ParcelFileDescriptor"},
        };
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
                if (strcmp(name, refused[i].name) == 0)
                        return refused[i].why;
        return NULL;
}

/* Whether `name` is a type parameter of the generic parcelable `scope`. */
static bool is_type_param(const aidl_decl *scope, const char *name)
{
        for (int i = 0; scope && i < scope->n_type_params; i++)
                if (strcmp(scope->type_params[i], name) == 0)
                        return true;
        return false;
}

static void resolve_type(resolver *r, aidl_type *t, aidl_decl *scope)
{
        for (; t; t = t->elem) {
                resolve_expr(r, t->size, scope);
                if (t->kind != AIDL_TYPE_NAMED)
                        continue;
                for (aidl_type *ta = t->targs; ta; ta = ta->next_targ)
                        resolve_type(r, ta, scope);
                t->type_param = is_type_param(scope, t->name);
                if (t->type_param)
                        continue;
                t->resolved = lookup_type(r, scope, scope->file, t->name);
                t->holder = !t->resolved && strcmp(t->name, "ParcelableHolder") == 0;
                t->pfd = !t->resolved && strcmp(t->name, "ParcelFileDescriptor") == 0;
                t->ibinder = !t->resolved && strcmp(t->name, "IBinder") == 0;
                if (t->pfd || t->ibinder)
                        continue;
                const char *why = t->resolved || t->holder ? NULL : builtin_refusal(t->name);
                if (why)
                        aidl_error(r->d, &t->loc, "'%s' is not supported: %s", t->name, why);
                else if (!t->resolved && !t->holder)
                        aidl_error(r->d, &t->loc, "unknown type '%s'", t->name);
        }
}

static void resolve_backing(resolver *r, aidl_decl *en)
{
        static const struct {
                const char *name;
                aidl_prim prim;
        } backings[] = {{"byte", AIDL_BYTE}, {"int", AIDL_INT}, {"long", AIDL_LONG}};
        const aidl_annotation *an = aidl_annotation_find(en->annotations, "Backing");
        en->backing = AIDL_BYTE;
        if (!an)
                return;
        for (size_t i = 0; an->backing_type && i < sizeof(backings) / sizeof(backings[0]); i++) {
                if (strcmp(an->backing_type, backings[i].name) == 0) {
                        en->backing = backings[i].prim;
                        return;
                }
        }
        aidl_error(r->d, &an->loc, "invalid @Backing type '%s' (byte, int or long)",
                   an->backing_type ? an->backing_type : "");
}

static void resolve_decls(resolver *r, aidl_decl *list)
{
        for (aidl_decl *d = list; d && !aidl_diags_full(r->d); d = d->next) {
                aidl_decl *scope = d->parent;
                switch (d->kind) {
                case AIDL_DECL_ENUM:
                        resolve_backing(r, d);
                        /* fall through */
                case AIDL_DECL_INTERFACE:
                case AIDL_DECL_PARCELABLE:
                case AIDL_DECL_UNION:
                        resolve_decls(r, d->members);
                        break;
                case AIDL_DECL_METHOD:
                        resolve_type(r, d->ret, scope);
                        for (aidl_arg *a = d->args; a; a = a->next)
                                resolve_type(r, a->type, scope);
                        break;
                case AIDL_DECL_CONST:
                case AIDL_DECL_FIELD:
                        resolve_type(r, d->type, scope);
                        /* fall through */
                case AIDL_DECL_ENUMERATOR:
                        resolve_expr(r, d->value, scope);
                        break;
                }
        }
}

/* ---- packages ---- */

static int package_cmp(const void *x, const void *y)
{
        const aidl_package *a = *(aidl_package *const *)x, *b = *(aidl_package *const *)y;
        return strcmp(a->name, b->name);
}

static void build_packages(resolver *r)
{
        aidl_map *by_name = aidl_map_new(r->a);
        size_t n = 0, n_files = 0;
        for (aidl_file *f = r->p->files; f; f = f->next)
                n_files++;
        aidl_package **all = aidl_arena_alloc(r->a, (n_files + 1) * sizeof(*all));
        for (aidl_file *f = r->p->files; f; f = f->next) {
                aidl_package *pkg = aidl_map_get_str(by_name, f->package);
                if (!pkg) {
                        pkg = aidl_arena_alloc(r->a, sizeof(*pkg));
                        pkg->name = f->package;
                        pkg->c_prefix = underscored(r->a, f->package);
                        pkg->files = aidl_arena_alloc(r->a, n_files * sizeof(*pkg->files));
                        aidl_map_put_str(by_name, f->package, pkg);
                        all[n++] = pkg;
                }
                pkg->files[pkg->n_files++] = f;
                if (!f->from_import)
                        pkg->emit = true;
        }
        qsort(all, n, sizeof(*all), package_cmp);
        r->p->packages = NULL;
        for (size_t i = n; i-- > 0;) {
                all[i]->next = r->p->packages;
                r->p->packages = all[i];
        }
}

int aidl_resolve(aidl_program *p, const char *const *roots, size_t n_roots, const aidl_fileio *io,
                 aidl_diags *d)
{
        resolver r = {.p = p, .a = p->arena, .d = d, .io = io, .n_roots = n_roots};
        size_t errors = aidl_diags_errors(d);
        r.types = aidl_map_new(r.a);
        r.tried = aidl_map_new(r.a);
        r.roots = aidl_arena_alloc(r.a, (n_roots + 1) * sizeof(*r.roots));
        for (size_t i = 0; i < n_roots; i++)
                r.roots[i] = aidl_path_normalize(r.a, roots[i]);
        for (aidl_file *f = p->files; f; f = f->next) {
                aidl_map_put_str(r.tried, aidl_path_normalize(r.a, f->path), f);
                aidl_map_put_str(r.tried, f->path, f);
                register_file(&r, f);
        }
        /* files loaded on the way are appended to the list and handled in turn */
        for (aidl_file *f = p->files; f && !aidl_diags_full(d); f = f->next) {
                for (aidl_import *im = f->imports; im; im = im->next) {
                        im->resolved = load_type(&r, im->name);
                        if (!im->resolved)
                                aidl_error(d, &im->loc, "cannot find import '%s'", im->name);
                }
                resolve_decls(&r, f->types);
        }
        build_packages(&r);
        return aidl_diags_errors(d) > errors ? -EINVAL : 0;
}
