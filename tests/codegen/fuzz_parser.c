/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target of the front end (see fuzz_parser.h). Built as a libFuzzer
 * target with -Dfuzz=true and clang (AIDL_LIBFUZZER), and linked into the
 * bounded mutation test that always runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fuzz_parser.h"
#include "parser.h"

static void check(bool ok, const char *what, const char *detail)
{
        if (!ok) {
                fprintf(stderr, "fuzz invariant broken: %s\n%s\n", what, detail ? detail : "");
                abort();
        }
}

static void check_diags(const aidl_diags *d)
{
        for (size_t i = 0; i < aidl_diags_count(d); i++) {
                const aidl_diag *g = aidl_diags_get(d, i);
                check(g->message && g->message[0], "empty diagnostic", NULL);
                check(!g->loc.file || g->loc.line >= 0, "bad location", g->message);
        }
        check(aidl_diags_errors(d) <= AIDL_DIAGS_MAX_ERRORS + 1, "error cap", NULL);
}

static void check_dump(aidl_program *p)
{
        char *dump = aidl_dump_canonical(p->arena, p);
        aidl_diags *d = aidl_diags_new();
        int r = aidl_check_api("old", dump, strlen(dump), "new", dump, strlen(dump), d);
        if (r != 0)
                aidl_diags_print(d, stderr);
        check(r == 0, "dump is not compatible with itself", dump);
        aidl_diags_free(d);
        for (aidl_file *f = p->files; f; f = f->next)
                for (aidl_decl *t = f->types; t; t = t->next)
                        if (t->kind == AIDL_DECL_INTERFACE) {
                                const char *h = aidl_interface_hash(p->arena, t);
                                check(h && strlen(h) == 32, "interface hash", NULL);
                        }
}

#define MAX_LIBRARY 64

static struct {
        const char *path, *text;
} library[MAX_LIBRARY] = {
    {"a/P.aidl", "package a; parcelable P { int x = 1; }"},
    {"a/E.aidl", "package a; @Backing(type=\"int\") enum E { A, B = A + 4 }"},
    {"b/I.aidl", "package b; import a.P; interface I { const int K = 3; void f(in P p); }"},
};
static size_t n_library = 3;

bool aidl_fuzz_add_library(const char *path, const char *text)
{
        if (n_library >= MAX_LIBRARY)
                return false;
        library[n_library].path = path;
        library[n_library].text = text;
        n_library++;
        return true;
}

/* "r/a/b/T.aidl" for a file of package a.b whose first type is T. */
static char *input_path(const aidl_file *f)
{
        char *path = NULL;
        if (asprintf(&path, "r/%s/%s.aidl", f->package, f->types->name) < 0)
                abort();
        for (char *c = path + 2; *c && strcmp(c, strrchr(path, '/')) != 0; c++)
                if (*c == '.')
                        *c = '/';
        return path;
}

fuzz_outcome aidl_fuzz_one(const uint8_t *data, size_t size)
{
        /* the parser alone, on the raw bytes */
        aidl_program *p = aidl_program_new();
        aidl_diags *d = aidl_diags_new();
        aidl_file *f = NULL;
        int r = aidl_parse_file(p, "T.aidl", (const char *)data, size, d, &f);
        check((r == 0) == (f != NULL), "parse result", NULL);
        check(r == 0 || aidl_diags_errors(d) > 0, "parse failed silently", NULL);
        check_diags(d);
        char *path = r == 0 ? input_path(f) : NULL;
        aidl_diags_free(d);
        aidl_program_free(p);
        /* the same bytes as API dumps (several packages allowed) */
        d = aidl_diags_new();
        aidl_check_api("old", (const char *)data, size, "new", (const char *)data, size, d);
        check_diags(d);
        aidl_diags_free(d);
        if (r != 0)
                return FUZZ_PARSE_ERROR;

        /* the whole front end, with the library to import */
        static const char *const roots[] = {"r"};
        const char *files[] = {path};
        aidl_memfs *fs = aidl_memfs_new();
        for (size_t i = 0; i < n_library; i++) {
                char lib[512];
                snprintf(lib, sizeof(lib), "r/%s", library[i].path);
                aidl_memfs_add(fs, lib, library[i].text);
        }
        aidl_fileio io = aidl_memfs_io(fs);
        io.ops->write(io.userdata, path, (const char *)data, size);
        p = aidl_program_new();
        d = aidl_diags_new();
        r = aidl_compile(p, roots, 1, files, 1, &io, d);
        check(r == 0 || aidl_diags_errors(d) > 0, "compile failed silently", NULL);
        check(r != 0 || aidl_diags_errors(d) == 0, "compile succeeded with errors", NULL);
        check_diags(d);
        fuzz_outcome outcome = FUZZ_COMPILE_ERROR;
        if (r == 0) {
                check_dump(p);
                outcome = FUZZ_COMPILED;
        }
        aidl_diags_free(d);
        aidl_program_free(p);
        aidl_memfs_free(fs);
        free(path);
        return outcome;
}

#ifdef AIDL_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        aidl_fuzz_one(data, size);
        return 0;
}
#endif
