/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The copier's system-call filter (heap_copier_main.c says why it has one).
 *
 * avb_copier_seccomp() sets no_new_privs and installs an allow-list of the
 * calls the copier's request loop makes; any other call kills the process.
 * 0, or -1 with errno set. On an architecture the filter does not know, and
 * in sanitizer builds (whose runtimes make calls of their own), it installs
 * nothing and returns 0.
 */
#ifndef AVB_VENDOR_HEAP_COPIER_SECCOMP_H
#define AVB_VENDOR_HEAP_COPIER_SECCOMP_H

/*
 * AVB_COPIER_FILTERED: 1 when this build installs the filter (a known
 * architecture, no sanitizer), 0 otherwise; the tests read it too.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AVB_COPIER_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define AVB_COPIER_SANITIZED 1
#endif
#endif

#if defined(__x86_64__)
#define AVB_COPIER_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AVB_COPIER_ARCH AUDIT_ARCH_AARCH64
#endif

#if defined(AVB_COPIER_ARCH) && !defined(AVB_COPIER_SANITIZED)
#define AVB_COPIER_FILTERED 1
#else
#define AVB_COPIER_FILTERED 0
#endif

int avb_copier_seccomp(void);

#endif /* AVB_VENDOR_HEAP_COPIER_SECCOMP_H */
