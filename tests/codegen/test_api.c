/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The front end on the real IDL files (idl/), the canonical dump, the
 * interface hash and the API compatibility check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consteval.h"
#include "fe_util.h"

#define IDL_ROOT AIDL_SOURCE_ROOT "/idl"

/* ---- the real IDL files ---- */

/* Room for every file of idl/; a tree that outgrows it fails the setup
 * rather than being compiled in part. */
#define MAX_IDL_FILES 256
static char *idl_files[MAX_IDL_FILES];
static size_t n_idl_files;
static bool idl_files_overflow;

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)ftw;
        size_t n = strlen(path);
        if (flag != FTW_F || n <= 5 || strcmp(path + n - 5, ".aidl") != 0)
                return 0;
        if (n_idl_files == MAX_IDL_FILES) {
                idl_files_overflow = true;
                return 1;
        }
        idl_files[n_idl_files++] = strdup(path);
        return 0;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int setup_idl(void **state)
{
        (void)state;
        if (n_idl_files == 0) {
                nftw(IDL_ROOT, collect, 16, 0);
                qsort(idl_files, n_idl_files, sizeof(*idl_files), cmp_str);
        }
        return n_idl_files >= 10 && !idl_files_overflow ? 0 : -1;
}

/* Compiles files (NULL: every file of idl/) from the real tree. */
static aidl_program *compile_idl(const char *const *files, size_t n, aidl_diags *d)
{
        static const char *const roots[] = {IDL_ROOT};
        aidl_program *p = aidl_program_new();
        aidl_fileio io = aidl_fileio_posix();
        if (!files) {
                files = (const char *const *)idl_files;
                n = n_idl_files;
        }
        int r = aidl_compile(p, roots, 1, files, n, &io, d);
        if (r != 0 || aidl_diags_count(d) != 0)
                fe_dump_diags(d);
        assert_int_equal(r, 0);
        assert_int_equal(aidl_diags_count(d), 0); /* not even a warning */
        return p;
}

static void test_idl_compiles(void **state)
{
        (void)state;
        aidl_diags *d = aidl_diags_new();
        aidl_program *p = compile_idl(NULL, 0, d);

        aidl_decl *err = fe_find_type(p, "com.rdk.hal.HALError");
        assert_non_null(err);
        assert_int_equal(err->kind, AIDL_DECL_ENUM);
        assert_int_equal(err->backing, AIDL_INT);
        assert_string_equal(err->c_name, "com_rdk_hal_HALError");
        assert_int_equal(fe_find_member(err, "INVALID_ARGUMENT")->enum_value, 8);
        assert_int_equal(fe_find_member(err, "INVALID_ARGUMENT")->index, 8);
        assert_string_equal(
            err->doc, "Service-specific error codes shared by the RDK HAL interfaces.\n"
                      "A method raises one of these with EX_SERVICE_SPECIFIC; the code travels\n"
                      "in the status next to the exception.");

        aidl_decl *id = fe_find_type(p, "com.rdk.hal.videodecoder.IVideoDecoder.Id");
        assert_non_null(id);
        assert_string_equal(id->c_name, "com_rdk_hal_videodecoder_IVideoDecoder_Id");
        /* as published: UNDEFINED is a constant, the field has no default */
        aidl_decl *value = fe_find_member(id, "value");
        assert_int_equal(value->kind, AIDL_DECL_FIELD);
        assert_null(value->value);
        aidl_decl *undefined = fe_find_member(id, "UNDEFINED");
        assert_non_null(undefined);
        assert_int_equal(undefined->value->value.kind, AIDL_VAL_INT);
        assert_int_equal(undefined->value->value.i, -1);

        aidl_decl *pool = fe_find_type(p, "com.rdk.hal.avbuffer.Pool");
        assert_null(fe_find_member(pool, "handle")->value);

        aidl_decl *av = fe_find_type(p, "com.rdk.hal.avbuffer.IAVBuffer");
        assert_true(aidl_annotation_find(av->annotations, "VintfStability") != NULL);
        aidl_decl *cvp = fe_find_member(av, "createVideoPool");
        assert_int_equal(cvp->index, 1);
        assert_ptr_equal(cvp->args->next->type->resolved, id);
        assert_int_equal(cvp->args->next->index, 1);
        assert_int_equal(cvp->args->next->next->type->resolved->kind, AIDL_DECL_INTERFACE);
        aidl_decl *name = fe_find_member(av, "serviceName");
        assert_true(name->type->utf8);
        assert_string_equal(name->value->value.s, "AVBuffer");
        assert_int_equal(fe_find_member(av, "calculateSHA1")->ret->kind, AIDL_TYPE_ARRAY);

        aidl_decl *sm = fe_find_type(p, "avb.servicemanager.IServiceManager");
        assert_true(fe_find_member(sm, "checkService")->ret->nullable);
        assert_string_equal(
            fe_find_member(sm, "checkService")->doc,
            "The endpoint of `name`, or null when it is not registered. Never waits.");
        assert_true(fe_find_type(p, "avb.servicemanager.IServiceCallback")->oneway);
        for (aidl_import *im = sm->file->imports; im; im = im->next)
                assert_non_null(im->resolved);

        static const char *const packages[] = {
            "avb.servicemanager",       "com.rdk.hal",
            "com.rdk.hal.audiodecoder", "com.rdk.hal.avbuffer",
            "com.rdk.hal.videodecoder",
        };
        /* sorted, every one to emit; idl/ may hold more packages than these */
        size_t i = 0;
        for (aidl_package *pkg = p->packages; pkg; pkg = pkg->next) {
                assert_true(pkg->emit);
                assert_true(!pkg->next || strcmp(pkg->name, pkg->next->name) < 0);
                if (i < 5 && strcmp(pkg->name, packages[i]) == 0)
                        i++;
        }
        assert_int_equal(i, 5);
        aidl_program_free(p);
        aidl_diags_free(d);
}

static void test_idl_imports_loaded_lazily(void **state)
{
        (void)state;
        const char *files[] = {
            IDL_ROOT "/com/rdk/hal/avbuffer/IAVBuffer.aidl",
            IDL_ROOT "/com/rdk/hal/avbuffer/Pool.aidl",
        };
        aidl_diags *d = aidl_diags_new();
        aidl_program *p = compile_idl(files, 2, d);
        assert_null(fe_find_type(p, "com.rdk.hal.HALError")); /* never imported */
        aidl_decl *vd = fe_find_type(p, "com.rdk.hal.videodecoder.IVideoDecoder");
        assert_non_null(vd);
        assert_true(vd->file->from_import);
        assert_false(fe_find_type(p, "com.rdk.hal.avbuffer.Pool")->file->from_import);
        for (aidl_package *pkg = p->packages; pkg; pkg = pkg->next)
                assert_int_equal(pkg->emit, strcmp(pkg->name, "com.rdk.hal.avbuffer") == 0);
        aidl_package *avb = p->packages;
        while (strcmp(avb->name, "com.rdk.hal.avbuffer") != 0)
                avb = avb->next;
        assert_string_equal(avb->c_prefix, "com_rdk_hal_avbuffer");
        /* command-line files first, then the imported ones */
        assert_true(avb->n_files >= 4);
        assert_false(avb->files[0]->from_import);
        assert_false(avb->files[1]->from_import);
        assert_true(avb->files[2]->from_import);
        aidl_program_free(p);
        aidl_diags_free(d);
}

static void test_dump_is_canonical(void **state)
{
        (void)state;
        aidl_diags *d = aidl_diags_new();
        aidl_program *p = compile_idl(NULL, 0, d);
        char *dump = aidl_dump_canonical(p->arena, p);
        assert_non_null(strstr(
            dump, "package com.rdk.hal.avbuffer;\n@VintfStability\ninterface IAVBuffer {\n"));
        assert_non_null(strstr(dump, "  const @utf8InCpp String serviceName = \"AVBuffer\";\n"));
        assert_non_null(strstr(dump,
                               "  com.rdk.hal.avbuffer.Pool createVideoPool(in boolean secureHeap, "
                               "in com.rdk.hal.videodecoder.IVideoDecoder.Id videoDecoderId, "
                               "in com.rdk.hal.avbuffer.IAVBufferSpaceListener listener);\n"));
        assert_non_null(strstr(dump, "@Backing(type=\"int\")\nenum HALError {\n  SUCCESS = 0,\n"));
        assert_non_null(strstr(dump, "    const int UNDEFINED = -1;\n    int value;\n"));
        assert_null(strstr(dump, "/*"));
        /* sorted by qualified name */
        assert_true(strstr(dump, "interface IServiceManager") < strstr(dump, "enum HALError"));
        /* deterministic, whatever the order of the files */
        aidl_diags *d2 = aidl_diags_new();
        const char *rev[MAX_IDL_FILES];
        for (size_t i = 0; i < n_idl_files; i++)
                rev[i] = idl_files[n_idl_files - 1 - i];
        aidl_program *p2 = compile_idl(rev, n_idl_files, d2);
        assert_string_equal(dump, aidl_dump_canonical(p2->arena, p2));
        /* it reads back, and is compatible with itself */
        assert_int_equal(aidl_check_api("old", dump, strlen(dump), "new", dump, strlen(dump), d),
                         0);
        assert_int_equal(aidl_diags_count(d), 0);
        aidl_program_free(p2);
        aidl_diags_free(d2);
        aidl_program_free(p);
        aidl_diags_free(d);
}

/* ---- resolution and constant values ---- */

static const struct value_case {
        const char *members;  /* of interface a.I */
        const char *constant; /* member of a.I, or a qualified "Type.member" */
        const char *value;
} value_cases[] = {
    {"const int K = 1 + 2 * 3;", "K", "7"},
    {"const int K = 0xffffffff;", "K", "-1"},
    {"const byte K = 0xff;", "K", "-1"},
    {"const byte K = -128;", "K", "-128"},
    {"const long K = 1L << 40;", "K", "1099511627776"},
    {"const int K = 1 << 31;", "K", "-2147483648"},
    {"const long K = -9223372036854775808;", "K", "-9223372036854775808"},
    {"const int K = -2147483648;", "K", "-2147483648"},
    {"const long K = 0xffffffffffffffff;", "K", "-1"},
    {"const long K = 2147483647 + 1L;", "K", "2147483648"},
    {"const int K = 7 / 2 + 7 % 3 - (-8 >> 1);", "K", "8"},
    {"const int K = ~0 ^ 5 & 3 | 8;", "K", "-2"},
    {"const int K = 'a' + 1;", "K", "98"},
    {"const int K = true ? 1 : 2;", "K", "1"},
    {"const boolean K = 3 > 2 && !(1 == 2) || false;", "K", "true"},
    {"const boolean K = \"abc\" < \"abd\";", "K", "true"},
    {"const String K = \"a\" + \"b\" + \"\\\"c\\n\";", "K", "\"ab\\\"c\\n\""},
    {"const double K = 1 / 2.0;", "K", "0.5"},
    {"const float K = 3;", "K", "3.0"},
    {"const char K = 'x';", "K", "'x'"},
    {"const int A = B + 1; const int B = 2;", "A", "3"},
    {"enum E { X = 3, Y, Z = Y * 2 } const int K = E.Z;", "K", "8"},
    {"enum E { X = 3, Y, Z = Y * 2 }", "E.Y", "4"},
    {"@Backing(type=\"long\") enum E { X = 1L << 40, Y }", "E.Y", "1099511627777"},
    {"parcelable P { const int Q = 5; } const int K = P.Q + a.I.P.Q;", "K", "10"},
    {"parcelable P { const int Q = 5; int f = Q; }", "P.f", "5"},
    {"parcelable P { enum E { A, B } E e = E.B; }", "P.e", "1"},
    {"parcelable P { int[] v = {1, 2 + 1}; }", "P.v", "{1, 3}"},
    {"const int K = J.V;", "K", "4"},                       /* same package, no import */
    {"const int K = b.C.V * 2;", "K", "14"},                /* fully qualified, no import */
    {"const int K = C.V;", NULL, "unknown constant 'C.V'"}, /* other package needs import */
    {"parcelable P { Inner i; parcelable Inner { int x; } }", "P.i", NULL},
    {"void f(in b.C c, in a.J j, in J j2, in I.N n); parcelable N { int x; }", "f", NULL},
};

static void test_values(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
                const struct value_case *c = &value_cases[i];
                char text[1024];
                snprintf(text, sizeof(text), "package a; interface I { %s }", c->members);
                const char *files[] = {
                    "a/I.aidl", text,
                    "a/J.aidl", "package a; interface J { const int V = 4; }",
                    "b/C.aidl", "package b; parcelable C { const int V = 7; }",
                    NULL,
                };
                fe_run run;
                fe_compile(&run, 1, files);
                if (!c->constant) {
                        assert_int_not_equal(run.result, 0);
                        assert_non_null(strstr(aidl_diags_get(run.diags, 0)->message, c->value));
                        fe_run_free(&run);
                        continue;
                }
                if (run.result != 0) {
                        fprintf(stderr, "case %zu\n", i);
                        fe_dump_diags(run.diags);
                }
                assert_int_equal(run.result, 0);
                aidl_decl *owner = fe_find_type(run.prog, "a.I");
                const char *dot = strrchr(c->constant, '.');
                if (dot) {
                        char q[128];
                        snprintf(q, sizeof(q), "a.I.%.*s", (int)(dot - c->constant), c->constant);
                        owner = fe_find_type(run.prog, q);
                }
                aidl_decl *k = fe_find_member(owner, dot ? dot + 1 : c->constant);
                assert_non_null(k);
                if (k->kind == AIDL_DECL_METHOD) {
                        for (aidl_arg *a = k->args; a; a = a->next)
                                assert_non_null(a->type->resolved);
                } else if (k->kind == AIDL_DECL_ENUMERATOR) {
                        char buf[32];
                        snprintf(buf, sizeof(buf), "%lld", (long long)k->enum_value);
                        assert_string_equal(buf, c->value);
                } else if (!c->value) {
                        assert_non_null(k->type->resolved);
                        assert_ptr_equal(k->type->resolved->parent, owner);
                } else {
                        const char *v =
                            aidl_value_to_string(run.prog->arena, &k->value->value, false);
                        if (strcmp(v, c->value) != 0)
                                fprintf(stderr, "case %zu: %s\n", i, v);
                        assert_string_equal(v, c->value);
                }
                fe_run_free(&run);
        }
}

/* ---- the interface hash ---- */

static const char *hash_of(const char *listener_text, char *out)
{
        const char *files[] = {
            "a/IFoo.aidl", "package a; import a.Bar; interface IFoo { void f(in Bar b); }",
            "a/Bar.aidl",  listener_text,
            NULL,
        };
        fe_run run;
        fe_compile(&run, 1, files);
        assert_int_equal(run.result, 0);
        const char *h = aidl_interface_hash(run.prog->arena, fe_find_type(run.prog, "a.IFoo"));
        assert_non_null(h);
        strcpy(out, h);
        fe_run_free(&run);
        return out;
}

static void test_interface_hash(void **state)
{
        (void)state;
        char h1[64], h2[64], h3[64];
        hash_of("package a; parcelable Bar { int x; }", h1);
        assert_int_equal(strlen(h1), 32);
        assert_int_equal(strspn(h1, "0123456789abcdef"), 32);
        /* comments and spacing do not count */
        hash_of("package a;\n/** doc */\nparcelable Bar {\n  int   x; // c\n}\n", h2);
        assert_string_equal(h1, h2);
        /* a change in a referenced type does */
        hash_of("package a; parcelable Bar { long x; }", h3);
        assert_string_not_equal(h1, h3);
}

/* ---- --checkapi ---- */

static const char base_api[] = "package a;\n"
                               "import a.E;\n"
                               "import a.P;\n"
                               "interface I {\n"
                               "  const int K = 1 << 4;\n"
                               "  int m1(in int x, out P p);\n"
                               "  void m2(in String s);\n"
                               "  oneway void m3(in E e);\n"
                               "}\n"
                               "//// file: a/P.aidl\n"
                               "package a;\n"
                               "parcelable P { int x = 3; String s; }\n"
                               "//// file: a/E.aidl\n"
                               "package a;\n"
                               "@Backing(type=\"int\") enum E { A, B = 5, C }\n"
                               "//// file: a/F.aidl\n"
                               "package a;\n"
                               "parcelable F { const int N = 4; byte[N] id; int[2][N] grid; }\n"
                               "//// file: a/S.aidl\n"
                               "package a;\n"
                               "@FixedSize parcelable S { int a; long b; }\n"
                               "//// file: a/U.aidl\n"
                               "package a;\n"
                               "@FixedSize union U { const int C = 3; int a; long b; }\n";

/* Compiles the text of several files separated by "//// file: PATH" lines
 * (the first is a/I.aidl) and returns the dump (malloc'ed). */
static char *dump_of(const char *text)
{
        const char *files[16];
        size_t n = 0;
        char *copy = strdup(text);
        files[n++] = "a/I.aidl";
        files[n++] = copy;
        for (char *s = copy; (s = strstr(s, "//// file: "));) {
                *s = '\0';
                s += strlen("//// file: ");
                char *nl = strchr(s, '\n');
                *nl = '\0';
                files[n++] = s;
                files[n++] = nl + 1;
                s = nl + 1;
        }
        files[n] = NULL;
        fe_run run;
        fe_compile(&run, n / 2, files);
        if (run.result != 0)
                fe_dump_diags(run.diags);
        assert_int_equal(run.result, 0);
        char *dump = strdup(aidl_dump_canonical(run.prog->arena, run.prog));
        fe_run_free(&run);
        free(copy);
        return dump;
}

static char *replace(const char *text, const char *from, const char *to)
{
        const char *at = strstr(text, from);
        assert_non_null(at);
        char *r = malloc(strlen(text) + strlen(to) + 1);
        if (!r)
                abort();
        sprintf(r, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
        return r;
}

static const struct api_case {
        const char *from, *to;
        const char *message; /* NULL: compatible */
} api_cases[] = {
    /* compatible */
    {"  oneway void m3(in E e);\n", "  oneway void m3(in E e);\n  void m4();\n", NULL},
    {"String s; }", "String s; long t = 7; }", NULL},
    {"byte[N] id;", "byte[4] id;", NULL},
    {"A, B = 5, C }", "A, B = 5, C, D }", NULL},
    {"const int C = 3;", "const int C = 3; const int D = 1;", NULL},
    {"  const int K = 1 << 4;\n", "  const int K = 16;\n  const String NEW = \"n\";\n", NULL},
    {"parcelable P {", "parcelable P { const int Z = 0; parcelable Inner { int q; }", NULL},
    {"  int m1(in int x,", "  int m1(int x,", NULL},
    {"//// file: a/E.aidl",
     "//// file: a/N.aidl\npackage a; parcelable N { int n; }\n//// file: a/E.aidl", NULL},
    /* incompatible */
    {"  void m2(in String s);\n", "", "method 'a.I.m2' was removed"},
    {"  int m1(in int x, out P p);\n  void m2(in String s);\n",
     "  void m2(in String s);\n  int m1(in int x, out P p);\n", "method 'a.I.m1' was reordered"},
    {"int m1(in int x,", "long m1(in int x,",
     "return type of method 'a.I.m1' changed from 'int' to 'long'"},
    {"m1(in int x,", "m1(in long x,",
     "argument 1 of method 'a.I.m1' changed from 'in int' to 'in long'"},
    {"out P p", "inout P p", "argument 2 of method 'a.I.m1' changed from 'out a.P' to 'inout a.P'"},
    {"void m2(in String s);", "void m2(in String s, in int t);",
     "number of arguments of method 'a.I.m2' changed"},
    {"  oneway void m3", "  void m3", "method 'a.I.m3' changed from oneway"},
    {"void m2(in String s)", "void m2(in @nullable String s)",
     "argument 1 of method 'a.I.m2' changed"},
    {"const int K = 1 << 4;", "const int K = 1 << 5;",
     "value of constant 'a.I.K' changed from '16' to '32'"},
    {"const int K = 1 << 4;", "const long K = 1 << 4;", "type of constant 'a.I.K' changed"},
    {"  const int K = 1 << 4;\n", "", "constant 'a.I.K' was removed"},
    {"A, B = 5, C }", "A, B = 6, C }", "enumerator 'a.E.B' renumbered from 5 to 6"},
    {"A, B = 5, C }", "A, B = 5 }", "enumerator 'a.E.C' was removed"},
    {"@Backing(type=\"int\") enum", "@Backing(type=\"long\") enum",
     "backing type of enum 'a.E' changed from int to long"},
    {"int x = 3; String s; }", "String s; int x = 3; }", "field 'a.P.x' was reordered"},
    {"int x = 3; String s; }", "int x = 3; }", "field 'a.P.s' was removed"},
    {"int x = 3;", "long x = 3;", "type of field 'a.P.x' changed from 'int' to 'long'"},
    {"int x = 3;", "int x = 4;", "default value of field 'a.P.x' changed from '3' to '4'"},
    {"parcelable P { int x = 3; String s; }", "union P { int x = 3; String s; }",
     "'a.P' changed from parcelable to union"},
    {"interface I {", "oneway interface I {", "interface 'a.I' changed to oneway"},
    {"const int N = 4;", "const int N = 5;",
     "type of field 'a.F.id' changed from 'byte[4]' to 'byte[5]'"},
    {"int[2][N] grid", "int[N][2] grid",
     "type of field 'a.F.grid' changed from 'int[2][4]' to 'int[4][2]'"},
    {"int a; long b; }", "int a; long b; int c; }",
     "field 'a.S.c' was added to @FixedSize parcelable 'a.S'"},
    {"C = 3; int a; long b; }", "C = 3; int a; long b; byte c; }",
     "field 'a.U.c' was added to @FixedSize union 'a.U'"},
    {"@FixedSize parcelable S", "parcelable S", "parcelable 'a.S' is no longer @FixedSize"},
    {"const int C = 3;", "const int C = 4;", "value of constant 'a.U.C' changed from '3' to '4'"},
    {"const int C = 3;", "", "constant 'a.U.C' was removed"},
};

static void test_checkapi(void **state)
{
        (void)state;
        char *old_dump = dump_of(base_api);
        for (size_t i = 0; i < sizeof(api_cases) / sizeof(api_cases[0]); i++) {
                const struct api_case *c = &api_cases[i];
                char *text = replace(base_api, c->from, c->to);
                /* the oneway cases need a method that can be oneway */
                char *new_dump = dump_of(strstr(c->message ? c->message : "", "to oneway")
                                             ? "package a; oneway interface I { const int K = 16; }"
                                             : text);
                aidl_diags *d = aidl_diags_new();
                int r = aidl_check_api("old.api", old_dump, strlen(old_dump), "new.api", new_dump,
                                       strlen(new_dump), d);
                bool found = false;
                for (size_t k = 0; c->message && k < aidl_diags_count(d); k++)
                        found = found || strstr(aidl_diags_get(d, k)->message, c->message);
                if (c->message ? (r == 0 || !found) : (r != 0 || aidl_diags_count(d))) {
                        fprintf(stderr, "case %zu: expected %s\n%s\n", i,
                                c->message ? c->message : "compatible", new_dump);
                        fe_dump_diags(d);
                        fail();
                }
                aidl_diags_free(d);
                free(new_dump);
                free(text);
        }
        free(old_dump);
}

static void test_checkapi_removed_type(void **state)
{
        (void)state;
        const char old_dump[] = "package a;\nparcelable Gone {\n  int x;\n}\n\n"
                                "package b;\ninterface Stay {\n  void m();\n}\n";
        const char new_dump[] = "package b;\ninterface Stay {\n  void m();\n  void n();\n}\n";
        aidl_diags *d = aidl_diags_new();
        assert_int_not_equal(aidl_check_api("old.api", old_dump, strlen(old_dump), "new.api",
                                            new_dump, strlen(new_dump), d),
                             0);
        assert_true(
            fe_has_diag(d, "old.api", 2, 12, AIDL_SEV_ERROR, "parcelable 'a.Gone' was removed"));
        assert_int_equal(aidl_diags_errors(d), 1);
        aidl_diags_free(d);
        /* a dump that does not parse is an error too */
        d = aidl_diags_new();
        assert_int_not_equal(aidl_check_api("old.api", old_dump, strlen(old_dump), "new.api",
                                            "package b; interface {", 22, d),
                             0);
        assert_true(fe_has_diag(d, "new.api", 1, 22, AIDL_SEV_ERROR, "expected type name"));
        aidl_diags_free(d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(test_idl_compiles, setup_idl),
            cmocka_unit_test_setup(test_idl_imports_loaded_lazily, setup_idl),
            cmocka_unit_test_setup(test_dump_is_canonical, setup_idl),
            cmocka_unit_test(test_values),
            cmocka_unit_test(test_interface_hash),
            cmocka_unit_test(test_checkapi),
            cmocka_unit_test(test_checkapi_removed_type),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
