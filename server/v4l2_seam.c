/* SPDX-License-Identifier: Apache-2.0 */
/* avbufferd's v4l2 device ops (v4l2_seam.h): the real system calls. */
#include <stddef.h>

#include "v4l2_dev.h"
#include "v4l2_seam.h"

const struct avb_v4l2_dev_ops *avbd_v4l2_dev_ops(void **ret_ctx)
{
        *ret_ctx = NULL;
        return &avb_v4l2_dev_system;
}
