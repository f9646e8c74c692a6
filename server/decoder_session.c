/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bottom layer of the decoders (decoder_internal.h): handle sets, the
 * VPU session and its buffers, and telling listeners through deliveries.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <avbuffer/log.h>

#include "decoder_internal.h"

/* ---- small helpers (lock held) ------------------------------------------- */

bool dec_set_add(struct handle_set *s, int64_t h)
{
        if (s->n == DEC_MAX_IN)
                return false;
        s->h[s->n++] = h;
        return true;
}

bool dec_set_remove(struct handle_set *s, int64_t h)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->h[i] == h) {
                        s->h[i] = s->h[--s->n];
                        return true;
                }
        return false;
}

void dec_set_free_all(struct avbd_dec *dec, struct handle_set *s)
{
        for (size_t i = 0; i < s->n; i++)
                (void)avb_vendor_buffer_free(dec->all->vendor, s->h[i]);
        s->n = 0;
}

void dec_wake_worker(struct avbd_decoders *d)
{
        uint64_t one = 1;

        (void)!write(d->wake, &one, sizeof(one));
}

/* After a call: events it could not send yet need the worker's tick. */
void dec_wake_if_owed(struct avbd_dec *dec)
{
        if (avbd_delivery_owed(dec->dlv))
                dec_wake_worker(dec->all);
}

const struct avbd_dec_notify_ops *dec_notify(const struct avbd_dec *dec)
{
        return dec->all->notify[dec->kind];
}

/* State changes and errors go to every event listener, in order. */
void dec_tell_state(struct avbd_dec *dec, enum avbd_dec_state to)
{
        enum avbd_dec_state from = dec->state;

        dec->state = to;
        for (size_t i = 0; i < AVBD_DEC_EVENT_LISTENERS; i++)
                if (dec->events[i])
                        avbd_delivery_state(dec->events[i], (int32_t)from, (int32_t)to);
}

/* code: AVBD_DEC_ERROR_*; vendor_code: the -errno behind it. */
void dec_tell_error(struct avbd_dec *dec, int32_t code, int vendor_code, const char *msg)
{
        avb_log(AVB_LOG_WARNING, "%s decoder %d: %s", dec->kind ? "video" : "audio", (int)dec->id,
                msg);
        dec->decode_errors++;
        for (size_t i = 0; i < AVBD_DEC_EVENT_LISTENERS; i++)
                if (dec->events[i])
                        avbd_delivery_error(dec->events[i], code, vendor_code);
}

/* The metadata of the next frame, flags included; eos marks the last one. */
void dec_frame_meta(struct avbd_dec *dec, bool eos, struct avbd_frame_meta *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->fmt = dec->fmt;
        ret->fmt.codec = dec->codec;
        ret->cfg = dec->cfg;
        ret->eos = eos;
        ret->discontinuity = dec->discontinuity;
}

/* End of stream with no frame left to carry it: a metadata-only output. */
void dec_tell_eos(struct avbd_dec *dec)
{
        struct avbd_frame_meta m;

        if (dec->eos_told)
                return;
        dec->eos_told = true;
        dec_frame_meta(dec, true, &m);
        if (dec->dlv)
                avbd_delivery_eos(dec->dlv, &m);
}

void dec_pay_available(struct avbd_dec *dec)
{
        if (!dec->owe_available)
                return;
        dec->owe_available = false;
        if (dec->dlv)
                avbd_delivery_available(dec->dlv);
}

/* ---- delivery to the listener (decoder_delivery.h) ----------------------- */

avb_status dec_send_event(void *ctx, avb_binder *listener, const struct avbd_owed *ev)
{
        const struct avbd_dec_notify_ops *ops = dec_notify(ctx);

        switch (ev->kind) {
        case AVBD_OWED_FRAME:
        case AVBD_OWED_EOS:
                return ops->frame(listener, ev->pts_ns, ev->handle, ev->meta);
        case AVBD_OWED_USER_DATA:
                return ops->user_data(listener, ev->pts_ns, ev->data, ev->len);
        case AVBD_OWED_STATE:
                return ops->state(listener, ev->a, ev->b);
        case AVBD_OWED_ERROR:
        default:
                return ops->error(listener, ev->a, ev->b);
        }
}

avb_status dec_send_available(void *ctx, avb_binder *listener)
{
        return dec_notify(ctx)->available(listener);
}

/*
 * To the controller listener: a frame becomes its client's before it is
 * sent, so that a client quick to free it (or to queue it to a sink) finds
 * it its own; a send that fails gives it back to the server.
 */
static avb_status send_to_client(void *ctx, avb_binder *listener, const struct avbd_owed *ev)
{
        struct avbd_dec *dec = ctx;
        bool frame = ev->kind == AVBD_OWED_FRAME && ev->handle >= 0;
        avb_status st;

        if (frame)
                (void)avb_vendor_frame_move(dec->all->vendor, ev->handle, AVB_VENDOR_FRAME_SERVER,
                                            dec->owner);
        st = dec_send_event(ctx, listener, ev);
        if (frame && !avb_status_is_ok(&st))
                (void)avb_vendor_frame_move(dec->all->vendor, ev->handle, dec->owner,
                                            AVB_VENDOR_FRAME_SERVER);
        return st;
}

/*
 * A frame reached the client (the vendor's record says it is the client's,
 * freed at its death), or never will (freed now).
 */
void dec_frame_done(void *ctx, const struct avbd_owed *ev, bool delivered)
{
        struct avbd_dec *dec = ctx;

        if (ev->handle >= 0 && !delivered)
                (void)avb_vendor_buffer_free(dec->all->vendor, ev->handle);
}

const struct avbd_delivery_ops dec_delivery_ops = {
    .send = send_to_client,
    .available = dec_send_available,
    .done = dec_frame_done,
};

/* Too many events owed: leave the VPU's completions where they are for now. */
bool dec_listener_behind(const struct avbd_dec *dec)
{
        return avbd_delivery_busy(dec->dlv);
}

/* Send what every event listener is owed; forget those whose process has gone. */
void dec_pump_events(struct avbd_dec *dec)
{
        for (size_t i = 0; i < AVBD_DEC_EVENT_LISTENERS; i++) {
                if (!dec->events[i])
                        continue;
                (void)avbd_delivery_pump(dec->events[i]);
                /* gone: a send found it dead, or its process exited with nothing owed */
                if (avbd_delivery_gone(dec->events[i]) ||
                    !avb_binder_is_alive(avbd_delivery_listener(dec->events[i]))) {
                        avbd_delivery_free(dec->events[i]);
                        dec->events[i] = NULL;
                }
        }
}

bool dec_events_owed(const struct avbd_dec *dec)
{
        for (size_t i = 0; i < AVBD_DEC_EVENT_LISTENERS; i++)
                if (avbd_delivery_owed(dec->events[i]))
                        return true;
        return false;
}

/* Free every buffer the VPU holds for dec; the session is stopped or gone. */
void dec_release_buffers(struct avbd_dec *dec)
{
        dec_set_free_all(dec, &dec->in);
        dec_set_free_all(dec, &dec->out);
        dec_pay_available(dec);
}

void dec_close_session(struct avbd_dec *dec)
{
        if (dec->sess)
                dec->all->vpu->ops->close(dec->sess);
        dec->sess = NULL;
}

/* Open the VPU session (again) and start streaming if STARTED. */
int dec_open_session(struct avbd_dec *dec, bool stream)
{
        const struct avb_vpu_ops *ops = dec->all->vpu->ops;
        struct avb_vpu_format fmt = {.codec = dec->codec, .pixfmt = AVB_VPU_FMT_I420};
        int e;

        if (dec->sess)
                return 0;
        e = ops->open(dec->all->vpu->dev, dec->codec, dec->secure, &dec->sess);
        if (e < 0)
                return e;
        e = ops->set_format(dec->sess, &fmt);
        if (e == 0 && dec->csd)
                e = avb_vpu_set_codec_data(dec->all->vpu, dec->sess, dec->csd_type, dec->csd,
                                           dec->csd_len);
        if (e == 0 && stream)
                e = ops->stream_on(dec->sess, AVB_VPU_INPUT);
        if (e == 0 && stream)
                e = ops->stream_on(dec->sess, AVB_VPU_OUTPUT);
        if (e < 0)
                dec_close_session(dec);
        dec->meta_due = true;
        dec_wake_worker(dec->all);
        return e;
}

/* Keep DEC_OUT_TARGET frame blocks queued. */
void dec_top_up_output(struct avbd_dec *dec)
{
        struct avb_vendor *v = dec->all->vendor;

        while (dec->sess && dec->state == AVBD_DEC_STARTED && dec->out.n < DEC_OUT_TARGET) {
                struct avb_buffer_info info;
                struct avb_vpu_buf b = {0};
                int64_t h;

                if (avb_vendor_frame_alloc(v, (unsigned)dec->frame_pool, &h) < 0)
                        return; /* all blocks out: the client holds frames */
                if (avb_vendor_buffer_info(v, h, &info) < 0 || !dec_set_add(&dec->out, h)) {
                        (void)avb_vendor_buffer_free(v, h);
                        return;
                }
                b.secure = info.secure;
                b.offset = info.heap_offset;
                b.size = info.size;
                b.cookie = (uint64_t)h;
                if (dec->all->vpu->ops->queue_output(dec->sess, &b) < 0) {
                        dec_set_remove(&dec->out, h);
                        (void)avb_vendor_buffer_free(v, h);
                        return;
                }
        }
}
