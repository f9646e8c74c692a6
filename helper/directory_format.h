/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_DIRECTORY_H
#define AVB_DIRECTORY_H

/*
 * The buffer directory: a table avbufferd publishes in shared memory,
 * read-only for clients, so that libavbufferhelper can turn a handle into
 * (heap offset, size) without a round trip.
 *
 * Layout: a header, then `slots` entries. A buffer handle's slot index is
 * bits 62..32 of the handle (see vendor/handle.h); entry i describes the
 * live buffer of slot i, if any. An entry is only trusted when its `handle`
 * equals the handle looked up, so stale and forged handles miss.
 *
 * Writers (the server, one at a time under the vendor lock) and readers
 * (any client) follow a sequence lock: the writer makes `seq` odd, changes
 * the fields, then makes it even again; a reader retries while `seq` is odd
 * or changed under it. Handles whose slot is beyond `slots` are not in the
 * directory; the helper asks the server for those.
 *
 * This header is shared by avbufferd and libavbufferhelper only; it is not
 * a public interface.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define AVB_DIR_MAGIC 0x41564244u /* "AVBD" */
#define AVB_DIR_VERSION 1u
#define AVB_DIR_DEFAULT_SLOTS 65536u

enum {
        AVB_DIR_SECURE = 1u << 0,
};

struct avb_dir_header {
        uint32_t magic;
        uint32_t version;
        uint32_t slots;
        uint32_t entry_size;
        uint64_t heap_bytes; /* size of the non-secure heap, for checks */
        uint64_t reserved[5];
};

struct avb_dir_entry {
        _Atomic uint32_t seq;
        uint32_t flags; /* AVB_DIR_* */
        _Atomic int64_t handle; /* 0: empty */
        uint32_t offset; /* in its heap */
        uint32_t size;
        uint64_t reserved;
};

_Static_assert(sizeof(struct avb_dir_header) == 64, "directory header layout");
_Static_assert(sizeof(struct avb_dir_entry) == 32, "directory entry layout");

static inline uint32_t avb_dir_slot_of(int64_t handle)
{
        return (uint32_t)(((uint64_t)handle >> 32) & 0x7fffffffu);
}

static inline size_t avb_dir_bytes(uint32_t slots)
{
        return sizeof(struct avb_dir_header) + (size_t)slots * sizeof(struct avb_dir_entry);
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

#endif
