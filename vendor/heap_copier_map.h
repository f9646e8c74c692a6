/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of a secure heap's live buffers, handle to heap range, as the
 * copier process keeps it (to check what clients name) and the server keeps
 * it (to fill a new copier after a restart). Header-only, shared by
 * heap_copier.c and heap_copier_main.c; not thread-safe (each owner locks).
 *
 * Open addressing with linear probing over a fixed power-of-two array, kept
 * at most three quarters full so every probe ends at an empty slot;
 * removal shifts the entries behind back (no tombstones, so a table that
 * lives for months never degrades). Handle 0 marks an empty slot and is
 * never a buffer's handle.
 */
#ifndef AVB_VENDOR_HEAP_COPIER_MAP_H
#define AVB_VENDOR_HEAP_COPIER_MAP_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#define AVB_COPIER_MAP_ENTRIES (1u << 16)

struct avb_copier_entry {
        int64_t handle; /* 0: empty */
        uint64_t off;
        uint64_t size;
};

struct avb_copier_map {
        uint32_t n;
        struct avb_copier_entry e[AVB_COPIER_MAP_ENTRIES];
};

static inline uint32_t avb_copier_map_home(int64_t handle)
{
        return (uint32_t)(((uint64_t)handle * 0x9e3779b97f4a7c15ull) >> 48) &
               (AVB_COPIER_MAP_ENTRIES - 1);
}

/* The entry of handle, or NULL. */
static inline const struct avb_copier_entry *avb_copier_map_find(const struct avb_copier_map *m,
                                                                 int64_t handle)
{
        for (uint32_t i = avb_copier_map_home(handle);;
             i = (i + 1) & (AVB_COPIER_MAP_ENTRIES - 1)) {
                if (m->e[i].handle == handle && handle != 0)
                        return &m->e[i];
                if (m->e[i].handle == 0)
                        return NULL;
        }
}

/* Adds or updates handle. -EINVAL for handle 0, -ENOSPC when full. */
static inline int avb_copier_map_put(struct avb_copier_map *m, int64_t handle, uint64_t off,
                                     uint64_t size)
{
        uint32_t i = avb_copier_map_home(handle);

        if (handle == 0)
                return -EINVAL;
        while (m->e[i].handle != 0 && m->e[i].handle != handle)
                i = (i + 1) & (AVB_COPIER_MAP_ENTRIES - 1);
        if (m->e[i].handle == 0) {
                if (m->n >= AVB_COPIER_MAP_ENTRIES / 4 * 3)
                        return -ENOSPC;
                m->n++;
        }
        m->e[i] = (struct avb_copier_entry){.handle = handle, .off = off, .size = size};
        return 0;
}

/* Removes handle; true when it was there. */
static inline bool avb_copier_map_del(struct avb_copier_map *m, int64_t handle)
{
        const uint32_t mask = AVB_COPIER_MAP_ENTRIES - 1;
        uint32_t i = avb_copier_map_home(handle), j;

        if (handle == 0)
                return false;
        while (m->e[i].handle != handle) {
                if (m->e[i].handle == 0)
                        return false;
                i = (i + 1) & mask;
        }
        /* Shift back every later entry of the run whose home does not lie in (i, j]. */
        for (j = (i + 1) & mask; m->e[j].handle != 0; j = (j + 1) & mask) {
                uint32_t home = avb_copier_map_home(m->e[j].handle);

                if (((j - home) & mask) >= ((j - i) & mask)) {
                        m->e[i] = m->e[j];
                        i = j;
                }
        }
        m->e[i] = (struct avb_copier_entry){0};
        m->n--;
        return true;
}

#endif /* AVB_VENDOR_HEAP_COPIER_MAP_H */
