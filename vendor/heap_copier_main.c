/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-heap-copier: the one process that holds a read-write mapping of the
 * secure heap, so that avbufferd does not have to (heap_copier.c starts and
 * supervises it; heap_copier_proto.h is the wire).
 *
 * Why a process of its own: copying into the secure heap through its
 * descriptor (pwrite) goes page by page through the kernel at a fifth of
 * memcpy's speed, and a permanent writable mapping inside avbufferd would
 * end the PROT_NONE hardening there: avbufferd parses every client's
 * messages, and a stray pointer in it could then read secure content. This
 * process parses no client messages but one fixed-size request, and what
 * it can do is one way:
 *  - sources (clients' staging areas) are mapped read-only, so nothing is
 *    ever copied out of the heap into memory another process can see;
 *  - WRITE copies source to heap and ZERO clears heap bytes; no request
 *    reads heap content back, and the reply is a status only;
 *  - a client connection (heap_copier_proto.h) can only write its own
 *    staging area's bytes into a live buffer it names by handle, inside
 *    that buffer, the rule avbufferd applies to the same request; the
 *    table of live buffers comes from avbufferd alone;
 *  - after set-up a seccomp filter allows only the system calls that loop
 *    needs (no open, no socket, no exec, no ptrace): even a subverted
 *    copier can write into the heap and answer, nothing else;
 *  - it is not dumpable (no core, no ptrace attach by its own uid) and
 *    the heap is excluded from core dumps.
 * Every range is checked here again, though avbufferd checked it first.
 *
 * Why clients talk to it directly: a staged write that went client ->
 * avbufferd -> copier and back took four wake-ups per slice, and on a
 * small machine those, not the copying, were most of a 1 MiB write.
 *
 * One thread, one loop: avbufferd's requests first (all that are queued,
 * so that a buffer it retired is gone before the next client request),
 * then one request from each client connection.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "heap_copier_map.h"
#include "heap_copier_proto.h"
#include "heap_copier_seccomp.h"
#include "util.h"

struct source {
        const uint8_t *map; /* read-only; NULL: slot free */
        size_t size;
        int client; /* connection bound to it, or -1 */
};

static struct {
        uint8_t *heap;
        size_t heap_size;
        struct source src[AVB_COPIER_MAX_SOURCES];
        struct avb_copier_map live;
} cp;

static bool range_ok(uint64_t off, uint64_t len, size_t size)
{
        return len > 0 && len <= AVB_COPIER_MAX_LEN && off <= size && len <= size - off;
}

static void drop_client(struct source *s)
{
        if (s->client >= 0)
                close(s->client);
        s->client = -1;
}

/* Keeps fds[1] (then set to -1 here) when it is a client connection. */
static int do_attach(const struct avb_copier_req *r, int *fds, int n_fds)
{
        struct source *s;
        struct stat st;
        void *p;

        if (n_fds < 1)
                return -EBADF;
        if (r->id >= AVB_COPIER_MAX_SOURCES || cp.src[r->id].map || r->len == 0 ||
            r->len > SIZE_MAX)
                return -EINVAL;
        if (fstat(fds[0], &st) < 0)
                return -errno;
        if ((uint64_t)st.st_size < r->len)
                return -EINVAL;
        p = mmap(NULL, (size_t)r->len, PROT_READ, MAP_SHARED | MAP_POPULATE, fds[0], 0);
        if (p == MAP_FAILED)
                return -errno;
        s = &cp.src[r->id];
        s->map = p;
        s->size = (size_t)r->len;
        s->client = n_fds > 1 ? fds[1] : -1;
        if (n_fds > 1)
                fds[1] = -1;
        return 0;
}

static int do_detach(const struct avb_copier_req *r)
{
        struct source *s;

        if (r->id >= AVB_COPIER_MAX_SOURCES || !cp.src[r->id].map)
                return -EINVAL;
        s = &cp.src[r->id];
        drop_client(s);
        munmap((void *)s->map, s->size);
        s->map = NULL;
        s->size = 0;
        return 0;
}

static int do_write(const struct avb_copier_req *r)
{
        const struct source *s;

        if (r->id >= AVB_COPIER_MAX_SOURCES || !cp.src[r->id].map)
                return -EINVAL;
        s = &cp.src[r->id];
        if (!range_ok(r->src_off, r->len, s->size) || !range_ok(r->dst_off, r->len, cp.heap_size))
                return -EINVAL;
        memcpy(cp.heap + r->dst_off, s->map + r->src_off, (size_t)r->len);
        return 0;
}

static int do_zero(const struct avb_copier_req *r)
{
        if (!range_ok(r->dst_off, r->len, cp.heap_size))
                return -EINVAL;
        explicit_bzero(cp.heap + r->dst_off, (size_t)r->len);
        return 0;
}

static int do_live(const struct avb_copier_req *r)
{
        if (r->len == 0 || r->dst_off > cp.heap_size || r->len > cp.heap_size - r->dst_off)
                return -EINVAL;
        return avb_copier_map_put(&cp.live, r->handle, r->dst_off, r->len);
}

/* One request of avbufferd's with its n_fds descriptors; its status. */
static int serve(const struct avb_copier_req *r, ssize_t n, int *fds, int n_fds)
{
        if (n != (ssize_t)sizeof(*r))
                return -EINVAL;
        if (r->op == AVB_COPIER_ATTACH)
                return n_fds <= 2 ? do_attach(r, fds, n_fds) : -EINVAL;
        if (n_fds > 0)
                return -EINVAL;
        switch (r->op) {
        case AVB_COPIER_DETACH:
                return do_detach(r);
        case AVB_COPIER_WRITE:
                return do_write(r);
        case AVB_COPIER_ZERO:
                return do_zero(r);
        case AVB_COPIER_LIVE:
                return do_live(r);
        case AVB_COPIER_GONE:
                avb_copier_map_del(&cp.live, r->handle);
                return 0;
        default:
                return -EINVAL;
        }
}

/*
 * Receives one message of at most len bytes from fd and up to 4
 * descriptors into fds. Returns the length, longer than len when the
 * message or its descriptors did not fit (never a valid request); 0 at
 * the end; -1 with errno.
 */
static ssize_t receive(int fd, void *buf, size_t len, int flags, int fds[4], int *ret_n_fds)
{
        union {
                char buf[CMSG_SPACE(4 * sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = buf, .iov_len = len};
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = ctl.buf,
            .msg_controllen = sizeof(ctl.buf),
        };
        ssize_t n;

        *ret_n_fds = 0;
        memset(buf, 0, len);
        do
                n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | flags);
        while (n < 0 && errno == EINTR);
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n >= 0 && c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k && *ret_n_fds < 4; i++)
                        memcpy(&fds[(*ret_n_fds)++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        }
        if (n > 0 && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
                n = (ssize_t)len + 1;
        return n;
}

/* avbufferd's requests until none is queued (block: wait for the first). False: it is gone. */
static bool serve_server(bool block)
{
        for (;;) {
                struct avb_copier_req req;
                struct avb_copier_rep rep = {0};
                int fds[4], n_fds;
                ssize_t n = receive(AVB_COPIER_CTL_FD, &req, sizeof(req), block ? 0 : MSG_DONTWAIT,
                                    fds, &n_fds);

                if (n < 0 && errno == EAGAIN)
                        return true;
                if (n <= 0)
                        return false;
                rep.status = serve(&req, n, fds, n_fds);
                for (int i = 0; i < n_fds; i++)
                        if (fds[i] >= 0)
                                close(fds[i]);
                if (send(AVB_COPIER_CTL_FD, &rep, sizeof(rep), MSG_NOSIGNAL) !=
                    (ssize_t)sizeof(rep))
                        return false;
                block = false;
        }
}

/* A client's write; its status. */
static int client_write(const struct source *s, const struct avb_copier_client_req *r, ssize_t n)
{
        const struct avb_copier_entry *b;

        if (n != (ssize_t)sizeof(*r) || r->magic != AVB_COPIER_CLIENT_MAGIC ||
            r->op != AVB_COPIER_CLIENT_WRITE || r->reserved != 0)
                return -EINVAL;
        if (!range_ok(r->staging_offset, r->size, s->size))
                return -EINVAL;
        /*
         * avbufferd waits for LIVE's reply before anyone learns the handle,
         * so a buffer missing here is not one whose LIVE is still queued.
         */
        b = avb_copier_map_find(&cp.live, r->handle);
        if (!b)
                return -ENOENT;
        if (r->offset > b->size || r->size > b->size - r->offset)
                return -ERANGE;
        memcpy(cp.heap + b->off + r->offset, s->map + r->staging_offset, r->size);
        return 0;
}

/*
 * One request from s's client, if one is queued. Received without room for
 * descriptors: one a client sends is dropped by the kernel (MSG_CTRUNC),
 * never closed here, since the last close(2) of a file can block on
 * whatever backs it (a FUSE daemon the client runs, say) and stall the
 * copier for everyone.
 */
static void serve_client(struct source *s)
{
        struct avb_copier_client_req req = {0};
        struct avb_copier_client_rep rep = {.magic = AVB_COPIER_CLIENT_MAGIC};
        struct iovec iov = {.iov_base = &req, .iov_len = sizeof(req)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n;

        do
                n = recvmsg(s->client, &msg, MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
        if (n < 0 && errno == EAGAIN)
                return;
        if (n <= 0) {
                drop_client(s);
                return;
        }
        if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
                rep.status = -EINVAL;
        else
                rep.status = client_write(s, &req, n);
        if (s->client >= 0 &&
            send(s->client, &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(rep))
                drop_client(s); /* it does not read its replies */
}

static int map_heap(void)
{
        struct stat st;
        void *p;

        if (fstat(AVB_COPIER_HEAP_FD, &st) < 0 || st.st_size <= 0)
                return -1;
        cp.heap_size = (size_t)st.st_size;
        p = mmap(NULL, cp.heap_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                 AVB_COPIER_HEAP_FD, 0);
        if (p == MAP_FAILED)
                return -1;
        (void)madvise(p, cp.heap_size, MADV_DONTDUMP);
        close(AVB_COPIER_HEAP_FD);
        cp.heap = p;
        return 0;
}

/*
 * How long the loop keeps looking for the next request before it sleeps.
 * A staged write comes as a few requests a slot's memcpy apart, and on the
 * machines we measured (virtual, 2 cores) waking a process that has gone to
 * sleep costs more than the copy of a 512 KiB slot: looking again for a
 * moment took a 1 MiB write from about 80 us to about 50 (bench/datapath.c).
 * The price is at most this much CPU each time the copier falls idle.
 */
#define SPIN_US 50

/* poll(), looking without sleeping for SPIN_US first. */
static int spin_poll(struct pollfd *pfd, nfds_t n)
{
        int64_t end = avb_now_us() + SPIN_US;
        int r;

        do {
                r = poll(pfd, n, 0);
                if (r != 0)
                        return r;
        } while (avb_now_us() < end);
        return poll(pfd, n, -1);
}

int main(int argc, char **argv)
{
        struct avb_copier_rep ready = {.reserved = AVB_COPIER_PROTO};
        struct pollfd pfd[1 + AVB_COPIER_MAX_SOURCES];
        int who[1 + AVB_COPIER_MAX_SOURCES]; /* pfd[k] is source who[k]'s client */

        if (argc != 1) {
                fprintf(stderr,
                        "%s: started by avbufferd only (heap on fd %d, requests on fd %d)\n",
                        argv[0], AVB_COPIER_HEAP_FD, AVB_COPIER_CTL_FD);
                return 2;
        }
        (void)prctl(PR_SET_DUMPABLE, 0);
        if (map_heap() < 0) {
                fprintf(stderr, "avb-heap-copier: cannot map the heap: %s\n", strerror(errno));
                return 1;
        }
        for (int i = 0; i < AVB_COPIER_MAX_SOURCES; i++)
                cp.src[i].client = -1;
        if (avb_copier_seccomp() < 0) {
                fprintf(stderr, "avb-heap-copier: cannot install the seccomp filter: %s\n",
                        strerror(errno));
                return 1;
        }
        /* Up: the first reply, before any request, says so. */
        if (send(AVB_COPIER_CTL_FD, &ready, sizeof(ready), MSG_NOSIGNAL) != (ssize_t)sizeof(ready))
                return 0;
        for (;;) {
                nfds_t n = 1;

                pfd[0] = (struct pollfd){.fd = AVB_COPIER_CTL_FD, .events = POLLIN};
                for (int i = 0; i < AVB_COPIER_MAX_SOURCES; i++) {
                        if (cp.src[i].client < 0)
                                continue;
                        who[n] = i;
                        pfd[n++] = (struct pollfd){.fd = cp.src[i].client, .events = POLLIN};
                }
                if (spin_poll(pfd, n) < 0)
                        continue;
                if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                        if (!serve_server(true))
                                return 0; /* avbufferd closed its end, or the socket broke */
                        /*
                         * A DETACH and an ATTACH may have put a new connection
                         * on an old one's slot and number: poll it afresh.
                         */
                        continue;
                }
                for (nfds_t k = 1; k < n; k++) {
                        struct source *src = &cp.src[who[k]];

                        if (!pfd[k].revents || src->client != pfd[k].fd)
                                continue;
                        /* A client that hung up gave up on what it queued: never run it late. */
                        if (pfd[k].revents & (POLLHUP | POLLERR))
                                drop_client(src);
                        else
                                serve_client(src);
                }
        }
}
