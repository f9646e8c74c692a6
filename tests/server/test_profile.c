/* SPDX-License-Identifier: Apache-2.0 */
/* The profile loader: defaults, a full file, and every refusal with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "profile.h"

static const struct avb_decoder_spec *find_decoder(const struct avbd_profile *p,
                                                   enum avb_media_kind kind, int32_t id)
{
        for (size_t i = 0; i < p->n_decoders; i++)
                if (p->decoders[i].kind == kind && p->decoders[i].id == id)
                        return &p->decoders[i];
        return NULL;
}

static void test_defaults(void **state)
{
        struct avbd_profile p;

        (void)state;
        assert_int_equal(avbd_profile_defaults(&p), 0);
        assert_int_equal(p.nonsecure_heap_bytes, 16000000);
        assert_int_equal(p.secure_heap_bytes, 16000000);
        assert_int_equal(p.alignment, 64);
        assert_non_null(find_decoder(&p, AVB_MEDIA_AUDIO, -1));
        assert_null(find_decoder(&p, AVB_MEDIA_VIDEO, -1));
        assert_true(avbd_profile_may_connect(&p, 1234, 1234));
        assert_true(avbd_profile_is_trusted(&p, 0, 0));
        assert_false(avbd_profile_is_trusted(&p, 1234, 1234));
        avbd_profile_fini(&p);
}

static void test_shipped_profile(void **state)
{
        struct avbd_profile p;
        char err[256];

        (void)state;
        assert_int_equal(avbd_profile_load(SOURCE_ROOT "/config/avbuffer.yaml", &p, err,
                                           sizeof(err)),
                         0);
        assert_int_equal(p.nonsecure_heap_bytes, 16000000);
        assert_int_equal(p.n_frame_pools, 2);
        assert_string_equal(p.socket_dir, "/run/avbuffer");
        avbd_profile_fini(&p);
}

static void test_full(void **state)
{
        static const char text[] = "socket_dir: /tmp/x\n"
                                   "log_level: debug\n"
                                   "heaps:\n"
                                   "  nonsecure_bytes: 1000000\n"
                                   "  secure_bytes: 0\n"
                                   "alignment: 128\n"
                                   "decoders:\n"
                                   "  video:\n"
                                   "    - id: 3\n"
                                   "      nonsecure_pool_bytes: 1234\n"
                                   "      configured: false\n"
                                   "frame_pools:\n"
                                   "  - {name: v, kind: video, block_bytes: 4096, count: 3}\n"
                                   "access:\n"
                                   "  users: [0, 4242]\n"
                                   "  trusted_users: [4242]\n";
        struct avbd_profile p;
        const struct avb_decoder_spec *d;
        char err[256];

        (void)state;
        assert_int_equal(avbd_profile_parse("t", text, strlen(text), &p, err, sizeof(err)), 0);
        assert_int_equal(p.nonsecure_heap_bytes, 1000000);
        assert_int_equal(p.secure_heap_bytes, 0);
        assert_int_equal(p.alignment, 128);
        assert_int_equal(p.log_level, 7);
        /* The video list replaced the default video decoders; audio kept its defaults. */
        assert_null(find_decoder(&p, AVB_MEDIA_VIDEO, 0));
        d = find_decoder(&p, AVB_MEDIA_VIDEO, 3);
        assert_non_null(d);
        assert_int_equal(d->nonsecure_pool_bytes, 1234);
        assert_false(d->configured);
        assert_non_null(find_decoder(&p, AVB_MEDIA_AUDIO, -1));
        assert_int_equal(p.n_frame_pools, 1);
        assert_int_equal(p.frame_pools[0].block_bytes, 4096);
        assert_int_equal(p.frame_pools[0].kind, AVB_MEDIA_VIDEO);
        assert_true(avbd_profile_may_connect(&p, 4242, 99));
        assert_false(avbd_profile_may_connect(&p, 4243, 99));
        assert_true(avbd_profile_is_trusted(&p, 4242, 99));
        assert_false(avbd_profile_is_trusted(&p, 0, 99));
        avbd_profile_fini(&p);
}

static const struct bad_case {
        const char *text;
        const char *expect; /* substring of the message, line included */
} bad_cases[] = {
        {"heaps:\n  nonsecure_bytes: lots\n", "t:2: key 'nonsecure_bytes': 'lots' is not a number"},
        {"heaps:\n  nonsecure_bytes: -1\n", "t:2: key 'nonsecure_bytes': -1 is outside"},
        {"heaps:\n  nonsecure_bytes: 3000000000\n", "t:2: key 'nonsecure_bytes'"},
        {"heap:\n  nonsecure_bytes: 1\n", "t:1: unknown key 'heap' in the profile"},
        {"alignment: 100\n", "t:1: key 'alignment': 100 is not a power of two"},
        {"alignment: 32\n", "t:1: key 'alignment': 32 is outside"},
        {"log_level: loud\n", "t:1: key 'log_level'"},
        {"socket_dir: relative/dir\n", "t:1: key 'socket_dir': must be an absolute path"},
        {"decoders:\n  video:\n    - id: -1\n", "t:3: key 'id': video decoder ids start at 0"},
        {"decoders:\n  video:\n    - nonsecure_pool_bytes: 5\n", "t:3: a video decoder needs an 'id'"},
        {"decoders:\n  video:\n    - id: 1\n    - id: 1\n", "video decoder 1 declared twice"},
        {"decoders:\n  video:\n    - id: 1\n      colour: red\n", "t:4: unknown key 'colour' in a decoder"},
        {"decoders:\n  video:\n    - id: 1\n      configured: maybe\n", "key 'configured': expected true or false"},
        {"decoders:\n  subtitles: []\n", "t:2: unknown key 'subtitles' in decoders"},
        {"decoders: [1, 2]\n", "'decoders' must be a mapping"},
        {"frame_pools:\n  - {name: v, kind: video, count: 3}\n", "needs 'name', 'block_bytes' and 'count'"},
        {"frame_pools:\n  - {name: v, kind: smell, block_bytes: 1, count: 1}\n", "key 'kind': expected video or audio"},
        {"access:\n  users: [no-such-user-here]\n", "t:2: key 'users': no user named 'no-such-user-here'"},
        {"access:\n  groups: 7\n", "key 'groups': expected a list"},
        {"heaps: [\n", "t:2:"},
        {"- a\n- b\n", "'the profile' must be a mapping"},
};

static void test_bad(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
                struct avbd_profile p = {.alignment = 12345};
                char err[256];
                int e = avbd_profile_parse("t", bad_cases[i].text, strlen(bad_cases[i].text), &p,
                                           err, sizeof(err));
                if (e == 0 || !strstr(err, bad_cases[i].expect))
                        fail_msg("case %zu: got %d '%s', want '%s'", i, e, err,
                                 bad_cases[i].expect);
                assert_int_equal(p.alignment, 12345); /* untouched on failure */
        }
}

static void test_empty_file_is_defaults(void **state)
{
        struct avbd_profile p;
        char err[64];

        (void)state;
        assert_int_equal(avbd_profile_parse("t", "", 0, &p, err, sizeof(err)), 0);
        assert_int_equal(p.secure_heap_bytes, 16000000);
        avbd_profile_fini(&p);
}

static void test_missing_file(void **state)
{
        struct avbd_profile p;
        char err[256];

        (void)state;
        assert_int_equal(avbd_profile_load("/nonexistent/avbuffer.yaml", &p, err, sizeof(err)),
                         -ENOENT);
        assert_non_null(strstr(err, "/nonexistent/avbuffer.yaml"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_shipped_profile),
                cmocka_unit_test(test_full),
                cmocka_unit_test(test_bad),
                cmocka_unit_test(test_empty_file_is_defaults),
                cmocka_unit_test(test_missing_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
