/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_EMIT_H
#define AIDLC_EMIT_H

/*
 * The emitters. Each writes one kind of output for one package of a program
 * that resolved and validated without errors (see docs/aidl-c-mapping.md).
 * They return 0 or -errno (from the file I/O); they report nothing to the
 * diagnostics list except I/O failures.
 */

#include "ast.h"
#include "diag.h"
#include "fileio.h"

typedef struct aidl_emit_options {
        const char *outdir;
        int interface_version; /* stable-AIDL version compiled in (default 1) */
} aidl_emit_options;

int aidl_emit_proto(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                    const aidl_fileio *io);
int aidl_emit_c_header(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                       const aidl_fileio *io);
int aidl_emit_c_types(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                      const aidl_fileio *io);
int aidl_emit_c_client(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                       const aidl_fileio *io);
int aidl_emit_c_server(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                       const aidl_fileio *io);

/* Runs every emitter for every package with `emit` set. */
int aidl_emit_all(const aidl_program *p, const aidl_emit_options *o, const aidl_fileio *io,
                  aidl_diags *diags);

#endif
