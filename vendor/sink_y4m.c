/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The YUV4MPEG2 output of a video sink engine (sink_y4m.h).
 *
 * Why stdio and a flush per frame: a frame is written row by row (a plane
 * whose stride is wider than its row cannot go in one piece), and whoever
 * looks at the file may do so while the stream runs; the flush makes every
 * presented frame whole in the file once it is presented.
 *
 * Why stdio gets a buffer of ours: a secure frame's rows pass through it,
 * and like the sink's scratch buffer it is wiped once the frame is out.
 *
 * Why a new geometry ends the file rather than starting PATH.1: avbufferd
 * opens the file (the engine never names files, as it never opens any), so
 * the engine has no second one to go to; and a y4m with one size per file
 * is what every player expects.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "sink_y4m.h"
#include "util.h"
#include "vendor_log.h"

#define Y4M_DEFAULT_RATE 25
#define Y4M_BUFFER       (64u * 1024u)

struct avb_sink_y4m {
        FILE *f;
        char buf[Y4M_BUFFER]; /* f's buffer, wiped after each frame */
        char *name;
        bool started, ended, warned_no_layout;
        uint32_t width, height;
};

int avb_sink_y4m_new(int fd, const char *name, struct avb_sink_y4m **ret_out)
{
        struct avb_sink_y4m *y = calloc(1, sizeof(*y));

        if (y)
                y->name = strdup(name ? name : "sink");
        if (y && y->name)
                y->f = fdopen(fd, "wb");
        if (y && y->f)
                setvbuf(y->f, y->buf, _IOFBF, sizeof(y->buf));
        if (!y || !y->name || !y->f) {
                close(fd);
                if (y)
                        free(y->name);
                free(y);
                return -ENOMEM;
        }
        *ret_out = y;
        return 0;
}

void avb_sink_y4m_free(struct avb_sink_y4m *y)
{
        if (!y)
                return;
        if (fclose(y->f) != 0)
                avb_vendor_log("%s: y4m output: %s", y->name, strerror(errno));
        sodium_memzero(y->buf, sizeof(y->buf));
        free(y->name);
        free(y);
}

/*
 * A layout y4m 4:2:0 can carry: I420 (three planes) or NV12 (luma and
 * interleaved chroma), chroma half the luma each way, rounded up.
 */
static bool y4m_layout_ok(const struct avb_sink_planes *p)
{
        uint32_t cw = (p->row_bytes[0] + 1) / 2, ch = (p->rows[0] + 1) / 2;

        if (p->n == 3)
                return p->row_bytes[1] == cw && p->row_bytes[2] == cw && p->rows[1] == ch &&
                       p->rows[2] == ch;
        return p->n == 2 && p->row_bytes[1] == 2 * cw && p->rows[1] == ch;
}

static int y4m_header(struct avb_sink_y4m *y, const struct avb_sink_frame *f)
{
        uint32_t rn = f->rate_num, rd = f->rate_den;

        if (rn == 0 || rd == 0) {
                rn = Y4M_DEFAULT_RATE;
                rd = 1;
        }
        y->width = f->planes.row_bytes[0];
        y->height = f->planes.rows[0];
        y->started = true;
        return fprintf(y->f, "YUV4MPEG2 W%u H%u F%u:%u Ip A%u:%u C420mpeg2 XYSCSS=420MPEG2\n",
                       y->width, y->height, rn, rd, f->sar_den ? f->sar_num : 0, f->sar_den) < 0
                   ? -EIO
                   : 0;
}

/*
 * Write plane i's rows; with pick 0 or 1 only the even or odd bytes of each
 * row (one chroma component of an interleaved plane), else the whole row.
 */
static int y4m_plane(struct avb_sink_y4m *y, const struct avb_sink_frame *f, uint32_t i, int pick,
                     avb_sink_y4m_read_fn read, void *userdata, uint8_t *scratch)
{
        const struct avb_sink_planes *p = &f->planes;
        size_t len = p->row_bytes[i];

        for (uint32_t row = 0; row < p->rows[i]; row++) {
                uint64_t at = (uint64_t)p->offset[i] + (uint64_t)row * p->stride[i];

                if (at > UINT32_MAX || read(userdata, f->frame, (uint32_t)at, scratch, len) < 0)
                        return -EIO;
                if (pick >= 0) { /* in place: byte 2k + pick moves down to k */
                        for (size_t k = 0; k < len / 2; k++)
                                scratch[k] = scratch[2 * k + (size_t)pick];
                }
                if (fwrite(scratch, 1, pick >= 0 ? len / 2 : len, y->f) !=
                    (pick >= 0 ? len / 2 : len))
                        return -EIO;
        }
        return 0;
}

int avb_sink_y4m_write(struct avb_sink_y4m *y, const struct avb_sink_frame *f,
                       avb_sink_y4m_read_fn read, void *userdata, uint8_t *scratch,
                       size_t scratch_len)
{
        const struct avb_sink_planes *p = &f->planes;
        int r;

        if (y->ended)
                return -EINVAL;
        if (p->n == 0 || !y4m_layout_ok(p) || p->row_bytes[0] > scratch_len ||
            p->row_bytes[1] > scratch_len) {
                if (!y->warned_no_layout)
                        avb_vendor_log("%s: y4m output: a frame with no 4:2:0 plane layout is not "
                                       "written",
                                       y->name);
                y->warned_no_layout = true;
                return -EINVAL;
        }
        if (y->started && (p->row_bytes[0] != y->width || p->rows[0] != y->height)) {
                avb_vendor_log("%s: y4m output ends: the stream went from %ux%u to %ux%u "
                               "(one size per y4m file)",
                               y->name, y->width, y->height, p->row_bytes[0], p->rows[0]);
                y->ended = true;
                return -EINVAL;
        }
        r = y->started ? 0 : y4m_header(y, f);
        if (r == 0 && fputs("FRAME\n", y->f) < 0)
                r = -EIO;
        if (r == 0)
                r = y4m_plane(y, f, 0, -1, read, userdata, scratch);
        if (p->n == 3) {
                for (uint32_t i = 1; i < 3 && r == 0; i++)
                        r = y4m_plane(y, f, i, -1, read, userdata, scratch);
        } else {
                for (int c = 0; c < 2 && r == 0; c++)
                        r = y4m_plane(y, f, 1, c, read, userdata, scratch);
        }
        if (r == 0 && fflush(y->f) != 0)
                r = -EIO;
        sodium_memzero(y->buf, sizeof(y->buf)); /* flushed, or given up: no row stays */
        if (r < 0) {
                avb_vendor_log("%s: y4m output ends: a frame could not be read or written",
                               y->name);
                y->ended = true;
        }
        return r;
}
