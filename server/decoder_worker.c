/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoders' worker thread (decoder_internal.h): it takes the VPU's
 * completions (consumed coded buffers, frames, user data, events) and turns
 * them into listener calls, and keeps frame blocks queued.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <avbuffer/log.h>

#include "decoder_internal.h"
#include "frame_hash.h"
#include "graph.h"

/* ---- the worker ---------------------------------------------------------- */

void dec_vpu_failed(struct avbd_dec *dec)
{
        dec_close_session(dec);
        dec_release_buffers(dec);
        dec_tell_error(dec, AVBD_DEC_ERROR_VPU, -ENODEV,
                       "the VPU failed; in-flight buffers were freed (stop and start to go on)");
}

static const char *decode_error_text(int error)
{
        switch (error) {
        case -EBADMSG:
                return "corrupt bitstream";
        case -ENOSPC:
                return "frame larger than the frame pool's blocks; frame dropped";
        case -EOPNOTSUPP:
                return "stream format not supported by the VPU";
        default:
                return "frame not decoded";
        }
}

static void end_of_stream(struct avbd_dec *dec);

static void on_event(struct avbd_dec *dec, const struct avb_vpu_event *ev)
{
        switch (ev->type) {
        case AVB_VPU_EVENT_SOURCE_CHANGE:
                if (dec->all->vpu->ops->get_format(dec->sess, &dec->fmt) == 0)
                        dec->meta_due = dec->geometry_due = true;
                break;
        case AVB_VPU_EVENT_EOS:
                /*
                 * tunnelled: the marker follows the sink's last presented
                 * frame; with no room for it, it goes out at once
                 */
                if (dec->tunnelled &&
                    avb_vendor_sink_queue_eos(dec->all->vendor, dec->kind, dec->id) == 0)
                        dec->eos_to_sink = true;
                else if (dec->tunnelled)
                        dec_tell_eos(dec);
                else
                        end_of_stream(dec);
                break;
        case AVB_VPU_EVENT_ERROR:
                if (ev->error == -ENODEV)
                        dec_vpu_failed(dec);
                else
                        dec_tell_error(dec, AVBD_DEC_ERROR_DECODE, ev->error,
                                       decode_error_text(ev->error));
                break;
        }
}

/*
 * The first frame of a start or of a new resolution tells the media graph the
 * decoder's output geometry, which `avbufctl graph` then shows. Start could
 * only validate the tunnel's link against the pixel format (the geometry is
 * in the bitstream); here a sink pad that asks for another geometry refuses
 * the stream, and its frames are dropped: the sink would misread them.
 */
static void tell_geometry(struct avbd_dec *dec)
{
        char bad[AVB_VENDOR_LINK_TEXT] = "", msg[AVB_VENDOR_LINK_TEXT + 96];
        bool refused = dec->sink_refuses;
        int e;

        dec->geometry_due = false;
        if (dec->kind != AVB_MEDIA_VIDEO)
                return;
        e = avb_vendor_decoder_set_geometry(dec->all->vendor, dec->kind, dec->id, dec->fmt.width,
                                            dec->fmt.height, bad);
        dec->sink_refuses = dec->tunnelled && e == -EPIPE;
        /* once per refusal: a driver may repeat a source change of the same size */
        if (dec->sink_refuses && !refused) {
                snprintf(msg, sizeof(msg),
                         "the stream's %ux%u does not fit link %s; frames dropped",
                         (unsigned)dec->fmt.width, (unsigned)dec->fmt.height, bad);
                dec_tell_error(dec, AVBD_DEC_ERROR_SINK, -EPIPE, msg);
        }
}

/*
 * The metadata a frame carries, if any is due: on the first frame of a
 * start, flush or format change, after a setting changed, on the frame after
 * a discontinuity and on the last one; on every frame while SHA1_CALC is on
 * (each has its own digest).
 */
static bool meta_for_frame(struct avbd_dec *dec, const struct avb_vpu_buf *b, int64_t h,
                           struct avbd_frame_meta *ret)
{
        bool eos = (b->flags & AVB_VPU_BUF_LAST) != 0;

        /* audio frames always say how many bytes of PCM they hold */
        if (!dec->meta_due && !eos && !dec->cfg.sha1 && dec->kind != AVB_MEDIA_AUDIO)
                return false;
        dec_frame_meta(dec, eos, ret);
        ret->bytes = b->bytesused;
        if (dec->cfg.sha1 && dec->kind == AVB_MEDIA_VIDEO)
                ret->has_sha1 = avbd_frame_sha1(dec->all->vendor, h, &dec->fmt, ret->sha1) == 0;
        dec->meta_due = dec->discontinuity = false;
        if (eos)
                dec->eos_told = true;
        return true;
}

/*
 * What the sink is told of a tunnelled video frame's picture: the output
 * format's planes, and the rate and aspect the frame's metadata would say
 * (videodecoder_hal.c), so that its y4m output reads as a queued frame's.
 */
static struct avb_vendor_picture tunnelled_picture(const struct avbd_dec *dec)
{
        const struct avb_vpu_format *f = &dec->fmt;
        struct avb_vendor_picture p = {
            .width = f->width,
            .height = f->height,
            .pixfmt = f->pixfmt == AVB_VPU_FMT_I420   ? AVB_VENDOR_PIXFMT_I420
                      : f->pixfmt == AVB_VPU_FMT_NV12 ? AVB_VENDOR_PIXFMT_NV12
                                                      : AVB_VENDOR_PIXFMT_NONE,
            .n_planes = f->n_planes < AVB_VENDOR_PLANES ? f->n_planes : AVB_VENDOR_PLANES,
            .rate_num = f->fps_num,
            .rate_den = f->fps_den,
            .sar_num = f->sar_num && f->sar_den ? f->sar_num : 1,
            .sar_den = f->sar_num && f->sar_den ? f->sar_den : 1,
        };

        if ((!f->fps_num || !f->fps_den) && dec->cfg.fps_num > 0 && dec->cfg.fps_den > 0) {
                p.rate_num = (uint32_t)dec->cfg.fps_num;
                p.rate_den = (uint32_t)dec->cfg.fps_den;
        }
        for (uint32_t i = 0; i < p.n_planes; i++) {
                p.offset[i] = f->plane_offset[i];
                p.stride[i] = f->plane_stride[i];
        }
        return p;
}

/* Tunnelled: the frame goes to the sink, and the listener hears of it with handle -1. */
static void on_tunnelled_frame(struct avbd_dec *dec, const struct avb_vpu_buf *b, int64_t h)
{
        uint32_t bytes = dec->fmt.frame_bytes ? dec->fmt.frame_bytes : b->bytesused;
        struct avb_vendor_picture pic = tunnelled_picture(dec);
        struct avbd_frame_meta m;
        bool has_meta;
        int r;

        if (dec->sink_refuses) {
                dec->frames_dropped++;
                (void)avb_vendor_buffer_free(dec->all->vendor, h);
                return;
        }
        has_meta = meta_for_frame(dec, b, h, &m);
        /* the sink owns the frame either way; a dropped one is not announced */
        r = avb_vendor_sink_queue_picture(dec->all->vendor, dec->kind, dec->id, h, b->pts_ns,
                                          bytes < b->bytesused ? bytes : b->bytesused,
                                          dec->kind == AVB_MEDIA_VIDEO ? &pic : NULL);
        if (r < 0) {
                avb_log(AVB_LOG_WARNING, "decoder %d: the sink %s; frame dropped", (int)dec->id,
                        r == -EINVAL ? "refuses the output format's plane layout" : "is full");
                dec->frames_dropped++;
                dec->meta_due = true;
                return;
        }
        if (has_meta && m.eos) { /* told once the sink has shown this frame (dec_tell_eos) */
                m.eos = false;
                dec->eos_told = false;
        }
        if (dec->dlv)
                avbd_delivery_frame(dec->dlv, b->pts_ns, -1, has_meta ? &m : NULL);
}

void dec_held_drop(struct avbd_dec *dec)
{
        if (dec->holding)
                (void)avb_vendor_buffer_free(dec->all->vendor, dec->held_handle);
        dec->holding = dec->draining = false;
}

/* Deliver the held frame, with the end of stream on it when eos. */
static void release_held(struct avbd_dec *dec, bool eos)
{
        if (!dec->holding)
                return;
        dec->holding = false;
        if (eos) {
                if (!dec->held_has_meta)
                        dec_frame_meta(dec, true, &dec->held_meta);
                dec->held_meta.eos = true;
                dec->held_has_meta = dec->eos_told = true;
        }
        if (dec->dlv)
                avbd_delivery_frame(dec->dlv, dec->held_pts, dec->held_handle,
                                    dec->held_has_meta ? &dec->held_meta : NULL);
        else
                (void)avb_vendor_buffer_free(dec->all->vendor, dec->held_handle);
}

/* The VPU's end of stream (non-tunnelled): on the held frame, or alone. */
static void end_of_stream(struct avbd_dec *dec)
{
        dec->draining = false;
        if (dec->holding)
                release_held(dec, true);
        else
                dec_tell_eos(dec);
}

static void on_frame(struct avbd_dec *dec, const struct avb_vpu_buf *b)
{
        int64_t h = (int64_t)b->cookie;
        struct avbd_frame_meta m;
        bool has_meta;

        if (!dec_set_remove(&dec->out, h))
                return;
        if (!b->bytesused || !dec->dlv) {
                (void)avb_vendor_buffer_free(dec->all->vendor, h);
                /* an empty last block still ends the stream */
                if (dec->dlv && (b->flags & AVB_VPU_BUF_LAST) && !dec->tunnelled)
                        end_of_stream(dec);
                return;
        }
        if ((b->flags & AVB_VPU_BUF_ERROR) && dec->cfg.error_policy == 1) {
                dec->frames_dropped++; /* DECODE_ERROR_POLICY 1: corrupt frames are not shown */
                (void)avb_vendor_buffer_free(dec->all->vendor, h);
                if (b->flags & AVB_VPU_BUF_LAST && !dec->tunnelled)
                        end_of_stream(dec);
                return;
        }
        dec->frames_decoded++;
        (void)avb_vpu_sync_for_cpu(dec->all->vpu, b);
        if (dec->meta_due && !dec->fmt.frame_bytes)
                (void)dec->all->vpu->ops->get_format(dec->sess, &dec->fmt);
        if (dec->geometry_due)
                tell_geometry(dec);
        if (dec->tunnelled) {
                on_tunnelled_frame(dec, b, h);
                return;
        }
        has_meta = meta_for_frame(dec, b, h, &m);
        if (dec->draining && !(has_meta && m.eos)) {
                /* the one before goes; this one waits to see if it is the last */
                release_held(dec, false);
                dec->holding = true;
                dec->held_pts = b->pts_ns;
                dec->held_handle = h;
                dec->held_has_meta = has_meta;
                if (has_meta)
                        dec->held_meta = m;
                return;
        }
        if (has_meta && m.eos) {
                release_held(dec, false);
                dec->draining = false;
        }
        /* the frame is the server's until delivered (dec_frame_done) */
        avbd_delivery_frame(dec->dlv, b->pts_ns, h, has_meta ? &m : NULL);
}

/* User data of the frames to come, ahead of them (video). */
static void on_user_data(struct avbd_dec *dec)
{
        struct avb_vpu_user_data *ud = &dec->all->user_data;

        while (dec->sess && !dec_listener_behind(dec) &&
               avb_vpu_dequeue_user_data(dec->all->vpu, dec->sess, ud) == 0)
                if (dec->dlv && dec->kind == AVB_MEDIA_VIDEO && dec_notify(dec)->user_data)
                        avbd_delivery_user_data(dec->dlv, ud->pts_ns, ud->data, ud->size);
}

/* Take everything the VPU has for dec. */
void dec_service(struct avbd_dec *dec)
{
        const struct avb_vpu_ops *ops = dec->all->vpu->ops;
        bool progress = true;

        while (dec->sess && progress) {
                struct avb_vpu_event ev;
                struct avb_vpu_buf b;

                progress = false;
                while (dec->sess && !dec_listener_behind(dec) &&
                       ops->dequeue_event(dec->sess, &ev) == 0) {
                        on_event(dec, &ev);
                        progress = true;
                }
                while (dec->sess && ops->dequeue_input(dec->sess, &b) == 0) {
                        if (dec_set_remove(&dec->in, (int64_t)b.cookie))
                                (void)avb_vendor_buffer_free(dec->all->vendor, (int64_t)b.cookie);
                        dec_pay_available(dec);
                        progress = true;
                }
                on_user_data(dec);
                while (dec->sess && !dec_listener_behind(dec) &&
                       ops->dequeue_output(dec->sess, &b) == 0) {
                        on_frame(dec, &b);
                        progress = true;
                }
        }
        if (dec->eos_to_sink && avb_vendor_sink_take_eos(dec->all->vendor, dec->kind, dec->id)) {
                dec->eos_to_sink = false;
                dec_tell_eos(dec);
        }
        dec_top_up_output(dec);
}

/*
 * The worker polls the sessions' descriptors with the lock dropped, while a
 * client's close may close a session (and its descriptor number be reused
 * at once). So it polls duplicates it made under the lock and owns: the same
 * open file, never a closed or reused number. A session closed meanwhile
 * wakes it at worst (the next round finds it gone). Closing a duplicate is
 * only the worker's: a V4L2 device stays open until then, a poll later.
 */
static int poll_dup(struct avbd_decoders *d, struct avbd_dec *dec)
{
        return fcntl(d->vpu->ops->poll_fd(dec->sess), F_DUPFD_CLOEXEC, 0);
}

void *dec_worker(void *arg)
{
        struct avbd_decoders *d = arg;

        for (;;) {
                struct pollfd p[1 + 32];
                size_t n = 0;
                bool tick; /* blocks short, or events owed: poll again soon */
                uint64_t x;

                pthread_mutex_lock(&d->lock);
                if (d->stopping) {
                        pthread_mutex_unlock(&d->lock);
                        return NULL;
                }
                p[n++] = (struct pollfd){.fd = d->wake, .events = POLLIN};
                tick = false;
                for (size_t i = 0; i < d->n; i++) {
                        struct avbd_dec *dec = &d->dec[i];

                        /* what is owed first: the room goes to the oldest events */
                        (void)avbd_delivery_pump(dec->dlv);
                        dec_pump_events(dec);
                        if (dec->sess)
                                dec_service(dec);
                        /* a listener behind: its completions wait, the tick retries */
                        if (dec->sess && n < 33 && !dec_listener_behind(dec)) {
                                int fd = poll_dup(d, dec);

                                if (fd >= 0)
                                        p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
                                else
                                        tick = true; /* no descriptor to spare: look again soon */
                        }
                        if (dec->sess && dec->state == AVBD_DEC_STARTED &&
                            dec->out.n < DEC_OUT_TARGET)
                                tick = true;
                        if (avbd_delivery_owed(dec->dlv) || dec_events_owed(dec))
                                tick = true;
                }
                pthread_mutex_unlock(&d->lock);
                if (poll(p, n, tick ? DEC_TICK_MS : 500) > 0 && p[0].revents)
                        (void)!read(d->wake, &x, sizeof(x));
                for (size_t i = 1; i < n; i++)
                        close(p[i].fd);
        }
}
