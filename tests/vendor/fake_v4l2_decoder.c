/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fake V4L2 decoder's engine (fake_v4l2.h): the picture it draws, the
 * bitstream it parses, and the steps of a stateful decoder: source change,
 * decoding one buffer into one frame, LAST and EOS after STOP.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_v4l2_internal.h"

/* ---- the bitstream and the picture --------------------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void fake_v4l2_encode(uint8_t *dst, uint32_t w, uint32_t h, uint32_t n)
{
        put_le32(dst, FAKE_MAGIC);
        put_le32(dst + 4, w);
        put_le32(dst + 8, h);
        put_le32(dst + 12, n);
}

uint8_t fake_v4l2_pixel(uint32_t n, unsigned c, uint32_t x, uint32_t y)
{
        return c == 0 ? (uint8_t)(n * 7 + x + 2 * y) : (uint8_t)(n * 13 + 3 * x + y + 64 * c);
}

uint32_t fake_bpl(const struct fake_dev *d)
{
        return (d->width + 127) & ~127u;
}

uint32_t fake_cap_sizeimage(const struct fake_dev *d)
{
        return fake_bpl(d) * d->height / 2 * 3;
}

/* Write frame n into a capture buffer of the current geometry. */
static void fake_draw(const struct fake_dev *d, uint8_t *dst, uint32_t n)
{
        uint32_t bpl = fake_bpl(d), w = d->width, h = d->height;
        bool nv12 = d->cap_fourcc == V4L2_PIX_FMT_NV12;

        memset(dst, FAKE_V4L2_PAD, fake_cap_sizeimage(d));
        for (uint32_t y = 0; y < h; y++)
                for (uint32_t x = 0; x < w; x++)
                        dst[y * bpl + x] = fake_v4l2_pixel(n, 0, x, y);
        for (unsigned c = 1; c <= (nv12 ? 1u : 2u); c++) {
                uint32_t stride = nv12 ? bpl : bpl / 2, cw = nv12 ? w : w / 2;
                uint8_t *plane = dst + bpl * h + (c == 2 ? bpl / 2 * (h / 2) : 0);

                for (uint32_t y = 0; y < h / 2; y++)
                        for (uint32_t x = 0; x < cw; x++)
                                plane[y * stride + x] = fake_v4l2_pixel(n, c, x, y);
        }
}

/* ---- device memory and readiness ------------------------------------------ */

/* Map a dma-buf the client gave, as the device's DMA would reach it. */
static uint8_t *fake_dmabuf_map(struct fake_v4l2 *f, int fd, size_t *ret_len)
{
        struct fake_dmabuf *b = fake_dmabuf_of(f, fd);
        void *p;

        if (!b)
                return NULL;
        p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, (off_t)b->offset);
        if (p == MAP_FAILED)
                return NULL;
        *ret_len = b->size;
        return p;
}

/* Pipe readable exactly when something can be dequeued. */
static void fake_signal(struct fake_dev *d)
{
        bool ready = d->q[FAKE_OUT].n_done || d->q[FAKE_CAP].n_done || d->n_events;
        uint8_t byte = 1;

        if (ready && !d->signalled && write(d->wfd, &byte, 1) == 1)
                d->signalled = true;
        else if (!ready && d->signalled && read(d->fd, &byte, 1) == 1)
                d->signalled = false;
}

/* ---- the decoder ---------------------------------------------------------- */

static void fake_event(struct fake_dev *d, uint32_t type)
{
        struct v4l2_event *ev;

        if ((type == V4L2_EVENT_EOS && !d->sub_eos) ||
            (type == V4L2_EVENT_SOURCE_CHANGE && !d->sub_source_change) ||
            d->n_events == FAKE_MAX_EVENTS)
                return;
        ev = &d->events[d->n_events++];
        memset(ev, 0, sizeof(*ev));
        ev->type = type;
        ev->sequence = d->event_seq++;
        if (type == V4L2_EVENT_SOURCE_CHANGE)
                ev->u.src_change.changes = V4L2_EVENT_SRC_CH_RESOLUTION;
}

/* Move the oldest queued buffer of q to done; its index. */
static unsigned fake_complete(struct fake_queue *q, uint32_t flags)
{
        unsigned idx = q->fifo[0];

        memmove(q->fifo, q->fifo + 1, --q->n_fifo * sizeof(q->fifo[0]));
        q->bufs[idx].state = FAKE_DONE;
        q->bufs[idx].flags = flags;
        q->done[q->n_done++] = idx;
        return idx;
}

/* The coded bytes of an OUTPUT buffer (header only), or false if unreadable. */
static bool fake_read_header(struct fake_v4l2 *f, struct fake_dev *d, const struct fake_buf *b,
                             uint8_t hdr[FAKE_V4L2_HEADER_BYTES])
{
        size_t len = 0;
        uint8_t *p;

        if (b->bytesused < b->data_offset + FAKE_V4L2_HEADER_BYTES)
                return false;
        if (d->q[FAKE_OUT].memory == V4L2_MEMORY_MMAP) {
                memcpy(hdr, b->mem, FAKE_V4L2_HEADER_BYTES);
                return true;
        }
        p = fake_dmabuf_map(f, b->dmabuf, &len);
        if (!p)
                return false;
        memcpy(hdr, p + b->data_offset, FAKE_V4L2_HEADER_BYTES);
        munmap(p, len);
        return true;
}

static void fake_decode_into(struct fake_v4l2 *f, struct fake_dev *d, struct fake_buf *cap,
                             uint32_t n)
{
        size_t len = 0;
        uint8_t *p;

        if (d->q[FAKE_CAP].memory == V4L2_MEMORY_MMAP) {
                fake_draw(d, cap->mem, n);
        } else {
                p = fake_dmabuf_map(f, cap->dmabuf, &len);
                if (p) {
                        fake_draw(d, p, n);
                        munmap(p, len);
                }
        }
        cap->bytesused = fake_cap_sizeimage(d);
}

/* One step of the decoder; false when it cannot move. */
static bool fake_step(struct fake_v4l2 *f, struct fake_dev *d)
{
        struct fake_queue *out = &d->q[FAKE_OUT], *cap = &d->q[FAKE_CAP];
        bool cap_ready = cap->streaming && d->alloc_generation == d->generation && d->width;
        uint8_t hdr[FAKE_V4L2_HEADER_BYTES];
        struct fake_buf *in;
        uint32_t w, h;

        if (d->pending_last) {
                if (!cap->streaming || !cap->n_fifo)
                        return false;
                cap->bufs[cap->fifo[0]].bytesused = 0;
                fake_complete(cap, V4L2_BUF_FLAG_LAST);
                d->pending_last = false;
                return true;
        }
        if (out->streaming && out->n_fifo) {
                in = &out->bufs[out->fifo[0]];
                if (!fake_read_header(f, d, in, hdr) || get_le32(hdr) != FAKE_MAGIC) {
                        fake_complete(out, V4L2_BUF_FLAG_ERROR);
                        f->stats.corrupt++;
                        return true;
                }
                w = get_le32(hdr + 4);
                h = get_le32(hdr + 8);
                if (w != d->width || h != d->height) {
                        /* Mid-stream the client gets what is decoded, then an empty LAST. */
                        d->pending_last = d->width && cap->streaming;
                        d->width = w;
                        d->height = h;
                        d->generation++;
                        f->stats.source_changes++;
                        fake_event(d, V4L2_EVENT_SOURCE_CHANGE);
                        return true;
                }
                if (!cap_ready || !cap->n_fifo)
                        return false;
                cap->bufs[cap->fifo[0]].timestamp = in->timestamp;
                cap->bufs[cap->fifo[0]].sequence = d->sequence++;
                fake_decode_into(f, d, &cap->bufs[cap->fifo[0]], get_le32(hdr + 12));
                fake_complete(cap, 0);
                fake_complete(out, 0);
                f->stats.frames++;
                return true;
        }
        if (d->draining && !out->n_fifo) {
                /* Mark the newest undequeued frame LAST, or return an empty LAST buffer. */
                if (cap->n_done) {
                        cap->bufs[cap->done[cap->n_done - 1]].flags |= V4L2_BUF_FLAG_LAST;
                } else if (cap->streaming && cap->n_fifo) {
                        cap->bufs[cap->fifo[0]].bytesused = 0;
                        fake_complete(cap, V4L2_BUF_FLAG_LAST);
                } else {
                        return false;
                }
                d->draining = false;
                f->stats.eos++;
                fake_event(d, V4L2_EVENT_EOS);
                return true;
        }
        return false;
}

void fake_run(struct fake_v4l2 *f, struct fake_dev *d)
{
        while (fake_step(f, d))
                ;
        fake_signal(d);
}
