/* SPDX-License-Identifier: Apache-2.0 */
/* Open-addressing hash map over arena memory (see map.h). */
#include <stdint.h>
#include <string.h>

#include "map.h"

struct map_slot {
        const void *key;
        size_t key_len;
        uint64_t hash;
        void *value;
};

struct aidl_map {
        struct aidl_arena *arena;
        struct map_slot *slots;
        size_t cap, n;
};

static uint64_t map_hash(const void *key, size_t len)
{
        const unsigned char *p = key;
        uint64_t h = 1469598103934665603ull;
        for (size_t i = 0; i < len; i++)
                h = (h ^ p[i]) * 1099511628211ull;
        return h;
}

aidl_map *aidl_map_new(struct aidl_arena *a)
{
        aidl_map *m = aidl_arena_alloc(a, sizeof(*m));
        m->arena = a;
        m->cap = 16;
        m->slots = aidl_arena_alloc(a, m->cap * sizeof(*m->slots));
        return m;
}

static struct map_slot *map_find(const aidl_map *m, const void *key, size_t len, uint64_t h)
{
        size_t i = h & (m->cap - 1);
        for (;;) {
                struct map_slot *s = &m->slots[i];
                if (!s->key || (s->hash == h && s->key_len == len && memcmp(s->key, key, len) == 0))
                        return s;
                i = (i + 1) & (m->cap - 1);
        }
}

void *aidl_map_get(const aidl_map *m, const void *key, size_t key_len)
{
        return map_find(m, key, key_len, map_hash(key, key_len))->value;
}

void aidl_map_put(aidl_map *m, const void *key, size_t key_len, void *value)
{
        if ((m->n + 1) * 2 > m->cap) {
                struct map_slot *old = m->slots;
                size_t old_cap = m->cap;
                m->cap *= 2;
                m->slots = aidl_arena_alloc(m->arena, m->cap * sizeof(*m->slots));
                for (size_t i = 0; i < old_cap; i++)
                        if (old[i].key)
                                *map_find(m, old[i].key, old[i].key_len, old[i].hash) = old[i];
        }
        uint64_t h = map_hash(key, key_len);
        struct map_slot *s = map_find(m, key, key_len, h);
        if (!s->key) {
                s->key = aidl_arena_strndup(m->arena, key, key_len);
                s->key_len = key_len;
                s->hash = h;
                m->n++;
        }
        s->value = value;
}

void *aidl_map_get_str(const aidl_map *m, const char *key)
{
        return aidl_map_get(m, key, strlen(key));
}

void aidl_map_put_str(aidl_map *m, const char *key, void *value)
{
        aidl_map_put(m, key, strlen(key), value);
}
