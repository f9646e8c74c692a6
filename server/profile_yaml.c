/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a libyaml document (profile_yaml.h). Every node keeps its start
 * mark, which gives the line for messages.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_yaml.h"

int avbd_yaml_fail(struct avbd_yaml_ctx *c, const yaml_node_t *node, const char *fmt, ...)
{
        char msg[256];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (node)
                snprintf(c->err, c->err_len, "%s:%zu: %s", c->name, node->start_mark.line + 1, msg);
        else
                snprintf(c->err, c->err_len, "%s: %s", c->name, msg);
        return -EINVAL;
}

const char *avbd_yaml_scalar(const yaml_node_t *n)
{
        return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int avbd_yaml_int(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, long long min,
                  long long max, long long *ret)
{
        const char *s = avbd_yaml_scalar(n);
        char *end;
        long long v;

        if (!s || !*s)
                return avbd_yaml_fail(c, n, "key '%s': expected a number", key);
        errno = 0;
        v = strtoll(s, &end, 0);
        if (errno || *end)
                return avbd_yaml_fail(c, n, "key '%s': '%s' is not a number", key, s);
        if (v < min || v > max)
                return avbd_yaml_fail(c, n, "key '%s': %lld is outside %lld..%lld", key, v, min,
                                      max);
        *ret = v;
        return 0;
}

int avbd_yaml_u32(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, uint32_t *ret)
{
        long long v;
        int e = avbd_yaml_int(c, n, key, 0, INT32_MAX, &v);

        if (e < 0)
                return e;
        *ret = (uint32_t)v;
        return 0;
}

int avbd_yaml_bool(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, bool *ret)
{
        const char *s = avbd_yaml_scalar(n);

        if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))) {
                *ret = true;
                return 0;
        }
        if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))) {
                *ret = false;
                return 0;
        }
        return avbd_yaml_fail(c, n, "key '%s': expected true or false", key);
}

int avbd_yaml_str(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, char **ret)
{
        const char *s = avbd_yaml_scalar(n);
        char *d;

        if (!s || !*s)
                return avbd_yaml_fail(c, n, "key '%s': expected a non-empty string", key);
        d = strdup(s);
        if (!d)
                return -ENOMEM;
        free(*ret);
        *ret = d;
        return 0;
}

/* Calls fn for each key of a mapping; `what` names the mapping in messages. */
int avbd_yaml_each_pair(struct avbd_yaml_ctx *c, yaml_node_t *map, const char *what,
                        avbd_yaml_pair_fn fn, void *ud)
{
        if (!map || map->type != YAML_MAPPING_NODE)
                return avbd_yaml_fail(c, map, "'%s' must be a mapping", what);
        for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
             p++) {
                yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
                yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
                const char *key = avbd_yaml_scalar(k);
                int e;

                if (!key)
                        return avbd_yaml_fail(c, k, "keys of '%s' must be plain names", what);
                c->key = k;
                e = fn(c, key, v, ud);
                if (e < 0)
                        return e;
        }
        return 0;
}

int avbd_yaml_unknown(struct avbd_yaml_ctx *c, const char *where, const char *key,
                      const yaml_node_t *v)
{
        return avbd_yaml_fail(c, c->key ? c->key : v, "unknown key '%s' in %s", key, where);
}
