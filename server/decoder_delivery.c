/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Owed decoder listener events and their delivery (decoder_delivery.h).
 *
 * Why a list of events and not counts (as space.c keeps): a decoder's
 * events differ one from the next (each frame its handle and pts, each
 * state change its states), and the listener must see them in the order
 * they happened; only onDecodeBufferAvailable is always the same call, and
 * it is a flag.
 *
 * Why ask the runtime for room before each batch: a call it refuses is
 * counted and logged as dropped, and the queue toward a process is shared
 * with that process's other listeners. Room read here can still be taken by
 * another sender (space.c's thread); a WOULD_BLOCK then keeps the event.
 *
 * Why the list grows: most of the time it is empty (every event fits at
 * once), so it starts small and doubles up to AVBD_DELIVERY_MAX only for a
 * listener that stopped reading.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "decoder_delivery.h"

#define DELIVERY_FIRST 16

struct avbd_delivery {
        avb_binder *listener;
        const struct avbd_delivery_ops *ops;
        void *ctx;
        struct avbd_owed *q; /* ring of cap */
        size_t head, n, cap;
        bool owe_available;
        bool gone; /* the listener's process has gone: nothing more is sent */
        uint64_t dropped;
};

int avbd_delivery_new(avb_binder *listener, const struct avbd_delivery_ops *ops, void *ctx,
                      struct avbd_delivery **ret)
{
        struct avbd_delivery *d = calloc(1, sizeof(*d));

        if (!d)
                return -ENOMEM;
        d->listener = avb_binder_ref(listener);
        d->ops = ops;
        d->ctx = ctx;
        *ret = d;
        return 0;
}

static struct avbd_owed *at(struct avbd_delivery *d, size_t i)
{
        return &d->q[(d->head + i) % d->cap];
}

/* Let go of ev's resources; a frame goes back to the owner. */
static void release(struct avbd_delivery *d, struct avbd_owed *ev, bool delivered)
{
        if (ev->kind == AVBD_OWED_FRAME)
                d->ops->done(d->ctx, ev, delivered);
        free(ev->meta);
        free(ev->data);
        ev->meta = NULL;
        ev->data = NULL;
}

static void pop(struct avbd_delivery *d, bool delivered)
{
        release(d, at(d, 0), delivered);
        d->head = (d->head + 1) % d->cap;
        d->n--;
}

static void drop_all(struct avbd_delivery *d)
{
        while (d->n)
                pop(d, false);
}

void avbd_delivery_free(struct avbd_delivery *d)
{
        if (!d)
                return;
        drop_all(d);
        avb_binder_unref(d->listener);
        free(d->q);
        free(d);
}

static bool grow(struct avbd_delivery *d)
{
        size_t cap = d->cap ? d->cap * 2 : DELIVERY_FIRST;
        struct avbd_owed *q;

        if (cap > AVBD_DELIVERY_MAX)
                cap = AVBD_DELIVERY_MAX;
        if (cap == d->cap)
                return false;
        q = malloc(cap * sizeof(*q));
        if (!q)
                return false;
        for (size_t i = 0; i < d->n; i++)
                q[i] = *at(d, i);
        free(d->q);
        d->q = q;
        d->cap = cap;
        d->head = 0;
        return true;
}

/* Fold a state change into the last owed one (from stays, to is the new one). */
static bool fold_state(struct avbd_delivery *d, const struct avbd_owed *ev)
{
        struct avbd_owed *last = d->n ? at(d, d->n - 1) : NULL;

        if (ev->kind != AVBD_OWED_STATE || !last || last->kind != AVBD_OWED_STATE)
                return false;
        last->b = ev->b;
        return true;
}

/* Append ev (its msg now belongs to d) and send what fits. */
static void append(struct avbd_delivery *d, struct avbd_owed ev)
{
        if (d->gone) {
                release(d, &ev, false);
                return;
        }
        if (d->n == d->cap && !grow(d)) {
                if (!fold_state(d, &ev)) {
                        if (!d->dropped++ || d->dropped % 1000 == 0)
                                avb_log(AVB_LOG_WARNING,
                                        "decoder listener %zu events behind; event dropped "
                                        "(%llu in all)",
                                        d->n, (unsigned long long)d->dropped);
                        release(d, &ev, false);
                }
        } else {
                *at(d, d->n) = ev;
                d->n++;
        }
        (void)avbd_delivery_pump(d);
}

/* A copy of meta, or NULL (none, or no memory: the event then goes without). */
static struct avbd_frame_meta *meta_dup(const struct avbd_frame_meta *meta)
{
        struct avbd_frame_meta *m = meta ? malloc(sizeof(*m)) : NULL;

        if (m)
                *m = *meta;
        return m;
}

void avbd_delivery_frame(struct avbd_delivery *d, int64_t pts_ns, int64_t handle,
                         const struct avbd_frame_meta *meta)
{
        append(d, (struct avbd_owed){.kind = AVBD_OWED_FRAME,
                                     .pts_ns = pts_ns,
                                     .handle = handle,
                                     .meta = meta_dup(meta)});
}

void avbd_delivery_eos(struct avbd_delivery *d, const struct avbd_frame_meta *meta)
{
        append(d, (struct avbd_owed){
                      .kind = AVBD_OWED_EOS, .pts_ns = -1, .handle = -1, .meta = meta_dup(meta)});
}

void avbd_delivery_user_data(struct avbd_delivery *d, int64_t pts_ns, const uint8_t *data,
                             size_t len)
{
        uint8_t *copy = malloc(len ? len : 1);

        if (!copy)
                return; /* user data is best effort (the VPU drops it too when behind) */
        memcpy(copy, data, len);
        append(d, (struct avbd_owed){
                      .kind = AVBD_OWED_USER_DATA, .pts_ns = pts_ns, .data = copy, .len = len});
}

void avbd_delivery_state(struct avbd_delivery *d, int32_t from, int32_t to)
{
        append(d, (struct avbd_owed){.kind = AVBD_OWED_STATE, .a = from, .b = to});
}

void avbd_delivery_error(struct avbd_delivery *d, int32_t code, int32_t vendor_code)
{
        append(d, (struct avbd_owed){.kind = AVBD_OWED_ERROR, .a = code, .b = vendor_code});
}

void avbd_delivery_available(struct avbd_delivery *d)
{
        if (d->gone)
                return;
        d->owe_available = true;
        (void)avbd_delivery_pump(d);
}

/* The listener's process has gone: drop everything, send nothing more. */
static void listener_gone(struct avbd_delivery *d)
{
        d->gone = true;
        d->owe_available = false;
        drop_all(d);
}

/* Handles one send's status; false stops the batch. */
static bool sent(struct avbd_delivery *d, const avb_status *st, bool *ret_done)
{
        *ret_done = true;
        if (avb_status_is_ok(st))
                return true;
        if (st->exception == AVB_EX_TRANSACTION_FAILED && st->transport == AVB_TS_WOULD_BLOCK) {
                *ret_done = false; /* another sender took the room: kept for later */
                return false;
        }
        if (st->exception == AVB_EX_TRANSACTION_FAILED && st->transport == AVB_TS_DEAD_OBJECT) {
                listener_gone(d);
                *ret_done = false;
                return false;
        }
        avb_log(AVB_LOG_WARNING, "decoder listener: event not sent (%s); dropped", st->message);
        return true;
}

size_t avbd_delivery_pump(struct avbd_delivery *d)
{
        unsigned room = 0;
        size_t n = 0;
        bool done;

        if (!d || d->gone || (!d->n && !d->owe_available))
                return 0;
        if (avb_binder_oneway_room(d->listener, &room) < 0) {
                listener_gone(d);
                return 0;
        }
        if (d->owe_available && room) {
                avb_status st = d->ops->available(d->ctx, d->listener);

                if (!sent(d, &st, &done))
                        return n;
                d->owe_available = false;
                room--;
                n++;
        }
        while (d->n && room) {
                avb_status st = d->ops->send(d->ctx, d->listener, at(d, 0));
                bool ok = sent(d, &st, &done);

                if (done)
                        pop(d, avb_status_is_ok(&st));
                if (!ok)
                        break;
                room--;
                n++;
        }
        return n;
}

void avbd_delivery_end_stream(struct avbd_delivery *d)
{
        size_t keep = 0, n;

        if (!d)
                return;
        n = d->n;
        /* compact in place, in order: what stays moves towards the head */
        for (size_t i = 0; i < n; i++) {
                struct avbd_owed *ev = at(d, i);

                if (ev->kind == AVBD_OWED_FRAME || ev->kind == AVBD_OWED_EOS ||
                    ev->kind == AVBD_OWED_USER_DATA)
                        release(d, ev, false);
                else
                        *at(d, keep++) = *ev;
        }
        d->n = keep;
}

size_t avbd_delivery_owed(const struct avbd_delivery *d)
{
        return d ? d->n + d->owe_available : 0;
}

bool avbd_delivery_gone(const struct avbd_delivery *d)
{
        return d && d->gone;
}

avb_binder *avbd_delivery_listener(const struct avbd_delivery *d)
{
        return d->listener;
}

bool avbd_delivery_busy(const struct avbd_delivery *d)
{
        return d && d->n >= AVBD_DELIVERY_BUSY;
}
