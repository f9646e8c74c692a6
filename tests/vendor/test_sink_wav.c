/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sink's RIFF/WAVE output (vendor/sink_wav.h) on fake frames whose byte
 * at offset i is i: a table of formats and frame sizes (the header's
 * fields, the sizes patched after every frame, frames larger than the
 * scratch buffer, an offset layout), and the output's end on a new format
 * or a failed read; frames with no layout or no S16LE are left out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sink_wav.h"

static int fake_read(void *userdata, int64_t frame, uint32_t offset, void *dst, size_t len)
{
        uint8_t *d = dst;

        (void)userdata;
        (void)frame;
        for (size_t i = 0; i < len; i++)
                d[i] = (uint8_t)(offset + i);
        return 0;
}

static int failing_read(void *userdata, int64_t frame, uint32_t offset, void *dst, size_t len)
{
        (void)userdata;
        (void)frame;
        (void)offset;
        (void)dst;
        (void)len;
        return -EIO;
}

static uint32_t get32(const uint8_t *p)
{
        return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t get16(const uint8_t *p)
{
        return p[0] | p[1] << 8;
}

/* A frame of `bytes` PCM bytes from `offset` of its block. */
static struct avb_sink_frame pcm(uint32_t rate, uint32_t channels, uint32_t bits, uint32_t offset,
                                 uint32_t bytes)
{
        struct avb_sink_frame f = {
            .frame = 1,
            .planes = {
                .n = 1, .offset = {offset}, .row_bytes = {bytes}, .stride = {bytes}, .rows = {1}}};

        f.pcm.rate = rate;
        f.pcm.channels = channels;
        f.pcm.bits = bits;
        return f;
}

/* The file as it is now (the writer may still be open): *ret_len bytes. */
static uint8_t *file_now(FILE *f, size_t *ret_len)
{
        uint8_t *buf = calloc(1, 8192);

        assert_non_null(buf);
        rewind(f);
        *ret_len = fread(buf, 1, 8192, f);
        return buf;
}

/* A valid WAV of rate, channels, 16 bits and data_bytes of samples. */
static void check_header(const uint8_t *b, size_t len, uint32_t rate, uint32_t channels,
                         uint32_t data_bytes)
{
        assert_true(len >= AVB_SINK_WAV_HEADER);
        assert_memory_equal(b, "RIFF", 4);
        assert_int_equal(get32(b + 4), 36 + data_bytes);
        assert_memory_equal(b + 8, "WAVEfmt ", 8);
        assert_int_equal(get32(b + 16), 16);
        assert_int_equal(get16(b + 20), 1);
        assert_int_equal(get16(b + 22), channels);
        assert_int_equal(get32(b + 24), rate);
        assert_int_equal(get32(b + 28), rate * channels * 2);
        assert_int_equal(get16(b + 32), channels * 2);
        assert_int_equal(get16(b + 34), 16);
        assert_memory_equal(b + 36, "data", 4);
        assert_int_equal(get32(b + 40), data_bytes);
        assert_int_equal(len, AVB_SINK_WAV_HEADER + data_bytes);
}

static const struct wav_case {
        const char *name;
        uint32_t rate, channels, offset, bytes, frames;
        size_t scratch;
} cases[] = {
    {"stereo 48 kHz, one frame", 48000, 2, 0, 16, 1, 64},
    {"stereo 48 kHz, three frames", 48000, 2, 0, 16, 3, 64},
    {"mono 44.1 kHz, frames bigger than the scratch", 44100, 1, 0, 100, 2, 7},
    {"5.1 at 8 kHz, PCM at an offset", 8000, 6, 12, 24, 2, 64},
};

static void test_formats(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct wav_case *c = &cases[i];
                struct avb_sink_frame fr = pcm(c->rate, c->channels, 16, c->offset, c->bytes);
                struct avb_sink_wav *w = NULL;
                uint8_t scratch[64];
                FILE *f = tmpfile();
                uint8_t *b;
                size_t len;

                print_message("%s\n", c->name);
                assert_non_null(f);
                assert_int_equal(avb_sink_wav_new(dup(fileno(f)), "test", &w), 0);
                for (uint32_t n = 1; n <= c->frames; n++) {
                        assert_int_equal(
                            avb_sink_wav_write(w, &fr, fake_read, NULL, scratch, c->scratch), 0);
                        b = file_now(f, &len); /* valid after every frame, writer still open */
                        check_header(b, len, c->rate, c->channels, n * c->bytes);
                        for (uint32_t k = 0; k < n * c->bytes; k++)
                                assert_int_equal(b[AVB_SINK_WAV_HEADER + k],
                                                 (uint8_t)(c->offset + k % c->bytes));
                        free(b);
                }
                avb_sink_wav_free(w);
                fclose(f);
        }
}

static void test_format_change_ends(void **state)
{
        struct avb_sink_frame a = pcm(48000, 2, 16, 0, 8), b = pcm(44100, 2, 16, 0, 8);
        struct avb_sink_frame c = pcm(48000, 1, 16, 0, 8);
        struct avb_sink_wav *w = NULL;
        uint8_t scratch[16], *out;
        FILE *f = tmpfile();
        size_t len;

        (void)state;
        assert_int_equal(avb_sink_wav_new(dup(fileno(f)), "test", &w), 0);
        assert_int_equal(avb_sink_wav_write(w, &a, fake_read, NULL, scratch, sizeof(scratch)), 0);
        assert_int_equal(avb_sink_wav_write(w, &b, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        assert_int_equal(avb_sink_wav_write(w, &a, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL); /* ended: even the first format again */
        out = file_now(f, &len);
        check_header(out, len, 48000, 2, 8);
        free(out);
        avb_sink_wav_free(w);
        /* a channel count change ends it too */
        f = freopen(NULL, "w+b", f);
        assert_non_null(f);
        assert_int_equal(avb_sink_wav_new(dup(fileno(f)), "test", &w), 0);
        assert_int_equal(avb_sink_wav_write(w, &a, fake_read, NULL, scratch, sizeof(scratch)), 0);
        assert_int_equal(avb_sink_wav_write(w, &c, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        avb_sink_wav_free(w);
        fclose(f);
}

static void test_not_written_and_errors(void **state)
{
        struct avb_sink_frame none = {.frame = 1}, f32 = pcm(48000, 2, 0, 0, 8);
        struct avb_sink_frame unknown = pcm(0, 2, 16, 0, 8), a = pcm(48000, 2, 16, 0, 8);
        struct avb_sink_wav *w = NULL;
        uint8_t scratch[16], *out;
        FILE *f = tmpfile();
        size_t len;

        (void)state;
        assert_int_equal(avb_sink_wav_new(dup(fileno(f)), "test", &w), 0);
        assert_int_equal(avb_sink_wav_write(w, &none, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        assert_int_equal(avb_sink_wav_write(w, &f32, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        assert_int_equal(avb_sink_wav_write(w, &unknown, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        out = file_now(f, &len);
        assert_int_equal(len, 0); /* nothing yet: the header waits for a writable frame */
        free(out);
        assert_int_equal(avb_sink_wav_write(w, &a, fake_read, NULL, scratch, sizeof(scratch)), 0);
        assert_int_equal(avb_sink_wav_write(w, &a, failing_read, NULL, scratch, sizeof(scratch)),
                         -EIO);
        assert_int_equal(avb_sink_wav_write(w, &a, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        out = file_now(f, &len);
        check_header(out, len, 48000, 2, 8);
        free(out);
        avb_sink_wav_free(w);
        fclose(f);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_formats),
            cmocka_unit_test(test_format_change_ends),
            cmocka_unit_test(test_not_written_and_errors),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
