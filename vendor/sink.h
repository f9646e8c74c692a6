/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stand-in sink of tunnelled mode: where a decoder's frames go when its
 * output link to the sink is enabled (graph.h), in place of a display or an
 * audio output.
 *
 * It presents each frame at its presentation time: the first frame after
 * creation, a flush or an end of stream anchors the stream clock to
 * CLOCK_MONOTONIC, and every later frame waits until anchor + (pts - first
 * pts). Presenting a frame means recording it (pts, when it was presented
 * relative to the anchor, and, when checksums are on, the MD5 of its bytes)
 * and releasing it. A pts more than AVB_SINK_MAX_WAIT_NS ahead of the clock,
 * or one that goes backwards, re-anchors instead of stalling.
 *
 * Threads: one presentation thread per sink, from avb_sink_new to
 * avb_sink_free. Ops are called from that thread with no sink lock held,
 * except that avb_sink_flush and avb_sink_free release queued frames from
 * the caller's thread.
 * Locking: internal; every call may come from any thread.
 * Errors: 0 or -errno; ret_* written only on success.
 */
#ifndef AVB_VENDOR_SINK_H
#define AVB_VENDOR_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_SINK_QUEUE 64		  /* frames and markers waiting for their time */
#define AVB_SINK_MARKERS 8		  /* of those, kept for end-of-stream markers */
#define AVB_SINK_RECORDS 4096		  /* records kept until taken; oldest dropped */
#define AVB_SINK_MAX_WAIT_NS 2000000000LL /* a pts further ahead re-anchors */
#define AVB_SINK_READ_CHUNK (256u * 1024u) /* bytes per read op when summing */

struct avb_sink_ops {
	/* Required. Copy len bytes at offset of the frame into dst (checksums only). */
	int (*read)(void *userdata, int64_t frame, uint32_t offset, void *dst, size_t len);
	/* Required. The sink is done with the frame; must not block for long. */
	void (*release)(void *userdata, int64_t frame);
};

struct avb_sink_record {
	int64_t pts_ns;
	int64_t due_ns;	      /* when it was due, since the anchor (pts - first pts) */
	int64_t presented_ns; /* since the anchor; >= due_ns */
	char md5[33];	      /* lower-case hex; "" when checksums are off or the read failed */
};

struct avb_sink_stats {
	uint64_t presented;
	uint64_t released_unpresented; /* dropped by a flush */
	uint64_t records_dropped;      /* not taken in time */
	size_t queued;
};

struct avb_sink;

/*
 * ops are borrowed and must outlive the sink. checksum: compute MD5s.
 * Errors: -ENOMEM, or pthread_create's error.
 */
int avb_sink_new(const struct avb_sink_ops *ops, void *userdata, bool checksum,
		 struct avb_sink **ret_sink);
/* Stop the thread and release every queued frame; accepts NULL. */
void avb_sink_free(struct avb_sink *s);

/* After each presented frame and end of stream, write 1 to the eventfd fd (-1: none). */
void avb_sink_set_notify(struct avb_sink *s, int fd);

/*
 * Hand a frame of `bytes` bytes to the sink, which now owns it.
 * Errors: -EINVAL (frame < 0), -ENOSPC (queue full: the caller keeps the frame).
 */
int avb_sink_queue(struct avb_sink *s, int64_t frame, int64_t pts_ns, uint32_t bytes);
/*
 * Mark the end of the stream: avb_sink_take_eos says true once every frame
 * queued before it is presented. Errors: -ENOSPC (AVB_SINK_MARKERS markers
 * already wait behind a full queue of frames).
 */
int avb_sink_queue_eos(struct avb_sink *s);
/*
 * Release every queued frame unpresented, forget a pending end of stream,
 * re-anchor. A frame being presented finishes first (it is recorded before
 * this returns). Do not call from an op.
 */
void avb_sink_flush(struct avb_sink *s);
/* Whether an end of stream was presented since the last call. */
bool avb_sink_take_eos(struct avb_sink *s);

/* Move the records out, oldest first (*ret_records malloc'd; NULL when none). Errors: -ENOMEM. */
int avb_sink_take_records(struct avb_sink *s, struct avb_sink_record **ret_records,
			  size_t *ret_n);
void avb_sink_get_stats(struct avb_sink *s, struct avb_sink_stats *ret_stats);

#endif /* AVB_VENDOR_SINK_H */
