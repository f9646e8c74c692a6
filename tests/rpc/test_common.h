/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_TEST_COMMON_H
#define AVB_TEST_COMMON_H

/* cmocka helpers shared by the rpc test programs. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <avbuffer/rpc.h>

#define assert_status_ok(expr)                                                                     \
        do {                                                                                       \
                avb_status _s = (expr);                                                            \
                char _b[512];                                                                      \
                if (!avb_status_is_ok(&_s))                                                        \
                        fail_msg("%s: %s", #expr, avb_status_to_string(&_s, _b, sizeof(_b)));      \
        } while (0)

#define assert_transport(expr, ts)                                                                 \
        do {                                                                                       \
                avb_status _s = (expr);                                                            \
                char _b[512];                                                                      \
                if (_s.exception != AVB_EX_TRANSACTION_FAILED || _s.transport != (ts))             \
                        fail_msg("%s: expected %s, got %s", #expr, avb_transport_name(ts),         \
                                 avb_status_to_string(&_s, _b, sizeof(_b)));                       \
        } while (0)

#endif
