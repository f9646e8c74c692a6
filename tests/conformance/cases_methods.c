/* SPDX-License-Identifier: Apache-2.0 */
/* Interface-level checks: the stable-AIDL meta-methods. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"

static void version_and_hash(cf_ctx *c)
{
        avb_status st;
        int32_t version = -1;
        char *hash = NULL;

        st = cf_api_version(c->avb, &version);
        CF_EXPECT_OK(c, st, "getInterfaceVersion");
        CF_CHECK_EQ(c, version, cf_api_compiled_version(), "interface version");
        st = cf_api_hash(c->avb, &hash);
        CF_EXPECT_OK(c, st, "getInterfaceHash");
        if (!hash || strcmp(hash, cf_api_compiled_hash())) {
                char got[80];

                snprintf(got, sizeof(got), "%s", hash ? hash : "(null)");
                free(hash);
                CF_FAIL(c, "interface hash '%s', this suite was built for '%s'", got,
                        cf_api_compiled_hash());
        }
        free(hash);
}

const cf_case cf_cases_methods[] = {
    {"interface.version-and-hash", version_and_hash,
     "getInterfaceVersion/getInterfaceHash match the IDL the suite was built from"},
    {NULL, NULL, NULL},
};
