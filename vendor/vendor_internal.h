/* SPDX-License-Identifier: Apache-2.0 */
/*
 * State of the vendor facade shared by avbuffer_vendor.c (object, heaps,
 * pools) and vendor_buffer.c (buffers and the helper paths). Not for use
 * outside vendor/.
 *
 * Locking: every field is protected by lock, except cb/userdata/cfg which are
 * set once in avb_vendor_new. Functions named vendor_*_locked require it held.
 */
#ifndef AVB_VENDOR_INTERNAL_H
#define AVB_VENDOR_INTERNAL_H

#include <pthread.h>

#include "avbuffer/vendor.h"
#include "framepool.h"
#include "handle.h"
#include "pool.h"

/* What a buffer handle's ref.type says about ref.obj and ref.aux. */
enum vendor_buf_type {
        VENDOR_BUF_POOL = 1,  /* obj: struct avb_pool *, aux: ring id */
        VENDOR_BUF_FRAME = 2, /* obj: struct avb_framepool *, aux: block index */
};

struct avb_vendor {
        pthread_mutex_t lock;
        struct avb_vendor_config cfg;
        avb_vendor_space_cb cb;
        void *userdata;
        avb_vendor_buffer_cb observer; /* under lock */
        void *observer_userdata;

        struct avb_heap *heaps[2];                    /* [secure] */
        struct avb_pool *pools[AVB_VENDOR_MAX_POOLS]; /* by pool handle, non-DEAD */
        struct avb_pool_ids pool_ids;
        struct avb_handle_table *handles;
        struct avb_framepool *frame_pools[AVB_VENDOR_MAX_FRAME_POOLS];
        size_t n_frame_pools;
        struct avb_decoder_registry *decoders;
        struct avb_graph *graph; /* the topology, for the vendor's lifetime */
        struct avb_sink *sinks[AVB_VENDOR_MAX_DECODERS]; /* by config decoder index; lazily */
        /* what each sink's ops get: the vendor, and whom its events go to */
        struct vendor_sink_ctx {
                struct avb_vendor *v;
                avb_vendor_sink_event_cb cb;
                void *userdata;
        } sink_ctx[AVB_VENDOR_MAX_DECODERS];
};

/* Space callbacks owed after unlocking: one operation touches one pool. */
struct vendor_fired {
        int8_t pool_handle;
        uint64_t count;
};

void vendor_lock(struct avb_vendor *v);
void vendor_unlock(struct avb_vendor *v);
/* Unlock, then make the callbacks in fired. */
void vendor_unlock_and_deliver(struct avb_vendor *v, const struct vendor_fired *fired);

/* The ACTIVE pool with this handle, or NULL. */
struct avb_pool *vendor_pool_find_locked(struct avb_vendor *v, int8_t pool_handle);
/* Collect the requests of pool that can be served now into fired. */
void vendor_collect_fired_locked(struct avb_pool *pool, struct vendor_fired *fired);
/* Tell the observer a handle's buffer is live at its current placement. */
void vendor_observe_live_locked(struct avb_vendor *v, int64_t handle);
/* Tell the secure heap's backing a buffer is about to be released (before it is). */
void vendor_secure_gone_locked(struct avb_vendor *v, int64_t handle);
/* Tell the observer a handle is gone. */
void vendor_observe_gone_locked(struct avb_vendor *v, int64_t handle);
/* The media graph and the sinks (vendor_graph.c); fini accepts a failed init. */
int vendor_graph_init(struct avb_vendor *v);
void vendor_graph_fini(struct avb_vendor *v);
/* DESTROYING -> DEAD: release the pool handle and the region, free it. */
void vendor_pool_reap_locked(struct avb_vendor *v, struct avb_pool *pool);

#endif /* AVB_VENDOR_INTERNAL_H */
