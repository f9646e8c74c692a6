/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_FRAME_HASH_H
#define AVBD_FRAME_HASH_H

/*
 * The SHA-1 a video decoder puts in a frame's metadata when the client sets
 * SHA1_CALC: over the visible picture, row by row, the luma plane and then
 * each chroma plane (for I420 that is what `ffmpeg -f framehash -hash
 * SHA160` prints for yuv420p). It lets a client check a secure frame it may
 * never map. The server reads the frame itself (vendor code may); the bytes
 * never leave it, only the digest does.
 *
 * Errors: -EINVAL (a format without a plane layout, or not I420/NV12),
 * -ENOENT (not a live handle), -ENOMEM. ret_digest untouched on failure.
 */

#include <stdint.h>

#include <avbuffer/vendor.h>

#include "vpu.h"

int avbd_frame_sha1(struct avb_vendor *v, int64_t handle, const struct avb_vpu_format *fmt,
                    uint8_t ret_digest[20]);

#endif
