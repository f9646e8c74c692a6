/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_V4L2_SEAM_H
#define AVBD_V4L2_SEAM_H

/*
 * The device ops avbufferd puts under a v4l2 VPU (vendor/vpu/v4l2_dev.h),
 * chosen at link time: server/v4l2_seam.c in avbufferd (the real system
 * calls), tests/decode/fake_v4l2_seam.c in the test-only avbufferd-fake-v4l2
 * (the fake stateful decoder of tests/vendor/fake_v4l2.c). main.c is the
 * same in both.
 */

struct avb_v4l2_dev_ops;

/* The ops, and their ctx in *ret_ctx; called once, at start-up. */
const struct avb_v4l2_dev_ops *avbd_v4l2_dev_ops(void **ret_ctx);

#endif
