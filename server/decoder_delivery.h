/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_DECODER_DELIVERY_H
#define AVBD_DECODER_DELIVERY_H

/*
 * What a decoder owes its listener, handed to the RPC runtime only as fast
 * as the oneway queue toward the listener's process takes it: the service
 * never waits on a listener, and a listener that reads slowly (or whose
 * process is stopped) still gets every event, in order, once it reads.
 *
 * Events (frames, end-of-stream markers, user data, state changes, errors)
 * wait in one
 * ordered list; onDecodeBufferAvailable is a flag (one call owed or not,
 * as the decoder coalesces it) and goes ahead of the list. Every append
 * sends at once what the queue takes (avb_binder_oneway_room); the owner
 * calls avbd_delivery_pump again on a timer while something is owed.
 *
 * Bounds: the list holds at most AVBD_DELIVERY_MAX events. A producer
 * that can make events without limit (a tunnelled decoder's frames, whose
 * blocks come back once presented) stops taking them while
 * avbd_delivery_busy says so. Past the bound a state change is folded into
 * the last owed one when that is a state change (the listener sees
 * from -> latest), and anything else is dropped with a warning.
 *
 * Ownership: a frame event with a handle >= 0 is the server's until sent;
 * ops->done says what became of it (delivered, or never to be: the caller
 * frees it). The listener is referenced while the delivery lives.
 * Locking: none inside; the caller serialises every call (decoders: their
 * mutex). Sends are oneway and never wait.
 * Errors: 0 or -errno.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <avbuffer/rpc.h>

#include "decoder_core.h"

#define AVBD_DELIVERY_MAX  1024
#define AVBD_DELIVERY_BUSY (AVBD_DELIVERY_MAX - 64)

enum avbd_owed_kind {
        AVBD_OWED_FRAME = 1,
        AVBD_OWED_EOS, /* metadata only: no frame was left to carry the end of stream */
        AVBD_OWED_USER_DATA,
        AVBD_OWED_STATE,
        AVBD_OWED_ERROR,
};

/* One owed event. */
struct avbd_owed {
        enum avbd_owed_kind kind;
        int64_t pts_ns, handle;       /* FRAME; handle -1: tunnelled */
        struct avbd_frame_meta *meta; /* FRAME, EOS: owned, NULL when none */
        int32_t a, b;                 /* STATE: from, to; ERROR: code, vendor code */
        uint8_t *data;                /* USER_DATA: owned */
        size_t len;
};

struct avbd_delivery_ops {
        /* Tell the listener ev (oneway). */
        avb_status (*send)(void *ctx, avb_binder *listener, const struct avbd_owed *ev);
        avb_status (*available)(void *ctx, avb_binder *listener);
        /* A frame event has left the list: delivered, or never to be (free it). */
        void (*done)(void *ctx, const struct avbd_owed *ev, bool delivered);
};

struct avbd_delivery;

/* A delivery to listener (borrowed; referenced). Errors: -ENOMEM. */
int avbd_delivery_new(avb_binder *listener, const struct avbd_delivery_ops *ops, void *ctx,
                      struct avbd_delivery **ret);
/* Drops what is owed (frames through ops->done) and frees; accepts NULL. */
void avbd_delivery_free(struct avbd_delivery *d);

/* Append one event and send what fits. meta (may be NULL) and data are copied. */
void avbd_delivery_frame(struct avbd_delivery *d, int64_t pts_ns, int64_t handle,
                         const struct avbd_frame_meta *meta);
void avbd_delivery_eos(struct avbd_delivery *d, const struct avbd_frame_meta *meta);
void avbd_delivery_user_data(struct avbd_delivery *d, int64_t pts_ns, const uint8_t *data,
                             size_t len);
void avbd_delivery_state(struct avbd_delivery *d, int32_t from, int32_t to);
void avbd_delivery_error(struct avbd_delivery *d, int32_t code, int32_t vendor_code);
/* One onDecodeBufferAvailable owed (a flag: owing it twice owes one). */
void avbd_delivery_available(struct avbd_delivery *d);

/* Send what is owed and fits now. Returns the events sent. */
size_t avbd_delivery_pump(struct avbd_delivery *d);
/* Drop the owed frames, user data and end-of-stream markers (a flush or stop ends the stream). */
void avbd_delivery_end_stream(struct avbd_delivery *d);
/* Events owed (the flag counts one). */
size_t avbd_delivery_owed(const struct avbd_delivery *d);
/* Whether the listener's process has gone (nothing more will be sent). */
bool avbd_delivery_gone(const struct avbd_delivery *d);
/* The listener (borrowed). */
avb_binder *avbd_delivery_listener(const struct avbd_delivery *d);
/* Whether a producer should stop making events for now. */
bool avbd_delivery_busy(const struct avbd_delivery *d);

#endif
