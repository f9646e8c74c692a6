/* SPDX-License-Identifier: Apache-2.0 */
/* The AIDL parser (see parser.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "parser.h"

typedef struct parser {
        aidl_program *prog;
        struct aidl_arena *a;
        aidl_diags *d;
        const char *path;
        aidl_token *toks;
        size_t n, pos;
        int depth;
        bool failed;
} parser;

static const char *const keywords[] = {
    "package", "import", "interface", "parcelable", "enum",   "union",   "oneway",
    "const",   "in",     "out",       "inout",      "void",   "boolean", "byte",
    "char",    "int",    "long",      "float",      "double", "true",    "false",
};

static const struct {
        const char *name;
        aidl_prim prim;
} prims[] = {
    {"void", AIDL_VOID},   {"boolean", AIDL_BOOLEAN}, {"byte", AIDL_BYTE},
    {"char", AIDL_CHAR},   {"int", AIDL_INT},         {"long", AIDL_LONG},
    {"float", AIDL_FLOAT}, {"double", AIDL_DOUBLE},   {"String", AIDL_STRING},
};

/* ---- tokens ---- */

static aidl_token *cur(parser *ps)
{
        return &ps->toks[ps->pos];
}

static aidl_token *ahead(parser *ps, size_t k)
{
        return ps->pos + k < ps->n ? &ps->toks[ps->pos + k] : &ps->toks[ps->n - 1];
}

static void next(parser *ps)
{
        if (ps->pos + 1 < ps->n)
                ps->pos++;
}

static bool is_word(parser *ps, const char *w)
{
        return aidl_tok_is_word(cur(ps), w);
}

static bool is_punct(parser *ps, int p)
{
        return aidl_tok_is(cur(ps), p);
}

static bool accept(parser *ps, int p)
{
        if (!is_punct(ps, p))
                return false;
        next(ps);
        return true;
}

static bool accept_word(parser *ps, const char *w)
{
        if (!is_word(ps, w))
                return false;
        next(ps);
        return true;
}

static void syntax_error(parser *ps, const char *expected)
{
        aidl_token *t = cur(ps);
        if (!ps->failed && t->kind != AIDL_TOK_ERROR)
                aidl_error(ps->d, &t->loc, "expected %s, found %s", expected,
                           aidl_tok_describe(ps->a, t));
        ps->failed = true;
}

static void error_at(parser *ps, const aidl_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error_at(parser *ps, const aidl_loc *loc, const char *fmt, ...)
{
        if (!ps->failed) {
                va_list ap;
                char *msg = NULL;
                va_start(ap, fmt);
                if (vasprintf(&msg, fmt, ap) >= 0)
                        aidl_error(ps->d, loc, "%s", msg);
                va_end(ap);
                free(msg);
        }
        ps->failed = true;
}

static bool expect(parser *ps, int p, const char *what)
{
        if (ps->failed)
                return false;
        if (aidl_tok_is(cur(ps), AIDL_P_SHR) && p == '>') {
                /* the first half of '>>' closing nested type arguments */
                aidl_token *t = cur(ps);
                t->punct = '>';
                t->start++;
                t->len--;
                t->loc.col++;
                return true;
        }
        if (accept(ps, p))
                return true;
        syntax_error(ps, what);
        return false;
}

static bool enter(parser *ps)
{
        if (ps->failed)
                return false;
        if (++ps->depth > AIDL_PARSE_MAX_DEPTH) {
                error_at(ps, &cur(ps)->loc, "nesting too deep");
                return false;
        }
        return true;
}

static void leave(parser *ps)
{
        ps->depth--;
}

static bool is_keyword(const char *s)
{
        for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
                if (strcmp(s, keywords[i]) == 0)
                        return true;
        return false;
}

static char *expect_ident(parser *ps, const char *what, aidl_loc *loc)
{
        aidl_token *t = cur(ps);
        if (ps->failed)
                return NULL;
        if (t->kind != AIDL_TOK_IDENT || is_keyword(t->str)) {
                syntax_error(ps, what);
                return NULL;
        }
        if (loc)
                *loc = t->loc;
        next(ps);
        return t->str;
}

/* ident ('.' ident)* */
static char *parse_qname(parser *ps, const char *what, aidl_loc *loc)
{
        char *name = expect_ident(ps, what, loc);
        while (name && is_punct(ps, '.') && ahead(ps, 1)->kind == AIDL_TOK_IDENT) {
                next(ps);
                char *part = expect_ident(ps, "identifier", NULL);
                if (!part)
                        return NULL;
                name = aidl_arena_printf(ps->a, "%s.%s", name, part);
        }
        return name;
}

/* ---- annotations and types ---- */

static aidl_annotation *parse_annotations(parser *ps, aidl_annotation *list)
{
        aidl_annotation **tail = &list;
        while (*tail)
                tail = &(*tail)->next;
        while (!ps->failed && is_punct(ps, '@')) {
                aidl_annotation *an = aidl_arena_alloc(ps->a, sizeof(*an));
                an->loc = cur(ps)->loc;
                next(ps);
                an->name = expect_ident(ps, "annotation name", NULL);
                if (!an->name)
                        return list;
                if (is_punct(ps, '(')) {
                        const char *begin = cur(ps)->start + 1;
                        int level = 0;
                        do {
                                aidl_token *t = cur(ps);
                                if (t->kind == AIDL_TOK_EOF || t->kind == AIDL_TOK_ERROR) {
                                        syntax_error(ps, "')'");
                                        return list;
                                }
                                if (aidl_tok_is(t, '('))
                                        level++;
                                else if (aidl_tok_is(t, ')'))
                                        level--;
                                if (aidl_tok_is_word(t, "type") && aidl_tok_is(ahead(ps, 1), '=') &&
                                    ahead(ps, 2)->kind == AIDL_TOK_STRING)
                                        an->backing_type = ahead(ps, 2)->str;
                                if (level == 0)
                                        an->params = aidl_arena_strndup(ps->a, begin,
                                                                        (size_t)(t->start - begin));
                                next(ps);
                        } while (level > 0);
                }
                *tail = an;
                tail = &an->next;
        }
        return list;
}

static aidl_expr *parse_expr(parser *ps);

static aidl_type *parse_type(parser *ps, aidl_annotation *annots, bool allow_void)
{
        if (!enter(ps))
                return NULL;
        aidl_type *t = aidl_arena_alloc(ps->a, sizeof(*t));
        aidl_token *tk = cur(ps);
        t->loc = tk->loc;
        t->annotations = annots;
        t->nullable = aidl_annotation_find(annots, "nullable") != NULL;
        t->utf8 = aidl_annotation_find(annots, "utf8InCpp") != NULL;
        t->kind = AIDL_TYPE_NAMED;
        for (size_t i = 0; tk->kind == AIDL_TOK_IDENT && i < sizeof(prims) / sizeof(prims[0]);
             i++) {
                if (strcmp(tk->str, prims[i].name) == 0) {
                        t->kind = AIDL_TYPE_PRIM;
                        t->prim = prims[i].prim;
                        next(ps);
                }
        }
        if (t->kind == AIDL_TYPE_PRIM && t->prim == AIDL_VOID && !allow_void) {
                error_at(ps, &t->loc, "'void' is only allowed as a return type");
        } else if (t->kind == AIDL_TYPE_PRIM) {
                /* done */
        } else if (accept_word(ps, "List")) {
                t->kind = AIDL_TYPE_LIST;
                if (!is_punct(ps, '<'))
                        error_at(ps, &t->loc, "List needs a type argument: List<T>");
                else if (expect(ps, '<', "'<'") &&
                         (t->elem = parse_type(ps, parse_annotations(ps, NULL), false)))
                        expect(ps, '>', "'>'");
        } else {
                t->name = parse_qname(ps, "type", NULL);
                /* Generic<A, B>: the arguments of a generic parcelable */
                if (t->name && accept(ps, '<')) {
                        aidl_type **tail = &t->targs;
                        do {
                                *tail = parse_type(ps, parse_annotations(ps, NULL), false);
                                if (!*tail)
                                        break;
                                t->n_targs++;
                                tail = &(*tail)->next_targ;
                        } while (accept(ps, ','));
                        expect(ps, '>', "',' or '>'");
                }
        }
        /* T[N][M] is an array of N arrays of M: the first dimension is the
         * outermost, so the levels are built from the last one inwards. */
        aidl_expr *sizes[8];
        int dims = 0;
        while (!ps->failed && is_punct(ps, '[')) {
                if (dims == 8) {
                        error_at(ps, &cur(ps)->loc, "too many array dimensions");
                        break;
                }
                next(ps);
                sizes[dims] = is_punct(ps, ']') ? NULL : parse_expr(ps);
                if (ps->failed || !expect(ps, ']', "']'"))
                        break;
                dims++;
        }
        while (!ps->failed && dims-- > 0) {
                aidl_type *arr = aidl_arena_alloc(ps->a, sizeof(*arr));
                *arr = *t;
                arr->kind = AIDL_TYPE_ARRAY;
                arr->elem = t;
                arr->name = NULL;
                arr->size = sizes[dims];
                arr->fixed_size = -1;
                t->annotations = NULL;
                t->nullable = false;
                t = arr;
        }
        leave(ps);
        return ps->failed ? NULL : t;
}

/* ---- constant expressions ---- */

static aidl_expr *parse_expr(parser *ps);

static aidl_expr *new_expr(parser *ps, aidl_expr_kind kind, const aidl_loc *loc)
{
        aidl_expr *e = aidl_arena_alloc(ps->a, sizeof(*e));
        e->kind = kind;
        e->loc = *loc;
        return e;
}

static aidl_expr *parse_primary(parser *ps)
{
        aidl_token *t = cur(ps);
        aidl_expr *e;
        switch (t->kind) {
        case AIDL_TOK_INT:
                e = new_expr(ps, AIDL_EXPR_INT, &t->loc);
                e->ival = (int64_t)t->ival;
                e->is_long = t->is_long;
                e->text = t->str;
                next(ps);
                return e;
        case AIDL_TOK_FLOAT:
                e = new_expr(ps, AIDL_EXPR_FLOAT, &t->loc);
                e->fval = t->fval;
                e->text = t->str;
                next(ps);
                return e;
        case AIDL_TOK_CHAR:
                e = new_expr(ps, AIDL_EXPR_CHAR, &t->loc);
                e->ival = (int64_t)t->ival;
                e->text = t->str;
                next(ps);
                return e;
        case AIDL_TOK_STRING:
                e = new_expr(ps, AIDL_EXPR_STRING, &t->loc);
                e->text = t->str;
                next(ps);
                return e;
        case AIDL_TOK_IDENT:
                if (aidl_tok_is_word(t, "true") || aidl_tok_is_word(t, "false")) {
                        e = new_expr(ps, AIDL_EXPR_BOOL, &t->loc);
                        e->ival = aidl_tok_is_word(t, "true");
                        e->text = t->str;
                        next(ps);
                        return e;
                }
                e = new_expr(ps, AIDL_EXPR_NAME, &t->loc);
                e->text = parse_qname(ps, "constant expression", NULL);
                return e->text ? e : NULL;
        default:
                break;
        }
        if (accept(ps, '(')) {
                e = parse_expr(ps);
                return e && expect(ps, ')', "')'") ? e : NULL;
        }
        if (accept(ps, '{')) {
                e = new_expr(ps, AIDL_EXPR_ARRAY, &t->loc);
                aidl_expr **tail = &e->a;
                while (!ps->failed && !is_punct(ps, '}')) {
                        *tail = parse_expr(ps);
                        if (!*tail)
                                return NULL;
                        tail = &(*tail)->next;
                        if (!accept(ps, ','))
                                break;
                }
                return expect(ps, '}', "',' or '}'") ? e : NULL;
        }
        syntax_error(ps, "constant expression");
        return NULL;
}

static aidl_expr *parse_unary(parser *ps)
{
        static const struct {
                int punct;
                aidl_op op;
        } unary_ops[] = {
            {'-', AIDL_OP_NEG}, {'+', AIDL_OP_PLUS}, {'~', AIDL_OP_NOT}, {'!', AIDL_OP_LNOT}};
        for (size_t i = 0; i < sizeof(unary_ops) / sizeof(unary_ops[0]); i++) {
                if (!is_punct(ps, unary_ops[i].punct))
                        continue;
                aidl_expr *e = new_expr(ps, AIDL_EXPR_UNARY, &cur(ps)->loc);
                e->op = unary_ops[i].op;
                next(ps);
                if (!enter(ps))
                        return NULL;
                e->a = parse_unary(ps);
                leave(ps);
                return e->a ? e : NULL;
        }
        return parse_primary(ps);
}

static const struct {
        int level;
        int punct;
        aidl_op op;
} binary_ops[] = {
    {0, AIDL_P_LOR, AIDL_OP_LOR}, {1, AIDL_P_LAND, AIDL_OP_LAND}, {2, '|', AIDL_OP_OR},
    {3, '^', AIDL_OP_XOR},        {4, '&', AIDL_OP_AND},          {5, AIDL_P_EQ, AIDL_OP_EQ},
    {5, AIDL_P_NE, AIDL_OP_NE},   {6, '<', AIDL_OP_LT},           {6, '>', AIDL_OP_GT},
    {6, AIDL_P_LE, AIDL_OP_LE},   {6, AIDL_P_GE, AIDL_OP_GE},     {7, AIDL_P_SHL, AIDL_OP_SHL},
    {7, AIDL_P_SHR, AIDL_OP_SHR}, {8, '+', AIDL_OP_ADD},          {8, '-', AIDL_OP_SUB},
    {9, '*', AIDL_OP_MUL},        {9, '/', AIDL_OP_DIV},          {9, '%', AIDL_OP_MOD},
};
#define BINARY_LEVELS 10

static aidl_expr *parse_binary(parser *ps, int level)
{
        if (level == BINARY_LEVELS)
                return parse_unary(ps);
        aidl_expr *left = parse_binary(ps, level + 1);
        while (left && !ps->failed) {
                aidl_op op = 0;
                for (size_t i = 0; i < sizeof(binary_ops) / sizeof(binary_ops[0]); i++)
                        if (binary_ops[i].level == level && is_punct(ps, binary_ops[i].punct))
                                op = binary_ops[i].op;
                if (!op)
                        break;
                /* a long chain of operators is a deep tree: count each node
                 * (parse_expr restores the depth) */
                if (!enter(ps))
                        return NULL;
                aidl_expr *e = new_expr(ps, AIDL_EXPR_BINARY, &cur(ps)->loc);
                e->op = op;
                next(ps);
                e->a = left;
                e->b = parse_binary(ps, level + 1);
                left = e->b ? e : NULL;
        }
        return left;
}

static aidl_expr *parse_expr(parser *ps)
{
        int depth = ps->depth;
        if (!enter(ps))
                return NULL;
        aidl_expr *e = parse_binary(ps, 0);
        if (e && is_punct(ps, '?')) {
                aidl_expr *t = new_expr(ps, AIDL_EXPR_TERNARY, &cur(ps)->loc);
                next(ps);
                t->a = e;
                t->b = parse_expr(ps);
                if (t->b && expect(ps, ':', "':'"))
                        t->c = parse_expr(ps);
                e = t->c ? t : NULL;
        }
        ps->depth = depth;
        return ps->failed ? NULL : e;
}

/* ---- declarations ---- */

static aidl_decl *parse_type_decl(parser *ps, aidl_file *file, aidl_decl *parent, char *doc,
                                  aidl_annotation *annots);

static aidl_decl *new_decl(parser *ps, aidl_decl_kind kind, aidl_file *file, aidl_decl *parent,
                           char *doc, aidl_annotation *annots)
{
        aidl_decl *d = aidl_arena_alloc(ps->a, sizeof(*d));
        d->kind = kind;
        d->file = file;
        d->parent = parent;
        d->doc = doc;
        d->annotations = annots;
        d->loc = cur(ps)->loc;
        return d;
}

static bool is_direction(parser *ps)
{
        return is_word(ps, "in") || is_word(ps, "out") || is_word(ps, "inout");
}

static bool starts_type_decl(parser *ps)
{
        return is_word(ps, "interface") || is_word(ps, "parcelable") || is_word(ps, "enum") ||
               is_word(ps, "union") ||
               (is_word(ps, "oneway") && aidl_tok_is_word(ahead(ps, 1), "interface"));
}

static aidl_arg *parse_args(parser *ps)
{
        aidl_arg *args = NULL, **tail = &args;
        int index = 0;
        if (accept(ps, ')'))
                return NULL;
        while (!ps->failed) {
                aidl_arg *arg = aidl_arena_alloc(ps->a, sizeof(*arg));
                aidl_annotation *annots = parse_annotations(ps, NULL);
                if (accept_word(ps, "inout"))
                        arg->dir = AIDL_DIR_INOUT;
                else if (accept_word(ps, "out"))
                        arg->dir = AIDL_DIR_OUT;
                else if (accept_word(ps, "in"))
                        arg->dir = AIDL_DIR_IN;
                annots = parse_annotations(ps, annots);
                arg->type = parse_type(ps, annots, false);
                arg->name = expect_ident(ps, "argument name", &arg->loc);
                if (!arg->name)
                        break;
                arg->index = index++;
                *tail = arg;
                tail = &arg->next;
                if (accept(ps, ')'))
                        break;
                if (!expect(ps, ',', "',' or ')'"))
                        break;
        }
        return args;
}

static aidl_decl *parse_const(parser *ps, aidl_decl *d)
{
        d->kind = AIDL_DECL_CONST;
        d->annotations = parse_annotations(ps, d->annotations);
        d->type = parse_type(ps, d->annotations, false);
        d->name = expect_ident(ps, "constant name", &d->loc);
        if (expect(ps, '=', "'='"))
                d->value = parse_expr(ps);
        expect(ps, ';', "';'");
        return ps->failed ? NULL : d;
}

/* A member of an interface, parcelable or union (not an enum). */
static aidl_decl *parse_member(parser *ps, aidl_decl *owner, int *n_methods, int *n_fields)
{
        char *doc = cur(ps)->doc;
        aidl_annotation *annots = parse_annotations(ps, NULL);
        if (ps->failed)
                return NULL;
        if (starts_type_decl(ps))
                return parse_type_decl(ps, owner->file, owner, doc, annots);
        aidl_decl *d = new_decl(ps, AIDL_DECL_FIELD, owner->file, owner, doc, annots);
        if (accept_word(ps, "const"))
                return parse_const(ps, d);
        if (is_direction(ps)) {
                error_at(ps, &cur(ps)->loc, "direction '%s' is only allowed on method arguments",
                         cur(ps)->str);
                return NULL;
        }
        bool oneway = owner->kind == AIDL_DECL_INTERFACE && accept_word(ps, "oneway");
        aidl_type *type = parse_type(ps, annots, owner->kind == AIDL_DECL_INTERFACE);
        d->name = expect_ident(ps, "member name", &d->loc);
        if (ps->failed)
                return NULL;
        if (owner->kind == AIDL_DECL_INTERFACE) {
                if (!is_punct(ps, '(')) {
                        error_at(ps, &d->loc,
                                 "interface member '%s' must be a method or a constant", d->name);
                        return NULL;
                }
                next(ps);
                d->kind = AIDL_DECL_METHOD;
                d->oneway = oneway;
                d->ret = type;
                d->args = parse_args(ps);
                if (is_punct(ps, '=')) {
                        error_at(ps, &cur(ps)->loc, "explicit transaction codes are not supported");
                        return NULL;
                }
                d->index = (*n_methods)++;
        } else {
                if (is_punct(ps, '(')) {
                        error_at(ps, &d->loc, "methods are only allowed in interfaces (%s)",
                                 d->name);
                        return NULL;
                }
                d->type = type;
                if (accept(ps, '='))
                        d->value = parse_expr(ps);
                d->index = (*n_fields)++;
        }
        expect(ps, ';', "';'");
        return ps->failed ? NULL : d;
}

static void parse_enum_body(parser *ps, aidl_decl *en)
{
        aidl_decl **tail = &en->members;
        int index = 0;
        while (!ps->failed && !is_punct(ps, '}')) {
                char *doc = cur(ps)->doc;
                aidl_annotation *annots = parse_annotations(ps, NULL);
                aidl_decl *e = new_decl(ps, AIDL_DECL_ENUMERATOR, en->file, en, doc, annots);
                e->name = expect_ident(ps, "enumerator name", &e->loc);
                if (!e->name)
                        return;
                if (accept(ps, '='))
                        e->value = parse_expr(ps);
                e->index = index++;
                *tail = e;
                tail = &e->next;
                if (!accept(ps, ','))
                        break;
        }
}

/* '<' already read: T (',' U)* '>' of a generic parcelable's declaration. */
static void parse_type_params(parser *ps, aidl_decl *d)
{
        enum { MAX_PARAMS = 8 };
        char *names[MAX_PARAMS];
        int n = 0;
        do {
                aidl_loc loc;
                char *name = expect_ident(ps, "type parameter", &loc);
                if (!name)
                        return;
                if (n == MAX_PARAMS) {
                        error_at(ps, &loc, "too many type parameters");
                        return;
                }
                for (int i = 0; i < n; i++)
                        if (strcmp(names[i], name) == 0)
                                error_at(ps, &loc, "type parameter '%s' declared twice", name);
                names[n++] = name;
        } while (accept(ps, ','));
        if (!expect(ps, '>', "',' or '>'"))
                return;
        d->type_params = aidl_arena_alloc(ps->a, sizeof(char *) * (size_t)n);
        memcpy(d->type_params, names, sizeof(char *) * (size_t)n);
        d->n_type_params = n;
}

static aidl_decl *parse_type_decl(parser *ps, aidl_file *file, aidl_decl *parent, char *doc,
                                  aidl_annotation *annots)
{
        if (!enter(ps))
                return NULL;
        aidl_decl *d = new_decl(ps, AIDL_DECL_INTERFACE, file, parent, doc, annots);
        if (accept_word(ps, "oneway")) {
                d->oneway = true;
                if (!is_word(ps, "interface"))
                        syntax_error(ps, "'interface' after 'oneway'");
        }
        if (accept_word(ps, "interface"))
                d->kind = AIDL_DECL_INTERFACE;
        else if (accept_word(ps, "parcelable"))
                d->kind = AIDL_DECL_PARCELABLE;
        else if (accept_word(ps, "enum"))
                d->kind = AIDL_DECL_ENUM;
        else if (accept_word(ps, "union"))
                d->kind = AIDL_DECL_UNION;
        else
                syntax_error(ps, "'interface', 'parcelable', 'enum' or 'union'");
        d->name = expect_ident(ps, "type name", &d->loc);
        if (d->name && d->kind == AIDL_DECL_PARCELABLE && accept(ps, '<'))
                parse_type_params(ps, d);
        if (d->name && d->kind == AIDL_DECL_PARCELABLE && is_punct(ps, ';'))
                error_at(ps, &d->loc, "unstructured parcelable '%s' is not supported", d->name);
        if (!expect(ps, '{', "'{'")) {
                leave(ps);
                return NULL;
        }
        if (d->kind == AIDL_DECL_ENUM) {
                parse_enum_body(ps, d);
        } else {
                aidl_decl **tail = &d->members;
                int n_methods = 0, n_fields = 0;
                while (!ps->failed && !is_punct(ps, '}') && cur(ps)->kind != AIDL_TOK_EOF) {
                        aidl_decl *m = parse_member(ps, d, &n_methods, &n_fields);
                        if (!m)
                                break;
                        *tail = m;
                        tail = &m->next;
                }
        }
        expect(ps, '}', d->kind == AIDL_DECL_ENUM ? "',' or '}'" : "'}'");
        leave(ps);
        return ps->failed ? NULL : d;
}

/* ---- files ---- */

static aidl_file *new_file(parser *ps)
{
        aidl_file *f = aidl_arena_alloc(ps->a, sizeof(*f));
        f->path = (char *)ps->path;
        return f;
}

static bool parse_package(parser *ps, aidl_file *f)
{
        if (!accept_word(ps, "package")) {
                syntax_error(ps, "'package'");
                return false;
        }
        f->package = parse_qname(ps, "package name", &f->package_loc);
        return expect(ps, ';', "';'");
}

static void parse_imports(parser *ps, aidl_file *f)
{
        aidl_import **tail = &f->imports;
        while (!ps->failed && accept_word(ps, "import")) {
                aidl_import *im = aidl_arena_alloc(ps->a, sizeof(*im));
                im->name = parse_qname(ps, "import name", &im->loc);
                if (!expect(ps, ';', "';'"))
                        return;
                *tail = im;
                tail = &im->next;
        }
}

/* Parses files until EOF; returns them chained through `next`. */
static aidl_file *parse_files(parser *ps, unsigned flags)
{
        aidl_file *first = new_file(ps), *f = first;
        if (!parse_package(ps, f))
                return NULL;
        parse_imports(ps, f);
        aidl_decl **tail = &f->types;
        while (!ps->failed && cur(ps)->kind != AIDL_TOK_EOF) {
                if ((flags & AIDL_PARSE_MULTI_PACKAGE) && is_word(ps, "package") && f->types) {
                        f->next = new_file(ps);
                        f = f->next;
                        if (!parse_package(ps, f))
                                return NULL;
                        parse_imports(ps, f);
                        tail = &f->types;
                        continue;
                }
                char *doc = cur(ps)->doc;
                aidl_annotation *annots = parse_annotations(ps, NULL);
                aidl_decl *d = parse_type_decl(ps, f, NULL, doc, annots);
                if (!d)
                        break;
                *tail = d;
                tail = &d->next;
        }
        if (!ps->failed && !f->types)
                syntax_error(ps, "a type declaration");
        return ps->failed ? NULL : first;
}

/* Lexes the whole text; stops after the first lexical error. */
static int tokenize(parser *ps, const char *text, size_t len)
{
        aidl_lexer lx;
        size_t cap = 64;
        aidl_lexer_init(&lx, ps->a, ps->d, ps->path, text, len);
        ps->toks = malloc(cap * sizeof(*ps->toks));
        if (!ps->toks)
                return -ENOMEM;
        for (;;) {
                if (ps->n == cap) {
                        aidl_token *t = realloc(ps->toks, cap * 2 * sizeof(*t));
                        if (!t)
                                return -ENOMEM;
                        ps->toks = t;
                        cap *= 2;
                }
                aidl_token *t = &ps->toks[ps->n++];
                aidl_lexer_next(&lx, t);
                if (t->kind == AIDL_TOK_EOF || t->kind == AIDL_TOK_ERROR)
                        return 0;
        }
}

int aidl_parse_text(aidl_program *p, const char *path, const char *text, size_t len, unsigned flags,
                    aidl_diags *d, aidl_file **ret)
{
        parser ps = {.prog = p, .a = p->arena, .d = d};
        ps.path = aidl_arena_strdup(p->arena, path);
        if (ret)
                *ret = NULL;
        int r = tokenize(&ps, text, len);
        aidl_file *files = r < 0 ? NULL : parse_files(&ps, flags);
        free(ps.toks);
        if (r < 0)
                return r;
        if (!files)
                return -EINVAL;
        aidl_file **tail = &p->files;
        while (*tail)
                tail = &(*tail)->next;
        *tail = files;
        if (ret)
                *ret = files;
        return 0;
}

int aidl_parse_file(aidl_program *p, const char *path, const char *text, size_t len, aidl_diags *d,
                    aidl_file **ret)
{
        return aidl_parse_text(p, path, text, len, 0, d, ret);
}
