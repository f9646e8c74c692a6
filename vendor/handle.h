/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one handle space of the AV Buffer service.
 *
 * Buffer handles (int64) name pool allocations and vendor frame-pool blocks
 * alike, so any of them can go to IAVBuffer.free() (HAL.AVBUF.1).
 *
 * Layout of a buffer handle:
 *
 *    bit 63      bits 62..32             bits 31..0
 *    0           slot index (>= 1)       tag = P_key(slot, generation)
 *
 *  - slot index: O(1) index into the table; slot 0 is never used, so every
 *    handle is >= 2^32: positive, never 0 and never -1.
 *  - generation: a per-slot counter bumped on every release.
 *  - P_key: a keyed 32-bit permutation of the generation (a 4-round Feistel
 *    network whose round function is SipHash-2-4, libsodium's
 *    crypto_shorthash, under a random key drawn when the table is made).
 *    Because it is a permutation, one slot never shows the same tag twice, so
 *    a handle value is never issued twice in the life of the table; a slot
 *    whose generation counter would wrap is retired instead of reused.
 *    Because it is keyed, a client cannot predict the next handle or derive
 *    a live one from a stale one: a forged handle hits a live buffer with
 *    probability 2^-32 per attempt.
 *  - Freed slots are reused oldest-first, and only once at least
 *    AVB_HANDLE_REUSE_DELAY of them are waiting.
 *
 * Pool handles (int8): see avb_pool_ids below.
 *
 * Locking: none; the owner serialises calls.
 * Errors: 0 or -errno; ret_* written only on success.
 */
#ifndef AVB_VENDOR_HANDLE_H
#define AVB_VENDOR_HANDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_HANDLE_REUSE_DELAY 64u
/* Upper bound on simultaneously live buffer handles. */
#define AVB_HANDLE_MAX_SLOTS (1u << 24)

/* What a buffer handle names; the table does not interpret obj/aux. */
struct avb_handle_ref {
        uint8_t type;
        void *obj;
        uint64_t aux;
};

struct avb_handle_table;

int avb_handle_table_new(struct avb_handle_table **ret_table);
void avb_handle_table_free(struct avb_handle_table *table); /* accepts NULL */

/* Issue a new handle for ref. Errors: -ENOMEM (table full or no memory). */
int avb_handle_new(struct avb_handle_table *table, const struct avb_handle_ref *ref,
                   int64_t *ret_handle);
/*
 * Resolve a handle. Forged, stale, released, 0, negative (-1) and
 * out-of-range values all give -ENOENT.
 */
int avb_handle_lookup(const struct avb_handle_table *table, int64_t handle,
                      struct avb_handle_ref *ret_ref);
/* Invalidate a handle. Errors: -ENOENT as for lookup. */
int avb_handle_release(struct avb_handle_table *table, int64_t handle);
size_t avb_handle_live_count(const struct avb_handle_table *table);

/*
 * Pool handles: 0..127, handed out by walking forward from the last one
 * given, skipping values in use and wrapping after 127. A destroyed pool's
 * value thus comes back only after the walk has gone once round.
 */
#define AVB_POOL_IDS_MAX 128

struct avb_pool_ids {
        bool used[AVB_POOL_IDS_MAX];
        unsigned next;
        unsigned n_used;
};

void avb_pool_ids_init(struct avb_pool_ids *ids);
/* Errors: -ENOSPC when all 128 are in use. */
int avb_pool_ids_alloc(struct avb_pool_ids *ids, int8_t *ret_id);
/* Errors: -ENOENT (negative or not in use). */
int avb_pool_ids_release(struct avb_pool_ids *ids, int8_t id);
/*
 * Undo an alloc whose pool could not be made: the value was never handed
 * out, so the walk is rewound to offer it again. Errors: -ENOENT.
 */
int avb_pool_ids_cancel(struct avb_pool_ids *ids, int8_t id);
bool avb_pool_ids_in_use(const struct avb_pool_ids *ids, int8_t id);

#endif /* AVB_VENDOR_HANDLE_H */
