/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The v4l2 VPU backend: the ops of vpu.h on a real V4L2 mem2mem stateful
 * decoder (/dev/videoN), multi-planar API (V4L2_CAP_VIDEO_M2M_MPLANE).
 *
 *  VPU op              V4L2
 *  open                open(O_RDWR|O_NONBLOCK), QUERYCAP, SUBSCRIBE_EVENT
 *                      (SOURCE_CHANGE, EOS)
 *  set_format          S_FMT OUTPUT (coded) and S_FMT CAPTURE (NV12 hint)
 *  stream_on(INPUT)    REQBUFS OUTPUT (+ QUERYBUF, mmap with MMAP), STREAMON
 *  queue_input         QBUF OUTPUT (MMAP: coded bytes copied into the V4L2
 *                      buffer; DMABUF: a dma-buf of the AV buffer itself)
 *  dequeue_input       DQBUF OUTPUT
 *  dequeue_event       DQEVENT; SOURCE_CHANGE reads G_FMT CAPTURE (+
 *                      G_SELECTION, G_CTRL MIN_BUFFERS_FOR_CAPTURE); buffers
 *                      that come back with V4L2_BUF_FLAG_ERROR and device
 *                      failures become AVB_VPU_EVENT_ERROR
 *  queue_output        first call after a SOURCE_CHANGE: S_FMT CAPTURE,
 *                      REQBUFS CAPTURE; then QBUF CAPTURE (MMAP: into a V4L2
 *                      buffer, copied to the frame block at dequeue, padding
 *                      removed; DMABUF: a dma-buf of the frame block). Blocks
 *                      queued before the first SOURCE_CHANGE, or during a
 *                      resolution change, are held and queued when the
 *                      capture queue exists
 *  stream_on(OUTPUT)   STREAMON CAPTURE (asked before the capture queue
 *                      exists: done at SOURCE_CHANGE)
 *  stream_off(OUTPUT)  STREAMOFF CAPTURE, REQBUFS 0: the first half of the
 *                      capture reallocation on a resolution change
 *  resolution change   done by the backend for callers that keep streaming:
 *                      after the old size's LAST buffer, STREAMOFF, REQBUFS 0,
 *                      G_FMT, REQBUFS, STREAMON; then SOURCE_CHANGE, and no
 *                      frame of the new size before the caller took it (the
 *                      blocks the device held come back empty)
 *  drain               DECODER_CMD V4L2_DEC_CMD_STOP; the buffer with
 *                      V4L2_BUF_FLAG_LAST comes back with AVB_VPU_BUF_LAST,
 *                      then EOS (held until that buffer is dequeued)
 *  flush               STREAMOFF/STREAMON of the streaming queues
 *  poll_fd             an epoll set holding the device: POLLIN whenever the
 *                      device has a buffer or an event to dequeue
 *
 * Limits: no secure sessions (open refuses secure with -EOPNOTSUPP: a
 * secure decoder needs the SoC's own protected-memory path); video codecs
 * only (H.264, HEVC); DMABUF needs page-aligned frame blocks (profile
 * alignment 4096) and /dev/udmabuf. All device calls go through dev_ops.
 */
#ifndef AVB_VPU_V4L2VPU_H
#define AVB_VPU_V4L2VPU_H

#include <stdbool.h>
#include <stdint.h>

#include "v4l2_dev.h"
#include "vpu.h"

enum avb_v4l2vpu_memory {
        AVB_V4L2VPU_MMAP = 0,   /* device buffers, one copy each way */
        AVB_V4L2VPU_DMABUF = 1, /* the AV buffers themselves, zero copy */
};

struct avb_v4l2vpu_config {
        const char *device; /* e.g. "/dev/video0"; copied */
        enum avb_v4l2vpu_memory memory;
        uint32_t input_buffers;      /* OUTPUT queue depth; 0: 8 */
        uint32_t output_buffers;     /* CAPTURE buffers at least; 0: the device's minimum */
        uint32_t coded_buffer_bytes; /* OUTPUT sizeimage; 0: 1 MiB */
        const struct avb_v4l2_dev_ops *dev_ops; /* NULL: avb_v4l2_dev_system */
        void *dev_ctx;
};

/*
 * A device on cfg->device. In MMAP mode the non-secure heap of mem is mapped
 * now, read-only, and its frame-pool regions read-write; with no regions the
 * heap is mapped read-write and any block in it may take frames. The node is
 * opened per session. Errors: -EINVAL (config), -ENOMEM, or a mapping error.
 */
int avb_v4l2vpu_new(const struct avb_v4l2vpu_config *cfg, const struct avb_vpu_memory *mem,
                    struct avb_vpu *ret_vpu);

#endif /* AVB_VPU_V4L2VPU_H */
