/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client buffer directories (directory.h).
 *
 * Why one directory per client and not one for all: a shared table would
 * publish every live handle, secure ones included, to every client, and the
 * keyed tag that makes handles unguessable would be worth nothing. A client
 * directory only ever holds handles its client named in a lookup, which it
 * could only do by holding them.
 *
 * Each directory is a memfd the client gets a read-only file description of
 * (reopened through /proc/self/fd with O_RDONLY), sealed with
 * F_SEAL_FUTURE_WRITE, so no client can map it writable even with
 * mprotect; the server keeps its one writable mapping.
 *
 * The shadow is indexed by slot and grows by doubling; each of its rows has
 * a bitmap of the directories that list the row's handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <avbuffer/log.h>

#include "directory.h"
#include "directory_format.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

#define DIR_WORDS  (AVBD_MAX_DIRECTORIES / 64)
#define SHADOW_MIN 1024u

struct shadow_row {
        int64_t handle; /* 0: no live buffer */
        uint32_t offset;
        uint32_t size;
        bool secure;
        uint64_t listed[DIR_WORDS]; /* bit i: client directory i lists the handle */
};

struct client_dir {
        bool used;
        int fd; /* only while it is made */
        struct avb_dir_header *hdr;
        struct avb_dir_entry *entries;
};

struct avbd_directory {
        pthread_mutex_t lock;
        uint64_t heap_bytes;
        uint64_t instance;
        struct shadow_row *shadow;
        uint32_t n_shadow;
        bool shadow_short; /* growing failed once: some live slots are missing */
        struct client_dir dirs[AVBD_MAX_DIRECTORIES];
};

int avbd_directory_new(uint64_t heap_bytes, struct avbd_directory **ret)
{
        struct avbd_directory *d = calloc(1, sizeof(*d));

        if (!d)
                return -ENOMEM;
        pthread_mutex_init(&d->lock, NULL);
        d->heap_bytes = heap_bytes;
        while (d->instance == 0)
                if (getrandom(&d->instance, sizeof(d->instance), 0) != sizeof(d->instance)) {
                        int e = -errno;
                        avbd_directory_free(d);
                        return e;
                }
        *ret = d;
        return 0;
}

static void client_dir_fini(struct client_dir *c)
{
        if (c->hdr)
                munmap(c->hdr, avb_dir_bytes(c->hdr->entries));
        if (c->fd >= 0)
                close(c->fd);
        *c = (struct client_dir){.fd = -1};
}

void avbd_directory_free(struct avbd_directory *d)
{
        if (!d)
                return;
        for (int i = 0; i < AVBD_MAX_DIRECTORIES; i++)
                if (d->dirs[i].used)
                        client_dir_fini(&d->dirs[i]);
        free(d->shadow);
        pthread_mutex_destroy(&d->lock);
        free(d);
}

uint64_t avbd_directory_instance(const struct avbd_directory *d)
{
        return d->instance;
}

/* Writes one entry under the sequence lock; row NULL empties it. */
static void entry_write(struct avb_dir_entry *e, const struct shadow_row *row)
{
        uint32_t seq = atomic_load_explicit(&e->seq, memory_order_relaxed);

        atomic_store_explicit(&e->seq, seq + 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_release);
        e->flags = row && row->secure ? AVB_DIR_SECURE : 0;
        e->offset = row && !row->secure ? row->offset : 0;
        e->size = row ? row->size : 0;
        atomic_store_explicit(&e->handle, row ? row->handle : 0, memory_order_relaxed);
        atomic_store_explicit(&e->seq, seq + 2, memory_order_release);
}

/* The entry of `handle` in c, or (want_free) the first free one of its window; NULL if none. */
static struct avb_dir_entry *entry_find(struct client_dir *c, int64_t handle, bool want_free)
{
        uint32_t n = c->hdr->entries, home = avb_dir_home(avb_dir_slot_of(handle), n);
        struct avb_dir_entry *free_e = NULL;

        for (uint32_t i = 0; i < AVB_DIR_PROBES; i++) {
                struct avb_dir_entry *e = &c->entries[(home + i) & (n - 1)];
                int64_t h = atomic_load_explicit(&e->handle, memory_order_relaxed);

                if (h == handle)
                        return e;
                if (h == 0 && !free_e)
                        free_e = e;
        }
        return want_free ? free_e : NULL;
}

static bool listed(const struct shadow_row *row, int id)
{
        return row->listed[id / 64] & (1ull << (id % 64));
}

/* Rewrites (or with row->handle 0, removes) the row's entry in every directory listing it. */
static void row_publish(struct avbd_directory *d, struct shadow_row *row, int64_t handle)
{
        for (int id = 0; id < AVBD_MAX_DIRECTORIES; id++) {
                struct avb_dir_entry *e;

                if (!listed(row, id))
                        continue;
                e = entry_find(&d->dirs[id], handle, false);
                if (e)
                        entry_write(e, row->handle ? row : NULL);
                if (!row->handle || !e)
                        row->listed[id / 64] &= ~(1ull << (id % 64));
        }
}

static int shadow_grow(struct avbd_directory *d, uint32_t slot)
{
        uint32_t n = d->n_shadow ? d->n_shadow : SHADOW_MIN;
        struct shadow_row *rows;

        while (n <= slot)
                n *= 2;
        rows = realloc(d->shadow, (size_t)n * sizeof(*rows));
        if (!rows)
                return -ENOMEM;
        memset(rows + d->n_shadow, 0, (size_t)(n - d->n_shadow) * sizeof(*rows));
        d->shadow = rows;
        d->n_shadow = n;
        return 0;
}

void avbd_directory_update(struct avbd_directory *d, int64_t handle,
                           const struct avb_buffer_info *info)
{
        uint32_t slot = avb_dir_slot_of(handle);
        struct shadow_row *row;

        pthread_mutex_lock(&d->lock);
        if (slot >= d->n_shadow && (!info || shadow_grow(d, slot) < 0)) {
                if (info && !d->shadow_short)
                        avb_log(AVB_LOG_ERROR,
                                "buffer directory: no memory for slot %u; "
                                "its buffers cannot be mapped",
                                slot);
                d->shadow_short = d->shadow_short || info;
                goto out;
        }
        row = &d->shadow[slot];
        if (info) {
                if (row->handle && row->handle != handle) {
                        /* a missed free: the old handle must leave every directory */
                        int64_t old = row->handle;
                        row->handle = 0;
                        row_publish(d, row, old);
                }
                row->handle = handle;
                row->secure = info->secure;
                row->offset = info->heap_offset;
                row->size = info->size;
                row_publish(d, row, handle);
        } else if (row->handle == handle) {
                row->handle = 0;
                row_publish(d, row, handle);
        }
out:
        pthread_mutex_unlock(&d->lock);
}

static atomic_bool seal_warned;

int avbd_directory_open_client(struct avbd_directory *d, int *ret_id, int *ret_fd)
{
        size_t bytes = avb_dir_bytes(AVB_DIR_ENTRIES);
        struct client_dir c = {.fd = -1};
        char path[64];
        void *map;
        int id, fd, e;

        pthread_mutex_lock(&d->lock);
        for (id = 0; id < AVBD_MAX_DIRECTORIES && d->dirs[id].used; id++)
                ;
        if (id == AVBD_MAX_DIRECTORIES) {
                e = -EUSERS;
                goto out;
        }
        c.fd = memfd_create("avbuffer-directory", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (c.fd < 0 || ftruncate(c.fd, (off_t)bytes) < 0) {
                e = -errno;
                goto fail;
        }
        map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, c.fd, 0);
        if (map == MAP_FAILED) {
                e = -errno;
                goto fail;
        }
        c.hdr = map;
        c.entries = (struct avb_dir_entry *)(c.hdr + 1);
        c.hdr->magic = AVB_DIR_MAGIC;
        c.hdr->version = AVB_DIR_VERSION;
        c.hdr->entries = AVB_DIR_ENTRIES;
        c.hdr->entry_size = sizeof(struct avb_dir_entry);
        c.hdr->heap_bytes = d->heap_bytes;
        /*
         * FUTURE_WRITE (Linux 5.1) is what keeps the client read-only: an
         * O_RDONLY descriptor alone does not, as the client can open
         * /proc/self/fd/N again for writing. Without it, no directory.
         */
        if (fcntl(c.fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE) < 0) {
                e = -errno;
                if (!atomic_exchange(&seal_warned, true))
                        avb_log(AVB_LOG_WARNING,
                                "buffer directories: cannot seal a memfd against writes "
                                "(%s): clients look up every handle",
                                strerror(-e));
                goto fail;
        }
        (void)fcntl(c.fd, F_ADD_SEALS, F_SEAL_SEAL);
        snprintf(path, sizeof(path), "/proc/self/fd/%d", c.fd);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                e = -errno;
                goto fail;
        }
        /* The mapping keeps the memory: no descriptor per client stays open here. */
        close(c.fd);
        c.fd = -1;
        c.used = true;
        d->dirs[id] = c;
        *ret_id = id;
        *ret_fd = fd;
        e = 0;
        goto out;
fail:
        client_dir_fini(&c);
out:
        pthread_mutex_unlock(&d->lock);
        return e;
}

void avbd_directory_close_client(struct avbd_directory *d, int id)
{
        struct client_dir *c;

        if (id < 0 || id >= AVBD_MAX_DIRECTORIES)
                return;
        pthread_mutex_lock(&d->lock);
        c = &d->dirs[id];
        if (c->used) {
                for (uint32_t i = 0; i < c->hdr->entries; i++) {
                        int64_t h =
                            atomic_load_explicit(&c->entries[i].handle, memory_order_relaxed);
                        uint32_t slot = avb_dir_slot_of(h);

                        if (h && slot < d->n_shadow)
                                d->shadow[slot].listed[id / 64] &= ~(1ull << (id % 64));
                }
                client_dir_fini(c);
        }
        pthread_mutex_unlock(&d->lock);
}

int avbd_directory_lookup(struct avbd_directory *d, int id, int64_t handle,
                          struct avb_buffer_info *ret_info)
{
        uint32_t slot = avb_dir_slot_of(handle);
        struct client_dir *c = NULL;
        struct shadow_row *row;
        int e = 0;

        pthread_mutex_lock(&d->lock);
        if (id >= 0 && id < AVBD_MAX_DIRECTORIES && d->dirs[id].used) {
                c = &d->dirs[id];
                atomic_fetch_add_explicit(&c->hdr->lookups, 1, memory_order_relaxed);
        }
        if (handle <= 0 || slot >= d->n_shadow || d->shadow[slot].handle != handle) {
                e = handle > 0 && slot >= d->n_shadow && d->shadow_short ? -ENOMEM : -ENOENT;
                goto out;
        }
        row = &d->shadow[slot];
        if (c && !listed(row, id)) {
                struct avb_dir_entry *entry = entry_find(c, handle, true);

                if (entry) { /* else the window is full: this handle always asks */
                        entry_write(entry, row);
                        row->listed[id / 64] |= 1ull << (id % 64);
                }
        }
        *ret_info = (struct avb_buffer_info){
            .secure = row->secure,
            .heap_offset = row->secure ? 0 : row->offset,
            .size = row->size,
        };
out:
        pthread_mutex_unlock(&d->lock);
        return e;
}
