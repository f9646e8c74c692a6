/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_HEAPSHARE_PROTO_H
#define AVB_HEAPSHARE_PROTO_H

/*
 * How a client gets the non-secure heap and its buffer directory, and
 * resolves handles: it connects a SOCK_SEQPACKET unix socket at the
 * service's path + ".heap" and reads one hello: struct avb_heapshare_msg,
 * with the heap's memfd (read-write) and the client's own directory's
 * (read-only) as SCM_RIGHTS, in that order. The server checks SO_PEERCRED
 * first; a refused client gets status -EACCES, no descriptors, and the
 * connection is closed. The secure heap is never sent.
 *
 * The connection then stays open: it is the directory's lifetime (the
 * server drops the directory when it closes) and its lookup channel. Each
 * struct avb_heapshare_req gets one struct avb_heapshare_rep: the buffer's
 * place, after which the handle is in the client's directory (unless the
 * directory is full). A lookup only answers for a handle the client
 * already holds, like IAVBuffer.isValid. When the server's instance ends,
 * the connection ends with it; `instance` (random per avbufferd start)
 * tells a reconnecting client whether it reached the same instance.
 *
 * Staging (writes into secure memory without pushing the bytes through a
 * socket): AVB_HEAPSHARE_STAGING, a struct avb_heapshare_req with handle 0,
 * gets a struct avb_heapshare_rep whose size is AVB_HEAPSHARE_STAGING_BYTES
 * and, as SCM_RIGHTS, a memfd of that size that belongs to this connection
 * alone (asked again, a fresh one replaces it). It is sealed against
 * shrinking, growing and further seals, so the server's mapping of it can
 * never fault. The client maps it read-write and fills it; each
 * AVB_HEAPSHARE_STAGE_WRITE (struct avb_heapshare_stage_req) then has the
 * server copy `size` bytes (at most AVB_HEAPSHARE_STAGE_MAX) from
 * `staging_offset` in it into buffer `handle` at `offset`, as
 * IBufferCopier.write would, and gets a struct avb_heapshare_rep: status 0,
 * -ENOENT, -ERANGE (outside the buffer), or -EINVAL (outside the staging
 * area, above the limit, no staging area). The server maps the staging area
 * read-only and only ever copies out of it into buffers: no secure byte
 * reaches it. Requests may be sent ahead of the replies (they are served in
 * order), a few at a time.
 *
 * The STAGING reply may carry a second descriptor: a SOCK_SEQPACKET
 * connection to the secure heap's copier process (vendor/heap_copier_proto.h),
 * which holds the heap's only writable mapping. It takes the same
 * STAGE_WRITE requests for this staging area and gives the same replies,
 * without the server in between: status 0, -ERANGE, -EINVAL, or -ENOENT,
 * which there only means "not a buffer the copier knows": the client then
 * sends that request to the server, whose answer is final. When the
 * connection ends (the copier was restarted), unanswered requests go to the
 * server as well, and asking for STAGING again gets a new connection.
 *
 * Shared by avbufferd and libavbufferhelper only.
 */

#include <stdint.h>

#define AVB_HEAPSHARE_MAGIC   0x41564248u /* "AVBH" */
#define AVB_HEAPSHARE_VERSION 2u
#define AVB_HEAPSHARE_SUFFIX  ".heap"

enum {
        AVB_HEAPSHARE_LOOKUP = 1,
        AVB_HEAPSHARE_STAGING = 2,
        AVB_HEAPSHARE_STAGE_WRITE = 3,
};

/* The staging area of one connection, and the most one STAGE_WRITE copies. */
#define AVB_HEAPSHARE_STAGING_BYTES (2u * 1024u * 1024u)
#define AVB_HEAPSHARE_STAGE_MAX     (1024u * 1024u)

struct avb_heapshare_msg {
        uint32_t magic;
        uint32_t version;
        int32_t status; /* 0 or -errno */
        uint32_t n_fds; /* heap (when heap_bytes > 0), then directory (when dir_entries > 0) */
        uint64_t heap_bytes;
        uint32_t dir_entries; /* 0: no directory (the server has too many); every map asks */
        uint32_t reserved;
        uint64_t instance;
};

struct avb_heapshare_req {
        uint32_t magic;
        uint32_t op; /* AVB_HEAPSHARE_LOOKUP or AVB_HEAPSHARE_STAGING */
        int64_t handle;
};

struct avb_heapshare_stage_req {
        uint32_t magic;
        uint32_t op; /* AVB_HEAPSHARE_STAGE_WRITE */
        int64_t handle;
        uint32_t offset; /* in the buffer */
        uint32_t staging_offset;
        uint32_t size;
        uint32_t reserved; /* 0 */
};

struct avb_heapshare_rep {
        uint32_t magic;
        int32_t status; /* 0, -ENOENT (not a live buffer), -EPROTO, -ENOMEM; see above */
        uint32_t flags; /* AVB_DIR_* */
        uint32_t offset;
        uint32_t size;
        uint32_t reserved;
};

#endif
