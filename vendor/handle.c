/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Handle table and pool-handle allocator. The layout and the reasons for it
 * are in handle.h; this file is about keeping lookup O(1) and the tags
 * unpredictable.
 *
 * Why a Feistel network instead of truncating SipHash(slot, gen): a truncated
 * hash can collide between two generations of one slot, which would re-issue
 * an old handle value. A Feistel network is a bijection whatever its round
 * function, so distinct generations always give distinct tags, and SipHash
 * as round function keeps the mapping secret.
 *
 * Why slots are reused oldest-first and only after a delay: a stale handle
 * still carries its old tag and fails the tag check anyway, but a delay keeps
 * the freshly freed slot's memory (and its refs) out of play for a while,
 * which makes use-after-free bugs in callers easier to see in logs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "handle.h"

#define SLOT_NONE UINT32_MAX

struct handle_slot {
        uint32_t tag;
        uint32_t gen;
        bool live;
        bool retired;
        uint32_t next_free;
        struct avb_handle_ref ref;
};

struct avb_handle_table {
        unsigned char key[crypto_shorthash_KEYBYTES];
        struct handle_slot *slots;
        uint32_t n_slots; /* slots[0] is never used */
        uint32_t cap;
        uint32_t free_head; /* FIFO of released slots */
        uint32_t free_tail;
        uint32_t n_free;
        size_t live;
};

int avb_handle_table_new(struct avb_handle_table **ret_table)
{
        struct avb_handle_table *t;

        if (sodium_init() < 0)
                return -EIO;
        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        randombytes_buf(t->key, sizeof(t->key));
        t->n_slots = 1;
        t->free_head = t->free_tail = SLOT_NONE;
        *ret_table = t;
        return 0;
}

void avb_handle_table_free(struct avb_handle_table *table)
{
        if (!table)
                return;
        sodium_memzero(table->key, sizeof(table->key));
        free(table->slots);
        free(table);
}

static uint16_t handle_round(const struct avb_handle_table *t, uint32_t slot, unsigned round,
                             uint16_t half)
{
        unsigned char in[7], out[crypto_shorthash_BYTES];

        in[0] = (unsigned char)slot;
        in[1] = (unsigned char)(slot >> 8);
        in[2] = (unsigned char)(slot >> 16);
        in[3] = (unsigned char)(slot >> 24);
        in[4] = (unsigned char)round;
        in[5] = (unsigned char)half;
        in[6] = (unsigned char)(half >> 8);
        crypto_shorthash(out, in, sizeof(in), t->key);
        return (uint16_t)(out[0] | out[1] << 8);
}

/* Keyed permutation of gen for one slot. */
static uint32_t handle_tag(const struct avb_handle_table *t, uint32_t slot, uint32_t gen)
{
        uint16_t l = (uint16_t)(gen >> 16), r = (uint16_t)gen;
        unsigned round;

        for (round = 0; round < 4; round++) {
                uint16_t nr = l ^ handle_round(t, slot, round, r);

                l = r;
                r = nr;
        }
        return (uint32_t)l << 16 | r;
}

static int64_t handle_value(uint32_t slot, uint32_t tag)
{
        return (int64_t)((uint64_t)slot << 32 | tag);
}

static int handle_take_slot(struct avb_handle_table *t, uint32_t *ret_slot)
{
        uint32_t slot;

        if (t->n_free >= AVB_HANDLE_REUSE_DELAY ||
            (t->n_free > 0 && t->n_slots >= AVB_HANDLE_MAX_SLOTS)) {
                slot = t->free_head;
                t->free_head = t->slots[slot].next_free;
                if (t->free_head == SLOT_NONE)
                        t->free_tail = SLOT_NONE;
                t->n_free--;
                *ret_slot = slot;
                return 0;
        }
        if (t->n_slots >= AVB_HANDLE_MAX_SLOTS)
                return -ENOMEM;
        if (t->n_slots >= t->cap) {
                uint32_t cap = t->cap ? t->cap * 2 : 256;
                struct handle_slot *n;

                if (cap > AVB_HANDLE_MAX_SLOTS)
                        cap = AVB_HANDLE_MAX_SLOTS;
                n = reallocarray(t->slots, cap, sizeof(*n));
                if (!n)
                        return -ENOMEM;
                t->slots = n;
                t->cap = cap;
        }
        slot = t->n_slots++;
        memset(&t->slots[slot], 0, sizeof(t->slots[slot]));
        *ret_slot = slot;
        return 0;
}

int avb_handle_new(struct avb_handle_table *table, const struct avb_handle_ref *ref,
                   int64_t *ret_handle)
{
        struct handle_slot *s;
        uint32_t slot;
        int r;

        r = handle_take_slot(table, &slot);
        if (r < 0)
                return r;
        s = &table->slots[slot];
        s->tag = handle_tag(table, slot, s->gen);
        s->live = true;
        s->ref = *ref;
        table->live++;
        *ret_handle = handle_value(slot, s->tag);
        return 0;
}

static struct handle_slot *handle_find(const struct avb_handle_table *t, int64_t handle)
{
        uint64_t slot;
        struct handle_slot *s;

        if (handle <= 0)
                return NULL;
        slot = (uint64_t)handle >> 32;
        if (slot == 0 || slot >= t->n_slots)
                return NULL;
        s = &t->slots[slot];
        if (!s->live || s->tag != (uint32_t)handle)
                return NULL;
        return s;
}

int avb_handle_lookup(const struct avb_handle_table *table, int64_t handle,
                      struct avb_handle_ref *ret_ref)
{
        const struct handle_slot *s = handle_find(table, handle);

        if (!s)
                return -ENOENT;
        *ret_ref = s->ref;
        return 0;
}

int avb_handle_release(struct avb_handle_table *table, int64_t handle)
{
        struct handle_slot *s = handle_find(table, handle);
        uint32_t slot;

        if (!s)
                return -ENOENT;
        slot = (uint32_t)((uint64_t)handle >> 32);
        s->live = false;
        s->ref = (struct avb_handle_ref){0};
        table->live--;
        if (++s->gen == 0) {
                /* Every tag of this slot has been issued: never use it again. */
                s->retired = true;
                return 0;
        }
        s->next_free = SLOT_NONE;
        if (table->free_tail == SLOT_NONE)
                table->free_head = slot;
        else
                table->slots[table->free_tail].next_free = slot;
        table->free_tail = slot;
        table->n_free++;
        return 0;
}

size_t avb_handle_live_count(const struct avb_handle_table *table)
{
        return table->live;
}

void avb_pool_ids_init(struct avb_pool_ids *ids)
{
        memset(ids, 0, sizeof(*ids));
}

int avb_pool_ids_alloc(struct avb_pool_ids *ids, int8_t *ret_id)
{
        unsigned i;

        if (ids->n_used >= AVB_POOL_IDS_MAX)
                return -ENOSPC;
        for (i = 0; i < AVB_POOL_IDS_MAX; i++) {
                unsigned id = (ids->next + i) % AVB_POOL_IDS_MAX;

                if (ids->used[id])
                        continue;
                ids->used[id] = true;
                ids->n_used++;
                ids->next = (id + 1) % AVB_POOL_IDS_MAX;
                *ret_id = (int8_t)id;
                return 0;
        }
        return -ENOSPC;
}

bool avb_pool_ids_in_use(const struct avb_pool_ids *ids, int8_t id)
{
        return id >= 0 && ids->used[id];
}

int avb_pool_ids_release(struct avb_pool_ids *ids, int8_t id)
{
        if (!avb_pool_ids_in_use(ids, id))
                return -ENOENT;
        ids->used[id] = false;
        ids->n_used--;
        return 0;
}

int avb_pool_ids_cancel(struct avb_pool_ids *ids, int8_t id)
{
        int r = avb_pool_ids_release(ids, id);

        if (r == 0)
                ids->next = (unsigned)id;
        return r;
}
