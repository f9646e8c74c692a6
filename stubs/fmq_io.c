/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fast message queues, moving elements: read, write, their blocking forms
 * and the counts of what is available.
 *
 * The counters live in memory the peer can write. Every call therefore
 * loads each counter once, checks the values it got (multiples of the
 * quantum; for a synchronized queue at most a ring apart) and derives every
 * offset from those checked copies: an offset is (counter mod ring), always
 * inside the ring, and a copy is at most a ring long, split where the ring
 * ends. Whatever the peer writes, no access leaves the mapping.
 *
 * Ordering: the side that owns a counter loads it relaxed (nobody else
 * should move it) and stores it with release after copying the elements;
 * the other side loads it with acquire before touching the elements it
 * covers. Counters wrap at 2^64 bytes, which nobody reaches.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fmq_internal.h"
#include "util.h"

static uint64_t load_acquire(const uint64_t *p)
{
        return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint64_t load_relaxed(const uint64_t *p)
{
        return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void store_release(uint64_t *p, uint64_t v)
{
        __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static bool synced(const avb_fmq *q)
{
        return q->flavor == AVB_FMQ_SYNCHRONIZED_READ_WRITE;
}

/*
 * The counters' values for this call, checked. For a synchronized queue
 * *ret_used = write - read bytes (<= ring). For an unsynchronized reader
 * the distance may exceed the ring: that is its overflow, not corruption.
 */
static int counters(const avb_fmq *q, uint64_t *ret_read, uint64_t *ret_write)
{
        uint64_t r = load_acquire(q->read_counter), w = load_acquire(q->write_counter);

        if (r % q->quantum != 0 || w % q->quantum != 0)
                return -EBADMSG;
        if (synced(q) && w - r > q->ring_len)
                return -EBADMSG;
        *ret_read = r;
        *ret_write = w;
        return 0;
}

/* Copies len bytes (<= ring) between `buf` and the ring at counter `at`. */
static void ring_copy(avb_fmq *q, uint64_t at, void *buf, uint64_t len, bool to_ring)
{
        uint64_t off = at % q->ring_len, first = q->ring_len - off;

        if (first > len)
                first = len;
        if (to_ring) {
                memcpy(q->ring + off, buf, first);
                memcpy(q->ring, (uint8_t *)buf + first, len - first);
        } else {
                memcpy(buf, q->ring + off, first);
                memcpy((uint8_t *)buf + first, q->ring, len - first);
        }
}

static void wake(avb_fmq *q, uint32_t bits)
{
        if (q->event_flag)
                avb_fmq_flag_wake(q->event_flag, bits);
}

int avb_fmq_available_to_read(const avb_fmq *q, size_t *ret_n)
{
        uint64_t r, w;
        int rc = counters(q, &r, &w);

        if (rc < 0)
                return rc;
        if (w - r > q->ring_len)
                return -EOVERFLOW;
        *ret_n = (size_t)((w - r) / q->quantum);
        return 0;
}

int avb_fmq_available_to_write(const avb_fmq *q, size_t *ret_n)
{
        uint64_t r, w;
        int rc;

        if (!synced(q)) {
                *ret_n = avb_fmq_capacity(q);
                return 0;
        }
        rc = counters(q, &r, &w);
        if (rc < 0)
                return rc;
        *ret_n = (size_t)((q->ring_len - (w - r)) / q->quantum);
        return 0;
}

int avb_fmq_write(avb_fmq *q, const void *elems, size_t n)
{
        uint64_t r, w, len;
        int rc;

        if (n == 0)
                return 0;
        if (n > avb_fmq_capacity(q))
                return -EMSGSIZE;
        len = (uint64_t)n * q->quantum;
        if (synced(q)) {
                rc = counters(q, &r, &w);
                if (rc < 0)
                        return rc;
                if (q->ring_len - (w - r) < len)
                        return -EAGAIN;
        } else {
                /* The writer of an unsynchronized queue looks at no reader. */
                w = load_relaxed(q->write_counter);
                if (w % q->quantum != 0)
                        return -EBADMSG;
        }
        ring_copy(q, w, (void *)elems, len, true);
        store_release(q->write_counter, w + len);
        wake(q, AVB_FMQ_NOT_EMPTY);
        return 0;
}

int avb_fmq_read(avb_fmq *q, void *elems, size_t n)
{
        uint64_t r, w, len;
        int rc;

        if (n == 0)
                return 0;
        if (n > avb_fmq_capacity(q))
                return -EMSGSIZE;
        len = (uint64_t)n * q->quantum;
        rc = counters(q, &r, &w);
        if (rc < 0)
                return rc;
        if (w - r > q->ring_len)
                goto overflow; /* unsynchronized only: counters() refused it otherwise */
        if (w - r < len)
                return -EAGAIN;
        ring_copy(q, r, elems, len, false);
        if (!synced(q)) {
                /* The writer may have lapped us while we copied: then what we
                 * copied may be newer data, and we must not return it. */
                w = load_acquire(q->write_counter);
                if (w % q->quantum != 0)
                        return -EBADMSG;
                if (w - r > q->ring_len)
                        goto overflow;
        }
        store_release(q->read_counter, r + len);
        wake(q, AVB_FMQ_NOT_FULL);
        return 0;

overflow:
        store_release(q->read_counter, w);
        return -EOVERFLOW;
}

/* ---- blocking ------------------------------------------------------------- */

/*
 * Tries `op` until it succeeds, fails for another reason than -EAGAIN, or
 * the deadline passes, sleeping on the flag bit the other side sets when
 * it makes progress. A wait that returns without the condition (spurious
 * wake-up, a signal, a peer scribbling on the word) just loops.
 */
static int blocking(avb_fmq *q, int (*op)(avb_fmq *, void *, size_t), void *elems, size_t n,
                    uint32_t wait_bit, int64_t timeout_ns)
{
        int64_t deadline = -1;
        int rc;

        if (!synced(q) || !q->event_flag)
                return -EOPNOTSUPP;
        if (timeout_ns >= 0)
                deadline = avb_now_ns() + (timeout_ns > INT64_MAX / 2 ? INT64_MAX / 2 : timeout_ns);
        for (;;) {
                rc = op(q, elems, n);
                if (rc != -EAGAIN)
                        return rc;
                if (deadline >= 0 && avb_now_ns() >= deadline)
                        return -ETIMEDOUT;
                rc = avb_fmq_flag_wait(q->event_flag, wait_bit, deadline);
                if (rc == -ETIMEDOUT) {
                        /* One last try: the peer may have acted just now. */
                        rc = op(q, elems, n);
                        return rc == -EAGAIN ? -ETIMEDOUT : rc;
                }
                if (rc < 0)
                        return rc;
        }
}

static int write_op(avb_fmq *q, void *elems, size_t n)
{
        return avb_fmq_write(q, elems, n);
}

int avb_fmq_write_blocking(avb_fmq *q, const void *elems, size_t n, int64_t timeout_ns)
{
        return blocking(q, write_op, (void *)elems, n, AVB_FMQ_NOT_FULL, timeout_ns);
}

int avb_fmq_read_blocking(avb_fmq *q, void *elems, size_t n, int64_t timeout_ns)
{
        return blocking(q, avb_fmq_read, elems, n, AVB_FMQ_NOT_EMPTY, timeout_ns);
}
