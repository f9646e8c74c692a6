/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reads what the suite needs from an avbufferd feature profile
 * (config/avbuffer.yaml documents the format): heap sizes, alignment and the
 * decoders. Missing keys keep the reference defaults. This is the test's
 * own reading of the documented format, not the server's parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "cf.h"

static const cf_decoder reference_decoders[] = {
    {true, 0, {4000000, 4000000}, true}, {true, 1, {2000000, 2000000}, true},
    {false, 0, {512000, 512000}, true},  {false, 1, {512000, 512000}, true},
    {false, -1, {256000, 0}, true},
};

static const char *scalar(yaml_node_t *n)
{
        return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int to_long(const char *s, long long lo, long long hi, long long *ret)
{
        char *end;
        long long v;

        if (!s || !*s)
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 0);
        if (errno || *end || v < lo || v > hi)
                return -EINVAL;
        *ret = v;
        return 0;
}

static int to_bool(const char *s, bool *ret)
{
        if (!s)
                return -EINVAL;
        if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) {
                *ret = true;
                return 0;
        }
        if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) {
                *ret = false;
                return 0;
        }
        return -EINVAL;
}

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *lookup(yaml_document_t *d, yaml_node_t *map, const char *key)
{
        yaml_node_pair_t *pair;

        if (!map || map->type != YAML_MAPPING_NODE)
                return NULL;
        for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
                const char *k = scalar(yaml_document_get_node(d, pair->key));

                if (k && !strcmp(k, key))
                        return yaml_document_get_node(d, pair->value);
        }
        return NULL;
}

static int get_u32(yaml_document_t *d, yaml_node_t *map, const char *key, uint32_t *v)
{
        yaml_node_t *n = lookup(d, map, key);
        long long x;

        if (!n)
                return 0;
        if (to_long(scalar(n), 0, UINT32_MAX, &x) < 0)
                return -EINVAL;
        *v = (uint32_t)x;
        return 0;
}

static int read_decoders(yaml_document_t *d, yaml_node_t *seq, bool video, cf_profile *p)
{
        yaml_node_item_t *it;

        if (!seq)
                return 0;
        if (seq->type != YAML_SEQUENCE_NODE)
                return -EINVAL;
        for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
                yaml_node_t *e = yaml_document_get_node(d, *it);
                cf_decoder *dec;
                yaml_node_t *n;
                long long id;

                if (p->n_decoders == CF_MAX_DECODERS)
                        return -E2BIG;
                dec = &p->decoders[p->n_decoders];
                memset(dec, 0, sizeof(*dec));
                dec->video = video;
                dec->configured = true;
                if (to_long(scalar(lookup(d, e, "id")), INT32_MIN, INT32_MAX, &id) < 0)
                        return -EINVAL;
                dec->id = (int32_t)id;
                if (get_u32(d, e, "nonsecure_pool_bytes", &dec->pool_bytes[0]) < 0 ||
                    get_u32(d, e, "secure_pool_bytes", &dec->pool_bytes[1]) < 0)
                        return -EINVAL;
                n = lookup(d, e, "configured");
                if (n && to_bool(scalar(n), &dec->configured) < 0)
                        return -EINVAL;
                p->n_decoders++;
        }
        return 0;
}

static int read_profile(yaml_document_t *d, cf_profile *p)
{
        yaml_node_t *root = yaml_document_get_root_node(d), *heaps, *decs, *fp;
        int e;

        heaps = lookup(d, root, "heaps");
        if (get_u32(d, heaps, "nonsecure_bytes", &p->heap_bytes[0]) < 0 ||
            get_u32(d, heaps, "secure_bytes", &p->heap_bytes[1]) < 0 ||
            get_u32(d, root, "alignment", &p->alignment) < 0)
                return -EINVAL;
        decs = lookup(d, root, "decoders");
        if (decs) {
                p->n_decoders = 0;
                e = read_decoders(d, lookup(d, decs, "video"), true, p);
                if (e >= 0)
                        e = read_decoders(d, lookup(d, decs, "audio"), false, p);
                if (e < 0)
                        return e;
        }
        fp = lookup(d, root, "frame_pools");
        if (fp && fp->type == YAML_SEQUENCE_NODE)
                p->n_frame_pools =
                    (size_t)(fp->data.sequence.items.top - fp->data.sequence.items.start);
        return 0;
}

int cf_profile_load(const char *path, cf_profile *ret, char *err, size_t err_len)
{
        yaml_parser_t parser;
        yaml_document_t doc;
        cf_profile p;
        FILE *f;
        int e;

        memset(&p, 0, sizeof(p));
        p.heap_bytes[0] = p.heap_bytes[1] = 16000000;
        p.alignment = 64;
        memcpy(p.decoders, reference_decoders, sizeof(reference_decoders));
        p.n_decoders = sizeof(reference_decoders) / sizeof(reference_decoders[0]);
        p.n_frame_pools = 2;

        f = fopen(path, "r");
        if (!f) {
                e = -errno;
                snprintf(err, err_len, "%s: %s", path, strerror(-e));
                return e;
        }
        if (!yaml_parser_initialize(&parser)) {
                fclose(f);
                snprintf(err, err_len, "%s: out of memory", path);
                return -ENOMEM;
        }
        yaml_parser_set_input_file(&parser, f);
        if (!yaml_parser_load(&parser, &doc)) {
                snprintf(err, err_len, "%s:%zu: %s", path, parser.problem_mark.line + 1,
                         parser.problem ? parser.problem : "YAML error");
                yaml_parser_delete(&parser);
                fclose(f);
                return -EINVAL;
        }
        e = read_profile(&doc, &p);
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        fclose(f);
        if (e < 0) {
                snprintf(err, err_len, "%s: a value the suite reads is not valid", path);
                return e;
        }
        if (p.alignment == 0 || (p.alignment & (p.alignment - 1))) {
                snprintf(err, err_len, "%s: alignment %u is not a power of two", path, p.alignment);
                return -EINVAL;
        }
        p.loaded = true;
        *ret = p;
        return 0;
}

const cf_decoder *cf_profile_decoder(const cf_profile *p, bool video, int32_t id)
{
        size_t i;

        for (i = 0; i < p->n_decoders; i++)
                if (p->decoders[i].video == video && p->decoders[i].id == id)
                        return &p->decoders[i];
        return NULL;
}
