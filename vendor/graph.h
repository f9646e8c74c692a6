/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor media graph: the vendor topology described the way the Linux
 * Media Controller describes a media device.
 *
 *  - Entities (frame pools, decoders, the VPU, sinks) own an array of pads.
 *    Each pad is either a sink (data flows in) or a source (data flows out).
 *  - Links join a source pad to a sink pad. An ENABLED link carries data,
 *    and a sink pad takes data from one enabled link at a time;
 *    tunnelled mode is an enabled link from a decoder's output (source) pad
 *    to a sink's input (sink) pad. IMMUTABLE links are always enabled;
 *    DYNAMIC links may change while their pipeline streams.
 *  - Pad routing says which pads of one entity belong to the same stream:
 *    pads p and q are routed together when p / group == q / group, with
 *    group 0 meaning "all pads" (a plain processing block), 1 meaning "none"
 *    (a pool that serves several independent consumers) and N meaning
 *    contexts of N pads (a multi-context VPU).
 *  - A pipeline is started from an entity: every pad reachable through
 *    enabled links and pad routes joins it, and every enabled link inside it
 *    is validated first (format and geometry; see struct avb_graph_format).
 *    Starts nest; the pipeline stops with its last stop.
 *  - While a pad streams, a link touching it cannot change unless it is
 *    DYNAMIC (-EBUSY otherwise), and its pad format cannot change (-EBUSY).
 *
 * Entity ids are dense from 0 in creation order; pads are named by
 * (entity, index); link ids are dense from 0 in creation order. Nothing is
 * ever removed: the graph describes fixed hardware.
 *
 * Locking: none; the owner serialises calls.
 * Errors: 0 or -errno; ret_* written only on success.
 */
#ifndef AVB_VENDOR_GRAPH_H
#define AVB_VENDOR_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_GRAPH_NAME_MAX 32

enum avb_graph_function {
        AVB_GRAPH_FRAME_POOL = 0,
        AVB_GRAPH_DECODER,
        AVB_GRAPH_VPU,
        AVB_GRAPH_SINK,
};

/* Pad flags: exactly one of SINK and SOURCE. */
#define AVB_GRAPH_PAD_SINK   0x1u
#define AVB_GRAPH_PAD_SOURCE 0x2u

/* Link flags. */
#define AVB_GRAPH_LINK_ENABLED   0x1u
#define AVB_GRAPH_LINK_IMMUTABLE 0x2u /* implies ENABLED; setup_link refuses changes */
#define AVB_GRAPH_LINK_DYNAMIC   0x4u /* may change while streaming */

/* fourcc of a pad, e.g. AVB_GRAPH_FOURCC('N','V','1','2'). */
#define AVB_GRAPH_FOURCC(a, b, c, d)                                                               \
        ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))

/*
 * What a pad carries. A zero field means "any" and matches everything. A
 * link validates when source and sink agree on fourcc, width and height,
 * and, for memory, the sink needs no more bytes per frame than the source
 * can hold: on a source pad bytes is the largest frame it carries (a frame
 * pool's block size), on a sink pad the frame size it needs.
 */
struct avb_graph_format {
        uint32_t fourcc;
        uint32_t width;
        uint32_t height;
        uint32_t bytes;
};

struct avb_graph_pad_desc {
        uint32_t flags; /* AVB_GRAPH_PAD_SINK or AVB_GRAPH_PAD_SOURCE */
        const char *name;
        struct avb_graph_format format;
};

struct avb_graph_link_info {
        unsigned source_entity, source_pad;
        unsigned sink_entity, sink_pad;
        uint32_t flags;
};

struct avb_graph;

int avb_graph_new(struct avb_graph **ret_graph);
void avb_graph_free(struct avb_graph *g); /* accepts NULL */

/*
 * Add an entity with n_pads pads (copied) and a pad route group (above).
 * Errors: -EINVAL (empty or too long name, a pad without exactly one
 * direction, n_pads 0), -EEXIST (name taken), -ENOMEM.
 */
int avb_graph_add_entity(struct avb_graph *g, const char *name, enum avb_graph_function function,
                         const struct avb_graph_pad_desc *pads, unsigned n_pads,
                         unsigned route_group, unsigned *ret_entity);
/*
 * Link source pad (source_entity, source_pad) to sink pad (sink_entity,
 * sink_pad). Errors: -ENOENT (no such entity or pad), -EINVAL (wrong pad
 * directions, both ends in one entity, IMMUTABLE without ENABLED, IMMUTABLE
 * with DYNAMIC, unknown flags), -EEXIST (that link exists), -EBUSY (an end
 * streams, or ENABLED and the sink pad already has an enabled link),
 * -ENOMEM.
 */
int avb_graph_create_link(struct avb_graph *g, unsigned source_entity, unsigned source_pad,
                          unsigned sink_entity, unsigned sink_pad, uint32_t flags,
                          unsigned *ret_link);
/* The link between two pads. Errors: -ENOENT. */
int avb_graph_find_link(const struct avb_graph *g, unsigned source_entity, unsigned source_pad,
                        unsigned sink_entity, unsigned sink_pad, unsigned *ret_link);
/*
 * media_entity_setup_link: change ENABLED (the only flag that may change;
 * DYNAMIC and IMMUTABLE must be passed as they are). Errors: -ENOENT,
 * -EINVAL (other flags changed, disabling an IMMUTABLE link), -EBUSY (an end
 * streams and the link is not DYNAMIC, the change would join two running
 * pipelines, or the sink pad already has another enabled link), -EPIPE (enabling a DYNAMIC link
 * into a running pipeline whose ends do not validate). On error nothing changed.
 */
int avb_graph_setup_link(struct avb_graph *g, unsigned link, uint32_t flags);
int avb_graph_link_info(const struct avb_graph *g, unsigned link,
                        struct avb_graph_link_info *ret_info);

/* Errors: -ENOENT, -EBUSY (the pad streams). */
int avb_graph_set_format(struct avb_graph *g, unsigned entity, unsigned pad,
                         const struct avb_graph_format *format);

/*
 * The entity's own pad now puts out format, while it streams or not (a
 * decoder's resolution change: V4L2's source change). Unlike
 * avb_graph_set_format this is the driver telling, not a user asking, so a
 * streaming pad takes it; the format is set whatever the result. Then every
 * enabled link at the pad is validated again. Errors: -ENOENT, -EPIPE (a
 * link no longer validates; ret_bad_link, which may be NULL, names it).
 */
int avb_graph_pad_changed(struct avb_graph *g, unsigned entity, unsigned pad,
                          const struct avb_graph_format *format, unsigned *ret_bad_link);
int avb_graph_get_format(const struct avb_graph *g, unsigned entity, unsigned pad,
                         struct avb_graph_format *ret_format);

/* Errors: -ENOENT. */
int avb_graph_find_entity(const struct avb_graph *g, const char *name, unsigned *ret_entity);
const char *avb_graph_entity_name(const struct avb_graph *g, unsigned entity); /* NULL: none */
int avb_graph_entity_function(const struct avb_graph *g, unsigned entity,
                              enum avb_graph_function *ret_function);
unsigned avb_graph_entity_count(const struct avb_graph *g);
unsigned avb_graph_link_count(const struct avb_graph *g);

/*
 * Graph walk (media_graph_walk_*): every entity reachable from start through
 * enabled links, in either direction, depth first, each once. The walk
 * keeps its own state; it may be abandoned at any point.
 */
struct avb_graph_walk {
        const struct avb_graph *g;
        unsigned *stack; /* entity ids */
        unsigned depth;
        uint8_t *seen;
};
/* Errors: -ENOENT (no such entity), -ENOMEM. */
int avb_graph_walk_start(const struct avb_graph *g, unsigned start, struct avb_graph_walk *walk);
/* 0 and the next entity, or -ENOENT when the walk is over. */
int avb_graph_walk_next(struct avb_graph_walk *walk, unsigned *ret_entity);
void avb_graph_walk_cleanup(struct avb_graph_walk *walk);

/*
 * media_pipeline_start/stop with entity's pads as the pipeline's start.
 * Start validates every enabled link the pipeline contains, then marks its
 * pads streaming. A second start from the same entity nests. Errors:
 * -ENOENT, -EPIPE (a link failed validation; ret_bad_link, which may be
 * NULL, names it), -EBUSY (a pad already streams in another pipeline). Stop:
 * -ENOENT, -EBADFD (not started from this entity).
 */
int avb_graph_pipeline_start(struct avb_graph *g, unsigned entity, unsigned *ret_bad_link);
int avb_graph_pipeline_stop(struct avb_graph *g, unsigned entity);
/* Whether any pad of entity streams. */
bool avb_graph_entity_streaming(const struct avb_graph *g, unsigned entity);

/*
 * The topology as text (in the manner of media-ctl -p) or, with dot, as a
 * Graphviz digraph (media-ctl --print-dot). *ret_text is malloc'd.
 * Errors: -ENOMEM.
 */
int avb_graph_describe(const struct avb_graph *g, bool dot, char **ret_text);

/*
 * The vendor topology of a profile (graph_build.c):
 *  - one entity per declared decoder ("video-decoder-0", "audio-decoder-1",
 *    "audio-pcm" for audio id -1) with pads 0 sink "input" (AV buffers from
 *    the client), 1 source "coded" (to the VPU), 2 sink "frames" (from the
 *    VPU) and 3 source "output";
 *  - "vpu", three pads per decoder context (route group 3): sink "coded",
 *    sink "memory", source "frames"; decoder <-> VPU links are IMMUTABLE;
 *  - one entity per frame pool ("frame-pool-0"...), one source pad per
 *    decoder of its kind (route group 1, bytes = block size); the first
 *    non-secure pool of a kind is the enabled memory link of each context,
 *    the others are there, disabled (a secure session enables its secure
 *    pool's link before it starts);
 *  - one sink per decoder ("video-sink-0"...), linked from the decoder's
 *    output, disabled: enabling it is tunnelled mode.
 * Errors: -ENOMEM, -EINVAL (a config the vendor layer would refuse).
 */
struct avb_vendor_config;
int avb_graph_new_from_config(const struct avb_vendor_config *cfg, struct avb_graph **ret_graph);
/* Entity name of a declared decoder, as above, into buf. */
void avb_graph_decoder_name(bool video, int32_t id, char buf[AVB_GRAPH_NAME_MAX]);

/* Pads of a decoder entity, and of one VPU context (pad = 3 * context + n). */
enum {
        AVB_GRAPH_DECODER_INPUT = 0,
        AVB_GRAPH_DECODER_CODED = 1,
        AVB_GRAPH_DECODER_FRAMES = 2,
        AVB_GRAPH_DECODER_OUTPUT = 3,
        AVB_GRAPH_VPU_CODED = 0,
        AVB_GRAPH_VPU_MEMORY = 1,
        AVB_GRAPH_VPU_FRAMES = 2,
        AVB_GRAPH_VPU_PADS_PER_CONTEXT = 3,
};

#endif /* AVB_VENDOR_GRAPH_H */
