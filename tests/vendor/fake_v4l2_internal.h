/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state of the fake V4L2 decoder, shared by fake_v4l2.c (the seam and
 * the ioctls) and fake_v4l2_decoder.c (the picture, the bitstream and the
 * decoding engine). Tests use fake_v4l2.h only.
 */
#ifndef AVB_TEST_FAKE_V4L2_INTERNAL_H
#define AVB_TEST_FAKE_V4L2_INTERNAL_H

#include <linux/videodev2.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/time.h>

#include "fake_v4l2.h"

#define FAKE_MAX_BUFS    32
#define FAKE_MAX_DEVS    4
#define FAKE_MAX_DMABUFS 96
#define FAKE_MAX_EVENTS  8
#define FAKE_PAGE        4096u
#define FAKE_MAGIC       0x564b4146u /* "FAKV" little endian */
#define FAKE_OUT         0
#define FAKE_CAP         1

enum fake_buf_state { FAKE_DEQUEUED = 0, FAKE_QUEUED, FAKE_DONE };

struct fake_buf {
        enum fake_buf_state state;
        uint8_t *mem; /* MMAP */
        size_t len;
        int dmabuf; /* DMABUF: fd given at QBUF */
        uint32_t bytesused, data_offset, flags, sequence;
        struct timeval timestamp;
};

struct fake_queue {
        uint32_t type;
        uint32_t memory;
        unsigned count;
        bool streaming;
        struct fake_buf bufs[FAKE_MAX_BUFS];
        unsigned fifo[FAKE_MAX_BUFS]; /* queued, in QBUF order */
        unsigned n_fifo;
        unsigned done[FAKE_MAX_BUFS]; /* done, in completion order */
        unsigned n_done;
};

struct fake_dev {
        int fd, wfd;
        bool signalled;
        struct fake_queue q[2];
        uint32_t coded_fourcc, coded_sizeimage;
        uint32_t cap_fourcc, width, height;
        bool sub_source_change, sub_eos;
        struct v4l2_event events[FAKE_MAX_EVENTS];
        unsigned n_events, event_seq;
        unsigned generation, alloc_generation; /* source changes / capture allocation */
        bool pending_last, last_done, draining;
        unsigned sequence;
};

struct fake_dmabuf {
        int fd;
        uint64_t offset, size;
};

struct fake_v4l2 {
        /* Held by every op of the seam and by fake_v4l2_fail: avbufferd's
         * decoders drive it from several threads (avbufferd-fake-v4l2). */
        pthread_mutex_t lock;
        struct fake_dev *devs[FAKE_MAX_DEVS];
        struct fake_dmabuf dmabufs[FAKE_MAX_DMABUFS];
        unsigned long fail_request;
        int fail_err;
        bool broken;
        struct fake_v4l2_stats stats;
        char trace[16384];
        size_t trace_len;
};

struct fake_dev *fake_dev_of(struct fake_v4l2 *f, int fd);
struct fake_dmabuf *fake_dmabuf_of(struct fake_v4l2 *f, int fd);
/* bytesperline and sizeimage of the current capture format */
uint32_t fake_bpl(const struct fake_dev *d);
uint32_t fake_cap_sizeimage(const struct fake_dev *d);
/* Run the decoder as far as it goes, then update the descriptor's readiness. */
void fake_run(struct fake_v4l2 *f, struct fake_dev *d);

#endif /* AVB_TEST_FAKE_V4L2_INTERNAL_H */
