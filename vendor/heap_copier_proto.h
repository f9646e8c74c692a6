/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wire between the secure heap's backing (heap_copier.c, inside
 * avbufferd) and the copier process (heap_copier_main.c). Private to those
 * two files; both are built from one tree, so there is no versioning.
 *
 * One SOCK_SEQPACKET socketpair, inherited by the copier as descriptor
 * AVB_COPIER_CTL_FD; the heap's memfd as AVB_COPIER_HEAP_FD. The process
 * says it is up with one struct avb_copier_rep (status 0, reserved
 * AVB_COPIER_PROTO) before anything else. The server then sends one struct avb_copier_req at a time
 * and waits for its struct avb_copier_rep before the next. ATTACH carries one or two descriptors
 * (SCM_RIGHTS): a memfd of at least len bytes, then optionally a client connection (below); no
 * other request carries any. The copier closes every descriptor it is sent that it does not keep.
 *
 *  op       id     handle   dst_off      src_off      len
 *  ATTACH   slot   -        -            -            bytes to map (source size)
 *  DETACH   slot   -        -            -            -
 *  WRITE    slot   -        heap offset  source off   bytes (1..AVB_COPIER_MAX_LEN)
 *  ZERO     -      -        heap offset  -            bytes (1..AVB_COPIER_MAX_LEN)
 *  LIVE     -      handle   heap offset  -            buffer size (> 0)
 *  GONE     -      handle   -            -            -
 *
 * rep.status is 0 or a negative errno: -EINVAL for a request of the wrong
 * size, an unknown op, a slot out of range or in the wrong state, a range
 * outside the heap or the source, or a descriptor where none belongs;
 * -EBADF for an ATTACH without one; -ENOSPC when LIVE finds the buffer
 * table full; what mmap says otherwise.
 *
 * LIVE and GONE keep the copier's table of the heap's live buffers (handle
 * to heap range), the only thing a client connection can name. The server
 * sends LIVE when a buffer is made or trimmed, before any client can learn
 * its handle or its new size, and GONE before its range is scrubbed and
 * reused; a trim sends LIVE with the new size before the tail is scrubbed.
 *
 * A client connection (the second descriptor of ATTACH) is the far end of
 * a socket whose near end the client holds, bound to that slot's source: on
 * it the client sends struct avb_copier_client_req (the layout of the heap
 * socket's STAGE_WRITE, helper/heapshare_proto.h) and gets one struct
 * avb_copier_client_rep per request, in order. Status: 0; -ENOENT (not a
 * buffer in the table: the client asks avbufferd instead, which knows for
 * sure); -ERANGE (outside the buffer as the copier knows it); -EINVAL
 * (outside the source, size 0 or above AVB_COPIER_MAX_LEN, malformed, or
 * carrying descriptors, which are dropped unopened). A client that does not
 * read its replies loses the connection, and so does one that hangs up,
 * with what it had queued; one that floods gets one request served per
 * turn, like every other connection.
 */
#ifndef AVB_VENDOR_HEAP_COPIER_PROTO_H
#define AVB_VENDOR_HEAP_COPIER_PROTO_H

#include <stdint.h>

/*
 * In the "up" reply's reserved field: the protocol's version and request
 * size, so that a server never talks to a copier of another build (an
 * upgrade on disk while the server runs): it then goes on without one.
 */
#define AVB_COPIER_PROTO (0x10000u | (uint32_t)sizeof(struct avb_copier_req))

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
        AVB_COPIER_LIVE = 5,
        AVB_COPIER_GONE = 6,
};

struct avb_copier_req {
        uint32_t op;
        uint32_t id;
        int64_t handle;
        uint64_t dst_off;
        uint64_t src_off;
        uint64_t len;
};

struct avb_copier_rep {
        int32_t status;
        uint32_t reserved;
};

/* On a client connection: the heap socket's STAGE_WRITE and its reply. */
#define AVB_COPIER_CLIENT_MAGIC 0x41564248u /* AVB_HEAPSHARE_MAGIC */
#define AVB_COPIER_CLIENT_WRITE 3u          /* AVB_HEAPSHARE_STAGE_WRITE */

struct avb_copier_client_req {
        uint32_t magic;
        uint32_t op;
        int64_t handle;
        uint32_t offset; /* in the buffer */
        uint32_t staging_offset;
        uint32_t size;
        uint32_t reserved; /* 0 */
};

struct avb_copier_client_rep {
        uint32_t magic;
        int32_t status;
        uint32_t flags, offset, size, reserved; /* 0 */
};

#endif /* AVB_VENDOR_HEAP_COPIER_PROTO_H */
