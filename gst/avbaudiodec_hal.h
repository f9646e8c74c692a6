/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_GST_AUDIODEC_HAL_H
#define AVB_GST_AUDIODEC_HAL_H

/*
 * One open audio decoder of the published HAL (com.rdk.hal.audiodecoder),
 * for the avbaudiodec element: the controller, the coded-input pool
 * (createAudioPool for the decoder id, behind an AVBuffer allocator), the
 * listeners and a queue of the frames onFrameOutput gave.
 *
 * Listeners: their impl is a reference on the session (the runtime may call
 * a listener after close), dropped with the listener.
 *
 * Threads: avb_adec_alloc, _decode and _pop block (the element calls them
 * without its stream lock); avb_adec_set_flushing(true) from any thread makes
 * every one of them return -ECANCELED (pop: false) until it is set false
 * again. Everything else: the element's streaming or state threads.
 */

#include <stdbool.h>
#include <stdint.h>

#include <gst/gst.h>

#include "avbconn.h"

typedef struct avb_adec avb_adec;

/* One onFrameOutput. */
typedef struct avb_adec_frame {
        int64_t pts;
        int64_t handle; /* the receiver's now; -1: none (tunnelled, or the end of stream alone) */
        bool eos;
        bool has_format; /* the metadata gave rate and channels */
        int32_t rate, channels;
        int32_t frame_bytes; /* PCM bytes in the buffer (PcmLayout); 0 unknown */
} avb_adec_frame;

/* The codecs the element takes, as com.rdk.hal.audiodecoder.Codec numbers them. */
enum avb_adec_codec {
        AVB_ADEC_AAC = 1,  /* AAC_LC */
        AVB_ADEC_MP2 = 12, /* MPEG2 (MPEG-1/2 layer II) */
};

/*
 * Opens decoder `id` for codec (secure: input and frames in the secure
 * heap), creates its input pool and starts it. -EBUSY: open elsewhere or a
 * mode it lacks; -ENOENT no such decoder; -EIO.
 */
int avb_adec_open(avb_gst_conn *conn, int32_t id, enum avb_adec_codec codec, bool secure,
                  avb_adec **ret);
/* Stops, closes, frees every queued frame and destroys the pool. Accepts NULL; returns NULL. */
avb_adec *avb_adec_close(avb_adec *d);
/* parseCodecSpecificData(MP4_AUDIO_SPECIFIC_CONFIG): 0, -EINVAL refused, -EIO. */
int avb_adec_codec_data(avb_adec *d, const uint8_t *data, size_t len);
/* An input buffer from the pool, waiting for room. -ECANCELED flushing, -EIO. */
int avb_adec_alloc(avb_adec *d, size_t size, GstMemory **ret);
/* decodeBufferWithMetadata, waiting while the queue is full. 0: the decoder owns handle. */
int avb_adec_decode(avb_adec *d, int64_t handle, int64_t pts, bool eos);
/* The next frame output, waiting for one; false when flushing. */
bool avb_adec_pop(avb_adec *d, avb_adec_frame *ret);
void avb_adec_set_flushing(avb_adec *d, bool flushing);
/* flush(false), and every frame still queued here freed. 0 or -EIO. */
int avb_adec_flush(avb_adec *d);
/* A memory over a frame the element got from pop (owned by the memory from now on). */
GstMemory *avb_adec_wrap(avb_adec *d, int64_t handle, size_t size);
void avb_adec_free_handle(avb_adec *d, int64_t handle);

#endif
