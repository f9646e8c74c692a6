/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor topology of a profile as a media graph (see graph.h for its
 * shape): decoders and frame pools from the config, the VPU with one
 * context per decoder, and one stand-in sink per decoder.
 */
#include <errno.h>
#include <stdio.h>

#include "avbuffer/vendor.h"
#include "graph.h"
#include "util.h"

void avb_graph_decoder_name(bool video, int32_t id, char buf[AVB_GRAPH_NAME_MAX])
{
        if (!video && id == AVB_DECODER_ID_UNDEFINED)
                snprintf(buf, AVB_GRAPH_NAME_MAX, "audio-pcm");
        else
                snprintf(buf, AVB_GRAPH_NAME_MAX, "%s-decoder-%d", video ? "video" : "audio",
                         (int)id);
}

static bool build_has_context(const struct avb_decoder_spec *d)
{
        return d->kind == AVB_MEDIA_VIDEO || d->id != AVB_DECODER_ID_UNDEFINED;
}

static int build_decoders(struct avb_graph *g, const struct avb_vendor_config *cfg, unsigned *dec,
                          unsigned *sink)
{
        static const struct avb_graph_pad_desc dec_pads[] = {
            {AVB_GRAPH_PAD_SINK, "input", {0}},
            {AVB_GRAPH_PAD_SOURCE, "coded", {0}},
            {AVB_GRAPH_PAD_SINK, "frames", {0}},
            {AVB_GRAPH_PAD_SOURCE, "output", {0}},
        };
        static const struct avb_graph_pad_desc sink_pad = {AVB_GRAPH_PAD_SINK, "input", {0}};
        char name[AVB_GRAPH_NAME_MAX], sink_name[AVB_GRAPH_NAME_MAX + 8];
        unsigned link;
        int r;

        for (size_t i = 0; i < cfg->n_decoders; i++) {
                const struct avb_decoder_spec *d = &cfg->decoders[i];
                bool video = d->kind == AVB_MEDIA_VIDEO;

                avb_graph_decoder_name(video, d->id, name);
                r = avb_graph_add_entity(g, name, AVB_GRAPH_DECODER, dec_pads, 4, 0, &dec[i]);
                if (r < 0)
                        return r;
                if (!build_has_context(d))
                        snprintf(sink_name, sizeof(sink_name), "audio-sink-pcm");
                else
                        snprintf(sink_name, sizeof(sink_name), "%s-sink-%d",
                                 video ? "video" : "audio", (int)d->id);
                r = avb_graph_add_entity(g, sink_name, AVB_GRAPH_SINK, &sink_pad, 1, 0, &sink[i]);
                if (r < 0)
                        return r;
                r = avb_graph_create_link(g, dec[i], AVB_GRAPH_DECODER_OUTPUT, sink[i], 0, 0,
                                          &link);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The VPU: one context per decoder that has one; ctx[i] is decoder i's. */
static int build_vpu(struct avb_graph *g, const struct avb_vendor_config *cfg, const unsigned *dec,
                     unsigned *ctx, unsigned *ret_vpu)
{
        struct avb_graph_pad_desc pads[AVB_VENDOR_MAX_DECODERS * AVB_GRAPH_VPU_PADS_PER_CONTEXT];
        unsigned n = 0, link;
        int r;

        for (size_t i = 0; i < cfg->n_decoders; i++) {
                if (!build_has_context(&cfg->decoders[i]))
                        continue;
                ctx[i] = n / AVB_GRAPH_VPU_PADS_PER_CONTEXT;
                pads[n++] = (struct avb_graph_pad_desc){AVB_GRAPH_PAD_SINK, "coded", {0}};
                pads[n++] = (struct avb_graph_pad_desc){AVB_GRAPH_PAD_SINK, "memory", {0}};
                pads[n++] = (struct avb_graph_pad_desc){AVB_GRAPH_PAD_SOURCE, "frames", {0}};
        }
        if (n == 0)
                return 0;
        r = avb_graph_add_entity(g, "vpu", AVB_GRAPH_VPU, pads, n, AVB_GRAPH_VPU_PADS_PER_CONTEXT,
                                 ret_vpu);
        for (size_t i = 0; r == 0 && i < cfg->n_decoders; i++) {
                unsigned base = ctx[i] * AVB_GRAPH_VPU_PADS_PER_CONTEXT;
                const uint32_t fixed = AVB_GRAPH_LINK_ENABLED | AVB_GRAPH_LINK_IMMUTABLE;

                if (!build_has_context(&cfg->decoders[i]))
                        continue;
                r = avb_graph_create_link(g, dec[i], AVB_GRAPH_DECODER_CODED, *ret_vpu,
                                          base + AVB_GRAPH_VPU_CODED, fixed, &link);
                if (r == 0)
                        r = avb_graph_create_link(g, *ret_vpu, base + AVB_GRAPH_VPU_FRAMES, dec[i],
                                                  AVB_GRAPH_DECODER_FRAMES, fixed, &link);
        }
        return r;
}

static int build_frame_pools(struct avb_graph *g, const struct avb_vendor_config *cfg,
                             const unsigned *ctx, unsigned vpu)
{
        bool memory_linked[AVB_VENDOR_MAX_DECODERS] = {false};
        int r;

        /* Non-secure pools first, so they take the enabled memory links. */
        for (int pass = 0; pass < 2; pass++)
                for (size_t p = 0; p < cfg->n_frame_pools; p++) {
                        const struct avb_framepool_spec *fp = &cfg->frame_pools[p];
                        struct avb_graph_pad_desc pads[AVB_VENDOR_MAX_DECODERS];
                        char names[AVB_VENDOR_MAX_DECODERS][AVB_GRAPH_NAME_MAX];
                        char name[AVB_GRAPH_NAME_MAX];
                        unsigned n = 0, entity, link, pad = 0;

                        if (fp->secure != (pass == 1))
                                continue;
                        for (size_t i = 0; i < cfg->n_decoders; i++)
                                if (cfg->decoders[i].kind == fp->kind &&
                                    build_has_context(&cfg->decoders[i])) {
                                        avb_graph_decoder_name(fp->kind == AVB_MEDIA_VIDEO,
                                                               cfg->decoders[i].id, names[n]);
                                        pads[n] =
                                            (struct avb_graph_pad_desc){AVB_GRAPH_PAD_SOURCE,
                                                                        names[n],
                                                                        {.bytes = fp->block_size}};
                                        n++;
                                }
                        if (n == 0)
                                continue;
                        snprintf(name, sizeof(name), "frame-pool-%zu", p);
                        r = avb_graph_add_entity(g, name, AVB_GRAPH_FRAME_POOL, pads, n, 1,
                                                 &entity);
                        for (size_t i = 0; r == 0 && i < cfg->n_decoders; i++) {
                                uint32_t flags = 0;

                                if (cfg->decoders[i].kind != fp->kind ||
                                    !build_has_context(&cfg->decoders[i]))
                                        continue;
                                if (!memory_linked[i] && !fp->secure) {
                                        flags = AVB_GRAPH_LINK_ENABLED;
                                        memory_linked[i] = true;
                                }
                                r = avb_graph_create_link(g, entity, pad++, vpu,
                                                          ctx[i] * AVB_GRAPH_VPU_PADS_PER_CONTEXT +
                                                              AVB_GRAPH_VPU_MEMORY,
                                                          flags, &link);
                        }
                        if (r < 0)
                                return r;
                }
        return 0;
}

static void graph_freep(struct avb_graph **g)
{
        avb_graph_free(*g);
}

int avb_graph_new_from_config(const struct avb_vendor_config *cfg, struct avb_graph **ret_graph)
{
        _cleanup_(graph_freep) struct avb_graph *g = NULL;
        unsigned dec[AVB_VENDOR_MAX_DECODERS], sink[AVB_VENDOR_MAX_DECODERS];
        unsigned ctx[AVB_VENDOR_MAX_DECODERS] = {0}, vpu = 0;
        int r;

        if (cfg->n_decoders > AVB_VENDOR_MAX_DECODERS ||
            cfg->n_frame_pools > AVB_VENDOR_MAX_FRAME_POOLS)
                return -EINVAL;
        r = avb_graph_new(&g);
        if (r == 0)
                r = build_decoders(g, cfg, dec, sink);
        if (r == 0)
                r = build_vpu(g, cfg, dec, ctx, &vpu);
        if (r == 0 && avb_graph_find_entity(g, "vpu", &vpu) == 0)
                r = build_frame_pools(g, cfg, ctx, vpu);
        if (r < 0)
                return r;
        *ret_graph = AVB_TAKE_PTR(g);
        return 0;
}
