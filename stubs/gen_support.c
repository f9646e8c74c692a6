/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpc_gen.h: the helpers generated code shares. Before they were here, every
 * generated .c file emitted its own static status_from_rc() and called
 * strdup(), which -std=c11 does not declare.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/rpc_gen.h>

avb_status avb_status_from_rc(int rc, const char *what, const char *bad_what)
{
        if (!what)
                what = "call";
        if (rc == -ENOMEM)
                return avb_status_transport(AVB_TS_NO_MEMORY, "%s: out of memory", what);
        if (rc == -ERANGE || rc == -EBADMSG || rc == -EINVAL)
                return avb_status_transport(AVB_TS_BAD_MESSAGE, "%s: %s", what,
                                            bad_what ? bad_what : "bad message");
        return avb_status_from_errno(rc, what);
}

char *avb_string_dup(const char *s)
{
        size_t n = s ? strlen(s) : 0;
        char *r = malloc(n + 1);

        if (!r)
                return NULL;
        if (n)
                memcpy(r, s, n);
        r[n] = '\0';
        return r;
}
