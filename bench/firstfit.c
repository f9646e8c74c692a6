/* SPDX-License-Identifier: Apache-2.0 */
#include "firstfit.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

static uint32_t align_up(const struct firstfit *f, uint32_t n)
{
        return (n + f->align - 1) & ~(f->align - 1);
}

void firstfit_init(struct firstfit *f, uint32_t size, uint32_t align)
{
        *f = (struct firstfit){.size = size, .align = align, .cap = 64};
        f->seg = malloc(f->cap * sizeof(*f->seg));
        if (!f->seg)
                bench_die("out of memory");
        f->seg[0] = (struct ff_seg){0, size};
        f->n = 1;
}

void firstfit_fini(struct firstfit *f)
{
        free(f->seg);
        *f = (struct firstfit){0};
}

bool firstfit_alloc(struct firstfit *f, uint32_t size, uint32_t *ret_off, uint32_t *ret_len)
{
        uint32_t len = align_up(f, size);

        for (uint32_t i = 0; i < f->n; i++) {
                struct ff_seg *s = &f->seg[i];

                if (s->len < len)
                        continue;
                *ret_off = s->off;
                *ret_len = len;
                s->off += len;
                s->len -= len;
                if (!s->len) {
                        memmove(s, s + 1, (f->n - i - 1) * sizeof(*s));
                        f->n--;
                }
                return true;
        }
        return false;
}

void firstfit_free(struct firstfit *f, uint32_t off, uint32_t len)
{
        uint32_t i = 0, hi = f->n;

        if (!len)
                return;
        /* i: the first segment after the block (segments are sorted by offset) */
        while (i < hi) {
                uint32_t mid = (i + hi) / 2;

                if (f->seg[mid].off < off)
                        i = mid + 1;
                else
                        hi = mid;
        }
        bool merge_prev = i > 0 && f->seg[i - 1].off + f->seg[i - 1].len == off;
        bool merge_next = i < f->n && off + len == f->seg[i].off;

        if (merge_prev && merge_next) {
                f->seg[i - 1].len += len + f->seg[i].len;
                memmove(&f->seg[i], &f->seg[i + 1], (f->n - i - 1) * sizeof(*f->seg));
                f->n--;
        } else if (merge_prev) {
                f->seg[i - 1].len += len;
        } else if (merge_next) {
                f->seg[i].off = off;
                f->seg[i].len += len;
        } else {
                if (f->n == f->cap) {
                        f->cap *= 2;
                        f->seg = realloc(f->seg, f->cap * sizeof(*f->seg));
                        if (!f->seg)
                                bench_die("out of memory");
                }
                memmove(&f->seg[i + 1], &f->seg[i], (f->n - i) * sizeof(*f->seg));
                f->seg[i] = (struct ff_seg){off, len};
                f->n++;
        }
}

void firstfit_trim(struct firstfit *f, uint32_t off, uint32_t *len, uint32_t new_size)
{
        uint32_t keep = align_up(f, new_size);

        if (keep < *len) {
                firstfit_free(f, off + keep, *len - keep);
                *len = keep;
        }
}
