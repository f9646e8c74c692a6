/* SPDX-License-Identifier: Apache-2.0 */
/* aidl_compile(): the front end from file names to a validated tree. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "parser.h"
#include "resolver.h"
#include "validator.h"

static bool already_loaded(const aidl_program *p, struct aidl_arena *a, const char *path)
{
        const char *norm = aidl_path_normalize(a, path);
        for (const aidl_file *f = p->files; f; f = f->next)
                if (strcmp(aidl_path_normalize(a, f->path), norm) == 0)
                        return true;
        return false;
}

int aidl_compile(aidl_program *p, const char *const *roots, size_t n_roots,
                 const char *const *files, size_t n_files, const aidl_fileio *io, aidl_diags *d)
{
        size_t errors = aidl_diags_errors(d);
        for (size_t i = 0; i < n_files && !aidl_diags_full(d); i++) {
                if (already_loaded(p, p->arena, files[i]))
                        continue;
                char *text = NULL;
                size_t len = 0;
                int r = io->ops->read(io->userdata, files[i], &text, &len);
                if (r < 0) {
                        aidl_error(d, &(aidl_loc){.file = files[i]}, "cannot read: %s",
                                   strerror(-r));
                        continue;
                }
                aidl_parse_file(p, files[i], text, len, d, NULL);
                free(text);
        }
        if (aidl_diags_errors(d) > errors)
                return -EINVAL;
        if (aidl_resolve(p, roots, n_roots, io, d) < 0)
                return -EINVAL;
        if (aidl_validate(p, d) < 0)
                return -EINVAL;
        return 0;
}
