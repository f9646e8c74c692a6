/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs every negative/NAME.aidl through the compiler and checks that each
 * diagnostic it announces appears, at exactly that place, and that no other
 * error does. Directives, in comments of the file:
 *
 *   // expect: [FILE:]LINE:COL: error: MESSAGE-SUBSTRING    (or warning:)
 *   // path: MEMFS-PATH       where the file is put (default r/neg/NAME.aidl;
 *                             the import root is "r"; other paths are outside it)
 *   //// file: MEMFS-PATH     starts another file, found only through imports
 *   //// main: MEMFS-PATH     starts another file given on the command line
 *
 * FILE defaults to the main file; LINE counts from the start of the file's
 * own section.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_util.h"

#define MAX_FILES  8
#define MAX_EXPECT 16

typedef struct expectation {
        char file[256];
        int line, col;
        aidl_severity sev;
        char message[256];
} expectation;

typedef struct neg_case {
        char name[256];
        char *text;
        char *paths[MAX_FILES];
        char *texts[MAX_FILES];
        bool main[MAX_FILES];
        size_t n_files;
        expectation expect[MAX_EXPECT];
        size_t n_expect;
} neg_case;

static bool parse_expect(const char *s, const char *main_path, expectation *e)
{
        char file[256] = "", sev[16];
        int n = 0;
        memset(e, 0, sizeof(*e));
        if (sscanf(s, "%d:%d: %15[a-z]: %n", &e->line, &e->col, sev, &n) == 3 && n > 0) {
                snprintf(e->file, sizeof(e->file), "%s", main_path);
        } else if (sscanf(s, "%255[^:]:%d:%d: %15[a-z]: %n", file, &e->line, &e->col, sev, &n) ==
                       4 &&
                   n > 0) {
                snprintf(e->file, sizeof(e->file), "%s", file);
        } else {
                return false;
        }
        e->sev = strcmp(sev, "warning") == 0 ? AIDL_SEV_WARNING : AIDL_SEV_ERROR;
        snprintf(e->message, sizeof(e->message), "%s", s + n);
        char *nl = strpbrk(e->message, "\r\n");
        if (nl)
                *nl = '\0';
        return e->message[0] != '\0';
}

/* Collects the "// expect:" lines of one section. */
static void scan_expectations(neg_case *c, const char *text)
{
        for (const char *line = text; line;
             line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                const char *p = strstr(line, "// expect: ");
                const char *eol = strchr(line, '\n');
                if (!p || (eol && p > eol))
                        continue;
                assert_true(c->n_expect < MAX_EXPECT);
                if (!parse_expect(p + 11, c->paths[0], &c->expect[c->n_expect++])) {
                        fprintf(stderr, "%s: bad expect line\n", c->name);
                        fail();
                }
        }
}

/* Splits a case file into its sections and directives. */
static void load_case(neg_case *c, const char *dir, const char *name)
{
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        snprintf(c->name, sizeof(c->name), "%s", name);
        c->text = fe_read_file(path, NULL);
        char base[256];
        snprintf(base, sizeof(base), "%s", name);
        c->paths[0] = malloc(300);
        if (!c->paths[0])
                abort();
        snprintf(c->paths[0], 300, "r/neg/%s", base);
        c->texts[0] = c->text;
        c->main[0] = true;
        c->n_files = 1;
        char *line = c->text;
        while (line && *line) {
                char *next = strchr(line, '\n');
                const char *p;
                if ((p = strstr(line, "// path: ")) == line) {
                        size_t n = strcspn(p + 9, "\r\n");
                        snprintf(c->paths[0], 300, "%.*s", (int)n, p + 9);
                } else if (strncmp(line, "//// file: ", 11) == 0 ||
                           strncmp(line, "//// main: ", 11) == 0) {
                        assert_true(c->n_files < MAX_FILES);
                        size_t n = strcspn(line + 11, "\r\n");
                        c->main[c->n_files] = line[5] == 'm';
                        c->paths[c->n_files] = strndup(line + 11, n);
                        line[0] = '\0'; /* ends the previous section */
                        c->texts[c->n_files++] = next ? next + 1 : line + strlen(line + 1) + 1;
                }
                line = next ? next + 1 : NULL;
        }
        /* expectations, once the main path is known (a section ends at its NUL) */
        for (size_t i = 0; i < c->n_files; i++)
                scan_expectations(c, c->texts[i]);
}

static void free_case(neg_case *c)
{
        free(c->text);
        for (size_t i = 0; i < c->n_files; i++)
                free(c->paths[i]);
}

/* Returns the number of problems found (0: the case passes). */
static int run_case(neg_case *c)
{
        const char *files[2 * MAX_FILES + 1];
        char outside[MAX_FILES][320];
        size_t n = 0, n_main = 0;
        /* the command-line files first */
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < c->n_files; i++)
                        if (c->main[i] == (pass == 0)) {
                                /* fe_compile prefixes "r/" to relative paths */
                                snprintf(outside[i], sizeof(outside[i]), "/%s", c->paths[i]);
                                bool in_root = strncmp(c->paths[i], "r/", 2) == 0;
                                files[n++] = in_root ? c->paths[i] + 2 : outside[i];
                                files[n++] = c->texts[i];
                                n_main += c->main[i];
                        }
        files[n] = NULL;
        fe_run run;
        fe_compile(&run, n_main, files);
        int problems = 0;
        size_t expected_errors = 0;
        for (size_t i = 0; i < c->n_expect; i++) {
                const expectation *e = &c->expect[i];
                expected_errors += e->sev == AIDL_SEV_ERROR;
                if (!fe_has_diag(run.diags, e->file, e->line, e->col, e->sev, e->message)) {
                        fprintf(stderr, "%s: missing %s:%d:%d: %s: %s\n", c->name, e->file, e->line,
                                e->col, e->sev == AIDL_SEV_ERROR ? "error" : "warning", e->message);
                        problems++;
                }
        }
        if (expected_errors > 0 && run.result == 0) {
                fprintf(stderr, "%s: compiled without failing\n", c->name);
                problems++;
        }
        if (aidl_diags_errors(run.diags) != expected_errors) {
                fprintf(stderr, "%s: %zu errors, %zu expected\n", c->name,
                        aidl_diags_errors(run.diags), expected_errors);
                problems++;
        }
        if (problems)
                fe_dump_diags(run.diags);
        fe_run_free(&run);
        return problems;
}

static int cmp_name(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_negative_dir(void **state)
{
        (void)state;
        DIR *dir = opendir(AIDL_NEGATIVE_DIR);
        assert_non_null(dir);
        char *names[512];
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(dir)) && n < 512) {
                size_t len = strlen(de->d_name);
                if (len > 5 && strcmp(de->d_name + len - 5, ".aidl") == 0)
                        names[n++] = strdup(de->d_name);
        }
        closedir(dir);
        qsort(names, n, sizeof(*names), cmp_name);
        assert_true(n >= 30);
        int problems = 0;
        for (size_t i = 0; i < n; i++) {
                neg_case *c = calloc(1, sizeof(*c));
                load_case(c, AIDL_NEGATIVE_DIR, names[i]);
                if (c->n_expect == 0) {
                        fprintf(stderr, "%s: no expect line\n", names[i]);
                        problems++;
                } else {
                        problems += run_case(c);
                }
                free_case(c);
                free(c);
                free(names[i]);
        }
        assert_int_equal(problems, 0);
}

/* The runner itself must notice a wrong expectation. */
static void test_runner_can_fail(void **state)
{
        (void)state;
        static const char *const texts[] = {
            /* wrong column */
            "// expect: 2:24: error: unknown type\npackage neg;\ninterface T { void f(in Nope n); "
            "}\n",
            /* no error at all */
            "// expect: 2:1: error: x\npackage neg;\ninterface T {}\n",
            /* an error more than announced */
            "// expect: 3:25: error: unknown type 'A'\npackage neg;\ninterface T { void f(in A a, "
            "in B b); }\n",
        };
        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
                neg_case c = {.n_files = 1};
                snprintf(c.name, sizeof(c.name), "T.aidl");
                c.text = strdup(texts[i]);
                c.paths[0] = strdup("r/neg/T.aidl");
                c.texts[0] = c.text;
                c.main[0] = true;
                assert_true(
                    parse_expect(strstr(c.text, "// expect: ") + 11, c.paths[0], &c.expect[0]));
                c.n_expect = 1;
                assert_int_not_equal(run_case(&c), 0);
                free(c.text);
                free(c.paths[0]);
        }
}

/* The error cap: after 50 errors one "too many errors" and nothing more. */
static void test_error_cap(void **state)
{
        (void)state;
        char *text = malloc(100000), *o = text;
        if (!text)
                abort();
        o += sprintf(o, "package neg;\ninterface T {\n");
        for (int i = 0; i < 200; i++)
                o += sprintf(o, "  void f%d(in Unknown%d x);\n", i, i);
        sprintf(o, "}\n");
        fe_run run;
        fe_compile_one(&run, "neg/T.aidl", text);
        assert_int_not_equal(run.result, 0);
        assert_int_equal(aidl_diags_errors(run.diags), AIDL_DIAGS_MAX_ERRORS + 1);
        const aidl_diag *last = aidl_diags_get(run.diags, aidl_diags_count(run.diags) - 1);
        assert_non_null(strstr(last->message, "too many errors"));
        fe_run_free(&run);
        free(text);
}

/* The evaluator's bounds: long chains of references, deep expressions. */
static void test_eval_limits(void **state)
{
        (void)state;
        static const struct {
                int consts, unary;   /* "~" before each reference (an even number) */
                const char *message; /* NULL: compiles */
        } cases[] = {
            {100, 10, NULL},
            {300, 0, "constant references nested too deeply"},
            {250, 200, "constant expression too complex"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                size_t cap = (size_t)cases[i].consts * ((size_t)cases[i].unary + 64) + 64;
                char *text = malloc(cap), *o = text;
                if (!text)
                        abort();
                o += sprintf(o, "package neg;\ninterface T {\n");
                for (int k = 0; k < cases[i].consts; k++) {
                        o += sprintf(o, "const int K%d = ", k);
                        for (int j = 0; j < cases[i].unary; j++)
                                *o++ = '~';
                        if (k + 1 < cases[i].consts)
                                o += sprintf(o, "K%d", k + 1);
                        else
                                o += sprintf(o, "1");
                        o += sprintf(o, ";\n");
                }
                sprintf(o, "}\n");
                fe_run run;
                fe_compile_one(&run, "neg/T.aidl", text);
                if (!cases[i].message) {
                        if (run.result != 0)
                                fe_dump_diags(run.diags);
                        assert_int_equal(run.result, 0);
                } else {
                        assert_int_not_equal(run.result, 0);
                        bool found = false;
                        for (size_t k = 0; k < aidl_diags_count(run.diags); k++)
                                found = found || strstr(aidl_diags_get(run.diags, k)->message,
                                                        cases[i].message);
                        if (!found)
                                fe_dump_diags(run.diags);
                        assert_true(found);
                }
                fe_run_free(&run);
                free(text);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_negative_dir),
            cmocka_unit_test(test_runner_can_fail),
            cmocka_unit_test(test_error_cap),
            cmocka_unit_test(test_eval_limits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
