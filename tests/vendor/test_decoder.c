/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoder registry tests: declaration rules, pool sizes per heap, the
 * configured hook and the decode-path state steps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "decoder.h"

static const struct avb_decoder_spec good[] = {
    {AVB_MEDIA_VIDEO, 0, 4000, 3000, true},
    {AVB_MEDIA_VIDEO, 1, 4100, 0, false},
    {AVB_MEDIA_AUDIO, 0, 500, 400, true},
    {AVB_MEDIA_AUDIO, AVB_DECODER_ID_UNDEFINED, 256, 128, false},
};

static const struct {
        struct avb_decoder_spec spec;
        int expect;
} decl_cases[] = {
    {{AVB_MEDIA_VIDEO, 2, 1, 1, true}, 0},
    {{AVB_MEDIA_VIDEO, AVB_DECODER_ID_UNDEFINED, 1, 1, true}, -EINVAL},
    {{AVB_MEDIA_AUDIO, -2, 1, 1, true}, -EINVAL},
    {{AVB_MEDIA_VIDEO, 0, 1, 1, true}, -EINVAL}, /* declared twice */
    {{AVB_MEDIA_AUDIO, 1, 1, 1, true}, 0},
    {{(enum avb_media_kind)7, 0, 1, 1, true}, -EINVAL},
};

static void test_declaration_table(void **state)
{
        size_t i;

        (void)state;
        for (i = 0; i < sizeof(decl_cases) / sizeof(decl_cases[0]); i++) {
                struct avb_decoder_spec specs[5];
                struct avb_decoder_registry *reg = NULL;
                size_t j;

                for (j = 0; j < 4; j++)
                        specs[j] = good[j];
                specs[4] = decl_cases[i].spec;
                assert_int_equal(avb_decoder_registry_new(specs, 5, &reg), decl_cases[i].expect);
                if (reg)
                        assert_int_equal(avb_decoder_count(reg), 5);
                avb_decoder_registry_free(reg);
        }
        avb_decoder_registry_free(NULL);
}

static const struct {
        enum avb_media_kind kind;
        int32_t id;
        bool secure;
        int expect;
        uint32_t bytes;
        bool allows_secure;
} lookup_cases[] = {
    {AVB_MEDIA_VIDEO, 0, false, 0, 4000, true},
    {AVB_MEDIA_VIDEO, 0, true, 0, 3000, true},
    {AVB_MEDIA_VIDEO, 1, true, 0, 0, false},
    {AVB_MEDIA_AUDIO, AVB_DECODER_ID_UNDEFINED, false, 0, 256, false},
    {AVB_MEDIA_AUDIO, 0, true, 0, 400, true},
    {AVB_MEDIA_AUDIO, 1, false, -EINVAL, 0, false},
    {AVB_MEDIA_VIDEO, AVB_DECODER_ID_UNDEFINED, false, -EINVAL, 0, false},
    {AVB_MEDIA_VIDEO, 2, false, -EINVAL, 0, false},
};

static void test_lookup_table(void **state)
{
        struct avb_decoder_registry *reg = NULL;
        size_t i;

        (void)state;
        assert_int_equal(avb_decoder_registry_new(good, 4, &reg), 0);
        for (i = 0; i < sizeof(lookup_cases) / sizeof(lookup_cases[0]); i++) {
                uint32_t bytes = 12345;

                assert_int_equal(avb_decoder_pool_bytes(reg, lookup_cases[i].kind,
                                                        lookup_cases[i].id, lookup_cases[i].secure,
                                                        &bytes),
                                 lookup_cases[i].expect);
                assert_int_equal(bytes, lookup_cases[i].expect ? 12345 : lookup_cases[i].bytes);
                assert_int_equal(
                    avb_decoder_allows_secure(reg, lookup_cases[i].kind, lookup_cases[i].id),
                    lookup_cases[i].allows_secure);
        }
        avb_decoder_registry_free(reg);
}

static void test_states(void **state)
{
        struct avb_decoder_registry *reg = NULL;
        enum avb_decoder_state st;

        (void)state;
        assert_int_equal(avb_decoder_registry_new(good, 4, &reg), 0);
        assert_int_equal(avb_decoder_get_state(reg, AVB_MEDIA_VIDEO, 1, &st), 0);
        assert_int_equal(st, AVB_DECODER_UNCONFIGURED);
        assert_int_equal(avb_decoder_set_state(reg, AVB_MEDIA_VIDEO, 1, AVB_DECODER_OPENED),
                         -EBADFD);
        assert_int_equal(avb_decoder_set_configured(reg, AVB_MEDIA_VIDEO, 1, true), 0);
        assert_true(avb_decoder_allows_secure(reg, AVB_MEDIA_VIDEO, 1));
        assert_int_equal(avb_decoder_set_state(reg, AVB_MEDIA_VIDEO, 1, AVB_DECODER_STARTED),
                         -EBADFD);
        assert_int_equal(avb_decoder_set_state(reg, AVB_MEDIA_VIDEO, 1, AVB_DECODER_OPENED), 0);
        assert_int_equal(avb_decoder_set_state(reg, AVB_MEDIA_VIDEO, 1, AVB_DECODER_STARTED), 0);
        assert_int_equal(avb_decoder_set_configured(reg, AVB_MEDIA_VIDEO, 1, false), -EBUSY);
        assert_int_equal(avb_decoder_set_configured(reg, AVB_MEDIA_VIDEO, 1, true), 0);
        assert_int_equal(avb_decoder_get_state(reg, AVB_MEDIA_VIDEO, 1, &st), 0);
        assert_int_equal(st, AVB_DECODER_STARTED);
        assert_int_equal(avb_decoder_set_state(reg, AVB_MEDIA_VIDEO, 1, AVB_DECODER_CONFIGURED),
                         -EBADFD);
        assert_int_equal(avb_decoder_set_state(reg, AVB_MEDIA_VIDEO, 1, AVB_DECODER_OPENED), 0);
        assert_int_equal(avb_decoder_set_state(reg, AVB_MEDIA_VIDEO, 1, AVB_DECODER_CONFIGURED), 0);
        assert_int_equal(avb_decoder_set_configured(reg, AVB_MEDIA_VIDEO, 1, false), 0);
        assert_false(avb_decoder_allows_secure(reg, AVB_MEDIA_VIDEO, 1));
        assert_int_equal(avb_decoder_set_configured(reg, AVB_MEDIA_VIDEO, 9, true), -EINVAL);
        assert_int_equal(avb_decoder_get_state(reg, AVB_MEDIA_AUDIO, 9, &st), -EINVAL);
        avb_decoder_registry_free(reg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_declaration_table),
            cmocka_unit_test(test_lookup_table),
            cmocka_unit_test(test_states),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
