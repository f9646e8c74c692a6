/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_REPLY_CACHE_H
#define AVB_STUBS_REPLY_CACHE_H

/*
 * Per-client deduplication of two-way requests. nanomsg's REQ sends a request
 * again on a timer and whenever its connection drops; the server remembers
 *   - which request ids it has seen (a sliding window of the last
 *     AVB_SEEN_WINDOW ids below the highest one; older ids count as seen), and
 *   - the packed replies of the last few requests (bounded in count and bytes),
 * so a duplicate gets the first reply again and never runs twice.
 */

#include <stddef.h>
#include <stdint.h>

#define AVB_SEEN_WINDOW 4096
#define AVB_REPLY_CACHE_ENTRIES 32

typedef struct avb_reply_cache avb_reply_cache;

typedef enum avb_seen {
        AVB_SEEN_NEW,     /* never seen: run it (after avb_reply_cache_mark) */
        AVB_SEEN_CACHED,  /* answered: the reply is returned */
        AVB_SEEN_NOREPLY, /* seen, no reply cached: running (deferred) or reply evicted */
} avb_seen;

/* `max_bytes` bounds the cached replies (the latest one is always kept). */
int avb_reply_cache_new(size_t max_bytes, avb_reply_cache **ret);
avb_reply_cache *avb_reply_cache_free(avb_reply_cache *c); /* returns NULL; accepts NULL */

/* *ret_reply is borrowed until the next call on the cache. */
avb_seen avb_reply_cache_check(const avb_reply_cache *c, uint64_t request_id,
                               const uint8_t **ret_reply, size_t *ret_len);
/* Records that `request_id` is being run. */
void avb_reply_cache_mark(avb_reply_cache *c, uint64_t request_id);
/* Keeps a copy of the reply of a marked request. */
int avb_reply_cache_store(avb_reply_cache *c, uint64_t request_id, const uint8_t *reply,
                          size_t len);

#endif
