/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The v4l2 VPU backend (v4l2vpu.h): the device, sessions, formats and the
 * streaming state of both queues. Buffers and events are in v4l2vpu_buf.c.
 *
 * Names: V4L2 calls the coded queue OUTPUT and the frame queue CAPTURE; the
 * VPU interface calls them INPUT and OUTPUT. q[AVB_VPU_INPUT] is the V4L2
 * OUTPUT queue, q[AVB_VPU_OUTPUT] the V4L2 CAPTURE queue.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "v4l2vpu_internal.h"

#define V4L2VPU_PAGE 4096u

static uint32_t v4l2vpu_codec_fourcc(enum avb_vpu_codec codec)
{
        switch (codec) {
        case AVB_VPU_CODEC_H264:
                return V4L2_PIX_FMT_H264;
        case AVB_VPU_CODEC_HEVC:
                return V4L2_PIX_FMT_HEVC;
        default:
                return 0;
        }
}

int v4l2vpu_ioctl(struct v4l2vpu_sess *s, unsigned long request, void *arg)
{
        int r;

        if (s->dead)
                return s->dead;
        r = s->dev->ops->ioctl(s->dev->ctx, s->fd, request, arg);
        /* EIO: the queue is in its fatal-error state (vb2_queue_error); ENODEV: unplugged. */
        if (r == -EIO || r == -ENODEV) {
                s->dead = -ENODEV;
                v4l2vpu_push_event(s, AVB_VPU_EVENT_ERROR, -ENODEV, 0);
                return -ENODEV;
        }
        return r;
}

void v4l2vpu_notify(struct v4l2vpu_sess *s)
{
        bool pending = s->n_events || s->n_returned || s->eos_pending;
        uint64_t v = 1;

        if (s->notify_fd < 0 || pending == s->notified)
                return;
        if (pending ? write(s->notify_fd, &v, sizeof(v)) == sizeof(v)
                    : read(s->notify_fd, &v, sizeof(v)) == sizeof(v))
                s->notified = pending;
}

void v4l2vpu_push_event(struct v4l2vpu_sess *s, enum avb_vpu_event_type type, int error,
                        uint64_t cookie)
{
        if (s->n_events == V4L2VPU_MAX_EVENTS)
                return;
        /* V4L2 does not say what changed: all of it may have */
        s->events[s->n_events++] = (struct avb_vpu_event){
            .type = type,
            .error = error,
            .cookie = cookie,
            .changed = type == AVB_VPU_EVENT_SOURCE_CHANGE
                           ? AVB_VPU_CHANGED_GEOMETRY | AVB_VPU_CHANGED_DESCRIPTION
                           : 0};
        v4l2vpu_notify(s);
}

/* H.273 code points of V4L2's colour fields (videodev2.h's defaults resolved). */
static uint8_t v4l2vpu_primaries(uint32_t cs)
{
        switch (cs) {
        case V4L2_COLORSPACE_REC709:
        case V4L2_COLORSPACE_SRGB:
                return 1;
        case V4L2_COLORSPACE_470_SYSTEM_M:
                return 4;
        case V4L2_COLORSPACE_470_SYSTEM_BG:
                return 5;
        case V4L2_COLORSPACE_SMPTE170M:
                return 6;
        case V4L2_COLORSPACE_SMPTE240M:
                return 7;
        case V4L2_COLORSPACE_BT2020:
                return 9;
        case V4L2_COLORSPACE_DCI_P3:
                return 11;
        default:
                return AVB_VPU_H273_UNSPECIFIED;
        }
}

static uint8_t v4l2vpu_transfer(uint32_t xfer)
{
        switch (xfer) {
        case V4L2_XFER_FUNC_709:
                return 1;
        case V4L2_XFER_FUNC_SMPTE240M:
                return 7;
        case V4L2_XFER_FUNC_NONE:
                return 8;
        case V4L2_XFER_FUNC_SRGB:
                return 13;
        case V4L2_XFER_FUNC_SMPTE2084:
                return 16;
        default:
                return AVB_VPU_H273_UNSPECIFIED;
        }
}

static uint8_t v4l2vpu_matrix(uint32_t enc)
{
        switch (enc) {
        case V4L2_YCBCR_ENC_709:
        case V4L2_YCBCR_ENC_XV709:
                return 1;
        case V4L2_YCBCR_ENC_601:
        case V4L2_YCBCR_ENC_XV601:
                return 6;
        case V4L2_YCBCR_ENC_SMPTE240M:
                return 7;
        case V4L2_YCBCR_ENC_BT2020:
                return 9;
        case V4L2_YCBCR_ENC_BT2020_CONST_LUM:
                return 10;
        default:
                return AVB_VPU_H273_UNSPECIFIED;
        }
}

void v4l2vpu_describe(const struct v4l2_pix_format_mplane *pix, uint32_t vis_w, uint32_t vis_h,
                      struct avb_vpu_format *fmt)
{
        uint32_t cs = pix->colorspace;
        uint32_t xfer = pix->xfer_func, enc = pix->ycbcr_enc, q = pix->quantization;

        fmt->coded_width = pix->width;
        fmt->coded_height = pix->height;
        fmt->visible_left = fmt->visible_top = 0;
        fmt->visible_width = vis_w;
        fmt->visible_height = vis_h;
        fmt->sar_num = fmt->sar_den = fmt->fps_num = fmt->fps_den = 0; /* V4L2 does not say */
        fmt->bit_depth = 8;                                            /* NV12 and YUV420 */
        fmt->scan = pix->field == V4L2_FIELD_INTERLACED_BT ? AVB_VPU_SCAN_INTERLACED_BFF
                    : pix->field == V4L2_FIELD_INTERLACED || pix->field == V4L2_FIELD_INTERLACED_TB
                        ? AVB_VPU_SCAN_INTERLACED_TFF
                        : AVB_VPU_SCAN_PROGRESSIVE;
        if (cs == V4L2_COLORSPACE_DEFAULT) { /* the driver knows nothing */
                fmt->color_primaries = fmt->color_transfer = fmt->color_matrix =
                    AVB_VPU_H273_UNSPECIFIED;
                fmt->color_range = AVB_VPU_RANGE_UNKNOWN;
                return;
        }
        if (xfer == V4L2_XFER_FUNC_DEFAULT)
                xfer = V4L2_MAP_XFER_FUNC_DEFAULT(cs);
        if (enc == V4L2_YCBCR_ENC_DEFAULT)
                enc = V4L2_MAP_YCBCR_ENC_DEFAULT(cs);
        if (q == V4L2_QUANTIZATION_DEFAULT)
                q = V4L2_MAP_QUANTIZATION_DEFAULT(false, cs, enc);
        fmt->color_primaries = v4l2vpu_primaries(cs);
        fmt->color_transfer = v4l2vpu_transfer(xfer);
        fmt->color_matrix = v4l2vpu_matrix(enc);
        fmt->color_range =
            q == V4L2_QUANTIZATION_FULL_RANGE ? AVB_VPU_RANGE_FULL : AVB_VPU_RANGE_LIMITED;
}

static void v4l2vpu_slot_unmap(struct v4l2vpu_sess *s, struct v4l2vpu_slot *slot)
{
        for (unsigned p = 0; p < VIDEO_MAX_PLANES; p++)
                if (slot->map[p]) {
                        s->dev->ops->munmap(s->dev->ctx, slot->map[p], slot->map_len[p]);
                        slot->map[p] = NULL;
                }
}

void v4l2vpu_queue_reset_slot(struct v4l2vpu_sess *s, struct v4l2vpu_slot *slot)
{
        if (slot->dmabuf >= 0)
                s->dev->ops->close(s->dev->ctx, slot->dmabuf);
        slot->dmabuf = -1;
        slot->queued = false;
}

void v4l2vpu_queue_reset(struct v4l2vpu_sess *s, struct v4l2vpu_queue *q)
{
        for (unsigned i = 0; i < V4L2VPU_MAX_SLOTS; i++)
                v4l2vpu_queue_reset_slot(s, &q->slots[i]);
}

/* MMAP: QUERYBUF every buffer and map its planes. */
static int v4l2vpu_map_slots(struct v4l2vpu_sess *s, struct v4l2vpu_queue *q)
{
        for (unsigned i = 0; i < q->n_slots; i++) {
                struct v4l2_plane planes[VIDEO_MAX_PLANES] = {{0}};
                struct v4l2_buffer b = {.type = q->type,
                                        .memory = V4L2_MEMORY_MMAP,
                                        .index = i,
                                        .m.planes = planes,
                                        .length = VIDEO_MAX_PLANES};
                int r = v4l2vpu_ioctl(s, VIDIOC_QUERYBUF, &b);

                if (r < 0)
                        return r;
                if (b.length == 0 || b.length > VIDEO_MAX_PLANES)
                        return -EPROTO;
                q->n_planes = b.length;
                for (unsigned p = 0; p < b.length; p++) {
                        r = s->dev->ops->mmap(s->dev->ctx, s->fd, planes[p].m.mem_offset,
                                              planes[p].length, PROT_READ | PROT_WRITE,
                                              &q->slots[i].map[p]);
                        if (r < 0)
                                return r;
                        q->slots[i].map_len[p] = planes[p].length;
                }
        }
        return 0;
}

int v4l2vpu_reqbufs(struct v4l2vpu_sess *s, struct v4l2vpu_queue *q, unsigned count)
{
        struct v4l2_requestbuffers rb = {
            .count = count,
            .type = q->type,
            .memory =
                s->dev->cfg.memory == AVB_V4L2VPU_DMABUF ? V4L2_MEMORY_DMABUF : V4L2_MEMORY_MMAP,
        };
        int r;

        v4l2vpu_queue_reset(s, q);
        for (unsigned i = 0; i < q->n_slots; i++)
                v4l2vpu_slot_unmap(s, &q->slots[i]);
        q->n_slots = 0;
        r = v4l2vpu_ioctl(s, VIDIOC_REQBUFS, &rb);
        if (r < 0)
                return r;
        if (count == 0)
                return 0;
        if (rb.count == 0)
                return -ENOMEM;
        q->n_slots = rb.count < V4L2VPU_MAX_SLOTS ? rb.count : V4L2VPU_MAX_SLOTS;
        if (rb.memory == V4L2_MEMORY_MMAP) {
                r = v4l2vpu_map_slots(s, q);
                if (r < 0) {
                        for (unsigned i = 0; i < q->n_slots; i++)
                                v4l2vpu_slot_unmap(s, &q->slots[i]);
                        q->n_slots = 0;
                        return r;
                }
        }
        return 0;
}

/* ---- sessions ------------------------------------------------------------ */

static void v4l2vpu_close(void *sess)
{
        struct v4l2vpu_sess *s = sess;

        if (!s)
                return;
        for (int i = 0; i < 2; i++) {
                uint32_t type = s->q[i].type;

                if (s->q[i].streaming)
                        v4l2vpu_ioctl(s, VIDIOC_STREAMOFF, &type);
                s->q[i].streaming = false;
                if (s->dead) {
                        v4l2vpu_queue_reset(s, &s->q[i]);
                        for (unsigned k = 0; k < s->q[i].n_slots; k++)
                                v4l2vpu_slot_unmap(s, &s->q[i].slots[k]);
                } else if (s->q[i].n_slots) {
                        v4l2vpu_reqbufs(s, &s->q[i], 0);
                }
        }
        if (s->epoll_fd >= 0)
                close(s->epoll_fd);
        if (s->notify_fd >= 0)
                close(s->notify_fd);
        if (s->fd >= 0)
                s->dev->ops->close(s->dev->ctx, s->fd);
        free(s);
}

static int v4l2vpu_subscribe(struct v4l2vpu_sess *s)
{
        static const uint32_t types[] = {V4L2_EVENT_SOURCE_CHANGE, V4L2_EVENT_EOS};

        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
                struct v4l2_event_subscription sub = {.type = types[i]};
                int r = v4l2vpu_ioctl(s, VIDIOC_SUBSCRIBE_EVENT, &sub);

                if (r < 0)
                        return r;
        }
        return 0;
}

static int v4l2vpu_open(void *dev, enum avb_vpu_codec codec, bool secure, void **ret_sess)
{
        struct v4l2vpu_dev *d = dev;
        struct v4l2vpu_sess *s;
        struct v4l2_capability cap = {{0}};
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLPRI};
        uint32_t caps;
        int r;

        if (secure || !v4l2vpu_codec_fourcc(codec))
                return -EOPNOTSUPP;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->dev = d;
        s->epoll_fd = -1;
        s->notify_fd = -1;
        s->q[AVB_VPU_INPUT].type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
        s->q[AVB_VPU_OUTPUT].type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
        for (unsigned i = 0; i < V4L2VPU_MAX_SLOTS; i++)
                s->q[0].slots[i].dmabuf = s->q[1].slots[i].dmabuf = -1;
        s->coded.codec = codec;
        s->coded.pixfmt = AVB_VPU_FMT_NV12;
        s->need_realloc = true;
        s->fd = d->ops->open(d->ctx, d->path, O_RDWR | O_NONBLOCK);
        if (s->fd < 0) {
                r = s->fd;
                goto fail;
        }
        r = v4l2vpu_ioctl(s, VIDIOC_QUERYCAP, &cap);
        if (r < 0)
                goto fail;
        caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
        if (!(caps & V4L2_CAP_VIDEO_M2M_MPLANE) || !(caps & V4L2_CAP_STREAMING)) {
                r = -EOPNOTSUPP;
                goto fail;
        }
        r = v4l2vpu_subscribe(s);
        if (r < 0)
                goto fail;
        s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        s->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        ev.data.fd = s->fd;
        if (s->epoll_fd < 0 || s->notify_fd < 0 ||
            epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->fd, &ev) < 0) {
                r = -errno;
                goto fail;
        }
        ev = (struct epoll_event){.events = EPOLLIN, .data.fd = s->notify_fd};
        if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->notify_fd, &ev) < 0) {
                r = -errno;
                goto fail;
        }
        *ret_sess = s;
        return 0;
fail:
        v4l2vpu_close(s);
        return r;
}

static uint32_t v4l2vpu_pixfmt_fourcc(enum avb_vpu_pixfmt f)
{
        return f == AVB_VPU_FMT_I420 ? V4L2_PIX_FMT_YUV420 : V4L2_PIX_FMT_NV12;
}

/* S_FMT CAPTURE with the pixel format the caller wants (a hint before the stream is known). */
static int v4l2vpu_set_capture_format(struct v4l2vpu_sess *s, uint32_t width, uint32_t height)
{
        struct v4l2_format f = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE};

        f.fmt.pix_mp.pixelformat = v4l2vpu_pixfmt_fourcc(s->coded.pixfmt);
        f.fmt.pix_mp.width = width;
        f.fmt.pix_mp.height = height;
        f.fmt.pix_mp.num_planes = 1;
        return v4l2vpu_ioctl(s, VIDIOC_S_FMT, &f);
}

static int v4l2vpu_set_format(void *sess, const struct avb_vpu_format *fmt)
{
        struct v4l2vpu_sess *s = sess;
        struct v4l2_format f = {.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE};
        int r;

        if (s->dead)
                return s->dead;
        if (fmt->codec != s->coded.codec ||
            (fmt->pixfmt != AVB_VPU_FMT_NONE && fmt->pixfmt != AVB_VPU_FMT_NV12 &&
             fmt->pixfmt != AVB_VPU_FMT_I420))
                return -EINVAL;
        if (s->q[AVB_VPU_INPUT].streaming)
                return -EBADFD;
        f.fmt.pix_mp.pixelformat = v4l2vpu_codec_fourcc(fmt->codec);
        f.fmt.pix_mp.width = fmt->width;
        f.fmt.pix_mp.height = fmt->height;
        f.fmt.pix_mp.num_planes = 1;
        f.fmt.pix_mp.plane_fmt[0].sizeimage = s->dev->cfg.coded_buffer_bytes;
        r = v4l2vpu_ioctl(s, VIDIOC_S_FMT, &f);
        if (r < 0)
                return r == -EINVAL ? -EOPNOTSUPP : r;
        s->coded = *fmt;
        if (s->coded.pixfmt == AVB_VPU_FMT_NONE)
                s->coded.pixfmt = AVB_VPU_FMT_NV12;
        /* Drivers may refuse a capture format before they parsed a header. */
        r = v4l2vpu_set_capture_format(s, fmt->width, fmt->height);
        return r == -ENODEV ? r : 0;
}

static int v4l2vpu_get_format(void *sess, struct avb_vpu_format *ret_fmt)
{
        struct v4l2vpu_sess *s = sess;

        if (s->dead)
                return s->dead;
        if (!s->have_frame)
                return -EBADFD;
        *ret_fmt = s->frame;
        return 0;
}

static int v4l2vpu_stream_on(void *sess, enum avb_vpu_queue which)
{
        struct v4l2vpu_sess *s = sess;
        struct v4l2vpu_queue *q;
        int r;

        if (s->dead)
                return s->dead;
        if (which != AVB_VPU_INPUT && which != AVB_VPU_OUTPUT)
                return -EINVAL;
        q = &s->q[which];
        if (q->streaming)
                return 0;
        if (which == AVB_VPU_INPUT && q->n_slots == 0) {
                r = v4l2vpu_reqbufs(s, q, s->dev->cfg.input_buffers);
                if (r < 0)
                        return r;
        }
        /*
         * Capture buffers exist once queue_output allocated them for the current
         * format; asked earlier, the queue starts by itself at SOURCE_CHANGE.
         */
        if (which == AVB_VPU_OUTPUT && (s->need_realloc || q->n_slots == 0)) {
                s->want_capture = true;
                return 0;
        }
        r = v4l2vpu_ioctl(s, VIDIOC_STREAMON, &q->type);
        if (r < 0)
                return r;
        q->streaming = true;
        if (which == AVB_VPU_OUTPUT)
                s->after_last = false;
        return 0;
}

static int v4l2vpu_stream_off(void *sess, enum avb_vpu_queue which)
{
        struct v4l2vpu_sess *s = sess;
        struct v4l2vpu_queue *q;
        int r;

        if (s->dead)
                return s->dead;
        if (which != AVB_VPU_INPUT && which != AVB_VPU_OUTPUT)
                return -EINVAL;
        q = &s->q[which];
        r = v4l2vpu_ioctl(s, VIDIOC_STREAMOFF, &q->type);
        if (r < 0)
                return r;
        q->streaming = false;
        v4l2vpu_queue_reset(s, q);
        if (which == AVB_VPU_INPUT)
                return 0;
        /* The capture half of a reallocation: free now, G_FMT/REQBUFS at the next queue_output. */
        v4l2vpu_forget_blocks(s);
        s->want_capture = false;
        s->after_last = false;
        s->hold_frames = false;
        if (s->change_deferred) {
                s->change_deferred = false;
                v4l2vpu_push_event(s, AVB_VPU_EVENT_SOURCE_CHANGE, 0, 0);
        }
        s->need_realloc = true;
        return v4l2vpu_reqbufs(s, q, 0);
}

int v4l2vpu_send_stop(struct v4l2vpu_sess *s)
{
        struct v4l2_decoder_cmd cmd = {.cmd = V4L2_DEC_CMD_STOP};
        int r = v4l2vpu_ioctl(s, VIDIOC_DECODER_CMD, &cmd);

        if (r < 0)
                return r;
        s->draining = true;
        return 0;
}

static int v4l2vpu_drain(void *sess)
{
        return v4l2vpu_send_stop(sess);
}

static int v4l2vpu_flush(void *sess)
{
        struct v4l2vpu_sess *s = sess;
        int r;

        if (s->dead)
                return s->dead;
        for (int i = 0; i < 2; i++) {
                struct v4l2vpu_queue *q = &s->q[i];

                if (!q->streaming) {
                        v4l2vpu_queue_reset(s, q);
                        continue;
                }
                r = v4l2vpu_ioctl(s, VIDIOC_STREAMOFF, &q->type);
                if (r == 0)
                        r = v4l2vpu_ioctl(s, VIDIOC_STREAMON, &q->type);
                if (r < 0)
                        return r;
                v4l2vpu_queue_reset(s, q);
        }
        v4l2vpu_forget_blocks(s);
        s->eos_pending = false;
        v4l2vpu_notify(s);
        s->eos_deferred = false;
        s->draining = false;
        s->after_last = false;
        s->hold_frames = false;
        /* No LAST will come for a change the flush cut short. */
        if (s->change_deferred)
                v4l2vpu_change_over(s);
        return 0;
}

static int v4l2vpu_poll_fd(void *sess)
{
        return ((struct v4l2vpu_sess *)sess)->epoll_fd;
}

/* ---- the device ---------------------------------------------------------- */

static void v4l2vpu_device_free(void *dev)
{
        struct v4l2vpu_dev *d = dev;

        if (!d)
                return;
        if (d->heap_map[0])
                d->ops->munmap(d->ctx, d->heap_map[0], d->mem.heap_size[0]);
        for (size_t i = 0; i < d->mem.n_regions; i++)
                if (d->region_map[i])
                        d->ops->munmap(d->ctx, d->region_map[i], d->region_map_len[i]);
        free(d);
}

/* MMAP mode copies through the CPU: map the non-secure heap and its frame regions. */
static int v4l2vpu_map_memory(struct v4l2vpu_dev *d)
{
        void *p;
        int r;

        if (d->mem.heap_fd[0] < 0 || d->mem.heap_size[0] == 0)
                return 0;
        /* Without regions every block of the heap may be a frame block. */
        r = d->ops->mmap(d->ctx, d->mem.heap_fd[0], 0, d->mem.heap_size[0],
                         d->mem.n_regions ? PROT_READ : PROT_READ | PROT_WRITE, &p);
        if (r < 0)
                return r;
        d->heap_map[0] = p;
        for (size_t i = 0; i < d->mem.n_regions; i++) {
                const struct avb_vpu_region *reg = &d->mem.regions[i];
                uint32_t skew = reg->offset % V4L2VPU_PAGE;

                if (reg->secure)
                        continue;
                if ((uint64_t)reg->offset + reg->size > d->mem.heap_size[0])
                        return -EINVAL;
                r = d->ops->mmap(d->ctx, d->mem.heap_fd[0], reg->offset - skew, reg->size + skew,
                                 PROT_READ | PROT_WRITE, &p);
                if (r < 0)
                        return r;
                d->region_map[i] = p;
                d->region_map_len[i] = reg->size + skew;
                d->region_map_skew[i] = skew;
        }
        return 0;
}

static const struct avb_vpu_ops v4l2vpu_ops = {
    .name = "v4l2",
    .device_free = v4l2vpu_device_free,
    .open = v4l2vpu_open,
    .close = v4l2vpu_close,
    .set_format = v4l2vpu_set_format,
    .get_format = v4l2vpu_get_format,
    .stream_on = v4l2vpu_stream_on,
    .stream_off = v4l2vpu_stream_off,
    .queue_input = v4l2vpu_queue_input,
    .queue_output = v4l2vpu_queue_output,
    .dequeue_input = v4l2vpu_dequeue_input,
    .dequeue_output = v4l2vpu_dequeue_output,
    .dequeue_event = v4l2vpu_dequeue_event,
    .drain = v4l2vpu_drain,
    .flush = v4l2vpu_flush,
    .poll_fd = v4l2vpu_poll_fd,
    /* Cache maintenance is the kernel's: vb2 syncs MMAP buffers at QBUF/DQBUF
     * and maps DMABUF attachments (with their cache clean/invalidate) per
     * queueing; see docs/v4l2-hardware.md. */
};

int avb_v4l2vpu_new(const struct avb_v4l2vpu_config *cfg, const struct avb_vpu_memory *mem,
                    struct avb_vpu *ret_vpu)
{
        struct v4l2vpu_dev *d;
        int r;

        if (!cfg->device || !*cfg->device || strlen(cfg->device) >= V4L2VPU_PATH_MAX ||
            (cfg->memory != AVB_V4L2VPU_MMAP && cfg->memory != AVB_V4L2VPU_DMABUF) ||
            cfg->input_buffers > V4L2VPU_MAX_SLOTS || cfg->output_buffers > V4L2VPU_MAX_SLOTS ||
            mem->n_regions > AVB_VPU_MAX_REGIONS)
                return -EINVAL;
        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->cfg = *cfg;
        strcpy(d->path, cfg->device);
        d->cfg.device = d->path;
        if (!d->cfg.input_buffers)
                d->cfg.input_buffers = 8;
        if (!d->cfg.coded_buffer_bytes)
                d->cfg.coded_buffer_bytes = 1u << 20;
        d->ops = cfg->dev_ops ? cfg->dev_ops : &avb_v4l2_dev_system;
        d->ctx = cfg->dev_ctx;
        d->mem = *mem;
        if (cfg->memory == AVB_V4L2VPU_MMAP) {
                r = v4l2vpu_map_memory(d);
                if (r < 0) {
                        v4l2vpu_device_free(d);
                        return r;
                }
        }
        ret_vpu->ops = &v4l2vpu_ops;
        ret_vpu->dev = d;
        return 0;
}
