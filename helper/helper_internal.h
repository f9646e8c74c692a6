/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libavbufferhelper's insides, shared by its three files (no circle: helper.c
 * and helper_copy.c call helper_resolve.c, never the other way):
 *   helper.c          the helper's life, map/unmap, sizes (the public API
 *                     that stays in this process);
 *   helper_resolve.c  connections to the service ("gens") and handle
 *                     resolution: the directory fast path, lookups on the
 *                     heap socket, reconnection after the service went;
 *   helper_copy.c     writes and copies: in process for non-secure buffers,
 *                     the staging area or IBufferCopier for secure ones.
 * Nothing here is exported from the library (libavbufferhelper.map).
 *
 * Locks (see helper.c): `io` serialises the heap socket, `lock` guards what
 * the directory fast path reads. Order: io, then lock.
 */
#ifndef AVB_HELPER_INTERNAL_H
#define AVB_HELPER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <avbuffer/helper.h>

#include "directory_format.h"
#include "heapshare_proto.h"

struct gen {
        struct gen *next; /* in the retired list */
        int fd;           /* heap socket connection; -1 once retired */
        uint64_t instance;
        bool stale;    /* its service instance has gone: its handles are dead */
        uint8_t *heap; /* the non-secure heap, or NULL */
        size_t heap_bytes;
        bool heap_released;               /* anonymous memory in its place (see helper.c) */
        const struct avb_dir_header *dir; /* NULL: no directory; every resolve asks */
        const struct avb_dir_entry *entries;
        size_t dir_bytes;
        atomic_long maps; /* maps not unmapped yet */
        uint8_t *staging; /* AVB_HEAPSHARE_STAGING_BYTES, or NULL (io) */
        bool no_staging;  /* the server has none to give (io) */
        int direct;       /* connection to the heap's copier for the staging area, or -1 (io) */
        int64_t direct_lost_ms; /* when the last one failed; 0: never (io) */
};

struct avb_helper {
        pthread_mutex_t io;
        pthread_rwlock_t lock;
        char *endpoint;             /* of the AV Buffer service */
        avb_binder *_Atomic copier; /* IBufferCopier on the service's endpoint */
        struct gen *cur;            /* NULL until first use and after the service went */
        struct gen *retired;
        avb_binder **old_copiers; /* replaced proxies, released by avb_helper_free */
        size_t n_old_copiers;
};

struct buf {
        bool secure;
        uint32_t offset;
        uint32_t size;
        struct gen *gen; /* where it was resolved */
};

/* Frees a gen (its socket, heap, directory and staging mappings); NULL is fine. */
void avbh_gen_free(struct gen *g);

/*
 * Receives one packet of at most len bytes and up to two descriptors into
 * fds[] (more are closed): the packet's length, or -errno.
 */
ssize_t avbh_recv_fds(int fd, void *buf, size_t len, int fds[2], int *ret_n_fds);

/* One reply on the heap socket (io held): 0 (its status in it) or a transport error. */
int avbh_recv_rep(int fd, struct avb_heapshare_rep *ret);

/* One map into g ends (write lock held); -EINVAL if none was out. */
int avbh_drop_map(struct gen *g);

/* The current gen leaves (io held). Its socket closes: the server drops its directory. */
void avbh_retire(avb_helper *h);

/* Makes h->cur a live connection, reconnecting after the service went (io held). */
int avbh_ensure(avb_helper *h);

/*
 * Resolves a handle (no lock held): this helper's directory first, the
 * service for what it lacks. count_map: the caller maps it (counted in the
 * gen, see avb_helper_unmap). -ENOENT, -ESTALE, or a transport error.
 */
int avbh_resolve(avb_helper *h, int64_t handle, bool count_map, struct buf *ret);

/* avbh_resolve without counting a map. */
int avbh_lookup(avb_helper *h, int64_t handle, struct buf *ret);

/* A pointer to a non-secure buffer's bytes, checked against the mapped heap. */
int avbh_resolve_local(avb_helper *h, const struct buf *b, uint8_t **ret);

#endif /* AVB_HELPER_INTERNAL_H */
