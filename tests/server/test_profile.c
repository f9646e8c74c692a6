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
        assert_int_equal(p.vpu.backend, AVBD_VPU_SOFTVPU);
        assert_null(p.vpu.device);
        assert_int_equal(p.vpu.memory, AVBD_VPU_MMAP);
        assert_int_equal(p.vpu.input_buffers, 8);
        assert_int_equal(p.vpu.output_buffers, 0);
        assert_int_equal(p.vpu.coded_buffer_bytes, 1048576);
        avbd_profile_fini(&p);
}

static void test_shipped_profile(void **state)
{
        struct avbd_profile p;
        char err[256];

        (void)state;
        assert_int_equal(
            avbd_profile_load(SOURCE_ROOT "/config/avbuffer.yaml", &p, err, sizeof(err)), 0);
        assert_int_equal(p.nonsecure_heap_bytes, 16000000);
        assert_int_equal(p.n_frame_pools, 3); /* video, secure video, audio */
        assert_string_equal(p.socket_dir, "/run/avbuffer");
        assert_int_equal(p.poll_spin_us, AVBD_DEFAULT_POLL_SPIN_US);
        avbd_profile_fini(&p);
}

static void test_full(void **state)
{
        static const char text[] = "socket_dir: /tmp/x\n"
                                   "log_level: debug\n"
                                   "poll_spin_us: 0\n"
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
        assert_int_equal(p.poll_spin_us, 0);
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

/* The `vpu:` section: what each good profile gives. */
static const struct vpu_case {
        const char *text;
        struct avbd_vpu_spec want; /* device: NULL means none */
} vpu_cases[] = {
    {"vpu: {}\n", {AVBD_VPU_SOFTVPU, NULL, AVBD_VPU_MMAP, 8, 0, 1048576}},
    {"vpu:\n  backend: softvpu\n", {AVBD_VPU_SOFTVPU, NULL, AVBD_VPU_MMAP, 8, 0, 1048576}},
    {"vpu:\n  backend: v4l2\n  device: /dev/video0\n",
     {AVBD_VPU_V4L2, "/dev/video0", AVBD_VPU_MMAP, 8, 0, 1048576}},
    /* the doc's example, keys in any order */
    {"vpu:\n"
     "  coded_buffer_bytes: 1048576\n"
     "  output_buffers: 0\n"
     "  input_buffers: 8\n"
     "  memory: mmap\n"
     "  device: /dev/avb-vdec\n"
     "  backend: v4l2\n",
     {AVBD_VPU_V4L2, "/dev/avb-vdec", AVBD_VPU_MMAP, 8, 0, 1048576}},
    {"vpu: {backend: v4l2, device: /dev/video11, input_buffers: 1, output_buffers: 32,"
     " coded_buffer_bytes: 4096}\n",
     {AVBD_VPU_V4L2, "/dev/video11", AVBD_VPU_MMAP, 1, 32, 4096}},
    {"vpu: {backend: v4l2, device: /dev/v, input_buffers: 32, coded_buffer_bytes: 0x4000000}\n",
     {AVBD_VPU_V4L2, "/dev/v", AVBD_VPU_MMAP, 32, 0, 67108864}},
    /* dmabuf with page-aligned blocks, alignment before or after the section */
    {"alignment: 4096\nvpu: {backend: v4l2, device: /dev/v, memory: dmabuf}\n",
     {AVBD_VPU_V4L2, "/dev/v", AVBD_VPU_DMABUF, 8, 0, 1048576}},
    {"vpu: {backend: v4l2, device: /dev/v, memory: dmabuf}\nalignment: 4096\n",
     {AVBD_VPU_V4L2, "/dev/v", AVBD_VPU_DMABUF, 8, 0, 1048576}},
    /* the last word wins, as for every key */
    {"vpu: {backend: v4l2, device: /dev/a, device: /dev/b, memory: dmabuf, memory: mmap}\n",
     {AVBD_VPU_V4L2, "/dev/b", AVBD_VPU_MMAP, 8, 0, 1048576}},
    /* 63 bytes of path: the longest the backend takes */
    {"vpu: {backend: v4l2, device: /dev/by-path/"
     "01234567890123456789012345678901234567890123456789}\n",
     {AVBD_VPU_V4L2, "/dev/by-path/01234567890123456789012345678901234567890123456789",
      AVBD_VPU_MMAP, 8, 0, 1048576}},
};

/*
 * sink_output: a relative path from the profile's directory, an absolute one
 * as it is; a later list of the kind replaces the earlier's outputs too.
 */
static void test_sink_output(void **state)
{
        static const char text[] = "decoders:\n"
                                   "  video:\n"
                                   "    - id: 0\n"
                                   "      sink_output: out/v0.y4m\n"
                                   "    - id: 1\n"
                                   "      sink_output: /var/tmp/v1.y4m\n"
                                   "    - id: 2\n";
        static const char twice[] = "decoders:\n"
                                    "  video:\n"
                                    "    - {id: 0, sink_output: a.y4m}\n"
                                    "decoders:\n"
                                    "  video:\n"
                                    "    - {id: 1}\n";
        struct avbd_profile p;
        char err[256];

        (void)state;
        assert_int_equal(
            avbd_profile_parse("/etc/avb/profile.yaml", text, strlen(text), &p, err, sizeof(err)),
            0);
        assert_int_equal(p.n_sink_outputs, 2);
        assert_int_equal(p.sink_outputs[0].kind, AVB_MEDIA_VIDEO);
        assert_int_equal(p.sink_outputs[0].id, 0);
        assert_string_equal(p.sink_outputs[0].path, "/etc/avb/out/v0.y4m");
        assert_int_equal(p.sink_outputs[1].id, 1);
        assert_string_equal(p.sink_outputs[1].path, "/var/tmp/v1.y4m");
        avbd_profile_fini(&p);
        assert_int_equal(avbd_profile_parse("t", twice, strlen(twice), &p, err, sizeof(err)), 0);
        assert_int_equal(p.n_sink_outputs, 0);
        avbd_profile_fini(&p);
}

static void test_vpu_good(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(vpu_cases) / sizeof(vpu_cases[0]); i++) {
                const struct avbd_vpu_spec *w = &vpu_cases[i].want;
                struct avbd_profile p;
                char err[256];
                int e = avbd_profile_parse("t", vpu_cases[i].text, strlen(vpu_cases[i].text), &p,
                                           err, sizeof(err));

                if (e < 0)
                        fail_msg("case %zu: %d '%s'", i, e, err);
                if (p.vpu.backend != w->backend || p.vpu.memory != w->memory ||
                    p.vpu.input_buffers != w->input_buffers ||
                    p.vpu.output_buffers != w->output_buffers ||
                    p.vpu.coded_buffer_bytes != w->coded_buffer_bytes ||
                    !p.vpu.device != !w->device || (w->device && strcmp(p.vpu.device, w->device)))
                        fail_msg("case %zu: got backend %d device %s memory %d in %u out %u "
                                 "coded %u",
                                 i, p.vpu.backend, p.vpu.device ? p.vpu.device : "(none)",
                                 p.vpu.memory, p.vpu.input_buffers, p.vpu.output_buffers,
                                 p.vpu.coded_buffer_bytes);
                avbd_profile_fini(&p);
        }
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
    {"poll_spin_us: 1001\n", "t:1: key 'poll_spin_us': 1001 is outside"},
    {"poll_spin_us: -1\n", "t:1: key 'poll_spin_us': -1 is outside"},
    {"socket_dir: relative/dir\n", "t:1: key 'socket_dir': must be an absolute path"},
    {"decoders:\n  video:\n    - id: -1\n", "t:3: key 'id': video decoder ids start at 0"},
    {"decoders:\n  video:\n    - nonsecure_pool_bytes: 5\n", "t:3: a video decoder needs an 'id'"},
    {"decoders:\n  video:\n    - id: 1\n    - id: 1\n", "video decoder 1 declared twice"},
    {"decoders:\n  video:\n    - id: 1\n      colour: red\n",
     "t:4: unknown key 'colour' in a decoder"},
    {"decoders:\n  video:\n    - id: 1\n      configured: maybe\n",
     "key 'configured': expected true or false"},
    {"decoders:\n  subtitles: []\n", "t:2: unknown key 'subtitles' in decoders"},
    {"decoders:\n  video:\n    - id: 0\n      sink_output: ''\n",
     "key 'sink_output': expected a non-empty string"},
    {"decoders: [1, 2]\n", "'decoders' must be a mapping"},
    {"frame_pools:\n  - {name: v, kind: video, count: 3}\n",
     "needs 'name', 'block_bytes' and 'count'"},
    {"frame_pools:\n  - {name: v, kind: smell, block_bytes: 1, count: 1}\n",
     "key 'kind': expected video or audio"},
    {"access:\n  users: [no-such-user-here]\n",
     "t:2: key 'users': no user named 'no-such-user-here'"},
    {"access:\n  groups: 7\n", "key 'groups': expected a list"},
    {"heaps: [\n", "t:2:"},
    {"- a\n- b\n", "'the profile' must be a mapping"},
    /* vpu */
    {"vpu:\n", "t:1: 'vpu' must be a mapping"},
    {"vpu: v4l2\n", "t:1: 'vpu' must be a mapping"},
    {"vpu: [v4l2]\n", "t:1: 'vpu' must be a mapping"},
    {"vpu:\n  backend: vaapi\n", "t:2: key 'backend': expected softvpu or v4l2"},
    {"vpu:\n  backend: [v4l2]\n", "t:2: key 'backend': expected softvpu or v4l2"},
    {"vpu:\n  backend: v4l2\n  devices: /dev/video0\n", "t:3: unknown key 'devices' in vpu"},
    {"vpu:\n  backend: v4l2\n", "t:2: 'vpu' with 'backend: v4l2' needs a 'device'"},
    {"vpu: {backend: v4l2, memory: mmap}\n", "t:1: 'vpu' with 'backend: v4l2' needs a 'device'"},
    {"vpu:\n  backend: v4l2\n  device: video0\n", "t:3: key 'device': must be an absolute path"},
    {"vpu:\n  backend: v4l2\n  device: ''\n", "t:3: key 'device': expected a non-empty string"},
    {"vpu:\n  backend: v4l2\n  device: {a: b}\n", "t:3: key 'device': expected a non-empty string"},
    {"vpu: {backend: v4l2, device: /dev/by-path/"
     "012345678901234567890123456789012345678901234567890}\n",
     "t:1: key 'device': longer than 63 bytes"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  memory: userptr\n",
     "t:4: key 'memory': expected mmap or dmabuf"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  input_buffers: 0\n",
     "t:4: key 'input_buffers': 0 is outside 1..32"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  input_buffers: 33\n",
     "t:4: key 'input_buffers': 33 is outside 1..32"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  input_buffers: eight\n",
     "t:4: key 'input_buffers': 'eight' is not a number"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  output_buffers: -1\n",
     "t:4: key 'output_buffers': -1 is outside 0..32"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  output_buffers: 33\n",
     "t:4: key 'output_buffers': 33 is outside 0..32"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  output_buffers: [1]\n",
     "t:4: key 'output_buffers': expected a number"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  coded_buffer_bytes: 4095\n",
     "t:4: key 'coded_buffer_bytes': 4095 is outside 4096..67108864"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  coded_buffer_bytes: 67108865\n",
     "t:4: key 'coded_buffer_bytes': 67108865 is outside 4096..67108864"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  coded_buffer_bytes: 1MiB\n",
     "t:4: key 'coded_buffer_bytes': '1MiB' is not a number"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  memory: dmabuf\n",
     "t:4: key 'memory': dmabuf needs 'alignment: 4096' (now 64)"},
    {"alignment: 2048\nvpu:\n  backend: v4l2\n  device: /dev/v\n  memory: dmabuf\n",
     "t:5: key 'memory': dmabuf needs 'alignment: 4096' (now 2048)"},
    /* keys of the v4l2 backend with softvpu, stated or by default */
    {"vpu:\n  device: /dev/video0\n",
     "t:2: key 'device': only for 'backend: v4l2' (the backend is softvpu)"},
    {"vpu:\n  backend: softvpu\n  memory: mmap\n", "t:3: key 'memory': only for 'backend: v4l2'"},
    {"vpu:\n  input_buffers: 4\n  backend: softvpu\n",
     "t:2: key 'input_buffers': only for 'backend: v4l2'"},
    {"vpu:\n  backend: softvpu\n  output_buffers: 4\n",
     "t:3: key 'output_buffers': only for 'backend: v4l2'"},
    {"vpu:\n  backend: softvpu\n  coded_buffer_bytes: 65536\n",
     "t:3: key 'coded_buffer_bytes': only for 'backend: v4l2'"},
    {"vpu:\n  backend: v4l2\n  device: /dev/v\n  backend: softvpu\n",
     "t:3: key 'device': only for 'backend: v4l2'"},
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
            cmocka_unit_test(test_sink_output),
            cmocka_unit_test(test_vpu_good),
            cmocka_unit_test(test_bad),
            cmocka_unit_test(test_empty_file_is_defaults),
            cmocka_unit_test(test_missing_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
