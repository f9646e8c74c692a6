/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frame digests for FrameMetadata.sha1 (frame_hash.h).
 *
 * Why read plane by plane through a bounce buffer and not row by row: each
 * read of a secure buffer is a trip through the vendor's lock and its
 * access window, so the rows of a plane are read in pieces of up to
 * HASH_PIECE bytes and hashed from there; a plane whose stride is its row
 * is one run of bytes. The bounce buffer may hold secure bytes, so it is
 * wiped before it is freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha1.h>
#include <sodium.h>

#include "frame_hash.h"

#define HASH_PIECE (256u * 1024u)

struct plane {
        uint32_t offset, row_bytes, stride, rows;
};

/* The visible rows of each plane of fmt; 0 planes: not a layout we hash. */
static size_t planes_of(const struct avb_vpu_format *fmt, struct plane ret[3])
{
        uint32_t w = fmt->width, h = fmt->height;
        uint32_t cw = (w + 1) / 2, ch = (h + 1) / 2;

        if (!w || !h || fmt->n_planes == 0)
                return 0;
        switch (fmt->pixfmt) {
        case AVB_VPU_FMT_I420:
                if (fmt->n_planes < 3)
                        return 0;
                ret[0] = (struct plane){fmt->plane_offset[0], w, fmt->plane_stride[0], h};
                ret[1] = (struct plane){fmt->plane_offset[1], cw, fmt->plane_stride[1], ch};
                ret[2] = (struct plane){fmt->plane_offset[2], cw, fmt->plane_stride[2], ch};
                return 3;
        case AVB_VPU_FMT_NV12:
                if (fmt->n_planes < 2)
                        return 0;
                ret[0] = (struct plane){fmt->plane_offset[0], w, fmt->plane_stride[0], h};
                ret[1] = (struct plane){fmt->plane_offset[1], 2 * cw, fmt->plane_stride[1], ch};
                return 2;
        default:
                return 0;
        }
}

static int hash_plane(struct avb_vendor *v, int64_t handle, const struct plane *p, uint8_t *buf,
                      struct sha1_ctx *ctx)
{
        /* rows that fit a piece, read together with the stride between them */
        uint32_t stride = p->stride < p->row_bytes ? p->row_bytes : p->stride;
        uint32_t rows_per_piece = stride > HASH_PIECE ? 1 : HASH_PIECE / stride;

        for (uint32_t row = 0; row < p->rows; row += rows_per_piece) {
                uint32_t n = p->rows - row < rows_per_piece ? p->rows - row : rows_per_piece;
                size_t span = (size_t)(n - 1) * stride + p->row_bytes;
                int r = avb_vendor_buffer_read_for_vendor(v, handle, p->offset + row * stride, buf,
                                                          span);

                if (r < 0)
                        return r;
                for (uint32_t k = 0; k < n; k++)
                        sha1_update(ctx, p->row_bytes, buf + (size_t)k * stride);
        }
        return 0;
}

int avbd_frame_sha1(struct avb_vendor *v, int64_t handle, const struct avb_vpu_format *fmt,
                    uint8_t ret_digest[20])
{
        struct plane planes[3];
        size_t n = planes_of(fmt, planes), cap = 0;
        struct sha1_ctx ctx;
        uint8_t *buf;
        int r = 0;

        if (!n)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                size_t need = planes[i].stride > HASH_PIECE ? planes[i].stride : HASH_PIECE;

                if (need > cap)
                        cap = need;
        }
        buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        sha1_init(&ctx);
        for (size_t i = 0; i < n && r == 0; i++)
                r = hash_plane(v, handle, &planes[i], buf, &ctx);
        sodium_memzero(buf, cap);
        free(buf);
        if (r == 0)
                sha1_digest(&ctx, 20, ret_digest);
        sodium_memzero(&ctx, sizeof(ctx));
        return r;
}
