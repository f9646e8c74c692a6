/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the front-end tests (see fe_util.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_util.h"

void fe_compile(fe_run *run, size_t n_main, const char *const *files)
{
        static const char *const roots[] = {"r"};
        const char *paths[64];
        size_t n = 0;
        memset(run, 0, sizeof(*run));
        run->fs = aidl_memfs_new();
        run->prog = aidl_program_new();
        run->diags = aidl_diags_new();
        for (size_t i = 0; files[2 * i]; i++) {
                const char *f = files[2 * i];
                char *path = f[0] == '/' ? aidl_arena_strdup(run->prog->arena, f + 1)
                                         : aidl_arena_printf(run->prog->arena, "r/%s", f);
                aidl_memfs_add(run->fs, path, files[2 * i + 1]);
                if (i < n_main && n < 64)
                        paths[n++] = path;
        }
        aidl_fileio io = aidl_memfs_io(run->fs);
        run->result = aidl_compile(run->prog, roots, 1, paths, n, &io, run->diags);
}

void fe_compile_one(fe_run *run, const char *path, const char *text)
{
        const char *files[] = {path, text, NULL};
        fe_compile(run, 1, files);
}

void fe_run_free(fe_run *run)
{
        aidl_program_free(run->prog);
        aidl_diags_free(run->diags);
        aidl_memfs_free(run->fs);
        memset(run, 0, sizeof(*run));
}

bool fe_has_diag(const aidl_diags *d, const char *file, int line, int col, aidl_severity sev,
                 const char *substring)
{
        for (size_t i = 0; i < aidl_diags_count(d); i++) {
                const aidl_diag *g = aidl_diags_get(d, i);
                if (file && (!g->loc.file || strcmp(g->loc.file, file) != 0))
                        continue;
                if (g->loc.line == line && g->loc.col == col && g->severity == sev &&
                    strstr(g->message, substring))
                        return true;
        }
        return false;
}

void fe_dump_diags(const aidl_diags *d)
{
        aidl_diags_print(d, stderr);
}

static aidl_decl *find_in(aidl_decl *list, const char *qualified)
{
        for (aidl_decl *d = list; d; d = d->next) {
                if (!aidl_decl_is_type(d))
                        continue;
                if (d->qualified && strcmp(d->qualified, qualified) == 0)
                        return d;
                aidl_decl *r = find_in(d->members, qualified);
                if (r)
                        return r;
        }
        return NULL;
}

aidl_decl *fe_find_type(const aidl_program *p, const char *qualified)
{
        for (aidl_file *f = p->files; f; f = f->next) {
                aidl_decl *r = find_in(f->types, qualified);
                if (r)
                        return r;
        }
        return NULL;
}

aidl_decl *fe_find_member(const aidl_decl *t, const char *name)
{
        for (aidl_decl *m = t ? t->members : NULL; m; m = m->next)
                if (strcmp(m->name, name) == 0)
                        return m;
        return NULL;
}

char *fe_read_file(const char *path, size_t *len)
{
        aidl_fileio io = aidl_fileio_posix();
        char *data = NULL;
        size_t n = 0;
        if (io.ops->read(io.userdata, path, &data, &n) < 0) {
                fprintf(stderr, "cannot read %s\n", path);
                abort();
        }
        if (len)
                *len = n;
        return data;
}
