/* SPDX-License-Identifier: Apache-2.0 */
/* The per-call arena generated code unpacks messages into (rpc_gen.h, stubs/call_buffer.c). */
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include <avbuffer/rpc_gen.h>

#include "avb_wire.pb-c.h"

static bool in_inline(const avb_arena *a, const void *p)
{
        const unsigned char *c = p;

        return c >= a->buf.bytes && c < a->buf.bytes + sizeof(a->buf.bytes);
}

/* Where allocations land: in the arena itself while they fit, then in blocks. */
static void test_placement(void **state)
{
        static const struct {
                const char *what;
                size_t sizes[4];
                bool inline_[4];
        } cases[] = {
            {"small ones stay inline", {1, 24, 100, 0}, {true, true, true}},
            {"zero bytes still get a distinct place", {0, 0, 8, 0}, {true, true, true}},
            {"the rest of the inline room",
             {AVB_ARENA_INLINE - 16, 16, 16, 0},
             {true, true, false}},
            {"larger than the inline room", {AVB_ARENA_INLINE + 1, 8, 0, 0}, {false, true}},
            {"larger than a block", {100000, 50000, 8, 0}, {false, false, true}},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                avb_arena a;
                void *prev = NULL;

                avb_arena_init(&a, 0);
                for (size_t j = 0; j < 4 && (cases[i].sizes[j] || j < 2); j++) {
                        size_t n = cases[i].sizes[j];
                        unsigned char *p = a.allocator.alloc(a.allocator.allocator_data, n);

                        if (!p)
                                fail_msg("%s: allocation %zu failed", cases[i].what, j);
                        if (in_inline(&a, p) != cases[i].inline_[j])
                                fail_msg("%s: allocation %zu %s inline", cases[i].what, j,
                                         cases[i].inline_[j] ? "not" : "wrongly");
                        if ((uintptr_t)p % _Alignof(max_align_t))
                                fail_msg("%s: allocation %zu misaligned", cases[i].what, j);
                        if (p == prev)
                                fail_msg("%s: allocation %zu given twice", cases[i].what, j);
                        memset(p, 0xa5, n); /* ASan: the whole size is usable */
                        a.allocator.free(a.allocator.allocator_data, p); /* a no-op */
                        prev = p;
                }
                avb_arena_fini(&a);
                assert_null(a.blocks);
        }
}

/* protobuf-c unpacks through it: small messages inline, large ones in blocks, freed at once. */
static void test_unpack(void **state)
{
        static const size_t lens[] = {0, 10, AVB_ARENA_INLINE - 200, AVB_ARENA_INLINE * 3, 100000};
        static const bool inline_[] = {true, true, true, false, false};

        (void)state;
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
                Avb__MetaReply m = AVB__META_REPLY__INIT, *u;
                char *hash = malloc(lens[i] + 1);
                uint8_t *wire;
                size_t n;
                avb_arena a;

                assert_non_null(hash);
                memset(hash, 'h', lens[i]);
                hash[lens[i]] = '\0';
                m.version = 7;
                m.hash = hash;
                n = protobuf_c_message_get_packed_size(&m.base);
                wire = malloc(n ? n : 1);
                assert_non_null(wire);
                protobuf_c_message_pack(&m.base, wire);
                avb_arena_init(&a, 0);
                u = avb__meta_reply__unpack(&a.allocator, n, wire);
                assert_non_null(u);
                assert_int_equal(u->version, 7);
                assert_string_equal(u->hash, hash);
                if (lens[i]) /* an empty string is protobuf-c's static default */
                        assert_int_equal(in_inline(&a, u->hash), inline_[i]);
                avb_arena_fini(&a);
                /* Bytes that are not a message: refused, nothing kept. */
                avb_arena_init(&a, 0);
                wire[0] = 0xff;
                (void)avb__meta_reply__unpack(&a.allocator, n, wire);
                avb_arena_fini(&a);
                assert_null(a.blocks);
                free(wire);
                free(hash);
        }
}

/* @SensitiveData: what the message used is zeroed before it is released. */
static void test_sensitive(void **state)
{
        static const struct {
                uint32_t flags;
                bool zeroed;
        } cases[] = {{0, false}, {AVB_METHOD_SENSITIVE, true}};

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                avb_arena a;
                unsigned char *p;
                bool zero = true;

                avb_arena_init(&a, cases[i].flags);
                p = a.allocator.alloc(a.allocator.allocator_data, 64);
                memset(p, 0x5a, 64);
                avb_arena_fini(&a);
                for (size_t j = 0; j < 64; j++)
                        zero = zero && p[j] == 0; /* p is inside `a`, still alive */
                assert_int_equal(zero, cases[i].zeroed);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_placement),
            cmocka_unit_test(test_unpack),
            cmocka_unit_test(test_sensitive),
        };
        return cmocka_run_group_tests_name("rpc arena", tests, NULL, NULL);
}
