/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_DECODER_CORE_H
#define AVBD_DECODER_CORE_H

/*
 * avbufferd's decode path: one decoder object per audio and video decoder
 * the profile declares, driving a VPU (vendor/vpu/vpu.h) with AV buffers.
 *
 *  - decoder.c: the decoders (state machine, buffer ownership, the worker
 *    thread that takes the VPU's completions and tells the listeners);
 *  - decoder_aidl.c: IVideoDecoder/IAudioDecoder and their managers on top.
 *
 * Ownership: a coded buffer accepted by avbd_dec_decode belongs to the
 * decoder until the VPU has consumed it (then it is freed), or until
 * flush/stop/close/a VPU failure (then it is freed too). A frame block is
 * the decoder's until it reaches the listener; from then on the client owns
 * it (non-tunnelled). A frame its listener has not taken yet when a flush,
 * stop or close comes, or when the client or its listener's process dies,
 * is freed and never delivered.
 *
 * Listener events (decoder_delivery.h): handed to the runtime only as fast
 * as the oneway queue toward the listener's process takes them; what does
 * not fit is owed, in order, and sent as the listener reads (the worker
 * retries every DEC_TICK_MS). Nothing is lost to a slow or stopped
 * listener; while too many events are owed, the decoder takes no more
 * completions from the VPU. A closed decoder's owed state changes still go
 * to its old listener.
 *
 * Locking: one mutex for all decoders; the RPC loop thread and the worker
 * thread take it. Listener calls are oneway and made with it held (they are
 * queued, never wait), so the listener sees events in order.
 * Errors: 0 or -errno; ret_* written only on success.
 */

#include <stdbool.h>
#include <stdint.h>

#include <avbuffer/rpc.h>

#include "profile.h"
#include "vendor.h"
#include "vpu.h"

/* The decoder states; numbered as the AIDL State enums of both packages. */
enum avbd_dec_state {
        AVBD_DEC_UNKNOWN = 0,
        AVBD_DEC_CLOSED,
        AVBD_DEC_OPENING,
        AVBD_DEC_READY,
        AVBD_DEC_STARTING,
        AVBD_DEC_STARTED,
        AVBD_DEC_FLUSHING,
        AVBD_DEC_STOPPING,
        AVBD_DEC_CLOSING,
};

/* Listener codes; numbered as IVideoDecoderListener/IAudioDecoderListener ERROR_*. */
#define AVBD_DEC_ERROR_DECODE 1
#define AVBD_DEC_ERROR_VPU    2
#define AVBD_DEC_ERROR_SINK   3 /* video only */

struct avbd_dec;
struct avbd_decoders;

/*
 * How a decoder tells its listener; one table per AIDL package. fmt is
 * NULL when the frame carries no metadata; eos marks end of stream.
 */
struct avbd_dec_notify_ops {
        avb_status (*frame)(avb_binder *listener, int64_t pts_ns, int64_t handle,
                            const struct avb_vpu_format *fmt, bool eos);
        avb_status (*available)(avb_binder *listener);
        avb_status (*state)(avb_binder *listener, enum avbd_dec_state from,
                            enum avbd_dec_state to);
        avb_status (*error)(avb_binder *listener, int32_t code, const char *message);
};

/*
 * Build every decoder of the profile on vpu (borrowed; NULL: no VPU, open
 * gives -ENODEV) and start the worker. notify[kind] per media kind.
 */
int avbd_decoders_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                      struct avb_vpu *vpu, const struct avbd_dec_notify_ops *const notify[2],
                      struct avbd_decoders **ret);
/* Stop the worker, close every decoder (freeing its buffers); accepts NULL. */
void avbd_decoders_free(struct avbd_decoders *d);

size_t avbd_decoders_count(const struct avbd_decoders *d);
struct avbd_dec *avbd_decoders_at(struct avbd_decoders *d, size_t i);
/* Errors: -ENOENT. */
int avbd_decoders_find(struct avbd_decoders *d, enum avb_media_kind kind, int32_t id,
                       struct avbd_dec **ret);
/* A client has gone: close its decoders, free its buffers and unclaimed frames. */
void avbd_decoders_client_gone(struct avbd_decoders *d, uint64_t client_id);

enum avb_media_kind avbd_dec_kind(const struct avbd_dec *dec);
int32_t avbd_dec_id(const struct avbd_dec *dec);
enum avbd_dec_state avbd_dec_state(struct avbd_dec *dec);
/* The AIDL object of the decoder (set once by decoder_aidl.c; borrowed). */
void avbd_dec_set_binder(struct avbd_dec *dec, avb_binder *binder);
avb_binder *avbd_dec_binder(const struct avbd_dec *dec);

/*
 * The calls, made for client `owner`. Every one but open gives -EPERM when
 * the decoder is opened by another client.
 *   open    -EBADFD not CLOSED; -EOPNOTSUPP codec; -ENODEV no VPU or no frame
 *           pool for the mode
 *   start   -EBADFD wrong state; -EPIPE a link of its media pipeline does not
 *           validate; -EBUSY a pad streams elsewhere; -ENODEV no VPU.
 *           Tunnelled when its output link to its sink is enabled (then
 *           frames go to the sink and the listener gets handle -1)
 *   stop, close, flush, drain   -EBADFD wrong state
 *   decode  -EBADFD not STARTED; -ENOENT bad handle; -EINVAL buffer in the
 *           wrong heap, a frame buffer, or not from a pool of this decoder;
 *           *ret_accepted false: queue full
 */
int avbd_dec_open(struct avbd_dec *dec, uint64_t owner, enum avb_vpu_codec codec, bool secure,
                  avb_binder *listener);
int avbd_dec_start(struct avbd_dec *dec, uint64_t owner);
int avbd_dec_flush(struct avbd_dec *dec, uint64_t owner);
int avbd_dec_stop(struct avbd_dec *dec, uint64_t owner);
int avbd_dec_close(struct avbd_dec *dec, uint64_t owner);
int avbd_dec_drain(struct avbd_dec *dec, uint64_t owner);
int avbd_dec_decode(struct avbd_dec *dec, uint64_t owner, int64_t handle, int64_t pts_ns,
                    bool *ret_accepted);

#endif
