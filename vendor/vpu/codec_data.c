/* SPDX-License-Identifier: Apache-2.0 */
/* Checks of codec-specific data (codec_data.h). */
#include <errno.h>
#include <stdbool.h>

#include "codec_data.h"

#define NAL_SPS 7
#define NAL_PPS 8

/* `count` units of NAL type `type`, each after a 16-bit length, from *pos. */
static bool avcc_units(const uint8_t *d, size_t n, size_t *pos, unsigned count, unsigned type)
{
        size_t p = *pos;

        for (unsigned i = 0; i < count; i++) {
                size_t len;

                if (p + 2 > n)
                        return false;
                len = (size_t)d[p] << 8 | d[p + 1];
                p += 2;
                if (!len || len > n - p || (d[p] & 0x1f) != type)
                        return false;
                p += len;
        }
        *pos = p;
        return true;
}

static bool avcc_ok(const uint8_t *d, size_t n)
{
        size_t p = 6;
        unsigned n_sps, n_pps;

        /* version, profile, compatibility, level, length size, SPS count */
        if (n < 7 || d[0] != 1 || (d[4] & 3) == 2)
                return false;
        n_sps = d[5] & 0x1f;
        if (!n_sps || !avcc_units(d, n, &p, n_sps, NAL_SPS) || p >= n)
                return false;
        n_pps = d[p++];
        /* what may follow (the High profiles' chroma and depth fields) is the decoder's */
        return n_pps && avcc_units(d, n, &p, n_pps, NAL_PPS);
}

static bool annexb_ok(const uint8_t *d, size_t n)
{
        bool sps = false, pps = false;

        if (n < 4 || d[0] || d[1] || (d[2] != 1 && (d[2] || d[3] != 1)))
                return false;
        for (size_t i = 0; i + 3 < n; i++) {
                if (d[i] || d[i + 1] || d[i + 2] != 1)
                        continue;
                sps |= (d[i + 3] & 0x1f) == NAL_SPS;
                pps |= (d[i + 3] & 0x1f) == NAL_PPS;
        }
        return sps && pps;
}

/* A most-significant-bit-first reader that reports running past the end. */
struct bits {
        const uint8_t *d;
        size_t n, pos;
        bool over;
};

static uint32_t bits_get(struct bits *b, unsigned count)
{
        uint32_t v = 0;

        while (count--) {
                if (b->pos >= b->n * 8) {
                        b->over = true;
                        return 0;
                }
                v = v << 1 | ((b->d[b->pos / 8] >> (7 - b->pos % 8)) & 1);
                b->pos++;
        }
        return v;
}

static bool asc_ok(const uint8_t *d, size_t n)
{
        struct bits b = {.d = d, .n = n};
        uint32_t object = bits_get(&b, 5), rate_index, channels;

        if (object == 31)
                object = 32 + bits_get(&b, 6);
        rate_index = bits_get(&b, 4);
        /* 13 and 14 are reserved; 15: the rate follows in 24 bits */
        if (rate_index == 15 && !bits_get(&b, 24))
                return false;
        channels = bits_get(&b, 4);
        return !b.over && object != 0 && (rate_index < 13 || rate_index == 15) && channels <= 14;
}

int avb_vpu_codec_data_check(enum avb_vpu_codec codec, enum avb_vpu_codec_data type,
                             const uint8_t *d, size_t n)
{
        bool ok;

        if (!d || !n || n > AVB_VPU_CODEC_DATA_MAX)
                return -EINVAL;
        switch (type) {
        case AVB_VPU_CODEC_DATA_AVCC:
                ok = codec == AVB_VPU_CODEC_H264 && avcc_ok(d, n);
                break;
        case AVB_VPU_CODEC_DATA_H264_ANNEXB:
                ok = codec == AVB_VPU_CODEC_H264 && annexb_ok(d, n);
                break;
        case AVB_VPU_CODEC_DATA_AAC_ASC:
                ok = codec == AVB_VPU_CODEC_AAC && asc_ok(d, n);
                break;
        default:
                ok = false;
        }
        return ok ? 0 : -EINVAL;
}
