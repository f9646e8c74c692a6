/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A classic-BPF allow-list for the copier. Written out here rather than
 * with libseccomp: it is a dozen calls on one or two architectures, and the
 * project's dependency set has no seccomp library.
 *
 * The filter first checks the architecture (a call made through another
 * ABI has other numbers, so it is killed), then compares the number against
 * the list. x32 calls on x86-64 carry a high bit no listed number has, so
 * they fall through to the kill as well.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "heap_copier_seccomp.h"

#if AVB_COPIER_FILTERED

#define ALLOW(nr)                                                                                  \
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),                                           \
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

int avb_copier_seccomp(void)
{
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AVB_COPIER_ARCH, 1, 0),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            ALLOW(__NR_recvmsg),
            ALLOW(__NR_sendto),
            ALLOW(__NR_sendmsg),
            ALLOW(__NR_mmap),
            ALLOW(__NR_munmap),
            ALLOW(__NR_close),
            ALLOW(__NR_newfstatat),
#ifdef __NR_fstat
            ALLOW(__NR_fstat),
#endif
#ifdef __NR_poll
            ALLOW(__NR_poll),
#endif
            ALLOW(__NR_ppoll),
            /* the spin's clock, where the vDSO cannot read it (an unstable TSC) */
            ALLOW(__NR_clock_gettime),
            ALLOW(__NR_gettimeofday),
            ALLOW(__NR_rt_sigreturn),
            ALLOW(__NR_restart_syscall),
            ALLOW(__NR_exit),
            ALLOW(__NR_exit_group),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        };
        struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -1;
        return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

#else

int avb_copier_seccomp(void)
{
        return 0;
}

#endif
