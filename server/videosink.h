/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_VIDEOSINK_H
#define AVBD_VIDEOSINK_H

/*
 * avbufferd's video sinks: the published Video Sink HAL
 * (com.rdk.hal.videosink) over the vendor's presenting engines; and its
 * audio sinks (audiosink_hal.c, com.rdk.hal.audiosink), made by the same
 * calls with kind AVB_MEDIA_AUDIO: a set of sinks is of one kind, and
 * takes frame buffers of that kind only.
 *
 *  - videosink.c: the sinks (one per video decoder the profile declares,
 *    with the decoder's id), their state, the controller's calls, the
 *    engine's events to the listeners, the clock an engine presents by;
 *  - videosink_hal.c: IVideoSinkManager ("VideoSinkManager"), IVideoSink
 *    and IVideoSinkController on top, published and registered.
 *
 * A sink's engine (vendor/sink.h) is the one the graph's link from its
 * decoder enters: tunnelled frames (a decoder whose output link is
 * enabled, by OPERATIONAL_MODE TUNNELLED or by setVideoDecoder) and the
 * frames a client queues meet there. While no controller has the sink open
 * the engine paces itself as the stand-in sink did; once opened it presents
 * by the attached clock, or each frame at once without one, and keeps the
 * shown frame.
 *
 * Ownership: a frame handle accepted by queue is the sink's, freed once
 * presented (and no longer shown) or dropped (flush, stop, close, discard,
 * too late on a clock the sink is the slave of, its client's death); the
 * vendor's record of it moves from the client to the server, so the
 * client's death and its IAVBuffer.free leave it alone. A refused one
 * (queue full) stays the caller's. Only the frame's owner may queue it
 * (-EINVAL otherwise: another client's frame, or one the server holds).
 *
 * Locking: one mutex for all sinks, taken by every call here and by the
 * engines' event callback; never held while anything waits for an engine's
 * thread except flush and keep_shown, which wait only for a frame being
 * presented (the engine never calls back while presenting). Listener calls
 * are oneway, made with it held.
 * Errors: 0 or -errno; ret_* written only on success.
 */

#include <stdbool.h>
#include <stdint.h>

#include <avbuffer/rpc.h>
#include <avbuffer/vendor.h>

#include "profile.h"

/* Numbered as com.rdk.hal.State. */
enum avbd_vsink_state {
        AVBD_VSINK_CLOSED = 1,
        AVBD_VSINK_OPENING,
        AVBD_VSINK_READY,
        AVBD_VSINK_STARTING,
        AVBD_VSINK_STARTED,
        AVBD_VSINK_FLUSHING,
        AVBD_VSINK_STOPPING,
        AVBD_VSINK_CLOSING,
};

#define AVBD_VSINK_EVENT_LISTENERS 16
/* Controller objects per sink, handed out in turn, one per open (videosink_hal.c). */
#define AVBD_VSINK_CONTROLLERS 8
#define AVBD_VSINK_UNDEFINED   (-1) /* no decoder, no clock */

/*
 * The AV clocks a sink may attach to (server/avclock.h), as calls:
 *  read: -ENOENT no such clock; *ret_running false: not started or not
 *        primed (media and rate then unset);
 *  prime, presented: a frame waits on an unprimed clock / was presented.
 *  slaved: whether the clock's mode makes this kind of sink its slave, so
 *        that its engine drops frames too late to show in sync
 *        (vendor/sink.h); NULL: never (the audio sinks: see videosink_hal.c).
 * May be all NULL (no clocks: attachClock refuses every id).
 */
struct avbd_vsink_clocks {
        int (*read)(void *userdata, int32_t id, int64_t mono_ns, bool *ret_running,
                    int64_t *ret_media_ns, double *ret_rate);
        void (*prime)(void *userdata, int32_t id, int64_t pts_ns, int64_t mono_ns);
        void (*presented)(void *userdata, int32_t id, int64_t pts_ns, int64_t mono_ns);
        bool (*slaved)(void *userdata, int32_t id);
        void *userdata;
};

/* What goes to the listeners: one table (videosink_hal.c). */
enum avbd_vsink_event {
        AVBD_VSINK_EV_FIRST_FRAME,
        AVBD_VSINK_EV_EOS,
        AVBD_VSINK_EV_UNDERFLOW,
        AVBD_VSINK_EV_RESUMED,
        AVBD_VSINK_EV_SPACE, /* controller listener only */
        AVBD_VSINK_EV_FLUSHED,
};
struct avbd_vsink_notify_ops {
        /* controller: the controller listener (every event) or an event listener (not SPACE) */
        avb_status (*event)(avb_binder *listener, bool controller, enum avbd_vsink_event ev,
                            int64_t pts_ns);
        avb_status (*state)(avb_binder *listener, bool controller, enum avbd_vsink_state from,
                            enum avbd_vsink_state to);
};

struct avbd_vsink;
struct avbd_vsinks;

/* One sink per decoder of `kind` of profile (same ids); clocks copied. */
int avbd_vsinks_new(const struct avbd_profile *profile, struct avb_vendor *vendor,
                    enum avb_media_kind kind, const struct avbd_vsink_clocks *clocks,
                    const struct avbd_vsink_notify_ops *notify, struct avbd_vsinks **ret);
/* Close every sink (its frames freed); accepts NULL. */
void avbd_vsinks_free(struct avbd_vsinks *s);
size_t avbd_vsinks_count(const struct avbd_vsinks *s);
struct avbd_vsink *avbd_vsinks_at(struct avbd_vsinks *s, size_t i);
struct avbd_vsink *avbd_vsinks_find(struct avbd_vsinks *s, int32_t id);
/* A client has gone: stop and close its sinks (freeing their frames), forget its listeners. */
void avbd_vsinks_client_gone(struct avbd_vsinks *s, uint64_t client_id);

int32_t avbd_vsink_id(const struct avbd_vsink *k);
enum avbd_vsink_state avbd_vsink_state(struct avbd_vsink *k);
/* The controller object (one per sink, set once by videosink_hal.c; borrowed). */
void avbd_vsink_set_controller(struct avbd_vsink *k, avb_binder *controller);
avb_binder *avbd_vsink_controller(const struct avbd_vsink *k);
/*
 * Who makes a controller call: the client (avb_peer.client_id) and the open
 * its controller was handed out by (open's *ret_gen, a new number each).
 */
struct avbd_vsink_caller {
        uint64_t client;
        uint64_t gen;
};

/*
 * The calls. open is made for client owner; every other call by who, and
 * gives -ESTALE when the sink is closed or who.gen is an open since closed
 * (or 0), -EPERM when another client has the sink open, -EBADFD in a state
 * the call does not take: checked with the call, under the lock, so a call
 * racing its own client's close and reopen cannot act on the new open.
 *   open          CLOSED; listener referenced; *ret_gen the open's number
 *   set_decoder   READY; -EINVAL not a video decoder whose output enters this
 *                 sink; -EBUSY its link cannot change now (the decoder streams)
 *   attach_clock  READY or STARTED; -EINVAL no such clock; UNDEFINED detaches
 *   queue         STARTED; -EBADFD also after an end of stream; -ENOENT not a
 *                 live buffer; -EINVAL not a video frame buffer or a layout that
 *                 does not fit it; *ret_accepted false: queue full
 */
int avbd_vsink_open(struct avbd_vsink *k, uint64_t owner, avb_binder *listener, uint64_t *ret_gen);
int avbd_vsink_close(struct avbd_vsink *k, struct avbd_vsink_caller who);
int avbd_vsink_start(struct avbd_vsink *k, struct avbd_vsink_caller who);
int avbd_vsink_stop(struct avbd_vsink *k, struct avbd_vsink_caller who);
int avbd_vsink_set_decoder(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t decoder_id);
int avbd_vsink_get_decoder(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t *ret_id);
int avbd_vsink_attach_clock(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t clock_id);
int avbd_vsink_get_clock(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t *ret_id);
/* planes: the frame's plane layout (NULL: none, its whole block is summed). */
struct avb_sink_planes;
int avbd_vsink_queue(struct avbd_vsink *k, struct avbd_vsink_caller who, int64_t handle,
                     int64_t pts_ns, const struct avb_sink_planes *planes, bool eos,
                     bool *ret_accepted);
/*
 * What the client's metadata says of the pictures it queues from now on
 * (the picture output's header, vendor/sink_y4m.h), or of the PCM (the
 * sound output's, vendor/sink_wav.h: avb_sink_frame.pcm); 0: unknown.
 * STARTED.
 */
struct avbd_vsink_picture {
        uint32_t rate_num, rate_den, sar_num, sar_den;
        uint32_t pcm_rate, pcm_channels, pcm_bits;
};
int avbd_vsink_describe(struct avbd_vsink *k, struct avbd_vsink_caller who,
                        const struct avbd_vsink_picture *picture);
int avbd_vsink_flush(struct avbd_vsink *k, struct avbd_vsink_caller who, bool hold_last);
int avbd_vsink_discard_until(struct avbd_vsink *k, struct avbd_vsink_caller who, int64_t pts_ns);

/* Properties: AV_SOURCE and RENDER_FIRST_FRAME (READY or STARTED, the owner). */
int avbd_vsink_set_av_source(struct avbd_vsink *k, struct avbd_vsink_caller who, int32_t source);
int avbd_vsink_set_render_first(struct avbd_vsink *k, struct avbd_vsink_caller who,
                                bool render_first);
/*
 * The open owner has k in now (0: none), for a call on the sink object
 * rather than a controller (the audio sink's setProperty): such a call acts
 * for whichever open its client has.
 */
uint64_t avbd_vsink_open_of(struct avbd_vsink *k, uint64_t owner);
/* 0 when who has the sink open (READY or STARTED), else -ESTALE, -EPERM or -EBADFD. */
int avbd_vsink_check(struct avbd_vsink *k, struct avbd_vsink_caller who);

/* Event listeners (any client): -EEXIST, -ENOENT, -ENOSPC. */
int avbd_vsink_add_event_listener(struct avbd_vsink *k, avb_binder *listener);
int avbd_vsink_remove_event_listener(struct avbd_vsink *k, avb_binder *listener);

/* A snapshot of what the properties read. */
struct avbd_vsink_info {
        enum avbd_vsink_state state;
        int32_t av_source;
        bool render_first;
        int64_t queued, received, presented, discarded, dropped_late, underflows;
};
void avbd_vsink_info(struct avbd_vsink *k, struct avbd_vsink_info *ret);

#endif
