/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libavbufferhelper (see avbuffer/helper.h).
 *
 * On first use the helper connects to the service's heap socket and maps
 * the whole non-secure heap and a buffer directory of its own, which lists
 * only the handles this helper has resolved. The socket stays open: a
 * handle the directory lacks costs one lookup on it, which also lists the
 * handle; after that map, unmap, get_size and writes or copies between
 * non-secure buffers never leave the process. Only what touches secure
 * memory goes to the server: copies as IBufferCopier calls (ranges only,
 * no bytes), writes through the connection's staging area (see
 * write_staged) or, from a server without one, as IBufferCopier writes in
 * chunks below the RPC message limit.
 *
 * Restarts: what one connection to one service instance brought is a
 * `struct gen`. When the service goes (the copier proxy dies, or the heap
 * socket ends) the current gen is retired, and the next resolve connects
 * to whatever serves the endpoint then. If that is another instance, the
 * retired gens of the old one are stale: handles they list get -ESTALE,
 * never a pointer. A retired heap stays mapped while maps into it are out;
 * unmaps find their gen by pointer; the last one (or the retirement, if
 * none is out) puts anonymous memory in its place (a late access through
 * an old pointer reads zeros instead of faulting), and avb_helper_free()
 * unmaps it.
 *
 * Locks: `io` serialises lookups and reconnections (the socket carries one
 * request at a time); `lock` (read: resolving from the directory; write:
 * swapping gens, the copier, releasing a retired heap) guards what the
 * directory fast path reads. Order: io, then lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <avbuffer/helper.h>
#include <avbuffer/log.h>

#include "avb_avbuffer.h"
#include "helper_internal.h"

int avb_helper_new(avb_binder *avbuffer, avb_helper **ret)
{
        const char *endpoint;
        avb_binder *copier = NULL;
        avb_helper *h;
        int e;

        if (!avbuffer || !ret)
                return -EINVAL;
        endpoint = avb_binder_endpoint(avbuffer);
        if (!endpoint ||
            (strncmp(endpoint, "ipc://", 6) != 0 && strncmp(endpoint, "unix://", 7) != 0))
                return -EINVAL;
        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        pthread_mutex_init(&h->io, NULL);
        pthread_rwlock_init(&h->lock, NULL);
        h->endpoint = strdup(endpoint);
        if (!h->endpoint) {
                e = -ENOMEM;
                goto fail;
        }
        e = avb_binder_connect(h->endpoint, avb_avbuffer_IBufferCopier_OBJECT_ID, &copier);
        if (e < 0)
                goto fail;
        atomic_store(&h->copier, copier);
        *ret = h;
        return 0;
fail:
        avb_helper_free(h);
        return e;
}

avb_helper *avb_helper_free(avb_helper *h)
{
        if (!h)
                return NULL;
        avbh_gen_free(h->cur);
        while (h->retired) {
                struct gen *g = h->retired;
                h->retired = g->next;
                avbh_gen_free(g);
        }
        avb_binder_unref(atomic_load(&h->copier));
        for (size_t i = 0; i < h->n_old_copiers; i++)
                avb_binder_unref(h->old_copiers[i]);
        free(h->old_copiers);
        free(h->endpoint);
        pthread_rwlock_destroy(&h->lock);
        pthread_mutex_destroy(&h->io);
        free(h);
        return NULL;
}

/* A non-secure buffer's description and its bytes in this process. */
static int map_local(avb_helper *h, int64_t handle, bool count_map, struct buf *ret_buf,
                     uint8_t **ret_ptr)
{
        int e = avbh_resolve(h, handle, count_map, ret_buf);

        if (e < 0)
                return e;
        e = avbh_resolve_local(h, ret_buf, ret_ptr);
        if (e < 0 && count_map) {
                pthread_rwlock_wrlock(&h->lock);
                avbh_drop_map(ret_buf->gen);
                pthread_rwlock_unlock(&h->lock);
        }
        return e;
}

int avb_helper_map(avb_helper *h, int64_t handle, void **ret_ptr, size_t *ret_size)
{
        struct buf b;
        uint8_t *p;
        int e;

        if (!h || !ret_ptr)
                return -EINVAL;
        e = map_local(h, handle, true, &b, &p);
        if (e < 0)
                return e;
        *ret_ptr = p;
        if (ret_size)
                *ret_size = b.size;
        return 0;
}

/* The gen, current or retired, whose heap holds ptr, or NULL (lock held). */
static struct gen *gen_of(const avb_helper *h, const void *ptr)
{
        const uint8_t *p = ptr;

        if (h->cur && h->cur->heap && p >= h->cur->heap && p < h->cur->heap + h->cur->heap_bytes)
                return h->cur;
        for (struct gen *r = h->retired; r; r = r->next)
                if (r->heap && p >= r->heap && p < r->heap + r->heap_bytes)
                        return r;
        return NULL;
}

/*
 * By pointer, never by handle: the buffer may be freed, or its service gone,
 * before its map ends, and the map must end all the same. Only the current
 * gen's directory is live; a handle it still lists must come with its
 * buffer's own pointer.
 */
int avb_helper_unmap(avb_helper *h, int64_t handle, void *ptr)
{
        uint32_t flags, offset, size;
        struct gen *g;
        int e = -EINVAL;

        if (!h || !ptr)
                return -EINVAL;
        pthread_rwlock_wrlock(&h->lock);
        g = gen_of(h, ptr);
        if (g && !(g == h->cur && g->dir &&
                   avb_dir_find(g->entries, g->dir->entries, handle, &flags, &offset, &size) &&
                   (uint8_t *)ptr != g->heap + offset))
                e = avbh_drop_map(g);
        pthread_rwlock_unlock(&h->lock);
        return e;
}

int avb_helper_get_size(avb_helper *h, int64_t handle, size_t *ret_size)
{
        struct buf b;
        int e;

        if (!h || !ret_size)
                return -EINVAL;
        e = avbh_lookup(h, handle, &b);
        if (e < 0)
                return e;
        *ret_size = b.size;
        return 0;
}

int avb_helper_get_lookups(avb_helper *h, uint64_t *ret_count)
{
        int e = -ENOTCONN;

        if (!h || !ret_count)
                return -EINVAL;
        pthread_rwlock_rdlock(&h->lock);
        if (h->cur && h->cur->dir) {
                *ret_count = atomic_load(&h->cur->dir->lookups);
                e = 0;
        } else if (h->cur) {
                e = -ENODATA;
        }
        pthread_rwlock_unlock(&h->lock);
        return e;
}
