/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The v4l2 VPU backend against the fake V4L2 stateful decoder: a whole
 * decode session with MMAP and with DMABUF buffers, a mid-stream resolution
 * change (capture reallocation), drain with STOP -> LAST -> EOS, corrupt
 * input and a failing device as error events, protocol misuse refused, and
 * poll_fd. The test plays the decode path: it is the caller of vpu.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/videodev2.h>

#include "fake_v4l2.h"
#include "vpu/v4l2vpu.h"
#include "vpu/v4l2vpu_internal.h"

#define HEAP_BYTES   (8u << 20)
#define INPUT_SLOT   (64u << 10)
#define N_INPUTS     12
#define REGION_START (1u << 20)
#define REGION_BYTES (6u << 20)
#define MAX_BLOCKS   8
#define MAX_FRAMES   64
#define PAGE         4096u

struct frame_seen {
        int64_t pts;
        uint32_t width, height;
        uint32_t flags, bytesused;
};

struct h {
        struct fake_v4l2 *fake;
        struct avb_vpu vpu;
        void *sess;
        int memfd;
        uint8_t *heap;
        bool input_busy[N_INPUTS];
        uint32_t block_size, n_blocks;
        bool block_queued[MAX_BLOCKS];
        bool output_streaming;
        bool lazy; /* queues blocks from the start, never streams the output off */
        struct avb_vpu_format fmt;
        struct frame_seen frames[MAX_FRAMES];
        unsigned n_frames, n_empty, source_changes, eos, errors, bad_inputs;
        unsigned frames_at_eos; /* frames dequeued when EOS came: all of them */
        struct avb_vpu_event last_error;
};

/* h_open gives the backend no frame-pool regions: the whole heap is fair game. */
static bool no_regions;
/* h_open asks for I420 frames instead of NV12. */
static bool want_i420;

static uint32_t page_up(uint32_t v)
{
        return (v + PAGE - 1) & ~(PAGE - 1);
}

static void h_open(struct h *h, enum avb_v4l2vpu_memory memory)
{
        struct avb_v4l2vpu_config cfg = {
            .device = "/dev/video-fake",
            .memory = memory,
            .dev_ops = &fake_v4l2_ops,
        };
        struct avb_vpu_memory mem = {
            .heap_fd = {-1, -1},
            .n_regions = 1,
            .regions = {{.secure = false, .offset = REGION_START, .size = REGION_BYTES}},
        };
        struct avb_vpu_format coded = {.codec = AVB_VPU_CODEC_H264, .pixfmt = AVB_VPU_FMT_NV12};

        memset(h, 0, sizeof(*h));
        h->fake = fake_v4l2_new();
        assert_non_null(h->fake);
        cfg.dev_ctx = h->fake;
        h->memfd = memfd_create("heap", MFD_CLOEXEC);
        assert_true(h->memfd >= 0);
        assert_int_equal(ftruncate(h->memfd, HEAP_BYTES), 0);
        h->heap = mmap(NULL, HEAP_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, h->memfd, 0);
        assert_true(h->heap != MAP_FAILED);
        mem.heap_fd[0] = h->memfd;
        mem.heap_size[0] = HEAP_BYTES;
        if (want_i420)
                coded.pixfmt = AVB_VPU_FMT_I420;
        if (no_regions)
                mem.n_regions = 0;
        assert_int_equal(avb_v4l2vpu_new(&cfg, &mem, &h->vpu), 0);
        assert_string_equal(h->vpu.ops->name, "v4l2");
        assert_int_equal(h->vpu.ops->open(h->vpu.dev, AVB_VPU_CODEC_H264, false, &h->sess), 0);
        assert_int_equal(h->vpu.ops->set_format(h->sess, &coded), 0);
        assert_int_equal(h->vpu.ops->stream_on(h->sess, AVB_VPU_INPUT), 0);
}

static void h_close(struct h *h)
{
        h->vpu.ops->close(h->sess);
        h->vpu.ops->device_free(h->vpu.dev);
        assert_int_equal(fake_v4l2_stats(h->fake)->open_fds, 0);
        fake_v4l2_free(h->fake);
        munmap(h->heap, HEAP_BYTES);
        close(h->memfd);
}

/* pts of frame n: not a whole microsecond, so the backend must keep it exactly. */
static int64_t pts_of(uint32_t n)
{
        return (int64_t)n * 33366667 + 7;
}

/* Check an NV12 or I420 frame n, laid out as fmt says, against the fake's picture. */
static void check_frame(const uint8_t *p, const struct avb_vpu_format *fmt, uint32_t n)
{
        bool nv12 = fmt->pixfmt == AVB_VPU_FMT_NV12;

        assert_int_equal(fmt->n_planes, nv12 ? 2 : 3);
        for (unsigned c = 0; c < fmt->n_planes; c++) {
                const uint8_t *plane = p + fmt->plane_offset[c];
                uint32_t rows = c ? fmt->height / 2 : fmt->height;
                uint32_t cols = c && !nv12 ? fmt->width / 2 : fmt->width;

                for (uint32_t y = 0; y < rows; y += 3)
                        for (uint32_t x = 0; x < cols; x += 5)
                                assert_int_equal(plane[y * fmt->plane_stride[c] + x],
                                                 fake_v4l2_pixel(n, c, x, y));
        }
}

static void h_dequeue_outputs(struct h *h)
{
        struct avb_vpu_buf b;

        while (h->vpu.ops->dequeue_output(h->sess, &b) == 0) {
                unsigned blk = (b.offset - REGION_START) / h->block_size;

                assert_true(blk < h->n_blocks && h->block_queued[blk]);
                h->block_queued[blk] = false;
                if (b.bytesused == 0) {
                        h->n_empty++;
                } else {
                        uint32_t n = (uint32_t)((b.pts_ns - 7) / 33366667);

                        assert_int_equal(b.pts_ns, pts_of(n));
                        assert_int_equal(b.bytesused, h->fmt.frame_bytes);
                        check_frame(h->heap + b.offset, &h->fmt, n);
                }
                assert_true(h->n_frames < MAX_FRAMES);
                h->frames[h->n_frames++] = (struct frame_seen){b.pts_ns, h->fmt.width,
                                                               h->fmt.height, b.flags, b.bytesused};
        }
}

static void h_queue_blocks(struct h *h)
{
        for (unsigned i = 0; i < h->n_blocks; i++) {
                struct avb_vpu_buf b = {.offset = REGION_START + i * h->block_size,
                                        .size = h->block_size,
                                        .cookie = 1000 + i};

                if (h->block_queued[i])
                        continue;
                if (h->vpu.ops->queue_output(h->sess, &b) < 0)
                        break;
                h->block_queued[i] = true;
        }
}

/* SOURCE_CHANGE as vpu.h says: dequeue, stream off, get_format, new blocks, stream on. */
static void h_source_change(struct h *h)
{
        if (h->lazy) {
                assert_int_equal(h->vpu.ops->get_format(h->sess, &h->fmt), 0);
                assert_true(h->fmt.frame_bytes <= h->block_size);
                h->source_changes++;
                return;
        }
        h_dequeue_outputs(h);
        if (h->output_streaming) {
                assert_int_equal(h->vpu.ops->stream_off(h->sess, AVB_VPU_OUTPUT), 0);
                memset(h->block_queued, 0, sizeof(h->block_queued));
                h->output_streaming = false;
        }
        assert_int_equal(h->vpu.ops->get_format(h->sess, &h->fmt), 0);
        assert_int_equal(h->fmt.pixfmt, want_i420 ? AVB_VPU_FMT_I420 : AVB_VPU_FMT_NV12);
        h->block_size = page_up(h->fmt.frame_bytes);
        h->n_blocks = REGION_BYTES / h->block_size;
        if (h->n_blocks > MAX_BLOCKS)
                h->n_blocks = MAX_BLOCKS;
        assert_true(h->n_blocks >= h->fmt.min_buffers);
        h_queue_blocks(h);
        assert_int_equal(h->vpu.ops->stream_on(h->sess, AVB_VPU_OUTPUT), 0);
        h->output_streaming = true;
        h->source_changes++;
}

/* Run the caller's side until nothing moves. */
static void h_pump(struct h *h)
{
        struct avb_vpu_event ev;
        struct avb_vpu_buf b;

        for (int round = 0; round < 100; round++) {
                unsigned before = h->n_frames + h->source_changes + h->eos + h->errors;

                while (h->vpu.ops->dequeue_event(h->sess, &ev) == 0) {
                        if (ev.type == AVB_VPU_EVENT_SOURCE_CHANGE) {
                                h_source_change(h);
                        } else if (ev.type == AVB_VPU_EVENT_EOS) {
                                h->eos++;
                                h->frames_at_eos = h->n_frames;
                        } else {
                                h->errors++;
                                h->last_error = ev;
                        }
                }
                while (h->vpu.ops->dequeue_input(h->sess, &b) == 0) {
                        assert_true(b.cookie < N_INPUTS && h->input_busy[b.cookie]);
                        h->input_busy[b.cookie] = false;
                        h->bad_inputs += !!(b.flags & AVB_VPU_BUF_ERROR);
                }
                h_dequeue_outputs(h);
                if (h->output_streaming)
                        h_queue_blocks(h);
                if (before == h->n_frames + h->source_changes + h->eos + h->errors)
                        return;
        }
        fail_msg("the decoder never settled");
}

/* Queue frame n (w x hgt) in a free input slot; an odd offset tests data_offset. */
static int h_queue_input(struct h *h, uint32_t w, uint32_t hgt, uint32_t n, uint32_t flags,
                         bool corrupt)
{
        for (unsigned i = 0; i < N_INPUTS; i++) {
                struct avb_vpu_buf b = {.offset = i * INPUT_SLOT + 100,
                                        .size = 512,
                                        .pts_ns = pts_of(n),
                                        .cookie = i,
                                        .flags = flags};
                int r;

                if (h->input_busy[i])
                        continue;
                fake_v4l2_encode(h->heap + b.offset, w, hgt, n);
                if (corrupt)
                        memset(h->heap + b.offset, 0, 4);
                r = h->vpu.ops->queue_input(h->sess, &b);
                if (r == 0)
                        h->input_busy[i] = true;
                return r;
        }
        return -EAGAIN;
}

/* Decode frames [first, last) of one geometry, pumping when the queue is full. */
static void h_decode(struct h *h, uint32_t w, uint32_t hgt, uint32_t first, uint32_t last,
                     uint32_t last_flags)
{
        for (uint32_t n = first; n < last; n++) {
                uint32_t flags = n + 1 == last ? last_flags : 0;
                int r = h_queue_input(h, w, hgt, n, flags, false);

                if (r == -EAGAIN) {
                        h_pump(h);
                        r = h_queue_input(h, w, hgt, n, flags, false);
                }
                assert_int_equal(r, 0);
        }
}

/* Tokens appear in the trace in this order (others may come between). */
static void assert_trace_order(const char *trace, const char *const *tokens)
{
        const char *at = trace;

        for (; *tokens; tokens++) {
                const char *hit = strstr(at, *tokens);

                if (!hit)
                        fail_msg("'%s' missing after offset %zu of trace: %s", *tokens,
                                 (size_t)(at - trace), trace);
                at = hit + strlen(*tokens);
        }
}

static void session(enum avb_v4l2vpu_memory memory)
{
        static const char *const setup[] = {
            "S_FMT:O",    "S_FMT:C", "REQBUFS:O:8", "STREAMON:O", "QBUF:O",           "G_FMT:C",
            "REQBUFS:C:", "QBUF:C",  "STREAMON:C",  "DQBUF:C",    "DECODER_CMD:STOP", NULL};
        struct h h;

        h_open(&h, memory);
        h_decode(&h, 320, 240, 0, 20, AVB_VPU_BUF_EOS);
        h_pump(&h);
        assert_int_equal(h.source_changes, 1);
        assert_int_equal(h.n_frames, 20);
        assert_int_equal(h.n_empty, 0);
        for (unsigned i = 0; i < 20; i++) {
                assert_int_equal(h.frames[i].pts, pts_of(i));
                assert_int_equal(h.frames[i].flags, i == 19 ? AVB_VPU_BUF_LAST : 0);
        }
        assert_int_equal(h.eos, 1);
        assert_int_equal(h.frames_at_eos, 20); /* EOS after the LAST frame, in device order */
        assert_int_equal(h.errors, 0);
        for (unsigned i = 0; i < N_INPUTS; i++)
                assert_false(h.input_busy[i]);
        assert_trace_order(fake_v4l2_trace(h.fake), setup);
        assert_int_equal(fake_v4l2_stats(h.fake)->frames, 20);
        h_close(&h);
}

static void test_session_mmap(void **state)
{
        (void)state;
        session(AVB_V4L2VPU_MMAP);
}

static void test_session_no_regions(void **state)
{
        (void)state;
        no_regions = true;
        session(AVB_V4L2VPU_MMAP);
        no_regions = false;
}

static void test_session_i420(void **state)
{
        (void)state;
        want_i420 = true;
        session(AVB_V4L2VPU_MMAP);
        session(AVB_V4L2VPU_DMABUF);
        want_i420 = false;
}

static void test_session_dmabuf(void **state)
{
        (void)state;
        session(AVB_V4L2VPU_DMABUF);
}

static void resolution_change(enum avb_v4l2vpu_memory memory)
{
        static const char *const realloc_seq[] = {
            "STREAMOFF:C", "REQBUFS:C:0", "G_FMT:C", "REQBUFS:C:", "QBUF:C", "STREAMON:C", NULL};
        const char *trace;
        struct h h;

        h_open(&h, memory);
        h_decode(&h, 320, 240, 0, 6, 0);
        h_pump(&h);
        assert_int_equal(h.n_frames, 6);
        h_decode(&h, 640, 480, 6, 12, 0);
        h_pump(&h);
        assert_int_equal(h.source_changes, 2);
        assert_int_equal(h.fmt.width, 640);
        assert_int_equal(h.fmt.height, 480);
        /* 12 frames plus the empty LAST buffer that ends the old resolution. */
        assert_int_equal(h.n_frames - h.n_empty, 12);
        assert_int_equal(h.frames[11 + h.n_empty].width, 640);
        for (unsigned i = 0; i < h.n_frames; i++)
                assert_int_equal(h.frames[i].flags & AVB_VPU_BUF_LAST, 0);
        /* After the second SOURCE_CHANGE, the capture queue was reallocated in order. */
        trace = fake_v4l2_trace(h.fake);
        trace = strstr(trace, "STREAMOFF:C");
        assert_non_null(trace);
        assert_trace_order(trace, realloc_seq);
        assert_int_equal(h.errors, 0);
        h_close(&h);
}

static void test_resolution_change(void **state)
{
        (void)state;
        resolution_change(AVB_V4L2VPU_MMAP);
}

static void test_resolution_change_dmabuf(void **state)
{
        (void)state;
        resolution_change(AVB_V4L2VPU_DMABUF);
}

/*
 * A caller in the manner of a simple decode path: frame blocks of the largest
 * size queued and the output queue started before any input, and on
 * SOURCE_CHANGE nothing but get_format. The backend reallocates by itself
 * and never hands over a frame of the new size before the event.
 */
static void test_lazy_caller(void **state)
{
        static const char *const realloc_seq[] = {
            "STREAMOFF:C", "REQBUFS:C:0", "G_FMT:C", "REQBUFS:C:", "STREAMON:C", "QBUF:C", NULL};
        struct h h;

        (void)state;
        h_open(&h, AVB_V4L2VPU_MMAP);
        h.lazy = true;
        h.block_size = page_up(640 * 480 / 2 * 3);
        h.n_blocks = 6;
        h_queue_blocks(&h);
        assert_int_equal(h.vpu.ops->stream_on(h.sess, AVB_VPU_OUTPUT), 0);
        h.output_streaming = true;
        h_decode(&h, 320, 240, 0, 5, 0);
        h_pump(&h);
        assert_int_equal(h.source_changes, 1);
        assert_int_equal(h.n_frames, 5);
        h_decode(&h, 640, 480, 5, 11, AVB_VPU_BUF_EOS);
        h_pump(&h);
        assert_int_equal(h.source_changes, 2);
        assert_int_equal(h.n_frames - h.n_empty, 11);
        assert_true(h.n_empty >= 1); /* the LAST of 320x240 and the blocks the device held */
        assert_int_equal(h.frames[h.n_frames - 1].width, 640);
        assert_int_equal(h.frames[h.n_frames - 1].flags, AVB_VPU_BUF_LAST);
        assert_int_equal(h.eos, 1);
        assert_trace_order(strstr(fake_v4l2_trace(h.fake), "STREAMOFF:C"), realloc_seq);
        h_close(&h);
}

/*
 * The server's way (the lazy caller's) with just enough blocks: the frames
 * before a resolution change take every block the device held, so the
 * device has none to return the old size's LAST in. The blocks queued
 * after that must reach the device, or the change never ends and the new
 * size's coded buffers are never taken.
 */
static void change_with_blocks_used_up(enum avb_v4l2vpu_memory memory)
{
        struct h h;

        h_open(&h, memory);
        h.lazy = true;
        h.block_size = page_up(640 * 480 / 2 * 3);
        h.n_blocks = 4;
        h_queue_blocks(&h);
        assert_int_equal(h.vpu.ops->stream_on(h.sess, AVB_VPU_OUTPUT), 0);
        h.output_streaming = true;
        h_decode(&h, 320, 240, 0, 1, 0);
        h_pump(&h);
        assert_int_equal(h.source_changes, 1);
        /* four frames fill the four blocks; the fifth buffer changes the size */
        h_decode(&h, 320, 240, 1, 5, 0);
        h_decode(&h, 640, 480, 5, 7, 0);
        h_pump(&h);
        assert_int_equal(h.source_changes, 2);
        assert_int_equal(h.n_frames - h.n_empty, 7);
        assert_int_equal(h.frames[h.n_frames - 1].width, 640);
        for (unsigned i = 0; i < N_INPUTS; i++)
                assert_false(h.input_busy[i]);
        assert_int_equal(h.errors, 0);
        h_close(&h);
}

static void test_change_with_blocks_used_up(void **state)
{
        (void)state;
        change_with_blocks_used_up(AVB_V4L2VPU_MMAP);
        change_with_blocks_used_up(AVB_V4L2VPU_DMABUF);
}

static void test_drain_empty_last(void **state)
{
        struct h h;

        (void)state;
        h_open(&h, AVB_V4L2VPU_DMABUF);
        h_decode(&h, 320, 240, 0, 4, 0);
        h_pump(&h);
        assert_int_equal(h.n_frames, 4);
        /* Every frame is out: the decoder answers STOP with an empty LAST buffer. */
        assert_int_equal(h.vpu.ops->drain(h.sess), 0);
        h_pump(&h);
        assert_int_equal(h.eos, 1);
        assert_int_equal(h.n_frames, 5);
        assert_int_equal(h.frames[4].bytesused, 0);
        assert_int_equal(h.frames[4].flags, AVB_VPU_BUF_LAST);
        /* After LAST the capture queue gives nothing until a flush. */
        h_decode(&h, 320, 240, 4, 5, 0);
        h_pump(&h);
        assert_int_equal(h.n_frames, 5);
        assert_int_equal(h.vpu.ops->flush(h.sess), 0);
        memset(h.block_queued, 0, sizeof(h.block_queued));
        memset(h.input_busy, 0, sizeof(h.input_busy));
        h_queue_blocks(&h);
        h_decode(&h, 320, 240, 5, 8, 0);
        h_pump(&h);
        assert_int_equal(h.n_frames, 8);
        h_close(&h);
}

static void test_empty_eos_buffer(void **state)
{
        struct h h;
        struct avb_vpu_buf eos = {.offset = (N_INPUTS - 1) * INPUT_SLOT,
                                  .size = 0,
                                  .cookie = N_INPUTS - 1,
                                  .flags = AVB_VPU_BUF_EOS};

        (void)state;
        h_open(&h, AVB_V4L2VPU_MMAP);
        h_decode(&h, 320, 240, 0, 3, 0);
        h_pump(&h);
        assert_int_equal(h.vpu.ops->queue_input(h.sess, &eos), 0);
        h.input_busy[N_INPUTS - 1] = true;
        /* The marker is the backend's to hand back: poll_fd says so. */
        assert_int_equal(
            poll(&(struct pollfd){.fd = h.vpu.ops->poll_fd(h.sess), .events = POLLIN}, 1, 0), 1);
        h_pump(&h);
        assert_int_equal(h.eos, 1);
        assert_false(h.input_busy[N_INPUTS - 1]); /* the marker came back */
        assert_int_equal(h.frames[h.n_frames - 1].flags, AVB_VPU_BUF_LAST);
        h_close(&h);
}

static void test_corrupt_input(void **state)
{
        struct h h;

        (void)state;
        h_open(&h, AVB_V4L2VPU_MMAP);
        h_decode(&h, 320, 240, 0, 2, 0);
        assert_int_equal(h_queue_input(&h, 320, 240, 2, 0, true), 0);
        h_decode(&h, 320, 240, 3, 5, 0);
        h_pump(&h);
        assert_int_equal(h.errors, 1);
        assert_int_equal(h.last_error.type, AVB_VPU_EVENT_ERROR);
        assert_int_equal(h.last_error.error, -EBADMSG);
        assert_int_equal(h.last_error.cookie, 2); /* the input slot of frame 2 */
        assert_int_equal(h.bad_inputs, 1);
        assert_int_equal(h.n_frames, 4); /* decoding went on */
        h_close(&h);
}

static void test_device_failure(void **state)
{
        struct avb_vpu_event ev;
        struct avb_vpu_buf b;
        struct h h;

        (void)state;
        h_open(&h, AVB_V4L2VPU_DMABUF);
        h_decode(&h, 320, 240, 0, 3, 0);
        h_pump(&h);
        fake_v4l2_fail(h.fake, 0, EIO); /* vb2's fatal error state: every ioctl EIO */
        assert_int_equal(h_queue_input(&h, 320, 240, 3, 0, false), -ENODEV);
        assert_int_equal(h.vpu.ops->dequeue_event(h.sess, &ev), 0);
        assert_int_equal(ev.type, AVB_VPU_EVENT_ERROR);
        assert_int_equal(ev.error, -ENODEV);
        assert_int_equal(h.vpu.ops->dequeue_event(h.sess, &ev), -ENODEV);
        assert_int_equal(h.vpu.ops->dequeue_output(h.sess, &b), -ENODEV);
        assert_int_equal(h.vpu.ops->drain(h.sess), -ENODEV);
        h_close(&h); /* closes the node and every dma-buf even so */
}

/* V4L2's colour fields, defaults resolved, as H.273 code points and a range. */
static const struct {
        uint32_t cs, xfer, enc, quant, field;
        uint8_t pri, trc, mat;
        enum avb_vpu_range range;
        enum avb_vpu_scan scan;
} describe_cases[] = {
    {V4L2_COLORSPACE_DEFAULT, 0, 0, 0, V4L2_FIELD_NONE, 2, 2, 2, AVB_VPU_RANGE_UNKNOWN,
     AVB_VPU_SCAN_PROGRESSIVE},
    {V4L2_COLORSPACE_REC709, 0, 0, 0, V4L2_FIELD_NONE, 1, 1, 1, AVB_VPU_RANGE_LIMITED,
     AVB_VPU_SCAN_PROGRESSIVE},
    {V4L2_COLORSPACE_SMPTE170M, 0, 0, V4L2_QUANTIZATION_FULL_RANGE, V4L2_FIELD_INTERLACED_TB, 6, 1,
     6, AVB_VPU_RANGE_FULL, AVB_VPU_SCAN_INTERLACED_TFF},
    {V4L2_COLORSPACE_BT2020, V4L2_XFER_FUNC_SMPTE2084, 0, 0, V4L2_FIELD_INTERLACED_BT, 9, 16, 9,
     AVB_VPU_RANGE_LIMITED, AVB_VPU_SCAN_INTERLACED_BFF},
    {V4L2_COLORSPACE_470_SYSTEM_BG, 0, V4L2_YCBCR_ENC_709, 0, V4L2_FIELD_ANY, 5, 1, 1,
     AVB_VPU_RANGE_LIMITED, AVB_VPU_SCAN_PROGRESSIVE},
};

static void test_describe(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(describe_cases) / sizeof(describe_cases[0]); i++) {
                struct v4l2_pix_format_mplane pix = {.width = 1920, .height = 1088};
                struct avb_vpu_format f = {0};

                pix.colorspace = describe_cases[i].cs;
                pix.xfer_func = (uint8_t)describe_cases[i].xfer;
                pix.ycbcr_enc = (uint8_t)describe_cases[i].enc;
                pix.quantization = (uint8_t)describe_cases[i].quant;
                pix.field = describe_cases[i].field;
                v4l2vpu_describe(&pix, 1920, 1080, &f);
                assert_int_equal(f.coded_height, 1088);
                assert_int_equal(f.visible_height, 1080);
                assert_int_equal(f.color_primaries, describe_cases[i].pri);
                assert_int_equal(f.color_transfer, describe_cases[i].trc);
                assert_int_equal(f.color_matrix, describe_cases[i].mat);
                assert_int_equal(f.color_range, describe_cases[i].range);
                assert_int_equal(f.scan, describe_cases[i].scan);
        }
}

static void test_misuse(void **state)
{
        struct avb_vpu_buf block = {.offset = REGION_START, .size = 1u << 20};
        struct avb_vpu_format f;
        void *other = NULL;
        struct h h;

        (void)state;
        h_open(&h, AVB_V4L2VPU_MMAP);
        assert_int_equal(h.vpu.ops->open(h.vpu.dev, AVB_VPU_CODEC_H264, true, &other), -EOPNOTSUPP);
        assert_int_equal(h.vpu.ops->open(h.vpu.dev, AVB_VPU_CODEC_AAC, false, &other), -EOPNOTSUPP);
        /* The fake decodes H.264 only: S_FMT refuses HEVC. */
        assert_int_equal(h.vpu.ops->open(h.vpu.dev, AVB_VPU_CODEC_HEVC, false, &other), 0);
        f = (struct avb_vpu_format){.codec = AVB_VPU_CODEC_HEVC};
        assert_int_equal(h.vpu.ops->set_format(other, &f), -EOPNOTSUPP);
        h.vpu.ops->close(other);
        /* Nothing about frames before the stream said what they are. */
        assert_int_equal(h.vpu.ops->get_format(h.sess, &f), -EBADFD);
        block.secure = true;
        assert_int_equal(h.vpu.ops->queue_output(h.sess, &block), -EINVAL);
        block.secure = false;
        f = (struct avb_vpu_format){.codec = AVB_VPU_CODEC_H264};
        assert_int_equal(h.vpu.ops->set_format(h.sess, &f), -EBADFD); /* input streams */
        h_decode(&h, 320, 240, 0, 1, 0);
        h_pump(&h);
        assert_int_equal(h.n_frames, 1);
        /* the description V4L2 can give; no codec data, no user data */
        assert_int_equal(h.vpu.ops->get_format(h.sess, &f), 0);
        assert_int_equal(f.visible_width, 320);
        assert_int_equal(f.visible_height, 240);
        assert_true(f.coded_width >= 320 && f.coded_height >= 240);
        assert_int_equal(f.scan, AVB_VPU_SCAN_PROGRESSIVE);
        assert_int_equal(f.bit_depth, 8);
        assert_int_equal(
            avb_vpu_set_codec_data(&h.vpu, h.sess, AVB_VPU_CODEC_DATA_H264_ANNEXB, "\0\0\1\x67", 4),
            -EOPNOTSUPP);
        assert_int_equal(avb_vpu_dequeue_user_data(&h.vpu, h.sess, &(struct avb_vpu_user_data){0}),
                         -EOPNOTSUPP);
        /* A block too small for a frame. */
        block.size = 1000;
        assert_int_equal(h.vpu.ops->queue_output(h.sess, &block), -EINVAL);
        h_close(&h);
}

/* The fake itself refuses what the kernel refuses. */
static void test_fake_protocol(void **state)
{
        struct fake_v4l2 *f = fake_v4l2_new();
        struct v4l2_plane plane = {0};
        struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE,
                                .memory = V4L2_MEMORY_MMAP,
                                .m.planes = &plane,
                                .length = 1};
        struct v4l2_requestbuffers rb = {
            .count = 2, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, .memory = V4L2_MEMORY_MMAP};
        struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE};
        uint32_t out = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, cap = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
        struct v4l2_event ev;
        int fd;

        (void)state;
        assert_int_equal(fake_v4l2_ops.open(f, "/dev/video-fake", 0), -EINVAL); /* blocking */
        fd = fake_v4l2_ops.open(f, "/dev/video-fake", O_RDWR | O_NONBLOCK);
        assert_true(fd >= 0);
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_QBUF, &b), -EINVAL);
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_STREAMON, &out), -EINVAL);
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_STREAMON, &cap), -EINVAL);
        /* No geometry yet: no capture buffers. */
        rb.type = cap;
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_REQBUFS, &rb), -EINVAL);
        rb.type = out;
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_REQBUFS, &rb), 0);
        fmt.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_H264;
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_S_FMT, &fmt), -EBUSY);
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_STREAMON, &out), 0);
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_REQBUFS, &rb), -EBUSY);
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_DQBUF, &b), -EAGAIN);
        plane.bytesused = 2u << 20; /* larger than the buffer */
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_QBUF, &b), -EINVAL);
        b.index = 5;
        plane.bytesused = 16;
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_QBUF, &b), -EINVAL);
        b.index = 0;
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_QBUF, &b), 0);
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_QBUF, &b), -EINVAL); /* queued */
        memset(&ev, 0, sizeof(ev));
        assert_int_equal(fake_v4l2_ops.ioctl(f, fd, VIDIOC_DQEVENT, &ev), -ENOENT);
        assert_int_equal(fake_v4l2_ops.export_dmabuf(f, fd, 100, PAGE, &fd), -EINVAL);
        assert_int_equal(fake_v4l2_ops.close(f, fd), 0);
        fake_v4l2_free(f);
}

static void test_poll_fd(void **state)
{
        struct pollfd p;
        struct h h;

        (void)state;
        h_open(&h, AVB_V4L2VPU_MMAP);
        p = (struct pollfd){.fd = h.vpu.ops->poll_fd(h.sess), .events = POLLIN};
        assert_int_equal(poll(&p, 1, 0), 0);
        h_decode(&h, 320, 240, 0, 1, 0); /* raises SOURCE_CHANGE */
        assert_int_equal(poll(&p, 1, 0), 1);
        h_pump(&h);
        assert_int_equal(poll(&p, 1, 0), 0);
        assert_int_equal(h.n_frames, 1);
        h_close(&h);
}

static void test_bad_config(void **state)
{
        struct avb_v4l2vpu_config cfg = {.device = "", .memory = AVB_V4L2VPU_MMAP};
        struct avb_vpu_memory mem = {.heap_fd = {-1, -1}};
        struct avb_vpu vpu = {0};

        (void)state;
        assert_int_equal(avb_v4l2vpu_new(&cfg, &mem, &vpu), -EINVAL);
        cfg.device = "/dev/video0";
        cfg.memory = 7;
        assert_int_equal(avb_v4l2vpu_new(&cfg, &mem, &vpu), -EINVAL);
        cfg.memory = AVB_V4L2VPU_DMABUF;
        cfg.input_buffers = 1000;
        assert_int_equal(avb_v4l2vpu_new(&cfg, &mem, &vpu), -EINVAL);
        assert_null(vpu.ops);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_session_mmap),
            cmocka_unit_test(test_session_no_regions),
            cmocka_unit_test(test_session_dmabuf),
            cmocka_unit_test(test_session_i420),
            cmocka_unit_test(test_resolution_change),
            cmocka_unit_test(test_resolution_change_dmabuf),
            cmocka_unit_test(test_lazy_caller),
            cmocka_unit_test(test_drain_empty_last),
            cmocka_unit_test(test_change_with_blocks_used_up),
            cmocka_unit_test(test_empty_eos_buffer),
            cmocka_unit_test(test_corrupt_input),
            cmocka_unit_test(test_device_failure),
            cmocka_unit_test(test_misuse),
            cmocka_unit_test(test_fake_protocol),
            cmocka_unit_test(test_poll_fd),
            cmocka_unit_test(test_bad_config),
            cmocka_unit_test(test_describe),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
