/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device seam of the V4L2 backend: every system call the backend makes
 * on a device node (open, close, ioctl, mmap, munmap, poll) and the export
 * of heap memory as a dma-buf goes through one of these tables, so tests can
 * put a fake device behind it (tests/vendor/fake_v4l2.c).
 *
 * Every op returns 0 (open: a descriptor) or a negative errno; ret_* are
 * written only on success. ctx is the table owner's, passed through.
 *
 * avb_v4l2_dev_system is the real thing: open(2)/ioctl(2)/... and, for
 * export_dmabuf, /dev/udmabuf (UDMABUF_CREATE), which turns a range of a
 * sealed memfd into a dma-buf; the range must be page-aligned and the memfd
 * must carry F_SEAL_SHRINK and not F_SEAL_WRITE (the AV Buffer heaps do).
 */
#ifndef AVB_VPU_V4L2_DEV_H
#define AVB_VPU_V4L2_DEV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct avb_v4l2_dev_ops {
        /* open(path, flags): a descriptor or -errno */
        int (*open)(void *ctx, const char *path, int flags);
        int (*close)(void *ctx, int fd);
        /* ioctl(fd, request, arg); EINTR is retried by the seam */
        int (*ioctl)(void *ctx, int fd, unsigned long request, void *arg);
        int (*mmap)(void *ctx, int fd, off_t offset, size_t len, int prot, void **ret_addr);
        int (*munmap)(void *ctx, void *addr, size_t len);
        /* poll one descriptor; 0 and the revents (0 on timeout) */
        int (*poll)(void *ctx, int fd, short events, int timeout_ms, short *ret_revents);
        /* A dma-buf of [offset, offset + size) of memfd; close it with close. */
        int (*export_dmabuf)(void *ctx, int memfd, uint64_t offset, uint64_t size, int *ret_fd);
};

extern const struct avb_v4l2_dev_ops avb_v4l2_dev_system;

#endif /* AVB_VPU_V4L2_DEV_H */
