/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libavbufferhelper: writes and copies (avb_helper_write, avb_helper_copy).
 * Non-secure buffers are written and copied in this process; what touches
 * secure memory goes to the server, through the connection's staging area
 * or as IBufferCopier calls (see helper.c).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <avbuffer/helper.h>
#include <avbuffer/log.h>

#include "avb_avbuffer.h"
#include "helper_internal.h"
#include "util.h"

/* Bytes of data per IBufferCopier.write call: the server's limit, well below the message's. */
#define WRITE_CHUNK avb_avbuffer_IBufferCopier_MAX_WRITE_BYTES
/* What one IBufferCopier.copy call may carry (the server refuses more). */
#define COPY_MAX_BYTES  ((uint32_t)avb_avbuffer_IBufferCopier_MAX_COPY_BYTES)
#define COPY_MAX_RANGES ((size_t)avb_avbuffer_IBufferCopier_MAX_COPY_RANGES)

static int status_errno(const avb_status *st)
{
        if (avb_status_is_ok(st))
                return 0;
        switch (st->exception) {
        case AVB_EX_ILLEGAL_ARGUMENT:
                return strstr(st->message, "range") ? -ERANGE : -ENOENT;
        case AVB_EX_SECURITY:
                return -EPERM;
        case AVB_EX_TRANSACTION_FAILED:
                return st->transport == AVB_TS_PERMISSION ? -EACCES : -EIO;
        default:
                return -EIO;
        }
}

static bool range_ok(uint64_t offset, uint64_t len, uint32_t size)
{
        return offset <= size && len <= size - offset;
}

/*
 * Staged writes. The bytes go into the connection's staging area, one slot
 * at a time, and a STAGE_WRITE per slot has them copied on into the buffer:
 * by the secure heap's copier process over the direct connection when the
 * server gave one (heapshare_proto.h), by the server otherwise. Up to
 * STAGE_SLOTS requests are out at once, so that this process fills the
 * next slot while the last one is copied. A slot is filled again only once
 * the reply of the write that used it is in. The first slot is a small one
 * so that the copying starts early: a 1 MiB write then waits for one small
 * memcpy here, not half of it.
 */
#define STAGE_SLOT       (512u * 1024u)
#define STAGE_FIRST_SLOT (64u * 1024u)
#define STAGE_SLOTS      (AVB_HEAPSHARE_STAGING_BYTES / STAGE_SLOT)
#define DIRECT_TIMEOUT_S 2
#define DIRECT_RETRY_MS  1000
#define DIRECT_SPIN_US   50

_Static_assert(STAGE_SLOT <= AVB_HEAPSHARE_STAGE_MAX, "a slot is one STAGE_WRITE");

/*
 * Asks for g's staging area (a fresh one replaces the old; the server
 * retires the old one's copier connection first, so no request sent on it
 * can run after this returns) and maps it (io held): 0, -ENOTSUP, or a
 * transport error.
 */
static int staging_open(struct gen *g)
{
        struct avb_heapshare_req req = {.magic = AVB_HEAPSHARE_MAGIC, .op = AVB_HEAPSHARE_STAGING};
        struct avb_heapshare_rep rep;
        struct timeval tv = {.tv_sec = DIRECT_TIMEOUT_S};
        int fds[2] = {-1, -1}, n_fds = 0, e = -ENOTSUP;
        ssize_t n;
        void *p;

        if (g->staging)
                munmap(g->staging, AVB_HEAPSHARE_STAGING_BYTES);
        g->staging = NULL;
        if (g->direct >= 0)
                close(g->direct);
        g->direct = -1;
        if (send(g->fd, &req, sizeof(req), MSG_NOSIGNAL) != (ssize_t)sizeof(req))
                return -errno;
        n = avbh_recv_fds(g->fd, &rep, sizeof(rep), fds, &n_fds);
        if (n < 0)
                e = (int)n;
        else if (n == 0)
                e = -ECONNRESET;
        else if ((size_t)n != sizeof(rep) || rep.magic != AVB_HEAPSHARE_MAGIC)
                e = -EPROTO;
        else if (rep.status == -EPROTO)
                g->no_staging = true; /* a server from before staging */
        else if (rep.status == 0 && n_fds >= 1 && rep.size == AVB_HEAPSHARE_STAGING_BYTES) {
                p = mmap(NULL, AVB_HEAPSHARE_STAGING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
                         fds[0], 0);
                if (p != MAP_FAILED) {
                        g->staging = p;
                        e = 0;
                        if (n_fds == 2) {
                                g->direct = fds[1];
                                fds[1] = -1;
                                (void)setsockopt(g->direct, SOL_SOCKET, SO_RCVTIMEO, &tv,
                                                 sizeof(tv));
                        }
                }
        }
        for (int i = 0; i < n_fds; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        return e;
}

/* One reply from fd (io held): 0 with *ret_status, or a transport error. */
static int stage_reply(int fd, int *ret_status)
{
        struct avb_heapshare_rep rep;
        int e = avbh_recv_rep(fd, &rep);

        if (e == 0)
                *ret_status = rep.status;
        return e;
}

/*
 * The next reply on the direct connection, looked for without sleeping for
 * DIRECT_SPIN_US first: it is due within a slot's copy, and waking a
 * sleeping process costs about as much again on the virtual machines we
 * measured (heap_copier_main.c has the same loop and the figures).
 */
static int direct_reply(int fd, int *ret_status)
{
        int64_t end = avb_now_us() + DIRECT_SPIN_US;
        struct pollfd p = {.fd = fd, .events = POLLIN};

        while (poll(&p, 1, 0) == 0 && avb_now_us() < end)
                ;
        return stage_reply(fd, ret_status);
}

/* One STAGE_WRITE to the server, waiting for its answer (io held). */
static int stage_via_server(struct gen *g, const struct avb_heapshare_stage_req *req,
                            int *ret_status)
{
        if (send(g->fd, req, sizeof(*req), MSG_NOSIGNAL) != (ssize_t)sizeof(*req))
                return -errno;
        return stage_reply(g->fd, ret_status);
}

/*
 * The slots' round (io held): 0 or a transport error of the server's socket
 * (it is then out of step); *ret_status is the first write's error, or 0.
 * Trouble on the direct connection is not an error: the connection is
 * dropped, a new staging area asked for (which retires every request still
 * queued at the copier), and the rest goes again from the first byte not
 * acknowledged, through the server.
 */
static int stage_all(struct gen *g, int64_t handle, size_t offset, const uint8_t *src, size_t len,
                     int *ret_status)
{
        struct avb_heapshare_stage_req reqs[STAGE_SLOTS];
        size_t sent = 0, got = 0, done = 0, acked = 0;
        int status = 0, e = 0;

        while (e == 0 && status == 0 && (done < len || got < sent)) {
                int fd = g->direct >= 0 ? g->direct : g->fd, st = 0;

                if (sent - got == STAGE_SLOTS || done == len) {
                        struct avb_heapshare_stage_req *r = &reqs[got % STAGE_SLOTS];

                        e = fd == g->direct ? direct_reply(fd, &st) : stage_reply(fd, &st);
                        if (e < 0 && fd == g->direct) {
                                /* Start again from the first byte not acknowledged. */
                                e = staging_open(g);
                                if (e == 0 && g->direct >= 0) {
                                        close(g->direct);
                                        g->direct = -1;
                                }
                                g->direct_lost_ms = avb_now_ms();
                                sent = got;
                                done = acked;
                                continue;
                        }
                        /* only the server's answer is final (a buffer the copier does not know, a
                         * trim) */
                        if (e == 0 && st != 0 && fd == g->direct)
                                e = stage_via_server(g, r, &st);
                        if (e == 0 && st == 0)
                                acked += r->size;
                        status = st;
                        got++;
                        continue;
                }
                size_t cap = sent == 0 ? STAGE_FIRST_SLOT : STAGE_SLOT;
                size_t n = len - done < cap ? len - done : cap;
                uint32_t at = (uint32_t)(sent % STAGE_SLOTS) * STAGE_SLOT;
                struct avb_heapshare_stage_req *r = &reqs[sent % STAGE_SLOTS];

                *r = (struct avb_heapshare_stage_req){
                    .magic = AVB_HEAPSHARE_MAGIC,
                    .op = AVB_HEAPSHARE_STAGE_WRITE,
                    .handle = handle,
                    .offset = (uint32_t)(offset + done),
                    .staging_offset = at,
                    .size = (uint32_t)n,
                };
                memcpy(g->staging + at, src + done, n);
                if (send(fd, r, sizeof(*r), MSG_NOSIGNAL) != (ssize_t)sizeof(*r)) {
                        if (fd != g->direct) {
                                e = -errno;
                                break;
                        }
                        /* The copier's end is gone: the reply loop above finds out. */
                        sent++;
                        done += n;
                        continue;
                }
                sent++;
                done += n;
        }
        /* After an error, drain what is still out on the server's socket. */
        while (e == 0 && got < sent) {
                int st;

                e = stage_reply(g->direct >= 0 ? g->direct : g->fd, &st);
                got++;
        }
        *ret_status = status;
        return e;
}

/*
 * A write into a secure buffer through the staging area: -ENOTSUP when the
 * server has none (the caller then sends the bytes). A transport error
 * leaves replies unread: the connection is retired, the next call makes a
 * new one.
 */
static int write_staged(avb_helper *h, int64_t handle, size_t offset, const void *src, size_t len)
{
        struct gen *g;
        int e, status = 0;

        pthread_mutex_lock(&h->io);
        e = avbh_ensure(h);
        g = h->cur;
        if (e == 0 && !g->staging)
                e = g->no_staging ? -ENOTSUP : staging_open(g);
        else if (e == 0 && g->direct < 0 && g->direct_lost_ms &&
                 avb_now_ms() - g->direct_lost_ms >= DIRECT_RETRY_MS) {
                e = staging_open(g); /* the copier may be back */
                /* not yet: again a while later (lost_ms stays 0 once it is back) */
                g->direct_lost_ms = e == 0 && g->direct < 0 ? avb_now_ms() : 0;
        }
        if (e == 0)
                e = stage_all(g, handle, offset, src, len, &status);
        if (e < 0 && e != -ENOTSUP)
                avbh_retire(h);
        pthread_mutex_unlock(&h->io);
        return e < 0 ? e : status;
}

/* A write into a secure buffer as IBufferCopier calls, the bytes in their messages. */
static int write_remote(avb_helper *h, int64_t handle, size_t offset, const void *src, size_t len)
{
        for (size_t done = 0; done < len;) {
                size_t n = len - done > WRITE_CHUNK ? WRITE_CHUNK : len - done;
                avb_status st = avb_avbuffer_IBufferCopier_write(
                    h->copier, handle, (int32_t)(offset + done), (const int8_t *)src + done, n);
                if (!avb_status_is_ok(&st))
                        return status_errno(&st);
                done += n;
        }
        return 0;
}

int avb_helper_write(avb_helper *h, int64_t handle, size_t offset, const void *src, size_t len)
{
        struct buf b;
        uint8_t *dst;
        int e;

        if (!h || (!src && len))
                return -EINVAL;
        e = avbh_lookup(h, handle, &b);
        if (e < 0)
                return e;
        if (!range_ok(offset, len, b.size))
                return -ERANGE;
        if (!b.secure) {
                e = avbh_resolve_local(h, &b, &dst);
                if (e < 0)
                        return e;
                memcpy(dst + offset, src, len);
                return 0;
        }
        if (len == 0)
                return 0;
        e = write_staged(h, handle, offset, src, len);
        return e == -ENOTSUP ? write_remote(h, handle, offset, src, len) : e;
}

/* Copy calls under way: the ranges of the next call and what they add up to. */
struct copy_batch {
        avb_helper *h;
        int64_t dst, src;
        avb_avbuffer_CopyRange wire[COPY_MAX_RANGES];
        size_t n;
        uint32_t bytes;
};

static int batch_flush(struct copy_batch *b)
{
        avb_status st;

        if (b->n == 0)
                return 0;
        st = avb_avbuffer_IBufferCopier_copy(b->h->copier, b->dst, b->src, b->wire, b->n);
        b->n = 0;
        b->bytes = 0;
        return status_errno(&st);
}

/*
 * Adds one range to the calls, cut into pieces where a call fills up. A
 * range whose destination lies above its source in the same buffer and
 * overlaps it is cut from its end backwards, so that no piece reads bytes
 * an earlier piece has already overwritten: the pieces together still act
 * as one memmove.
 */
static int batch_add(struct copy_batch *b, const avb_helper_range *r)
{
        bool backwards = b->dst == b->src && r->dst_offset > r->src_offset &&
                         r->dst_offset - r->src_offset < r->size;
        uint32_t done = 0;
        int e;

        while (done < r->size) {
                uint32_t room = COPY_MAX_BYTES - b->bytes, left = r->size - done;
                uint32_t n = left < room ? left : room, at = backwards ? left - n : done;
                avb_avbuffer_CopyRange *w;

                if (n == 0 || b->n == COPY_MAX_RANGES) {
                        if ((e = batch_flush(b)) < 0)
                                return e;
                        continue;
                }
                w = &b->wire[b->n++];
                avb_avbuffer_CopyRange_init(w);
                w->srcOffset = (int32_t)(r->src_offset + at);
                w->dstOffset = (int32_t)(r->dst_offset + at);
                w->size = (int32_t)n;
                b->bytes += n;
                done += n;
        }
        return 0;
}

/*
 * A copy the server makes (one end is secure), in as many IBufferCopier
 * calls as the server's per-call limits need; the ranges were all checked
 * against both buffers first. Ranges of 0 bytes move nothing and are left
 * out.
 */
static int copy_remote(avb_helper *h, int64_t dst, int64_t src, const avb_helper_range *ranges,
                       size_t n_ranges)
{
        struct copy_batch *b = malloc(sizeof(*b));
        int e = 0;

        if (!b)
                return -ENOMEM;
        b->h = h;
        b->dst = dst;
        b->src = src;
        b->n = 0;
        b->bytes = 0;
        for (size_t i = 0; e == 0 && i < n_ranges; i++)
                e = batch_add(b, &ranges[i]);
        if (e == 0)
                e = batch_flush(b);
        free(b);
        return e;
}

int avb_helper_copy(avb_helper *h, int64_t dst, int64_t src, const avb_helper_range *ranges,
                    size_t n_ranges)
{
        struct buf s, d;
        uint8_t *sp, *dp;
        int e;

        if (!h || (!ranges && n_ranges))
                return -EINVAL;
        e = avbh_lookup(h, src, &s);
        if (e >= 0)
                e = avbh_lookup(h, dst, &d);
        if (e < 0)
                return e;
        if (s.secure && !d.secure)
                return -EPERM;
        for (size_t i = 0; i < n_ranges; i++)
                if (!range_ok(ranges[i].src_offset, ranges[i].size, s.size) ||
                    !range_ok(ranges[i].dst_offset, ranges[i].size, d.size) ||
                    ranges[i].src_offset > INT32_MAX || ranges[i].dst_offset > INT32_MAX ||
                    ranges[i].size > INT32_MAX)
                        return -ERANGE;
        if (!s.secure && !d.secure) {
                e = avbh_resolve_local(h, &s, &sp);
                if (e >= 0)
                        e = avbh_resolve_local(h, &d, &dp);
                if (e < 0)
                        return e;
                for (size_t i = 0; i < n_ranges; i++)
                        memmove(dp + ranges[i].dst_offset, sp + ranges[i].src_offset,
                                ranges[i].size);
                return 0;
        }
        return copy_remote(h, dst, src, ranges, n_ranges);
}
