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
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "heap.h"
#include "heap_copier.h"
#include "heap_copier_proto.h"
#include "heap_copier_seccomp.h"

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
        char path[64], stat[256];
        unsigned long long ns = 0;
        FILE *fp;

        /*
         * The kernel adds a running task's time at its next switch: wait
         * until it sleeps (after its spin), or the figure lags behind.
         */
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        for (int i = 0; i < 400; i++) {
                char *r = NULL;

                fp = fopen(path, "r");
                if (fp && fgets(stat, sizeof(stat), fp))
                        r = strrchr(stat, ')');
                if (fp)
                        fclose(fp);
                if (!r || r[1] != ' ' || r[2] != 'R')
                        break;
                usleep(5000);
        }
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
        /* none there; one that exits at once (never says it is up); one that is no copier */
        static const char *const programs[] = {"/nonexistent/avb-heap-copier", "/bin/true",
                                               "/bin/cat"};

        for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
                print_message("  %s\n", programs[i]);
                setenv("AVB_HEAP_COPIER", programs[i], 1);
                setup((void **)&f);
                assert_int_equal(copier_pid(f), -1);
                write_and_check(f, 3);
                assert_int_equal(avb_heap_scrub(f->heap, 4096, 100), 0);
                expect_heap(f->heap, 4196, f->src + 100, 1000);
                teardown((void **)&f);
        }
        if (keep)
                setenv("AVB_HEAP_COPIER", keep, 1);
        free(keep);
}

/* The process runs with no_new_privs and a seccomp filter (where this build installs one). */
static void test_confined(void **state)
{
        struct fixture *f = *state;
        char path[64], line[256];
        int seccomp = -1, nnp = -1;
        FILE *fp;

        if (!AVB_COPIER_FILTERED)
                skip();
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

/* Sends len bytes of msg on fd with n_fds descriptors. */
static void send_with_fds(int fd, const void *msg, size_t len, const int *fds, int n_fds)
{
        union {
                char buf[CMSG_SPACE(2 * sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

        if (n_fds > 0) {
                struct cmsghdr *cm;

                memset(&ctl, 0, sizeof(ctl));
                m.msg_control = ctl.buf;
                m.msg_controllen = CMSG_SPACE((size_t)n_fds * sizeof(int));
                cm = CMSG_FIRSTHDR(&m);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN((size_t)n_fds * sizeof(int));
                memcpy(CMSG_DATA(cm), fds, (size_t)n_fds * sizeof(int));
        }
        assert_int_equal(sendmsg(fd, &m, MSG_NOSIGNAL), (ssize_t)len);
}

/* One of avbufferd's requests; the reply's status. */
static int raw_call(struct raw *r, const void *msg, size_t len, const int *fds, int n_fds)
{
        struct avb_copier_rep rep;

        send_with_fds(r->ctl, msg, len, fds, n_fds);
        assert_int_equal(recv(r->ctl, &rep, sizeof(rep), 0), (ssize_t)sizeof(rep));
        return rep.status;
}

/* One client request (with one descriptor when fds); the reply's status. */
static int client_call(int fd, const void *msg, size_t len, const int *fds)
{
        struct avb_copier_client_rep rep;

        send_with_fds(fd, msg, len, fds, fds ? 1 : 0);
        assert_int_equal(recv(fd, &rep, sizeof(rep), 0), (ssize_t)sizeof(rep));
        assert_int_equal(rep.magic, AVB_COPIER_CLIENT_MAGIC);
        return rep.status;
}

enum { FD_NONE, FD_SOURCE, FD_HEAP, FD_CLIENT };

#define REQ(o, i, h, d, sr, l)                                                                     \
        {                                                                                          \
                .op = (o), .id = (i), .handle = (h), .dst_off = (d), .src_off = (sr), .len = (l)   \
        }

/* The heap (1 MiB) as the table leaves it; avbufferd's requests, then a client's. */
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
            {"attach slot 0 with a client", REQ(AVB_COPIER_ATTACH, 0, 0, 0, 0, SRC_BYTES), 0,
             FD_CLIENT, 0},
            {"attach it again", REQ(AVB_COPIER_ATTACH, 0, 0, 0, 0, SRC_BYTES), 0, FD_SOURCE,
             -EINVAL},
            {"attach without a descriptor", REQ(AVB_COPIER_ATTACH, 1, 0, 0, 0, 4096), 0, FD_NONE,
             -EBADF},
            {"attach past the memfd's size", REQ(AVB_COPIER_ATTACH, 1, 0, 0, 0, SRC_BYTES + 1), 0,
             FD_SOURCE, -EINVAL},
            {"attach 0 bytes", REQ(AVB_COPIER_ATTACH, 1, 0, 0, 0, 0), 0, FD_SOURCE, -EINVAL},
            {"attach slot 64", REQ(AVB_COPIER_ATTACH, AVB_COPIER_MAX_SOURCES, 0, 0, 0, 4096), 0,
             FD_SOURCE, -EINVAL},
            {"short request", REQ(AVB_COPIER_WRITE, 0, 0, 0, 0, 16), 4, FD_NONE, -EINVAL},
            {"unknown op", REQ(99, 0, 0, 0, 0, 16), 0, FD_NONE, -EINVAL},
            {"descriptor with a write", REQ(AVB_COPIER_WRITE, 0, 0, 0, 0, 16), 0, FD_HEAP, -EINVAL},
            {"write from a free slot", REQ(AVB_COPIER_WRITE, 5, 0, 0, 0, 16), 0, FD_NONE, -EINVAL},
            {"write from slot 2^32-1", REQ(AVB_COPIER_WRITE, UINT32_MAX, 0, 0, 0, 16), 0, FD_NONE,
             -EINVAL},
            {"write 0 bytes", REQ(AVB_COPIER_WRITE, 0, 0, 0, 0, 0), 0, FD_NONE, -EINVAL},
            {"write above the limit", REQ(AVB_COPIER_WRITE, 0, 0, 0, 0, M + 1), 0, FD_NONE,
             -EINVAL},
            {"write past the heap", REQ(AVB_COPIER_WRITE, 0, 0, M - 8, 0, 16), 0, FD_NONE, -EINVAL},
            {"write past the source", REQ(AVB_COPIER_WRITE, 0, 0, 0, SRC_BYTES - 8, 16), 0, FD_NONE,
             -EINVAL},
            {"heap offset wraps", REQ(AVB_COPIER_WRITE, 0, 0, UINT64_MAX - 4, 0, 16), 0, FD_NONE,
             -EINVAL},
            {"source offset wraps", REQ(AVB_COPIER_WRITE, 0, 0, 0, UINT64_MAX - 4, 16), 0, FD_NONE,
             -EINVAL},
            {"zero past the heap", REQ(AVB_COPIER_ZERO, 0, 0, M, 0, 1), 0, FD_NONE, -EINVAL},
            {"detach a free slot", REQ(AVB_COPIER_DETACH, 9, 0, 0, 0, 0), 0, FD_NONE, -EINVAL},
            {"live: handle 0", REQ(AVB_COPIER_LIVE, 0, 0, 0, 0, 16), 0, FD_NONE, -EINVAL},
            {"live: 0 bytes", REQ(AVB_COPIER_LIVE, 0, 7, 0, 0, 0), 0, FD_NONE, -EINVAL},
            {"live: past the heap", REQ(AVB_COPIER_LIVE, 0, 7, M - 8, 0, 16), 0, FD_NONE, -EINVAL},
            {"live: wrapping", REQ(AVB_COPIER_LIVE, 0, 7, UINT64_MAX - 4, 0, 16), 0, FD_NONE,
             -EINVAL},
            {"live: buffer 7 at 64 KiB, 8 KiB", REQ(AVB_COPIER_LIVE, 0, 7, 65536, 0, 8192), 0,
             FD_NONE, 0},
            {"live: buffer 9 at 128 KiB, 4 KiB", REQ(AVB_COPIER_LIVE, 0, 9, 131072, 0, 4096), 0,
             FD_NONE, 0},
            {"gone: buffer 9", REQ(AVB_COPIER_GONE, 0, 9, 0, 0, 0), 0, FD_NONE, 0},
            {"gone: never live", REQ(AVB_COPIER_GONE, 0, 12345, 0, 0, 0), 0, FD_NONE, 0},
            {"a good write after all that", REQ(AVB_COPIER_WRITE, 0, 0, 100, 200, 5000), 0, FD_NONE,
             0},
        };
#define CREQ(h, o, so, sz)                                                                         \
        {                                                                                          \
                .magic = AVB_COPIER_CLIENT_MAGIC, .op = AVB_COPIER_CLIENT_WRITE, .handle = (h),    \
                .offset = (o), .staging_offset = (so), .size = (sz)                                \
        }
        static const struct {
                const char *what;
                struct avb_copier_client_req req;
                size_t len; /* 0: the whole request */
                bool with_fd;
                int expect;
        } client_cases[] = {
            {"the whole buffer", CREQ(7, 0, 300, 8192), 0, false, 0},
            {"a retired buffer", CREQ(9, 0, 0, 16), 0, false, -ENOENT},
            {"an unknown buffer", CREQ(8, 0, 0, 16), 0, false, -ENOENT},
            {"past the buffer's end", CREQ(7, 8000, 0, 193), 0, false, -ERANGE},
            {"offset beyond the buffer", CREQ(7, 0xfffffff0u, 0, 32), 0, false, -ERANGE},
            {"past the staging area", CREQ(7, 0, SRC_BYTES - 8, 16), 0, false, -EINVAL},
            {"staging offset wraps 32 bits", CREQ(7, 0, 0xffffff00u, 0x200), 0, false, -EINVAL},
            {"above the limit", CREQ(7, 0, 0, (1u << 20) + 1), 0, false, -EINVAL},
            {"0 bytes", CREQ(7, 0, 0, 0), 0, false, -EINVAL},
            {"short", CREQ(7, 0, 0, 16), 12, false, -EINVAL},
            {"a descriptor along", CREQ(7, 0, 0, 16), 0, true, -EINVAL},
            {"bad magic",
             {.magic = 1, .op = AVB_COPIER_CLIENT_WRITE, .handle = 7, .size = 16},
             0,
             false,
             -EINVAL},
            {"another op",
             {.magic = AVB_COPIER_CLIENT_MAGIC, .op = 1, .handle = 7, .size = 16},
             0,
             false,
             -EINVAL},
            {"reserved set",
             {.magic = AVB_COPIER_CLIENT_MAGIC,
              .op = AVB_COPIER_CLIENT_WRITE,
              .handle = 7,
              .size = 16,
              .reserved = 1},
             0,
             false,
             -EINVAL},
        };
        uint8_t big[64] = {AVB_COPIER_WRITE};
        struct raw r;
        int status, cv[2];

        raw_start(&r);
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cv), 0);
        fill(f->src, SRC_BYTES, 42);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int fds[2] = {-1, -1}, n_fds = 0;
                size_t len = cases[i].len ? cases[i].len : sizeof(cases[i].req);

                if (cases[i].fd == FD_SOURCE || cases[i].fd == FD_CLIENT)
                        fds[n_fds++] = f->src_fd;
                if (cases[i].fd == FD_CLIENT)
                        fds[n_fds++] = cv[1];
                if (cases[i].fd == FD_HEAP)
                        fds[n_fds++] = r.heap_fd;
                print_message("  %s\n", cases[i].what);
                assert_int_equal(raw_call(&r, &cases[i].req, len, fds, n_fds), cases[i].expect);
        }
        close(cv[1]);
        assert_memory_equal(r.heap + 100, f->src + 200, 5000);
        /* A request longer than any is refused as well, and the process still serves. */
        assert_int_equal(raw_call(&r, big, sizeof(big), NULL, 0), -EINVAL);
        struct avb_copier_req zero = REQ(AVB_COPIER_ZERO, 0, 0, 100, 0, 5000);
        assert_int_equal(raw_call(&r, &zero, sizeof(zero), NULL, 0), 0);
        assert_int_equal(r.heap[100] | r.heap[5099], 0);

        /* The client's connection: each request gets its status, the good one its bytes. */
        for (size_t i = 0; i < sizeof(client_cases) / sizeof(client_cases[0]); i++) {
                size_t len =
                    client_cases[i].len ? client_cases[i].len : sizeof(client_cases[i].req);
                int fds[1] = {r.heap_fd};

                print_message("  client: %s\n", client_cases[i].what);
                assert_int_equal(client_call(cv[0], &client_cases[i].req, len,
                                             client_cases[i].with_fd ? fds : NULL),
                                 client_cases[i].expect);
        }
        assert_memory_equal(r.heap + 65536, f->src + 300, 8192);

        /* A client that never reads its replies loses its connection, and only it. */
        struct avb_copier_client_req flood = CREQ(7, 0, 0, 16);
        size_t sent = 0;
        char sink[64];

        struct timeval tv = {.tv_sec = 30};
        ssize_t got;

        assert_int_equal(setsockopt(cv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
        assert_int_equal(setsockopt(cv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
        while (send(cv[0], &flood, sizeof(flood), MSG_NOSIGNAL) == (ssize_t)sizeof(flood))
                sent++;
        assert_true(errno == EPIPE || errno == ECONNRESET); /* not a timeout */
        assert_true(sent > 0);
        struct avb_copier_req live = REQ(AVB_COPIER_LIVE, 0, 11, 0, 0, 16);
        assert_int_equal(raw_call(&r, &live, sizeof(live), NULL, 0), 0); /* still serves */
        do /* the replies it sent, then the end */
                got = recv(cv[0], sink, sizeof(sink), 0);
        while (got > 0);
        assert_true(got == 0 || errno == ECONNRESET); /* the end, not a timeout */
        close(cv[0]);

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
