/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor facade's media graph and tunnelled-mode sinks: one graph for
 * the vendor's lifetime (graph_build.c makes it from the config), driven by
 * the decode path as its decoders open, start, stop and close, and by the
 * vendor control plane (link and pad format changes).
 *
 * Why the graph lives here and not in the decode path: the topology is the
 * vendor's (which pools feed which VPU context, where tunnelled frames go),
 * and the control plane must see the same graph the decoders stream on, or
 * a refused link change could not be explained.
 *
 * Sinks are made on the first tunnelled start of their decoder and kept
 * until avb_vendor_free. The facade never calls into a sink with its lock
 * held: sinks release frames through avb_vendor_buffer_free.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avb_config.h"
#include "graph.h"
#include "sink.h"
#include "util.h"
#include "vendor_internal.h"

int vendor_graph_init(struct avb_vendor *v)
{
        return avb_graph_new_from_config(&v->cfg, &v->graph);
}

void vendor_graph_fini(struct avb_vendor *v)
{
        for (size_t i = 0; i < AVB_VENDOR_MAX_DECODERS; i++) {
                avb_sink_free(v->sinks[i]);
                v->sinks[i] = NULL;
        }
        avb_graph_free(v->graph);
        v->graph = NULL;
}

int avb_vendor_graph_describe(struct avb_vendor *v, bool dot, char **ret_text)
{
        int r;

        vendor_lock(v);
        r = avb_graph_describe(v->graph, dot, ret_text);
        vendor_unlock(v);
        return r;
}

/* "entity:pad" (media-ctl's pad syntax, without quotes) into its ids. */
static int graph_parse_pad_locked(struct avb_vendor *v, const char *text, unsigned *ret_entity,
                                  unsigned *ret_pad)
{
        char name[AVB_GRAPH_NAME_MAX];
        const char *colon = text ? strrchr(text, ':') : NULL;
        char *end;
        unsigned long pad;
        unsigned entity;

        /* digits only: strtoul alone would take spaces and signs */
        if (!colon || colon == text || (size_t)(colon - text) >= sizeof(name) ||
            !isdigit((unsigned char)colon[1]))
                return -EINVAL;
        memcpy(name, text, (size_t)(colon - text));
        name[colon - text] = '\0';
        errno = 0;
        pad = strtoul(colon + 1, &end, 10);
        if (*end || errno || pad > UINT_MAX)
                return -EINVAL;
        if (avb_graph_find_entity(v->graph, name, &entity) < 0)
                return -ENOENT;
        *ret_entity = entity;
        *ret_pad = (unsigned)pad;
        return 0;
}

int avb_vendor_graph_setup_link(struct avb_vendor *v, const char *source, const char *sink,
                                bool enable)
{
        struct avb_graph_link_info info;
        unsigned se, sp, ke, kp, link;
        int r;

        vendor_lock(v);
        r = graph_parse_pad_locked(v, source, &se, &sp);
        if (r == 0)
                r = graph_parse_pad_locked(v, sink, &ke, &kp);
        if (r == 0)
                r = avb_graph_find_link(v->graph, se, sp, ke, kp, &link);
        if (r == 0)
                r = avb_graph_link_info(v->graph, link, &info);
        if (r == 0)
                r = avb_graph_setup_link(v->graph, link,
                                         enable ? info.flags | AVB_GRAPH_LINK_ENABLED
                                                : info.flags & ~AVB_GRAPH_LINK_ENABLED);
        vendor_unlock(v);
        return r;
}

int avb_vendor_graph_set_format(struct avb_vendor *v, const char *pad, uint32_t fourcc,
                                uint32_t width, uint32_t height)
{
        struct avb_graph_format f;
        unsigned entity, index;
        int r;

        vendor_lock(v);
        r = graph_parse_pad_locked(v, pad, &entity, &index);
        if (r == 0)
                r = avb_graph_get_format(v->graph, entity, index, &f);
        if (r == 0) {
                f.fourcc = fourcc;
                f.width = width;
                f.height = height;
                r = avb_graph_set_format(v->graph, entity, index, &f);
        }
        vendor_unlock(v);
        return r;
}

/* ---- decoders ---------------------------------------------------------------- */

static int decoder_index(const struct avb_vendor *v, enum avb_media_kind kind, int32_t id)
{
        for (size_t i = 0; i < v->cfg.n_decoders; i++)
                if (v->cfg.decoders[i].kind == kind && v->cfg.decoders[i].id == id)
                        return (int)i;
        return -EINVAL;
}

static int decoder_entity_locked(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                 unsigned *ret_entity)
{
        char name[AVB_GRAPH_NAME_MAX];

        avb_graph_decoder_name(kind == AVB_MEDIA_VIDEO, id, name);
        return avb_graph_find_entity(v->graph, name, ret_entity) < 0 ? -EINVAL : 0;
}

/*
 * The link that leaves (or enters, when `into`) pad of entity in the one
 * direction that pad has; for a decoder's output that is its sink link,
 * for its coded pad the link to its VPU context.
 */
static int graph_link_at_locked(struct avb_vendor *v, unsigned entity, unsigned pad, bool into,
                                struct avb_graph_link_info *ret_info)
{
        unsigned n = avb_graph_link_count(v->graph);

        for (unsigned l = 0; l < n; l++) {
                struct avb_graph_link_info li;

                if (avb_graph_link_info(v->graph, l, &li) < 0)
                        continue;
                if ((!into && li.source_entity == entity && li.source_pad == pad) ||
                    (into && li.sink_entity == entity && li.sink_pad == pad)) {
                        *ret_info = li;
                        return (int)l;
                }
        }
        return -ENOENT;
}

/*
 * Point the decoder's VPU context at frame pool `pool` (config index): its
 * memory link enabled, the links of the other pools disabled. Disabling
 * first, as a sink pad takes one enabled link at a time.
 */
static int decoder_select_pool_locked(struct avb_vendor *v, unsigned dec_entity, unsigned pool)
{
        struct avb_graph_link_info coded, li;
        char want[AVB_GRAPH_NAME_MAX];
        unsigned memory, n = avb_graph_link_count(v->graph);
        int chosen = -ENOENT, r;

        r = graph_link_at_locked(v, dec_entity, AVB_GRAPH_DECODER_CODED, false, &coded);
        if (r < 0)
                return 0; /* no VPU context: nothing to point */
        memory = coded.sink_pad - AVB_GRAPH_VPU_CODED + AVB_GRAPH_VPU_MEMORY;
        snprintf(want, sizeof(want), "frame-pool-%u", pool);
        for (unsigned l = 0; l < n; l++) {
                const char *name;

                if (avb_graph_link_info(v->graph, l, &li) < 0 ||
                    li.sink_entity != coded.sink_entity || li.sink_pad != memory)
                        continue;
                name = avb_graph_entity_name(v->graph, li.source_entity);
                if (name && !strcmp(name, want)) {
                        chosen = (int)l;
                        continue;
                }
                r = avb_graph_setup_link(v->graph, l, li.flags & ~AVB_GRAPH_LINK_ENABLED);
                if (r < 0)
                        return r;
        }
        if (chosen < 0)
                return chosen;
        (void)avb_graph_link_info(v->graph, (unsigned)chosen, &li);
        return avb_graph_setup_link(v->graph, (unsigned)chosen, li.flags | AVB_GRAPH_LINK_ENABLED);
}

/*
 * The registry allows a step either way between neighbours; the decode
 * path's steps each go one way only, so each checks where it starts from.
 */
static int decoder_step_locked(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                               enum avb_decoder_state from, enum avb_decoder_state to)
{
        enum avb_decoder_state now;
        int r = avb_decoder_get_state(v->decoders, kind, id, &now);

        if (r < 0)
                return r;
        if (now != from)
                return -EBADFD;
        return avb_decoder_set_state(v->decoders, kind, id, to);
}

int avb_vendor_decoder_open(struct avb_vendor *v, enum avb_media_kind kind, int32_t id)
{
        enum avb_decoder_state now;
        int r;

        vendor_lock(v);
        r = avb_decoder_get_state(v->decoders, kind, id, &now);
        if (r == 0 && now > AVB_DECODER_CONFIGURED)
                r = -EBADFD;
        if (r == 0)
                r = avb_decoder_set_configured(v->decoders, kind, id, true);
        if (r == 0)
                r = avb_decoder_set_state(v->decoders, kind, id, AVB_DECODER_OPENED);
        vendor_unlock(v);
        return r;
}

static void sink_release_frame(void *userdata, int64_t frame)
{
        struct vendor_sink_ctx *c = userdata;

        (void)avb_vendor_buffer_free(c->v, frame);
}

static int sink_read_frame(void *userdata, int64_t frame, uint32_t offset, void *dst, size_t len)
{
        struct vendor_sink_ctx *c = userdata;

        return avb_vendor_buffer_read_for_vendor(c->v, frame, offset, dst, len);
}

/* cb and userdata are set before the engine is handed out, never while it runs unseen */
static void sink_event(void *userdata, enum avb_sink_event ev, int64_t pts_ns)
{
        struct vendor_sink_ctx *c = userdata;
        avb_vendor_sink_event_cb cb = __atomic_load_n(&c->cb, __ATOMIC_ACQUIRE);

        if (cb)
                cb(c->userdata, (int)ev, pts_ns);
}

static const struct avb_sink_ops vendor_sink_ops = {
    .read = sink_read_frame,
    .release = sink_release_frame,
    .event = sink_event,
};

/* The decoder's sink, made on first use; lock held. */
static int decoder_sink_locked(struct avb_vendor *v, int index, struct avb_sink **ret_sink)
{
        if (!v->sinks[index]) {
                int r;

                v->sink_ctx[index].v = v;
                r = avb_sink_new(&vendor_sink_ops, &v->sink_ctx[index], AVB_DEBUG_API,
                                 &v->sinks[index]);

                if (r < 0)
                        return r;
        }
        *ret_sink = v->sinks[index];
        return 0;
}

/* "entity:pad -> entity:pad"; lock held. */
static void link_text_locked(struct avb_vendor *v, unsigned link, char text[AVB_VENDOR_LINK_TEXT])
{
        struct avb_graph_link_info li;

        if (avb_graph_link_info(v->graph, link, &li) == 0)
                snprintf(text, AVB_VENDOR_LINK_TEXT, "%s:%u -> %s:%u",
                         avb_graph_entity_name(v->graph, li.source_entity), li.source_pad,
                         avb_graph_entity_name(v->graph, li.sink_entity), li.sink_pad);
}

int avb_vendor_decoder_start(struct avb_vendor *v, const struct avb_vendor_decoder_start *how,
                             bool *ret_tunnelled, char ret_bad_link[AVB_VENDOR_LINK_TEXT])
{
        struct avb_graph_link_info out;
        struct avb_graph_format f;
        struct avb_sink *sink = NULL;
        enum avb_decoder_state now;
        unsigned entity, bad;
        int index = decoder_index(v, how->kind, how->id);
        bool tunnelled;
        int r;

        if (index < 0 || how->frame_pool >= v->n_frame_pools)
                return -EINVAL;
        vendor_lock(v);
        r = avb_decoder_get_state(v->decoders, how->kind, how->id, &now);
        if (r == 0 && now != AVB_DECODER_OPENED)
                r = -EBADFD; /* checked first: no graph change for a decoder not OPENED */
        if (r == 0)
                r = decoder_entity_locked(v, how->kind, how->id, &entity);
        if (r == 0)
                r = decoder_select_pool_locked(v, entity, how->frame_pool);
        if (r == 0) {
                /* what the decoder puts out: its VPU's pixel format in blocks of its pool */
                f = (struct avb_graph_format){
                    .fourcc = how->fourcc,
                    .bytes = avb_framepool_spec(v->frame_pools[how->frame_pool])->block_size};
                r = avb_graph_set_format(v->graph, entity, AVB_GRAPH_DECODER_OUTPUT, &f);
        }
        tunnelled = r == 0 &&
                    graph_link_at_locked(v, entity, AVB_GRAPH_DECODER_OUTPUT, false, &out) >= 0 &&
                    (out.flags & AVB_GRAPH_LINK_ENABLED);
        if (r == 0 && tunnelled)
                r = decoder_sink_locked(v, index, &sink);
        if (r == 0) {
                r = avb_graph_pipeline_start(v->graph, entity, &bad);
                if (r == -EPIPE && ret_bad_link)
                        link_text_locked(v, bad, ret_bad_link);
        }
        if (r == 0) {
                r = decoder_step_locked(v, how->kind, how->id, AVB_DECODER_OPENED,
                                        AVB_DECODER_STARTED);
                if (r < 0)
                        (void)avb_graph_pipeline_stop(v->graph, entity);
        }
        vendor_unlock(v);
        if (r < 0)
                return r;
        if (sink) {
                avb_sink_flush(sink, false);
                avb_sink_set_notify(sink, how->notify_fd);
        }
        *ret_tunnelled = tunnelled;
        return 0;
}

/* The decoder's sink if it has one (they live until avb_vendor_free). */
static struct avb_sink *decoder_sink(struct avb_vendor *v, enum avb_media_kind kind, int32_t id)
{
        int index = decoder_index(v, kind, id);
        struct avb_sink *s;

        if (index < 0)
                return NULL;
        vendor_lock(v);
        s = v->sinks[index];
        vendor_unlock(v);
        return s;
}

int avb_vendor_decoder_stop(struct avb_vendor *v, enum avb_media_kind kind, int32_t id)
{
        struct avb_sink *sink;
        unsigned entity;
        int r;

        vendor_lock(v);
        r = decoder_entity_locked(v, kind, id, &entity);
        if (r == 0)
                r = decoder_step_locked(v, kind, id, AVB_DECODER_STARTED, AVB_DECODER_OPENED);
        if (r == 0)
                (void)avb_graph_pipeline_stop(v->graph, entity);
        vendor_unlock(v);
        sink = decoder_sink(v, kind, id);
        if (r == 0 && sink) {
                avb_sink_flush(sink, false);
                avb_sink_set_notify(sink, -1);
        }
        return r;
}

int avb_vendor_decoder_set_geometry(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                    uint32_t width, uint32_t height,
                                    char ret_bad_link[AVB_VENDOR_LINK_TEXT])
{
        struct avb_graph_format f;
        unsigned entity, bad;
        int r;

        vendor_lock(v);
        r = decoder_entity_locked(v, kind, id, &entity);
        if (r == 0)
                r = avb_graph_get_format(v->graph, entity, AVB_GRAPH_DECODER_OUTPUT, &f);
        if (r == 0) {
                f.width = width;
                f.height = height;
                r = avb_graph_pad_changed(v->graph, entity, AVB_GRAPH_DECODER_OUTPUT, &f, &bad);
                if (r == -EPIPE && ret_bad_link)
                        link_text_locked(v, bad, ret_bad_link);
        }
        vendor_unlock(v);
        return r;
}

int avb_vendor_decoder_close(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                             bool configured)
{
        int r;

        vendor_lock(v);
        r = decoder_step_locked(v, kind, id, AVB_DECODER_OPENED, AVB_DECODER_CONFIGURED);
        if (r == 0)
                r = avb_decoder_set_configured(v->decoders, kind, id, configured);
        vendor_unlock(v);
        return r;
}

/* ---- tunnelled mode ------------------------------------------------------------ */

/*
 * The engine's planes for a picture of `bytes` bytes: the visible rows of
 * each. Why checked here: the engine reads where the planes say, and a
 * layout reaching past the block would read another frame's bytes (or fail
 * every read); refusing it names the fault at its source.
 */
static int picture_planes(const struct avb_vendor_picture *p, uint32_t bytes,
                          struct avb_sink_planes *ret)
{
        uint32_t w = p->width, h = p->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
        struct avb_sink_planes planes = {0};

        if (p->pixfmt == AVB_VENDOR_PIXFMT_I420 && p->n_planes >= 3)
                planes =
                    (struct avb_sink_planes){.n = 3, .row_bytes = {w, cw, cw}, .rows = {h, ch, ch}};
        else if (p->pixfmt == AVB_VENDOR_PIXFMT_NV12 && p->n_planes >= 2)
                planes =
                    (struct avb_sink_planes){.n = 2, .row_bytes = {w, 2 * cw}, .rows = {h, ch}};
        if (!planes.n || !w || !h)
                return -EINVAL;
        for (uint32_t i = 0; i < planes.n; i++) {
                uint64_t end = (uint64_t)p->offset[i] +
                               (uint64_t)(planes.rows[i] - 1) * p->stride[i] + planes.row_bytes[i];

                if (p->stride[i] < planes.row_bytes[i] || end > bytes)
                        return -EINVAL;
                planes.offset[i] = p->offset[i];
                planes.stride[i] = p->stride[i];
        }
        *ret = planes;
        return 0;
}

int avb_vendor_sink_queue_picture(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                  int64_t frame, int64_t pts_ns, uint32_t bytes,
                                  const struct avb_vendor_picture *picture)
{
        struct avb_sink *sink = decoder_sink(v, kind, id);
        struct avb_sink_frame f = {.frame = frame, .pts_ns = pts_ns, .bytes = bytes};
        int r = sink ? 0 : -ENOENT;

        if (r == 0 && picture && picture->pixfmt != AVB_VENDOR_PIXFMT_NONE) {
                r = picture_planes(picture, bytes, &f.planes);
                f.rate_num = picture->rate_num;
                f.rate_den = picture->rate_den;
                f.sar_num = picture->sar_num;
                f.sar_den = picture->sar_den;
        }
        if (r == 0)
                r = avb_sink_queue_frame(sink, &f);
        if (r < 0)
                (void)avb_vendor_buffer_free(v, frame);
        return r;
}

int avb_vendor_sink_queue(struct avb_vendor *v, enum avb_media_kind kind, int32_t id, int64_t frame,
                          int64_t pts_ns, uint32_t bytes)
{
        return avb_vendor_sink_queue_picture(v, kind, id, frame, pts_ns, bytes, NULL);
}

int avb_vendor_sink_queue_eos(struct avb_vendor *v, enum avb_media_kind kind, int32_t id)
{
        struct avb_sink *sink = decoder_sink(v, kind, id);

        return sink ? avb_sink_queue_eos(sink) : -ENOENT;
}

void avb_vendor_sink_flush(struct avb_vendor *v, enum avb_media_kind kind, int32_t id)
{
        struct avb_sink *sink = decoder_sink(v, kind, id);

        if (sink)
                avb_sink_flush(sink, false);
}

bool avb_vendor_sink_take_eos(struct avb_vendor *v, enum avb_media_kind kind, int32_t id)
{
        struct avb_sink *sink = decoder_sink(v, kind, id);

        return sink && avb_sink_take_eos(sink);
}

int avb_vendor_sink_take_records(struct avb_vendor *v, const char *name,
                                 struct avb_sink_record **ret_records, size_t *ret_n)
{
        enum avb_graph_function function;
        struct avb_graph_link_info li;
        struct avb_sink *sink = NULL;
        unsigned entity;
        int r;

        vendor_lock(v);
        r = name ? avb_graph_find_entity(v->graph, name, &entity) : -ENOENT;
        if (r == 0 && (avb_graph_entity_function(v->graph, entity, &function) < 0 ||
                       function != AVB_GRAPH_SINK))
                r = -ENOENT;
        /* a sink entity's one link comes from its decoder's output pad */
        if (r == 0 && graph_link_at_locked(v, entity, 0, true, &li) < 0)
                r = -ENOENT;
        for (size_t i = 0; r == 0 && i < v->cfg.n_decoders; i++) {
                unsigned dec;

                if (decoder_entity_locked(v, v->cfg.decoders[i].kind, v->cfg.decoders[i].id,
                                          &dec) == 0 &&
                    dec == li.source_entity)
                        sink = v->sinks[i];
        }
        vendor_unlock(v);
        if (r < 0)
                return r;
        if (!sink) { /* never started tunnelled: nothing presented */
                *ret_records = NULL;
                *ret_n = 0;
                return 0;
        }
        return avb_sink_take_records(sink, ret_records, ret_n);
}

/* The engine of the sink that decoder (kind, id)'s output link enters; events to cb. */
static int vendor_kind_sink(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                            avb_vendor_sink_event_cb cb, void *userdata, struct avb_sink **ret_sink)
{
        int index = decoder_index(v, kind, id);
        int r;

        if (index < 0)
                return index;
        vendor_lock(v);
        v->sink_ctx[index].userdata = userdata;
        __atomic_store_n(&v->sink_ctx[index].cb, cb, __ATOMIC_RELEASE);
        r = decoder_sink_locked(v, index, ret_sink);
        vendor_unlock(v);
        return r;
}

int avb_vendor_video_sink(struct avb_vendor *v, int32_t id, avb_vendor_sink_event_cb cb,
                          void *userdata, struct avb_sink **ret_sink)
{
        return vendor_kind_sink(v, AVB_MEDIA_VIDEO, id, cb, userdata, ret_sink);
}

int avb_vendor_audio_sink(struct avb_vendor *v, int32_t id, avb_vendor_sink_event_cb cb,
                          void *userdata, struct avb_sink **ret_sink)
{
        return vendor_kind_sink(v, AVB_MEDIA_AUDIO, id, cb, userdata, ret_sink);
}

/*
 * The decoder's output link to its sink: what tunnelled mode is. Shared by
 * the two calls below; lock held.
 */
static int decoder_sink_link_locked(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                    struct avb_graph_link_info *ret_info)
{
        unsigned entity;
        int r = decoder_entity_locked(v, kind, id, &entity);

        if (r == 0)
                r = graph_link_at_locked(v, entity, AVB_GRAPH_DECODER_OUTPUT, false, ret_info);
        return r < 0 ? r : 0;
}

int avb_vendor_decoder_tunnelled(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                 bool *ret_tunnelled)
{
        struct avb_graph_link_info li;
        int r;

        vendor_lock(v);
        r = decoder_sink_link_locked(v, kind, id, &li);
        vendor_unlock(v);
        if (r < 0)
                return r;
        *ret_tunnelled = (li.flags & AVB_GRAPH_LINK_ENABLED) != 0;
        return 0;
}

int avb_vendor_decoder_set_tunnelled(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                     bool tunnelled)
{
        struct avb_graph_link_info li;
        unsigned link;
        int r;

        vendor_lock(v);
        r = decoder_sink_link_locked(v, kind, id, &li);
        if (r == 0)
                r = avb_graph_find_link(v->graph, li.source_entity, li.source_pad, li.sink_entity,
                                        li.sink_pad, &link);
        if (r == 0 && ((li.flags & AVB_GRAPH_LINK_ENABLED) != 0) != tunnelled)
                r = avb_graph_setup_link(v->graph, link,
                                         tunnelled ? li.flags | AVB_GRAPH_LINK_ENABLED
                                                   : li.flags & ~AVB_GRAPH_LINK_ENABLED);
        vendor_unlock(v);
        return r;
}
