/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A plain first-fit allocator, the reference the pool ring is compared
 * with: free space is an address-ordered array of segments, an alloc takes
 * the lowest-addressed segment that fits (splitting it), a free merges with
 * both neighbours, a trim hands the block's tail back. Sizes are rounded up
 * to the alignment, as in the ring. The caller remembers each block's offset
 * and aligned length. Linear in the number of free segments.
 */
#ifndef AVB_BENCH_FIRSTFIT_H
#define AVB_BENCH_FIRSTFIT_H

#include <stdbool.h>
#include <stdint.h>

struct firstfit {
        uint32_t size, align;
        struct ff_seg {
                uint32_t off, len;
        } * seg;
        uint32_t n, cap;
};

void firstfit_init(struct firstfit *f, uint32_t size, uint32_t align);
void firstfit_fini(struct firstfit *f);
/* false when nothing fits; *ret_len is the aligned length taken. */
bool firstfit_alloc(struct firstfit *f, uint32_t size, uint32_t *ret_off, uint32_t *ret_len);
void firstfit_free(struct firstfit *f, uint32_t off, uint32_t len);
/* Shrinks [off, off+*len) to new_size; *len becomes the new aligned length. */
void firstfit_trim(struct firstfit *f, uint32_t off, uint32_t *len, uint32_t new_size);

#endif
