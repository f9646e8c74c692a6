/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The buffer directory in a memfd. Clients get a read-only file description
 * of it (reopened through /proc/self/fd with O_RDONLY) and the memfd is
 * sealed with F_SEAL_FUTURE_WRITE, so no client can map it writable even
 * with mprotect; the server keeps its one writable mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "directory.h"
#include "directory_format.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

struct avbd_directory {
        int fd;
        size_t bytes;
        struct avb_dir_header *hdr;
        struct avb_dir_entry *entries;
};

int avbd_directory_new(uint32_t slots, uint64_t heap_bytes, struct avbd_directory **ret)
{
        struct avbd_directory *d;
        void *map;
        int e;

        if (slots == 0)
                return -EINVAL;
        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->bytes = avb_dir_bytes(slots);
        d->fd = memfd_create("avbuffer-directory", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (d->fd < 0 || ftruncate(d->fd, (off_t)d->bytes) < 0) {
                e = -errno;
                goto fail;
        }
        map = mmap(NULL, d->bytes, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
        if (map == MAP_FAILED) {
                e = -errno;
                goto fail;
        }
        d->hdr = map;
        d->entries = (struct avb_dir_entry *)(d->hdr + 1);
        d->hdr->magic = AVB_DIR_MAGIC;
        d->hdr->version = AVB_DIR_VERSION;
        d->hdr->slots = slots;
        d->hdr->entry_size = sizeof(struct avb_dir_entry);
        d->hdr->heap_bytes = heap_bytes;
        /* Older kernels lack FUTURE_WRITE; the read-only fd still protects. */
        (void)fcntl(d->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE);
        (void)fcntl(d->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
        *ret = d;
        return 0;
fail:
        if (d->fd >= 0)
                close(d->fd);
        free(d);
        return e;
}

void avbd_directory_free(struct avbd_directory *d)
{
        if (!d)
                return;
        if (d->hdr)
                munmap(d->hdr, d->bytes);
        if (d->fd >= 0)
                close(d->fd);
        free(d);
}

void avbd_directory_update(struct avbd_directory *d, int64_t handle,
                           const struct avb_buffer_info *info)
{
        uint32_t slot = avb_dir_slot_of(handle);
        struct avb_dir_entry *e;
        uint32_t seq;

        if (slot >= d->hdr->slots)
                return; /* not published: the helper asks the server */
        e = &d->entries[slot];
        seq = atomic_load_explicit(&e->seq, memory_order_relaxed);
        atomic_store_explicit(&e->seq, seq + 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_release);
        if (info) {
                e->flags = info->secure ? AVB_DIR_SECURE : 0;
                e->offset = info->heap_offset;
                e->size = info->size;
                atomic_store_explicit(&e->handle, handle, memory_order_relaxed);
        } else if (atomic_load_explicit(&e->handle, memory_order_relaxed) == handle) {
                atomic_store_explicit(&e->handle, 0, memory_order_relaxed);
                e->flags = 0;
                e->offset = 0;
                e->size = 0;
        }
        atomic_store_explicit(&e->seq, seq + 2, memory_order_release);
}

int avbd_directory_client_fd(struct avbd_directory *d)
{
        char path[64];
        int fd;

        snprintf(path, sizeof(path), "/proc/self/fd/%d", d->fd);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

uint32_t avbd_directory_slots(const struct avbd_directory *d)
{
        return d->hdr->slots;
}
