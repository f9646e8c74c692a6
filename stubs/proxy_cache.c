/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The proxies avb_binder_from_wire made, per (endpoint path, object id),
 * while someone holds them, so that the same reference arriving twice gives
 * the same binder. Entries are weak: a proxy leaves the cache from
 * avb_binder_unref when its last reference goes, and a lookup that races
 * with that last unref finds the count at 0 and skips the entry. This file
 * sits below binder.c: it reads binders, never calls back into binder.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct cached_proxy {
        struct cached_proxy *next;
        avb_binder *b; /* weak: removed by the binder when it goes */
} cached_proxy;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached_proxy *cache;

void avb_proxy_cache_lock(void)
{
        pthread_mutex_lock(&cache_lock);
}

void avb_proxy_cache_unlock(void)
{
        pthread_mutex_unlock(&cache_lock);
}

/* A reference to `b` unless its count already reached 0 (it is being freed). */
static bool try_ref(avb_binder *b)
{
        int n = atomic_load(&b->refs);

        while (n > 0)
                if (atomic_compare_exchange_weak(&b->refs, &n, n + 1))
                        return true;
        return false;
}

avb_binder *avb_proxy_cache_find(const char *path, uint32_t object_id)
{
        for (cached_proxy *p = cache; p; p = p->next)
                if (p->b->object_id == object_id && strcmp(p->b->conn->ep.path, path) == 0 &&
                    !avb_conn_is_dead(p->b->conn) && try_ref(p->b))
                        return p->b;
        return NULL;
}

int avb_proxy_cache_add(avb_binder *b)
{
        cached_proxy *entry = calloc(1, sizeof(*entry));

        if (!entry)
                return -ENOMEM;
        b->cached = true;
        entry->b = b;
        entry->next = cache;
        cache = entry;
        return 0;
}

void avb_proxy_cache_remove(avb_binder *b)
{
        pthread_mutex_lock(&cache_lock);
        for (cached_proxy **p = &cache; *p; p = &(*p)->next)
                if ((*p)->b == b) {
                        cached_proxy *gone = *p;
                        *p = gone->next;
                        free(gone);
                        break;
                }
        pthread_mutex_unlock(&cache_lock);
}
