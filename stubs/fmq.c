/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fast message queues, setting up: making one (avb_fmq_create), opening one
 * from a peer's descriptor (avb_fmq_open, which validates it), handing the
 * descriptor out, and tearing down. Reading and writing are in fmq_io.c.
 *
 * Why every grantor is mapped on its own: a descriptor may put the ring in
 * another fd than the counters (libfmq does with a user-supplied buffer),
 * and mapping exactly what was validated keeps each pointer's reach to the
 * bytes the checks covered.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmq_internal.h"
#include "util.h"

#define COUNTER_SIZE 8u
#define FLAG_SIZE    4u
/* Offsets are int32 on the wire: the whole layout must stay below this. */
#define MAX_LAYOUT_BYTES ((uint64_t)INT32_MAX)

_Static_assert(__atomic_always_lock_free(sizeof(uint64_t), 0), "u64 atomics must be lock-free");

static uint64_t align_up(uint64_t x, uint64_t a)
{
        return (x + a - 1) / a * a;
}

static bool flavor_valid(int flavor)
{
        return flavor == AVB_FMQ_SYNCHRONIZED_READ_WRITE || flavor == AVB_FMQ_UNSYNCHRONIZED_WRITE;
}

void avb_fmq_desc_fini(avb_fmq_desc *desc)
{
        if (!desc)
                return;
        for (size_t i = 0; i < desc->n_fds && i < AVB_FMQ_MAX_FDS; i++)
                avb_closep(&desc->fds[i]);
        memset(desc, 0, sizeof(*desc));
}

/* A copy of `src` with duplicated fds (close-on-exec). */
static int desc_dup(const avb_fmq_desc *src, avb_fmq_desc *ret)
{
        avb_fmq_desc d = *src;

        d.n_fds = 0;
        for (size_t i = 0; i < src->n_fds; i++) {
                int fd = fcntl(src->fds[i], F_DUPFD_CLOEXEC, 3);

                if (fd < 0) {
                        int r = -errno;

                        avb_fmq_desc_fini(&d);
                        return r;
                }
                d.fds[d.n_fds++] = fd;
        }
        *ret = d;
        return 0;
}

avb_fmq *avb_fmq_free(avb_fmq *q)
{
        if (!q)
                return NULL;
        for (size_t i = 0; i < AVB_FMQ_MAX_GRANTORS; i++)
                if (q->maps[i].base)
                        munmap(q->maps[i].base, q->maps[i].len);
        avb_fmq_desc_fini(&q->desc);
        free(q);
        return NULL;
}

static void avb_fmq_freep(avb_fmq **q)
{
        avb_fmq_free(*q);
}

/* Maps grantor i of q->desc (already validated); returns its first byte. */
static int map_grantor(avb_fmq *q, size_t i, void **ret)
{
        const avb_fmq_grantor *g = &q->desc.grantors[i];
        uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
        uint64_t start = (uint64_t)g->offset / page * page;
        size_t len = (size_t)((uint64_t)g->offset - start + (uint64_t)g->extent);
        void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, q->desc.fds[g->fd_index],
                       (off_t)start);

        if (p == MAP_FAILED)
                return -errno;
        q->maps[i] = (struct avb_fmq_map){.base = p, .len = len};
        *ret = (uint8_t *)p + ((uint64_t)g->offset - start);
        return 0;
}

/* Maps every grantor of q->desc and points q at them. */
static int map_all(avb_fmq *q)
{
        void *p[AVB_FMQ_MAX_GRANTORS] = {0};
        int r;

        for (size_t i = 0; i < q->desc.n_grantors; i++) {
                /* An unsynchronized queue's readers keep their own counter. */
                if (i == AVB_FMQ_READ_COUNTER && q->flavor == AVB_FMQ_UNSYNCHRONIZED_WRITE)
                        continue;
                r = map_grantor(q, i, &p[i]);
                if (r < 0)
                        return r;
        }
        q->read_counter = p[AVB_FMQ_READ_COUNTER] ? p[AVB_FMQ_READ_COUNTER] : &q->local_read;
        q->write_counter = p[AVB_FMQ_WRITE_COUNTER];
        q->ring = p[AVB_FMQ_RING];
        q->event_flag = p[AVB_FMQ_EVENT_FLAG];
        q->ring_len = (uint64_t)q->desc.grantors[AVB_FMQ_RING].extent;
        return 0;
}

int avb_fmq_create(size_t element_size, size_t count, int flavor, int with_event_flag,
                   avb_fmq **ret_q)
{
        _cleanup_(avb_fmq_freep) avb_fmq *q = NULL;
        uint64_t ring, flag_at, total;
        int fd, r;

        if (element_size == 0 || count == 0 || !flavor_valid(flavor) ||
            element_size > MAX_LAYOUT_BYTES || count > MAX_LAYOUT_BYTES / element_size)
                return -EINVAL;
        ring = (uint64_t)element_size * count;
        flag_at = align_up(2 * COUNTER_SIZE + ring, COUNTER_SIZE);
        total = with_event_flag ? flag_at + FLAG_SIZE : 2 * COUNTER_SIZE + ring;
        if (total > MAX_LAYOUT_BYTES)
                return -EINVAL;
        total = align_up(total, (uint64_t)sysconf(_SC_PAGESIZE));

        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        fd = memfd_create("avb-fmq", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;
        q->desc.fds[0] = fd;
        q->desc.n_fds = 1;
        /* Sealed before the peer ever sees it: it can neither shrink the
         * memory under our mappings nor grow it, nor lift the seals. */
        if (ftruncate(fd, (off_t)total) < 0 ||
            fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
                return -errno;
        q->desc.grantors[AVB_FMQ_READ_COUNTER] = (avb_fmq_grantor){0, 0, COUNTER_SIZE};
        q->desc.grantors[AVB_FMQ_WRITE_COUNTER] = (avb_fmq_grantor){0, COUNTER_SIZE, COUNTER_SIZE};
        q->desc.grantors[AVB_FMQ_RING] = (avb_fmq_grantor){0, 2 * COUNTER_SIZE, (int64_t)ring};
        q->desc.n_grantors = 3;
        if (with_event_flag)
                q->desc.grantors[q->desc.n_grantors++] =
                    (avb_fmq_grantor){0, (int32_t)flag_at, FLAG_SIZE};
        q->desc.quantum = (int32_t)element_size;
        q->desc.flags = flavor;
        q->flavor = flavor;
        q->quantum = element_size;
        r = map_all(q);
        if (r < 0)
                return r;
        /* A fresh memfd reads as zeros: the counters start at 0. */
        *ret_q = AVB_TAKE_PTR(q);
        return 0;
}

int avb_fmq_get_desc(const avb_fmq *q, avb_fmq_desc *ret_desc)
{
        if (!q || !ret_desc)
                return -EINVAL;
        return desc_dup(&q->desc, ret_desc);
}

size_t avb_fmq_capacity(const avb_fmq *q)
{
        return (size_t)(q->ring_len / q->quantum);
}

/* ---- validation of a peer's descriptor ------------------------------------ */

/* Size and alignment each grantor position needs (ring: extent checked apart). */
static const struct {
        uint64_t size, align;
} grantor_rule[AVB_FMQ_MAX_GRANTORS] = {
    [AVB_FMQ_READ_COUNTER] = {COUNTER_SIZE, COUNTER_SIZE},
    [AVB_FMQ_WRITE_COUNTER] = {COUNTER_SIZE, COUNTER_SIZE},
    [AVB_FMQ_RING] = {0, COUNTER_SIZE},
    [AVB_FMQ_EVENT_FLAG] = {FLAG_SIZE, FLAG_SIZE},
};

static bool overlap(const avb_fmq_grantor *a, const avb_fmq_grantor *b)
{
        return a->fd_index == b->fd_index && a->offset < b->offset + b->extent &&
               b->offset < a->offset + a->extent;
}

/* The rules that need no fd: shape, ranges, alignment, overlap. */
static int check_shape(const avb_fmq_desc *d, size_t element_size, int flavor)
{
        if (!flavor_valid(flavor) || element_size == 0 || d->quantum <= 0 ||
            (size_t)d->quantum != element_size || d->flags != flavor)
                return -EINVAL;
        if (d->n_grantors < 3 || d->n_grantors > AVB_FMQ_MAX_GRANTORS || d->n_fds < 1 ||
            d->n_fds > AVB_FMQ_MAX_FDS)
                return -EINVAL;
        for (size_t i = 0; i < d->n_grantors; i++) {
                const avb_fmq_grantor *g = &d->grantors[i];

                if (g->fd_index < 0 || (size_t)g->fd_index >= d->n_fds || g->offset < 0 ||
                    g->extent <= 0 || g->extent > (int64_t)MAX_LAYOUT_BYTES ||
                    (uint64_t)g->offset % grantor_rule[i].align != 0)
                        return -EINVAL;
                if (grantor_rule[i].size && (uint64_t)g->extent != grantor_rule[i].size)
                        return -EINVAL;
                for (size_t k = 0; k < i; k++)
                        if (overlap(g, &d->grantors[k]))
                                return -EINVAL;
        }
        if (d->grantors[AVB_FMQ_RING].extent % d->quantum != 0)
                return -EINVAL;
        return 0;
}

/* The rules about the fds: open, sealed against shrinking, big enough. */
static int check_fds(const avb_fmq_desc *d)
{
        for (size_t f = 0; f < d->n_fds; f++) {
                struct stat st;
                int seals;

                if (fstat(d->fds[f], &st) < 0)
                        return -errno;
                /* Without F_SEAL_SHRINK the peer could truncate the file
                 * under our mapping and turn our next access into SIGBUS. */
                seals = fcntl(d->fds[f], F_GET_SEALS);
                if (seals < 0 || !(seals & F_SEAL_SHRINK))
                        return -EINVAL;
                for (size_t i = 0; i < d->n_grantors; i++) {
                        const avb_fmq_grantor *g = &d->grantors[i];

                        if ((size_t)g->fd_index == f && g->offset + g->extent > st.st_size)
                                return -EINVAL;
                }
        }
        return 0;
}

int avb_fmq_open(const avb_fmq_desc *desc, size_t element_size, int flavor, avb_fmq **ret_q)
{
        _cleanup_(avb_fmq_freep) avb_fmq *q = NULL;
        int r;

        if (!desc || !ret_q)
                return -EINVAL;
        r = check_shape(desc, element_size, flavor);
        if (r < 0)
                return r;
        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        /* Validate our duplicates, not the caller's fds: what we check is
         * then what we map. */
        r = desc_dup(desc, &q->desc);
        if (r < 0)
                return r;
        r = check_fds(&q->desc);
        if (r < 0)
                return r;
        q->flavor = flavor;
        q->quantum = element_size;
        r = map_all(q);
        if (r < 0)
                return r;
        *ret_q = AVB_TAKE_PTR(q);
        return 0;
}
