/* SPDX-License-Identifier: Apache-2.0 */
#include "reply_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <avbuffer/rpc.h>

#include "uconn.h"

typedef struct cache_entry {
        uint64_t request_id; /* 0: empty */
        uint8_t *reply;
        size_t len;
        int fds[AVB_MAX_FDS]; /* duplicates, sent again with the reply */
        size_t n_fds;
        uint8_t route[AVB_REPLY_ROUTE_MAX]; /* the header it was last sent with */
        size_t route_len;                   /* 0: not known */
} cache_entry;

struct avb_reply_cache {
        size_t max_bytes;
        size_t bytes;
        size_t n_fds;     /* held by all entries */
        uint64_t highest; /* top of the window; 0: none */
        uint64_t window[AVB_SEEN_WINDOW / 64];
        uint64_t outliers[AVB_SEEN_OUTLIERS]; /* ids seen far above the window */
        unsigned n_outliers;
        unsigned next; /* ring position of the oldest entry */
        cache_entry entries[AVB_REPLY_CACHE_ENTRIES];
};

int avb_reply_cache_new(size_t max_bytes, avb_reply_cache **ret)
{
        avb_reply_cache *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        c->max_bytes = max_bytes;
        *ret = c;
        return 0;
}

avb_reply_cache *avb_reply_cache_free(avb_reply_cache *c)
{
        if (!c)
                return NULL;
        for (unsigned i = 0; i < AVB_REPLY_CACHE_ENTRIES; i++) {
                if (c->entries[i].reply)
                        explicit_bzero(c->entries[i].reply, c->entries[i].len);
                free(c->entries[i].reply);
                avb_close_fds(c->entries[i].fds, c->entries[i].n_fds);
        }
        free(c);
        return NULL;
}

static bool is_outlier(const avb_reply_cache *c, uint64_t id)
{
        for (unsigned i = 0; i < c->n_outliers; i++)
                if (c->outliers[i] == id)
                        return true;
        return false;
}

static bool window_get(const avb_reply_cache *c, uint64_t id)
{
        if (id > c->highest)
                return is_outlier(c, id);
        if (c->highest - id >= AVB_SEEN_WINDOW)
                return true; /* too old to tell: treat as seen, never run it again */
        uint64_t bit = id % AVB_SEEN_WINDOW;
        return c->window[bit / 64] & (UINT64_C(1) << (bit % 64));
}

static void bit_set(avb_reply_cache *c, uint64_t id)
{
        uint64_t bit = id % AVB_SEEN_WINDOW;
        c->window[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/* Moves the top of the window up to `top`; outliers it reaches become bits. */
static void window_slide(avb_reply_cache *c, uint64_t top)
{
        if (top - c->highest >= AVB_SEEN_WINDOW)
                memset(c->window, 0, sizeof(c->window));
        else
                for (uint64_t k = top - c->highest; k > 0; k--) { /* no wrap at 2^64-1 */
                        uint64_t b = (c->highest + k) % AVB_SEEN_WINDOW;
                        c->window[b / 64] &= ~(UINT64_C(1) << (b % 64));
                }
        c->highest = top;
        for (unsigned i = 0; i < c->n_outliers;) {
                uint64_t o = c->outliers[i];
                if (o > top) {
                        i++;
                        continue;
                }
                if (top - o < AVB_SEEN_WINDOW)
                        bit_set(c, o);
                c->outliers[i] = c->outliers[--c->n_outliers];
        }
}

/* True if `id` is more than a window above the window's top. */
static bool far_ahead(const avb_reply_cache *c, uint64_t id)
{
        return id > c->highest && id - c->highest > AVB_SEEN_WINDOW;
}

static void window_set(avb_reply_cache *c, uint64_t id)
{
        if (is_outlier(c, id))
                return;
        while (far_ahead(c, id)) {
                uint64_t near = 0, lowest = UINT64_MAX;
                for (unsigned i = 0; i < c->n_outliers; i++) {
                        uint64_t o = c->outliers[i];
                        if ((o > id ? o - id : id - o) <= AVB_SEEN_WINDOW && o > near)
                                near = o;
                        if (o < lowest)
                                lowest = o;
                }
                if (near) {
                        /* Two ids out there: the client has moved on; so does the window. */
                        window_slide(c, near > id ? near : id);
                        break;
                }
                if (c->n_outliers < AVB_SEEN_OUTLIERS) {
                        c->outliers[c->n_outliers++] = id;
                        return;
                }
                window_slide(c, lowest);
        }
        if (id > c->highest)
                window_slide(c, id);
        else if (c->highest - id >= AVB_SEEN_WINDOW)
                return;
        bit_set(c, id);
}

avb_seen avb_reply_cache_check(const avb_reply_cache *c, uint64_t request_id,
                               const uint8_t **ret_reply, size_t *ret_len, const int **ret_fds,
                               size_t *ret_n_fds)
{
        if (!window_get(c, request_id))
                return AVB_SEEN_NEW;
        for (unsigned i = 0; i < AVB_REPLY_CACHE_ENTRIES; i++)
                if (c->entries[i].request_id == request_id) {
                        *ret_reply = c->entries[i].reply;
                        *ret_len = c->entries[i].len;
                        if (ret_fds) {
                                *ret_fds = c->entries[i].fds;
                                *ret_n_fds = c->entries[i].n_fds;
                        }
                        return AVB_SEEN_CACHED;
                }
        return AVB_SEEN_NOREPLY;
}

static cache_entry *entry_find(const avb_reply_cache *c, uint64_t request_id)
{
        for (unsigned i = 0; request_id && i < AVB_REPLY_CACHE_ENTRIES; i++)
                if (c->entries[i].request_id == request_id)
                        return (cache_entry *)&c->entries[i];
        return NULL;
}

bool avb_reply_cache_sent_on(const avb_reply_cache *c, uint64_t request_id, const void *route,
                             size_t route_len)
{
        const cache_entry *e = entry_find(c, request_id);

        return e && e->route_len && e->route_len == route_len &&
               memcmp(e->route, route, route_len) == 0;
}

void avb_reply_cache_note_route(avb_reply_cache *c, uint64_t request_id, const void *route,
                                size_t route_len)
{
        cache_entry *e = entry_find(c, request_id);

        if (!e)
                return;
        e->route_len = route_len <= AVB_REPLY_ROUTE_MAX ? route_len : 0;
        memcpy(e->route, route, e->route_len);
}

void avb_reply_cache_mark(avb_reply_cache *c, uint64_t request_id)
{
        window_set(c, request_id);
}

static void entry_clear(avb_reply_cache *c, cache_entry *e)
{
        c->bytes -= e->len;
        c->n_fds -= e->n_fds;
        /* Zeroed always: the cache does not know which replies were sensitive; it is small. */
        if (e->reply)
                explicit_bzero(e->reply, e->len);
        free(e->reply);
        avb_close_fds(e->fds, e->n_fds);
        memset(e, 0, sizeof(*e));
}

int avb_reply_cache_store(avb_reply_cache *c, uint64_t request_id, const uint8_t *reply, size_t len,
                          const int *fds, size_t n_fds)
{
        uint8_t *copy = malloc(len ? len : 1);
        int dups[AVB_MAX_FDS];
        cache_entry *e;

        if (!copy || n_fds > AVB_MAX_FDS) {
                free(copy);
                return copy ? -EINVAL : -ENOMEM;
        }
        for (size_t i = 0; i < n_fds; i++)
                if ((dups[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 0)) < 0) {
                        int r = -errno;
                        avb_close_fds(dups, i);
                        free(copy);
                        return r;
                }
        memcpy(copy, reply, len);
        /* Evict the oldest entries until the new reply fits (it always may stand alone). */
        for (unsigned n = 0;
             n < AVB_REPLY_CACHE_ENTRIES &&
             (c->bytes + len > c->max_bytes || c->n_fds + n_fds > AVB_REPLY_CACHE_FDS);
             n++) {
                cache_entry *old = &c->entries[(c->next + n) % AVB_REPLY_CACHE_ENTRIES];
                if (old->request_id)
                        entry_clear(c, old);
        }
        e = &c->entries[c->next];
        if (e->request_id)
                entry_clear(c, e);
        e->request_id = request_id;
        e->reply = copy;
        e->len = len;
        memcpy(e->fds, dups, n_fds * sizeof(int));
        e->n_fds = n_fds;
        c->n_fds += n_fds;
        c->bytes += len;
        c->next = (c->next + 1) % AVB_REPLY_CACHE_ENTRIES;
        return 0;
}
