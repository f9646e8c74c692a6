/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tunnelled-mode sink tests (vendor/sink.h) against fake frames: order and
 * pacing by presentation time, checksums, flush, end of stream, a full
 * queue, re-anchoring, and frames given back on free. Pacing is checked as
 * an order of events (never before its due time), not as a speed.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "avb_config.h"
#include "sink.h"

#define MS 1000000LL

/* Frames are ids 0..63 whose content is the id repeated; released ones are counted. */
struct fake {
	pthread_mutex_t m;
	int released[AVB_SINK_QUEUE * 4];
	size_t n_released;
	int fail_read; /* frame id whose read fails, or -1 */
	int read_calls, bad_reads;
};

static int fake_read(void *userdata, int64_t frame, uint32_t offset, void *dst, size_t len)
{
	struct fake *f = userdata;

	if (frame == f->fail_read)
		return -EIO;
	f->read_calls++; /* checked by the test's thread: cmocka asserts must not run here */
	if (len > AVB_SINK_READ_CHUNK || offset % AVB_SINK_READ_CHUNK)
		f->bad_reads++;
	memset(dst, (int)frame, len);
	return 0;
}

static void fake_release(void *userdata, int64_t frame)
{
	struct fake *f = userdata;

	pthread_mutex_lock(&f->m);
	f->released[f->n_released++] = (int)frame;
	pthread_mutex_unlock(&f->m);
}

static const struct avb_sink_ops fake_ops = {.read = fake_read, .release = fake_release};

static size_t released(struct fake *f)
{
	size_t n;

	pthread_mutex_lock(&f->m);
	n = f->n_released;
	pthread_mutex_unlock(&f->m);
	return n;
}

/* Wait (up to 5 s) until the sink has presented (and recorded) n frames. */
static void wait_presented(struct avb_sink *s, uint64_t n)
{
	struct avb_sink_stats st = {0};

	for (int i = 0; i < 5000; i++) {
		avb_sink_get_stats(s, &st);
		if (st.presented >= n)
			return;
		usleep(1000);
	}
	fail_msg("%llu frames presented, waited for %llu", (unsigned long long)st.presented,
		 (unsigned long long)n);
}

static struct avb_sink *new_sink(struct fake *f)
{
	struct avb_sink *s = NULL;

	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->m, NULL);
	f->fail_read = -1;
	assert_int_equal(avb_sink_new(&fake_ops, f, true, &s), 0);
	return s;
}

static void take(struct avb_sink *s, struct avb_sink_record **r, size_t *n)
{
	assert_int_equal(avb_sink_take_records(s, r, n), 0);
}

/* Frames come out in order, none before its time, each with its checksum. */
static void test_paced_in_order(void **state)
{
	struct fake f;
	struct avb_sink *s = new_sink(&f);
	struct avb_sink_record *r;
	size_t n;

	(void)state;
	for (int i = 0; i < 6; i++)
		assert_int_equal(avb_sink_queue(s, i, 1000 * MS + i * 20 * MS, 16), 0);
	wait_presented(s, 6);
	take(s, &r, &n);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(f.released[i], (int)i);
		assert_int_equal(r[i].pts_ns, 1000 * MS + (int64_t)i * 20 * MS);
		assert_int_equal(r[i].due_ns, (int64_t)i * 20 * MS);
		assert_true(r[i].presented_ns >= r[i].due_ns);
	}
#if AVB_DEBUG_API
	/* md5 of 16 bytes of 0x00: as `head -c16 /dev/zero | md5sum` prints it */
	assert_string_equal(r[0].md5, "4ae71336e44bf9bf79d2752e234818a5");
	assert_string_not_equal(r[1].md5, r[0].md5);
#endif
	free(r);
	take(s, &r, &n); /* taken once */
	assert_int_equal(n, 0);
	assert_null(r);
	avb_sink_free(s);
}

/* A flush gives every waiting frame back unpresented and re-anchors the clock. */
static void test_flush(void **state)
{
	struct fake f;
	struct avb_sink *s = new_sink(&f);
	struct avb_sink_stats st;
	struct avb_sink_record *r;
	size_t n;

	(void)state;
	assert_int_equal(avb_sink_queue(s, 1, 0, 8), 0);
	/* far in the future, but within the wait limit: they wait */
	for (int i = 2; i < 10; i++)
		assert_int_equal(avb_sink_queue(s, i, 1500 * MS, 8), 0);
	wait_presented(s, 1);
	assert_int_equal(avb_sink_queue_eos(s), 0);
	avb_sink_flush(s, false);
	assert_int_equal(released(&f), 9);
	avb_sink_get_stats(s, &st);
	assert_int_equal(st.released_unpresented, 8);
	assert_int_equal(st.presented, 1);
	assert_int_equal(st.queued, 0);
	assert_false(avb_sink_take_eos(s)); /* the flushed marker is forgotten */
	/* the next stream starts its own clock: due at once, even with a small pts */
	assert_int_equal(avb_sink_queue(s, 11, 5 * MS, 8), 0);
	wait_presented(s, 2);
	take(s, &r, &n);
	assert_int_equal(n, 2);
	assert_int_equal(r[1].due_ns, 0);
	free(r);
	avb_sink_free(s);
}

/* End of stream is seen after the frames before it, and wakes the notify fd. */
static void test_eos_and_notify(void **state)
{
	struct fake f;
	struct avb_sink *s = new_sink(&f);
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t v = 0;

	(void)state;
	assert_true(fd >= 0);
	avb_sink_set_notify(s, fd);
	assert_false(avb_sink_take_eos(s));
	assert_int_equal(avb_sink_queue(s, 1, 0, 4), 0);
	assert_int_equal(avb_sink_queue(s, 2, 30 * MS, 4), 0);
	assert_int_equal(avb_sink_queue_eos(s), 0);
	bool eos = false;

	for (int i = 0; i < 5000 && !(eos = avb_sink_take_eos(s)); i++)
		usleep(1000);
	assert_true(eos);
	assert_int_equal(released(&f), 2); /* both frames came first */
	assert_int_equal(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	assert_true(v >= 1);
	assert_false(avb_sink_take_eos(s)); /* once */
	avb_sink_free(s);
	close(fd);
}

/* A full queue refuses a frame (the caller keeps it) but still takes markers. */
static void test_full_queue(void **state)
{
	struct fake f;
	struct avb_sink *s = new_sink(&f);
	int i;

	(void)state;
	/* the first frame anchors; the rest are due in 1.9 s and wait */
	assert_int_equal(avb_sink_queue(s, 0, 0, 4), 0);
	wait_presented(s, 1);
	for (i = 1; avb_sink_queue(s, i, 1900 * MS, 4) == 0; i++)
		assert_true(i < AVB_SINK_QUEUE);
	assert_int_equal(i - 1, AVB_SINK_QUEUE - AVB_SINK_MARKERS);
	assert_int_equal(avb_sink_queue(s, 99, 1900 * MS, 4), -ENOSPC);
	for (int k = 0; k < AVB_SINK_MARKERS; k++)
		assert_int_equal(avb_sink_queue_eos(s), 0);
	assert_int_equal(avb_sink_queue_eos(s), -ENOSPC);
	assert_int_equal(avb_sink_queue(s, -1, 0, 4), -EINVAL);
	avb_sink_free(s); /* gives every queued frame back */
	assert_int_equal(released(&f), AVB_SINK_QUEUE - AVB_SINK_MARKERS + 1);
}

/* A pts far ahead, or going backwards, re-anchors instead of stalling the sink. */
static void test_reanchor(void **state)
{
	static const int64_t pts[] = {0,	 3600000 * MS, 40 * MS, 3600040 * MS,
				      INT64_MIN, INT64_MAX,    INT64_MIN};
	struct fake f;
	struct avb_sink *s = new_sink(&f);
	struct avb_sink_record *r;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(pts) / sizeof(pts[0]); i++)
		assert_int_equal(avb_sink_queue(s, (int64_t)i, pts[i], 4), 0);
	wait_presented(s, 7);
	take(s, &r, &n);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_true(r[i].presented_ns >= r[i].due_ns);
	assert_int_equal(r[1].due_ns, 0); /* the jump: a new anchor */
	assert_int_equal(r[2].due_ns, 0); /* backwards: a new anchor */
	assert_int_equal(r[3].due_ns, 0); /* more than the wait limit ahead again */
	for (size_t i = 4; i < n; i++)	  /* differences that do not fit in 64 bits */
		assert_int_equal(r[i].due_ns, 0);
	free(r);
	avb_sink_free(s);
}

/* An unreadable frame is still presented and released, without a checksum. */
static void test_read_failure(void **state)
{
	struct fake f;
	struct avb_sink *s = new_sink(&f);
	struct avb_sink_record *r;
	size_t n;

	(void)state;
	f.fail_read = 3;
	assert_int_equal(avb_sink_queue(s, 3, 0, 4), 0);
	wait_presented(s, 1);
	take(s, &r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].md5, "");
	free(r);
	/* a frame bigger than one read is summed piece by piece, to the same MD5 */
	assert_int_equal(avb_sink_queue(s, 0, 0, 3 * AVB_SINK_READ_CHUNK / 2), 0);
	wait_presented(s, 2);
	take(s, &r, &n);
	assert_int_equal(n, 1);
#if AVB_DEBUG_API
	assert_int_equal(f.read_calls, 2);
	assert_int_equal(f.bad_reads, 0);
	/* head -c 393216 /dev/zero | md5sum */
	assert_string_equal(r[0].md5, "4c7905d4a36f6f9c456b7e074b52707e");
#endif
	free(r);
	avb_sink_free(s);
	avb_sink_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paced_in_order), cmocka_unit_test(test_flush),
		cmocka_unit_test(test_eos_and_notify), cmocka_unit_test(test_full_queue),
		cmocka_unit_test(test_reanchor),       cmocka_unit_test(test_read_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
