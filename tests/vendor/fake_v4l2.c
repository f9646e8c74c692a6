/* SPDX-License-Identifier: Apache-2.0 */
/* The fake V4L2 stateful decoder (fake_v4l2.h): the seam and the ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_v4l2_internal.h"

/* ---- descriptors ---------------------------------------------------------- */

struct fake_dev *fake_dev_of(struct fake_v4l2 *f, int fd)
{
        for (int i = 0; i < FAKE_MAX_DEVS; i++)
                if (f->devs[i] && f->devs[i]->fd == fd)
                        return f->devs[i];
        return NULL;
}

struct fake_dmabuf *fake_dmabuf_of(struct fake_v4l2 *f, int fd)
{
        for (int i = 0; i < FAKE_MAX_DMABUFS; i++)
                if (f->dmabufs[i].fd == fd && fd >= 0)
                        return &f->dmabufs[i];
        return NULL;
}

/* Append "NAME:ARG" or "NAME:ARG:N" (n >= 0) to the trace. */
static void fake_trace(struct fake_v4l2 *f, const char *name, const char *arg, int n)
{
        int w;

        if (f->trace_len + 64 >= sizeof(f->trace))
                return;
        if (n >= 0)
                w = snprintf(f->trace + f->trace_len, sizeof(f->trace) - f->trace_len, "%s:%s:%d ",
                             name, arg, n);
        else
                w = snprintf(f->trace + f->trace_len, sizeof(f->trace) - f->trace_len, "%s:%s ",
                             name, arg);
        if (w > 0)
                f->trace_len += (size_t)w;
}

/* ---- buffer ioctls -------------------------------------------------------- */

static struct fake_queue *fake_queue_of(struct fake_dev *d, uint32_t type)
{
        if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE)
                return &d->q[FAKE_OUT];
        if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
                return &d->q[FAKE_CAP];
        return NULL;
}

static const char *fake_qname(const struct fake_dev *d, const struct fake_queue *q)
{
        return q == &d->q[FAKE_OUT] ? "O" : "C";
}

static void fake_free_bufs(struct fake_queue *q)
{
        for (unsigned i = 0; i < FAKE_MAX_BUFS; i++) {
                free(q->bufs[i].mem);
                memset(&q->bufs[i], 0, sizeof(q->bufs[i]));
                q->bufs[i].dmabuf = -1;
        }
        q->count = 0;
}

static int fake_reqbufs(struct fake_dev *d, struct v4l2_requestbuffers *rb)
{
        struct fake_queue *q = fake_queue_of(d, rb->type);
        bool cap;
        size_t len;

        if (!q || (rb->memory != V4L2_MEMORY_MMAP && rb->memory != V4L2_MEMORY_DMABUF))
                return -EINVAL;
        if (q->streaming)
                return -EBUSY;
        cap = q == &d->q[FAKE_CAP];
        fake_free_bufs(q);
        q->n_fifo = q->n_done = 0;
        if (rb->count == 0)
                return 0;
        len = cap ? fake_cap_sizeimage(d) : d->coded_sizeimage;
        if (len == 0)
                return -EINVAL; /* capture before the stream's geometry is known */
        if (cap && rb->count < FAKE_V4L2_MIN_CAPTURE)
                rb->count = FAKE_V4L2_MIN_CAPTURE;
        if (rb->count > FAKE_MAX_BUFS)
                rb->count = FAKE_MAX_BUFS;
        for (unsigned i = 0; i < rb->count; i++) {
                q->bufs[i].len = len;
                if (rb->memory == V4L2_MEMORY_MMAP && !(q->bufs[i].mem = calloc(1, len))) {
                        fake_free_bufs(q);
                        return -ENOMEM;
                }
        }
        q->memory = rb->memory;
        q->count = rb->count;
        if (cap)
                d->alloc_generation = d->generation;
        return 0;
}

static int fake_querybuf(struct fake_dev *d, struct v4l2_buffer *b)
{
        struct fake_queue *q = fake_queue_of(d, b->type);

        if (!q || b->index >= q->count || q->memory != V4L2_MEMORY_MMAP || b->length < 1 ||
            !b->m.planes)
                return -EINVAL;
        b->length = 1;
        b->m.planes[0].length = (uint32_t)q->bufs[b->index].len;
        b->m.planes[0].m.mem_offset = ((q == &d->q[FAKE_CAP]) << 24) | (b->index << 16);
        return 0;
}

static int fake_qbuf(struct fake_v4l2 *f, struct fake_dev *d, struct v4l2_buffer *b)
{
        struct fake_queue *q = fake_queue_of(d, b->type);
        struct v4l2_plane *p = b->m.planes;
        struct fake_buf *buf;

        if (!q || q->count == 0 || b->memory != q->memory || b->index >= q->count ||
            b->length != 1 || !p)
                return -EINVAL;
        buf = &q->bufs[b->index];
        if (buf->state != FAKE_DEQUEUED)
                return -EINVAL;
        if (q->memory == V4L2_MEMORY_DMABUF) {
                struct fake_dmabuf *db = fake_dmabuf_of(f, p->m.fd);

                if (!db || p->length > db->size)
                        return -EINVAL;
                if (q == &d->q[FAKE_CAP] && p->length < buf->len)
                        return -EINVAL; /* too small for a frame of the current format */
                buf->dmabuf = p->m.fd;
        }
        if (q == &d->q[FAKE_OUT]) {
                size_t room = q->memory == V4L2_MEMORY_DMABUF ? p->length : buf->len;

                if (p->bytesused > room || p->data_offset > p->bytesused)
                        return -EINVAL;
                buf->bytesused = p->bytesused;
                buf->data_offset = q->memory == V4L2_MEMORY_DMABUF ? p->data_offset : 0;
                buf->timestamp = b->timestamp;
        }
        buf->state = FAKE_QUEUED;
        buf->flags = 0;
        q->fifo[q->n_fifo++] = b->index;
        return 0;
}

static int fake_dqbuf(struct fake_dev *d, struct v4l2_buffer *b)
{
        struct fake_queue *q = fake_queue_of(d, b->type);
        struct fake_buf *buf;
        unsigned idx;

        if (!q || q->count == 0 || b->memory != q->memory || b->length < 1 || !b->m.planes)
                return -EINVAL;
        if (q == &d->q[FAKE_CAP] && d->last_done)
                return -EPIPE;
        if (!q->n_done)
                return -EAGAIN;
        idx = q->done[0];
        memmove(q->done, q->done + 1, --q->n_done * sizeof(q->done[0]));
        buf = &q->bufs[idx];
        buf->state = FAKE_DEQUEUED;
        b->index = idx;
        b->flags = buf->flags;
        b->timestamp = buf->timestamp;
        b->sequence = buf->sequence;
        b->length = 1;
        b->m.planes[0].bytesused = buf->bytesused;
        b->m.planes[0].data_offset = buf->data_offset;
        b->m.planes[0].length = (uint32_t)buf->len;
        if (q->memory == V4L2_MEMORY_DMABUF)
                b->m.planes[0].m.fd = buf->dmabuf;
        if (buf->flags & V4L2_BUF_FLAG_LAST)
                d->last_done = true;
        return 0;
}

static int fake_stream(struct fake_dev *d, const uint32_t *type, bool on)
{
        struct fake_queue *q = fake_queue_of(d, *type);

        if (!q)
                return -EINVAL;
        if (on) {
                if (q->count == 0)
                        return -EINVAL; /* vb2: no buffers allocated */
                q->streaming = true;
                return 0;
        }
        q->streaming = false;
        for (unsigned i = 0; i < q->count; i++)
                q->bufs[i].state = FAKE_DEQUEUED;
        q->n_fifo = q->n_done = 0;
        if (q == &d->q[FAKE_CAP]) {
                d->last_done = false;
                d->pending_last = false;
        } else {
                d->draining = false;
        }
        return 0;
}

/* ---- format and control ioctls -------------------------------------------- */

static int fake_g_fmt(struct fake_dev *d, struct v4l2_format *fmt)
{
        struct v4l2_pix_format_mplane *pix = &fmt->fmt.pix_mp;

        if (!fake_queue_of(d, fmt->type))
                return -EINVAL;
        memset(pix, 0, sizeof(*pix));
        pix->num_planes = 1;
        pix->field = V4L2_FIELD_NONE;
        if (fmt->type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
                pix->pixelformat = d->coded_fourcc;
                pix->plane_fmt[0].sizeimage = d->coded_sizeimage;
                return 0;
        }
        pix->pixelformat = d->cap_fourcc;
        pix->width = d->width;
        pix->height = d->height;
        pix->plane_fmt[0].bytesperline = fake_bpl(d);
        pix->plane_fmt[0].sizeimage = fake_cap_sizeimage(d);
        return 0;
}

static int fake_s_fmt(struct fake_dev *d, struct v4l2_format *fmt)
{
        struct fake_queue *q = fake_queue_of(d, fmt->type);
        struct v4l2_pix_format_mplane *pix = &fmt->fmt.pix_mp;

        if (!q)
                return -EINVAL;
        if (q->count)
                return -EBUSY;
        if (q == &d->q[FAKE_OUT]) {
                if (pix->pixelformat != V4L2_PIX_FMT_H264)
                        return -EINVAL;
                d->coded_fourcc = pix->pixelformat;
                d->coded_sizeimage =
                    pix->plane_fmt[0].sizeimage ? pix->plane_fmt[0].sizeimage : 1u << 20;
        } else {
                d->cap_fourcc = pix->pixelformat == V4L2_PIX_FMT_YUV420 ? V4L2_PIX_FMT_YUV420
                                                                        : V4L2_PIX_FMT_NV12;
        }
        return fake_g_fmt(d, fmt);
}

static int fake_dqevent(struct fake_dev *d, struct v4l2_event *ev)
{
        if (!d->n_events)
                return -ENOENT;
        *ev = d->events[0];
        memmove(d->events, d->events + 1, --d->n_events * sizeof(d->events[0]));
        ev->pending = d->n_events;
        return 0;
}

static int fake_misc(struct fake_dev *d, unsigned long request, void *arg)
{
        struct v4l2_capability *cap = arg;
        struct v4l2_event_subscription *sub = arg;
        struct v4l2_control *ctrl = arg;
        struct v4l2_decoder_cmd *cmd = arg;

        switch (request) {
        case VIDIOC_QUERYCAP:
                memset(cap, 0, sizeof(*cap));
                strcpy((char *)cap->driver, "fake-v4l2");
                strcpy((char *)cap->card, "fake stateful decoder");
                cap->device_caps = V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING;
                cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
                return 0;
        case VIDIOC_SUBSCRIBE_EVENT:
                if (sub->type == V4L2_EVENT_SOURCE_CHANGE)
                        d->sub_source_change = true;
                else if (sub->type == V4L2_EVENT_EOS)
                        d->sub_eos = true;
                else
                        return -EINVAL;
                return 0;
        case VIDIOC_G_CTRL:
                if (ctrl->id != V4L2_CID_MIN_BUFFERS_FOR_CAPTURE)
                        return -EINVAL;
                ctrl->value = FAKE_V4L2_MIN_CAPTURE;
                return 0;
        case VIDIOC_DECODER_CMD:
                if (cmd->cmd == V4L2_DEC_CMD_STOP)
                        d->draining = true;
                else if (cmd->cmd == V4L2_DEC_CMD_START)
                        d->last_done = d->draining = false;
                else
                        return -EINVAL;
                return 0;
        default:
                return -ENOTTY;
        }
}

static void fake_trace_ioctl(struct fake_v4l2 *f, struct fake_dev *d, unsigned long request,
                             const void *arg)
{
        const struct v4l2_requestbuffers *rb = arg;
        const struct v4l2_buffer *b = arg;
        const struct v4l2_format *fmt = arg;
        const struct v4l2_decoder_cmd *cmd = arg;
        const uint32_t *type = arg;
        const struct fake_queue *q;

        switch (request) {
        case VIDIOC_REQBUFS:
                if ((q = fake_queue_of(d, rb->type)))
                        fake_trace(f, "REQBUFS", fake_qname(d, q), (int)rb->count);
                break;
        case VIDIOC_QBUF:
        case VIDIOC_DQBUF:
                if ((q = fake_queue_of(d, b->type)))
                        fake_trace(f, request == VIDIOC_QBUF ? "QBUF" : "DQBUF", fake_qname(d, q),
                                   -1);
                break;
        case VIDIOC_S_FMT:
        case VIDIOC_G_FMT:
                if ((q = fake_queue_of(d, fmt->type)))
                        fake_trace(f, request == VIDIOC_S_FMT ? "S_FMT" : "G_FMT", fake_qname(d, q),
                                   -1);
                break;
        case VIDIOC_STREAMON:
        case VIDIOC_STREAMOFF:
                if ((q = fake_queue_of(d, *type)))
                        fake_trace(f, request == VIDIOC_STREAMON ? "STREAMON" : "STREAMOFF",
                                   fake_qname(d, q), -1);
                break;
        case VIDIOC_DECODER_CMD:
                fake_trace(f, "DECODER_CMD", cmd->cmd == V4L2_DEC_CMD_STOP ? "STOP" : "OTHER", -1);
                break;
        default:
                break;
        }
}

/* ---- the seam -------------------------------------------------------------- */

static int fake_ioctl_locked(struct fake_v4l2 *f, int fd, unsigned long request, void *arg)
{
        struct fake_dev *d = fake_dev_of(f, fd);
        int r;

        if (!d)
                return -ENOTTY;
        fake_trace_ioctl(f, d, request, arg);
        if (f->broken)
                return -f->fail_err;
        if (f->fail_request == request) {
                f->fail_request = 0;
                return -f->fail_err;
        }
        switch (request) {
        case VIDIOC_REQBUFS:
                r = fake_reqbufs(d, arg);
                break;
        case VIDIOC_QUERYBUF:
                r = fake_querybuf(d, arg);
                break;
        case VIDIOC_QBUF:
                r = fake_qbuf(f, d, arg);
                break;
        case VIDIOC_DQBUF:
                r = fake_dqbuf(d, arg);
                break;
        case VIDIOC_STREAMON:
        case VIDIOC_STREAMOFF:
                r = fake_stream(d, arg, request == VIDIOC_STREAMON);
                break;
        case VIDIOC_G_FMT:
                r = fake_g_fmt(d, arg);
                break;
        case VIDIOC_S_FMT:
                r = fake_s_fmt(d, arg);
                break;
        case VIDIOC_DQEVENT:
                r = fake_dqevent(d, arg);
                break;
        default:
                r = fake_misc(d, request, arg);
                break;
        }
        fake_run(f, d);
        return r;
}

static int fake_open_locked(struct fake_v4l2 *f, int flags)
{
        struct fake_dev *d;
        int p[2];

        if (!(flags & O_NONBLOCK))
                return -EINVAL; /* the backend never blocks in DQBUF */
        for (int i = 0; i < FAKE_MAX_DEVS; i++) {
                if (f->devs[i])
                        continue;
                d = calloc(1, sizeof(*d));
                if (!d || pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) {
                        free(d);
                        return -errno;
                }
                d->fd = p[0];
                d->wfd = p[1];
                d->q[FAKE_OUT].type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
                d->q[FAKE_CAP].type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
                fake_free_bufs(&d->q[FAKE_OUT]);
                fake_free_bufs(&d->q[FAKE_CAP]);
                d->coded_fourcc = V4L2_PIX_FMT_H264;
                d->coded_sizeimage = 1u << 20;
                d->cap_fourcc = V4L2_PIX_FMT_NV12;
                f->devs[i] = d;
                f->stats.open_fds++;
                return d->fd;
        }
        return -EMFILE;
}

static void fake_dev_free(struct fake_dev *d)
{
        fake_free_bufs(&d->q[FAKE_OUT]);
        fake_free_bufs(&d->q[FAKE_CAP]);
        close(d->fd);
        close(d->wfd);
        free(d);
}

/* Forget fd (a device: freed, true) or a dma-buf of ours (still to close, false). */
static bool fake_close_locked(struct fake_v4l2 *f, int fd)
{
        struct fake_dmabuf *b = fake_dmabuf_of(f, fd);

        for (int i = 0; i < FAKE_MAX_DEVS; i++)
                if (f->devs[i] && f->devs[i]->fd == fd) {
                        fake_dev_free(f->devs[i]);
                        f->devs[i] = NULL;
                        f->stats.open_fds--;
                        return true;
                }
        if (b) {
                b->fd = -1;
                f->stats.open_fds--;
        }
        return false;
}

static int fake_mmap_locked(struct fake_v4l2 *f, int fd, off_t offset, size_t len, int prot,
                            void **ret_addr)
{
        struct fake_dev *d = fake_dev_of(f, fd);
        struct fake_queue *q;
        unsigned idx;
        void *p;

        if (!d) {
                p = mmap(NULL, len, prot, MAP_SHARED, fd, offset);
                if (p == MAP_FAILED)
                        return -errno;
                *ret_addr = p;
                return 0;
        }
        q = &d->q[(offset >> 24) & 1];
        idx = (unsigned)(offset >> 16) & 0xff;
        if (q->memory != V4L2_MEMORY_MMAP || idx >= q->count || len > q->bufs[idx].len)
                return -EINVAL;
        *ret_addr = q->bufs[idx].mem;
        return 0;
}

/* Is addr a device buffer of ours (nothing to unmap)? */
static bool fake_is_dev_mem(struct fake_v4l2 *f, const void *addr)
{
        for (int i = 0; i < FAKE_MAX_DEVS; i++)
                for (int k = 0; f->devs[i] && k < 2; k++)
                        for (unsigned b = 0; b < FAKE_MAX_BUFS; b++)
                                if (f->devs[i]->q[k].bufs[b].mem == addr)
                                        return true;
        return false;
}

/* The readiness of fd if it is a device of ours, else -1. */
static int fake_revents_locked(struct fake_v4l2 *f, int fd, short events)
{
        struct fake_dev *d = fake_dev_of(f, fd);
        short rev = 0;

        if (!d)
                return -1;
        if (d->q[FAKE_CAP].n_done || d->last_done)
                rev |= POLLIN | POLLRDNORM;
        if (d->q[FAKE_OUT].n_done)
                rev |= POLLOUT | POLLWRNORM;
        if (d->n_events)
                rev |= POLLPRI;
        return rev & (events | POLLERR | POLLHUP);
}

static int fake_export_dmabuf_locked(struct fake_v4l2 *f, int memfd, uint64_t offset, uint64_t size,
                                     int *ret_fd)
{
        struct stat st;

        /* As udmabuf: page-aligned range inside the memfd. */
        if (offset % FAKE_PAGE || size % FAKE_PAGE || size == 0 || fstat(memfd, &st) < 0 ||
            offset + size > (uint64_t)st.st_size)
                return -EINVAL;
        for (int i = 0; i < FAKE_MAX_DMABUFS; i++) {
                int fd;

                if (f->dmabufs[i].fd >= 0)
                        continue;
                fd = fcntl(memfd, F_DUPFD_CLOEXEC, 0);
                if (fd < 0)
                        return -errno;
                f->dmabufs[i] = (struct fake_dmabuf){.fd = fd, .offset = offset, .size = size};
                f->stats.open_fds++;
                *ret_fd = fd;
                return 0;
        }
        return -EMFILE;
}

/* ---- the ops: each under the fake's lock ----------------------------------- */

static int fake_ioctl(void *ctx, int fd, unsigned long request, void *arg)
{
        struct fake_v4l2 *f = ctx;
        int r;

        pthread_mutex_lock(&f->lock);
        r = fake_ioctl_locked(f, fd, request, arg);
        pthread_mutex_unlock(&f->lock);
        return r;
}

static int fake_open(void *ctx, const char *path, int flags)
{
        struct fake_v4l2 *f = ctx;
        int r;

        (void)path;
        pthread_mutex_lock(&f->lock);
        r = fake_open_locked(f, flags);
        pthread_mutex_unlock(&f->lock);
        return r;
}

static int fake_close(void *ctx, int fd)
{
        struct fake_v4l2 *f = ctx;
        bool dev;

        pthread_mutex_lock(&f->lock);
        dev = fake_close_locked(f, fd);
        pthread_mutex_unlock(&f->lock);
        if (dev)
                return 0;
        return close(fd) < 0 ? -errno : 0;
}

static int fake_mmap(void *ctx, int fd, off_t offset, size_t len, int prot, void **ret_addr)
{
        struct fake_v4l2 *f = ctx;
        int r;

        pthread_mutex_lock(&f->lock);
        r = fake_mmap_locked(f, fd, offset, len, prot, ret_addr);
        pthread_mutex_unlock(&f->lock);
        return r;
}

static int fake_munmap(void *ctx, void *addr, size_t len)
{
        struct fake_v4l2 *f = ctx;
        bool dev;

        pthread_mutex_lock(&f->lock);
        dev = fake_is_dev_mem(f, addr);
        pthread_mutex_unlock(&f->lock);
        if (dev)
                return 0;
        return munmap(addr, len) < 0 ? -errno : 0;
}

static int fake_poll(void *ctx, int fd, short events, int timeout_ms, short *ret_revents)
{
        struct fake_v4l2 *f = ctx;
        struct pollfd p = {.fd = fd, .events = events};
        int rev;

        pthread_mutex_lock(&f->lock);
        rev = fake_revents_locked(f, fd, events);
        pthread_mutex_unlock(&f->lock);
        if (rev >= 0) {
                *ret_revents = (short)rev;
                return 0;
        }
        /* not ours: the real poll, which may block, without the lock */
        if (poll(&p, 1, timeout_ms) < 0)
                return -errno;
        *ret_revents = p.revents;
        return 0;
}

static int fake_export_dmabuf(void *ctx, int memfd, uint64_t offset, uint64_t size, int *ret_fd)
{
        struct fake_v4l2 *f = ctx;
        int r;

        pthread_mutex_lock(&f->lock);
        r = fake_export_dmabuf_locked(f, memfd, offset, size, ret_fd);
        pthread_mutex_unlock(&f->lock);
        return r;
}

const struct avb_v4l2_dev_ops fake_v4l2_ops = {
    .open = fake_open,
    .close = fake_close,
    .ioctl = fake_ioctl,
    .mmap = fake_mmap,
    .munmap = fake_munmap,
    .poll = fake_poll,
    .export_dmabuf = fake_export_dmabuf,
};

struct fake_v4l2 *fake_v4l2_new(void)
{
        struct fake_v4l2 *f = calloc(1, sizeof(*f));

        if (!f)
                return NULL;
        pthread_mutex_init(&f->lock, NULL);
        for (int i = 0; i < FAKE_MAX_DMABUFS; i++)
                f->dmabufs[i].fd = -1;
        return f;
}

void fake_v4l2_free(struct fake_v4l2 *f)
{
        if (!f)
                return;
        for (int i = 0; i < FAKE_MAX_DEVS; i++)
                if (f->devs[i])
                        fake_dev_free(f->devs[i]);
        for (int i = 0; i < FAKE_MAX_DMABUFS; i++)
                if (f->dmabufs[i].fd >= 0)
                        close(f->dmabufs[i].fd);
        pthread_mutex_destroy(&f->lock);
        free(f);
}

void fake_v4l2_fail(struct fake_v4l2 *f, unsigned long request, int err)
{
        pthread_mutex_lock(&f->lock);
        f->fail_request = request;
        f->fail_err = err;
        f->broken = request == 0;
        pthread_mutex_unlock(&f->lock);
}

const struct fake_v4l2_stats *fake_v4l2_stats(const struct fake_v4l2 *f)
{
        return &f->stats;
}

const char *fake_v4l2_trace(const struct fake_v4l2 *f)
{
        return f->trace;
}
