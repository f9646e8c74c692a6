/* SPDX-License-Identifier: Apache-2.0 */
/* The parser: tables of sources and the trees or syntax errors they give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "parser.h"

static const char *const kind_names[] = {
    [AIDL_DECL_INTERFACE] = "interface",
    [AIDL_DECL_PARCELABLE] = "parcelable",
    [AIDL_DECL_ENUM] = "enum",
    [AIDL_DECL_UNION] = "union",
};

/* A compact description of a declaration list (see the tables). */
static void shape(FILE *f, struct aidl_arena *a, const aidl_decl *list)
{
        for (const aidl_decl *d = list; d; d = d->next) {
                for (const aidl_annotation *an = d->annotations; an; an = an->next)
                        if (aidl_decl_is_type(d))
                                fprintf(f, "@%s%s%s%s ", an->name, an->params ? "(" : "",
                                        an->params ? an->params : "", an->params ? ")" : "");
                if (aidl_decl_is_type(d)) {
                        fprintf(f, "%s%s %s{", d->oneway ? "oneway " : "", kind_names[d->kind],
                                d->name);
                        shape(f, a, d->members);
                        fputs("}", f);
                } else if (d->kind == AIDL_DECL_METHOD) {
                        fprintf(f, "M%d %s%s %s(", d->index, d->oneway ? "oneway " : "",
                                aidl_canon_type(a, d->ret), d->name);
                        for (const aidl_arg *g = d->args; g; g = g->next)
                                fprintf(f, "%s%s %s %s", g->index ? "," : "",
                                        g->dir == AIDL_DIR_NONE ? "-"
                                                                : aidl_canon_direction(g->dir),
                                        aidl_canon_type(a, g->type), g->name);
                        fputs(")", f);
                } else {
                        const char *tag = d->kind == AIDL_DECL_CONST   ? "K"
                                          : d->kind == AIDL_DECL_FIELD ? "F"
                                                                       : "E";
                        fprintf(f, "%s %s%s%s", tag, d->type ? aidl_canon_type(a, d->type) : "",
                                d->type ? " " : "", d->name);
                        if (d->value)
                                fprintf(f, "=%s", aidl_canon_expr(a, d->value));
                }
                fputs(d->next ? ";" : "", f);
        }
}

static char *shape_of(aidl_program *p, const aidl_file *file)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        fprintf(f, "%s|", file->package);
        for (const aidl_import *im = file->imports; im; im = im->next)
                fprintf(f, "%s|", im->name);
        shape(f, p->arena, file->types);
        fclose(f);
        return buf;
}

static const struct {
        const char *in;
        const char *shape;
} good[] = {
    {"package a; interface I { }", "a|interface I{}"},
    {"package a.b.c; import x.Y; import x.y.Z.W; oneway interface I { void f(); }",
     "a.b.c|x.Y|x.y.Z.W|oneway interface I{M0 void f()}"},
    {"package a; interface I { oneway void f(in int x, out P p, inout List<String> l, Q q); "
     "@nullable String g(); }",
     "a|interface I{M0 oneway void f(in int x,out P p,inout List<String> l,- Q q);"
     "M1 @nullable String g()}"},
    {"package a; interface I { void f(in @nullable String s, @nullable int[] v); }",
     "a|interface I{M0 void f(in @nullable String s,- @nullable int[] v)}"},
    {"package a; interface I { const int K = 1 + 2 * 3 - 4 << 1 | 2 & 3 ^ 4; }",
     "a|interface I{K int K=((((1 + (2 * 3)) - 4) << 1) | ((2 & 3) ^ 4))}"},
    {"package a; interface I { const boolean B = 1 < 2 && 3 >= 3 || !false ? true : false; }",
     "a|interface I{K boolean B=((((1 < 2) && (3 >= 3)) || !false) ? true : false)}"},
    {"package a; interface I { const long L = -~+0xffL; const int M = (1 == 2) != (3 <= 4) ? a.B.C "
     ": D; }",
     "a|interface I{K long L=-~+0xffL;K int M=(((1 == 2) != (3 <= 4)) ? a.B.C : D)}"},
    {"package a; interface I { const String S = \"x\" + \"y\\n\"; const char C = 'c'; "
     "const double D = 1.5e3 / 2 % 3; }",
     "a|interface I{K String S=(\"x\" + \"y\\n\");K char C='c';K double D=((1.5e3 / 2) % 3)}"},
    {"package a; interface I { const @utf8InCpp String S = \"s\"; @utf8InCpp const String T = "
     "\"t\"; }",
     "a|interface I{K @utf8InCpp String S=\"s\";K @utf8InCpp String T=\"t\"}"},
    {"package a; @VintfStability @JavaDerive(toString=true, equals=true) parcelable P { "
     "int a = 3; @nullable(heap=true) P next; List<List<String>> l; byte[] b = {1, 2, 3,}; }",
     "a|@VintfStability @JavaDerive(toString=true, equals=true) parcelable P{F int a=3;"
     "F @nullable P next;F List<List<String>> l;F byte[] b={1, 2, 3}}"},
    {"package a; @Backing(type=\"long\") enum E { A, B = A + 2, C, }",
     "a|@Backing(type=\"long\") enum E{E A;E B=(A + 2);E C}"},
    {"package a; union U { int i; String s = \"d\"; const int K = 1; }",
     "a|union U{F int i;F String s=\"d\";K int K=1}"},
    {"package a; interface I { parcelable P { enum E { X } const int K = 2; } "
     "union U { int u; } oneway interface J { void j(); } void f(in P.E e); }",
     "a|interface I{parcelable P{enum E{E X};K int K=2};union U{F int u};"
     "oneway interface J{M0 void j()};M0 void f(in P.E e)}"},
    {"package a; parcelable P { int[] a; String[] s; a.b.C c; List<a.b.C> l; }",
     "a|parcelable P{F int[] a;F String[] s;F a.b.C c;F List<a.b.C> l}"},
    {"package a; parcelable P { int[][] nested; }", "a|parcelable P{F int[][] nested}"},
    {"package a; interface I { void f(); void g(); int h(); }",
     "a|interface I{M0 void f();M1 void g();M2 int h()}"},
    {"// only a comment before\npackage a; /** doc */ interface I { // trailing\n }",
     "a|interface I{}"},
};

static void test_trees(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                aidl_program *p = aidl_program_new();
                aidl_diags *d = aidl_diags_new();
                aidl_file *f = NULL;
                int r = aidl_parse_file(p, "t.aidl", good[i].in, strlen(good[i].in), d, &f);
                if (r != 0) {
                        fprintf(stderr, "case %zu\n", i);
                        aidl_diags_print(d, stderr);
                }
                assert_int_equal(r, 0);
                assert_ptr_equal(p->files, f);
                char *s = shape_of(p, f);
                if (strcmp(s, good[i].shape) != 0)
                        fprintf(stderr, "case %zu: got\n%s\n", i, s);
                assert_string_equal(s, good[i].shape);
                free(s);
                aidl_diags_free(d);
                aidl_program_free(p);
        }
}

static void test_tree_details(void **state)
{
        (void)state;
        const char *text = "package a;\n"
                           "/**\n * The doc.\n */\n"
                           "@VintfStability\n"
                           "interface I {\n"
                           "    /** M doc. */ @nullable String m(in int x, in int y);\n"
                           "    const long L = 5L;\n"
                           "    /** Nested. */ enum E { A, /** B doc */ B }\n"
                           "}\n";
        aidl_program *p = aidl_program_new();
        aidl_diags *d = aidl_diags_new();
        aidl_file *f;
        assert_int_equal(aidl_parse_file(p, "dir/I.aidl", text, strlen(text), d, &f), 0);
        assert_string_equal(f->path, "dir/I.aidl");
        assert_int_equal(f->package_loc.line, 1);
        assert_int_equal(f->package_loc.col, 9);
        const aidl_decl *i = f->types;
        assert_string_equal(i->doc, "The doc.");
        assert_int_equal(i->loc.line, 6);
        assert_int_equal(i->loc.col, 11);
        assert_ptr_equal(i->file, f);
        const aidl_decl *m = i->members;
        assert_string_equal(m->doc, "M doc.");
        assert_true(m->ret->nullable);
        assert_int_equal(m->args->next->index, 1);
        assert_int_equal(m->args->next->loc.col, 55);
        const aidl_decl *l = m->next;
        assert_true(l->value->is_long);
        assert_int_equal(l->value->ival, 5);
        const aidl_decl *e = l->next;
        assert_string_equal(e->doc, "Nested.");
        assert_ptr_equal(e->parent, i);
        assert_string_equal(e->members->next->doc, "B doc");
        assert_int_equal(e->members->next->index, 1);
        assert_ptr_equal(e->members->next->parent, e);
        aidl_diags_free(d);
        aidl_program_free(p);
}

static const struct {
        const char *in;
        int line, col;
        const char *message;
} bad[] = {
    {"package a interface I {}", 1, 11, "expected ';', found 'interface'"},
    {"interface I {}", 1, 1, "expected 'package', found 'interface'"},
    {"package a; interface I { void f() }", 1, 35, "expected ';', found '}'"},
    {"package a; interface I { int x; }", 1, 30,
     "interface member 'x' must be a method or a constant"},
    {"package a; parcelable P { void f(); }", 1, 27, "'void' is only allowed as a return type"},
    {"package a; parcelable P { int f(); }", 1, 31, "methods are only allowed in interfaces"},
    {"package a; parcelable P { in int x; }", 1, 27,
     "direction 'in' is only allowed on method arguments"},
    {"package a; interface I { out int X = 1; }", 1, 26,
     "direction 'out' is only allowed on method arguments"},
    {"package a; parcelable P;", 1, 23, "unstructured parcelable 'P' is not supported"},
    {"package a; parcelable P<T { }", 1, 27, "expected ',' or '>', found '{'"},
    {"package a; parcelable P<T, T> { }", 1, 28, "type parameter 'T' declared twice"},
    {"package a; parcelable P { Q<int x; }", 1, 33, "expected ',' or '>', found 'x'"},
    {"package a; interface I { void f(in int[3 a); }", 1, 42, "expected ']'"},
    {"package a; interface I { void f() = 3; }", 1, 35,
     "explicit transaction codes are not supported"},
    {"package a; interface I { void f(in List a); }", 1, 36, "List needs a type argument"},
    {"package a; interface I { const int K = (1 + ; }", 1, 45,
     "expected constant expression, found ';'"},
    {"package a; interface I { const int K = 1 ? 2 ; }", 1, 46, "expected ':', found ';'"},
    {"package a; interface I { const int K; }", 1, 37, "expected '=', found ';'"},
    {"package a; enum E { A B }", 1, 23, "expected ',' or '}', found 'B'"},
    {"package a;", 1, 11, "expected a type declaration, found end of file"},
    {"package a; interface interface {}", 1, 22, "expected type name, found 'interface'"},
    {"package a; parcelable P { int in; }", 1, 31, "expected member name, found 'in'"},
    {"package a; @Foo(x interface I {}", 1, 33, "expected ')', found end of file"},
    {"package a; oneway parcelable P {}", 1, 19, "expected 'interface' after 'oneway'"},
    {"package a; interface I { void f(in int a, ); }", 1, 43, "expected type, found ')'"},
    {"package a; import ;", 1, 19, "expected import name, found ';'"},
    {"package a; interface I { void f(in int a b); }", 1, 42, "expected ',' or ')', found 'b'"},
    {"package a; interface I {", 1, 25, "expected '}', found end of file"},
    {"package a; struct S {}", 1, 12, "expected 'interface', 'parcelable', 'enum' or 'union'"},
    {"package a; interface I { void f(int[][][][][][][][][] a); }", 1, 52,
     "too many array dimensions"},
    {"package a; interface I { const int K = 1 # 2; }", 1, 42, "unexpected character '#'"},
    {"package a; interface I { const int K = 1; } }", 1, 45, "expected 'interface', 'parcelable'"},
};

static void test_syntax_errors(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                aidl_program *p = aidl_program_new();
                aidl_diags *d = aidl_diags_new();
                aidl_file *f = (aidl_file *)1;
                int r = aidl_parse_file(p, "t.aidl", bad[i].in, strlen(bad[i].in), d, &f);
                const aidl_diag *g = aidl_diags_get(d, 0);
                if (r == 0 || !g || g->loc.line != bad[i].line || g->loc.col != bad[i].col ||
                    !strstr(g->message, bad[i].message) || aidl_diags_count(d) != 1) {
                        fprintf(stderr, "case %zu: %s\n", i, bad[i].in);
                        aidl_diags_print(d, stderr);
                        fail();
                }
                assert_null(f);
                assert_null(p->files); /* nothing half-parsed is kept */
                aidl_diags_free(d);
                aidl_program_free(p);
        }
}

/* Builds "prefix" + n times `open` + "body" + n times `close` + "suffix". */
static char *nest(const char *prefix, const char *open, int n, const char *body, const char *close,
                  const char *suffix)
{
        size_t len = strlen(prefix) + (size_t)n * (strlen(open) + strlen(close)) + strlen(body) +
                     strlen(suffix) + 1;
        char *s = malloc(len), *o = s;
        if (!s)
                abort();
        o = stpcpy(o, prefix);
        for (int i = 0; i < n; i++)
                o = stpcpy(o, open);
        o = stpcpy(o, body);
        for (int i = 0; i < n; i++)
                o = stpcpy(o, close);
        stpcpy(o, suffix);
        return s;
}

static void test_nesting_limits(void **state)
{
        (void)state;
        struct {
                char *text;
                bool ok;
        } cases[] = {
            {nest("package a; interface I { const int K = ", "(", 100, "1", ")", "; }"), true},
            {nest("package a; interface I { const int K = ", "(", 10000, "1", ")", "; }"), false},
            {nest("package a; interface I { const int K = ", "-", 10000, "1", "", "; }"), false},
            {nest("package a; interface I { const int K = 1", "", 0, "", "+1", "; }"), true},
            {nest("package a; interface I { const int K = 1", "+1", 10000, "", "", "; }"), false},
            {nest("package a; interface I { const int K = ", "{", 10000, "", "}", "; }"), false},
            {nest("package a; ", "parcelable P { ", 100, "", "}", ""), true},
            {nest("package a; ", "parcelable P { ", 10000, "", "}", ""), false},
            {nest("package a; interface I { void f(in ", "List<", 10000, "int", ">", " l); }"),
             false},
            {nest("package a; ", "parcelable P {", 10000, "", "", ""), false},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                aidl_program *p = aidl_program_new();
                aidl_diags *d = aidl_diags_new();
                int r = aidl_parse_file(p, "t.aidl", cases[i].text, strlen(cases[i].text), d, NULL);
                assert_int_equal(r == 0, cases[i].ok);
                if (!cases[i].ok) {
                        assert_int_equal(aidl_diags_count(d), 1);
                        assert_non_null(strstr(aidl_diags_get(d, 0)->message, "nesting too deep"));
                }
                free(cases[i].text);
                aidl_diags_free(d);
                aidl_program_free(p);
        }
}

static void test_multi_package(void **state)
{
        (void)state;
        const char *text =
            "package a;\ninterface I {}\n\npackage b.c;\nparcelable P {}\nenum E { X }\n";
        aidl_program *p = aidl_program_new();
        aidl_diags *d = aidl_diags_new();
        aidl_file *f;
        /* not accepted in source files */
        assert_int_not_equal(aidl_parse_file(p, "t.aidl", text, strlen(text), d, &f), 0);
        assert_true(aidl_diags_get(d, 0)->loc.line == 4);
        assert_int_equal(
            aidl_parse_text(p, "t.api", text, strlen(text), AIDL_PARSE_MULTI_PACKAGE, d, &f), 0);
        assert_string_equal(f->package, "a");
        assert_string_equal(f->types->name, "I");
        assert_string_equal(f->next->package, "b.c");
        assert_string_equal(f->next->types->next->name, "E");
        assert_null(f->next->next);
        aidl_diags_free(d);
        aidl_program_free(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_trees),         cmocka_unit_test(test_tree_details),
            cmocka_unit_test(test_syntax_errors), cmocka_unit_test(test_nesting_limits),
            cmocka_unit_test(test_multi_package),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
