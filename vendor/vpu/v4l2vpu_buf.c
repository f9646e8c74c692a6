/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The v4l2 VPU backend (v4l2vpu.h): queueing and dequeueing buffers on both
 * queues, events, and the capture (re)allocation after a source change.
 *
 * MMAP: coded bytes are copied from the heap into the V4L2 buffer at
 * queue_input; a decoded frame is copied from the V4L2 buffer into the frame
 * block at dequeue_output, rows packed (the device's bytesperline padding
 * and any rows below the visible height are dropped).
 * DMABUF: each queueing exports the AV buffer's own pages as a dma-buf and
 * the device reads and writes them in place; the dma-buf is closed when the
 * buffer comes back.
 */
#include <errno.h>
#include <string.h>

#include "v4l2vpu_internal.h"

#define V4L2VPU_PAGE 4096ull
#define NS_PER_S     1000000000ll

static uint64_t page_down(uint64_t v)
{
        return v & ~(V4L2VPU_PAGE - 1);
}

static uint64_t page_up(uint64_t v)
{
        return page_down(v + V4L2VPU_PAGE - 1);
}

static uint32_t v4l2vpu_memory(const struct v4l2vpu_sess *s)
{
        return s->dev->cfg.memory == AVB_V4L2VPU_DMABUF ? V4L2_MEMORY_DMABUF : V4L2_MEMORY_MMAP;
}

static int v4l2vpu_free_slot(const struct v4l2vpu_queue *q)
{
        for (unsigned i = 0; i < q->n_slots; i++)
                if (!q->slots[i].queued)
                        return (int)i;
        return -EAGAIN;
}

/* ---- timestamps ---------------------------------------------------------- */

static struct timeval v4l2vpu_pts_key(struct v4l2vpu_sess *s, int64_t pts_ns)
{
        uint64_t key = ++s->next_key;

        s->pts[key % V4L2VPU_PTS_RING].key = key;
        s->pts[key % V4L2VPU_PTS_RING].pts_ns = pts_ns;
        return (struct timeval){.tv_sec = (time_t)(key / 1000000),
                                .tv_usec = (long)(key % 1000000)};
}

static int64_t v4l2vpu_pts_of(const struct v4l2vpu_sess *s, const struct timeval *tv)
{
        uint64_t key = (uint64_t)tv->tv_sec * 1000000 + (uint64_t)tv->tv_usec;

        if (key && s->pts[key % V4L2VPU_PTS_RING].key == key)
                return s->pts[key % V4L2VPU_PTS_RING].pts_ns;
        return (int64_t)tv->tv_sec * NS_PER_S + (int64_t)tv->tv_usec * 1000;
}

/* ---- input (V4L2 OUTPUT) ------------------------------------------------- */

static int v4l2vpu_fill_input(struct v4l2vpu_sess *s, struct v4l2vpu_slot *slot,
                              const struct avb_vpu_buf *buf, struct v4l2_plane *plane)
{
        const struct v4l2vpu_dev *d = s->dev;
        uint64_t first, last;
        int r;

        if (v4l2vpu_memory(s) == V4L2_MEMORY_MMAP) {
                if (buf->size > slot->map_len[0] || !d->heap_map[0])
                        return -EINVAL;
                memcpy(slot->map[0], d->heap_map[0] + buf->offset, buf->size);
                plane->bytesused = buf->size;
                return 0;
        }
        first = page_down(buf->offset);
        last = page_up((uint64_t)buf->offset + buf->size);
        if (last > d->mem.heap_size[0])
                last = d->mem.heap_size[0];
        r = d->ops->export_dmabuf(d->ctx, d->mem.heap_fd[0], first, last - first, &slot->dmabuf);
        if (r < 0)
                return r;
        plane->m.fd = slot->dmabuf;
        plane->length = (uint32_t)(last - first);
        plane->data_offset = (uint32_t)(buf->offset - first);
        plane->bytesused = plane->data_offset + buf->size;
        return 0;
}

int v4l2vpu_queue_input(void *sess, const struct avb_vpu_buf *buf)
{
        struct v4l2vpu_sess *s = sess;
        struct v4l2vpu_queue *q = &s->q[AVB_VPU_INPUT];
        struct v4l2_plane plane = {0};
        struct v4l2_buffer b = {
            .type = q->type, .memory = v4l2vpu_memory(s), .m.planes = &plane, .length = 1};
        int idx, r;

        if (s->dead)
                return s->dead;
        if (q->n_slots == 0)
                return -EBADFD;
        if (buf->secure || (uint64_t)buf->offset + buf->size > s->dev->mem.heap_size[0] ||
            (buf->size == 0 && !(buf->flags & AVB_VPU_BUF_EOS)))
                return -EINVAL;
        if (buf->size == 0) {
                /* V4L2 has no empty end-of-stream buffer: STOP instead, and hand it back. */
                if (s->eos_pending)
                        return -EAGAIN;
                r = v4l2vpu_send_stop(s);
                if (r < 0)
                        return r;
                s->eos_pending = true;
                s->eos_buf = *buf;
                v4l2vpu_notify(s);
                return 0;
        }
        idx = v4l2vpu_free_slot(q);
        if (idx < 0)
                return idx;
        b.index = (uint32_t)idx;
        r = v4l2vpu_fill_input(s, &q->slots[idx], buf, &plane);
        if (r == 0) {
                b.timestamp = v4l2vpu_pts_key(s, buf->pts_ns);
                r = v4l2vpu_ioctl(s, VIDIOC_QBUF, &b);
        }
        if (r < 0) {
                v4l2vpu_queue_reset_slot(s, &q->slots[idx]);
                return r;
        }
        q->slots[idx].queued = true;
        q->slots[idx].buf = *buf;
        /* The buffer is queued: a refused STOP only loses the drain, say so by event. */
        if ((buf->flags & AVB_VPU_BUF_EOS) && (r = v4l2vpu_send_stop(s)) < 0 && r != -ENODEV)
                v4l2vpu_push_event(s, AVB_VPU_EVENT_ERROR, r, buf->cookie);
        return 0;
}

int v4l2vpu_dequeue_input(void *sess, struct avb_vpu_buf *ret_buf)
{
        struct v4l2vpu_sess *s = sess;
        struct v4l2vpu_queue *q = &s->q[AVB_VPU_INPUT];
        struct v4l2_plane plane = {0};
        struct v4l2_buffer b = {
            .type = q->type, .memory = v4l2vpu_memory(s), .m.planes = &plane, .length = 1};
        struct v4l2vpu_slot *slot;
        int r;

        if (s->dead)
                return s->dead;
        if (s->eos_pending) {
                s->eos_pending = false;
                *ret_buf = s->eos_buf;
                v4l2vpu_notify(s);
                return 0;
        }
        r = v4l2vpu_ioctl(s, VIDIOC_DQBUF, &b);
        if (r < 0)
                return r;
        if (b.index >= q->n_slots || !q->slots[b.index].queued)
                return -EPROTO;
        slot = &q->slots[b.index];
        *ret_buf = slot->buf;
        if (b.flags & V4L2_BUF_FLAG_ERROR) {
                ret_buf->flags |= AVB_VPU_BUF_ERROR;
                v4l2vpu_push_event(s, AVB_VPU_EVENT_ERROR, -EBADMSG, slot->buf.cookie);
        }
        v4l2vpu_queue_reset_slot(s, slot);
        return 0;
}

/* ---- output (V4L2 CAPTURE) ----------------------------------------------- */

/*
 * The caller's view of a capture format: packed (MMAP, we copy) or the
 * device's own layout (DMABUF, the device writes the block).
 */
static int v4l2vpu_frame_format(const struct v4l2vpu_sess *s, const struct v4l2_format *f,
                                uint32_t vis_w, uint32_t vis_h, struct avb_vpu_format *ret)
{
        const struct v4l2_pix_format_mplane *pix = &f->fmt.pix_mp;
        bool nv12 = pix->pixelformat == V4L2_PIX_FMT_NV12 || pix->pixelformat == V4L2_PIX_FMT_NV12M;
        bool i420 =
            pix->pixelformat == V4L2_PIX_FMT_YUV420 || pix->pixelformat == V4L2_PIX_FMT_YUV420M;
        uint32_t w = vis_w, h = vis_h, stride = w, rows = h;
        struct avb_vpu_format out = s->coded;

        if ((!nv12 && !i420) || !w || !h || (w & 1) || (h & 1))
                return -EOPNOTSUPP;
        if (s->dev->cfg.memory == AVB_V4L2VPU_DMABUF) {
                if (pix->num_planes != 1)
                        return -EOPNOTSUPP;
                stride = pix->plane_fmt[0].bytesperline;
                rows = pix->height;
        }
        out.pixfmt = nv12 ? AVB_VPU_FMT_NV12 : AVB_VPU_FMT_I420;
        out.width = w;
        out.height = h;
        out.n_planes = nv12 ? 2 : 3;
        out.plane_offset[0] = 0;
        out.plane_stride[0] = stride;
        out.plane_offset[1] = stride * rows;
        out.plane_stride[1] = nv12 ? stride : stride / 2;
        out.plane_offset[2] = nv12 ? 0 : stride * rows + stride / 2 * (rows / 2);
        out.plane_stride[2] = nv12 ? 0 : stride / 2;
        out.frame_bytes =
            s->dev->cfg.memory == AVB_V4L2VPU_DMABUF ? pix->plane_fmt[0].sizeimage : w * h / 2 * 3;
        v4l2vpu_describe(pix, vis_w, vis_h, &out);
        *ret = out;
        return 0;
}

/* The visible rectangle: G_SELECTION COMPOSE when the driver has it, else the format. */
static void v4l2vpu_visible(struct v4l2vpu_sess *s, const struct v4l2_format *f, uint32_t *ret_w,
                            uint32_t *ret_h)
{
        struct v4l2_selection sel = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                     .target = V4L2_SEL_TGT_COMPOSE};

        if (v4l2vpu_ioctl(s, VIDIOC_G_SELECTION, &sel) == 0 && sel.r.width && sel.r.height &&
            sel.r.width <= f->fmt.pix_mp.width && sel.r.height <= f->fmt.pix_mp.height) {
                *ret_w = sel.r.width;
                *ret_h = sel.r.height;
                return;
        }
        *ret_w = f->fmt.pix_mp.width;
        *ret_h = f->fmt.pix_mp.height;
}

static int v4l2vpu_source_change(struct v4l2vpu_sess *s)
{
        struct v4l2_format f = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE};
        struct v4l2_control ctrl = {.id = V4L2_CID_MIN_BUFFERS_FOR_CAPTURE};
        struct avb_vpu_format fmt;
        uint32_t w, h;
        int r;

        r = v4l2vpu_ioctl(s, VIDIOC_G_FMT, &f);
        if (r < 0)
                return r;
        v4l2vpu_visible(s, &f, &w, &h);
        r = v4l2vpu_frame_format(s, &f, w, h, &fmt);
        if (r < 0)
                return r;
        fmt.min_buffers = v4l2vpu_ioctl(s, VIDIOC_G_CTRL, &ctrl) == 0 && ctrl.value > 0
                              ? (uint32_t)ctrl.value
                              : 4;
        s->frame = fmt;
        s->visible_w = w;
        s->visible_h = h;
        s->have_frame = true;
        s->need_realloc = true;
        return 0;
}

/* After a source change: S_FMT (our pixel format), G_FMT, REQBUFS. */
static int v4l2vpu_alloc_capture(struct v4l2vpu_sess *s)
{
        struct v4l2vpu_queue *q = &s->q[AVB_VPU_OUTPUT];
        struct v4l2_format f = {.type = q->type};
        struct avb_vpu_format fmt;
        unsigned count;
        int r;

        if (q->streaming)
                return -EBADFD;
        r = v4l2vpu_ioctl(s, VIDIOC_G_FMT, &f);
        if (r < 0)
                return r;
        if (f.fmt.pix_mp.pixelformat !=
            (s->coded.pixfmt == AVB_VPU_FMT_I420 ? V4L2_PIX_FMT_YUV420 : V4L2_PIX_FMT_NV12)) {
                f.fmt.pix_mp.pixelformat =
                    s->coded.pixfmt == AVB_VPU_FMT_I420 ? V4L2_PIX_FMT_YUV420 : V4L2_PIX_FMT_NV12;
                r = v4l2vpu_ioctl(s, VIDIOC_S_FMT, &f);
                if (r < 0)
                        return r;
        }
        r = v4l2vpu_frame_format(s, &f, s->visible_w, s->visible_h, &fmt);
        if (r < 0)
                return r;
        /* As many as the device needs, the profile asks, and the caller already gave. */
        count = s->dev->cfg.output_buffers > s->frame.min_buffers ? s->dev->cfg.output_buffers
                                                                  : s->frame.min_buffers;
        if (count < s->n_parked)
                count = s->n_parked;
        r = v4l2vpu_reqbufs(s, q, count < V4L2VPU_MAX_SLOTS ? count : V4L2VPU_MAX_SLOTS);
        if (r < 0)
                return r;
        if (v4l2vpu_memory(s) == V4L2_MEMORY_MMAP)
                q->n_planes = q->n_planes ? q->n_planes : f.fmt.pix_mp.num_planes;
        else
                q->n_planes = 1;
        fmt.min_buffers = s->frame.min_buffers;
        s->frame = fmt;
        s->active = fmt;
        s->cap_fmt = f;
        s->need_realloc = false;
        return 0;
}

/* MMAP mode: where a frame block is in our read-write mapping of the regions. */
static uint8_t *v4l2vpu_block(const struct v4l2vpu_dev *d, const struct avb_vpu_buf *buf)
{
        if (d->mem.n_regions == 0)
                return d->heap_map[0] && !buf->secure &&
                               (uint64_t)buf->offset + buf->size <= d->mem.heap_size[0]
                           ? d->heap_map[0] + buf->offset
                           : NULL;
        for (size_t i = 0; i < d->mem.n_regions; i++) {
                const struct avb_vpu_region *reg = &d->mem.regions[i];

                if (d->region_map[i] && reg->secure == buf->secure && buf->offset >= reg->offset &&
                    (uint64_t)buf->offset + buf->size <= (uint64_t)reg->offset + reg->size)
                        return d->region_map[i] + d->region_map_skew[i] +
                               (buf->offset - reg->offset);
        }
        return NULL;
}

/* QBUF a frame block on the allocated capture queue. */
static int v4l2vpu_qbuf_block(struct v4l2vpu_sess *s, const struct avb_vpu_buf *buf)
{
        struct v4l2vpu_queue *q = &s->q[AVB_VPU_OUTPUT];
        struct v4l2_plane planes[VIDEO_MAX_PLANES] = {{0}};
        struct v4l2_buffer b = {.type = q->type, .memory = v4l2vpu_memory(s), .m.planes = planes};
        struct v4l2vpu_slot *slot;
        int idx, r;

        if (buf->secure || buf->size < s->active.frame_bytes)
                return -EINVAL;
        if (v4l2vpu_memory(s) == V4L2_MEMORY_MMAP ? !v4l2vpu_block(s->dev, buf)
                                                  : buf->offset % V4L2VPU_PAGE != 0)
                return -EINVAL;
        idx = v4l2vpu_free_slot(q);
        if (idx < 0)
                return idx;
        slot = &q->slots[idx];
        b.index = (uint32_t)idx;
        b.length = q->n_planes;
        if (v4l2vpu_memory(s) == V4L2_MEMORY_DMABUF) {
                uint64_t len = page_up(buf->size);

                if (buf->offset + len > s->dev->mem.heap_size[0])
                        len = s->dev->mem.heap_size[0] - buf->offset;
                r = s->dev->ops->export_dmabuf(s->dev->ctx, s->dev->mem.heap_fd[0], buf->offset,
                                               len, &slot->dmabuf);
                if (r < 0)
                        return r;
                planes[0].m.fd = slot->dmabuf;
                planes[0].length = (uint32_t)len;
        }
        r = v4l2vpu_ioctl(s, VIDIOC_QBUF, &b);
        if (r < 0) {
                v4l2vpu_queue_reset_slot(s, slot);
                return r;
        }
        slot->queued = true;
        slot->buf = *buf;
        return 0;
}

static void v4l2vpu_give_back(struct v4l2vpu_sess *s, const struct avb_vpu_buf *buf)
{
        struct avb_vpu_buf *r = &s->returned[s->n_returned++];

        *r = *buf;
        r->bytesused = 0;
        r->flags = 0;
        v4l2vpu_notify(s);
}

void v4l2vpu_forget_blocks(struct v4l2vpu_sess *s)
{
        s->n_parked = 0;
        s->n_returned = 0;
        v4l2vpu_notify(s);
}

/*
 * The capture reallocation done for the caller: at the first SOURCE_CHANGE
 * when it queued blocks early, and after the LAST buffer of a resolution
 * change when it keeps streaming. Blocks the device held, and parked blocks
 * that do not fit, come back empty from dequeue_output.
 */
static int v4l2vpu_auto_capture(struct v4l2vpu_sess *s)
{
        struct v4l2vpu_queue *q = &s->q[AVB_VPU_OUTPUT];
        int r;

        if (q->streaming) {
                r = v4l2vpu_ioctl(s, VIDIOC_STREAMOFF, &q->type);
                if (r < 0)
                        return r;
                q->streaming = false;
                for (unsigned i = 0; i < q->n_slots; i++)
                        if (q->slots[i].queued)
                                v4l2vpu_give_back(s, &q->slots[i].buf);
                r = v4l2vpu_reqbufs(s, q, 0);
                if (r < 0)
                        return r;
        }
        r = v4l2vpu_alloc_capture(s);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < s->n_parked; i++)
                if (v4l2vpu_qbuf_block(s, &s->parked[i]) < 0)
                        v4l2vpu_give_back(s, &s->parked[i]);
        s->n_parked = 0;
        r = v4l2vpu_ioctl(s, VIDIOC_STREAMON, &q->type);
        if (r < 0)
                return r;
        q->streaming = true;
        s->want_capture = false;
        s->after_last = false;
        return 0;
}

static void v4l2vpu_auto_capture_or_fail(struct v4l2vpu_sess *s)
{
        int r = v4l2vpu_auto_capture(s);

        if (r < 0 && !s->dead)
                v4l2vpu_push_event(s, AVB_VPU_EVENT_ERROR, r, 0);
}

/* The LAST buffer of the old resolution is out: reallocate, then announce. */
void v4l2vpu_change_over(struct v4l2vpu_sess *s)
{
        s->change_deferred = false;
        v4l2vpu_auto_capture_or_fail(s);
        v4l2vpu_push_event(s, AVB_VPU_EVENT_SOURCE_CHANGE, 0, 0);
        s->hold_frames = true;
}

int v4l2vpu_queue_output(void *sess, const struct avb_vpu_buf *buf)
{
        struct v4l2vpu_sess *s = sess;
        int r;

        if (s->dead)
                return s->dead;
        /*
         * A change waiting for its LAST buffer: the device returns LAST in a
         * queued capture buffer, so the old queue still takes blocks. Parked,
         * they would leave the device none once it has filled those it held,
         * and the change (and every coded buffer after it) would wait forever.
         */
        if (s->change_deferred && s->q[AVB_VPU_OUTPUT].streaming && v4l2vpu_qbuf_block(s, buf) == 0)
                return 0;
        /* Too early for the device: before the format is known, or mid-change. */
        if (!s->have_frame || (s->need_realloc && s->q[AVB_VPU_OUTPUT].streaming)) {
                if (buf->secure)
                        return -EINVAL;
                if (s->n_parked == V4L2VPU_MAX_SLOTS)
                        return -EAGAIN;
                s->parked[s->n_parked++] = *buf;
                return 0;
        }
        if (s->need_realloc) {
                r = v4l2vpu_alloc_capture(s);
                if (r < 0)
                        return r;
        }
        return v4l2vpu_qbuf_block(s, buf);
}

/* MMAP: copy the visible picture out of the device buffer, rows packed. */
static void v4l2vpu_copy_frame(const struct v4l2vpu_sess *s, const struct v4l2vpu_slot *slot,
                               uint8_t *dst)
{
        const struct v4l2_pix_format_mplane *pix = &s->cap_fmt.fmt.pix_mp;
        const struct avb_vpu_format *f = &s->active;
        bool nv12 = f->pixfmt == AVB_VPU_FMT_NV12;
        unsigned comps = f->n_planes;

        for (unsigned c = 0; c < comps; c++) {
                uint32_t rows = c ? f->height / 2 : f->height;
                uint32_t row_bytes = c && !nv12 ? f->width / 2 : f->width;
                const uint8_t *src;
                uint32_t stride;

                if (pix->num_planes == comps) {
                        src = slot->map[c];
                        stride = pix->plane_fmt[c].bytesperline;
                } else {
                        /* One contiguous plane: chroma after the coded (not visible) height. */
                        uint32_t bpl = pix->plane_fmt[0].bytesperline;

                        stride = c ? (nv12 ? bpl : bpl / 2) : bpl;
                        src = (const uint8_t *)slot->map[0] +
                              (c == 0 ? 0
                                      : bpl * pix->height +
                                            (c == 2 ? bpl / 2 * (pix->height / 2) : 0));
                }
                for (uint32_t y = 0; y < rows; y++)
                        memcpy(dst + f->plane_offset[c] + (size_t)y * row_bytes,
                               src + (size_t)y * stride, row_bytes);
        }
}

static int v4l2vpu_fetch_events(struct v4l2vpu_sess *s);

int v4l2vpu_dequeue_output(void *sess, struct avb_vpu_buf *ret_buf)
{
        struct v4l2vpu_sess *s = sess;
        struct v4l2vpu_queue *q = &s->q[AVB_VPU_OUTPUT];
        struct v4l2_plane planes[VIDEO_MAX_PLANES] = {{0}};
        struct v4l2_buffer b = {.type = q->type,
                                .memory = v4l2vpu_memory(s),
                                .m.planes = planes,
                                .length = VIDEO_MAX_PLANES};
        struct v4l2vpu_slot *slot;
        struct avb_vpu_buf out;
        uint32_t used = 0;
        int r;

        if (s->dead)
                return s->dead;
        if (s->n_returned) {
                *ret_buf = s->returned[0];
                memmove(&s->returned[0], &s->returned[1], --s->n_returned * sizeof(s->returned[0]));
                v4l2vpu_notify(s);
                return 0;
        }
        if (s->after_last || s->hold_frames || q->n_slots == 0)
                return -EAGAIN;
        r = v4l2vpu_ioctl(s, VIDIOC_DQBUF, &b);
        if (r == -EPIPE) {
                s->after_last = true;
                if (s->change_deferred)
                        v4l2vpu_change_over(s);
                return -EAGAIN;
        }
        if (r < 0)
                return r;
        if (b.index >= q->n_slots || !q->slots[b.index].queued)
                return -EPROTO;
        slot = &q->slots[b.index];
        out = slot->buf;
        for (unsigned p = 0; p < b.length && p < VIDEO_MAX_PLANES; p++)
                used += planes[p].bytesused;
        if (used && v4l2vpu_memory(s) == V4L2_MEMORY_MMAP) {
                v4l2vpu_copy_frame(s, slot, v4l2vpu_block(s->dev, &slot->buf));
                used = s->active.frame_bytes;
        }
        out.bytesused = used;
        out.pts_ns = v4l2vpu_pts_of(s, &b.timestamp);
        out.flags = 0;
        if (b.flags & V4L2_BUF_FLAG_ERROR) {
                out.flags |= AVB_VPU_BUF_ERROR;
                v4l2vpu_push_event(s, AVB_VPU_EVENT_ERROR, -EBADMSG, 0);
        }
        if (b.flags & V4L2_BUF_FLAG_LAST) {
                /*
                 * LAST ends a resolution change (its SOURCE_CHANGE is queued before it:
                 * fetch it) or else a drain; a drain asked during a change goes on after.
                 */
                s->after_last = true;
                if (!s->change_deferred)
                        (void)v4l2vpu_fetch_events(s);
                if (s->draining && !s->change_deferred) {
                        out.flags |= AVB_VPU_BUF_LAST;
                        s->draining = false;
                        if (s->eos_deferred)
                                v4l2vpu_push_event(s, AVB_VPU_EVENT_EOS, 0, 0);
                        s->eos_deferred = false;
                }
        }
        v4l2vpu_queue_reset_slot(s, slot);
        *ret_buf = out;
        if (s->after_last && s->change_deferred)
                v4l2vpu_change_over(s);
        return 0;
}

/* ---- events -------------------------------------------------------------- */

/* Translate the device's pending events into ours (or into change_deferred). */
static int v4l2vpu_fetch_events(struct v4l2vpu_sess *s)
{
        struct v4l2_event ev;
        int r;

        for (;;) {
                memset(&ev, 0, sizeof(ev));
                r = v4l2vpu_ioctl(s, VIDIOC_DQEVENT, &ev);
                if (r == -ENOENT)
                        return 0;
                if (r < 0)
                        return r; /* a dead device left an ERROR event */
                if (ev.type == V4L2_EVENT_EOS) {
                        /* Device order: the frames up to LAST come before EOS. */
                        if (s->draining)
                                s->eos_deferred = true;
                        else
                                v4l2vpu_push_event(s, AVB_VPU_EVENT_EOS, 0, 0);
                        continue;
                }
                if (ev.type != V4L2_EVENT_SOURCE_CHANGE ||
                    !(ev.u.src_change.changes & V4L2_EVENT_SRC_CH_RESOLUTION))
                        continue;
                r = v4l2vpu_source_change(s);
                if (r < 0) {
                        v4l2vpu_push_event(s, AVB_VPU_EVENT_ERROR, r, 0);
                        continue;
                }
                if (s->q[AVB_VPU_OUTPUT].streaming) {
                        s->change_deferred = true; /* announced with its LAST buffer */
                        continue;
                }
                v4l2vpu_push_event(s, AVB_VPU_EVENT_SOURCE_CHANGE, 0, 0);
                if (s->q[AVB_VPU_OUTPUT].n_slots == 0 && (s->n_parked || s->want_capture))
                        v4l2vpu_auto_capture_or_fail(s);
        }
}

int v4l2vpu_dequeue_event(void *sess, struct avb_vpu_event *ret_ev)
{
        struct v4l2vpu_sess *s = sess;
        int r = s->dead ? 0 : v4l2vpu_fetch_events(s);

        if (s->n_events) {
                *ret_ev = s->events[0];
                memmove(&s->events[0], &s->events[1], --s->n_events * sizeof(s->events[0]));
                if (ret_ev->type == AVB_VPU_EVENT_SOURCE_CHANGE)
                        s->hold_frames = false;
                v4l2vpu_notify(s);
                return 0;
        }
        if (s->dead)
                return s->dead;
        return r < 0 ? r : -EAGAIN;
}
