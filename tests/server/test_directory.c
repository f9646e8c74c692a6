/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client buffer directories: what a client is given can only be read, and
 * where the kernel cannot seal that in, no directory is given at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "directory.h"
#include "directory_format.h"

/* Whether any way a client has gives it a writable view of the directory `fd`. */
static bool writable(int fd)
{
        size_t bytes = avb_dir_bytes(AVB_DIR_ENTRIES);
        char path[64];
        bool w = false;
        void *p;
        int rw;

        p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED) {
                munmap(p, bytes);
                return true;
        }
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        rw = open(path, O_RDWR | O_CLOEXEC);
        if (rw < 0)
                return false;
        p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
        if (p != MAP_FAILED) {
                munmap(p, bytes);
                w = true;
        }
        if (pwrite(rw, "x", 1, 0) == 1)
                w = true;
        close(rw);
        return w;
}

static void test_client_cannot_write(void **state)
{
        size_t bytes = avb_dir_bytes(AVB_DIR_ENTRIES);
        struct avbd_directory *d = NULL;
        const struct avb_dir_header *hdr;
        int id = -1, fd = -1;

        (void)state;
        assert_int_equal(avbd_directory_new(1 << 20, &d), 0);
        assert_int_equal(avbd_directory_open_client(d, &id, &fd), 0);
        hdr = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0);
        assert_true(hdr != MAP_FAILED);
        assert_int_equal(hdr->magic, AVB_DIR_MAGIC);
        assert_false(writable(fd));
        munmap((void *)hdr, bytes);
        close(fd);
        avbd_directory_close_client(d, id);
        avbd_directory_free(d);
}

/* In this process from here on, fcntl(F_ADD_SEALS) with F_SEAL_FUTURE_WRITE fails as before 5.1. */
static int no_future_write(void)
{
#if defined(__x86_64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 6),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fcntl, 0, 4),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_ADD_SEALS, 0, 2),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
            BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, F_SEAL_FUTURE_WRITE, 1, 0),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
        };
        struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
                return -errno;
        return 0;
#else
        return -ENOSYS;
#endif
}

/* A kernel without FUTURE_WRITE: no directory (the client looks every handle up). */
static void test_no_directory_without_seal(void **state)
{
        int status = 0;
        pid_t pid;

        (void)state;
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct avbd_directory *d = NULL;
                int id = -1, fd = -1, e;

                if (no_future_write() < 0)
                        _exit(77);
                if (avbd_directory_new(1 << 20, &d) < 0)
                        _exit(3);
                e = avbd_directory_open_client(d, &id, &fd);
                /* 0: refused; 1: given but read-only after all; 2: given and writable. */
                _exit(e < 0 ? 0 : writable(fd) ? 2 : 1);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
                skip();
        assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_client_cannot_write),
            cmocka_unit_test(test_no_directory_without_seal),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
