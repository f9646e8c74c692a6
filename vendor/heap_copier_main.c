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
 * process parses nothing from clients. Its only input is avbufferd's
 * fixed-size requests on an inherited socketpair, and what it can do with
 * them is one way:
 *  - sources (clients' staging areas) are mapped read-only, so nothing is
 *    ever copied out of the heap into memory another process can see;
 *  - WRITE copies source to heap and ZERO clears heap bytes; no request
 *    reads heap content back, and the reply is a status only;
 *  - after set-up a seccomp filter allows only the system calls that loop
 *    needs (no open, no socket, no exec, no ptrace): even a subverted
 *    copier can write into the heap and answer, nothing else;
 *  - it is not dumpable (no core, no ptrace attach by its own uid) and
 *    the heap is excluded from core dumps.
 * Every range is checked here again, though avbufferd checked it first.
 */
#include <errno.h>
#include <getopt.h>
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
#include <unistd.h>

#include "heap_copier_proto.h"
#include "heap_copier_seccomp.h"

struct source {
        const uint8_t *map; /* read-only; NULL: slot free */
        size_t size;
};

static struct {
        uint8_t *heap;
        size_t heap_size;
        struct source src[AVB_COPIER_MAX_SOURCES];
} cp;

static bool range_ok(uint64_t off, uint64_t len, size_t size)
{
        return len > 0 && len <= AVB_COPIER_MAX_LEN && off <= size && len <= size - off;
}

static int do_attach(const struct avb_copier_req *r, int fd)
{
        struct source *s;
        struct stat st;
        void *p;

        if (fd < 0)
                return -EBADF;
        if (r->id >= AVB_COPIER_MAX_SOURCES || cp.src[r->id].map || r->len == 0 ||
            r->len > SIZE_MAX)
                return -EINVAL;
        if (fstat(fd, &st) < 0)
                return -errno;
        if ((uint64_t)st.st_size < r->len)
                return -EINVAL;
        p = mmap(NULL, (size_t)r->len, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
        if (p == MAP_FAILED)
                return -errno;
        s = &cp.src[r->id];
        s->map = p;
        s->size = (size_t)r->len;
        return 0;
}

static int do_detach(const struct avb_copier_req *r)
{
        struct source *s;

        if (r->id >= AVB_COPIER_MAX_SOURCES || !cp.src[r->id].map)
                return -EINVAL;
        s = &cp.src[r->id];
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

/* One request and its descriptor (or -1); the request's status. */
static int serve(const struct avb_copier_req *r, ssize_t n, int fd)
{
        if (n != (ssize_t)sizeof(*r))
                return -EINVAL;
        if (r->op == AVB_COPIER_ATTACH)
                return do_attach(r, fd);
        if (fd >= 0)
                return -EINVAL;
        switch (r->op) {
        case AVB_COPIER_DETACH:
                return do_detach(r);
        case AVB_COPIER_WRITE:
                return do_write(r);
        case AVB_COPIER_ZERO:
                return do_zero(r);
        default:
                return -EINVAL;
        }
}

/* Receives one request; every descriptor but the first is closed at once. */
static ssize_t receive(struct avb_copier_req *r, int *ret_fd)
{
        union {
                char buf[CMSG_SPACE(4 * sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = r, .iov_len = sizeof(*r)};
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = ctl.buf,
            .msg_controllen = sizeof(ctl.buf),
        };
        ssize_t n;

        *ret_fd = -1;
        memset(r, 0, sizeof(*r));
        do
                n = recvmsg(AVB_COPIER_CTL_FD, &msg, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int fd;

                        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
                        if (*ret_fd < 0)
                                *ret_fd = fd;
                        else
                                close(fd);
                }
        }
        if (n > 0 && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
                n = (ssize_t)sizeof(*r) + 1; /* longer than any request: refused */
        return n;
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

int main(int argc, char **argv)
{
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
        if (avb_copier_seccomp() < 0) {
                fprintf(stderr, "avb-heap-copier: cannot install the seccomp filter: %s\n",
                        strerror(errno));
                return 1;
        }
        /* Up: the first reply, before any request, says so. */
        struct avb_copier_rep ready = {0};

        if (send(AVB_COPIER_CTL_FD, &ready, sizeof(ready), MSG_NOSIGNAL) != (ssize_t)sizeof(ready))
                return 0;
        for (;;) {
                struct avb_copier_req req;
                struct avb_copier_rep rep = {0};
                int fd;
                ssize_t n = receive(&req, &fd);

                if (n == 0 || (n < 0 && errno != EAGAIN))
                        return 0; /* avbufferd closed its end, or the socket broke */
                rep.status = serve(&req, n, fd);
                if (fd >= 0)
                        close(fd);
                if (send(AVB_COPIER_CTL_FD, &rep, sizeof(rep), MSG_NOSIGNAL) !=
                    (ssize_t)sizeof(rep))
                        return 0;
        }
}
