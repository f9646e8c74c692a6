/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Circular allocator, as the AV Buffer specification recommends for pools:
 * frames are normally freed in the order they were allocated, but not always.
 *
 * A plain ring (allocate at the head, reclaim at the tail) handles in-order
 * frees perfectly but loses what a late frame holds back: every byte freed
 * after it stays unusable until the tail reaches it, and that is exactly when
 * a pool runs out. So the pool is kept as a list of segments in address
 * order, each a live block or free space, with free neighbours always merged:
 *  - an alloc first tries the free segment right after the most recent live
 *    block: the head of the ring. With in-order frees this is nearly all that
 *    happens, and frames are laid out one after another like a ring. With no
 *    live block the pool is one free segment and the head is 0;
 *  - if the head has no room, the alloc takes the next segment that fits
 *    going forward in address order and wrapping at the end of the pool (the
 *    ring's wrap, or a hole left by an out-of-order free, or the gap left at
 *    the end on an earlier wrap). Next fit keeps the sweep of a ring: the
 *    holes it fills are the oldest ones, next to the tail, so young frames
 *    stay together and free together. The walk is bounded; past
 *    RING_NEXT_FIT_STEPS records a close fit from segregated free lists (one
 *    per power-of-two size class, with a bitmap of non-empty classes) is
 *    used instead, and those lists also answer "does anything fit" in O(1);
 *  - a free merges the block with free neighbours at once;
 *  - the most recent live block can be trimmed; the freed tail merges into
 *    the segment after it, which is the head, so the next alloc reuses it.
 *  A block is never split across the end of the pool: segments are linear.
 *
 * Measured (tests/vendor/test_ring.c, 4 MiB pool, align 64, I-frames of
 * 60-250 KiB every 30 frames, P 8-48 KiB, B 2-16 KiB, frees shuffled within
 * consecutive windows of w frames): live bytes / pool size at the first
 * failed alloc averages 97.4% (w=1), 96.6% (w=4), 95.8% (w=8). A plain ring
 * gave 97.4%, 96.9%, 95.4%, and fell to 84% when a late frame may linger
 * without bound (random pick among the 8 oldest), where this gives 90%. Most
 * of what is left is inherent: the failing request is often an I-frame of up
 * to 6% of the pool.
 *
 * Records live in an index-addressed array (stable across growth) with a
 * list of spare records. Live records are also chained in allocation order,
 * which gives "most recent live block" (trim) and "oldest" in O(1).
 *
 * Costs: free and trim O(1); alloc O(1) except when the only fitting
 * segments are in the request's own size class, where that class's list is
 * scanned (a handful of entries in practice).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"
#include "util.h"

#define NONE               UINT32_MAX
#define RING_INITIAL_NODES 64u
#define RING_CLASSES       32
/* Entries of the request's own class looked at before trying larger classes. */
#define RING_CLOSE_FIT_SCAN 8
/* Records the next-fit walk may visit before the class fit takes over. */
#define RING_NEXT_FIT_STEPS 64

enum node_kind { NODE_SPARE = 0, NODE_FREE, NODE_LIVE };

struct ring_node {
        uint32_t off;
        uint32_t len; /* a live node's len is its aligned size */
        uint32_t req; /* live: as requested or trimmed */
        uint32_t gen; /* bumped whenever a node stops being live */
        enum node_kind kind;
        uint32_t addr_prev, addr_next; /* address order, all non-spare nodes */
        uint32_t link_prev, link_next; /* free: size-class list; live: allocation order */
        uint64_t cookie;
};

struct avb_ring {
        uint32_t size;
        uint32_t align;
        struct ring_node *nodes;
        uint32_t cap;
        uint32_t n_nodes;
        uint32_t spare;          /* stack of spare nodes via link_next */
        uint32_t oldest, newest; /* live nodes, allocation order */
        uint32_t class_head[RING_CLASSES];
        uint32_t class_map; /* bit c: class_head[c] non-empty */
        uint64_t bytes_used;
        size_t live;
};

static unsigned size_class(uint32_t len)
{
        return 31u - (unsigned)__builtin_clz(len);
}

static struct ring_node *N(const struct avb_ring *ring, uint32_t i)
{
        return &ring->nodes[i];
}

static int node_take(struct avb_ring *ring, uint32_t *ret)
{
        if (ring->spare != NONE) {
                *ret = ring->spare;
                ring->spare = N(ring, *ret)->link_next;
                return 0;
        }
        if (ring->n_nodes == ring->cap) {
                uint32_t cap = ring->cap * 2;
                struct ring_node *n = reallocarray(ring->nodes, cap, sizeof(*n));

                if (!n)
                        return -ENOMEM;
                ring->nodes = n;
                ring->cap = cap;
        }
        *ret = ring->n_nodes++;
        memset(N(ring, *ret), 0, sizeof(struct ring_node));
        return 0;
}

static void node_give_back(struct avb_ring *ring, uint32_t i)
{
        struct ring_node *n = N(ring, i);

        n->kind = NODE_SPARE;
        n->gen++;
        n->link_next = ring->spare;
        ring->spare = i;
}

static void free_insert(struct avb_ring *ring, uint32_t i)
{
        struct ring_node *n = N(ring, i);
        unsigned c = size_class(n->len);

        n->kind = NODE_FREE;
        n->link_prev = NONE;
        n->link_next = ring->class_head[c];
        if (n->link_next != NONE)
                N(ring, n->link_next)->link_prev = i;
        ring->class_head[c] = i;
        ring->class_map |= 1u << c;
}

static void free_remove(struct avb_ring *ring, uint32_t i)
{
        struct ring_node *n = N(ring, i);
        unsigned c = size_class(n->len);

        if (n->link_prev != NONE)
                N(ring, n->link_prev)->link_next = n->link_next;
        else
                ring->class_head[c] = n->link_next;
        if (n->link_next != NONE)
                N(ring, n->link_next)->link_prev = n->link_prev;
        if (ring->class_head[c] == NONE)
                ring->class_map &= ~(1u << c);
}

static void live_append(struct avb_ring *ring, uint32_t i)
{
        struct ring_node *n = N(ring, i);

        n->kind = NODE_LIVE;
        n->link_next = NONE;
        n->link_prev = ring->newest;
        if (ring->newest != NONE)
                N(ring, ring->newest)->link_next = i;
        else
                ring->oldest = i;
        ring->newest = i;
}

static void live_remove(struct avb_ring *ring, uint32_t i)
{
        struct ring_node *n = N(ring, i);

        if (n->link_prev != NONE)
                N(ring, n->link_prev)->link_next = n->link_next;
        else
                ring->oldest = n->link_next;
        if (n->link_next != NONE)
                N(ring, n->link_next)->link_prev = n->link_prev;
        else
                ring->newest = n->link_prev;
        n->gen++;
}

/* Insert node i into the address list right after node at. */
static void addr_insert_after(struct avb_ring *ring, uint32_t at, uint32_t i)
{
        struct ring_node *a = N(ring, at), *n = N(ring, i);

        n->addr_prev = at;
        n->addr_next = a->addr_next;
        if (a->addr_next != NONE)
                N(ring, a->addr_next)->addr_prev = i;
        a->addr_next = i;
}

/* Remove node i, which directly follows a node that absorbs its bytes. */
static void addr_absorb_next(struct avb_ring *ring, uint32_t keep, uint32_t gone)
{
        struct ring_node *k = N(ring, keep), *g = N(ring, gone);

        k->len += g->len;
        k->addr_next = g->addr_next;
        if (g->addr_next != NONE)
                N(ring, g->addr_next)->addr_prev = keep;
        node_give_back(ring, gone);
}

int avb_ring_new(uint32_t size, uint32_t align, struct avb_ring **ret_ring)
{
        struct avb_ring *ring;
        unsigned c;

        if (size == 0 || !avb_is_pow2(align) || size % align != 0)
                return -EINVAL;
        ring = calloc(1, sizeof(*ring));
        if (!ring)
                return -ENOMEM;
        ring->nodes = calloc(RING_INITIAL_NODES, sizeof(ring->nodes[0]));
        if (!ring->nodes) {
                free(ring);
                return -ENOMEM;
        }
        ring->cap = RING_INITIAL_NODES;
        ring->size = size;
        ring->align = align;
        ring->spare = ring->oldest = ring->newest = NONE;
        for (c = 0; c < RING_CLASSES; c++)
                ring->class_head[c] = NONE;
        /* Node 0: the whole pool, free; it always stays the first in address order. */
        ring->n_nodes = 1;
        *N(ring, 0) = (struct ring_node){.len = size, .addr_prev = NONE, .addr_next = NONE};
        free_insert(ring, 0);
        *ret_ring = ring;
        return 0;
}

void avb_ring_free(struct avb_ring *ring)
{
        if (!ring)
                return;
        free(ring->nodes);
        free(ring);
}

static struct ring_node *live_node(const struct avb_ring *ring, uint64_t id)
{
        uint32_t i = (uint32_t)id;
        struct ring_node *n;

        if (i >= ring->n_nodes)
                return NULL;
        n = N(ring, i);
        return n->kind == NODE_LIVE && n->gen == (uint32_t)(id >> 32) ? n : NULL;
}

/* The free segment after the newest live block (or the whole empty pool). */
static uint32_t ring_head_segment(const struct avb_ring *ring)
{
        uint32_t i = ring->newest == NONE ? 0 : N(ring, ring->newest)->addr_next;

        return i != NONE && N(ring, i)->kind == NODE_FREE ? i : NONE;
}

static uint32_t class_scan(const struct avb_ring *ring, unsigned c, uint32_t asize, int limit)
{
        uint32_t i;

        for (i = ring->class_head[c]; i != NONE && limit != 0; i = N(ring, i)->link_next, limit--)
                if (N(ring, i)->len >= asize)
                        return i;
        return NONE;
}

/* Close fit through the size classes; NONE when no segment fits at all. */
static uint32_t class_fit(const struct avb_ring *ring, uint32_t asize)
{
        unsigned c = size_class(asize);
        uint32_t i, larger;

        i = class_scan(ring, c, asize, RING_CLOSE_FIT_SCAN);
        if (i != NONE)
                return i;
        larger = c + 1 < RING_CLASSES ? ring->class_map & ~((2u << c) - 1) : 0;
        if (larger)
                return ring->class_head[__builtin_ctz(larger)];
        return class_scan(ring, c, asize, -1);
}

/*
 * Where an alloc of asize goes: the head if it has room; else the first
 * segment that fits going forward from the head in address order, wrapping
 * at the pool end (next fit: the ring sweeps on through holes as it reaches
 * them, which keeps the oldest frames together); a walk longer than
 * RING_NEXT_FIT_STEPS records gives way to the size-class fit, which bounds
 * the cost. NONE when nothing fits (known in O(1) from the classes first).
 */
static uint32_t ring_find(const struct avb_ring *ring, uint32_t asize)
{
        uint32_t fit, i, steps;

        i = ring_head_segment(ring);
        if (i != NONE && N(ring, i)->len >= asize)
                return i;
        fit = class_fit(ring, asize);
        if (fit == NONE || ring->newest == NONE)
                return fit;
        for (i = ring->newest, steps = 0; steps < RING_NEXT_FIT_STEPS; steps++) {
                i = N(ring, i)->addr_next == NONE ? 0 : N(ring, i)->addr_next;
                if (i == ring->newest)
                        break;
                if (N(ring, i)->kind == NODE_FREE && N(ring, i)->len >= asize)
                        return i;
        }
        return fit;
}

uint32_t avb_ring_largest_free(const struct avb_ring *ring)
{
        uint32_t best = 0, i;

        if (!ring->class_map)
                return 0;
        for (i = ring->class_head[31 - __builtin_clz(ring->class_map)]; i != NONE;
             i = N(ring, i)->link_next)
                if (N(ring, i)->len > best)
                        best = N(ring, i)->len;
        return best;
}

bool avb_ring_can_alloc(const struct avb_ring *ring, uint32_t size)
{
        if (size == 0 || size > ring->size)
                return false;
        return ring_find(ring, (uint32_t)avb_align_up(size, ring->align)) != NONE;
}

int avb_ring_alloc(struct avb_ring *ring, uint32_t size, uint64_t *ret_id, uint32_t *ret_offset)
{
        uint32_t asize, seg, rest = NONE;
        struct ring_node *n;
        int r;

        if (size == 0 || size > ring->size)
                return -EINVAL;
        asize = (uint32_t)avb_align_up(size, ring->align);
        seg = ring_find(ring, asize);
        if (seg == NONE)
                return -ENOMEM;
        if (N(ring, seg)->len > asize) {
                r = node_take(ring, &rest); /* may move ring->nodes */
                if (r < 0)
                        return r;
        }
        free_remove(ring, seg);
        n = N(ring, seg);
        if (rest != NONE) {
                *N(ring, rest) = (struct ring_node){
                    .off = n->off + asize, .len = n->len - asize, .gen = N(ring, rest)->gen};
                addr_insert_after(ring, seg, rest);
                free_insert(ring, rest);
        }
        n->len = asize;
        n->req = size;
        n->cookie = 0;
        live_append(ring, seg);
        ring->bytes_used += asize;
        ring->live++;
        *ret_id = (uint64_t)n->gen << 32 | seg;
        *ret_offset = n->off;
        return 0;
}

int avb_ring_release(struct avb_ring *ring, uint64_t id)
{
        struct ring_node *n = live_node(ring, id);
        uint32_t i = (uint32_t)id, next, prev;

        if (!n)
                return -ENOENT;
        live_remove(ring, i);
        ring->bytes_used -= n->len;
        ring->live--;
        next = n->addr_next;
        if (next != NONE && N(ring, next)->kind == NODE_FREE) {
                free_remove(ring, next);
                addr_absorb_next(ring, i, next);
        }
        prev = n->addr_prev;
        if (prev != NONE && N(ring, prev)->kind == NODE_FREE) {
                free_remove(ring, prev);
                addr_absorb_next(ring, prev, i);
                i = prev;
        }
        free_insert(ring, i);
        return 0;
}

int avb_ring_trim(struct avb_ring *ring, uint64_t id, uint32_t new_size)
{
        struct ring_node *n = live_node(ring, id);
        uint32_t i = (uint32_t)id, asize, freed, next, extra = NONE;
        int r;

        if (!n)
                return -ENOENT;
        if (i != ring->newest)
                return -EBUSY;
        if (new_size == 0 || new_size > n->req)
                return -EINVAL;
        asize = (uint32_t)avb_align_up(new_size, ring->align);
        freed = n->len - asize;
        next = n->addr_next;
        if (freed > 0 && (next == NONE || N(ring, next)->kind != NODE_FREE)) {
                r = node_take(ring, &extra); /* may move ring->nodes */
                if (r < 0)
                        return r;
        }
        n = N(ring, i);
        n->req = new_size;
        if (freed == 0)
                return 0;
        n->len = asize;
        ring->bytes_used -= freed;
        if (extra == NONE) {
                /* Grow the free segment after us downwards. */
                free_remove(ring, next);
                N(ring, next)->off -= freed;
                N(ring, next)->len += freed;
                free_insert(ring, next);
        } else {
                *N(ring, extra) = (struct ring_node){
                    .off = n->off + asize, .len = freed, .gen = N(ring, extra)->gen};
                addr_insert_after(ring, i, extra);
                free_insert(ring, extra);
        }
        return 0;
}

int avb_ring_lookup(const struct avb_ring *ring, uint64_t id, uint32_t *ret_offset,
                    uint32_t *ret_size, uint32_t *ret_aligned_size)
{
        const struct ring_node *n = live_node(ring, id);

        if (!n)
                return -ENOENT;
        if (ret_offset)
                *ret_offset = n->off;
        if (ret_size)
                *ret_size = n->req;
        if (ret_aligned_size)
                *ret_aligned_size = n->len;
        return 0;
}

int avb_ring_set_cookie(struct avb_ring *ring, uint64_t id, uint64_t cookie)
{
        struct ring_node *n = live_node(ring, id);

        if (!n)
                return -ENOENT;
        n->cookie = cookie;
        return 0;
}

size_t avb_ring_cookies(const struct avb_ring *ring, uint64_t *out, size_t max)
{
        size_t n = 0;
        uint32_t i;

        for (i = ring->oldest; i != NONE; i = N(ring, i)->link_next, n++)
                if (n < max)
                        out[n] = N(ring, i)->cookie;
        return n;
}

int avb_ring_oldest(const struct avb_ring *ring, uint64_t *ret_id, uint64_t *ret_cookie)
{
        const struct ring_node *n;

        if (ring->oldest == NONE)
                return -ENOENT;
        n = N(ring, ring->oldest);
        *ret_id = (uint64_t)n->gen << 32 | ring->oldest;
        *ret_cookie = n->cookie;
        return 0;
}

uint32_t avb_ring_size(const struct avb_ring *ring)
{
        return ring->size;
}

uint32_t avb_ring_align(const struct avb_ring *ring)
{
        return ring->align;
}

uint64_t avb_ring_bytes_used(const struct avb_ring *ring)
{
        return ring->bytes_used;
}

size_t avb_ring_live_count(const struct avb_ring *ring)
{
        return ring->live;
}
