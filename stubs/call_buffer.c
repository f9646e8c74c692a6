/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The buffers of a call (rpc_gen.h): freeing a request or a reply (zeroed
 * first when the method is @SensitiveData), a method's flags, and the
 * per-call arena generated code unpacks messages into. Below binder.c, the
 * transports and gen_support.c, which all use them.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/rpc.h>
#include <avbuffer/rpc_gen.h>

#include "testing.h"

/* Sensitive buffers zeroed so far, for tests (avb_rpc_test_zeroed_buffers). */
static _Atomic uint64_t zeroed_buffers;

void avb_buffer_free(void *p, size_t len, uint32_t flags)
{
        if (p && (flags & AVB_METHOD_SENSITIVE)) {
                explicit_bzero(p, len);
                atomic_fetch_add(&zeroed_buffers, 1);
        }
        free(p);
}

uint32_t avb_method_flags(const struct avb_interface_desc *iface, uint32_t code)
{
        if (!iface || !iface->methods || code < AVB_FIRST_CALL ||
            code - AVB_FIRST_CALL >= iface->n_methods)
                return 0;
        return iface->methods[code - AVB_FIRST_CALL].flags;
}

uint64_t avb_rpc_test_zeroed_buffers(void)
{
        return atomic_load(&zeroed_buffers);
}

/* ---- the per-call arena ---- */

/* Alignment of every allocation: as malloc's. */
#define ARENA_ALIGN _Alignof(max_align_t)
/* A block's room unless one allocation needs more. */
#define ARENA_BLOCK 8192

struct avb_arena_block {
        struct avb_arena_block *next;
        size_t size; /* bytes of data[] */
        size_t used;
        _Alignas(max_align_t) unsigned char data[];
};

static size_t align_up(size_t n)
{
        return (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

static void *arena_alloc(void *data, size_t size)
{
        avb_arena *a = data;
        struct avb_arena_block *b = a->blocks;
        size_t n = align_up(size ? size : 1);
        void *p;

        if (n < size)
                return NULL; /* overflow */
        if (n <= sizeof(a->buf.bytes) - a->used) {
                p = a->buf.bytes + a->used;
                a->used += n;
                return p;
        }
        if (!b || n > b->size - b->used) {
                size_t room = n > ARENA_BLOCK ? n : ARENA_BLOCK;

                if (room > SIZE_MAX - sizeof(*b))
                        return NULL;
                b = malloc(sizeof(*b) + room);
                if (!b)
                        return NULL;
                b->size = room;
                b->used = 0;
                b->next = a->blocks;
                a->blocks = b;
        }
        p = b->data + b->used;
        b->used += n;
        return p;
}

/* Freed all at once by avb_arena_fini. */
static void arena_free(void *data, void *p)
{
        (void)data;
        (void)p;
}

void avb_arena_init(avb_arena *a, uint32_t flags)
{
        a->allocator.alloc = arena_alloc;
        a->allocator.free = arena_free;
        a->allocator.allocator_data = a;
        a->blocks = NULL;
        a->used = 0;
        a->flags = flags;
}

void avb_arena_fini(avb_arena *a)
{
        bool sensitive = a->flags & AVB_METHOD_SENSITIVE;

        if (sensitive && a->used)
                explicit_bzero(a->buf.bytes, a->used);
        while (a->blocks) {
                struct avb_arena_block *b = a->blocks;

                a->blocks = b->next;
                if (sensitive)
                        explicit_bzero(b->data, b->used);
                free(b);
        }
        a->used = 0;
}
