/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFFER_FMQ_AIDL_H
#define AVBUFFER_FMQ_AIDL_H

/*
 * A queue's descriptor (avb_fmq_desc) to and from the generated C type of
 * android.hardware.common.fmq.MQDescriptor<T, Flavor> (idl/android), the
 * form it takes in an AIDL method. The mapping is the one <avbuffer/fmq.h>
 * describes; NativeHandle.ints are not used (sent empty, ignored).
 */

#include <avbuffer/fmq.h>

#include "android_hardware_common_fmq.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Fills *ret, an _init'ed MQDescriptor (its old content freed first), with
 * desc's grantors, quantum, flags and duplicates of its fds (close-on-exec,
 * owned by *ret: its _fini closes them). -EINVAL for a descriptor with more
 * grantors or fds than a queue has, -ENOMEM, -errno of dup; *ret untouched
 * on failure.
 */
AVB_EXPORT int avb_fmq_desc_to_aidl(const avb_fmq_desc *desc,
                                    android_hardware_common_fmq_MQDescriptor *ret);
/*
 * Fills *ret_desc from m, with duplicates of m's fds (owned by *ret_desc:
 * avb_fmq_desc_fini closes them). -EINVAL for too many grantors or fds, or
 * a null fd; -errno of dup; *ret_desc untouched on failure. Validation of
 * the queue itself is avb_fmq_open's.
 */
AVB_EXPORT int avb_fmq_desc_from_aidl(const android_hardware_common_fmq_MQDescriptor *m,
                                      avb_fmq_desc *ret_desc);

#ifdef __cplusplus
}
#endif

#endif
