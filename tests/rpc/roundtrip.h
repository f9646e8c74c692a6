/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_TESTS_ROUNDTRIP_H
#define AVB_TESTS_ROUNDTRIP_H

/*
 * The round-trip test (roundtrip.c) and its ParcelFileDescriptor part
 * (roundtrip_fds.c): server ops and client test cases of test.rt.ITester.
 */

#include "test_rt.h"

#define assert_ok(st)                                                                              \
        do {                                                                                       \
                avb_status st_ = (st);                                                             \
                char buf_[512];                                                                    \
                if (!avb_status_is_ok(&st_))                                                       \
                        fail_msg("%s", avb_status_to_string(&st_, buf_, sizeof(buf_)));            \
        } while (0)

/* Server ops (roundtrip_fds.c). */
avb_status srv_echoFd(void *impl, avb_call *call, int fd, int *ret);
avb_status srv_echoMaybeFd(void *impl, avb_call *call, int fd, int *ret);
avb_status srv_reverseFds(void *impl, avb_call *call, const int *fds, size_t n, int **ret,
                          size_t *ret_count);
avb_status srv_echoFds(void *impl, avb_call *call, const test_rt_Fds *f, test_rt_Fds *ret);
avb_status srv_writeTo(void *impl, avb_call *call, int fd, const char *text);
avb_status srv_makePipe(void *impl, avb_call *call, const char *text, int *ret);
avb_status srv_fdCount(void *impl, avb_call *call, int32_t *ret);
avb_status srv_badFd(void *impl, avb_call *call, int *ret);
avb_status srv_makeQueue(void *impl, avb_call *call, int32_t n,
                         android_hardware_common_fmq_MQDescriptor *ret);

/* Client cases (state: the avb_binder * of the main server's object 0). */
void test_fds(void **state);
void test_fds_in_parcelable(void **state);
void test_fds_flat(void **state);
void test_fmq_through_aidl(void **state);

#endif
