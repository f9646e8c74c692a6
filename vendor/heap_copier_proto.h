/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wire between the secure heap's backing (heap_copier.c, inside
 * avbufferd) and the copier process (heap_copier_main.c). Private to those
 * two files; both are built from one tree, so there is no versioning.
 *
 * One SOCK_SEQPACKET socketpair, inherited by the copier as descriptor
 * AVB_COPIER_CTL_FD; the heap's memfd as AVB_COPIER_HEAP_FD. The server sends
 * one struct avb_copier_req at a time and waits for its struct
 * avb_copier_rep before the next. ATTACH carries exactly one descriptor
 * (SCM_RIGHTS): a memfd of at least len bytes; no other request carries
 * any. The copier closes every descriptor it is sent.
 *
 *  op       id         dst_off      src_off      len
 *  ATTACH   slot       -            -            bytes to map (source size)
 *  DETACH   slot       -            -            -
 *  WRITE    slot       heap offset  source off   bytes (1..AVB_COPIER_MAX_LEN)
 *  ZERO     -          heap offset  -            bytes (1..AVB_COPIER_MAX_LEN)
 *
 * rep.status is 0 or a negative errno: -EINVAL for a request of the wrong
 * size, an unknown op, a slot out of range or in the wrong state, a range
 * outside the heap or the source, or a descriptor where none belongs;
 * -EBADF for an ATTACH without one; what mmap says otherwise.
 */
#ifndef AVB_VENDOR_HEAP_COPIER_PROTO_H
#define AVB_VENDOR_HEAP_COPIER_PROTO_H

#include <stdint.h>

#define AVB_COPIER_HEAP_FD 3
#define AVB_COPIER_CTL_FD  4

/* Sources one copier holds at once (one per client heap connection). */
#define AVB_COPIER_MAX_SOURCES 64
/* Largest WRITE or ZERO: the vendor layer's slice. */
#define AVB_COPIER_MAX_LEN (1u << 20)

enum avb_copier_op {
        AVB_COPIER_ATTACH = 1,
        AVB_COPIER_DETACH = 2,
        AVB_COPIER_WRITE = 3,
        AVB_COPIER_ZERO = 4,
};

struct avb_copier_req {
        uint32_t op;
        uint32_t id;
        uint64_t dst_off;
        uint64_t src_off;
        uint64_t len;
};

struct avb_copier_rep {
        int32_t status;
        uint32_t reserved;
};

#endif /* AVB_VENDOR_HEAP_COPIER_PROTO_H */
