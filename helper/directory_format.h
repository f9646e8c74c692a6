/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_DIRECTORY_H
#define AVB_DIRECTORY_H

/*
 * A client's buffer directory: a table avbufferd keeps in shared memory,
 * read-only for the one client it was made for, so that libavbufferhelper
 * can turn a handle into (heap offset, size) without a round trip.
 *
 * Each heap-socket connection (helper/heapshare_proto.h) gets a directory
 * of its own, and it lists only handles that client has resolved through
 * that connection (a lookup): the server adds a handle on a successful
 * lookup, updates it on a trim and removes it when the buffer is freed, in
 * every directory that lists it. No client can read another's directory,
 * so a handle a client was not given never reaches its memory.
 *
 * Layout: a header, then `entries` entries (a power of two). The handle of
 * slot s (bits 62..32, see vendor/handle.h) lives at one of the
 * AVB_DIR_PROBES positions after avb_dir_home(s); an entry is only trusted
 * when its `handle` equals the handle looked up, so stale and forged
 * handles miss. A full window means no entry: the helper then asks the
 * server each time.
 *
 * Writers (the server, one at a time under its directory lock) and readers
 * (the client) follow a sequence lock: the writer makes `seq` odd, changes
 * the fields, then makes it even again; a reader retries while `seq` is odd
 * or changed under it.
 *
 * This header is shared by avbufferd and libavbufferhelper only; it is not
 * a public interface.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_DIR_MAGIC   0x41564244u /* "AVBD" */
#define AVB_DIR_VERSION 2u
#define AVB_DIR_ENTRIES 4096u /* per client directory */
#define AVB_DIR_PROBES  8u

enum {
        AVB_DIR_SECURE = 1u << 0,
};

struct avb_dir_header {
        uint32_t magic;
        uint32_t version;
        uint32_t entries;
        uint32_t entry_size;
        uint64_t heap_bytes;      /* size of the non-secure heap, for checks */
        _Atomic uint64_t lookups; /* lookups the server answered on this connection */
        uint64_t reserved[4];
};

struct avb_dir_entry {
        _Atomic uint32_t seq;
        uint32_t flags;         /* AVB_DIR_* */
        _Atomic int64_t handle; /* 0: empty */
        uint32_t offset;        /* in the non-secure heap; 0 for a secure buffer */
        uint32_t size;
        uint64_t reserved;
};

_Static_assert(sizeof(struct avb_dir_header) == 64, "directory header layout");
_Static_assert(sizeof(struct avb_dir_entry) == 32, "directory entry layout");

static inline uint32_t avb_dir_slot_of(int64_t handle)
{
        return (uint32_t)(((uint64_t)handle >> 32) & 0x7fffffffu);
}

/* First position of slot `slot` in a table of `entries` (a power of two). */
static inline uint32_t avb_dir_home(uint32_t slot, uint32_t entries)
{
        return (slot * 2654435761u) & (entries - 1);
}

static inline size_t avb_dir_bytes(uint32_t entries)
{
        return sizeof(struct avb_dir_header) + (size_t)entries * sizeof(struct avb_dir_entry);
}

/*
 * Reads entry `e` for `handle`. Returns true and fills the outputs when the
 * entry describes that handle.
 */
static inline bool avb_dir_read(const struct avb_dir_entry *e, int64_t handle, uint32_t *ret_flags,
                                uint32_t *ret_offset, uint32_t *ret_size)
{
        for (int tries = 0; tries < 1000; tries++) {
                uint32_t s1 = atomic_load_explicit(&e->seq, memory_order_acquire);
                int64_t h;
                uint32_t flags, offset, size;

                if (s1 & 1)
                        continue;
                h = atomic_load_explicit(&e->handle, memory_order_relaxed);
                flags = e->flags;
                offset = e->offset;
                size = e->size;
                atomic_thread_fence(memory_order_acquire);
                if (atomic_load_explicit(&e->seq, memory_order_relaxed) != s1)
                        continue;
                if (h != handle)
                        return false;
                *ret_flags = flags;
                *ret_offset = offset;
                *ret_size = size;
                return true;
        }
        return false;
}

/* Looks `handle` up in a directory of `entries` entries (see avb_dir_read). */
static inline bool avb_dir_find(const struct avb_dir_entry *table, uint32_t entries, int64_t handle,
                                uint32_t *ret_flags, uint32_t *ret_offset, uint32_t *ret_size)
{
        uint32_t home = avb_dir_home(avb_dir_slot_of(handle), entries);

        for (uint32_t i = 0; i < AVB_DIR_PROBES; i++)
                if (avb_dir_read(&table[(home + i) & (entries - 1)], handle, ret_flags, ret_offset,
                                 ret_size))
                        return true;
        return false;
}

#endif
