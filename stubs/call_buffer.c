/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The buffers of a call (rpc_gen.h): freeing a request or a reply (zeroed
 * first when the method is @SensitiveData) and a method's flags. Below
 * binder.c, the transports and gen_support.c, which all use them.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/rpc.h>
#include <avbuffer/rpc_gen.h>

#include "testing.h"

/* Sensitive buffers zeroed so far, for tests (avb_rpc_test_zeroed_buffers). */
static _Atomic uint64_t zeroed_buffers;

void avb_buffer_free(void *p, size_t len, uint32_t flags)
{
        if (p && (flags & AVB_METHOD_SENSITIVE)) {
                explicit_bzero(p, len);
                atomic_fetch_add(&zeroed_buffers, 1);
        }
        free(p);
}

uint32_t avb_method_flags(const struct avb_interface_desc *iface, uint32_t code)
{
        if (!iface || !iface->methods || code < AVB_FIRST_CALL ||
            code - AVB_FIRST_CALL >= iface->n_methods)
                return 0;
        return iface->methods[code - AVB_FIRST_CALL].flags;
}

uint64_t avb_rpc_test_zeroed_buffers(void)
{
        return atomic_load(&zeroed_buffers);
}
