/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-softvpu's decoders (softvpu_fw_internal.h): a session's libavcodec
 * context and parser, codec-specific data, and the work of moving a session
 * forward: parse the coded bytes (the client may cut the stream anywhere),
 * decode, describe each frame, write it packed into the next output block
 * (H.264 to I420 or NV12; MP2/AAC to interleaved S16 PCM) and send its user
 * data ahead of it.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/pixdesc.h>

#include "codec_data.h"
#include "softvpu_fw_internal.h"

#define FW_PACKET_MAX (64u << 20) /* one access unit (framed input) */

/* ---- sessions ----------------------------------------------------------- */

static void drop_pending(struct fw_sess *s)
{
        for (unsigned i = 0; i < s->n_pending; i++)
                av_frame_free(&s->pending[i]);
        s->n_pending = 0;
}

void fw_sess_reset(struct fw_sess *s)
{
        drop_pending(s);
        s->csd_len = 0;
        s->in.n = s->out.n = 0;
        s->in_used = 0;
        s->draining = s->eos_due = false;
        if (s->ctx)
                avcodec_flush_buffers(s->ctx);
        if (s->parser) {
                av_parser_close(s->parser);
                s->parser = av_parser_init(s->ctx->codec_id);
        }
}

void fw_sess_close(struct fw_sess *s)
{
        fw_sess_reset(s);
        av_parser_close(s->parser);
        avcodec_free_context(&s->ctx);
        av_packet_free(&s->pkt);
        *s = (struct fw_sess){0};
}

/* A decoder context of c with the given extradata (may be none), opened; NULL on failure. */
static AVCodecContext *new_context(const AVCodec *c, const uint8_t *extradata, uint32_t n)
{
        AVCodecContext *ctx = avcodec_alloc_context3(c);

        if (!ctx)
                return NULL;
        if (n) {
                ctx->extradata = av_mallocz(n + AV_INPUT_BUFFER_PADDING_SIZE);
                if (!ctx->extradata) {
                        avcodec_free_context(&ctx);
                        return NULL;
                }
                memcpy(ctx->extradata, extradata, n);
                ctx->extradata_size = (int)n;
        }
        ctx->thread_count = 1;
        ctx->err_recognition = AV_EF_EXPLODE;
        /* we crop, to learn where the visible rectangle lies in the coded picture */
        ctx->apply_cropping = 0;
        if (avcodec_open2(ctx, c, NULL) < 0)
                avcodec_free_context(&ctx);
        return ctx;
}

int fw_sess_open(struct fw_sess *s, enum avb_vpu_codec codec, bool secure)
{
        enum AVCodecID id;
        const AVCodec *c;

        switch (codec) {
        case AVB_VPU_CODEC_H264:
                id = AV_CODEC_ID_H264;
                break;
        case AVB_VPU_CODEC_HEVC:
                id = AV_CODEC_ID_HEVC;
                break;
        case AVB_VPU_CODEC_MP2:
                id = AV_CODEC_ID_MP2;
                break;
        case AVB_VPU_CODEC_AAC:
                id = AV_CODEC_ID_AAC;
                break;
        default:
                return -EOPNOTSUPP;
        }
        c = avcodec_find_decoder(id);
        if (!c)
                return -EOPNOTSUPP;
        *s = (struct fw_sess){
            .used = true, .secure = secure, .codec = codec, .want = AVB_VPU_FMT_I420};
        s->ctx = new_context(c, NULL, 0);
        s->parser = av_parser_init(id);
        s->pkt = av_packet_alloc();
        if (!s->ctx || !s->parser || !s->pkt) {
                fw_sess_close(s);
                return -EOPNOTSUPP;
        }
        return 0;
}

/*
 * Codec-specific data: a decoder opened with it replaces the session's (the
 * old one stays when libavcodec refuses the bytes). avcC and ASC also mean
 * one access unit per input buffer, which the parser cannot split.
 */
static int set_codec_data(struct fw_sess *s, enum avb_vpu_codec_data type, const uint8_t *d,
                          uint32_t n)
{
        const AVCodec *c = s->ctx->codec;
        AVCodecContext *ctx;
        int e = avb_vpu_codec_data_check(s->codec, type, d, n);

        if (e < 0)
                return e;
        ctx = new_context(c, d, n);
        if (!ctx)
                return -EINVAL;
        drop_pending(s);
        avcodec_free_context(&s->ctx);
        s->ctx = ctx;
        av_parser_close(s->parser);
        s->parser = av_parser_init(c->id);
        s->framed = type != AVB_VPU_CODEC_DATA_H264_ANNEXB;
        return s->parser ? 0 : -ENOMEM;
}

/* One piece of codec-specific data; the last one applies the whole. */
int fw_sess_codec_data(struct fw_sess *s, const struct svpu_msg *m)
{
        uint32_t n;

        if (s->on_in)
                return -EBADFD;
        if (m->data_off == 0) {
                s->csd_len = 0;
                s->csd_type = m->data_type;
        }
        if (m->data_off != s->csd_len || m->data_type != s->csd_type || !m->data_len ||
            m->data_len > SVPU_DATA_PIECE || m->data_total > AVB_VPU_CODEC_DATA_MAX ||
            m->data_off + m->data_len > m->data_total) {
                s->csd_len = 0;
                return -EINVAL;
        }
        memcpy(s->csd + s->csd_len, m->data, m->data_len);
        s->csd_len += m->data_len;
        if (s->csd_len < m->data_total)
                return 0;
        n = s->csd_len;
        s->csd_len = 0;
        return set_codec_data(s, s->csd_type, s->csd, n);
}

/* ---- user data ---------------------------------------------------------- */

/* One user data item, in pieces; one too big for the driver is counted, not sent. */
static void push_user_data(uint32_t session, struct fw_sess *s, enum avb_vpu_user_data_type type,
                           int64_t pts, const uint8_t *data, size_t size)
{
        struct svpu_msg m = {.type = SVPU_CPL_USER_DATA,
                             .session = session,
                             .data_type = type,
                             .data_total = (uint32_t)size,
                             .dropped = s->ud_dropped};

        if (!size || size > AVB_VPU_USER_DATA_MAX) {
                s->ud_dropped++;
                return;
        }
        s->ud_dropped = 0;
        m.buf.pts_ns = pts;
        for (size_t off = 0; off < size; off += SVPU_DATA_PIECE) {
                m.data_off = (uint32_t)off;
                m.data_len =
                    (uint32_t)(size - off < SVPU_DATA_PIECE ? size - off : SVPU_DATA_PIECE);
                memcpy(m.data, data + off, m.data_len);
                fw_push(&m);
        }
}

/* ---- decoding ----------------------------------------------------------- */

static uint8_t h273(int v)
{
        return v > 0 && v < 256 ? (uint8_t)v : AVB_VPU_H273_UNSPECIFIED;
}

/* What the stream says about the pictures (the fields past the layout). */
static void describe_video(const struct fw_sess *s, const AVFrame *f, unsigned i,
                           struct avb_vpu_format *fmt)
{
        const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
        AVRational sar = f->sample_aspect_ratio;

        const struct fw_pic_info *p = &s->info[i];
        AVRational fps = p->fps;

        fmt->coded_width = p->coded_width;
        fmt->coded_height = p->coded_height;
        fmt->visible_left = p->crop_left;
        fmt->visible_top = p->crop_top;
        fmt->visible_width = (uint32_t)f->width;
        fmt->visible_height = (uint32_t)f->height;
        if (sar.num > 0 && sar.den > 0) {
                fmt->sar_num = (uint32_t)sar.num;
                fmt->sar_den = (uint32_t)sar.den;
        }
        if (fps.num > 0 && fps.den > 0) {
                fmt->fps_num = (uint32_t)fps.num;
                fmt->fps_den = (uint32_t)fps.den;
        }
        fmt->bit_depth = d ? (uint32_t)d->comp[0].depth : 0;
        fmt->scan = !f->interlaced_frame ? AVB_VPU_SCAN_PROGRESSIVE
                    : f->top_field_first ? AVB_VPU_SCAN_INTERLACED_TFF
                                         : AVB_VPU_SCAN_INTERLACED_BFF;
        /* libavutil's colour enums are the H.273 code points */
        fmt->color_primaries = h273(f->color_primaries);
        fmt->color_transfer = h273(f->color_trc);
        fmt->color_matrix = h273(f->colorspace);
        fmt->color_range = f->color_range == AVCOL_RANGE_JPEG || f->format == AV_PIX_FMT_YUVJ420P
                               ? AVB_VPU_RANGE_FULL
                           : f->color_range == AVCOL_RANGE_MPEG ? AVB_VPU_RANGE_LIMITED
                                                                : AVB_VPU_RANGE_UNKNOWN;
}

/* Frame format of pending[i]; false when this device cannot output it. */
static bool frame_format(const struct fw_sess *s, unsigned i, struct avb_vpu_format *ret)
{
        const AVFrame *f = s->pending[i];
        struct avb_vpu_format fmt = {.codec = s->codec};

        if (s->ctx->codec_type == AVMEDIA_TYPE_AUDIO) {
                int ch = f->ch_layout.nb_channels;

                if (f->format != AV_SAMPLE_FMT_S16 && f->format != AV_SAMPLE_FMT_S16P &&
                    f->format != AV_SAMPLE_FMT_FLTP)
                        return false;
                fmt.pixfmt = AVB_VPU_FMT_PCM_S16;
                fmt.sample_rate = (uint32_t)f->sample_rate;
                fmt.channels = (uint32_t)ch;
                fmt.frame_bytes = (uint32_t)(f->nb_samples * ch * 2);
                fmt.sample_fmt = AVB_VPU_SAMPLE_S16; /* always interleaved S16 out */
                fmt.color_primaries = fmt.color_transfer = fmt.color_matrix =
                    AVB_VPU_H273_UNSPECIFIED;
        } else {
                if (f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P)
                        return false;
                fmt.pixfmt = s->want;
                fmt.width = (uint32_t)f->width;
                fmt.height = (uint32_t)f->height;
                if (!avb_vpu_frame_layout(&fmt))
                        return false;
                describe_video(s, f, i, &fmt);
        }
        fmt.min_buffers = 4;
        *ret = fmt;
        return true;
}

static void copy_plane(uint8_t *dst, const uint8_t *src, int linesize, uint32_t w, uint32_t h)
{
        for (uint32_t y = 0; y < h; y++)
                memcpy(dst + (size_t)y * w, src + (ptrdiff_t)y * linesize, w);
}

static int16_t s16_sample(const AVFrame *f, int ch, int i)
{
        long l;

        if (f->format == AV_SAMPLE_FMT_S16)
                return ((const int16_t *)f->data[0])[i * f->ch_layout.nb_channels + ch];
        if (f->format == AV_SAMPLE_FMT_S16P)
                return ((const int16_t *)f->data[ch])[i];
        /* as swresample: the current rounding mode (to nearest, ties to even), then clip */
        l = lrintf(((const float *)f->data[ch])[i] * 32768.0f);
        return (int16_t)(l > 32767 ? 32767 : l < -32768 ? -32768 : l);
}

/* Write frame f, packed, at dst. */
static void write_frame(const struct avb_vpu_format *fmt, const AVFrame *f, uint8_t *dst)
{
        uint32_t w = fmt->width, h = fmt->height;

        if (fmt->pixfmt == AVB_VPU_FMT_PCM_S16) {
                int16_t *o = (int16_t *)(void *)dst;
                int ch = f->ch_layout.nb_channels;

                for (int i = 0; i < f->nb_samples; i++)
                        for (int c = 0; c < ch; c++)
                                *o++ = s16_sample(f, c, i);
                return;
        }
        copy_plane(dst, f->data[0], f->linesize[0], w, h);
        if (fmt->pixfmt == AVB_VPU_FMT_I420) {
                copy_plane(dst + fmt->plane_offset[1], f->data[1], f->linesize[1], w / 2, h / 2);
                copy_plane(dst + fmt->plane_offset[2], f->data[2], f->linesize[2], w / 2, h / 2);
                return;
        }
        for (uint32_t y = 0; y < h / 2; y++) {
                uint8_t *o = dst + fmt->plane_offset[1] + (size_t)y * w;
                const uint8_t *u = f->data[1] + (ptrdiff_t)y * f->linesize[1];
                const uint8_t *v = f->data[2] + (ptrdiff_t)y * f->linesize[2];

                for (uint32_t x = 0; x < w / 2; x++) {
                        o[2 * x] = u[x];
                        o[2 * x + 1] = v[x];
                }
        }
}

/*
 * The frame's SEI user data, ahead of the frame. Captions become what the
 * HAL's onUserDataOutput carries: A/53 user data from 'GA94' on, at most 31
 * caption triplets per item (cc_count has five bits).
 */
static void send_user_data(uint32_t id, struct fw_sess *s, const AVFrame *f)
{
        for (int i = 0; i < f->nb_side_data; i++) {
                const AVFrameSideData *sd = f->side_data[i];

                if (sd->type == AV_FRAME_DATA_SEI_UNREGISTERED)
                        push_user_data(id, s, AVB_VPU_USER_DATA_SEI_UNREGISTERED, f->pts, sd->data,
                                       sd->size);
                if (sd->type != AV_FRAME_DATA_A53_CC)
                        continue;
                for (size_t off = 0; off + 3 <= sd->size; off += 31 * 3) {
                        uint8_t a53[4 + 3 + 31 * 3 + 1] = {'G', 'A', '9', '4', 3};
                        size_t n = (sd->size - off) / 3 > 31 ? 31 : (sd->size - off) / 3;

                        a53[5] = (uint8_t)(0x40 | n); /* process_cc_data_flag, cc_count */
                        a53[6] = 0xff;                /* em_data */
                        memcpy(a53 + 7, sd->data + off, n * 3);
                        a53[7 + n * 3] = 0xff; /* marker_bits */
                        push_user_data(id, s, AVB_VPU_USER_DATA_A53_CC, f->pts, a53, 8 + n * 3);
                }
        }
}

/* Put the oldest pending frame into the next output block. */
static void emit_frame(uint32_t id, struct fw_sess *s)
{
        AVFrame *f = s->pending[0];
        struct avb_vpu_format fmt;
        struct avb_vpu_buf b = fw_fifo_take(&s->out);
        uint8_t *dst;

        bool known = frame_format(s, 0, &fmt);
        uint32_t changed;

        s->n_pending--;
        memmove(s->pending, s->pending + 1, s->n_pending * sizeof(s->pending[0]));
        memmove(s->info, s->info + 1, s->n_pending * sizeof(s->info[0]));
        b.flags = 0;
        b.bytesused = 0;
        if (!known) {
                if (!s->bad_format)
                        fw_push_event(id, AVB_VPU_EVENT_ERROR, -EOPNOTSUPP, 0, NULL);
                s->bad_format = true;
                fw_fifo_put(&s->out, &b); /* keep the block */
                av_frame_free(&f);
                return;
        }
        changed = s->have_fmt ? avb_vpu_format_changes(&s->fmt, &fmt)
                              : AVB_VPU_CHANGED_GEOMETRY | AVB_VPU_CHANGED_DESCRIPTION;
        if (changed) {
                s->fmt = fmt;
                s->have_fmt = true;
                fw_push_source_change(id, &fmt, changed);
        }
        dst = b.secure == s->secure ? fw_map_block(&b) : NULL;
        if (!dst || b.size < fmt.frame_bytes) {
                b.flags = AVB_VPU_BUF_ERROR;
                fw_push_event(id, AVB_VPU_EVENT_ERROR, dst ? -ENOSPC : -EFAULT, b.cookie, NULL);
        } else {
                write_frame(&fmt, f, dst);
                memset(dst + fmt.frame_bytes, 0, b.size - fmt.frame_bytes);
                b.bytesused = fmt.frame_bytes;
                if (f->flags & AV_FRAME_FLAG_CORRUPT || f->decode_error_flags)
                        b.flags |= AVB_VPU_BUF_ERROR;
        }
        b.pts_ns = f->pts;
        if (s->eos_due && s->n_pending == 0)
                b.flags |= AVB_VPU_BUF_LAST;
        send_user_data(id, s, f);
        av_frame_free(&f);
        fw_push_buf(id, SVPU_CPL_OUT_DONE, &b);
}

/* s->last for frame f, before cropping (see struct fw_pic_info). */
static void take_info(struct fw_sess *s, const AVFrame *f)
{
        struct fw_pic_info p = {.crop_left = (uint32_t)f->crop_left,
                                .crop_top = (uint32_t)f->crop_top,
                                .width = (uint32_t)f->width,
                                .height = (uint32_t)f->height};

        if (p.width == s->last.width && p.height == s->last.height) {
                p.coded_width = s->last.coded_width;
                p.coded_height = s->last.coded_height;
                p.fps = s->last.fps;
        } else {
                p.coded_width = (uint32_t)(s->ctx->coded_width ? s->ctx->coded_width : f->width);
                p.coded_height =
                    (uint32_t)(s->ctx->coded_height ? s->ctx->coded_height : f->height);
                p.fps = s->ctx->framerate;
        }
        s->last = p;
}

/* Collect decoded frames; false on a decode error. */
static bool receive(struct fw_sess *s)
{
        for (;;) {
                AVFrame *f;
                int r;

                if (s->n_pending == FW_PENDING)
                        return true;
                f = av_frame_alloc();
                if (!f)
                        return false;
                r = avcodec_receive_frame(s->ctx, f);
                if (r < 0) {
                        av_frame_free(&f);
                        return r == AVERROR(EAGAIN) || r == AVERROR_EOF;
                }
                if (f->width)
                        take_info(s, f);
                s->info[s->n_pending] = s->last;
                if (f->width && av_frame_apply_cropping(f, AV_FRAME_CROP_UNALIGNED) < 0) {
                        av_frame_free(&f);
                        return false;
                }
                s->pending[s->n_pending++] = f;
        }
}

/* Feed one parsed packet; false on a decode error. */
static bool feed(struct fw_sess *s, const uint8_t *data, int size, int64_t pts)
{
        int r;

        s->pkt->data = (uint8_t *)data;
        s->pkt->size = size;
        s->pkt->pts = pts;
        s->pkt->dts = AV_NOPTS_VALUE;
        r = avcodec_send_packet(s->ctx, size ? s->pkt : NULL);
        return receive(s) && (r >= 0 || r == AVERROR_EOF);
}

/* Feed a whole input buffer as one packet (framed input). */
static bool feed_access_unit(struct fw_sess *s, const struct avb_vpu_buf *b)
{
        static uint8_t *au;
        static size_t cap;

        if (b->size > FW_PACKET_MAX)
                return false;
        if (cap < b->size + AV_INPUT_BUFFER_PADDING_SIZE) {
                uint8_t *p = realloc(au, b->size + AV_INPUT_BUFFER_PADDING_SIZE);

                if (!p)
                        return false;
                au = p;
                cap = b->size + AV_INPUT_BUFFER_PADDING_SIZE;
        }
        memcpy(au, fw.heap[b->secure] + b->offset, b->size);
        memset(au + b->size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
        return feed(s, au, (int)b->size, b->pts_ns);
}

/*
 * Parse and decode the head input buffer as far as room for decoded frames
 * allows; complete it once consumed.
 */
static void consume_input(uint32_t id, struct fw_sess *s)
{
        struct avb_vpu_buf *b = &s->in.b[s->in.head];
        /* libavcodec reads up to AV_INPUT_BUFFER_PADDING_SIZE past the data. */
        static uint8_t chunk[65536 + AV_INPUT_BUFFER_PADDING_SIZE];
        bool ok = true;

        if (!(b->flags & AVB_VPU_BUF_EOS) &&
            (b->secure != s->secure || !fw_in_heap(b->secure, b->offset, b->size)))
                ok = false;
        if (ok && s->framed) {
                ok = !b->size || feed_access_unit(s, b);
                s->in_used = b->size;
        }
        while (ok && !s->framed && s->in_used < b->size && s->n_pending < FW_PENDING / 2) {
                uint32_t n = b->size - s->in_used;
                uint8_t *out;
                int out_size, used;

                if (n > sizeof(chunk) - AV_INPUT_BUFFER_PADDING_SIZE)
                        n = sizeof(chunk) - AV_INPUT_BUFFER_PADDING_SIZE;
                memcpy(chunk, fw.heap[b->secure] + b->offset + s->in_used, n);
                memset(chunk + n, 0, AV_INPUT_BUFFER_PADDING_SIZE);
                used = av_parser_parse2(s->parser, s->ctx, &out, &out_size, chunk, (int)n,
                                        b->pts_ns, AV_NOPTS_VALUE, 0);
                if (used < 0) {
                        ok = false;
                        break;
                }
                s->in_used += (uint32_t)used;
                if (out_size)
                        ok = feed(s, out, out_size, s->parser->pts);
        }
        if (ok && s->in_used < b->size)
                return; /* wait for output room */
        struct avb_vpu_buf done = fw_fifo_take(&s->in);
        s->in_used = 0;
        if (!ok) {
                done.flags |= AVB_VPU_BUF_ERROR;
                fw_push_event(id, AVB_VPU_EVENT_ERROR, -EBADMSG, done.cookie, NULL);
        }
        fw_push_buf(id, SVPU_CPL_IN_DONE, &done);
}

/* Decode everything left (drain): flush the parser, then the decoder. */
static void finish_drain(uint32_t id, struct fw_sess *s)
{
        uint8_t *out;
        int out_size;

        av_parser_parse2(s->parser, s->ctx, &out, &out_size, NULL, 0, AV_NOPTS_VALUE,
                         AV_NOPTS_VALUE, 0);
        if ((out_size && !feed(s, out, out_size, s->parser->pts)) || !feed(s, NULL, 0, 0))
                fw_push_event(id, AVB_VPU_EVENT_ERROR, -EBADMSG, 0, NULL);
        avcodec_flush_buffers(s->ctx);
        av_parser_close(s->parser);
        s->parser = av_parser_init(s->ctx->codec_id);
        s->draining = false;
        s->eos_due = true;
}

void fw_sess_pump(uint32_t id, struct fw_sess *s)
{
        for (;;) {
                while (s->n_pending && s->out.n && s->on_out)
                        emit_frame(id, s);
                if (s->n_pending >= FW_PENDING / 2 || !s->on_in || !s->in.n)
                        break;
                consume_input(id, s);
                if (s->in.n && s->in_used)
                        continue; /* partly consumed: frames must leave first */
        }
        if (s->draining && !s->in.n && s->on_in)
                finish_drain(id, s);
        while (s->n_pending && s->out.n && s->on_out)
                emit_frame(id, s);
        if (s->eos_due && !s->n_pending) {
                s->eos_due = false;
                fw_push_event(id, AVB_VPU_EVENT_EOS, 0, 0, NULL);
        }
}
