/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbufferd-fake-v4l2's device ops (server/v4l2_seam.h): the fake stateful
 * decoder of tests/vendor/fake_v4l2.c, one for the process, behind the
 * unchanged server/main.c. A test binary only: never installed.
 */
#include <stdlib.h>

#include <avbuffer/log.h>

#include "fake_v4l2.h"
#include "v4l2_seam.h"

const struct avb_v4l2_dev_ops *avbd_v4l2_dev_ops(void **ret_ctx)
{
        static struct fake_v4l2 *fake; /* lives as long as the process */

        if (!fake)
                fake = fake_v4l2_new();
        if (!fake) {
                avb_log(AVB_LOG_ERROR, "cannot make the fake V4L2 decoder");
                abort(); /* never the real devices in a test binary */
        }
        avb_log(AVB_LOG_WARNING, "test build: the v4l2 device is the fake decoder of "
                                 "tests/vendor/fake_v4l2.c");
        *ret_ctx = fake;
        return &fake_v4l2_ops;
}
