/* SPDX-License-Identifier: Apache-2.0 */
/* Checks of codec-specific data (vendor/vpu/codec_data.h): a table of records. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "vpu/codec_data.h"

#define H264   AVB_VPU_CODEC_H264
#define AAC    AVB_VPU_CODEC_AAC
#define AVCC   AVB_VPU_CODEC_DATA_AVCC
#define ANNEXB AVB_VPU_CODEC_DATA_H264_ANNEXB
#define ASC    AVB_VPU_CODEC_DATA_AAC_ASC

static const struct {
        const char *what;
        enum avb_vpu_codec codec;
        enum avb_vpu_codec_data type;
        uint8_t d[24];
        size_t n;
        int want;
} cases[] = {
    {"avcC", H264, AVCC, {1, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 2, 0x67, 0x64, 1, 0, 1, 0x68}, 14, 0},
    {"avcC 2-byte lengths, trailing High fields",
     H264,
     AVCC,
     {1, 0x64, 0, 0x0d, 0xfd, 0xe1, 0, 2, 0x67, 0x64, 1, 0, 1, 0x68, 0xfd, 0xf8, 0xf8, 0},
     18,
     0},
    {"avcC cut in the PPS",
     H264,
     AVCC,
     {1, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 2, 0x67, 0x64, 1, 0, 2, 0x68},
     14,
     -EINVAL},
    {"avcC 3-byte lengths",
     H264,
     AVCC,
     {1, 0x64, 0, 0x0d, 0xfe, 0xe1, 0, 2, 0x67, 0x64, 1, 0, 1, 0x68},
     14,
     -EINVAL},
    {"avcC no SPS", H264, AVCC, {1, 0x64, 0, 0x0d, 0xff, 0xe0, 1, 0, 1, 0x68}, 10, -EINVAL},
    {"avcC empty SPS",
     H264,
     AVCC,
     {1, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 0, 1, 0, 1, 0x68},
     12,
     -EINVAL},
    {"avcC version 2",
     H264,
     AVCC,
     {2, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 2, 0x67, 0x64, 1, 0, 1, 0x68},
     14,
     -EINVAL},
    {"avcC on AAC",
     AAC,
     AVCC,
     {1, 0x64, 0, 0x0d, 0xff, 0xe1, 0, 2, 0x67, 0x64, 1, 0, 1, 0x68},
     14,
     -EINVAL},
    {"Annex B", H264, ANNEXB, {0, 0, 0, 1, 0x67, 0x64, 0, 0, 1, 0x68, 0xeb}, 11, 0},
    {"Annex B no start code", H264, ANNEXB, {0x67, 0x64, 0, 0, 1, 0x68, 0xeb}, 7, -EINVAL},
    {"Annex B no SPS", H264, ANNEXB, {0, 0, 1, 0x68, 0xeb}, 5, -EINVAL},
    {"ASC AAC LC 48 kHz stereo", AAC, ASC, {0x11, 0x90}, 2, 0},
    {"ASC explicit rate", AAC, ASC, {0x17, 0x80, 0xbb, 0x80, 0x10}, 5, 0},
    {"ASC explicit rate 0", AAC, ASC, {0x17, 0x80, 0, 0, 0x10}, 5, -EINVAL},
    {"ASC escaped object type", AAC, ASC, {0xf8, 0x11, 0x90}, 3, 0},
    {"ASC object 0", AAC, ASC, {0x01, 0x90}, 2, -EINVAL},
    {"ASC rate index 13", AAC, ASC, {0x16, 0x90}, 2, -EINVAL},
    {"ASC one byte", AAC, ASC, {0x11}, 1, -EINVAL},
    {"ASC on H.264", H264, ASC, {0x11, 0x90}, 2, -EINVAL},
    {"nothing", H264, AVCC, {0}, 0, -EINVAL},
    {"unknown kind", H264, (enum avb_vpu_codec_data)7, {1, 2}, 2, -EINVAL},
};

static void test_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int e =
                    avb_vpu_codec_data_check(cases[i].codec, cases[i].type, cases[i].d, cases[i].n);

                if (e != cases[i].want) {
                        print_error("%s: %d, want %d\n", cases[i].what, e, cases[i].want);
                        fail();
                }
        }
        assert_int_equal(avb_vpu_codec_data_check(H264, ANNEXB, NULL, 4), -EINVAL);
        assert_int_equal(
            avb_vpu_codec_data_check(H264, ANNEXB, cases[8].d, AVB_VPU_CODEC_DATA_MAX + 1),
            -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_table)};

        return cmocka_run_group_tests(tests, NULL, NULL);
}
