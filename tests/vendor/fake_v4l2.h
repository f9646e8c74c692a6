/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fake V4L2 mem2mem stateful decoder behind the device seam of the v4l2
 * VPU backend (vendor/vpu/v4l2_dev.h), for tests.
 *
 * It plays the protocol of the V4L2 stateful decoder interface strictly
 * enough to catch a client that gets it wrong: QBUF before REQBUFS, QBUF of
 * a queued buffer, STREAMON without buffers, REQBUFS or S_FMT while
 * streaming... fail with EINVAL or EBUSY as the kernel would. Single-planar
 * formats on the multi-planar API (one plane per buffer); MMAP and DMABUF.
 *
 * The "bitstream" is a 16-byte header per buffer (fake_v4l2_encode): the
 * frame's geometry and number. The first header, and any header with a new
 * geometry, raise V4L2_EVENT_SOURCE_CHANGE; mid-stream the decoder first
 * returns a capture buffer with V4L2_BUF_FLAG_LAST, then waits for the
 * client's capture reallocation (STREAMOFF, REQBUFS 0, G_FMT, REQBUFS,
 * STREAMON). A header without the magic is a corrupt buffer: it comes back
 * with V4L2_BUF_FLAG_ERROR and no frame. V4L2_DEC_CMD_STOP drains: the last
 * frame carries V4L2_BUF_FLAG_LAST, then V4L2_EVENT_EOS.
 *
 * Frames are NV12 (or YUV420) with bytesperline = width rounded up to 128,
 * padding bytes FAKE_V4L2_PAD, pixels fake_v4l2_pixel().
 *
 * Descriptors: the device fd is the read end of a pipe that is readable
 * whenever a buffer or an event can be dequeued, so an epoll set on it
 * behaves like one on a real node. dma-bufs are dup()s of the memfd with
 * their range remembered. Descriptors that are not the fake's go to the
 * real system calls.
 *
 * Threads: the ops and fake_v4l2_fail() take the fake's lock, so sessions
 * may be driven from several threads (avbufferd-fake-v4l2 does, from its
 * RPC and worker threads). fake_v4l2_stats() and fake_v4l2_trace() give
 * the live state: read them while no other thread drives the fake.
 */
#ifndef AVB_TEST_FAKE_V4L2_H
#define AVB_TEST_FAKE_V4L2_H

#include <stddef.h>
#include <stdint.h>

#include "vpu/v4l2_dev.h"

#define FAKE_V4L2_HEADER_BYTES 16
#define FAKE_V4L2_PAD          0xee
#define FAKE_V4L2_MIN_CAPTURE  3

struct fake_v4l2;

struct fake_v4l2_stats {
        unsigned frames;  /* decoded */
        unsigned corrupt; /* input buffers returned with ERROR */
        unsigned source_changes;
        unsigned eos;
        unsigned open_fds; /* device and dma-buf descriptors still open */
};

extern const struct avb_v4l2_dev_ops fake_v4l2_ops; /* ctx: struct fake_v4l2 * */

struct fake_v4l2 *fake_v4l2_new(void);
void fake_v4l2_free(struct fake_v4l2 *f);

/* The next ioctl with this request fails with -err; request 0: every ioctl, for good. */
void fake_v4l2_fail(struct fake_v4l2 *f, unsigned long request, int err);
const struct fake_v4l2_stats *fake_v4l2_stats(const struct fake_v4l2 *f);
/*
 * The ioctls so far, one token each separated by spaces: "QBUF:O", "REQBUFS:C:0",
 * "G_FMT:C", "STREAMON:C", "DECODER_CMD:STOP", ... (O: OUTPUT, C: CAPTURE).
 */
const char *fake_v4l2_trace(const struct fake_v4l2 *f);

/* A coded buffer for a frame n of w x h into dst (FAKE_V4L2_HEADER_BYTES). */
void fake_v4l2_encode(uint8_t *dst, uint32_t w, uint32_t h, uint32_t n);
/* The value of frame n at (x, y) of component c (0 luma, 1 chroma row). */
uint8_t fake_v4l2_pixel(uint32_t n, unsigned c, uint32_t x, uint32_t y);

#endif /* AVB_TEST_FAKE_V4L2_H */
