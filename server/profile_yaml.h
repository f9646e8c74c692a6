/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a libyaml document for the profile loader (profile.c): typed
 * scalars, mappings walked key by key, and error messages that carry the
 * file's name and the node's line. profile.c knows the profile's keys;
 * this file knows only YAML, and never calls profile.c.
 *
 * Contract: every function that fails writes one message into c->err (at
 * most c->err_len bytes) and returns -EINVAL (-ENOMEM: no message); the
 * output parameter is left untouched on failure.
 */
#ifndef AVBD_PROFILE_YAML_H
#define AVBD_PROFILE_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

struct avbd_yaml_ctx {
        const char *name;
        yaml_document_t *doc;
        const yaml_node_t *key; /* the key avbd_yaml_each_pair is at, for messages */
        /* for the checks across keys once the whole file is read */
        const yaml_node_t *vpu_v4l2_key; /* the first v4l2-only key of 'vpu' */
        const yaml_node_t *vpu_dmabuf;   /* the value 'memory: dmabuf' */
        const yaml_node_t *vpu_map;      /* the 'vpu' mapping */
        char *err;
        size_t err_len;
};

/* Fails with a message at node's line (node NULL: no line): -EINVAL. */
__attribute__((format(printf, 3, 4))) int
avbd_yaml_fail(struct avbd_yaml_ctx *c, const yaml_node_t *node, const char *fmt, ...);

/* The text of a scalar node, or NULL (no node, or not a scalar). */
const char *avbd_yaml_scalar(const yaml_node_t *n);

/* A whole number in [min, max] (strtoll's bases). key names it in messages. */
int avbd_yaml_int(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, long long min,
                  long long max, long long *ret);

/* A whole number in [0, INT32_MAX]. */
int avbd_yaml_u32(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, uint32_t *ret);

/* true/yes/on or false/no/off. */
int avbd_yaml_bool(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, bool *ret);

/* A non-empty string, copied; the old *ret is freed once the copy is made. */
int avbd_yaml_str(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, char **ret);

typedef int (*avbd_yaml_pair_fn)(struct avbd_yaml_ctx *c, const char *key, yaml_node_t *value,
                                 void *userdata);

/* Calls fn for each key of a mapping; `what` names the mapping in messages. */
int avbd_yaml_each_pair(struct avbd_yaml_ctx *c, yaml_node_t *map, const char *what,
                        avbd_yaml_pair_fn fn, void *ud);

/* The error for a key that `where` does not know. */
int avbd_yaml_unknown(struct avbd_yaml_ctx *c, const char *where, const char *key,
                      const yaml_node_t *v);

#endif /* AVBD_PROFILE_YAML_H */
