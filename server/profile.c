/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading the feature profile with libyaml's document API.
 *
 * The profile is small, so it is loaded as a whole document and walked;
 * every node keeps its start mark, which gives the line for messages.
 * Unknown keys are errors: a typo in a vendor's profile must not silently
 * leave a default in place.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include <avbuffer/log.h>

#include "profile.h"
#include "profile_yaml.h"
#include "util.h"

static int heaps_pair(struct avbd_yaml_ctx *c, const char *key, yaml_node_t *v, void *ud)
{
        struct avbd_profile *p = ud;
        long long n = 0;
        int e;

        if (strcmp(key, "nonsecure_bytes") && strcmp(key, "secure_bytes"))
                return avbd_yaml_unknown(c, "heaps", key, v);
        e = avbd_yaml_int(c, v, key, 0, INT32_MAX, &n);
        if (e < 0)
                return e;
        if (!strcmp(key, "nonsecure_bytes"))
                p->nonsecure_heap_bytes = (uint64_t)n;
        else
                p->secure_heap_bytes = (uint64_t)n;
        return 0;
}

/* One entry of a decoders list: the vendor's spec, and what is only avbufferd's. */
struct decoder_item {
        struct avb_decoder_spec d;
        char *sink_output;
};

static int decoder_pair(struct avbd_yaml_ctx *c, const char *key, yaml_node_t *v, void *ud)
{
        struct decoder_item *item = ud;
        struct avb_decoder_spec *d = &item->d;
        long long id = 0;
        int e;

        if (!strcmp(key, "id")) {
                e = avbd_yaml_int(c, v, key, -1, INT32_MAX, &id);
                d->id = (int32_t)id;
                return e;
        }
        if (!strcmp(key, "nonsecure_pool_bytes"))
                return avbd_yaml_u32(c, v, key, &d->nonsecure_pool_bytes);
        if (!strcmp(key, "secure_pool_bytes"))
                return avbd_yaml_u32(c, v, key, &d->secure_pool_bytes);
        if (!strcmp(key, "configured"))
                return avbd_yaml_bool(c, v, key, &d->configured);
        if (!strcmp(key, "sink_output")) /* y4m for video, wav for audio */
                return avbd_yaml_str(c, v, key, &item->sink_output);
        return avbd_yaml_unknown(c, "a decoder", key, v);
}

/* path as given, or from the profile's directory (c->name) when relative. */
static char *output_path(const struct avbd_yaml_ctx *c, const char *path)
{
        const char *slash = strrchr(c->name, '/');
        char *r = NULL;

        if (path[0] == '/' || !slash)
                return strdup(path);
        if (asprintf(&r, "%.*s/%s", (int)(slash - c->name), c->name, path) < 0)
                return NULL;
        return r;
}

static int add_sink_output(struct avbd_yaml_ctx *c, struct avbd_profile *p,
                           const struct decoder_item *d)
{
        struct avbd_sink_output *grown;
        char *path = output_path(c, d->sink_output);

        grown = path ? realloc(p->sink_outputs, (p->n_sink_outputs + 1) * sizeof(*grown)) : NULL;
        if (!grown) {
                free(path);
                return -ENOMEM;
        }
        p->sink_outputs = grown;
        p->sink_outputs[p->n_sink_outputs++] =
            (struct avbd_sink_output){.kind = d->d.kind, .id = d->d.id, .path = path};
        return 0;
}

struct decoder_list {
        struct avbd_profile *p;
        bool seen_video, seen_audio;
};

static int decoders_pair(struct avbd_yaml_ctx *c, const char *key, yaml_node_t *v, void *ud)
{
        struct decoder_list *dl = ud;
        struct avbd_profile *p = dl->p;
        enum avb_media_kind kind;
        size_t keep = 0;

        if (!strcmp(key, "video"))
                kind = AVB_MEDIA_VIDEO;
        else if (!strcmp(key, "audio"))
                kind = AVB_MEDIA_AUDIO;
        else
                return avbd_yaml_unknown(c, "decoders", key, v);
        if (!v || v->type != YAML_SEQUENCE_NODE)
                return avbd_yaml_fail(c, v, "'decoders.%s' must be a list", key);

        /* A list given in the file replaces the defaults of that kind. */
        for (size_t i = 0; i < p->n_decoders; i++)
                if (p->decoders[i].kind != kind)
                        p->decoders[keep++] = p->decoders[i];
        p->n_decoders = keep;
        keep = 0;
        for (size_t i = 0; i < p->n_sink_outputs; i++)
                if (p->sink_outputs[i].kind != kind)
                        p->sink_outputs[keep++] = p->sink_outputs[i];
                else
                        free(p->sink_outputs[i].path);
        p->n_sink_outputs = keep;

        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++) {
                yaml_node_t *item = yaml_document_get_node(c->doc, *it);
                struct decoder_item di = {.d = {.kind = kind, .id = INT32_MIN, .configured = true}};
                struct avb_decoder_spec d;
                struct avb_decoder_spec *grown;
                int e;

                e = avbd_yaml_each_pair(c, item, "a decoder", decoder_pair, &di);
                if (e == 0 && di.sink_output && di.d.id != INT32_MIN)
                        e = add_sink_output(c, p, &di);
                free(di.sink_output);
                if (e < 0)
                        return e;
                d = di.d;
                if (d.id == INT32_MIN)
                        return avbd_yaml_fail(c, item, "a %s decoder needs an 'id'", key);
                if (kind == AVB_MEDIA_VIDEO && d.id < 0)
                        return avbd_yaml_fail(c, item, "key 'id': video decoder ids start at 0");
                for (size_t i = 0; i < p->n_decoders; i++)
                        if (p->decoders[i].kind == kind && p->decoders[i].id == d.id)
                                return avbd_yaml_fail(c, item,
                                                      "key 'id': %s decoder %d declared twice", key,
                                                      (int)d.id);
                grown = realloc(p->decoders, (p->n_decoders + 1) * sizeof(*grown));
                if (!grown)
                        return -ENOMEM;
                p->decoders = grown;
                p->decoders[p->n_decoders++] = d;
        }
        return 0;
}

static int frame_pool_pair(struct avbd_yaml_ctx *c, const char *key, yaml_node_t *v, void *ud)
{
        struct avbd_frame_pool_spec *f = ud;

        if (!strcmp(key, "name"))
                return avbd_yaml_str(c, v, key, &f->name);
        if (!strcmp(key, "kind")) {
                const char *k = avbd_yaml_scalar(v);
                if (k && !strcmp(k, "video"))
                        f->kind = AVB_MEDIA_VIDEO;
                else if (k && !strcmp(k, "audio"))
                        f->kind = AVB_MEDIA_AUDIO;
                else
                        return avbd_yaml_fail(c, v, "key 'kind': expected video or audio");
                return 0;
        }
        if (!strcmp(key, "secure"))
                return avbd_yaml_bool(c, v, key, &f->secure);
        if (!strcmp(key, "block_bytes"))
                return avbd_yaml_u32(c, v, key, &f->block_bytes);
        if (!strcmp(key, "count"))
                return avbd_yaml_u32(c, v, key, &f->count);
        return avbd_yaml_unknown(c, "a frame pool", key, v);
}

static int load_frame_pools(struct avbd_yaml_ctx *c, yaml_node_t *v, struct avbd_profile *p)
{
        if (!v || v->type != YAML_SEQUENCE_NODE)
                return avbd_yaml_fail(c, v, "'frame_pools' must be a list");
        for (size_t i = 0; i < p->n_frame_pools; i++)
                free(p->frame_pools[i].name);
        p->n_frame_pools = 0;
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++) {
                yaml_node_t *item = yaml_document_get_node(c->doc, *it);
                struct avbd_frame_pool_spec f = {0}, *grown;
                int e = avbd_yaml_each_pair(c, item, "a frame pool", frame_pool_pair, &f);

                if (e >= 0 && (!f.name || !f.block_bytes || !f.count))
                        e = avbd_yaml_fail(c, item,
                                           "a frame pool needs 'name', 'block_bytes' and 'count'");
                if (e >= 0 &&
                    !(grown = realloc(p->frame_pools, (p->n_frame_pools + 1) * sizeof(*grown))))
                        e = -ENOMEM;
                if (e < 0) {
                        free(f.name);
                        return e;
                }
                p->frame_pools = grown;
                p->frame_pools[p->n_frame_pools++] = f;
        }
        return 0;
}

static int resolve_id(struct avbd_yaml_ctx *c, const yaml_node_t *n, const char *key, bool group,
                      uint32_t *ret)
{
        const char *s = avbd_yaml_scalar(n);
        char *end;
        unsigned long v;

        if (!s || !*s)
                return avbd_yaml_fail(c, n, "key '%s': expected a name or a number", key);
        errno = 0;
        v = strtoul(s, &end, 10);
        if (!errno && !*end && v <= UINT32_MAX) {
                *ret = (uint32_t)v;
                return 0;
        }
        if (group) {
                struct group *g = getgrnam(s);
                if (g) {
                        *ret = g->gr_gid;
                        return 0;
                }
        } else {
                struct passwd *pw = getpwnam(s);
                if (pw) {
                        *ret = pw->pw_uid;
                        return 0;
                }
        }
        return avbd_yaml_fail(c, n, "key '%s': no %s named '%s'", key, group ? "group" : "user", s);
}

static int load_ids(struct avbd_yaml_ctx *c, yaml_node_t *v, const char *key, bool group,
                    struct avbd_id_list *list)
{
        size_t n;

        if (!v || v->type != YAML_SEQUENCE_NODE)
                return avbd_yaml_fail(c, v, "key '%s': expected a list", key);
        n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        free(list->ids);
        list->ids = NULL;
        list->n = 0;
        if (n == 0)
                return 0;
        list->ids = calloc(n, sizeof(*list->ids));
        if (!list->ids)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                yaml_node_t *item = yaml_document_get_node(c->doc, v->data.sequence.items.start[i]);
                int e = resolve_id(c, item, key, group, &list->ids[i]);
                if (e < 0)
                        return e;
                list->n++;
        }
        return 0;
}

static int access_pair(struct avbd_yaml_ctx *c, const char *key, yaml_node_t *v, void *ud)
{
        struct avbd_profile *p = ud;

        if (!strcmp(key, "users"))
                return load_ids(c, v, key, false, &p->users);
        if (!strcmp(key, "groups"))
                return load_ids(c, v, key, true, &p->groups);
        if (!strcmp(key, "trusted_users"))
                return load_ids(c, v, key, false, &p->trusted_users);
        if (!strcmp(key, "trusted_groups"))
                return load_ids(c, v, key, true, &p->trusted_groups);
        return avbd_yaml_unknown(c, "access", key, v);
}

static int vpu_pair(struct avbd_yaml_ctx *c, const char *key, yaml_node_t *v, void *ud)
{
        struct avbd_vpu_spec *s = ud;
        const char *name = avbd_yaml_scalar(v);
        long long n = 0;
        int e;

        if (!strcmp(key, "backend")) {
                if (name && !strcmp(name, "softvpu"))
                        s->backend = AVBD_VPU_SOFTVPU;
                else if (name && !strcmp(name, "v4l2"))
                        s->backend = AVBD_VPU_V4L2;
                else
                        return avbd_yaml_fail(c, v, "key 'backend': expected softvpu or v4l2");
                return 0;
        }
        /* The rest configure the v4l2 backend; check_vpu refuses them with softvpu. */
        if (!c->vpu_v4l2_key &&
            (!strcmp(key, "device") || !strcmp(key, "memory") || !strcmp(key, "input_buffers") ||
             !strcmp(key, "output_buffers") || !strcmp(key, "coded_buffer_bytes")))
                c->vpu_v4l2_key = c->key;
        if (!strcmp(key, "device")) {
                e = avbd_yaml_str(c, v, key, &s->device);
                if (e < 0)
                        return e;
                if (s->device[0] != '/')
                        return avbd_yaml_fail(c, v, "key 'device': must be an absolute path");
                if (strlen(s->device) > AVBD_VPU_DEVICE_MAX)
                        return avbd_yaml_fail(c, v, "key 'device': longer than %d bytes",
                                              AVBD_VPU_DEVICE_MAX);
                return 0;
        }
        if (!strcmp(key, "memory")) {
                if (name && !strcmp(name, "mmap")) {
                        s->memory = AVBD_VPU_MMAP;
                        c->vpu_dmabuf = NULL;
                } else if (name && !strcmp(name, "dmabuf")) {
                        s->memory = AVBD_VPU_DMABUF;
                        c->vpu_dmabuf = v;
                } else {
                        return avbd_yaml_fail(c, v, "key 'memory': expected mmap or dmabuf");
                }
                return 0;
        }
        if (!strcmp(key, "input_buffers")) {
                e = avbd_yaml_int(c, v, key, 1, AVBD_VPU_MAX_BUFFERS, &n);
                if (e >= 0)
                        s->input_buffers = (uint32_t)n;
                return e;
        }
        if (!strcmp(key, "output_buffers")) {
                e = avbd_yaml_int(c, v, key, 0, AVBD_VPU_MAX_BUFFERS, &n);
                if (e >= 0)
                        s->output_buffers = (uint32_t)n;
                return e;
        }
        if (!strcmp(key, "coded_buffer_bytes")) {
                e = avbd_yaml_int(c, v, key, 4096, 64 << 20, &n);
                if (e >= 0)
                        s->coded_buffer_bytes = (uint32_t)n;
                return e;
        }
        return avbd_yaml_unknown(c, "vpu", key, v);
}

/* What only holds across keys: run once the whole file is read. */
static int check_vpu(struct avbd_yaml_ctx *c, const struct avbd_profile *p)
{
        const struct avbd_vpu_spec *s = &p->vpu;

        if (s->backend != AVBD_VPU_V4L2) {
                if (c->vpu_v4l2_key)
                        return avbd_yaml_fail(
                            c, c->vpu_v4l2_key,
                            "key '%s': only for 'backend: v4l2' (the backend is softvpu)",
                            avbd_yaml_scalar(c->vpu_v4l2_key));
                return 0;
        }
        if (!s->device)
                return avbd_yaml_fail(c, c->vpu_map, "'vpu' with 'backend: v4l2' needs a 'device'");
        if (c->vpu_dmabuf && p->alignment < AVBD_VPU_DMABUF_ALIGN)
                return avbd_yaml_fail(
                    c, c->vpu_dmabuf,
                    "key 'memory': dmabuf needs 'alignment: %u' (now %u): frame blocks "
                    "must start on a page",
                    AVBD_VPU_DMABUF_ALIGN, p->alignment);
        return 0;
}

static int top_pair(struct avbd_yaml_ctx *c, const char *key, yaml_node_t *v, void *ud)
{
        struct avbd_profile *p = ud;
        long long n = 0;
        int e;

        if (!strcmp(key, "socket_dir")) {
                e = avbd_yaml_str(c, v, key, &p->socket_dir);
                if (e >= 0 && p->socket_dir[0] != '/')
                        return avbd_yaml_fail(c, v, "key 'socket_dir': must be an absolute path");
                return e;
        }
        if (!strcmp(key, "transport")) {
                e = avbd_yaml_str(c, v, key, &p->transport);
                if (e >= 0 && strcmp(p->transport, "nanomsg") && strcmp(p->transport, "unix"))
                        return avbd_yaml_fail(c, v, "key 'transport': expected nanomsg or unix");
                return e;
        }
        if (!strcmp(key, "log_level")) {
                const char *s = avbd_yaml_scalar(v);
                int level = s ? avb_log_level_from_string(s) : -EINVAL;
                if (level < 0)
                        return avbd_yaml_fail(
                            c, v, "key 'log_level': expected error, warning, info or debug");
                p->log_level = level;
                return 0;
        }
        if (!strcmp(key, "poll_spin_us")) {
                e = avbd_yaml_int(c, v, key, 0, 1000, &n);
                if (e >= 0)
                        p->poll_spin_us = (uint32_t)n;
                return e;
        }
        if (!strcmp(key, "alignment")) {
                e = avbd_yaml_int(c, v, key, 64, 1 << 20, &n);
                if (e < 0)
                        return e;
                if (n & (n - 1))
                        return avbd_yaml_fail(c, v, "key 'alignment': %lld is not a power of two",
                                              n);
                p->alignment = (uint32_t)n;
                return 0;
        }
        if (!strcmp(key, "heaps"))
                return avbd_yaml_each_pair(c, v, "heaps", heaps_pair, p);
        if (!strcmp(key, "decoders")) {
                struct decoder_list dl = {.p = p};
                return avbd_yaml_each_pair(c, v, "decoders", decoders_pair, &dl);
        }
        if (!strcmp(key, "frame_pools"))
                return load_frame_pools(c, v, p);
        if (!strcmp(key, "access"))
                return avbd_yaml_each_pair(c, v, "access", access_pair, p);
        if (!strcmp(key, "vpu")) {
                c->vpu_map = v;
                return avbd_yaml_each_pair(c, v, "vpu", vpu_pair, &p->vpu);
        }
        return avbd_yaml_unknown(c, "the profile", key, v);
}

static const struct avb_decoder_spec default_decoders[] = {
    {.kind = AVB_MEDIA_VIDEO,
     .id = 0,
     .nonsecure_pool_bytes = 4000000,
     .secure_pool_bytes = 4000000,
     .configured = true},
    {.kind = AVB_MEDIA_VIDEO,
     .id = 1,
     .nonsecure_pool_bytes = 2000000,
     .secure_pool_bytes = 2000000,
     .configured = true},
    {.kind = AVB_MEDIA_AUDIO,
     .id = 0,
     .nonsecure_pool_bytes = 512000,
     .secure_pool_bytes = 512000,
     .configured = true},
    {.kind = AVB_MEDIA_AUDIO,
     .id = 1,
     .nonsecure_pool_bytes = 512000,
     .secure_pool_bytes = 512000,
     .configured = true},
    {.kind = AVB_MEDIA_AUDIO,
     .id = -1,
     .nonsecure_pool_bytes = 256000,
     .secure_pool_bytes = 0,
     .configured = true},
};

static const struct avbd_frame_pool_spec default_frame_pools[] = {
    {.name = "video-frames",
     .kind = AVB_MEDIA_VIDEO,
     .secure = false,
     .block_bytes = 1382400,
     .count = 2},
    {.name = "audio-frames",
     .kind = AVB_MEDIA_AUDIO,
     .secure = false,
     .block_bytes = 16384,
     .count = 16},
};

int avbd_profile_defaults(struct avbd_profile *ret)
{
        struct avbd_profile p = {
            .log_level = -1,
            .poll_spin_us = AVBD_DEFAULT_POLL_SPIN_US,
            .nonsecure_heap_bytes = 16000000,
            .secure_heap_bytes = 16000000,
            .alignment = 64,
            .vpu = {.backend = AVBD_VPU_SOFTVPU,
                    .memory = AVBD_VPU_MMAP,
                    .input_buffers = 8,
                    .output_buffers = 0,
                    .coded_buffer_bytes = 1u << 20},
        };
        struct passwd *root = getpwuid(0);

        p.decoders = malloc(sizeof(default_decoders));
        p.frame_pools = calloc(AVB_ELEMENTSOF(default_frame_pools), sizeof(*p.frame_pools));
        p.trusted_users.ids = calloc(1, sizeof(uint32_t));
        if (!p.decoders || !p.frame_pools || !p.trusted_users.ids)
                goto nomem;
        memcpy(p.decoders, default_decoders, sizeof(default_decoders));
        p.n_decoders = AVB_ELEMENTSOF(default_decoders);
        for (size_t i = 0; i < AVB_ELEMENTSOF(default_frame_pools); i++) {
                p.frame_pools[i] = default_frame_pools[i];
                p.frame_pools[i].name = strdup(default_frame_pools[i].name);
                if (!p.frame_pools[i].name)
                        goto nomem;
                p.n_frame_pools++;
        }
        p.trusted_users.ids[0] = root ? root->pw_uid : 0;
        p.trusted_users.n = 1;
        *ret = p;
        return 0;
nomem:
        avbd_profile_fini(&p);
        return -ENOMEM;
}

int avbd_profile_parse(const char *name, const char *text, size_t len, struct avbd_profile *ret,
                       char *err, size_t err_len)
{
        struct avbd_profile p;
        yaml_parser_t parser;
        yaml_document_t doc;
        struct avbd_yaml_ctx c = {.name = name, .doc = &doc, .err = err, .err_len = err_len};
        yaml_node_t *root;
        int e;

        if (err_len)
                err[0] = '\0';
        e = avbd_profile_defaults(&p);
        if (e < 0)
                return e;
        if (!yaml_parser_initialize(&parser)) {
                avbd_profile_fini(&p);
                return -ENOMEM;
        }
        yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
        if (!yaml_parser_load(&parser, &doc)) {
                snprintf(err, err_len, "%s:%zu: %s", name, parser.problem_mark.line + 1,
                         parser.problem ? parser.problem : "not valid YAML");
                yaml_parser_delete(&parser);
                avbd_profile_fini(&p);
                return -EINVAL;
        }
        root = yaml_document_get_root_node(&doc);
        /* An empty file is a profile with every default. */
        e = root ? avbd_yaml_each_pair(&c, root, "the profile", top_pair, &p) : 0;
        if (e >= 0)
                e = check_vpu(&c, &p);
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        if (e < 0) {
                if (e == -ENOMEM)
                        snprintf(err, err_len, "%s: out of memory", name);
                avbd_profile_fini(&p);
                return e;
        }
        *ret = p;
        return 0;
}

int avbd_profile_load(const char *path, struct avbd_profile *ret, char *err, size_t err_len)
{
        FILE *f = fopen(path, "re");
        char *text = NULL;
        size_t len = 0, cap = 0, n;
        int e;

        if (!f) {
                e = -errno;
                snprintf(err, err_len, "%s: %s", path, strerror(errno));
                return e;
        }
        do {
                if (len + 4096 > cap) {
                        char *grown;
                        if (cap > (1u << 20)) {
                                snprintf(err, err_len, "%s: larger than 1 MiB", path);
                                e = -EFBIG;
                                goto out;
                        }
                        cap = cap ? cap * 2 : 8192;
                        grown = realloc(text, cap);
                        if (!grown) {
                                e = -ENOMEM;
                                goto out;
                        }
                        text = grown;
                }
                n = fread(text + len, 1, cap - len, f);
                len += n;
        } while (n > 0);
        if (ferror(f)) {
                snprintf(err, err_len, "%s: read error", path);
                e = -EIO;
                goto out;
        }
        e = avbd_profile_parse(path, text ? text : "", len, ret, err, err_len);
out:
        free(text);
        fclose(f);
        return e;
}

void avbd_profile_fini(struct avbd_profile *p)
{
        if (!p)
                return;
        free(p->socket_dir);
        free(p->transport);
        free(p->vpu.device);
        free(p->decoders);
        for (size_t i = 0; i < p->n_sink_outputs; i++)
                free(p->sink_outputs[i].path);
        free(p->sink_outputs);
        for (size_t i = 0; i < p->n_frame_pools; i++)
                free(p->frame_pools[i].name);
        free(p->frame_pools);
        free(p->users.ids);
        free(p->groups.ids);
        free(p->trusted_users.ids);
        free(p->trusted_groups.ids);
        memset(p, 0, sizeof(*p));
}

static bool list_has(const struct avbd_id_list *l, uint32_t id)
{
        for (size_t i = 0; i < l->n; i++)
                if (l->ids[i] == id)
                        return true;
        return false;
}

/* Whether uid (primary group gid) is in any group of `groups`, supplementary included. */
static bool in_groups(const struct avbd_id_list *groups, uid_t uid, gid_t gid)
{
        struct passwd pw, *found = NULL;
        char buf[1024];
        gid_t list[64];
        int n = (int)(sizeof(list) / sizeof(list[0]));

        if (groups->n == 0)
                return false;
        if (list_has(groups, gid))
                return true;
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0 || !found)
                return false;
        if (getgrouplist(found->pw_name, gid, list, &n) < 0)
                return false;
        for (int i = 0; i < n; i++)
                if (list_has(groups, list[i]))
                        return true;
        return false;
}

bool avbd_profile_may_connect(const struct avbd_profile *p, uid_t uid, gid_t gid)
{
        if (p->users.n == 0 && p->groups.n == 0)
                return true;
        return list_has(&p->users, uid) || in_groups(&p->groups, uid, gid);
}

bool avbd_profile_is_trusted(const struct avbd_profile *p, uid_t uid, gid_t gid)
{
        return list_has(&p->trusted_users, uid) || in_groups(&p->trusted_groups, uid, gid);
}
