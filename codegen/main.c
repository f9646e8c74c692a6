/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aidlc: compiles AIDL files into C and protobuf (see docs/aidl-c-mapping.md).
 *
 *   aidlc -I ROOT [-I ROOT]... -o OUTDIR FILE.aidl...
 *   aidlc --dumpapi OUTFILE -I ROOT FILE.aidl...
 *   aidlc --checkapi OLD NEW
 *
 * Exit status: 0 success, 1 errors in the input (or incompatible API),
 * 2 bad command line.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avb_config.h"

#include "api.h"
#include "emit.h"

typedef struct options {
        const char **roots;
        size_t n_roots;
        const char **files;
        size_t n_files;
        const char *outdir;
        const char *dumpapi;
        const char *check_old, *check_new;
        int interface_version;
} options;

static void usage(FILE *f)
{
        fputs("Usage: aidlc [OPTIONS] -o OUTDIR FILE.aidl...\n"
              "       aidlc --dumpapi OUTFILE [-I ROOT]... FILE.aidl...\n"
              "       aidlc --checkapi OLD NEW\n"
              "\n"
              "Compiles AIDL interfaces into C types, client stubs, server skeletons\n"
              "and protobuf messages.\n"
              "\n"
              "  -I ROOT, --include ROOT    where imports are found: import a.b.C is "
              "ROOT/a/b/C.aidl\n"
              "                             (repeatable, searched in order)\n"
              "  -o OUTDIR, --out OUTDIR    where the generated files go\n"
              "  --interface-version N      stable version compiled into interfaces (default 1)\n"
              "  --dumpapi OUTFILE          write the canonical API of the files (for freezing)\n"
              "  --checkapi OLD NEW         check that dump NEW is compatible with dump OLD\n"
              "  -h, --help                 this text\n"
              "  --version                  the version of aidlc\n",
              f);
}

/* The argument of option `name` at argv[*i] ("-I X", "-IX", "--include=X"), or NULL. */
static const char *option_arg(int argc, char **argv, int *i, const char *shrt, const char *lng)
{
        const char *a = argv[*i];
        size_t ll = lng ? strlen(lng) : 0;
        if ((shrt && strcmp(a, shrt) == 0) || (lng && strcmp(a, lng) == 0)) {
                if (*i + 1 >= argc) {
                        fprintf(stderr, "aidlc: %s needs an argument\n", a);
                        exit(2);
                }
                return argv[++*i];
        }
        if (shrt && strncmp(a, shrt, strlen(shrt)) == 0 && a[1] != '-')
                return a + strlen(shrt);
        if (lng && strncmp(a, lng, ll) == 0 && a[ll] == '=')
                return a + ll + 1;
        return NULL;
}

static void parse_args(int argc, char **argv, options *o)
{
        o->roots = calloc((size_t)argc, sizeof(*o->roots));
        o->files = calloc((size_t)argc, sizeof(*o->files));
        o->interface_version = 1;
        if (!o->roots || !o->files)
                exit(1);
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i], *v;
                if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
                        usage(stdout);
                        exit(0);
                } else if (strcmp(a, "--version") == 0) {
                        printf("aidlc %s\n", AVB_VERSION);
                        exit(0);
                } else if ((v = option_arg(argc, argv, &i, "-I", "--include"))) {
                        o->roots[o->n_roots++] = v;
                } else if ((v = option_arg(argc, argv, &i, "-o", "--out"))) {
                        o->outdir = v;
                } else if ((v = option_arg(argc, argv, &i, NULL, "--dumpapi"))) {
                        o->dumpapi = v;
                } else if ((v = option_arg(argc, argv, &i, NULL, "--interface-version"))) {
                        char *end;
                        errno = 0;
                        long n = strtol(v, &end, 10);
                        if (errno || *end || end == v || n < 1 || n > INT_MAX) {
                                fprintf(stderr, "aidlc: invalid interface version '%s'\n", v);
                                exit(2);
                        }
                        o->interface_version = (int)n;
                } else if (strcmp(a, "--checkapi") == 0) {
                        if (i + 2 >= argc) {
                                fputs("aidlc: --checkapi needs OLD and NEW\n", stderr);
                                exit(2);
                        }
                        o->check_old = argv[++i];
                        o->check_new = argv[++i];
                } else if (a[0] == '-' && a[1] != '\0') {
                        fprintf(stderr, "aidlc: unknown option '%s'\n", a);
                        usage(stderr);
                        exit(2);
                } else {
                        o->files[o->n_files++] = a;
                }
        }
        if (o->check_old ? o->n_files > 0 : o->n_files == 0 || (!o->outdir && !o->dumpapi)) {
                usage(stderr);
                exit(2);
        }
}

static int check_api(const options *o, const aidl_fileio *io, aidl_diags *d)
{
        char *old_text = NULL, *new_text = NULL;
        size_t old_len = 0, new_len = 0;
        int r = io->ops->read(io->userdata, o->check_old, &old_text, &old_len);
        if (r < 0)
                aidl_error(d, &(aidl_loc){.file = o->check_old}, "cannot read: %s", strerror(-r));
        else if ((r = io->ops->read(io->userdata, o->check_new, &new_text, &new_len)) < 0)
                aidl_error(d, &(aidl_loc){.file = o->check_new}, "cannot read: %s", strerror(-r));
        else
                r = aidl_check_api(o->check_old, old_text, old_len, o->check_new, new_text, new_len,
                                   d);
        free(old_text);
        free(new_text);
        return r;
}

static int compile(const options *o, const aidl_fileio *io, aidl_diags *d)
{
        aidl_program *p = aidl_program_new();
        int r = aidl_compile(p, o->roots, o->n_roots, o->files, o->n_files, io, d);
        if (r == 0 && o->dumpapi) {
                char *text = aidl_dump_canonical(p->arena, p);
                r = io->ops->write(io->userdata, o->dumpapi, text, strlen(text));
                if (r < 0)
                        aidl_error(d, &(aidl_loc){.file = o->dumpapi}, "cannot write: %s",
                                   strerror(-r));
        }
        if (r == 0 && o->outdir) {
                aidl_emit_options eo = {.outdir = o->outdir,
                                        .interface_version = o->interface_version};
                r = aidl_emit_all(p, &eo, io, d);
                if (r < 0 && aidl_diags_errors(d) == 0)
                        aidl_error(d, NULL, "code generation failed: %s", strerror(-r));
        }
        aidl_program_free(p);
        return r;
}

int main(int argc, char **argv)
{
        options o = {0};
        parse_args(argc, argv, &o);
        aidl_fileio io = aidl_fileio_posix();
        aidl_diags *d = aidl_diags_new();
        int r = o.check_old ? check_api(&o, &io, d) : compile(&o, &io, d);
        aidl_diags_print(d, stderr);
        int status = r < 0 || aidl_diags_errors(d) > 0 ? 1 : 0;
        aidl_diags_free(d);
        free(o.roots);
        free(o.files);
        return status;
}
