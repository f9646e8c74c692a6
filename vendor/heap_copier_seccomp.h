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

int avb_copier_seccomp(void);

#endif /* AVB_VENDOR_HEAP_COPIER_SECCOMP_H */
