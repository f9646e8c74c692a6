/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_REPLY_CACHE_H
#define AVB_STUBS_REPLY_CACHE_H

/*
 * Per-client deduplication of two-way requests. nanomsg's REQ sends a request
 * again on a timer and whenever its connection drops; the server remembers
 *   - which request ids it has seen, and
 *   - the packed replies of the last few requests (bounded in count and bytes),
 * so a duplicate gets the first reply again and never runs twice.
 *
 * Seen ids. A client process numbers its requests from one counter for all
 * the servers it calls, so the ids one server sees rise, with gaps where the
 * client called elsewhere, and a little out of order across its threads. The
 * server keeps
 *   - a window: a bit for each of the AVB_SEEN_WINDOW ids up to the highest
 *     id the window has reached; every id below the window counts as seen;
 *   - up to AVB_SEEN_OUTLIERS "outliers": ids seen more than AVB_SEEN_WINDOW
 *     above the window's top, kept exactly.
 * An id within AVB_SEEN_WINDOW above the top slides the window up to it. An
 * id further ahead does not move the window by itself: it is kept as an
 * outlier, and the window jumps there only when a second id arrives within
 * AVB_SEEN_WINDOW of it - as the next call of a client that really moved on
 * does. So one stray or hostile id far ahead cannot push the window past the
 * client's real ids (which would then count as seen and be refused), while a
 * real jump costs one outlier slot for one call. When the slots are full, the
 * lowest outlier is taken as a jump to make room.
 *
 * At most once: an id, once marked, always checks as seen - it is in the
 * window's bits, below the window, or an outlier; slides and jumps only clear
 * bits of ids above the old top, and outliers the window reaches are folded
 * into its bits. A genuine resend repeats an id already marked, so it is never
 * run again (and gets the cached reply while that is kept).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_SEEN_WINDOW         4096
#define AVB_SEEN_OUTLIERS       16
#define AVB_REPLY_CACHE_ENTRIES 32
/*
 * Fds kept by the cached replies of one client (they hold buffers alive): the
 * oldest entries are evicted to stay below it (the latest one always stays).
 */
#define AVB_REPLY_CACHE_FDS 16
/* Longest route (the transport's header of a reply) a cached reply remembers. */
#define AVB_REPLY_ROUTE_MAX 32

typedef struct avb_reply_cache avb_reply_cache;

typedef enum avb_seen {
        AVB_SEEN_NEW,     /* never seen: run it (after avb_reply_cache_mark) */
        AVB_SEEN_CACHED,  /* answered: the reply is returned */
        AVB_SEEN_NOREPLY, /* seen, no reply cached: running (deferred) or reply evicted */
} avb_seen;

/* `max_bytes` bounds the cached replies (the latest one is always kept). */
int avb_reply_cache_new(size_t max_bytes, avb_reply_cache **ret);
avb_reply_cache *avb_reply_cache_free(avb_reply_cache *c); /* returns NULL; accepts NULL */

/*
 * *ret_reply and the reply's fds (*ret_fds, NULL allowed) are borrowed until
 * the next call on the cache.
 */
avb_seen avb_reply_cache_check(const avb_reply_cache *c, uint64_t request_id,
                               const uint8_t **ret_reply, size_t *ret_len, const int **ret_fds,
                               size_t *ret_n_fds);
/* Records that `request_id` is being run. */
void avb_reply_cache_mark(avb_reply_cache *c, uint64_t request_id);
/*
 * Keeps a copy of the reply of a marked request, and duplicates of its fds
 * (borrowed; at most AVB_MAX_FDS), closed when the entry is evicted; entries
 * are evicted oldest first to stay within max_bytes and AVB_REPLY_CACHE_FDS.
 */
int avb_reply_cache_store(avb_reply_cache *c, uint64_t request_id, const uint8_t *reply, size_t len,
                          const int *fds, size_t n_fds);

/*
 * Routes. A resend that comes the way the reply already went (nanomsg: the
 * same pipe, the same REQ id) must not be answered again: that reply is on
 * its way, and a second one would reach the REQ socket while it holds the
 * first (nanomsg 1.1 then loses one of them, or hands a freed one out).
 * `route` is opaque bytes (the raw header a reply is sent with); a route
 * longer than AVB_REPLY_ROUTE_MAX is not remembered (never matches).
 */
/* Whether the cached reply of `request_id` was last sent on `route`. */
bool avb_reply_cache_sent_on(const avb_reply_cache *c, uint64_t request_id, const void *route,
                             size_t route_len);
/* Records that the cached reply of `request_id` was sent on `route` (no-op if not cached). */
void avb_reply_cache_note_route(avb_reply_cache *c, uint64_t request_id, const void *route,
                                size_t route_len);

#endif
