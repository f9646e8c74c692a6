/* SPDX-License-Identifier: Apache-2.0 */
/*
 * State of the v4l2 VPU backend shared by v4l2vpu.c (device, session,
 * formats, streaming) and v4l2vpu_buf.c (buffers, events). Not for use
 * outside vendor/vpu/v4l2vpu*.c.
 */
#ifndef AVB_VPU_V4L2VPU_INTERNAL_H
#define AVB_VPU_V4L2VPU_INTERNAL_H

#include <linux/videodev2.h>
#include <stdbool.h>

#include "v4l2vpu.h"

#define V4L2VPU_MAX_SLOTS  32
#define V4L2VPU_MAX_EVENTS 16
#define V4L2VPU_PATH_MAX   64
#define V4L2VPU_PTS_RING   64 /* frames the decoder may hold back (reordering) */

struct v4l2vpu_dev {
        struct avb_v4l2vpu_config cfg; /* device points at path */
        char path[V4L2VPU_PATH_MAX];
        const struct avb_v4l2_dev_ops *ops;
        void *ctx;
        struct avb_vpu_memory mem;
        /* MMAP mode: the heap read-only (read-write when no regions are given),
         * the frame-pool regions read-write */
        uint8_t *heap_map[2];
        uint8_t *region_map[AVB_VPU_MAX_REGIONS];
        size_t region_map_len[AVB_VPU_MAX_REGIONS];
        uint32_t region_map_skew[AVB_VPU_MAX_REGIONS]; /* region offset - mapped offset */
};

/* One V4L2 buffer index of a queue. */
struct v4l2vpu_slot {
        bool queued;                 /* owned by the device */
        struct avb_vpu_buf buf;      /* the caller's reference while queued */
        void *map[VIDEO_MAX_PLANES]; /* MMAP: the device buffer's planes */
        size_t map_len[VIDEO_MAX_PLANES];
        int dmabuf; /* DMABUF: exported for this queueing, or -1 */
};

struct v4l2vpu_queue {
        uint32_t type; /* V4L2_BUF_TYPE_VIDEO_{OUTPUT,CAPTURE}_MPLANE */
        struct v4l2vpu_slot slots[V4L2VPU_MAX_SLOTS];
        unsigned n_slots; /* from REQBUFS; 0: not allocated */
        unsigned n_planes;
        bool streaming;
};

struct v4l2vpu_sess {
        struct v4l2vpu_dev *dev;
        int fd;
        int epoll_fd;  /* the node and notify_fd: what poll_fd gives */
        int notify_fd; /* eventfd, readable while the backend has something of its own */
        bool notified;
        bool secure;
        struct v4l2vpu_queue q[2]; /* [AVB_VPU_INPUT], [AVB_VPU_OUTPUT] */
        struct avb_vpu_format coded;
        struct avb_vpu_format frame;   /* latest, as the caller sees it (get_format) */
        struct avb_vpu_format active;  /* of the allocated capture buffers */
        struct v4l2_format cap_fmt;    /* active, as the device lays it out */
        uint32_t visible_w, visible_h; /* latest visible rectangle */
        bool have_frame;               /* a SOURCE_CHANGE was seen */
        bool need_realloc;             /* capture buffers must be (re)allocated */
        bool draining;                 /* STOP sent, LAST not yet seen */
        bool after_last;               /* LAST seen: capture returns nothing more */
        /*
         * For callers that queue frame blocks before the first SOURCE_CHANGE and
         * never stream the output queue off on a resolution change: blocks held
         * until the capture queue exists, blocks handed back empty after an
         * automatic reallocation, and a stream_on(OUTPUT) asked for too early.
         */
        struct avb_vpu_buf parked[V4L2VPU_MAX_SLOTS];
        unsigned n_parked;
        struct avb_vpu_buf returned[2 * V4L2VPU_MAX_SLOTS];
        unsigned n_returned;
        bool want_capture;
        /*
         * A resolution change mid-stream is announced when its LAST buffer is
         * out (change_deferred until then; the old capture queue takes blocks
         * meanwhile, as LAST comes in one of them), and frames of the new size wait
         * until the caller took the SOURCE_CHANGE (hold_frames): the event
         * separates the old frames from the new ones for every caller.
         */
        bool change_deferred;
        bool hold_frames;
        bool eos_deferred; /* EOS waits for the LAST frame to be dequeued */
        bool eos_pending;  /* an empty EOS input buffer to hand back */
        struct avb_vpu_buf eos_buf;
        int dead; /* 0, or the -errno every op now fails with */
        /* V4L2 timestamps are keys: the decoder copies them to the frames */
        uint64_t next_key;
        struct {
                uint64_t key;
                int64_t pts_ns;
        } pts[V4L2VPU_PTS_RING];
        struct avb_vpu_event events[V4L2VPU_MAX_EVENTS]; /* synthesised, FIFO */
        unsigned n_events;
};

/* ioctl through the seam; a failure that means the device is gone kills the session. */
int v4l2vpu_ioctl(struct v4l2vpu_sess *s, unsigned long request, void *arg);
/* Make notify_fd readable exactly while events, returned blocks or the EOS marker wait. */
void v4l2vpu_notify(struct v4l2vpu_sess *s);
/* Queue a synthesised event (dropped when full: the first error is what counts). */
/* The description fields of fmt (vpu.h) from a CAPTURE format: coded and
 * visible size, scan from the field order, colour from the colorspace
 * fields; SAR and frame rate unknown (0/0), V4L2 has no field for them. */
void v4l2vpu_describe(const struct v4l2_pix_format_mplane *pix, uint32_t vis_w, uint32_t vis_h,
                      struct avb_vpu_format *fmt);
void v4l2vpu_push_event(struct v4l2vpu_sess *s, enum avb_vpu_event_type type, int error,
                        uint64_t cookie);
/* Forget one buffer: close its dma-buf, mark it free. */
void v4l2vpu_queue_reset_slot(struct v4l2vpu_sess *s, struct v4l2vpu_slot *slot);
/* DECODER_CMD STOP; sets draining. */
int v4l2vpu_send_stop(struct v4l2vpu_sess *s);
/* Forget every buffer of a queue (after STREAMOFF): close dma-bufs, mark free. */
void v4l2vpu_queue_reset(struct v4l2vpu_sess *s, struct v4l2vpu_queue *q);
/* REQBUFS count on q (0 frees; MMAP buffers are mapped/unmapped). */
int v4l2vpu_reqbufs(struct v4l2vpu_sess *s, struct v4l2vpu_queue *q, unsigned count);

/* A deferred resolution change: reallocate the capture queue, then announce it. */
void v4l2vpu_change_over(struct v4l2vpu_sess *s);
/* Forget parked and returned blocks (the caller has them back). */
void v4l2vpu_forget_blocks(struct v4l2vpu_sess *s);

/* The buffer and event ops of the table (v4l2vpu_buf.c). */
int v4l2vpu_queue_input(void *sess, const struct avb_vpu_buf *buf);
int v4l2vpu_queue_output(void *sess, const struct avb_vpu_buf *buf);
int v4l2vpu_dequeue_input(void *sess, struct avb_vpu_buf *ret_buf);
int v4l2vpu_dequeue_output(void *sess, struct avb_vpu_buf *ret_buf);
int v4l2vpu_dequeue_event(void *sess, struct avb_vpu_event *ret_ev);

#endif /* AVB_VPU_V4L2VPU_INTERNAL_H */
