/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_SERVICE_INTERNAL_H
#define AVBD_SERVICE_INTERNAL_H

/* Shared by the files that implement avbufferd's objects. */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "directory.h"
#include "service.h"

#define AVBD_MAX_RECLAIMS 64

struct avbd_pool_entry {
        avb_binder *listener; /* the pool's IAVBufferSpaceListener */
        uint64_t owner;       /* client id of the creator */
};

struct avbd_reclaim {
        uint64_t owner;
        uint64_t due_ms;
};

struct avbd_service {
        const struct avbd_profile *profile;
        struct avb_vendor *vendor;
        struct avbd_directory *directory;
        struct avbd_space *space;            /* owed space callbacks (space.h) */
        avb_binder *objects[AVBD_N_OBJECTS]; /* IAVBuffer, IBufferCopier, IAVBufferControl */

        /* `lock` guards pools[], reclaims[] and stopping. */
        pthread_mutex_t lock;
        pthread_cond_t cond;
        struct avbd_pool_entry pools[AVB_VENDOR_MAX_POOLS];
        struct avbd_reclaim reclaims[AVBD_MAX_RECLAIMS];
        size_t n_reclaims;
        bool stopping;
        pthread_t reclaimer;
        bool reclaimer_started;
};

/* copier.c */
int avbd_copier_new_local(struct avbd_service *s, avb_binder **ret);
/* control.c */
int avbd_control_new_local(struct avbd_service *s, avb_binder **ret);

struct avbd_directory *avbd_service_directory(struct avbd_service *s);

#endif
