/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder role's --sink mode (examples/pipeline): video sink 0 of
 * avbufferd (VideoSinkManager) opened and attached to AV clock 0
 * (AVClockManager, opened, rate 1, started); every decoded frame handle is
 * queued into it, never mapped, with the plane layout the decoder last gave.
 *
 * Ownership: pipeline_sink_frame takes the frame handle; once queued the sink
 * owns it and frees it when presented. One frame is held back until the next
 * one (or the decoder's end of stream) comes, so that the last frame queued
 * carries endOfStream even when the decoder ends with a bare marker.
 * Locking: pipeline_sink_frame is called from the decoder's listener, one
 * frame at a time; pipeline_sink_finish from the main thread once the
 * decoder's end of stream was seen (no frame can come after).
 * Errors: functions print what failed to stderr and return 0 or -errno.
 */
#ifndef AVB_PIPELINE_SINK_H
#define AVB_PIPELINE_SINK_H

#include <stdint.h>

#include "com_rdk_hal_videodecoder.h"

struct pipeline_sink;

/* Open video sink 0 on a running AV clock 0 and start it; *ret_sink on success. */
int pipeline_sink_open(struct pipeline_sink **ret_sink);
/*
 * One onFrameOutput of the decoder: handle -1 is no frame (meta->endOfStream
 * alone). meta (NULL when unchanged) updates the layout in force. Blocks
 * while the sink's queue is full.
 */
int pipeline_sink_frame(struct pipeline_sink *s, int64_t pts, int64_t handle,
                        const com_rdk_hal_videodecoder_FrameMetadata *meta);
/*
 * Wait (20 s at most) for the sink's onEndOfStream, check it names the last
 * frame queued, then stop and close the sink and the clock (freeing the shown
 * frame). *ret_frames: the frames queued.
 */
int pipeline_sink_finish(struct pipeline_sink *s, int *ret_frames);
/* Drop the references; accepts NULL. */
void pipeline_sink_free(struct pipeline_sink *s);

#endif
