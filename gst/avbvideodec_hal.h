/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_GST_VIDEODEC_HAL_H
#define AVB_GST_VIDEODEC_HAL_H

/*
 * One open video decoder of the published HAL, for the avbvideodec element:
 * the controller, the coded-input pool (createVideoPool for the decoder id,
 * behind an AVBuffer allocator) and the listeners, with the waits the
 * element needs made interruptible.
 *
 * Listeners: the runtime keeps a listener's impl reachable until the process
 * exits (late oneway calls may still come), so the listener state lives in a
 * slot that is never freed; a closed decoder gives its slot back for the
 * next one. Frames that reach a slot no decoder uses are freed.
 *
 * Threads: avb_vdec_alloc, _decode and _pop block (the element calls them
 * without its stream lock); avb_vdec_set_flushing(true) from any thread
 * makes every one of them return -ECANCELED (pop: false) until it is set
 * false again. Everything else: the element's streaming or state threads.
 */

#include <stdbool.h>
#include <stdint.h>

#include <gst/gst.h>

#include "avbconn.h"

typedef struct avb_vdec avb_vdec;

/* Where the planes lie: from the frame metadata (its PlaneLayout extension). */
typedef struct avb_vdec_meta {
        int32_t width, height; /* the active picture */
        int32_t fps_n, fps_d;  /* 0/1 when the stream does not say */
        int32_t par_n, par_d;  /* pixel aspect ratio, 1/1 when unknown */
        size_t n_planes;       /* 3 (I420) from the layout; 0: packed I420 at width x height */
        int32_t offset[3], stride[3];
        size_t frame_bytes; /* bytes of the frame in its buffer */
} avb_vdec_meta;

/* One onFrameOutput. */
typedef struct avb_vdec_frame {
        int64_t pts;    /* the pts of the input buffer the frame came from */
        int64_t handle; /* the frame (owned by the receiver); -1: none (tunnelled or a marker) */
        bool eos;       /* the stream's end came with it (or alone: pts and handle -1) */
        bool discontinuity;
        bool has_meta;
        avb_vdec_meta meta;
} avb_vdec_frame;

/* What the decoder can take (IVideoDecoder.getCapabilities, H.264 entry). */
typedef struct avb_vdec_caps {
        bool h264;
        int32_t max_width, max_height;
        bool secure;
} avb_vdec_caps;

/* The capabilities of decoder `id`; -ENOENT no such decoder, -EIO the call failed. */
int avb_vdec_query(avb_gst_conn *conn, int32_t id, avb_vdec_caps *ret);
/*
 * Opens decoder `id` for H.264 (secure: coded input and frames in the secure
 * heap; tunnelled: frames go to the vendor sink), creates its input pool and
 * starts it. -EBUSY: the decoder is open elsewhere or refuses the mode;
 * -ENOENT: no such decoder; -EIO other failures (logged).
 */
int avb_vdec_open(avb_gst_conn *conn, int32_t id, bool secure, bool tunnelled, avb_vdec **ret);
/* Stops and closes, frees every frame queued and destroys the pool. Accepts NULL; returns NULL. */
avb_vdec *avb_vdec_close(avb_vdec *d);
/* The allocator of the input pool (borrowed). */
GstAllocator *avb_vdec_allocator(avb_vdec *d);
/* parseCodecSpecificData(AVC_DECODER_CONFIGURATION_RECORD): 0, -EINVAL refused, -EIO. */
int avb_vdec_codec_data(avb_vdec *d, const uint8_t *data, size_t len);
/*
 * An input buffer of `size` bytes from the pool, waiting for room
 * (notifyWhenSpaceAvailable / onSpaceAvailable). -ECANCELED when flushing,
 * -EMSGSIZE larger than the pool, -EIO.
 */
int avb_vdec_alloc(avb_vdec *d, size_t size, GstMemory **ret);
/*
 * decodeBufferWithMetadata, waiting while the decoder's queue is full
 * (onDecodeBufferAvailable). 0: the decoder owns the handle. -ECANCELED
 * when flushing and -EIO on failure: the caller still owns it.
 */
int avb_vdec_decode(avb_vdec *d, int64_t handle, int64_t pts, bool eos);
/* The next frame output, waiting for one; false when flushing. */
bool avb_vdec_pop(avb_vdec *d, avb_vdec_frame *ret);
void avb_vdec_set_flushing(avb_vdec *d, bool flushing);
/* flush(false): queued input and pending frames dropped (and freed here). 0 or -EIO. */
int avb_vdec_flush(avb_vdec *d);
/* signalDiscontinuity(): 0 or -EIO. */
int avb_vdec_discontinuity(avb_vdec *d);
/* Frees a frame handle the element does not pass on. */
void avb_vdec_free_handle(avb_vdec *d, int64_t handle);

/* Once, before any other call (the plugin's debug category). */
void avb_vdec_init_debug(void);

#endif
