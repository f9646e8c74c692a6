/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tunnelled-mode stand-in sink (sink.h).
 *
 * Why a thread per sink: presenting is waiting, and a decoder's worker must
 * never wait for a presentation time, or one slow stream would delay every
 * other decoder's completions.
 *
 * Why frames are read and released outside the lock: both go through the
 * vendor facade, which takes its own lock; the facade calls into the sink
 * without holding that lock, so holding ours across the ops is the only
 * way the two could deadlock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "avb_config.h"
#include "sink.h"

#if AVB_DEBUG_API
#include <nettle/md5.h>
#endif

struct sink_item {
	int64_t frame; /* -1: the end-of-stream marker */
	int64_t pts_ns;
	uint32_t bytes;
};

struct avb_sink {
	const struct avb_sink_ops *ops;
	void *userdata;
	bool checksum;

	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC: new item, flush, stop */
	pthread_t thread;
	bool stopping;
	int notify_fd;

	struct sink_item q[AVB_SINK_QUEUE];
	size_t head, n;

	bool presenting; /* a frame is off the queue, not yet recorded */
	bool anchored;
	int64_t anchor_ns, first_pts_ns, last_pts_ns;
	bool eos_presented;

	struct avb_sink_record *rec; /* ring of AVB_SINK_RECORDS */
	size_t rec_head, rec_n;
	struct avb_sink_stats stats;

	uint8_t *scratch; /* AVB_SINK_READ_CHUNK bytes; presentation thread only */
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Under the lock, so that once avb_sink_set_notify(s, -1) returns the old
 * fd is never written again (its owner may close it). An eventfd write
 * does not block.
 */
static void sink_notify(int fd)
{
	uint64_t one = 1;

	if (fd >= 0)
		(void)!write(fd, &one, sizeof(one));
}

/*
 * MD5 of the frame into hex, or "" (checksums off, or the frame cannot be
 * read). Read in AVB_SINK_READ_CHUNK pieces: each read holds the vendor
 * lock, which every client call needs too.
 */
static void sink_checksum(struct avb_sink *s, const struct sink_item *it, char hex[33])
{
	hex[0] = '\0';
#if AVB_DEBUG_API
	struct md5_ctx ctx;
	uint8_t digest[MD5_DIGEST_SIZE];
	bool ok = true;

	if (!s->checksum || it->bytes == 0)
		return;
	if (!s->scratch) {
		s->scratch = malloc(AVB_SINK_READ_CHUNK);
		if (!s->scratch)
			return;
	}
	md5_init(&ctx);
	for (uint32_t off = 0; ok && off < it->bytes; off += AVB_SINK_READ_CHUNK) {
		size_t n = it->bytes - off < AVB_SINK_READ_CHUNK ? it->bytes - off
								 : AVB_SINK_READ_CHUNK;

		ok = s->ops->read(s->userdata, it->frame, off, s->scratch, n) == 0;
		if (ok)
			md5_update(&ctx, n, s->scratch);
	}
	md5_digest(&ctx, sizeof(digest), digest);
	/* the frame may be secure: leave no copy behind, even of a partial read */
	sodium_memzero(s->scratch, AVB_SINK_READ_CHUNK);
	sodium_memzero(&ctx, sizeof(ctx));
	if (!ok)
		return;
	for (size_t i = 0; i < sizeof(digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
#else
	(void)s;
	(void)it;
#endif
}

static void sink_record_locked(struct avb_sink *s, const struct avb_sink_record *r)
{
	if (s->rec_n == AVB_SINK_RECORDS) {
		s->rec_head = (s->rec_head + 1) % AVB_SINK_RECORDS;
		s->rec_n--;
		s->stats.records_dropped++;
	}
	s->rec[(s->rec_head + s->rec_n) % AVB_SINK_RECORDS] = *r;
	s->rec_n++;
}

static void sink_pop_locked(struct avb_sink *s)
{
	s->head = (s->head + 1) % AVB_SINK_QUEUE;
	s->n--;
}

static void sink_anchor_locked(struct avb_sink *s, int64_t now, int64_t pts)
{
	s->anchored = true;
	s->anchor_ns = now;
	s->first_pts_ns = pts;
	s->last_pts_ns = pts;
}

/*
 * The head frame's due time on the monotonic clock, re-anchoring when its
 * pts would stall the sink (far ahead), is from a new stream (backwards),
 * or is so far from the anchor's that the difference does not fit (the pts
 * is the client's number: any int64 may come).
 */
static int64_t sink_due_locked(struct avb_sink *s, const struct sink_item *it, int64_t now)
{
	int64_t rel;

	if (!s->anchored || it->pts_ns < s->last_pts_ns)
		sink_anchor_locked(s, now, it->pts_ns);
	if (__builtin_sub_overflow(it->pts_ns, s->first_pts_ns, &rel) ||
	    rel > (now - s->anchor_ns) + AVB_SINK_MAX_WAIT_NS) {
		sink_anchor_locked(s, now, it->pts_ns);
		rel = 0;
	}
	return s->anchor_ns + rel;
}

static void sink_wait_until_locked(struct avb_sink *s, int64_t due)
{
	struct timespec ts = {.tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL};

	(void)pthread_cond_timedwait(&s->cond, &s->lock, &ts);
}

/*
 * Present the head frame, due at `due`: lock held on entry and exit,
 * dropped around the ops. `presenting` lets a flush wait for it.
 */
static void sink_present_locked(struct avb_sink *s, struct sink_item it, int64_t due)
{
	struct avb_sink_record r = {.pts_ns = it.pts_ns, .due_ns = due - s->anchor_ns};
	int64_t anchor = s->anchor_ns;

	s->last_pts_ns = it.pts_ns;
	sink_pop_locked(s);
	s->presenting = true;
	pthread_mutex_unlock(&s->lock);

	r.presented_ns = mono_ns() - anchor;
	sink_checksum(s, &it, r.md5);
	s->ops->release(s->userdata, it.frame);

	pthread_mutex_lock(&s->lock);
	sink_record_locked(s, &r);
	s->stats.presented++;
	s->presenting = false;
	pthread_cond_broadcast(&s->cond);
	sink_notify(s->notify_fd);
}

static void *sink_thread(void *arg)
{
	struct avb_sink *s = arg;

	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		struct sink_item it;
		int64_t now, due;

		if (s->n == 0) {
			pthread_cond_wait(&s->cond, &s->lock);
			continue;
		}
		it = s->q[s->head];
		if (it.frame < 0) {
			sink_pop_locked(s);
			s->eos_presented = true;
			s->anchored = false;
			sink_notify(s->notify_fd);
			continue;
		}
		now = mono_ns();
		due = sink_due_locked(s, &it, now);
		if (now < due) {
			/* woken early by a flush or a new item: look at the head again */
			sink_wait_until_locked(s, due);
			continue;
		}
		sink_present_locked(s, it, due);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int avb_sink_new(const struct avb_sink_ops *ops, void *userdata, bool checksum,
		 struct avb_sink **ret_sink)
{
	struct avb_sink *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;
	int r;

	if (!s)
		return -ENOMEM;
	s->rec = calloc(AVB_SINK_RECORDS, sizeof(*s->rec));
	if (!s->rec) {
		free(s);
		return -ENOMEM;
	}
	s->ops = ops;
	s->userdata = userdata;
	s->checksum = checksum;
	s->notify_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	r = -pthread_create(&s->thread, NULL, sink_thread, s);
	if (r < 0) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
		free(s->rec);
		free(s);
		return r;
	}
	*ret_sink = s;
	return 0;
}

/* Empty the queue into out (frames only); lock held. */
static size_t sink_drain_locked(struct avb_sink *s, int64_t out[AVB_SINK_QUEUE])
{
	size_t n = 0;

	while (s->n) {
		if (s->q[s->head].frame >= 0)
			out[n++] = s->q[s->head].frame;
		sink_pop_locked(s);
	}
	s->stats.released_unpresented += n;
	return n;
}

void avb_sink_free(struct avb_sink *s)
{
	int64_t frames[AVB_SINK_QUEUE];
	size_t n;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	n = sink_drain_locked(s, frames); /* the thread is gone: no lock needed */
	for (size_t i = 0; i < n; i++)
		s->ops->release(s->userdata, frames[i]);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s->scratch); /* zeroed after each use */
	free(s->rec);
	free(s);
}

void avb_sink_set_notify(struct avb_sink *s, int fd)
{
	pthread_mutex_lock(&s->lock);
	s->notify_fd = fd;
	pthread_mutex_unlock(&s->lock);
}

/* Frames may fill the queue up to limit; the rest is kept for end-of-stream markers. */
static int sink_push(struct avb_sink *s, struct sink_item it, size_t limit)
{
	int r = 0;

	pthread_mutex_lock(&s->lock);
	if (s->n >= limit) {
		r = -ENOSPC;
	} else {
		s->q[(s->head + s->n) % AVB_SINK_QUEUE] = it;
		s->n++;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

int avb_sink_queue(struct avb_sink *s, int64_t frame, int64_t pts_ns, uint32_t bytes)
{
	if (frame < 0)
		return -EINVAL;
	return sink_push(s, (struct sink_item){.frame = frame, .pts_ns = pts_ns, .bytes = bytes},
			 AVB_SINK_QUEUE - AVB_SINK_MARKERS);
}

int avb_sink_queue_eos(struct avb_sink *s)
{
	return sink_push(s, (struct sink_item){.frame = -1}, AVB_SINK_QUEUE);
}

void avb_sink_flush(struct avb_sink *s)
{
	int64_t frames[AVB_SINK_QUEUE];
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = sink_drain_locked(s, frames);
	s->anchored = false;
	/* the frame being presented is not "unpresented": let it finish first */
	while (s->presenting)
		pthread_cond_wait(&s->cond, &s->lock);
	s->eos_presented = false;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	for (size_t i = 0; i < n; i++)
		s->ops->release(s->userdata, frames[i]);
}

bool avb_sink_take_eos(struct avb_sink *s)
{
	bool eos;

	pthread_mutex_lock(&s->lock);
	eos = s->eos_presented;
	s->eos_presented = false;
	pthread_mutex_unlock(&s->lock);
	return eos;
}

int avb_sink_take_records(struct avb_sink *s, struct avb_sink_record **ret_records,
			  size_t *ret_n)
{
	struct avb_sink_record *out = NULL;
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->rec_n;
	if (n) {
		out = malloc(n * sizeof(*out));
		if (!out) {
			pthread_mutex_unlock(&s->lock);
			return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++)
			out[i] = s->rec[(s->rec_head + i) % AVB_SINK_RECORDS];
		s->rec_head = 0;
		s->rec_n = 0;
	}
	pthread_mutex_unlock(&s->lock);
	*ret_records = out;
	*ret_n = n;
	return 0;
}

void avb_sink_get_stats(struct avb_sink *s, struct avb_sink_stats *ret_stats)
{
	pthread_mutex_lock(&s->lock);
	*ret_stats = s->stats;
	ret_stats->queued = s->n;
	pthread_mutex_unlock(&s->lock);
}
