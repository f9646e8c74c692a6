/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_HEAPSHARE_PROTO_H
#define AVB_HEAPSHARE_PROTO_H

/*
 * How a client gets the non-secure heap and the buffer directory: it
 * connects a SOCK_SEQPACKET unix socket at the service's path + ".heap"
 * and reads one message: this struct, with the heap's memfd (read-write)
 * and the directory's (read-only) as SCM_RIGHTS, in that order. The
 * server checks SO_PEERCRED first; a refused client gets status -EACCES and
 * no descriptors. The secure heap is never sent. Shared by avbufferd and
 * libavbufferhelper only.
 */

#include <stdint.h>

#define AVB_HEAPSHARE_MAGIC 0x41564248u /* "AVBH" */
#define AVB_HEAPSHARE_VERSION 1u
#define AVB_HEAPSHARE_SUFFIX ".heap"

struct avb_heapshare_msg {
        uint32_t magic;
        uint32_t version;
        int32_t status;    /* 0 or -errno */
        uint32_t n_fds;    /* 2, or 1 when there is no non-secure heap (directory only) */
        uint64_t heap_bytes;
        uint32_t dir_slots;
        uint32_t reserved;
};

#endif
