/* SPDX-License-Identifier: Apache-2.0 */
/*
 * softvpu at the VPU level (vpu.h ops, no avbufferd): the frame description
 * against ffprobe, a mid-stream resolution change, codec-specific data (avcC
 * with length-prefixed samples, AAC AudioSpecificConfig with raw access
 * units) bit-exact against ffmpeg's framemd5, SEI user data out, and bad
 * codec data refused without hurting the firmware. Streams and references
 * come from tests/decode/gen-streams.sh; the directory is the last argument.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libavutil/md5.h>
#include <libavutil/pixdesc.h>

#include "softvpu.h"
#include "util.h"

#define HEAP_BYTES (32u << 20)
#define IN_BASE    0u
#define IN_SLOT    (256u << 10)
#define IN_SLOTS   16u
#define OUT_BASE   (IN_SLOT * IN_SLOTS)
#define OUT_BLOCK  (256u << 10)
#define OUT_BLOCKS 8u
#define MAX_FRAMES 512
#define MAX_INPUTS 4096

static struct {
        const char *dir;
        int heap;
        uint8_t *map;
        struct avb_vpu vpu;
} T;

struct input {
        const uint8_t *data;
        uint32_t size;
        int64_t pts;
};

struct frame {
        char md5[33];
        int64_t pts;
        struct avb_vpu_format fmt; /* get_format at the last SOURCE_CHANGE before it */
};

struct run {
        struct frame frames[MAX_FRAMES];
        size_t n_frames;
        size_t n_changes;
        size_t change_at[8]; /* frames dequeued before each SOURCE_CHANGE */
        uint32_t changed[8];
        struct avb_vpu_user_data ud[8];
        size_t n_ud;
        unsigned errors;
};

/* ---- files ------------------------------------------------------------- */

static uint8_t *slurp(const char *name, size_t *ret_n)
{
        char path[1024];
        FILE *f;
        uint8_t *d;
        long n;

        snprintf(path, sizeof(path), "%s/%s", T.dir, name);
        f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(fseek(f, 0, SEEK_END), 0);
        n = ftell(f);
        rewind(f);
        d = malloc((size_t)n + 1);
        assert_non_null(d);
        assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
        d[n] = 0;
        fclose(f);
        *ret_n = (size_t)n;
        return d;
}

/* Annex B (or ADTS) bytes cut every `chunk` bytes, as a client may cut them. */
static size_t cut(const uint8_t *d, size_t n, uint32_t chunk, struct input *ret)
{
        size_t k = 0;

        for (size_t off = 0; off < n && k < MAX_INPUTS; off += chunk, k++)
                ret[k] = (struct input){d + off, (uint32_t)(n - off < chunk ? n - off : chunk),
                                        (int64_t)k * 1000};
        return k;
}

/* extract-samples.py's records: 4-byte big-endian length, then the sample. */
static size_t records(const uint8_t *d, size_t n, struct input *ret)
{
        size_t k = 0, p = 0;

        while (p + 4 <= n && k < MAX_INPUTS) {
                uint32_t len = (uint32_t)d[p] << 24 | (uint32_t)d[p + 1] << 16 |
                               (uint32_t)d[p + 2] << 8 | d[p + 3];

                assert_true(len <= n - p - 4);
                ret[k] = (struct input){d + p + 4, len, (int64_t)k * 40000000};
                k++;
                p += 4 + len;
        }
        return k;
}

/* The hashes of a framemd5 file, appended to *hashes. */
static size_t load_md5(const char *name, char (*hashes)[33], size_t have)
{
        size_t n;
        char *text = (char *)slurp(name, &n), *save = NULL;

        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *h = strrchr(line, ' ');

                if (line[0] == '#' || !h || strlen(h + 1) != 32)
                        continue;
                assert_true(have < MAX_FRAMES);
                memcpy(hashes[have++], h + 1, 33);
        }
        free(text);
        return have;
}

/* One value of an ffprobe key=value file. */
static void probe_get(const char *name, const char *key, char *ret, size_t size)
{
        size_t n, klen = strlen(key);
        char *text = (char *)slurp(name, &n), *save = NULL;

        ret[0] = 0;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (!strncmp(line, key, klen) && line[klen] == '=')
                        snprintf(ret, size, "%s", line + klen + 1);
        free(text);
        assert_true(ret[0]);
}

static uint32_t probe_u32(const char *name, const char *key)
{
        char v[64];

        probe_get(name, key, v, sizeof(v));
        return (uint32_t)strtoul(v, NULL, 10);
}

static void probe_ratio(const char *name, const char *key, uint32_t *num, uint32_t *den)
{
        char v[64];
        unsigned a = 0, b = 0;

        probe_get(name, key, v, sizeof(v));
        if (sscanf(v, "%u%*[:/]%u", &a, &b) != 2 || !a || !b)
                a = b = 0;
        *num = a;
        *den = b;
}

static uint8_t probe_h273(const char *name, const char *key, int (*from_name)(const char *))
{
        char v[64];
        int c;

        probe_get(name, key, v, sizeof(v));
        c = from_name(v);
        return c > 0 ? (uint8_t)c : AVB_VPU_H273_UNSPECIFIED;
}

/* Every described field of fmt against what ffprobe says of the stream. */
static void check_probe(const struct avb_vpu_format *f, const char *probe)
{
        uint32_t num, den;
        char v[64];
        int range;

        assert_int_equal(f->width, probe_u32(probe, "width"));
        assert_int_equal(f->height, probe_u32(probe, "height"));
        assert_int_equal(f->visible_width, f->width);
        assert_int_equal(f->visible_height, f->height);
        /* ffprobe's coded size is the cropped one; the decoder's is in macroblocks */
        assert_int_equal(f->coded_width, (f->width + 15) / 16 * 16);
        assert_int_equal(f->coded_height, (f->height + 15) / 16 * 16);
        assert_int_equal(f->visible_left, 0);
        assert_int_equal(f->visible_top, 0);
        probe_ratio(probe, "sample_aspect_ratio", &num, &den);
        assert_int_equal(f->sar_num, num);
        assert_int_equal(f->sar_den, den);
        probe_ratio(probe, "r_frame_rate", &num, &den);
        assert_int_equal(f->fps_num, num);
        assert_int_equal(f->fps_den, den);
        assert_int_equal(f->bit_depth, probe_u32(probe, "bits_per_raw_sample"));
        probe_get(probe, "field_order", v, sizeof(v));
        assert_string_equal(v, "progressive");
        assert_int_equal(f->scan, AVB_VPU_SCAN_PROGRESSIVE);
        assert_int_equal(f->color_primaries,
                         probe_h273(probe, "color_primaries", av_color_primaries_from_name));
        assert_int_equal(f->color_transfer,
                         probe_h273(probe, "color_transfer", av_color_transfer_from_name));
        assert_int_equal(f->color_matrix,
                         probe_h273(probe, "color_space", av_color_space_from_name));
        probe_get(probe, "color_range", v, sizeof(v));
        range = av_color_range_from_name(v);
        assert_int_equal(f->color_range, range == AVCOL_RANGE_JPEG   ? AVB_VPU_RANGE_FULL
                                         : range == AVCOL_RANGE_MPEG ? AVB_VPU_RANGE_LIMITED
                                                                     : AVB_VPU_RANGE_UNKNOWN);
}

/* ---- driving the VPU ----------------------------------------------------- */

static void md5_hex(const uint8_t *d, size_t n, char *ret)
{
        uint8_t sum[16];

        av_md5_sum(sum, d, n);
        for (int i = 0; i < 16; i++)
                snprintf(ret + 2 * i, 3, "%02x", sum[i]);
}

/* get_format changes when the caller dequeues a SOURCE_CHANGE, not when it arrives. */
static void check_format_unchanged(void *sess, const struct run *r,
                                   const struct avb_vpu_format *cur)
{
        struct avb_vpu_format now;

        if (!r->n_changes) {
                assert_int_equal(T.vpu.ops->get_format(sess, &now), -EBADFD);
                return;
        }
        assert_int_equal(T.vpu.ops->get_format(sess, &now), 0);
        assert_int_equal(avb_vpu_format_changes(&now, cur), 0);
}

/* Take everything the session has; false once EOS came. */
static bool collect(void *sess, struct run *r, struct avb_vpu_format *cur, bool *slot_busy)
{
        const struct avb_vpu_ops *ops = T.vpu.ops;
        struct avb_vpu_event ev;
        struct avb_vpu_buf b;
        bool more = true, eos = false;

        while (more) {
                more = false;
                for (;;) {
                        check_format_unchanged(sess, r, cur);
                        if (ops->dequeue_event(sess, &ev) < 0)
                                break;
                        more = true;
                        if (ev.type == AVB_VPU_EVENT_SOURCE_CHANGE) {
                                assert_int_equal(ops->get_format(sess, cur), 0);
                                assert_true(r->n_changes < 8);
                                r->change_at[r->n_changes] = r->n_frames;
                                r->changed[r->n_changes++] = ev.changed;
                        } else if (ev.type == AVB_VPU_EVENT_EOS) {
                                eos = true;
                        } else {
                                r->errors++;
                        }
                }
                while (ops->dequeue_input(sess, &b) == 0) {
                        more = true;
                        slot_busy[b.cookie] = false;
                }
                while (r->n_ud < 8 &&
                       avb_vpu_dequeue_user_data(&T.vpu, sess, &r->ud[r->n_ud]) == 0) {
                        more = true;
                        r->n_ud++;
                }
                while (ops->dequeue_output(sess, &b) == 0) {
                        struct frame *f = &r->frames[r->n_frames];

                        more = true;
                        if (b.bytesused) {
                                assert_true(r->n_frames < MAX_FRAMES);
                                md5_hex(T.map + b.offset, b.bytesused, f->md5);
                                f->pts = b.pts_ns;
                                f->fmt = *cur;
                                r->n_frames++;
                        }
                        b.flags = 0;
                        b.bytesused = 0;
                        b.size = OUT_BLOCK;
                        assert_int_equal(ops->queue_output(sess, &b), 0);
                }
        }
        return !eos;
}

/* Decode `in` to the end (drain, EOS) on a fresh session. */
static void decode(enum avb_vpu_codec codec, enum avb_vpu_codec_data csd_type, const uint8_t *csd,
                   size_t csd_n, const struct input *in, size_t n, struct run *r)
{
        const struct avb_vpu_ops *ops = T.vpu.ops;
        struct avb_vpu_format want = {.codec = codec, .pixfmt = AVB_VPU_FMT_I420}, cur = {0};
        bool slot_busy[IN_SLOTS] = {0}, drained = false;
        int64_t deadline = avb_now_ms() + 90000;
        void *sess = NULL;
        size_t next = 0;

        memset(r, 0, sizeof(*r));
        assert_int_equal(ops->open(T.vpu.dev, codec, false, &sess), 0);
        assert_int_equal(ops->set_format(sess, &want), 0);
        if (csd)
                assert_int_equal(avb_vpu_set_codec_data(&T.vpu, sess, csd_type, csd, csd_n), 0);
        assert_int_equal(ops->stream_on(sess, AVB_VPU_INPUT), 0);
        for (uint32_t i = 0; i < OUT_BLOCKS; i++) {
                struct avb_vpu_buf b = {
                    .offset = OUT_BASE + i * OUT_BLOCK, .size = OUT_BLOCK, .cookie = i};

                assert_int_equal(ops->queue_output(sess, &b), 0);
        }
        assert_int_equal(ops->stream_on(sess, AVB_VPU_OUTPUT), 0);
        for (;;) {
                struct pollfd p = {.fd = ops->poll_fd(sess), .events = POLLIN};

                for (uint32_t s = 0; s < IN_SLOTS && next < n; s++) {
                        struct avb_vpu_buf b = {.offset = IN_BASE + s * IN_SLOT,
                                                .size = in[next].size,
                                                .pts_ns = in[next].pts,
                                                .cookie = s};

                        if (slot_busy[s])
                                continue;
                        assert_true(in[next].size <= IN_SLOT);
                        memcpy(T.map + b.offset, in[next].data, in[next].size);
                        if (ops->queue_input(sess, &b) == -EAGAIN)
                                break;
                        slot_busy[s] = true;
                        next++;
                }
                if (next == n && !drained) {
                        assert_int_equal(ops->drain(sess), 0);
                        drained = true;
                }
                (void)poll(&p, 1, 200);
                if (!collect(sess, r, &cur, slot_busy))
                        break;
                assert_true(avb_now_ms() < deadline);
        }
        ops->close(sess);
}

static void check_md5(const struct run *r, char (*want)[33], size_t n)
{
        assert_int_equal(r->n_frames, n);
        for (size_t i = 0; i < n; i++)
                if (strcmp(r->frames[i].md5, want[i])) {
                        print_error("frame %zu: %s, ffmpeg says %s\n", i, r->frames[i].md5,
                                    want[i]);
                        fail();
                }
}

/* ---- cases --------------------------------------------------------------- */

/*
 * 320x240 then 176x120 in one Annex B stream: every frame, in order, of the
 * old format then of the new, one SOURCE_CHANGE before each, and the new
 * format only after the last old frame.
 */
static void test_resolution_change(void **state)
{
        static struct input in[MAX_INPUTS];
        static struct run r;
        static char want[MAX_FRAMES][33];
        size_t n, size, n_a, n_b;
        uint8_t *d = slurp("rc.h264", &size);

        (void)state;
        n = cut(d, size, 4096, in);
        decode(AVB_VPU_CODEC_H264, 0, NULL, 0, in, n, &r);
        n_a = load_md5("rc_a.md5", want, 0);
        n_b = load_md5("rc_b.md5", want, n_a) - n_a;
        check_md5(&r, want, n_a + n_b);
        assert_int_equal(r.errors, 0);
        assert_int_equal(r.n_changes, 2);
        assert_int_equal(r.change_at[0], 0);
        assert_int_equal(r.changed[0], AVB_VPU_CHANGED_GEOMETRY | AVB_VPU_CHANGED_DESCRIPTION);
        assert_int_equal(r.change_at[1], n_a);
        assert_int_equal(r.changed[1], AVB_VPU_CHANGED_GEOMETRY | AVB_VPU_CHANGED_DESCRIPTION);
        for (size_t i = 0; i < r.n_frames; i++) {
                const struct avb_vpu_format *f = &r.frames[i].fmt;

                check_probe(f, i < n_a ? "rc_a.probe" : "rc_b.probe");
                assert_int_equal(f->frame_bytes, f->width * f->height * 3 / 2);
        }
        /* 176x120 is 8 lines short of its macroblocks: the stream crops them */
        assert_int_equal(r.frames[n_a].fmt.coded_height, 128);
        free(d);
}

/* MP4's framing: avcC first, then one length-prefixed sample per buffer. */
static void test_avcc(void **state)
{
        static struct input in[MAX_INPUTS];
        static struct run r;
        static char want[MAX_FRAMES][33];
        size_t n, size, csd_n;
        uint8_t *d = slurp("m320.samples", &size), *csd = slurp("m320.avcc", &csd_n);

        (void)state;
        n = records(d, size, in);
        decode(AVB_VPU_CODEC_H264, AVB_VPU_CODEC_DATA_AVCC, csd, csd_n, in, n, &r);
        check_md5(&r, want, load_md5("m320.md5", want, 0));
        assert_int_equal(r.errors, 0);
        assert_int_equal(r.n_changes, 1);
        check_probe(&r.frames[0].fmt, "m320.probe");
        free(d);
        free(csd);
}

static void check_pcm(const struct run *r)
{
        const struct avb_vpu_format *f = &r->frames[0].fmt;

        assert_int_equal(f->pixfmt, AVB_VPU_FMT_PCM_S16);
        assert_int_equal(f->sample_rate, 48000);
        assert_int_equal(f->channels, 2);
        assert_int_equal(f->sample_fmt, AVB_VPU_SAMPLE_S16);
        assert_false(f->planar);
        assert_int_equal(r->errors, 0);
}

static void test_aac_adts(void **state)
{
        static struct input in[MAX_INPUTS];
        static struct run r;
        static char want[MAX_FRAMES][33];
        size_t n, size;
        uint8_t *d = slurp("a.aac", &size);

        (void)state;
        n = cut(d, size, 1000, in);
        decode(AVB_VPU_CODEC_AAC, 0, NULL, 0, in, n, &r);
        check_md5(&r, want, load_md5("aac.md5", want, 0));
        check_pcm(&r);
        free(d);
}

/* The same audio as raw access units after its AudioSpecificConfig. */
static void test_aac_asc(void **state)
{
        static struct input in[MAX_INPUTS];
        static struct run r;
        static char want[MAX_FRAMES][33];
        size_t n, size, csd_n;
        uint8_t *d = slurp("a_raw.samples", &size), *csd = slurp("a_raw.asc", &csd_n);

        (void)state;
        n = records(d, size, in);
        decode(AVB_VPU_CODEC_AAC, AVB_VPU_CODEC_DATA_AAC_ASC, csd, csd_n, in, n, &r);
        check_md5(&r, want, load_md5("aac.md5", want, 0));
        check_pcm(&r);
        free(d);
        free(csd);
}

/* libx264's settings (unregistered SEI) and our A/53 captions, with the first frame's pts. */
static void test_user_data(void **state)
{
        static struct input in[MAX_INPUTS];
        static struct run r;
        size_t n, size, cc_n;
        uint8_t *d = slurp("ud.h264", &size), *cc = slurp("ud.cc", &cc_n);
        bool x264 = false, a53 = false;

        (void)state;
        n = cut(d, size, 4096, in);
        decode(AVB_VPU_CODEC_H264, 0, NULL, 0, in, n, &r);
        assert_int_equal(r.n_frames, 10);
        assert_int_equal(r.n_ud, 2);
        for (size_t i = 0; i < r.n_ud; i++) {
                const struct avb_vpu_user_data *u = &r.ud[i];

                assert_int_equal(u->pts_ns, r.frames[0].pts);
                assert_int_equal(u->dropped, 0);
                if (u->type == AVB_VPU_USER_DATA_SEI_UNREGISTERED) {
                        x264 = u->size > 16 + 11 && !memcmp(u->data + 16, "x264 - core", 11);
                } else {
                        assert_int_equal(u->type, AVB_VPU_USER_DATA_A53_CC);
                        assert_int_equal(u->size, cc_n);
                        a53 = !memcmp(u->data, cc, cc_n);
                }
        }
        assert_true(x264);
        assert_true(a53);
        free(d);
        free(cc);
}

static const uint8_t avcc_ok[] = {1,    0x64, 0,    0x0d, 0xff, 0xe1, 0,    4,   0x67,
                                  0x64, 0,    0x0d, 1,    0,    2,    0x68, 0xeb};

static const struct {
        const char *what;
        enum avb_vpu_codec codec;
        enum avb_vpu_codec_data type;
        uint8_t d[24];
        size_t n;
} bad_csd[] = {
    {"avcC cut short", AVB_VPU_CODEC_H264, AVB_VPU_CODEC_DATA_AVCC, {1, 0x64, 0, 0x0d, 0xff}, 5},
    {"avcC version 0",
     AVB_VPU_CODEC_H264,
     AVB_VPU_CODEC_DATA_AVCC,
     {0, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x0d, 1, 0, 2, 0x68, 0xeb},
     17},
    {"avcC 3-byte lengths",
     AVB_VPU_CODEC_H264,
     AVB_VPU_CODEC_DATA_AVCC,
     {1, 0x64, 0, 0x0d, 0xfe, 0xe1, 0, 4, 0x67, 0x64, 0, 0x0d, 1, 0, 2, 0x68, 0xeb},
     17},
    {"avcC SPS past the end",
     AVB_VPU_CODEC_H264,
     AVB_VPU_CODEC_DATA_AVCC,
     {1, 0x64, 0, 0x0d, 0xff, 0xe1, 0xff, 0xff, 0x67, 0x64},
     10},
    {"avcC no PPS",
     AVB_VPU_CODEC_H264,
     AVB_VPU_CODEC_DATA_AVCC,
     {1, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x0d, 0},
     13},
    {"avcC PPS that is no PPS",
     AVB_VPU_CODEC_H264,
     AVB_VPU_CODEC_DATA_AVCC,
     {1, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x0d, 1, 0, 2, 0x65, 0xeb},
     17},
    {"ASC object type 0", AVB_VPU_CODEC_AAC, AVB_VPU_CODEC_DATA_AAC_ASC, {0x01, 0x90}, 2},
    {"ASC reserved rate", AVB_VPU_CODEC_AAC, AVB_VPU_CODEC_DATA_AAC_ASC, {0x16, 0x90}, 2},
    {"ASC cut short", AVB_VPU_CODEC_AAC, AVB_VPU_CODEC_DATA_AAC_ASC, {0x11}, 1},
    {"ASC on H.264", AVB_VPU_CODEC_H264, AVB_VPU_CODEC_DATA_AAC_ASC, {0x11, 0x90}, 2},
    {"avcC on AAC",
     AVB_VPU_CODEC_AAC,
     AVB_VPU_CODEC_DATA_AVCC,
     {1, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x0d, 1, 0, 2, 0x68, 0xeb},
     17},
    {"Annex B without PPS",
     AVB_VPU_CODEC_H264,
     AVB_VPU_CODEC_DATA_H264_ANNEXB,
     {0, 0, 0, 1, 0x67, 0x64, 0, 0x0d},
     8},
    {"unknown kind", AVB_VPU_CODEC_H264, (enum avb_vpu_codec_data)99, {1, 2, 3}, 3},
};

/*
 * Bad codec data: -EINVAL from the firmware, which lives on (same pid, no
 * restart); too much is refused; none after stream_on.
 */
static void test_codec_data_refused(void **state)
{
        const struct avb_vpu_ops *ops = T.vpu.ops;
        pid_t pid = avb_softvpu_firmware_pid(&T.vpu);
        static uint8_t big[AVB_VPU_CODEC_DATA_MAX + 1];
        void *sess;

        (void)state;
        for (size_t i = 0; i < sizeof(bad_csd) / sizeof(bad_csd[0]); i++) {
                assert_int_equal(ops->open(T.vpu.dev, bad_csd[i].codec, false, &sess), 0);
                if (avb_vpu_set_codec_data(&T.vpu, sess, bad_csd[i].type, bad_csd[i].d,
                                           bad_csd[i].n) != -EINVAL) {
                        print_error("%s: not refused\n", bad_csd[i].what);
                        fail();
                }
                ops->close(sess);
        }
        assert_int_equal(ops->open(T.vpu.dev, AVB_VPU_CODEC_H264, false, &sess), 0);
        assert_int_equal(
            avb_vpu_set_codec_data(&T.vpu, sess, AVB_VPU_CODEC_DATA_AVCC, big, sizeof(big)),
            -EINVAL);
        assert_int_equal(
            avb_vpu_set_codec_data(&T.vpu, sess, AVB_VPU_CODEC_DATA_AVCC, avcc_ok, sizeof(avcc_ok)),
            0);
        assert_int_equal(ops->stream_on(sess, AVB_VPU_INPUT), 0);
        assert_int_equal(
            avb_vpu_set_codec_data(&T.vpu, sess, AVB_VPU_CODEC_DATA_AVCC, avcc_ok, sizeof(avcc_ok)),
            -EBADFD);
        ops->close(sess);
        assert_int_equal(avb_softvpu_firmware_pid(&T.vpu), pid);
        assert_int_equal(avb_softvpu_restarts(&T.vpu), 0);
}

/* Samples whose length prefixes lie: errors on the buffers, never a dead firmware. */
static void test_avcc_garbage(void **state)
{
        static struct input in[64];
        static struct run r;
        static uint8_t junk[64][200];
        size_t csd_n;
        uint8_t *csd = slurp("m320.avcc", &csd_n);
        pid_t pid = avb_softvpu_firmware_pid(&T.vpu);

        (void)state;
        srand(11);
        for (size_t i = 0; i < 64; i++) {
                for (size_t j = 0; j < sizeof(junk[i]); j++)
                        junk[i][j] = (uint8_t)rand();
                junk[i][0] = (uint8_t)(i & 1 ? 0x7f : 0); /* some lengths far too long */
                in[i] = (struct input){junk[i], sizeof(junk[i]), (int64_t)i};
        }
        decode(AVB_VPU_CODEC_H264, AVB_VPU_CODEC_DATA_AVCC, csd, csd_n, in, 64, &r);
        assert_true(r.errors > 0);
        assert_int_equal(avb_softvpu_firmware_pid(&T.vpu), pid);
        assert_int_equal(avb_softvpu_restarts(&T.vpu), 0);
        free(csd);
}

static int setup(void **state)
{
        struct avb_vpu_memory mem = {.heap_fd = {-1, -1}};

        (void)state;
        T.heap = memfd_create("test-softvpu-heap", MFD_CLOEXEC);
        if (T.heap < 0 || ftruncate(T.heap, HEAP_BYTES) < 0)
                return -1;
        T.map = mmap(NULL, HEAP_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, T.heap, 0);
        if (T.map == MAP_FAILED)
                return -1;
        mem.heap_fd[0] = T.heap;
        mem.heap_size[0] = HEAP_BYTES;
        return avb_softvpu_new(&mem, NULL, &T.vpu);
}

static int teardown(void **state)
{
        (void)state;
        avb_vpu_free(&T.vpu);
        munmap(T.map, HEAP_BYTES);
        close(T.heap);
        return 0;
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_resolution_change), cmocka_unit_test(test_avcc),
            cmocka_unit_test(test_aac_adts),          cmocka_unit_test(test_aac_asc),
            cmocka_unit_test(test_user_data),         cmocka_unit_test(test_codec_data_refused),
            cmocka_unit_test(test_avcc_garbage),
        };

        if (argc < 2) {
                fprintf(stderr, "usage: %s STREAMS_DIR (made by gen-streams.sh)\n", argv[0]);
                return 2;
        }
        T.dir = argv[argc - 1];
        return cmocka_run_group_tests(tests, setup, teardown);
}
