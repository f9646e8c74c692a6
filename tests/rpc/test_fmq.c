/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fast message queues (stubs/fmq*.c): the ring in one process, the
 * descriptor's validation, hostile counters, and two processes sharing a
 * queue whose descriptor travelled over a socketpair with SCM_RIGHTS.
 *
 * The second process is a plain fork(): this program never touches nanomsg
 * (whose state does not survive a fork), and the child only uses the queue
 * and the socket, then _exit()s without returning into cmocka.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

#include <avbuffer/fmq.h>

#include "util.h"

#define S_NS    1000000000LL
#define LONG_NS (30 * S_NS) /* "forever" for a wait that must end by an event */
#define SYNC    AVB_FMQ_SYNCHRONIZED_READ_WRITE
#define UNSYNC  AVB_FMQ_UNSYNCHRONIZED_WRITE

/* ---- helpers ---------------------------------------------------------------- */

static avb_fmq *make(size_t esize, size_t count, int flavor, int flag)
{
        avb_fmq *q = NULL;

        assert_int_equal(avb_fmq_create(esize, count, flavor, flag, &q), 0);
        return q;
}

/* A second view of q, as a peer would open it from the descriptor. */
static avb_fmq *peer(const avb_fmq *q, size_t esize, int flavor)
{
        avb_fmq_desc d;
        avb_fmq *p = NULL;

        assert_int_equal(avb_fmq_get_desc(q, &d), 0);
        assert_int_equal(avb_fmq_open(&d, esize, flavor, &p), 0);
        avb_fmq_desc_fini(&d);
        return p;
}

static size_t count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        size_t n = 0;

        assert_non_null(d);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/* ---- the ring, in one process ----------------------------------------------- */

/* Random batch sizes through a 5-element ring of 3-byte elements (neither a
 * power of two nor word-sized), checked against the sequence written. */
static void test_wrap_around(void **state)
{
        avb_fmq *w = make(3, 5, SYNC, 0), *r = peer(w, 3, SYNC);
        uint32_t next_w = 0, next_r = 0;
        unsigned seed = 7;

        (void)state;
        assert_int_equal(avb_fmq_capacity(r), 5);
        for (int i = 0; i < 20000; i++) {
                uint8_t buf[5 * 3];
                size_t n = (size_t)rand_r(&seed) % 5 + 1, room, avail;

                assert_int_equal(avb_fmq_available_to_write(w, &room), 0);
                assert_int_equal(avb_fmq_available_to_read(r, &avail), 0);
                assert_int_equal(room + avail, 5);
                if (rand_r(&seed) % 2) {
                        for (size_t k = 0; k < n * 3; k++)
                                buf[k] = (uint8_t)(next_w + k / 3);
                        int rc = avb_fmq_write(w, buf, n);

                        assert_int_equal(rc, n <= room ? 0 : -EAGAIN);
                        if (rc == 0)
                                next_w += (uint32_t)n;
                } else {
                        int rc = avb_fmq_read(r, buf, n);

                        assert_int_equal(rc, n <= avail ? 0 : -EAGAIN);
                        if (rc != 0)
                                continue;
                        for (size_t k = 0; k < n * 3; k++)
                                assert_int_equal(buf[k], (uint8_t)(next_r + k / 3));
                        next_r += (uint32_t)n;
                }
        }
        assert_true(next_r > 10000);
        avb_fmq_free(r);
        avb_fmq_free(w);
}

static void test_full_and_empty(void **state)
{
        avb_fmq *q = make(sizeof(uint64_t), 4, SYNC, 1);
        uint64_t v[5] = {1, 2, 3, 4, 5}, out[5] = {0};
        size_t n;

        (void)state;
        assert_int_equal(avb_fmq_read(q, out, 1), -EAGAIN);
        assert_int_equal(avb_fmq_write(q, v, 0), 0);
        assert_int_equal(avb_fmq_write(q, v, 5), -EMSGSIZE);
        assert_int_equal(avb_fmq_read(q, out, 5), -EMSGSIZE);
        assert_int_equal(avb_fmq_write(q, v, 3), 0);
        assert_int_equal(avb_fmq_write(q, v, 2), -EAGAIN); /* all or nothing */
        assert_int_equal(avb_fmq_available_to_write(q, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(avb_fmq_write(q, v + 3, 1), 0);
        assert_int_equal(avb_fmq_write(q, v, 1), -EAGAIN);
        assert_int_equal(avb_fmq_read(q, out, 4), 0);
        assert_memory_equal(out, v, 4 * sizeof(uint64_t));
        assert_int_equal(avb_fmq_available_to_read(q, &n), 0);
        assert_int_equal(n, 0);
        assert_null(avb_fmq_free(q));
        assert_null(avb_fmq_free(NULL));
        avb_fmq_desc_fini(NULL);
}

static void test_create_refuses(void **state)
{
        avb_fmq *q = NULL;

        (void)state;
        assert_int_equal(avb_fmq_create(0, 4, SYNC, 0, &q), -EINVAL);
        assert_int_equal(avb_fmq_create(4, 0, SYNC, 0, &q), -EINVAL);
        assert_int_equal(avb_fmq_create(4, 4, 3, 0, &q), -EINVAL);
        assert_int_equal(avb_fmq_create(1u << 16, 1u << 16, SYNC, 0, &q), -EINVAL);
        assert_null(q);
}

/* The memfd is sealed: the creator's peer cannot shrink or grow it. */
static void test_create_seals(void **state)
{
        avb_fmq *q = make(8, 16, SYNC, 1);
        avb_fmq_desc d;

        (void)state;
        assert_int_equal(avb_fmq_get_desc(q, &d), 0);
        assert_int_equal(d.n_fds, 1);
        assert_int_equal(d.n_grantors, 4);
        assert_int_equal(fcntl(d.fds[0], F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
        assert_true(fcntl(d.fds[0], F_GETFD) & FD_CLOEXEC);
        assert_int_equal(ftruncate(d.fds[0], 0), -1);
        /* libfmq's layout: counters at 0 and 8, the ring at 16, the flag after it */
        assert_int_equal(d.grantors[0].offset, 0);
        assert_int_equal(d.grantors[1].offset, 8);
        assert_int_equal(d.grantors[2].offset, 16);
        assert_int_equal(d.grantors[2].extent, 128);
        assert_int_equal(d.grantors[3].offset, 144);
        assert_int_equal(d.quantum, 8);
        assert_int_equal(d.flags, SYNC);
        avb_fmq_desc_fini(&d);
        avb_fmq_free(q);
}

/* A reader more than one ring behind gets -EOVERFLOW once and resumes at the
 * writer's position; exactly one ring behind is still readable. */
static void test_unsync_overflow(void **state)
{
        avb_fmq *w = make(sizeof(uint32_t), 8, UNSYNC, 0), *r1 = peer(w, 4, UNSYNC),
                *r2 = peer(w, 4, UNSYNC);
        uint32_t v, out[8];
        size_t n;

        (void)state;
        for (v = 0; v < 8; v++)
                assert_int_equal(avb_fmq_write(w, &v, 1), 0); /* never blocks */
        assert_int_equal(avb_fmq_available_to_write(w, &n), 0);
        assert_int_equal(n, 8);
        assert_int_equal(avb_fmq_read(r1, out, 8), 0);
        for (uint32_t k = 0; k < 8; k++)
                assert_int_equal(out[k], k);
        for (; v < 8 + 17; v++)
                assert_int_equal(avb_fmq_write(w, &v, 1), 0);
        /* r1 is 17 behind, r2 25: both lapped */
        assert_int_equal(avb_fmq_available_to_read(r2, &n), -EOVERFLOW);
        assert_int_equal(avb_fmq_read(r1, out, 1), -EOVERFLOW);
        assert_int_equal(avb_fmq_read(r2, out, 1), -EOVERFLOW);
        assert_int_equal(avb_fmq_available_to_read(r1, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(avb_fmq_read(r1, out, 1), -EAGAIN);
        for (uint32_t k = 0; k < 3; k++, v++)
                assert_int_equal(avb_fmq_write(w, &v, 1), 0);
        assert_int_equal(avb_fmq_read(r1, out, 3), 0);
        assert_int_equal(avb_fmq_read(r2, out + 3, 3), 0);
        for (uint32_t k = 0; k < 3; k++) {
                assert_int_equal(out[k], 25 + k);
                assert_int_equal(out[3 + k], 25 + k);
        }
        assert_int_equal(avb_fmq_read_blocking(r1, out, 1, 0), -EOPNOTSUPP);
        avb_fmq_free(r2);
        avb_fmq_free(r1);
        avb_fmq_free(w);
}

static void test_blocking_timeouts(void **state)
{
        avb_fmq *q = make(8, 2, SYNC, 1), *noflag = make(8, 2, SYNC, 0);
        uint64_t v[2] = {1, 2};
        int64_t t0;

        (void)state;
        assert_int_equal(avb_fmq_read_blocking(noflag, v, 1, 0), -EOPNOTSUPP);
        assert_int_equal(avb_fmq_write_blocking(noflag, v, 1, 0), -EOPNOTSUPP);
        assert_int_equal(avb_fmq_read_blocking(q, v, 1, 0), -ETIMEDOUT);
        assert_int_equal(avb_fmq_read_blocking(q, v, 3, -1), -EMSGSIZE);
        t0 = avb_now_ns();
        assert_int_equal(avb_fmq_read_blocking(q, v, 1, 20 * 1000000), -ETIMEDOUT);
        assert_true(avb_now_ns() - t0 >= 20 * 1000000);
        assert_int_equal(avb_fmq_write_blocking(q, v, 2, 0), 0);
        t0 = avb_now_ns();
        assert_int_equal(avb_fmq_write_blocking(q, v, 1, 20 * 1000000), -ETIMEDOUT);
        assert_true(avb_now_ns() - t0 >= 20 * 1000000);
        assert_int_equal(avb_fmq_read_blocking(q, v, 2, 0), 0);
        avb_fmq_free(noflag);
        avb_fmq_free(q);
}

/* A peer that keeps setting NOT_EMPTY without writing anything: the reader
 * wakes up, finds nothing, waits again, and still times out empty-handed. */
struct scribbler {
        uint32_t *word;
        volatile int stop;
};

static void *scribble(void *arg)
{
        struct scribbler *s = arg;

        while (!s->stop) {
                __atomic_fetch_or(s->word, AVB_FMQ_NOT_EMPTY, __ATOMIC_SEQ_CST);
                syscall(SYS_futex, s->word, 10 /* FUTEX_WAKE_BITSET */, 1, NULL, NULL, ~0u);
                usleep(1000);
        }
        return NULL;
}

static void test_spurious_wakeups(void **state)
{
        avb_fmq *q = make(8, 2, SYNC, 1);
        avb_fmq_desc d;
        struct scribbler s = {0};
        pthread_t t;
        uint8_t *map;
        uint64_t v;

        (void)state;
        assert_int_equal(avb_fmq_get_desc(q, &d), 0);
        map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d.fds[0], 0);
        assert_true(map != MAP_FAILED);
        s.word = (uint32_t *)(map + d.grantors[3].offset);
        assert_int_equal(pthread_create(&t, NULL, scribble, &s), 0);
        assert_int_equal(avb_fmq_read_blocking(q, &v, 1, 100 * 1000000), -ETIMEDOUT);
        s.stop = 1;
        pthread_join(t, NULL);
        munmap(map, 4096);
        avb_fmq_desc_fini(&d);
        avb_fmq_free(q);
}

/* ---- bad descriptors -------------------------------------------------------- */

/* A valid descriptor of a queue of 8-byte elements, 4 grantors, that a row
 * then breaks. The fd is a duplicate the row may replace. */
struct bad_row {
        const char *name;
        void (*mutate)(avb_fmq_desc *d);
        size_t esize;
        int flavor;
        int err;
        bool sendable; /* its fds can travel with SCM_RIGHTS */
};

static void m_none(avb_fmq_desc *d)
{
        (void)d;
}
static void m_quantum(avb_fmq_desc *d)
{
        d->quantum = 4;
}
static void m_quantum_neg(avb_fmq_desc *d)
{
        d->quantum = -8;
}
static void m_flags(avb_fmq_desc *d)
{
        d->flags = UNSYNC;
}
static void m_two_grantors(avb_fmq_desc *d)
{
        d->n_grantors = 2;
}
static void m_five_grantors(avb_fmq_desc *d)
{
        d->n_grantors = 5;
}
static void m_fd_index_neg(avb_fmq_desc *d)
{
        d->grantors[2].fd_index = -1;
}
static void m_fd_index_range(avb_fmq_desc *d)
{
        d->grantors[1].fd_index = 1;
}
static void m_offset_neg(avb_fmq_desc *d)
{
        d->grantors[2].offset = -16;
}
static void m_extent_neg(avb_fmq_desc *d)
{
        d->grantors[2].extent = -64;
}
static void m_ring_empty(avb_fmq_desc *d)
{
        d->grantors[2].extent = 0;
}
static void m_ring_quantum(avb_fmq_desc *d)
{
        d->grantors[2].extent = 60;
}
static void m_counter_misaligned(avb_fmq_desc *d)
{
        d->grantors[0].offset = 4;
}
static void m_counter_short(avb_fmq_desc *d)
{
        d->grantors[1].extent = 4;
}
static void m_ring_misaligned(avb_fmq_desc *d)
{
        d->grantors[2].offset = 20;
        d->grantors[2].extent = 48;
}
static void m_flag_misaligned(avb_fmq_desc *d)
{
        d->grantors[3].offset += 2;
}
static void m_ring_over_counter(avb_fmq_desc *d)
{
        d->grantors[2].offset = 8; /* the ring starts on the write counter */
}
static void m_counters_same(avb_fmq_desc *d)
{
        d->grantors[1].offset = 0;
}
static void m_flag_in_ring(avb_fmq_desc *d)
{
        d->grantors[3].offset = 24;
}
static void m_beyond_fd(avb_fmq_desc *d)
{
        d->n_grantors = 3;            /* (no flag word, which the ring would overlap) */
        d->grantors[2].extent = 4096; /* the memfd is one page */
}
static void m_no_fds(avb_fmq_desc *d)
{
        close(d->fds[0]);
        d->n_fds = 0;
}
static void m_too_many_fds(avb_fmq_desc *d)
{
        d->n_fds = 5;
}
static void m_unsealed(avb_fmq_desc *d)
{
        int fd = memfd_create("unsealed", MFD_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, 4096), 0);
        close(d->fds[0]);
        d->fds[0] = fd;
}
static void m_pipe(avb_fmq_desc *d)
{
        int p[2];

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        close(p[1]);
        close(d->fds[0]);
        d->fds[0] = p[0];
}
static void m_closed_fd(avb_fmq_desc *d)
{
        close(d->fds[0]);
        d->fds[0] = 1000;
}

static const struct bad_row bad_rows[] = {
    {"valid (control row)", m_none, 8, SYNC, 0, true},
    {"quantum != element size", m_quantum, 8, SYNC, -EINVAL, true},
    {"negative quantum", m_quantum_neg, 8, SYNC, -EINVAL, true},
    {"flavor mismatch", m_flags, 8, SYNC, -EINVAL, true},
    {"flavor asked differs", m_none, 8, UNSYNC, -EINVAL, true},
    {"unknown flavor asked", m_none, 8, 7, -EINVAL, true},
    {"2 grantors", m_two_grantors, 8, SYNC, -EINVAL, true},
    {"5 grantors", m_five_grantors, 8, SYNC, -EINVAL, false},
    {"fd_index -1", m_fd_index_neg, 8, SYNC, -EINVAL, true},
    {"fd_index out of range", m_fd_index_range, 8, SYNC, -EINVAL, true},
    {"negative offset", m_offset_neg, 8, SYNC, -EINVAL, true},
    {"negative extent", m_extent_neg, 8, SYNC, -EINVAL, true},
    {"empty ring", m_ring_empty, 8, SYNC, -EINVAL, true},
    {"ring not a multiple of quantum", m_ring_quantum, 8, SYNC, -EINVAL, true},
    {"counter misaligned", m_counter_misaligned, 8, SYNC, -EINVAL, true},
    {"counter shorter than u64", m_counter_short, 8, SYNC, -EINVAL, true},
    {"ring misaligned", m_ring_misaligned, 8, SYNC, -EINVAL, true},
    {"flag word misaligned", m_flag_misaligned, 8, SYNC, -EINVAL, true},
    {"ring over a counter", m_ring_over_counter, 8, SYNC, -EINVAL, true},
    {"both counters at one place", m_counters_same, 8, SYNC, -EINVAL, true},
    {"flag word inside the ring", m_flag_in_ring, 8, SYNC, -EINVAL, true},
    {"grantor beyond its fd", m_beyond_fd, 8, SYNC, -EINVAL, true},
    {"no fds", m_no_fds, 8, SYNC, -EINVAL, true},
    {"more fds than allowed", m_too_many_fds, 8, SYNC, -EINVAL, false},
    {"memfd not sealed against shrinking", m_unsealed, 8, SYNC, -EINVAL, true},
    {"not a memfd (pipe)", m_pipe, 8, SYNC, -EINVAL, true},
    {"closed fd", m_closed_fd, 8, SYNC, -EBADF, false},
};

static avb_fmq_desc bad_desc(const avb_fmq *q, const struct bad_row *row)
{
        avb_fmq_desc d;

        assert_int_equal(avb_fmq_get_desc(q, &d), 0);
        row->mutate(&d);
        return d;
}

/* Closes what a mutated descriptor still owns (n_fds may have been broken). */
static void bad_desc_fini(avb_fmq_desc *d)
{
        if (d->n_fds > 1) {
                close(d->fds[0]);
                d->n_fds = 0;
        } else if (d->n_fds == 1 && d->fds[0] == 1000) {
                d->n_fds = 0;
        }
        avb_fmq_desc_fini(d);
}

static void test_bad_descriptors(void **state)
{
        avb_fmq *q = make(8, 8, SYNC, 1);
        size_t fds_before = count_fds();

        (void)state;
        for (size_t i = 0; i < AVB_ELEMENTSOF(bad_rows); i++) {
                avb_fmq_desc d = bad_desc(q, &bad_rows[i]);
                avb_fmq *p = NULL;
                int rc = avb_fmq_open(&d, bad_rows[i].esize, bad_rows[i].flavor, &p);

                if (rc != bad_rows[i].err)
                        fail_msg("%s: got %d, expected %d", bad_rows[i].name, rc, bad_rows[i].err);
                assert_true(rc == 0 ? p != NULL : p == NULL);
                avb_fmq_free(p);
                bad_desc_fini(&d);
        }
        assert_int_equal(count_fds(), fds_before); /* a refusal leaks nothing */
        avb_fmq_free(q);
}

/* ---- hostile counters -------------------------------------------------------- */

/* A queue, a peer view of it, and a raw mapping of its memfd through which
 * the test plays the hostile process. The bytes after the ring (the padding
 * and the flag word) carry a canary that no call may change. */
struct hostile {
        avb_fmq *q, *p;
        uint8_t *raw;
        avb_fmq_desc d;
};

#define CANARY 0xa5

static void hostile_open(struct hostile *h, int flavor)
{
        h->q = make(24, 7, flavor, 0); /* ring: 168 bytes at 16, canary from 184 */
        h->p = peer(h->q, 24, flavor);
        assert_int_equal(avb_fmq_get_desc(h->q, &h->d), 0);
        h->raw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, h->d.fds[0], 0);
        assert_true(h->raw != MAP_FAILED);
        memset(h->raw + 16 + 168, CANARY, 4096 - 16 - 168);
}

static void hostile_close(struct hostile *h)
{
        for (size_t k = 16 + 168; k < 4096; k++)
                if (h->raw[k] != CANARY)
                        fail_msg("byte %zu outside the ring was written", k);
        munmap(h->raw, 4096);
        avb_fmq_desc_fini(&h->d);
        avb_fmq_free(h->p);
        avb_fmq_free(h->q);
}

static void scribble_counters(struct hostile *h, uint64_t r, uint64_t w)
{
        memcpy(h->raw, &r, 8);
        memcpy(h->raw + 8, &w, 8);
}

static const struct {
        const char *name;
        uint64_t r, w;
        int read_err, write_err; /* synchronized queue, reading 1 and writing 1 */
} hostile_rows[] = {
    {"consistent", 24, 48, 0, 0},
    {"write more than a ring ahead", 0, 192, -EBADMSG, -EBADMSG},
    {"read ahead of write", 48, 24, -EBADMSG, -EBADMSG},
    {"write misaligned", 0, 25, -EBADMSG, -EBADMSG},
    {"read misaligned", 1, 24, -EBADMSG, -EBADMSG},
    {"full ring", 24, 192, 0, -EAGAIN},
    /* 2^64 - 16 is the last multiple of 24 before the counters wrap */
    {"near 2^64, consistent", UINT64_MAX - 15 - 48, UINT64_MAX - 15, 0, 0},
    {"across 2^64 (misaligned there)", UINT64_MAX - 15 - 24, 8, -EBADMSG, -EBADMSG},
    {"both huge, far apart", 0, UINT64_MAX - 15, -EBADMSG, -EBADMSG},
};

static void test_hostile_counters(void **state)
{
        struct hostile h;
        uint8_t buf[24 * 7];
        unsigned seed = 11;

        (void)state;
        hostile_open(&h, SYNC);
        memset(buf, 1, sizeof(buf));
        for (size_t i = 0; i < AVB_ELEMENTSOF(hostile_rows); i++) {
                size_t n;
                int rc;

                scribble_counters(&h, hostile_rows[i].r, hostile_rows[i].w);
                rc = avb_fmq_read(h.p, buf, 1);
                if (rc != hostile_rows[i].read_err)
                        fail_msg("%s: read %d", hostile_rows[i].name, rc);
                scribble_counters(&h, hostile_rows[i].r, hostile_rows[i].w);
                rc = avb_fmq_write(h.q, buf, 1);
                if (rc != hostile_rows[i].write_err)
                        fail_msg("%s: write %d", hostile_rows[i].name, rc);
                scribble_counters(&h, hostile_rows[i].r, hostile_rows[i].w);
                rc = avb_fmq_available_to_read(h.p, &n);
                assert_int_equal(rc, hostile_rows[i].read_err == -EBADMSG ? -EBADMSG : 0);
        }
        /* Then anything at all, every call, whole-ring sizes: no crash, no
         * byte outside the ring touched, only the documented errors. */
        for (int i = 0; i < 200000; i++) {
                uint64_t r = ((uint64_t)rand_r(&seed) << 33) ^ (uint64_t)rand_r(&seed) ^
                             (i % 3 ? 0 : UINT64_MAX - 500),
                         w = i % 2 ? r + (uint64_t)(rand_r(&seed) % 400) : (uint64_t)rand_r(&seed);
                size_t n = (size_t)rand_r(&seed) % 7 + 1, avail;
                int rc;

                scribble_counters(&h, r, w);
                rc = i % 3 == 0   ? avb_fmq_read(h.p, buf, n)
                     : i % 3 == 1 ? avb_fmq_write(h.q, buf, n)
                                  : avb_fmq_available_to_read(h.p, &avail);
                assert_true(rc == 0 || rc == -EAGAIN || rc == -EBADMSG);
        }
        hostile_close(&h);

        /* An unsynchronized reader: only the write counter is shared. */
        hostile_open(&h, UNSYNC);
        for (int i = 0; i < 100000; i++) {
                uint64_t w = ((uint64_t)rand_r(&seed) << 31) ^ (uint64_t)rand_r(&seed);
                size_t n = (size_t)rand_r(&seed) % 7 + 1;
                int rc;

                if (i % 2)
                        w = w / 24 * 24;
                scribble_counters(&h, 0, w);
                rc = i % 2 ? avb_fmq_read(h.p, buf, n) : avb_fmq_write(h.q, buf, n);
                assert_true(rc == 0 || rc == -EAGAIN || rc == -EBADMSG || rc == -EOVERFLOW);
        }
        hostile_close(&h);
}

/* ---- passing descriptors ------------------------------------------------------ */

/* Sends `len` bytes of `bytes` with `nfds` fds as SCM_RIGHTS. */
static void send_raw(int sock, const void *bytes, size_t len, const int *fds, size_t nfds)
{
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int) * 4)];
        } c = {0};
        struct iovec iov = {.iov_base = (void *)bytes, .iov_len = len};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

        if (nfds) {
                struct cmsghdr *h;

                m.msg_control = c.buf;
                m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
                h = CMSG_FIRSTHDR(&m);
                h->cmsg_level = SOL_SOCKET;
                h->cmsg_type = SCM_RIGHTS;
                h->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
                memcpy(CMSG_DATA(h), fds, sizeof(int) * nfds);
        }
        assert_true(sendmsg(sock, &m, 0) == (ssize_t)len);
}

/*
 * A descriptor round trip, then messages a broken or hostile peer could
 * send, built from the bytes of a valid one (announcing one fd): each is
 * refused, and every fd that came with it is closed.
 */
static void test_desc_passing(void **state)
{
        avb_fmq *q = make(8, 8, SYNC, 1);
        avb_fmq_desc d, got = {0};
        uint8_t wire[512];
        int sp[2], pfd[2], fds[3];
        size_t fds_before;
        ssize_t len;

        (void)state;
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
        assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
        assert_int_equal(avb_fmq_get_desc(q, &d), 0);
        fds_before = count_fds();
        assert_int_equal(avb_fmq_desc_send(sp[0], &d), 0);
        assert_int_equal(avb_fmq_desc_recv(sp[1], &got), 0);
        assert_int_equal(got.n_fds, 1);
        assert_int_equal(got.n_grantors, 4);
        assert_int_equal(got.quantum, 8);
        assert_int_equal(got.flags, SYNC);
        assert_true(fcntl(got.fds[0], F_GETFD) & FD_CLOEXEC);
        assert_memory_equal(got.grantors, d.grantors, sizeof(d.grantors));
        avb_fmq_desc_fini(&got);
        assert_int_equal(count_fds(), fds_before);

        /* the bytes of a valid message (its fd is received and closed) */
        assert_int_equal(avb_fmq_desc_send(sp[0], &d), 0);
        len = recv(sp[1], wire, sizeof(wire), 0); /* the kernel drops the fd */
        assert_true(len > 0);
        fds[0] = pfd[0];
        fds[1] = pfd[1];
        fds[2] = d.fds[0];
        {
                struct {
                        const char *name;
                        size_t len, nfds;
                } rows[] = {
                    {"fd missing", (size_t)len, 0},
                    {"one fd too many", (size_t)len, 2},
                    {"three fds", (size_t)len, 3},
                    {"message truncated", (size_t)len - 1, 1},
                    {"message too long", (size_t)len + 8, 1},
                    {"empty message with an fd", 0, 1},
                };

                for (size_t i = 0; i < AVB_ELEMENTSOF(rows); i++) {
                        send_raw(sp[0], wire, rows[i].len, fds, rows[i].nfds);
                        if (avb_fmq_desc_recv(sp[1], &got) != -EBADMSG)
                                fail_msg("%s: accepted", rows[i].name);
                }
        }
        assert_int_equal(count_fds(), fds_before);
        send_raw(sp[0], wire, (size_t)len, fds + 2, 1); /* and the right one passes */
        assert_int_equal(avb_fmq_desc_recv(sp[1], &got), 0);
        avb_fmq_desc_fini(&got);
        close(sp[0]);
        assert_int_equal(avb_fmq_desc_recv(sp[1], &got), -EPIPE);
        close(sp[1]);
        close(pfd[0]);
        close(pfd[1]);
        avb_fmq_desc_fini(&d);
        avb_fmq_free(q);
}

/* ---- two processes ------------------------------------------------------------ */

/*
 * The child: receives descriptors over the socket, opens each as
 * (esize, flavor) and runs `body` on it; the body's result (0 or a count of
 * failures) goes back as an int. A fork of this process, which never used
 * nanomsg; it _exit()s and never returns into cmocka.
 */
typedef int (*child_body)(avb_fmq *q, int sock, void *arg);

struct child {
        pid_t pid;
        int sock;
};

static struct child child_start(size_t esize, int flavor, child_body body, void *arg)
{
        struct child c;
        int sp[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
        c.pid = fork();
        assert_true(c.pid >= 0);
        if (c.pid == 0) {
                close(sp[0]);
                for (;;) {
                        avb_fmq_desc d;
                        avb_fmq *q = NULL;
                        int rc = avb_fmq_desc_recv(sp[1], &d);

                        if (rc == -EPIPE)
                                _exit(0);
                        if (rc == 0)
                                rc = avb_fmq_open(&d, esize, flavor, &q);
                        avb_fmq_desc_fini(&d);
                        if (rc == 0 && body)
                                rc = body(q, sp[1], arg);
                        avb_fmq_free(q);
                        if (write(sp[1], &rc, sizeof(rc)) != sizeof(rc))
                                _exit(2);
                }
        }
        close(sp[1]);
        c.sock = sp[0];
        return c;
}

static void child_send(struct child *c, const avb_fmq *q)
{
        avb_fmq_desc d;

        assert_int_equal(avb_fmq_get_desc(q, &d), 0);
        assert_int_equal(avb_fmq_desc_send(c->sock, &d), 0);
        avb_fmq_desc_fini(&d);
}

static int child_result(struct child *c)
{
        int rc = -1;

        assert_int_equal(read(c->sock, &rc, sizeof(rc)), sizeof(rc));
        return rc;
}

static void child_stop(struct child *c)
{
        int status;

        close(c->sock);
        assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Each validation rule, checked by the process that receives the descriptor. */
static void test_bad_descriptors_across(void **state)
{
        avb_fmq *q = make(8, 8, SYNC, 1);

        (void)state;
        for (size_t i = 0; i < AVB_ELEMENTSOF(bad_rows); i++) {
                const struct bad_row *row = &bad_rows[i];
                struct child c;
                avb_fmq_desc d;

                if (!row->sendable)
                        continue;
                c = child_start(row->esize, row->flavor, NULL, NULL);
                d = bad_desc(q, row);
                assert_int_equal(avb_fmq_desc_send(c.sock, &d), 0);
                if (child_result(&c) != row->err)
                        fail_msg("%s: the other process did not refuse it", row->name);
                bad_desc_fini(&d);
                child_stop(&c);
        }
        avb_fmq_free(q);
}

#define STREAM_N 1000000u

/* Reads STREAM_N u64 in batches of 1..7 with blocking reads; answers with
 * the number of values out of sequence, then the checksum. */
static int stream_reader(avb_fmq *q, int sock, void *arg)
{
        uint64_t buf[7], sum = 0;
        int bad = 0;

        (void)arg;
        for (uint64_t i = 0; i < STREAM_N;) {
                size_t n = (size_t)(i % 7) + 1;

                if (n > STREAM_N - i)
                        n = (size_t)(STREAM_N - i);
                if (avb_fmq_read_blocking(q, buf, n, LONG_NS) != 0)
                        return -1000000;
                for (size_t k = 0; k < n; k++, i++) {
                        bad += buf[k] != i * 2654435761u;
                        sum = sum * 31 + buf[k];
                }
        }
        if (write(sock, &sum, sizeof(sum)) != sizeof(sum))
                return -1;
        return bad;
}

/* A million elements through a 1000-element ring (wrapping 1000 times, batch
 * sizes that do not divide it), writer and reader each blocking on the other. */
static void test_stream_across(void **state)
{
        avb_fmq *q = make(sizeof(uint64_t), 1000, SYNC, 1);
        struct child c = child_start(sizeof(uint64_t), SYNC, stream_reader, NULL);
        uint64_t buf[13], sum = 0, theirs = 0;

        (void)state;
        child_send(&c, q);
        for (uint64_t i = 0; i < STREAM_N;) {
                size_t n = (size_t)(i % 13) + 1;

                if (n > STREAM_N - i)
                        n = (size_t)(STREAM_N - i);
                for (size_t k = 0; k < n; k++, i++) {
                        buf[k] = i * 2654435761u;
                        sum = sum * 31 + buf[k];
                }
                assert_int_equal(avb_fmq_write_blocking(q, buf, n, LONG_NS), 0);
        }
        assert_int_equal(read(c.sock, &theirs, sizeof(theirs)), sizeof(theirs));
        assert_int_equal(child_result(&c), 0);
        assert_true(theirs == sum);
        child_stop(&c);
        avb_fmq_free(q);
}

/* Whether `pid` sleeps in futex() right now (from /proc; false if unreadable). */
static bool in_futex(pid_t pid)
{
        char path[64], buf[64] = {0};
        int fd;
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        return n > 0 && atol(buf) == SYS_futex;
}

/* Waits (up to 20 s) until the child sleeps in futex(); false if /proc
 * cannot tell, and the test then just proceeds (it is still correct). */
static void wait_child_sleeps(pid_t pid)
{
        for (int i = 0; i < 20000 && !in_futex(pid); i++)
                usleep(1000);
}

/* The child reads 3 elements with a long timeout, then writes 3 into a full
 * queue: it must sleep and be woken each time by the parent. */
static int wake_body(avb_fmq *q, int sock, void *arg)
{
        uint32_t v[3], w[3] = {7, 8, 9};
        char go;

        (void)arg;
        if (avb_fmq_read_blocking(q, v, 3, LONG_NS) != 0 || v[0] != 1 || v[2] != 3)
                return 1;
        if (read(sock, &go, 1) != 1) /* the parent filled the queue */
                return 2;
        if (avb_fmq_write_blocking(q, w, 3, LONG_NS) != 0)
                return 3;
        return 0;
}

static void test_blocking_across(void **state)
{
        avb_fmq *q = make(sizeof(uint32_t), 4, SYNC, 1);
        struct child c = child_start(sizeof(uint32_t), SYNC, wake_body, NULL);
        uint32_t v[4] = {1, 2, 3, 4}, out[4];
        int64_t t0;

        (void)state;
        child_send(&c, q);
        wait_child_sleeps(c.pid);
        t0 = avb_now_ns();
        assert_int_equal(avb_fmq_write(q, v, 3), 0);                   /* a plain write wakes it */
        assert_int_equal(avb_fmq_write_blocking(q, v, 4, LONG_NS), 0); /* once it has read */
        assert_int_equal(write(c.sock, "g", 1), 1);
        wait_child_sleeps(c.pid);
        assert_int_equal(avb_fmq_read_blocking(q, out, 4, LONG_NS), 0);
        assert_int_equal(out[3], 4);
        assert_int_equal(child_result(&c), 0);
        assert_true(avb_now_ns() - t0 < LONG_NS);
        assert_int_equal(avb_fmq_read(q, out, 3), 0);
        assert_int_equal(out[0], 7);
        assert_int_equal(out[2], 9);
        child_stop(&c);
        avb_fmq_free(q);
}

/* An unsynchronized reader in another process: reads with wrap-around, is
 * lapped while it waits for the signal, sees -EOVERFLOW once, resumes. */
static int unsync_body(avb_fmq *q, int sock, void *arg)
{
        uint32_t v[8];
        char go;
        int bad = 0;

        (void)arg;
        for (uint32_t i = 0; i < 100; i++) {
                if (read(sock, &go, 1) != 1 || avb_fmq_read(q, v, 5) != 0)
                        return 100;
                for (uint32_t k = 0; k < 5; k++)
                        bad += v[k] != i * 5 + k;
                if (write(sock, "r", 1) != 1)
                        return 101;
        }
        if (read(sock, &go, 1) != 1) /* the writer lapped us */
                return 102;
        bad += avb_fmq_read(q, v, 1) != -EOVERFLOW;
        bad += avb_fmq_read(q, v, 1) != -EAGAIN;
        if (write(sock, "r", 1) != 1 || read(sock, &go, 1) != 1)
                return 103;
        bad += avb_fmq_read(q, v, 2) != 0 || v[0] != 1000 || v[1] != 1001;
        return bad;
}

static void test_unsync_across(void **state)
{
        avb_fmq *q = make(sizeof(uint32_t), 8, UNSYNC, 0);
        struct child c = child_start(sizeof(uint32_t), UNSYNC, unsync_body, NULL);
        uint32_t v[8];
        char ack;

        (void)state;
        child_send(&c, q);
        for (uint32_t i = 0; i < 100; i++) {
                for (uint32_t k = 0; k < 5; k++)
                        v[k] = i * 5 + k;
                assert_int_equal(avb_fmq_write(q, v, 5), 0);
                assert_int_equal(write(c.sock, "w", 1), 1);
                assert_int_equal(read(c.sock, &ack, 1), 1);
        }
        for (uint32_t k = 0; k < 20; k++)
                assert_int_equal(avb_fmq_write(q, v, 1), 0);
        assert_int_equal(write(c.sock, "w", 1), 1);
        assert_int_equal(read(c.sock, &ack, 1), 1);
        v[0] = 1000;
        v[1] = 1001;
        assert_int_equal(avb_fmq_write(q, v, 2), 0);
        assert_int_equal(write(c.sock, "w", 1), 1);
        assert_int_equal(child_result(&c), 0);
        child_stop(&c);
        avb_fmq_free(q);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_wrap_around),
            cmocka_unit_test(test_full_and_empty),
            cmocka_unit_test(test_create_refuses),
            cmocka_unit_test(test_create_seals),
            cmocka_unit_test(test_unsync_overflow),
            cmocka_unit_test(test_blocking_timeouts),
            cmocka_unit_test(test_spurious_wakeups),
            cmocka_unit_test(test_bad_descriptors),
            cmocka_unit_test(test_hostile_counters),
            cmocka_unit_test(test_desc_passing),
            cmocka_unit_test(test_bad_descriptors_across),
            cmocka_unit_test(test_stream_across),
            cmocka_unit_test(test_blocking_across),
            cmocka_unit_test(test_unsync_across),
        };

        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
