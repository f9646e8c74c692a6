/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_MAP_H
#define AIDLC_MAP_H

/*
 * A hash map from byte-string keys to pointers, allocated from an arena
 * (nothing to free). Used by the resolver (qualified name -> declaration) and
 * the constant evaluator (declaration -> state).
 */

#include <stddef.h>

#include "ast.h"

typedef struct aidl_map aidl_map;

aidl_map *aidl_map_new(struct aidl_arena *a);
/* The value under key, or NULL. */
void *aidl_map_get(const aidl_map *m, const void *key, size_t key_len);
/* Sets key to value (replacing); the key bytes are copied. */
void aidl_map_put(aidl_map *m, const void *key, size_t key_len, void *value);

/* With a NUL-terminated string as the key. */
void *aidl_map_get_str(const aidl_map *m, const char *key);
void aidl_map_put_str(aidl_map *m, const char *key, void *value);

#endif
