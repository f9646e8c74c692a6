/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The first video track of an MP4 file as a demuxer would hand it to a
 * decoder (dt.h): the body of its avcC box and its samples, in decode order.
 * Only what ffmpeg's mp4 muxer writes for one H.264 track: stsd/avc1/avcC,
 * stsz, stsc and stco (or co64). Anything it cannot follow is a dt_fail.
 */
#include <stdlib.h>
#include <string.h>

#include "dt.h"

struct box {
        const uint8_t *body;
        size_t len;
};

static uint32_t be32(const uint8_t *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
        return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* The first box of type `type` among the boxes in [p, p + len); false when there is none. */
static bool find(const uint8_t *p, size_t len, const char *type, struct box *ret)
{
        while (len >= 8) {
                uint64_t size = be32(p);
                size_t head = 8;

                if (size == 1 && len >= 16) {
                        size = be64(p + 8);
                        head = 16;
                } else if (size == 0) {
                        size = len;
                }
                if (size < head || size > len)
                        dt_fail("mp4: a box overruns its container");
                if (!memcmp(p + 4, type, 4)) {
                        *ret = (struct box){p + head, (size_t)size - head};
                        return true;
                }
                p += size;
                len -= (size_t)size;
        }
        return false;
}

/* The box at the end of a path of box types, each inside the one before. */
static struct box path(struct box b, const char *const *types)
{
        for (; *types; types++)
                if (!find(b.body, b.len, *types, &b))
                        dt_fail("mp4: no %.4s box", *types);
        return b;
}

/* Sample table entries after a full box header and an entry count. */
static const uint8_t *table(struct box b, size_t head, size_t entry, uint32_t *ret_n)
{
        if (b.len < head + 4)
                dt_fail("mp4: short sample table");
        *ret_n = be32(b.body + head);
        if ((b.len - head - 4) / entry < *ret_n)
                dt_fail("mp4: sample table longer than its box");
        return b.body + head + 4;
}

void dt_mp4_open(const uint8_t *file, size_t len, struct dt_mp4 *ret)
{
        static const char *const stbl_path[] = {"moov", "trak", "mdia", "minf", "stbl", NULL};
        struct box stbl = path((struct box){file, len}, stbl_path), stsd, avc1, avcc, b;
        const uint8_t *sizes, *chunks, *runs;
        uint32_t n, n_chunks, n_runs, fixed;
        bool co64 = false;

        if (!find(stbl.body, stbl.len, "stsd", &stsd) || stsd.len < 8 ||
            !find(stsd.body + 8, stsd.len - 8, "avc1", &avc1) || avc1.len < 78 ||
            !find(avc1.body + 78, avc1.len - 78, "avcC", &avcc))
                dt_fail("mp4: no avc1 sample entry with an avcC");
        ret->avcc = avcc.body;
        ret->avcc_len = avcc.len;

        if (!find(stbl.body, stbl.len, "stsz", &b) || b.len < 12)
                dt_fail("mp4: no stsz");
        fixed = be32(b.body + 4);
        sizes = table(b, 8, fixed ? 0 : 4, &n);
        if (!find(stbl.body, stbl.len, "stsc", &b))
                dt_fail("mp4: no stsc");
        runs = table(b, 4, 12, &n_runs);
        if (!find(stbl.body, stbl.len, "stco", &b)) {
                if (!find(stbl.body, stbl.len, "co64", &b))
                        dt_fail("mp4: no stco or co64");
                co64 = true;
        }
        chunks = table(b, 4, co64 ? 8 : 4, &n_chunks);

        ret->n = n;
        ret->sample = calloc(n ? n : 1, sizeof(*ret->sample));
        ret->size = calloc(n ? n : 1, sizeof(*ret->size));
        if (!ret->sample || !ret->size)
                dt_fail("out of memory");
        /* chunk c holds the samples-per-chunk of the last stsc run starting at or before it */
        size_t i = 0;
        for (uint32_t c = 0, r = 0; c < n_chunks && i < n; c++) {
                uint64_t off = co64 ? be64(chunks + 8 * c) : be32(chunks + 4 * c);

                while (r + 1 < n_runs && be32(runs + 12 * (r + 1)) <= c + 1)
                        r++;
                for (uint32_t k = 0; n_runs && k < be32(runs + 12 * r + 4) && i < n; k++, i++) {
                        size_t sz = fixed ? fixed : be32(sizes + 4 * i);

                        if (off > len || sz > len - off)
                                dt_fail("mp4: sample %zu outside the file", i);
                        ret->sample[i] = file + off;
                        ret->size[i] = sz;
                        off += sz;
                }
        }
        if (i != n)
                dt_fail("mp4: %zu of %u samples in the chunks", i, (unsigned)n);
}

void dt_mp4_close(struct dt_mp4 *m)
{
        free(m->sample);
        free(m->size);
        memset(m, 0, sizeof(*m));
}
