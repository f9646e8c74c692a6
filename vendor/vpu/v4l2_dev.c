/* SPDX-License-Identifier: Apache-2.0 */
/* The real device seam of the V4L2 backend: system calls (v4l2_dev.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "v4l2_dev.h"

static int sys_open(void *ctx, const char *path, int flags)
{
        int fd;

        (void)ctx;
        fd = open(path, flags | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

static int sys_close(void *ctx, int fd)
{
        (void)ctx;
        return close(fd) < 0 ? -errno : 0;
}

static int sys_ioctl(void *ctx, int fd, unsigned long request, void *arg)
{
        int r;

        (void)ctx;
        do
                r = ioctl(fd, request, arg);
        while (r < 0 && errno == EINTR);
        return r < 0 ? -errno : 0;
}

static int sys_mmap(void *ctx, int fd, off_t offset, size_t len, int prot, void **ret_addr)
{
        void *p;

        (void)ctx;
        p = mmap(NULL, len, prot, MAP_SHARED, fd, offset);
        if (p == MAP_FAILED)
                return -errno;
        *ret_addr = p;
        return 0;
}

static int sys_munmap(void *ctx, void *addr, size_t len)
{
        (void)ctx;
        return munmap(addr, len) < 0 ? -errno : 0;
}

static int sys_poll(void *ctx, int fd, short events, int timeout_ms, short *ret_revents)
{
        struct pollfd p = {.fd = fd, .events = events};
        int r;

        (void)ctx;
        do
                r = poll(&p, 1, timeout_ms);
        while (r < 0 && errno == EINTR);
        if (r < 0)
                return -errno;
        *ret_revents = r ? p.revents : 0;
        return 0;
}

static int sys_export_dmabuf(void *ctx, int memfd, uint64_t offset, uint64_t size, int *ret_fd)
{
        struct udmabuf_create create = {
            .memfd = (uint32_t)memfd,
            .flags = UDMABUF_FLAGS_CLOEXEC,
            .offset = offset,
            .size = size,
        };
        int dev, fd;

        (void)ctx;
        dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
        if (dev < 0)
                return -errno;
        fd = ioctl(dev, UDMABUF_CREATE, &create);
        if (fd < 0)
                fd = -errno;
        close(dev);
        if (fd < 0)
                return fd;
        *ret_fd = fd;
        return 0;
}

const struct avb_v4l2_dev_ops avb_v4l2_dev_system = {
    .open = sys_open,
    .close = sys_close,
    .ioctl = sys_ioctl,
    .mmap = sys_mmap,
    .munmap = sys_munmap,
    .poll = sys_poll,
    .export_dmabuf = sys_export_dmabuf,
};
