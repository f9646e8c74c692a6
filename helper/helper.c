/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libavbufferhelper (see avbuffer/helper.h).
 *
 * The whole non-secure heap and the buffer directory are mapped once, on
 * first use; after that a handle is resolved by reading its directory
 * entry, so map, unmap, get_size and writes or copies between non-secure
 * buffers never leave the process. Only what touches secure memory goes
 * to the server (IBufferCopier), in chunks below the RPC message limit.
 */
#include <errno.h>
#include <pthread.h>
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
#include "directory_format.h"
#include "heapshare_proto.h"

/* Bytes of data per IBufferCopier.write call: well below the message limit. */
#define WRITE_CHUNK (256 * 1024)

struct avb_helper {
        pthread_mutex_t lock; /* guards the one-time set-up below */
        bool ready;
        char *endpoint;      /* of the AV Buffer service */
        avb_binder *copier;  /* IBufferCopier on the service's endpoint */
        uint8_t *heap;       /* the non-secure heap, or NULL */
        size_t heap_bytes;
        const struct avb_dir_header *dir;
        const struct avb_dir_entry *entries;
        size_t dir_bytes;
};

struct buf {
        bool secure;
        uint32_t offset;
        uint32_t size;
};

static int recv_heapshare(const char *path, struct avb_heapshare_msg *ret_msg, int fds[2])
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        union {
                char buf[CMSG_SPACE(2 * sizeof(int))];
                struct cmsghdr align;
        } control;
        struct avb_heapshare_msg m;
        struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        struct timeval tv = {.tv_sec = 5};
        int fd, n_fds = 0, e = 0;
        ssize_t n;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                e = -errno;
                goto out;
        }
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0) {
                e = -errno;
                goto out;
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                int got = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                int tmp[8];
                memcpy(tmp, CMSG_DATA(c), (size_t)(got > 8 ? 8 : got) * sizeof(int));
                for (int i = 0; i < got && i < 8; i++) {
                        if (n_fds < 2)
                                fds[n_fds++] = tmp[i];
                        else
                                close(tmp[i]);
                }
        }
        if ((size_t)n != sizeof(m) || m.magic != AVB_HEAPSHARE_MAGIC ||
            m.version != AVB_HEAPSHARE_VERSION) {
                e = -EPROTO;
        } else if (m.status < 0) {
                e = m.status;
        } else if (m.n_fds != (uint32_t)n_fds || n_fds < 1) {
                e = -EPROTO;
        }
        if (e == 0) {
                *ret_msg = m;
                goto out;
        }
        for (int i = 0; i < n_fds; i++)
                close(fds[i]);
out:
        close(fd);
        return e;
}

/* Maps the heap and the directory the first time they are needed. */
static int setup(avb_helper *h)
{
        struct avb_heapshare_msg m = {0};
        int fds[2] = {-1, -1}, dir_fd, e = 0;
        char *path = NULL;
        void *heap = NULL, *dir = MAP_FAILED;
        size_t dir_bytes;

        pthread_mutex_lock(&h->lock);
        if (h->ready)
                goto out;
        if (asprintf(&path, "%s%s", strstr(h->endpoint, "://") + 3, AVB_HEAPSHARE_SUFFIX) < 0) {
                path = NULL;
                e = -ENOMEM;
                goto out;
        }
        e = recv_heapshare(path, &m, fds);
        if (e < 0)
                goto out;
        dir_fd = m.n_fds == 2 ? fds[1] : fds[0];
        dir_bytes = avb_dir_bytes(m.dir_slots);
        dir = mmap(NULL, dir_bytes, PROT_READ, MAP_SHARED, dir_fd, 0);
        if (dir == MAP_FAILED) {
                e = -errno;
                goto close_fds;
        }
        if (m.n_fds == 2 && m.heap_bytes) {
                heap = mmap(NULL, m.heap_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
                if (heap == MAP_FAILED) {
                        e = -errno;
                        munmap(dir, dir_bytes);
                        goto close_fds;
                }
        }
        h->dir = dir;
        h->entries = (const struct avb_dir_entry *)(h->dir + 1);
        h->dir_bytes = dir_bytes;
        h->heap = heap;
        h->heap_bytes = heap ? m.heap_bytes : 0;
        h->ready = true;
close_fds:
        /* The mappings keep the memory; the descriptors are not needed. */
        for (int i = 0; i < 2; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
out:
        pthread_mutex_unlock(&h->lock);
        free(path);
        return e;
}

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

/* Resolves a handle: the directory first, the server for what it lacks. */
static int lookup(avb_helper *h, int64_t handle, struct buf *ret)
{
        uint32_t slot = avb_dir_slot_of(handle), flags, offset, size;
        avb_avbuffer_BufferInfo info;
        avb_status st;
        int e;

        if (handle <= 0)
                return -ENOENT;
        e = setup(h);
        if (e < 0)
                return e;
        if (slot < h->dir->slots) {
                if (!avb_dir_read(&h->entries[slot], handle, &flags, &offset, &size))
                        return -ENOENT;
                ret->secure = flags & AVB_DIR_SECURE;
                ret->offset = offset;
                ret->size = size;
                return 0;
        }
        st = avb_avbuffer_IBufferCopier_describe(h->copier, handle, &info);
        if (!avb_status_is_ok(&st))
                return status_errno(&st);
        ret->secure = info.secure;
        ret->offset = (uint32_t)info.heapOffset;
        ret->size = (uint32_t)info.size;
        return 0;
}

/* A pointer to a non-secure buffer's bytes, checked against the mapped heap. */
static int resolve_local(avb_helper *h, const struct buf *b, uint8_t **ret)
{
        if (b->secure)
                return -EPERM;
        if (!h->heap || (uint64_t)b->offset + b->size > h->heap_bytes)
                return -EIO; /* the directory disagrees with the heap: not ours to touch */
        *ret = h->heap + b->offset;
        return 0;
}

int avb_helper_new(avb_binder *avbuffer, avb_helper **ret)
{
        const char *endpoint;
        avb_helper *h;
        int e;

        if (!avbuffer || !ret)
                return -EINVAL;
        endpoint = avb_binder_endpoint(avbuffer);
        if (!endpoint || (strncmp(endpoint, "ipc://", 6) != 0 && strncmp(endpoint, "unix://", 7) != 0))
                return -EINVAL;
        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        pthread_mutex_init(&h->lock, NULL);
        h->endpoint = strdup(endpoint);
        if (!h->endpoint) {
                e = -ENOMEM;
                goto fail;
        }
        e = avb_binder_connect(h->endpoint, avb_avbuffer_IBufferCopier_OBJECT_ID, &h->copier);
        if (e < 0)
                goto fail;
        *ret = h;
        return 0;
fail:
        avb_helper_free(h);
        return e;
}

avb_helper *avb_helper_free(avb_helper *h)
{
        if (!h)
                return NULL;
        if (h->heap)
                munmap(h->heap, h->heap_bytes);
        if (h->dir)
                munmap((void *)h->dir, h->dir_bytes);
        avb_binder_unref(h->copier);
        free(h->endpoint);
        pthread_mutex_destroy(&h->lock);
        free(h);
        return NULL;
}

/* A non-secure buffer's description and its bytes in this process. */
static int map_local(avb_helper *h, int64_t handle, struct buf *ret_buf, uint8_t **ret_ptr)
{
        int e = lookup(h, handle, ret_buf);

        return e < 0 ? e : resolve_local(h, ret_buf, ret_ptr);
}

int avb_helper_map(avb_helper *h, int64_t handle, void **ret_ptr, size_t *ret_size)
{
        struct buf b;
        uint8_t *p;
        int e;

        if (!h || !ret_ptr)
                return -EINVAL;
        e = map_local(h, handle, &b, &p);
        if (e < 0)
                return e;
        *ret_ptr = p;
        if (ret_size)
                *ret_size = b.size;
        return 0;
}

int avb_helper_unmap(avb_helper *h, int64_t handle, void *ptr)
{
        struct buf b;
        uint8_t *p;
        int e;

        if (!h || !ptr)
                return -EINVAL;
        e = map_local(h, handle, &b, &p);
        if (e < 0)
                return e;
        /* The heap stays mapped for the next map; this only checks the pair. */
        return ptr == p ? 0 : -EINVAL;
}

int avb_helper_get_size(avb_helper *h, int64_t handle, size_t *ret_size)
{
        struct buf b;
        int e;

        if (!h || !ret_size)
                return -EINVAL;
        e = lookup(h, handle, &b);
        if (e < 0)
                return e;
        *ret_size = b.size;
        return 0;
}

static bool range_ok(uint64_t offset, uint64_t len, uint32_t size)
{
        return offset <= size && len <= size - offset;
}

int avb_helper_write(avb_helper *h, int64_t handle, size_t offset, const void *src, size_t len)
{
        struct buf b;
        uint8_t *dst;
        int e;

        if (!h || (!src && len))
                return -EINVAL;
        e = lookup(h, handle, &b);
        if (e < 0)
                return e;
        if (!range_ok(offset, len, b.size))
                return -ERANGE;
        if (!b.secure) {
                e = resolve_local(h, &b, &dst);
                if (e < 0)
                        return e;
                memcpy(dst + offset, src, len);
                return 0;
        }
        for (size_t done = 0; done < len;) {
                size_t n = len - done > WRITE_CHUNK ? WRITE_CHUNK : len - done;
                avb_status st = avb_avbuffer_IBufferCopier_write(
                        h->copier, handle, (int32_t)(offset + done),
                        (const int8_t *)src + done, n);
                if (!avb_status_is_ok(&st))
                        return status_errno(&st);
                done += n;
        }
        return 0;
}

int avb_helper_copy(avb_helper *h, int64_t dst, int64_t src, const avb_helper_range *ranges,
                    size_t n_ranges)
{
        avb_avbuffer_CopyRange *wire;
        struct buf s, d;
        uint8_t *sp, *dp;
        avb_status st;
        int e;

        if (!h || (!ranges && n_ranges))
                return -EINVAL;
        e = lookup(h, src, &s);
        if (e >= 0)
                e = lookup(h, dst, &d);
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
                e = resolve_local(h, &s, &sp);
                if (e >= 0)
                        e = resolve_local(h, &d, &dp);
                if (e < 0)
                        return e;
                for (size_t i = 0; i < n_ranges; i++)
                        memmove(dp + ranges[i].dst_offset, sp + ranges[i].src_offset,
                                ranges[i].size);
                return 0;
        }
        if (n_ranges == 0)
                return 0;
        wire = calloc(n_ranges, sizeof(*wire));
        if (!wire)
                return -ENOMEM;
        for (size_t i = 0; i < n_ranges; i++) {
                avb_avbuffer_CopyRange_init(&wire[i]);
                wire[i].srcOffset = (int32_t)ranges[i].src_offset;
                wire[i].dstOffset = (int32_t)ranges[i].dst_offset;
                wire[i].size = (int32_t)ranges[i].size;
        }
        st = avb_avbuffer_IBufferCopier_copy(h->copier, dst, src, wire, n_ranges);
        free(wire);
        return status_errno(&st);
}
