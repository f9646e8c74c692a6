/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "emit.h"

typedef int (*emit_fn)(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                       const aidl_fileio *io);

int aidl_emit_all(const aidl_program *p, const aidl_emit_options *o, const aidl_fileio *io,
                  aidl_diags *diags)
{
        static const struct {
                emit_fn fn;
                const char *what;
        } emitters[] = {
            {aidl_emit_proto, "proto"},       {aidl_emit_c_header, "C header"},
            {aidl_emit_c_types, "C types"},   {aidl_emit_c_client, "C client"},
            {aidl_emit_c_server, "C server"},
        };

        for (const aidl_package *pkg = p->packages; pkg; pkg = pkg->next) {
                if (!pkg->emit)
                        continue;
                for (size_t i = 0; i < sizeof(emitters) / sizeof(emitters[0]); i++) {
                        int rc = emitters[i].fn(p, pkg, o, io);
                        if (rc < 0) {
                                aidl_error(diags, NULL,
                                           "cannot write the %s of package %s into %s: %s",
                                           emitters[i].what, pkg->name, o->outdir, strerror(-rc));
                                return rc;
                        }
                }
        }
        return 0;
}
