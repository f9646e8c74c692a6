/* SPDX-License-Identifier: Apache-2.0 */
/*
 * State of the avb-softvpu firmware shared by its three files, each calling
 * only the ones below it:
 *   softvpu_fw.c         the mailbox loop: commands, acks, start-up;
 *   softvpu_fw_decode.c  a session's decoder (libavcodec): open, codec data,
 *                        parse, decode, describe and write frames, user data;
 *   softvpu_fw_io.c      the firmware's state, completions to the driver and
 *                        the heap memory.
 * Part of the firmware executable only, never of avbufferd. One thread runs
 * everything: nothing here locks.
 */
#ifndef AVB_VPU_SOFTVPU_FW_INTERNAL_H
#define AVB_VPU_SOFTVPU_FW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>

#include "softvpu_mailbox.h"

#define FW_QUEUE   64 /* queued buffers per direction and session */
#define FW_PENDING 32 /* decoded frames waiting for an output block */
#define FW_MAPS    64 /* cached output block mappings */

struct fw_fifo {
        struct avb_vpu_buf b[FW_QUEUE];
        unsigned head, n;
};

/*
 * What libavcodec keeps in the context, not the frame, taken when the frame
 * leaves the decoder. The context runs ahead of the frames: it has parsed a
 * new sequence while frames of the old one still come out. So a frame of the
 * same size as the one before keeps that one's values; a new size takes
 * them afresh (a rate change at one size shows a few frames early).
 */
struct fw_pic_info {
        uint32_t crop_left, crop_top, width, height;
        uint32_t coded_width, coded_height;
        AVRational fps;
};

struct fw_sess {
        bool used, secure, on_in, on_out, draining, eos_due, bad_format;
        enum avb_vpu_codec codec;
        enum avb_vpu_pixfmt want;
        AVCodecContext *ctx;
        AVCodecParserContext *parser;
        AVPacket *pkt;
        AVFrame *pending[FW_PENDING];
        struct fw_pic_info info[FW_PENDING]; /* of pending[i] */
        unsigned n_pending;
        struct fw_pic_info last; /* of the last frame received */
        bool have_fmt;
        bool framed;         /* one input buffer, one access unit (avcC, ASC): no parser */
        uint32_t ud_dropped; /* user data items too big to send */
        /* codec-specific data as it arrives in pieces */
        enum avb_vpu_codec_data csd_type;
        uint32_t csd_len;
        uint8_t csd[AVB_VPU_CODEC_DATA_MAX];
        struct fw_fifo in, out;
        uint32_t in_used; /* bytes of in.b[head] already parsed */
        struct avb_vpu_format fmt;
};

struct fw_map {
        bool secure;
        uint32_t offset, size;
        uint8_t *base; /* page-aligned mapping */
        uint8_t *ptr;  /* the block */
        size_t len;
};

/* The whole firmware: its mailbox, doorbells, heaps and sessions. */
struct fw_state {
        struct svpu_mailbox *mb;
        int kick, irq, heap_fd[2];
        const uint8_t *heap[2]; /* read-only */
        size_t heap_size[2];
        struct fw_sess sess[SVPU_MAX_SESSIONS];
        struct fw_map maps[FW_MAPS];
        unsigned next_map;
        bool rang;
};

/* The one instance (softvpu_fw_io.c); main fills the descriptors. */
extern struct fw_state fw;

/* ---- softvpu_fw_io.c ---------------------------------------------------- */

/*
 * Queue a completion for the driver; waits (ringing irq) while the ring is
 * full, as the driver always drains it. Marks the irq doorbell due.
 */
void fw_push(const struct svpu_msg *m);
void fw_push_buf(uint32_t session, uint32_t type, const struct avb_vpu_buf *b);
/* An event; fmt may be NULL. */
void fw_push_event(uint32_t session, enum avb_vpu_event_type type, int error, uint64_t cookie,
                   const struct avb_vpu_format *fmt);
void fw_push_source_change(uint32_t session, const struct avb_vpu_format *fmt, uint32_t changed);

/* Whether [offset, offset + size) lies in the (secure) heap, which is mapped. */
bool fw_in_heap(bool secure, uint32_t offset, uint32_t size);
/* The block of output buffer b, mapped read-write (cached); NULL when outside the heap. */
uint8_t *fw_map_block(const struct avb_vpu_buf *b);
/* Map heap `which` (0, 1: secure) read-only when its fd is set; 0 or -errno. */
int fw_map_heap(int which);

/* A session's buffer queue: put only below FW_QUEUE, take only when not empty. */
void fw_fifo_put(struct fw_fifo *f, const struct avb_vpu_buf *b);
struct avb_vpu_buf fw_fifo_take(struct fw_fifo *f);

/* ---- softvpu_fw_decode.c ------------------------------------------------ */

/* Open s (unused) as a decoder of codec; 0 or -EOPNOTSUPP (s left unused). */
int fw_sess_open(struct fw_sess *s, enum avb_vpu_codec codec, bool secure);
/* Forget queued buffers, frames and partial input (flush); the decoder stays. */
void fw_sess_reset(struct fw_sess *s);
/* Free s's decoder and mark it unused. */
void fw_sess_close(struct fw_sess *s);
/*
 * One SVPU_CMD_CODEC_DATA piece; the last applies the whole record.
 * -EBADFD while input streams, -EINVAL for a broken piece or record.
 */
int fw_sess_codec_data(struct fw_sess *s, const struct svpu_msg *m);
/*
 * Move session `id` forward: decode queued input, fill queued output blocks,
 * finish a drain; completions and events go to the driver.
 */
void fw_sess_pump(uint32_t id, struct fw_sess *s);

#endif /* AVB_VPU_SOFTVPU_FW_INTERNAL_H */
