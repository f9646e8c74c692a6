/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The secure heap's copier process (heap_copier.h): writes from a source and
 * scrubs are exact through it, the test's own mapping stays PROT_NONE, the
 * process maps the source read-only and runs under its seccomp filter, a
 * killed or stopped copier costs nothing but speed (the call falls back,
 * the process is reaped and replaced), no copier at all still works, and
 * the process itself refuses every malformed request without dying.
 *
 * Needs $AVB_HEAP_COPIER (the meson test setups set it to this build's).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "heap.h"
#include "heap_copier.h"
#include "heap_copier_proto.h"

#define HEAP_BYTES (4u << 20)
#define SRC_BYTES  (2u << 20)

extern char **environ;

struct fixture {
        struct avb_heap *heap;
        int src_fd;
        uint8_t *src; /* the "server's" read-write mapping of the source */
        int id;
};

static void fill(uint8_t *p, size_t n, unsigned seed)
{
        uint32_t x = seed * 2654435761u + 1;

        for (size_t i = 0; i < n; i++) {
                x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                p[i] = (uint8_t)x;
        }
}

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        assert_int_equal(avb_heap_new(NULL, HEAP_BYTES, true, &f->heap), 0);
        f->src_fd = memfd_create("test-source", MFD_CLOEXEC);
        assert_true(f->src_fd >= 0);
        assert_int_equal(ftruncate(f->src_fd, SRC_BYTES), 0);
        f->src = mmap(NULL, SRC_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, f->src_fd, 0);
        assert_true(f->src != MAP_FAILED);
        assert_int_equal(avb_heap_source_attach(f->heap, f->src_fd, f->src, SRC_BYTES, &f->id), 0);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        avb_heap_source_detach(f->heap, f->id);
        avb_heap_free(f->heap);
        munmap(f->src, SRC_BYTES);
        close(f->src_fd);
        free(f);
        return 0;
}

/* The heap's bytes [off, off + n) equal want. */
static void expect_heap(struct avb_heap *heap, size_t off, const uint8_t *want, size_t n)
{
        uint8_t *got = malloc(n);

        assert_non_null(got);
        assert_int_equal(avb_heap_read_for_vendor(heap, off, got, n), 0);
        assert_memory_equal(got, want, n);
        free(got);
}

/* The permissions of the mapping in /proc/PID/maps whose line contains name, or "" */
static void maps_perms(pid_t pid, const char *name, char perms[5])
{
        char path[64], line[512];
        FILE *fp;

        snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
        fp = fopen(path, "r");
        perms[0] = '\0';
        while (fp && fgets(line, sizeof(line), fp))
                if (strstr(line, name) && sscanf(line, "%*s %4s", perms) == 1)
                        break;
        if (fp)
                fclose(fp);
}

/*
 * CPU time the process has used (ns, /proc/PID/schedstat): it grows only
 * while the process serves requests, since it sleeps in recvmsg otherwise.
 */
static unsigned long long copier_cpu_ns(pid_t pid)
{
        char path[64];
        unsigned long long ns = 0;
        FILE *fp;

        snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
        fp = fopen(path, "r");
        if (fp && fscanf(fp, "%llu", &ns) != 1)
                ns = 0;
        if (fp)
                fclose(fp);
        return ns;
}

static pid_t copier_pid(const struct fixture *f)
{
        return (pid_t)avb_heap_memfd_copier_pid(f->heap);
}

static void sleep_ms(long ms)
{
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* ── exact writes, through the process ───────────────────────────────────── */

static const struct {
        const char *what;
        size_t dst, src, len;
} write_cases[] = {
    {"one byte", 0, 0, 1},
    {"unaligned both sides", 4097, 3, 10001},
    {"one slice", 65536, 0, 1u << 20},
    {"more than a slice (split)", 1u << 20, 12345, (3u << 19) + 7},
    {"the whole source", HEAP_BYTES - SRC_BYTES, 0, SRC_BYTES},
    {"the heap's last byte", HEAP_BYTES - 1, SRC_BYTES - 1, 1},
};

static void test_write_table(void **state)
{
        struct fixture *f = *state;
        char perms[5];
        pid_t pid = copier_pid(f);

        uint8_t *decoy = malloc(SRC_BYTES);
        int id;

        /*
         * A second source whose "server mapping" is a decoy: the memfd holds
         * the bytes, the decoy others. Only a copy made from the descriptor,
         * in the process, puts the memfd's bytes into the heap.
         */
        assert_non_null(decoy);
        memset(decoy, 0xa5, SRC_BYTES);
        assert_int_equal(avb_heap_source_attach(f->heap, f->src_fd, decoy, SRC_BYTES, &id), 0);
        assert_true(pid > 0);
        for (size_t i = 0; i < sizeof(write_cases) / sizeof(write_cases[0]); i++) {
                fill(f->src, SRC_BYTES, (unsigned)i + 1);
                print_message("  %s\n", write_cases[i].what);
                assert_int_equal(avb_heap_write_source(f->heap, write_cases[i].dst, id,
                                                       write_cases[i].src, write_cases[i].len),
                                 0);
                expect_heap(f->heap, write_cases[i].dst, f->src + write_cases[i].src,
                            write_cases[i].len);
        }
        assert_int_equal(copier_pid(f), pid);
        avb_heap_source_detach(f->heap, id);
        free(decoy);
        /* Here the heap is still unreadable; there, the source is read-only. */
        maps_perms(getpid(), "avbuffer-secure-heap", perms);
        assert_string_equal(perms, "---s");
        maps_perms(pid, "test-source", perms);
        assert_string_equal(perms, "r--s");
        maps_perms(pid, "avbuffer-secure-heap", perms);
        assert_string_equal(perms, "rw-s");
}

static void test_scrub(void **state)
{
        struct fixture *f = *state;
        uint8_t *want = calloc(1, 3u << 20);

        unsigned long long cpu;

        assert_non_null(want);
        fill(f->src, SRC_BYTES, 99);
        assert_int_equal(avb_heap_write_source(f->heap, 0, f->id, 0, SRC_BYTES), 0);
        assert_int_equal(avb_heap_write_source(f->heap, SRC_BYTES, f->id, 0, SRC_BYTES), 0);
        cpu = copier_cpu_ns(copier_pid(f));
        assert_true(cpu > 0);
        /* 3 MiB less two bytes from byte 1: split into slices; the ends stay. */
        assert_int_equal(avb_heap_scrub(f->heap, 1, (3u << 20) - 2), 0);
        want[0] = f->src[0];
        want[(3u << 20) - 1] = f->src[(1u << 20) - 1];
        expect_heap(f->heap, 0, want, 3u << 20);
        assert_true(copier_cpu_ns(copier_pid(f)) > cpu); /* the zeroing ran there */
        free(want);
}

static void test_bad_ranges(void **state)
{
        struct fixture *f = *state;
        static const struct {
                const char *what;
                size_t dst, src, len;
                int id_delta;
        } cases[] = {
            {"source end passed", 0, SRC_BYTES - 10, 11, 0},
            {"source offset beyond", 0, SRC_BYTES + 1, 1, 0},
            {"source offset wraps", 0, SIZE_MAX - 2, 8, 0},
            {"heap end passed", HEAP_BYTES - 10, 0, 11, 0},
            {"heap offset wraps", SIZE_MAX - 2, 0, 8, 0},
            {"unknown source", 0, 0, 16, 1},
            {"negative source", 0, 0, 16, -1000},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_int_equal(avb_heap_write_source(f->heap, cases[i].dst,
                                                       f->id + cases[i].id_delta, cases[i].src,
                                                       cases[i].len),
                                 -EINVAL);
        assert_true(copier_pid(f) > 0);
}

/* ── a lost copier ───────────────────────────────────────────────────────── */

static void write_and_check(struct fixture *f, unsigned seed)
{
        fill(f->src, SRC_BYTES, seed);
        assert_int_equal(avb_heap_write_source(f->heap, 4096, f->id, 0, SRC_BYTES), 0);
        expect_heap(f->heap, 4096, f->src, SRC_BYTES);
}

static bool reaped(pid_t pid)
{
        return kill(pid, 0) < 0 && errno == ESRCH;
}

/*
 * sig: SIGKILL (the process dies) or SIGSTOP (it stops answering). Either
 * way the next write is exact anyway, the old process is gone when it
 * returns, and a new one takes over after AVB_COPIER_RESTART_MS with the
 * source attached again.
 */
static void lose_copier(struct fixture *f, int sig)
{
        pid_t old = copier_pid(f), now;
        char perms[5];

        assert_true(old > 0);
        assert_int_equal(kill(old, sig), 0);
        write_and_check(f, 7);
        assert_true(reaped(old));
        assert_int_equal(copier_pid(f), -1);
        sleep_ms(AVB_COPIER_RESTART_MS + 100);
        write_and_check(f, 8);
        now = copier_pid(f);
        assert_true(now > 0 && now != old);
        maps_perms(now, "test-source", perms);
        assert_string_equal(perms, "r--s");
        assert_int_equal(avb_heap_scrub(f->heap, 4096, 100), 0);
        assert_int_equal(copier_pid(f), now);
}

static void test_killed(void **state)
{
        lose_copier(*state, SIGKILL);
}

static void test_stopped(void **state)
{
        lose_copier(*state, SIGSTOP);
}

static void test_no_program(void **state)
{
        const char *saved = getenv("AVB_HEAP_COPIER");
        char *keep = saved ? strdup(saved) : NULL;
        struct fixture *f;

        (void)state;
        setenv("AVB_HEAP_COPIER", "/nonexistent/avb-heap-copier", 1);
        setup((void **)&f);
        assert_int_equal(copier_pid(f), -1);
        write_and_check(f, 3);
        assert_int_equal(avb_heap_scrub(f->heap, 4096, 100), 0);
        expect_heap(f->heap, 4196, f->src + 100, 1000);
        teardown((void **)&f);
        if (keep)
                setenv("AVB_HEAP_COPIER", keep, 1);
        free(keep);
}

/* The process runs with no_new_privs and a seccomp filter (not in sanitizer builds). */
static void test_confined(void **state)
{
        struct fixture *f = *state;
        char path[64], line[256];
        int seccomp = -1, nnp = -1;
        FILE *fp;

#if defined(__SANITIZE_ADDRESS__)
        skip();
#endif
        snprintf(path, sizeof(path), "/proc/%d/status", (int)copier_pid(f));
        fp = fopen(path, "r");
        assert_non_null(fp);
        while (fgets(line, sizeof(line), fp)) {
                sscanf(line, "Seccomp: %d", &seccomp);
                sscanf(line, "NoNewPrivs: %d", &nnp);
        }
        fclose(fp);
        assert_int_equal(nnp, 1);
        assert_int_equal(seccomp, 2); /* SECCOMP_MODE_FILTER */
}

/* ── the process against malformed requests ──────────────────────────────── */

struct raw {
        pid_t pid;
        int ctl;
        int heap_fd;
        uint8_t *heap; /* this test's view of the heap memfd */
};

static void raw_start(struct raw *r)
{
        posix_spawn_file_actions_t fa;
        const char *prog = getenv("AVB_HEAP_COPIER");
        char *argv[] = {(char *)prog, NULL};
        struct avb_copier_rep ready;
        int sv[2];

        assert_non_null(prog);
        r->heap_fd = memfd_create("raw-heap", MFD_CLOEXEC);
        assert_true(r->heap_fd >= 0);
        assert_int_equal(ftruncate(r->heap_fd, 1u << 20), 0);
        r->heap = mmap(NULL, 1u << 20, PROT_READ | PROT_WRITE, MAP_SHARED, r->heap_fd, 0);
        assert_true(r->heap != MAP_FAILED);
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, r->heap_fd, AVB_COPIER_HEAP_FD);
        posix_spawn_file_actions_adddup2(&fa, sv[1], AVB_COPIER_CTL_FD);
        posix_spawn_file_actions_addclosefrom_np(&fa, AVB_COPIER_CTL_FD + 1);
        assert_int_equal(posix_spawn(&r->pid, prog, &fa, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&fa);
        close(sv[1]);
        r->ctl = sv[0];
        assert_int_equal(recv(r->ctl, &ready, sizeof(ready), 0), (ssize_t)sizeof(ready));
        assert_int_equal(ready.status, 0);
}

/* Sends len bytes of msg (with fd unless -1); the reply's status. */
static int raw_call(struct raw *r, const void *msg, size_t len, int fd)
{
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
        struct avb_copier_rep rep;

        if (fd >= 0) {
                struct cmsghdr *cm;

                memset(&ctl, 0, sizeof(ctl));
                m.msg_control = ctl.buf;
                m.msg_controllen = sizeof(ctl.buf);
                cm = CMSG_FIRSTHDR(&m);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(cm), &fd, sizeof(int));
        }
        assert_int_equal(sendmsg(r->ctl, &m, MSG_NOSIGNAL), (ssize_t)len);
        assert_int_equal(recv(r->ctl, &rep, sizeof(rep), 0), (ssize_t)sizeof(rep));
        return rep.status;
}

enum { FD_NONE, FD_SOURCE, FD_HEAP };

static void test_protocol_table(void **state)
{
        struct fixture *f = *state; /* its source memfd serves as the source here */
        const uint64_t M = 1u << 20;
        static const struct {
                const char *what;
                struct avb_copier_req req;
                size_t len; /* bytes sent; 0: the whole request */
                int fd;
                int expect;
        } cases[] = {
            {"attach slot 0", {AVB_COPIER_ATTACH, 0, 0, 0, SRC_BYTES}, 0, FD_SOURCE, 0},
            {"attach it again", {AVB_COPIER_ATTACH, 0, 0, 0, SRC_BYTES}, 0, FD_SOURCE, -EINVAL},
            {"attach without a descriptor", {AVB_COPIER_ATTACH, 1, 0, 0, 4096}, 0, FD_NONE, -EBADF},
            {"attach past the memfd's size",
             {AVB_COPIER_ATTACH, 1, 0, 0, SRC_BYTES + 1},
             0,
             FD_SOURCE,
             -EINVAL},
            {"attach 0 bytes", {AVB_COPIER_ATTACH, 1, 0, 0, 0}, 0, FD_SOURCE, -EINVAL},
            {"attach slot 64",
             {AVB_COPIER_ATTACH, AVB_COPIER_MAX_SOURCES, 0, 0, 4096},
             0,
             FD_SOURCE,
             -EINVAL},
            {"short request", {AVB_COPIER_WRITE, 0, 0, 0, 16}, 4, FD_NONE, -EINVAL},
            {"unknown op", {99, 0, 0, 0, 16}, 0, FD_NONE, -EINVAL},
            {"descriptor with a write", {AVB_COPIER_WRITE, 0, 0, 0, 16}, 0, FD_HEAP, -EINVAL},
            {"write from a free slot", {AVB_COPIER_WRITE, 5, 0, 0, 16}, 0, FD_NONE, -EINVAL},
            {"write from slot 2^32-1",
             {AVB_COPIER_WRITE, UINT32_MAX, 0, 0, 16},
             0,
             FD_NONE,
             -EINVAL},
            {"write 0 bytes", {AVB_COPIER_WRITE, 0, 0, 0, 0}, 0, FD_NONE, -EINVAL},
            {"write above the limit", {AVB_COPIER_WRITE, 0, 0, 0, M + 1}, 0, FD_NONE, -EINVAL},
            {"write past the heap", {AVB_COPIER_WRITE, 0, M - 8, 0, 16}, 0, FD_NONE, -EINVAL},
            {"write past the source",
             {AVB_COPIER_WRITE, 0, 0, SRC_BYTES - 8, 16},
             0,
             FD_NONE,
             -EINVAL},
            {"heap offset wraps",
             {AVB_COPIER_WRITE, 0, UINT64_MAX - 4, 0, 16},
             0,
             FD_NONE,
             -EINVAL},
            {"source offset wraps",
             {AVB_COPIER_WRITE, 0, 0, UINT64_MAX - 4, 16},
             0,
             FD_NONE,
             -EINVAL},
            {"zero past the heap", {AVB_COPIER_ZERO, 0, M, 0, 1}, 0, FD_NONE, -EINVAL},
            {"detach a free slot", {AVB_COPIER_DETACH, 9, 0, 0, 0}, 0, FD_NONE, -EINVAL},
            {"a good write after all that", {AVB_COPIER_WRITE, 0, 100, 200, 5000}, 0, FD_NONE, 0},
        };
        uint8_t big[64] = {AVB_COPIER_WRITE};
        struct raw r;
        int status;

        raw_start(&r);
        fill(f->src, SRC_BYTES, 42);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int fd = cases[i].fd == FD_SOURCE ? f->src_fd
                         : cases[i].fd == FD_HEAP ? r.heap_fd
                                                  : -1;
                size_t len = cases[i].len ? cases[i].len : sizeof(cases[i].req);

                print_message("  %s\n", cases[i].what);
                assert_int_equal(raw_call(&r, &cases[i].req, len, fd), cases[i].expect);
        }
        assert_memory_equal(r.heap + 100, f->src + 200, 5000);
        /* A request longer than any is refused as well, and the process still serves. */
        assert_int_equal(raw_call(&r, big, sizeof(big), -1), -EINVAL);
        struct avb_copier_req zero = {AVB_COPIER_ZERO, 0, 100, 0, 5000};
        assert_int_equal(raw_call(&r, &zero, sizeof(zero), -1), 0);
        assert_int_equal(r.heap[100] | r.heap[5099], 0);
        /* The server going away ends it. */
        close(r.ctl);
        assert_int_equal(waitpid(r.pid, &status, 0), r.pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        munmap(r.heap, 1u << 20);
        close(r.heap_fd);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_write_table, setup, teardown),
            cmocka_unit_test_setup_teardown(test_scrub, setup, teardown),
            cmocka_unit_test_setup_teardown(test_bad_ranges, setup, teardown),
            cmocka_unit_test_setup_teardown(test_confined, setup, teardown),
            cmocka_unit_test_setup_teardown(test_killed, setup, teardown),
            cmocka_unit_test_setup_teardown(test_stopped, setup, teardown),
            cmocka_unit_test(test_no_program),
            cmocka_unit_test_setup_teardown(test_protocol_table, setup, teardown),
        };

        if (!getenv("AVB_HEAP_COPIER")) {
                fprintf(stderr, "AVB_HEAP_COPIER is not set: run through meson test\n");
                return 1;
        }
        return cmocka_run_group_tests(tests, NULL, NULL);
}
