/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Heap tests: carving, the 0-byte heap, the memfd seals and fd rules, the
 * secure mapping (PROT_NONE outside copies, guard pages), scrubbing, the copy
 * policy, bounds, and the generic layer over a custom backing.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "heap.h"

static struct avb_heap *heap_make(size_t size, bool secure)
{
        struct avb_heap *heap = NULL;

        assert_int_equal(avb_heap_new(NULL, size, secure, &heap), 0);
        return heap;
}

/* ── carve/release table ─────────────────────────────────────────────────── */

enum { CARVE, RELEASE };

static const struct {
        int op;
        size_t size_or_off, align;
        int expect;
        size_t offset; /* for CARVE */
        size_t used;   /* bytes used afterwards */
} carve_cases[] = {
    {CARVE, 4096, 4096, 0, 0, 4096},
    {CARVE, 100, 64, 0, 4096, 4196},
    {CARVE, 8192, 4096, 0, 8192, 12388},
    {CARVE, 0, 64, -EINVAL, 0, 12388},
    {CARVE, 64, 48, -EINVAL, 0, 12388},
    {RELEASE, 4096, 0, 0, 0, 12288},
    {RELEASE, 4096, 0, -ENOENT, 0, 12288},
    {CARVE, 64, 64, 0, 4096, 12352},   /* first fit: back into the gap */
    {CARVE, 4000, 64, 0, 4160, 16352}, /* the rest of that gap */
    {CARVE, 65536, 64, 0, 16384, 81888},
    {CARVE, 65536, 64, -ENOMEM, 0, 81888}, /* 65536 + 65536 > 100000 */
    {RELEASE, 0, 0, 0, 0, 77792},
    {CARVE, 4097, 1, 0, 81920, 81889}, /* too big for the gap at 0 */
    {CARVE, 4096, 1, 0, 0, 85985},
    {CARVE, 20000, 1, -ENOMEM, 0, 85985},
};

static void test_carve_table(void **state)
{
        struct avb_heap *heap = heap_make(100000, false);
        size_t i;

        (void)state;
        for (i = 0; i < sizeof(carve_cases) / sizeof(carve_cases[0]); i++) {
                size_t off = 12345;
                int r;

                if (carve_cases[i].op == CARVE) {
                        r = avb_heap_carve(heap, carve_cases[i].size_or_off, carve_cases[i].align,
                                           &off);
                        assert_int_equal(r, carve_cases[i].expect);
                        assert_int_equal(off, r == 0 ? carve_cases[i].offset : 12345);
                } else {
                        r = avb_heap_release(heap, carve_cases[i].size_or_off);
                        assert_int_equal(r, carve_cases[i].expect);
                }
                assert_int_equal(avb_heap_bytes_used(heap), carve_cases[i].used);
        }
        avb_heap_free(heap);
        avb_heap_free(NULL);
}

static void test_zero_heap(void **state)
{
        struct avb_heap *heap = heap_make(0, true);
        size_t off;
        char b = 0;

        (void)state;
        assert_int_equal(avb_heap_size(heap), 0);
        assert_int_equal(avb_heap_bytes_used(heap), 0);
        assert_int_equal(avb_heap_carve(heap, 1, 1, &off), -ENOMEM);
        assert_int_equal(avb_heap_vendor_fd(heap), -ENODEV);
        assert_int_equal(avb_heap_write(heap, 0, &b, 1), -EINVAL);
        assert_null(avb_heap_memfd_base(heap));
        avb_heap_free(heap);

        heap = heap_make(0, false);
        assert_int_equal(avb_heap_fd(heap), -ENODEV);
        avb_heap_free(heap);
}

static void check_seals_and_size(int fd, off_t size)
{
        struct stat st;

        assert_true(fd >= 0);
        assert_int_equal(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
        assert_int_equal(fstat(fd, &st), 0);
        assert_int_equal(st.st_size, size);
        assert_int_equal(ftruncate(fd, size / 2), -1); /* sealed */
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

static void test_nonsecure_fd_shared(void **state)
{
        struct avb_heap *heap = heap_make(16000000, false);
        int fd = avb_heap_fd(heap);
        char out[6] = {0};
        uint8_t *client;

        (void)state;
        check_seals_and_size(fd, 16000000);
        assert_int_equal(avb_heap_vendor_fd(heap), fd);
        /* What a client does: map the whole heap once from the fd. */
        client = mmap(NULL, 16000000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        assert_true(client != MAP_FAILED);
        assert_int_equal(avb_heap_write(heap, 15999995, "hello", 5), 0);
        assert_memory_equal(client + 15999995, "hello", 5);
        memcpy(client + 100, "world", 5);
        assert_int_equal(avb_heap_read_for_vendor(heap, 100, out, 5), 0);
        assert_string_equal(out, "world");
        assert_int_equal(avb_heap_write(heap, 15999996, "hello", 5), -EINVAL);
        assert_int_equal(avb_heap_write(heap, SIZE_MAX, "h", 1), -EINVAL);
        munmap(client, 16000000);
        avb_heap_free(heap);
}

/* ── the secure mapping ──────────────────────────────────────────────────── */

/* Permissions of the /proc/self/maps line holding addr, e.g. "---s". */
static void map_perms(const void *addr, char perms[5])
{
        FILE *f = fopen("/proc/self/maps", "r");
        char line[512];

        assert_non_null(f);
        strcpy(perms, "none");
        while (fgets(line, sizeof(line), f)) {
                unsigned long lo, hi;
                char p[5];

                if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) != 3)
                        continue;
                if ((uintptr_t)addr >= lo && (uintptr_t)addr < hi) {
                        memcpy(perms, p, 5);
                        break;
                }
        }
        fclose(f);
}

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
        siglongjmp(fault_jmp, sig);
}

/* Whether reading *p faults. */
static bool read_faults(const volatile uint8_t *p)
{
        struct sigaction sa = {.sa_handler = on_fault}, old_segv, old_bus;
        volatile bool faulted = false;

        sigemptyset(&sa.sa_mask);
        sigaction(SIGSEGV, &sa, &old_segv);
        sigaction(SIGBUS, &sa, &old_bus);
        if (sigsetjmp(fault_jmp, 1) == 0)
                (void)*p;
        else
                faulted = true;
        sigaction(SIGSEGV, &old_segv, NULL);
        sigaction(SIGBUS, &old_bus, NULL);
        return faulted;
}

static void test_secure_mapping(void **state)
{
        struct avb_heap *heap = heap_make(100000, true);
        uint8_t *base = avb_heap_memfd_base(heap);
        long page = sysconf(_SC_PAGESIZE);
        char perms[5], buf[16];

        (void)state;
        assert_non_null(base);
        assert_int_equal(avb_heap_fd(heap), -EPERM);
        check_seals_and_size(avb_heap_vendor_fd(heap), 100000);

        map_perms(base, perms);
        assert_string_equal(perms, "---s");
        map_perms(base - page, perms); /* guard before */
        assert_string_equal(perms, "---p");
        map_perms(base + ((100000 + page - 1) / page) * page, perms); /* guard after */
        assert_string_equal(perms, "---p");
        assert_true(read_faults(base));
        assert_true(read_faults(base + 99999));

        /* A write opens a window and closes it again. */
        assert_int_equal(avb_heap_write(heap, 5000, "secret", 6), 0);
        map_perms(base + 5000, perms);
        assert_string_equal(perms, "---s");
        assert_true(read_faults(base + 5000));
        assert_int_equal(avb_heap_read_for_vendor(heap, 5000, buf, 6), 0);
        assert_memory_equal(buf, "secret", 6);
        assert_true(read_faults(base + 5000));

        /* Scrub zeroes the range, and only it. */
        assert_int_equal(avb_heap_write(heap, 5006, "XY", 2), 0);
        assert_int_equal(avb_heap_scrub(heap, 5000, 6), 0);
        assert_int_equal(avb_heap_read_for_vendor(heap, 5000, buf, 8), 0);
        assert_memory_equal(buf, "\0\0\0\0\0\0XY", 8);
        map_perms(base + 5000, perms);
        assert_string_equal(perms, "---s");
        avb_heap_free(heap);
}

/* ── copy policy table ───────────────────────────────────────────────────── */

static const struct {
        bool src_secure, dst_secure;
        int expect;
} copy_cases[] = {
    {false, false, 0},
    {false, true, 0},
    {true, true, 0},
    {true, false, -EPERM},
};

static void test_copy_policy_table(void **state)
{
        struct avb_heap *heaps[2] = {heap_make(65536, false), heap_make(65536, true)};
        size_t i;

        (void)state;
        for (i = 0; i < sizeof(copy_cases) / sizeof(copy_cases[0]); i++) {
                struct avb_heap *src = heaps[copy_cases[i].src_secure];
                struct avb_heap *dst = heaps[copy_cases[i].dst_secure];
                char buf[8] = {0};

                assert_int_equal(avb_heap_write(src, 0, "payload", 7), 0);
                assert_int_equal(avb_heap_scrub(dst, 8192, 8), 0);
                assert_int_equal(avb_heap_copy(dst, 8192, src, 0, 7), copy_cases[i].expect);
                assert_int_equal(avb_heap_read_for_vendor(dst, 8192, buf, 7), 0);
                if (copy_cases[i].expect == 0)
                        assert_string_equal(buf, "payload");
                else
                        assert_memory_equal(buf, "\0\0\0\0\0\0\0", 7); /* nothing leaked */
        }
        /* Bounds on either side. */
        assert_int_equal(avb_heap_copy(heaps[1], 65530, heaps[0], 0, 7), -EINVAL);
        assert_int_equal(avb_heap_copy(heaps[1], 0, heaps[0], 65530, 7), -EINVAL);
        /* Overlap inside one secure heap behaves as memmove. */
        assert_int_equal(avb_heap_write(heaps[1], 100, "abcdef", 6), 0);
        assert_int_equal(avb_heap_copy(heaps[1], 102, heaps[1], 100, 4), 0);
        {
                char buf[7] = {0};

                assert_int_equal(avb_heap_read_for_vendor(heaps[1], 100, buf, 6), 0);
                assert_string_equal(buf, "ababcd");
        }
        avb_heap_free(heaps[0]);
        avb_heap_free(heaps[1]);
}

/* ── a custom backing without copy/fd: the generic layer's own paths ─────── */

struct mem_backing {
        uint8_t *bytes;
        int scrubs;
};

static int mem_open(size_t size, bool secure, void **ret_priv)
{
        struct mem_backing *m = calloc(1, sizeof(*m));

        (void)secure;
        m->bytes = calloc(1, size);
        *ret_priv = m;
        return 0;
}

static void mem_close(void *priv)
{
        struct mem_backing *m = priv;

        free(m->bytes);
        free(m);
}

static int mem_write(void *priv, size_t off, const void *src, size_t len)
{
        memcpy(((struct mem_backing *)priv)->bytes + off, src, len);
        return 0;
}

static int mem_read(void *priv, size_t off, void *dst, size_t len)
{
        memcpy(dst, ((struct mem_backing *)priv)->bytes + off, len);
        return 0;
}

static int mem_scrub(void *priv, size_t off, size_t len)
{
        ((struct mem_backing *)priv)->scrubs++;
        memset(((struct mem_backing *)priv)->bytes + off, 0, len);
        return 0;
}

static const struct avb_heap_ops mem_ops = {
    .name = "test-mem",
    .open = mem_open,
    .close = mem_close,
    .write = mem_write,
    .read = mem_read,
    .scrub = mem_scrub,
};

static const struct avb_heap_ops incomplete_ops = {
    .name = "incomplete",
    .open = mem_open,
    .close = mem_close,
    .write = mem_write,
};

static void test_custom_backing(void **state)
{
        struct avb_heap *a = NULL, *b = NULL;
        static uint8_t big[200000], back[200000];
        size_t i;

        (void)state;
        assert_int_equal(avb_heap_new(&incomplete_ops, 4096, false, &a), -EINVAL);
        assert_null(a);
        assert_int_equal(avb_heap_new(&mem_ops, 300000, false, &a), 0);
        assert_int_equal(avb_heap_new(&mem_ops, 300000, true, &b), 0);
        assert_int_equal(avb_heap_fd(a), -EOPNOTSUPP);
        assert_int_equal(avb_heap_vendor_fd(b), -EOPNOTSUPP);
        assert_null(avb_heap_memfd_base(a));
        for (i = 0; i < sizeof(big); i++)
                big[i] = (uint8_t)(i * 7 + 3);
        /* Larger than the bounce buffer: several chunks. */
        assert_int_equal(avb_heap_write(a, 1000, big, sizeof(big)), 0);
        assert_int_equal(avb_heap_copy(b, 50000, a, 1000, sizeof(big)), 0);
        assert_int_equal(avb_heap_read_for_vendor(b, 50000, back, sizeof(back)), 0);
        assert_memory_equal(big, back, sizeof(big));
        /* Overlapping forward copy inside one heap, through the bounce buffer. */
        assert_int_equal(avb_heap_copy(b, 60000, b, 50000, sizeof(big)), 0);
        assert_int_equal(avb_heap_read_for_vendor(b, 60000, back, sizeof(back)), 0);
        assert_memory_equal(big, back, sizeof(big));
        assert_int_equal(avb_heap_copy(a, 0, b, 0, 1), -EPERM);
        assert_int_equal(avb_heap_scrub(b, 0, 10), 0);
        avb_heap_free(a);
        avb_heap_free(b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_carve_table),         cmocka_unit_test(test_zero_heap),
            cmocka_unit_test(test_nonsecure_fd_shared), cmocka_unit_test(test_secure_mapping),
            cmocka_unit_test(test_copy_policy_table),   cmocka_unit_test(test_custom_backing),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
