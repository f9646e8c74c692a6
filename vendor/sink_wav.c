/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RIFF/WAVE output of an audio sink engine (sink_wav.h).
 *
 * Why write(2) and pwrite(2), not stdio: the samples go straight from the
 * caller's scratch buffer (which it wipes: a secure frame's PCM) to the
 * file, leaving no copy in a buffer of ours; and the two sizes in the
 * header are patched in place after each frame without moving the offset
 * the samples are appended at.
 *
 * Why the sizes are patched per frame rather than once at the end: whoever
 * listens may do so while the stream runs, and a daemon that is killed
 * never reaches the end; every frame leaves a file any player accepts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink_wav.h"
#include "util.h"
#include "vendor_log.h"

#define WAV_BITS      16
#define WAV_MAX_DATA  (UINT32_MAX - (AVB_SINK_WAV_HEADER - 8))
#define WAV_RIFF_SIZE 4  /* offset of the RIFF chunk's size */
#define WAV_DATA_SIZE 40 /* offset of the data chunk's size */

struct avb_sink_wav {
        int fd;
        char *name;
        bool started, ended, warned;
        uint32_t channels, rate;
        uint32_t data_bytes;
};

int avb_sink_wav_new(int fd, const char *name, struct avb_sink_wav **ret_out)
{
        struct avb_sink_wav *w = calloc(1, sizeof(*w));

        if (w)
                w->name = strdup(name ? name : "sink");
        if (!w || !w->name) {
                close(fd);
                free(w);
                return -ENOMEM;
        }
        w->fd = fd;
        *ret_out = w;
        return 0;
}

void avb_sink_wav_free(struct avb_sink_wav *w)
{
        if (!w)
                return;
        if (close(w->fd) != 0)
                avb_vendor_log("%s: wav output: %s", w->name, strerror(errno));
        free(w->name);
        free(w);
}

static void put16(uint8_t *p, uint32_t v)
{
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
        put16(p, v);
        put16(p + 2, v >> 16);
}

/* All of len bytes at the file's offset (off < 0: appended). */
static int wav_put(struct avb_sink_wav *w, const void *buf, size_t len, off_t off)
{
        const uint8_t *p = buf;

        while (len > 0) {
                ssize_t n = off < 0 ? write(w->fd, p, len) : pwrite(w->fd, p, len, off);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -EIO;
                p += n;
                len -= (size_t)n;
                if (off >= 0)
                        off += n;
        }
        return 0;
}

static int wav_header(struct avb_sink_wav *w, const struct avb_sink_frame *f)
{
        uint8_t h[AVB_SINK_WAV_HEADER];
        uint32_t block = f->pcm.channels * (WAV_BITS / 8);

        memcpy(h, "RIFF", 4);
        put32(h + WAV_RIFF_SIZE, AVB_SINK_WAV_HEADER - 8);
        memcpy(h + 8, "WAVEfmt ", 8);
        put32(h + 16, 16); /* the fmt chunk's size */
        put16(h + 20, 1);  /* PCM */
        put16(h + 22, f->pcm.channels);
        put32(h + 24, f->pcm.rate);
        put32(h + 28, f->pcm.rate * block);
        put16(h + 32, block);
        put16(h + 34, WAV_BITS);
        memcpy(h + 36, "data", 4);
        put32(h + WAV_DATA_SIZE, 0);
        w->channels = f->pcm.channels;
        w->rate = f->pcm.rate;
        w->started = true;
        return wav_put(w, h, sizeof(h), -1);
}

/* Both sizes for data_bytes of samples. */
static int wav_sizes(struct avb_sink_wav *w)
{
        uint8_t v[4];

        put32(v, w->data_bytes + (AVB_SINK_WAV_HEADER - 8));
        if (wav_put(w, v, 4, WAV_RIFF_SIZE) < 0)
                return -EIO;
        put32(v, w->data_bytes);
        return wav_put(w, v, 4, WAV_DATA_SIZE);
}

/* Why f cannot be written, or NULL. */
static const char *wav_refusal(const struct avb_sink_frame *f)
{
        if (f->planes.n != 1 || f->planes.rows[0] != 1)
                return "a frame with no PCM layout is not written";
        if (f->pcm.bits != WAV_BITS || f->pcm.channels == 0 || f->pcm.channels > UINT16_MAX / 2 ||
            f->pcm.rate == 0 || f->pcm.rate > UINT32_MAX / UINT16_MAX)
                return "a frame that is not S16LE PCM of known channels and rate is not written";
        return NULL;
}

int avb_sink_wav_write(struct avb_sink_wav *w, const struct avb_sink_frame *f,
                       avb_sink_y4m_read_fn read, void *userdata, uint8_t *scratch,
                       size_t scratch_len)
{
        const char *why = wav_refusal(f);
        uint32_t len = f->planes.row_bytes[0];
        int r = 0;

        if (w->ended)
                return -EINVAL;
        if (why) {
                if (!w->warned)
                        avb_vendor_log("%s: wav output: %s", w->name, why);
                w->warned = true;
                return -EINVAL;
        }
        if (w->started && (f->pcm.channels != w->channels || f->pcm.rate != w->rate)) {
                avb_vendor_log("%s: wav output ends: the stream went from %u channels at %u Hz "
                               "to %u at %u Hz (one format per wav file)",
                               w->name, w->channels, w->rate, f->pcm.channels, f->pcm.rate);
                w->ended = true;
                return -EINVAL;
        }
        if (len > WAV_MAX_DATA - w->data_bytes) {
                avb_vendor_log("%s: wav output ends: the data chunk is full", w->name);
                w->ended = true;
                return -EINVAL;
        }
        if (!w->started)
                r = wav_header(w, f);
        for (uint32_t done = 0; done < len && r == 0;) {
                size_t n = len - done < scratch_len ? len - done : scratch_len;
                uint64_t at = (uint64_t)f->planes.offset[0] + done;

                if (at > UINT32_MAX || read(userdata, f->frame, (uint32_t)at, scratch, n) < 0 ||
                    wav_put(w, scratch, n, -1) < 0)
                        r = -EIO;
                done += (uint32_t)n;
        }
        if (r == 0) {
                w->data_bytes += len;
                r = wav_sizes(w);
        }
        if (r < 0) {
                avb_vendor_log("%s: wav output ends: a frame could not be read or written",
                               w->name);
                w->ended = true;
        }
        return r;
}
