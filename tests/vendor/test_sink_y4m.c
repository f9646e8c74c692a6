/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sink's YUV4MPEG2 output (vendor/sink_y4m.h) on fake frames whose
 * byte at offset i is i: a table of layouts (packed and strided I420, NV12
 * split into U and V, odd sizes), the header from the frame's rate and
 * SAR (F25:1 and A0:0 when unknown), and the output's end on a new size;
 * frames with no layout are left out.
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

#include "sink_y4m.h"

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

/* A writer on a temporary file; *ret_file reads it back. */
static struct avb_sink_y4m *writer(FILE **ret_file)
{
        FILE *f = tmpfile();
        struct avb_sink_y4m *y = NULL;

        assert_non_null(f);
        assert_int_equal(avb_sink_y4m_new(dup(fileno(f)), "test", &y), 0);
        *ret_file = f;
        return y;
}

/* What the file holds once the writer is gone; NUL-terminated, *ret_len bytes. */
static char *contents(struct avb_sink_y4m *y, FILE *f, size_t *ret_len)
{
        char *buf = calloc(1, 4096);

        avb_sink_y4m_free(y);
        assert_non_null(buf);
        rewind(f);
        *ret_len = fread(buf, 1, 4095, f);
        fclose(f);
        return buf;
}

#define I420(w, h, yo, ys, uo, us, vo, vs)                                                         \
        {                                                                                          \
                .n = 3, .offset = {yo, uo, vo}, .row_bytes = {w, (w + 1) / 2, (w + 1) / 2},        \
                .stride = {ys, us, vs}, .rows = {                                                  \
                        h,                                                                         \
                        (h + 1) / 2,                                                               \
                        (h + 1) / 2                                                                \
                }                                                                                  \
        }

static const struct y4m_case {
        const char *name;
        struct avb_sink_planes planes;
        uint32_t rate_num, rate_den, sar_num, sar_den;
        const char *header;
        size_t n_payload;
        uint8_t payload[32];
} cases[] = {
    {"I420 packed, rate and SAR unknown",
     I420(4, 2, 0, 4, 8, 2, 10, 2),
     0,
     0,
     0,
     0,
     "YUV4MPEG2 W4 H2 F25:1 Ip A0:0 C420mpeg2 XYSCSS=420MPEG2\n",
     12,
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
    {"I420 strided, 30000/1001 fps, SAR 12:11",
     I420(4, 2, 0, 6, 12, 4, 16, 4),
     30000,
     1001,
     12,
     11,
     "YUV4MPEG2 W4 H2 F30000:1001 Ip A12:11 C420mpeg2 XYSCSS=420MPEG2\n",
     12,
     {0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 16, 17}},
    {"NV12: chroma split into U then V",
     {.n = 2, .offset = {0, 8}, .row_bytes = {4, 4}, .stride = {4, 4}, .rows = {2, 1}},
     25,
     1,
     1,
     1,
     "YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420mpeg2 XYSCSS=420MPEG2\n",
     12,
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 9, 11}},
    {"odd size 3x1: chroma rounded up",
     I420(3, 1, 0, 3, 3, 2, 5, 2),
     50,
     0,
     0,
     0,
     "YUV4MPEG2 W3 H1 F25:1 Ip A0:0 C420mpeg2 XYSCSS=420MPEG2\n",
     7,
     {0, 1, 2, 3, 4, 5, 6}},
};

static void test_layouts(void **state)
{
        uint8_t scratch[64];

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct y4m_case *c = &cases[i];
                struct avb_sink_frame fr = {.frame = 1,
                                            .planes = c->planes,
                                            .rate_num = c->rate_num,
                                            .rate_den = c->rate_den,
                                            .sar_num = c->sar_num,
                                            .sar_den = c->sar_den};
                size_t hl = strlen(c->header), len;
                FILE *f;
                struct avb_sink_y4m *y = writer(&f);
                char *out;

                print_message("case: %s\n", c->name);
                assert_int_equal(
                    avb_sink_y4m_write(y, &fr, fake_read, NULL, scratch, sizeof(scratch)), 0);
                assert_int_equal(
                    avb_sink_y4m_write(y, &fr, fake_read, NULL, scratch, sizeof(scratch)), 0);
                out = contents(y, f, &len);
                assert_int_equal(len, hl + 2 * (6 + c->n_payload));
                assert_memory_equal(out, c->header, hl);
                for (size_t k = 0; k < 2; k++) {
                        const char *frame = out + hl + k * (6 + c->n_payload);

                        assert_memory_equal(frame, "FRAME\n", 6);
                        assert_memory_equal(frame + 6, c->payload, c->n_payload);
                }
                free(out);
        }
}

/* A new size ends the file: nothing of it, nor anything after, is written. */
static void test_size_change_ends(void **state)
{
        struct avb_sink_frame a = {.frame = 1, .planes = I420(4, 2, 0, 4, 8, 2, 10, 2)};
        struct avb_sink_frame b = {.frame = 2, .planes = I420(2, 2, 0, 2, 4, 1, 5, 1)};
        uint8_t scratch[64];
        size_t len, hl = strlen(cases[0].header);
        FILE *f;
        struct avb_sink_y4m *y = writer(&f);
        char *out;

        (void)state;
        assert_int_equal(avb_sink_y4m_write(y, &a, fake_read, NULL, scratch, sizeof(scratch)), 0);
        assert_int_equal(avb_sink_y4m_write(y, &b, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        assert_int_equal(avb_sink_y4m_write(y, &a, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        out = contents(y, f, &len);
        assert_int_equal(len, hl + 6 + 12);
        free(out);
}

/* No layout: left out, and the first frame with one starts the file. A failed read ends it. */
static void test_no_layout_and_errors(void **state)
{
        struct avb_sink_frame none = {.frame = 1, .bytes = 12};
        struct avb_sink_frame a = {.frame = 2, .planes = I420(4, 2, 0, 4, 8, 2, 10, 2)};
        struct avb_sink_frame not420 = a;
        uint8_t scratch[64];
        size_t len, hl = strlen(cases[0].header);
        FILE *f;
        struct avb_sink_y4m *y = writer(&f);
        char *out;

        (void)state;
        not420.planes.rows[1] = 2; /* 4:2:2 chroma: not what y4m 420 carries */
        assert_int_equal(avb_sink_y4m_write(y, &none, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        assert_int_equal(avb_sink_y4m_write(y, &not420, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        assert_int_equal(avb_sink_y4m_write(y, &a, fake_read, NULL, scratch, 2), -EINVAL);
        assert_int_equal(avb_sink_y4m_write(y, &a, fake_read, NULL, scratch, sizeof(scratch)), 0);
        assert_int_equal(avb_sink_y4m_write(y, &a, failing_read, NULL, scratch, sizeof(scratch)),
                         -EIO);
        assert_int_equal(avb_sink_y4m_write(y, &a, fake_read, NULL, scratch, sizeof(scratch)),
                         -EINVAL);
        out = contents(y, f, &len);
        assert_true(len >= hl + 6 + 12);
        assert_memory_equal(out, cases[0].header, hl);
        assert_memory_equal(out + hl, "FRAME\n", 6);
        free(out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_layouts),
            cmocka_unit_test(test_size_change_ends),
            cmocka_unit_test(test_no_layout_and_errors),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
