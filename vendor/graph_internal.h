/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The representation of the vendor media graph, shared by graph.c (the
 * model) and graph_print.c (text and Graphviz output). Not for use outside
 * vendor/graph*.c.
 */
#ifndef AVB_VENDOR_GRAPH_INTERNAL_H
#define AVB_VENDOR_GRAPH_INTERNAL_H

#include "graph.h"

#define GRAPH_NO_PIPE (-1)

struct graph_pad {
        uint32_t flags;
        char name[AVB_GRAPH_NAME_MAX];
        unsigned entity;
        unsigned index; /* in its entity */
        struct avb_graph_format format;
        int pipe; /* id (start entity) of the pipeline it streams in, or GRAPH_NO_PIPE */
};

struct graph_entity {
        char name[AVB_GRAPH_NAME_MAX];
        enum avb_graph_function function;
        unsigned first_pad; /* index of pad 0 in avb_graph.pads */
        unsigned n_pads;
        unsigned route_group;
        unsigned start_count; /* nested pipeline starts from this entity */
};

struct graph_link {
        unsigned source; /* global pad indices */
        unsigned sink;
        uint32_t flags;
};

struct avb_graph {
        struct graph_entity *entities;
        unsigned n_entities, cap_entities;
        struct graph_pad *pads;
        unsigned n_pads, cap_pads;
        struct graph_link *links;
        unsigned n_links, cap_links;
};

/* Global pad index of (entity, pad), or -ENOENT. */
int graph_pad_index(const struct avb_graph *g, unsigned entity, unsigned pad);
/* Whether the formats at the two ends of l agree (see struct avb_graph_format). */
bool graph_link_valid(const struct avb_graph *g, const struct graph_link *l);

#endif /* AVB_VENDOR_GRAPH_INTERNAL_H */
