/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_API_H
#define AIDLC_API_H

/*
 * The front end's entry points for the driver, the emitters and the tests:
 * compiling a set of files, the canonical text of types (--dumpapi), the
 * interface hash (getInterfaceHash) and the compatibility check (--checkapi).
 *
 * The canonical text is valid AIDL: every top-level type is preceded by its
 * own `package` line, types are sorted by qualified name, type references are
 * fully qualified, whitespace is normalized, comments are dropped, constants
 * and enumerators carry their evaluated values and only the annotations that
 * change the meaning (@VintfStability, @utf8InCpp, @nullable, @Backing) are
 * kept.
 */

#include <stddef.h>

#include "ast.h"
#include "diag.h"
#include "fileio.h"

/*
 * Loads `files` (as given on the command line), every import they need from
 * the -I `roots` (searched in order), resolves and validates. Diagnostics go
 * to `d`. Returns 0 when no error was reported, -EINVAL otherwise (or another
 * -errno for a failure that is not the input's fault).
 */
int aidl_compile(aidl_program *p, const char *const *roots, size_t n_roots,
                 const char *const *files, size_t n_files, const aidl_fileio *io, aidl_diags *d);

/*
 * The canonical text of one top-level type declaration (with its `package`
 * line and its nested types), allocated from `a`. The tree must have been
 * resolved and validated.
 */
char *aidl_dump_decl(struct aidl_arena *a, const aidl_decl *type);

/*
 * The canonical text of every top-level type of the packages to emit (the
 * files given on the command line), sorted by qualified name: what
 * `aidlc --dumpapi` writes.
 */
char *aidl_dump_canonical(struct aidl_arena *a, const aidl_program *p);

/*
 * The hash getInterfaceHash() returns: lowercase hex (32 characters) of the
 * 16-byte libsodium crypto_generichash over the canonical text of the
 * interface's top-level type followed by that of every top-level type it
 * refers to, directly or not (sorted by qualified name, each once).
 * Allocated from `a`; NULL only if libsodium fails to initialize.
 */
const char *aidl_interface_hash(struct aidl_arena *a, const aidl_decl *iface);

/*
 * Compares two dumps written by --dumpapi: reports (as errors in `d`, located
 * in the new dump, or in the old one for removed things) every change that
 * breaks clients of the old version. Returns 0 when compatible, -EINVAL when
 * a change is incompatible or a dump does not parse.
 */
int aidl_check_api(const char *old_path, const char *old_text, size_t old_len, const char *new_path,
                   const char *new_text, size_t new_len, aidl_diags *d);

#endif
