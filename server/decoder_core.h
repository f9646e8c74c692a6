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

struct avbd_dec;
struct avbd_decoders;

/* Why a decode went wrong (onDecodeError's vendorErrorCode is the -errno). */
#define AVBD_DEC_ERROR_DECODE 1
#define AVBD_DEC_ERROR_VPU    2
#define AVBD_DEC_ERROR_SINK   3 /* video only */

/* What a property write or a stream hint may change, and where. */
enum avbd_dec_states {
        AVBD_IN_READY = 1u << 0,
        AVBD_IN_STARTED = 1u << 1,
};

/*
 * The client's settings of an open decoder (the HAL's properties and stream
 * hints). Reset at open; copied into each frame's metadata so that what a
 * listener reads is what was in force for that frame.
 */
struct avbd_dec_config {
        bool low_latency;
        int32_t error_policy; /* 1: frames with errors are dropped */
        int32_t av_source;    /* com.rdk.hal.AVSource */
        bool sha1;            /* SHA-1 of every frame in its metadata */
        int32_t colorimetry;  /* the client's, used when the stream says nothing */
        bool has_mastering, has_light;
        int32_t mastering[10]; /* MasteringDisplayInfo, field order */
        int32_t light[2];      /* maxCLL, maxFALL */
        int32_t width, height; /* setStreamResolution; 0: not given */
        int32_t fps_num, fps_den;
        bool dv_base, dv_enhancement;
        int32_t channels, sample_rate; /* audio setAudioFormat */
};

/* What goes with a frame when its metadata is due. */
struct avbd_frame_meta {
        struct avb_vpu_format fmt;
        struct avbd_dec_config cfg;
        bool eos, discontinuity, has_sha1;
        uint8_t sha1[20];
        uint32_t bytes; /* bytes of the frame in its buffer (audio: the PCM) */
};

/*
 * How a decoder tells its controller listener and its event listeners; one
 * table per AIDL package. meta is NULL when the frame carries none.
 */
struct avbd_dec_notify_ops {
        avb_status (*frame)(avb_binder *listener, int64_t pts_ns, int64_t handle,
                            const struct avbd_frame_meta *meta);
        /* NULL for a package without user data (audio) */
        avb_status (*user_data)(avb_binder *listener, int64_t pts_ns, const uint8_t *data,
                                size_t len);
        avb_status (*available)(avb_binder *listener);
        avb_status (*state)(avb_binder *event_listener, enum avbd_dec_state from,
                            enum avbd_dec_state to);
        avb_status (*error)(avb_binder *event_listener, int32_t code, int32_t vendor_code);
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
 * A controller: one open of a decoder. Each decoder has AVBD_DEC_CONTROLLERS
 * controller objects, used in turn by its opens (the object table of a
 * server only grows, so a new object per open would grow it without end);
 * an object acts only while its generation is the decoder's current open.
 * impl of a controller object is its struct avbd_ctl.
 */
#define AVBD_DEC_CONTROLLERS 8
struct avbd_ctl {
        struct avbd_dec *dec;
        uint64_t gen; /* the open it belongs to; 0: none yet */
};

/*
 * The calls, made for client `owner` through a controller (open: on the
 * decoder; it returns the controller, referenced). -ESTALE: the controller
 * belongs to an open that has been closed. Every one but open gives -EPERM when
 * the decoder is opened by another client; -EBADFD in a state the call does
 * not take.
 *   open    -EBADFD not CLOSED; -EOPNOTSUPP codec; -ENODEV no VPU or no frame
 *           pool for the mode; -E2BIG max size beyond what the pool's blocks hold
 *   start   -EPIPE a link of its media pipeline does not validate; -EBUSY a
 *           pad streams elsewhere; -ENODEV no VPU. Tunnelled when its output
 *           link to its sink is enabled (then frames go to the sink and the
 *           listener gets handle -1)
 *   flush   reset: ends in READY
 *   decode  -ENOENT bad handle; -EINVAL buffer in the wrong heap, a frame
 *           buffer, or not from a pool of this decoder; *ret_accepted false:
 *           queue full. eos: the decoder drains after this buffer and its last
 *           frame carries endOfStream
 *   codec_data  -EINVAL malformed or not this codec's, -EOPNOTSUPP the VPU
 *           takes none, -EBUSY coded buffers are in flight
 *   configure  runs apply(cfg, arg) under the lock when the decoder is in
 *           one of `states` (-EBADFD otherwise); apply returns 0 or -EINVAL
 *   set_tunnelled  READY only; -EBUSY the link cannot change now
 */
int avbd_dec_open(struct avbd_dec *dec, uint64_t owner, enum avb_vpu_codec codec, bool secure,
                  uint32_t max_width, uint32_t max_height, avb_binder *listener,
                  avb_binder **ret_controller);
int avbd_dec_start(const struct avbd_ctl *ctl, uint64_t owner);
int avbd_dec_flush(const struct avbd_ctl *ctl, uint64_t owner, bool reset);
int avbd_dec_stop(const struct avbd_ctl *ctl, uint64_t owner);
int avbd_dec_close(const struct avbd_ctl *ctl, uint64_t owner);
int avbd_dec_discontinuity(const struct avbd_ctl *ctl, uint64_t owner);
int avbd_dec_decode(const struct avbd_ctl *ctl, uint64_t owner, int64_t handle, int64_t pts_ns,
                    bool eos, bool *ret_accepted);
int avbd_dec_codec_data(const struct avbd_ctl *ctl, uint64_t owner, enum avb_vpu_codec_data type,
                        const void *data, size_t len);
int avbd_dec_configure(const struct avbd_ctl *ctl, uint64_t owner, unsigned states,
                       int (*apply)(struct avbd_dec_config *cfg, const void *arg), const void *arg);
int avbd_dec_set_tunnelled(const struct avbd_ctl *ctl, uint64_t owner, bool tunnelled);

/* Event listeners (any client; at most AVBD_DEC_EVENT_LISTENERS): -EEXIST, -ENOENT, -ENOSPC. */
#define AVBD_DEC_EVENT_LISTENERS 16
int avbd_dec_add_event_listener(struct avbd_dec *dec, avb_binder *listener);
int avbd_dec_remove_event_listener(struct avbd_dec *dec, avb_binder *listener);

/* A snapshot of what the properties read. */
struct avbd_dec_info {
        enum avbd_dec_state state;
        bool secure, tunnelled;
        enum avb_vpu_codec codec;
        uint32_t frame_pool_blocks; /* 0 when not open */
        uint32_t input_queue_bytes;
        int64_t frames_decoded, decode_errors, frames_dropped;
        struct avbd_dec_config cfg;
};
void avbd_dec_info(struct avbd_dec *dec, struct avbd_dec_info *ret);
/* What the profile's frame pools let the decoder output. */
struct avbd_dec_limits {
        uint32_t max_bytes;             /* the largest frame block, 0: no frame pool */
        uint32_t max_width, max_height; /* the largest common size whose I420 frame fits */
        bool secure;                    /* a secure frame pool exists */
};
void avbd_dec_limits(const struct avbd_dec *dec, struct avbd_dec_limits *ret);
/*
 * The controller objects of the decoder (set once by decoder_aidl.c, whose
 * impls are its slots: avbd_dec_controller_slot).
 */
struct avbd_ctl *avbd_dec_controller_slot(struct avbd_dec *dec, size_t i);
void avbd_dec_set_controller(struct avbd_dec *dec, size_t i, avb_binder *controller);

#endif
