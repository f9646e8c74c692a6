/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor media graph: entities, pads, links, the graph walk and
 * pipelines. Text and Graphviz output live in graph_print.c.
 *
 * Pipeline membership is never updated piecemeal: every change that can
 * move a pad in or out of a pipeline (start, stop, a dynamic link change)
 * recomputes the membership of every running pipeline into a scratch array
 * and commits it only when no pad was claimed by two pipelines. A failed
 * call therefore leaves the graph exactly as it was.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "util.h"

int avb_graph_new(struct avb_graph **ret_graph)
{
        struct avb_graph *g = calloc(1, sizeof(*g));

        if (!g)
                return -ENOMEM;
        *ret_graph = g;
        return 0;
}

void avb_graph_free(struct avb_graph *g)
{
        if (!g)
                return;
        free(g->entities);
        free(g->pads);
        free(g->links);
        free(g);
}

/* Grow *array (of elem bytes, *cap entries) to hold need entries. */
static int graph_reserve(void **array, unsigned *cap, unsigned need, size_t elem)
{
        unsigned n = *cap ? *cap : 8;
        void *p;

        if (need <= *cap)
                return 0;
        while (n < need)
                n *= 2;
        p = realloc(*array, (size_t)n * elem);
        if (!p)
                return -ENOMEM;
        *array = p;
        *cap = n;
        return 0;
}

static bool graph_name_ok(const char *name)
{
        return name && *name && strlen(name) < AVB_GRAPH_NAME_MAX;
}

int avb_graph_find_entity(const struct avb_graph *g, const char *name, unsigned *ret_entity)
{
        for (unsigned i = 0; i < g->n_entities; i++)
                if (!strcmp(g->entities[i].name, name)) {
                        *ret_entity = i;
                        return 0;
                }
        return -ENOENT;
}

int avb_graph_add_entity(struct avb_graph *g, const char *name, enum avb_graph_function function,
                         const struct avb_graph_pad_desc *pads, unsigned n_pads,
                         unsigned route_group, unsigned *ret_entity)
{
        struct graph_entity *e;
        unsigned dummy;

        if (!graph_name_ok(name) || n_pads == 0 || function > AVB_GRAPH_SINK)
                return -EINVAL;
        for (unsigned i = 0; i < n_pads; i++)
                if ((pads[i].flags != AVB_GRAPH_PAD_SINK &&
                     pads[i].flags != AVB_GRAPH_PAD_SOURCE) ||
                    (pads[i].name && strlen(pads[i].name) >= AVB_GRAPH_NAME_MAX))
                        return -EINVAL;
        if (avb_graph_find_entity(g, name, &dummy) == 0)
                return -EEXIST;
        if (graph_reserve((void **)&g->entities, &g->cap_entities, g->n_entities + 1,
                          sizeof(*g->entities)) < 0 ||
            graph_reserve((void **)&g->pads, &g->cap_pads, g->n_pads + n_pads, sizeof(*g->pads)) <
                0)
                return -ENOMEM;

        e = &g->entities[g->n_entities];
        memset(e, 0, sizeof(*e));
        strcpy(e->name, name);
        e->function = function;
        e->first_pad = g->n_pads;
        e->n_pads = n_pads;
        e->route_group = route_group;
        for (unsigned i = 0; i < n_pads; i++) {
                struct graph_pad *p = &g->pads[g->n_pads + i];

                memset(p, 0, sizeof(*p));
                p->flags = pads[i].flags;
                p->entity = g->n_entities;
                p->index = i;
                p->format = pads[i].format;
                p->pipe = GRAPH_NO_PIPE;
                if (pads[i].name)
                        strcpy(p->name, pads[i].name);
        }
        g->n_pads += n_pads;
        *ret_entity = g->n_entities++;
        return 0;
}

const char *avb_graph_entity_name(const struct avb_graph *g, unsigned entity)
{
        return entity < g->n_entities ? g->entities[entity].name : NULL;
}

int avb_graph_entity_function(const struct avb_graph *g, unsigned entity,
                              enum avb_graph_function *ret_function)
{
        if (entity >= g->n_entities)
                return -ENOENT;
        *ret_function = g->entities[entity].function;
        return 0;
}

unsigned avb_graph_entity_count(const struct avb_graph *g)
{
        return g->n_entities;
}

unsigned avb_graph_link_count(const struct avb_graph *g)
{
        return g->n_links;
}

/* Global pad index of (entity, pad), or -ENOENT. */
int graph_pad_index(const struct avb_graph *g, unsigned entity, unsigned pad)
{
        if (entity >= g->n_entities || pad >= g->entities[entity].n_pads)
                return -ENOENT;
        return (int)(g->entities[entity].first_pad + pad);
}

int avb_graph_find_link(const struct avb_graph *g, unsigned source_entity, unsigned source_pad,
                        unsigned sink_entity, unsigned sink_pad, unsigned *ret_link)
{
        int src = graph_pad_index(g, source_entity, source_pad);
        int sink = graph_pad_index(g, sink_entity, sink_pad);

        if (src < 0 || sink < 0)
                return -ENOENT;
        for (unsigned i = 0; i < g->n_links; i++)
                if (g->links[i].source == (unsigned)src && g->links[i].sink == (unsigned)sink) {
                        *ret_link = i;
                        return 0;
                }
        return -ENOENT;
}

/* Whether another enabled link already feeds this sink pad (one source at a time). */
static bool graph_sink_taken(const struct avb_graph *g, unsigned sink, unsigned except)
{
        for (unsigned i = 0; i < g->n_links; i++)
                if (i != except && g->links[i].sink == sink &&
                    (g->links[i].flags & AVB_GRAPH_LINK_ENABLED))
                        return true;
        return false;
}

static bool graph_link_flags_ok(uint32_t flags)
{
        const uint32_t known =
            AVB_GRAPH_LINK_ENABLED | AVB_GRAPH_LINK_IMMUTABLE | AVB_GRAPH_LINK_DYNAMIC;

        if (flags & ~known)
                return false;
        if ((flags & AVB_GRAPH_LINK_IMMUTABLE) &&
            (!(flags & AVB_GRAPH_LINK_ENABLED) || (flags & AVB_GRAPH_LINK_DYNAMIC)))
                return false;
        return true;
}

int avb_graph_create_link(struct avb_graph *g, unsigned source_entity, unsigned source_pad,
                          unsigned sink_entity, unsigned sink_pad, uint32_t flags,
                          unsigned *ret_link)
{
        int src = graph_pad_index(g, source_entity, source_pad);
        int sink = graph_pad_index(g, sink_entity, sink_pad);
        struct graph_link *l;
        unsigned dummy;

        if (src < 0 || sink < 0)
                return -ENOENT;
        if (g->pads[src].flags != AVB_GRAPH_PAD_SOURCE ||
            g->pads[sink].flags != AVB_GRAPH_PAD_SINK || source_entity == sink_entity ||
            !graph_link_flags_ok(flags))
                return -EINVAL;
        if (avb_graph_find_link(g, source_entity, source_pad, sink_entity, sink_pad, &dummy) == 0)
                return -EEXIST;
        if (g->pads[src].pipe != GRAPH_NO_PIPE || g->pads[sink].pipe != GRAPH_NO_PIPE ||
            ((flags & AVB_GRAPH_LINK_ENABLED) && graph_sink_taken(g, (unsigned)sink, UINT_MAX)))
                return -EBUSY;
        if (graph_reserve((void **)&g->links, &g->cap_links, g->n_links + 1, sizeof(*g->links)) < 0)
                return -ENOMEM;
        l = &g->links[g->n_links];
        l->source = (unsigned)src;
        l->sink = (unsigned)sink;
        l->flags = flags;
        *ret_link = g->n_links++;
        return 0;
}

int avb_graph_link_info(const struct avb_graph *g, unsigned link,
                        struct avb_graph_link_info *ret_info)
{
        const struct graph_link *l;

        if (link >= g->n_links)
                return -ENOENT;
        l = &g->links[link];
        ret_info->source_entity = g->pads[l->source].entity;
        ret_info->source_pad = g->pads[l->source].index;
        ret_info->sink_entity = g->pads[l->sink].entity;
        ret_info->sink_pad = g->pads[l->sink].index;
        ret_info->flags = l->flags;
        return 0;
}

int avb_graph_set_format(struct avb_graph *g, unsigned entity, unsigned pad,
                         const struct avb_graph_format *format)
{
        int i = graph_pad_index(g, entity, pad);

        if (i < 0)
                return -ENOENT;
        if (g->pads[i].pipe != GRAPH_NO_PIPE)
                return -EBUSY;
        g->pads[i].format = *format;
        return 0;
}

int avb_graph_pad_changed(struct avb_graph *g, unsigned entity, unsigned pad,
                          const struct avb_graph_format *format, unsigned *ret_bad_link)
{
        int i = graph_pad_index(g, entity, pad);

        if (i < 0)
                return -ENOENT;
        g->pads[i].format = *format;
        for (unsigned l = 0; l < g->n_links; l++) {
                const struct graph_link *link = &g->links[l];

                if ((link->flags & AVB_GRAPH_LINK_ENABLED) &&
                    (link->source == (unsigned)i || link->sink == (unsigned)i) &&
                    !graph_link_valid(g, link)) {
                        if (ret_bad_link)
                                *ret_bad_link = l;
                        return -EPIPE;
                }
        }
        return 0;
}

int avb_graph_get_format(const struct avb_graph *g, unsigned entity, unsigned pad,
                         struct avb_graph_format *ret_format)
{
        int i = graph_pad_index(g, entity, pad);

        if (i < 0)
                return -ENOENT;
        *ret_format = g->pads[i].format;
        return 0;
}

/* ---- graph walk ---------------------------------------------------------- */

int avb_graph_walk_start(const struct avb_graph *g, unsigned start, struct avb_graph_walk *walk)
{
        if (start >= g->n_entities)
                return -ENOENT;
        walk->stack = calloc(g->n_entities, sizeof(*walk->stack));
        walk->seen = calloc(g->n_entities, 1);
        if (!walk->stack || !walk->seen) {
                avb_graph_walk_cleanup(walk);
                return -ENOMEM;
        }
        walk->g = g;
        walk->stack[0] = start;
        walk->seen[start] = 1;
        walk->depth = 1;
        return 0;
}

int avb_graph_walk_next(struct avb_graph_walk *walk, unsigned *ret_entity)
{
        const struct avb_graph *g = walk->g;
        unsigned e;

        if (!walk->depth)
                return -ENOENT;
        e = walk->stack[--walk->depth];
        /* Push the unseen neighbours in reverse link order, so they pop in order. */
        for (unsigned i = g->n_links; i-- > 0;) {
                const struct graph_link *l = &g->links[i];
                unsigned a = g->pads[l->source].entity, b = g->pads[l->sink].entity, other;

                if (!(l->flags & AVB_GRAPH_LINK_ENABLED) || (a != e && b != e))
                        continue;
                other = a == e ? b : a;
                if (!walk->seen[other]) {
                        walk->seen[other] = 1;
                        walk->stack[walk->depth++] = other;
                }
        }
        *ret_entity = e;
        return 0;
}

void avb_graph_walk_cleanup(struct avb_graph_walk *walk)
{
        free(walk->stack);
        free(walk->seen);
        walk->stack = NULL;
        walk->seen = NULL;
        walk->depth = 0;
}

/* ---- pipelines ----------------------------------------------------------- */

static bool graph_routed(const struct graph_entity *e, unsigned p, unsigned q)
{
        return e->route_group == 0 || p / e->route_group == q / e->route_group;
}

/*
 * Claim for pipeline id every pad reachable from entity's pads, in pipe[]
 * (one per pad, GRAPH_NO_PIPE when free). -EBUSY when a pad is another's.
 */
static int graph_claim(const struct avb_graph *g, unsigned entity, int id, int *pipe,
                       unsigned *queue)
{
        const struct graph_entity *start = &g->entities[entity];
        unsigned head = 0, tail = 0;

        for (unsigned i = 0; i < start->n_pads; i++) {
                unsigned p = start->first_pad + i;

                if (pipe[p] != GRAPH_NO_PIPE)
                        return -EBUSY;
                pipe[p] = id;
                queue[tail++] = p;
        }
        while (head < tail) {
                unsigned p = queue[head++];
                const struct graph_pad *pad = &g->pads[p];
                const struct graph_entity *e = &g->entities[pad->entity];

                for (unsigned i = 0; i < e->n_pads; i++) {
                        unsigned q = e->first_pad + i;

                        if (q == p || !graph_routed(e, pad->index, i) || pipe[q] == id)
                                continue;
                        if (pipe[q] != GRAPH_NO_PIPE)
                                return -EBUSY;
                        pipe[q] = id;
                        queue[tail++] = q;
                }
                for (unsigned i = 0; i < g->n_links; i++) {
                        const struct graph_link *l = &g->links[i];
                        unsigned q;

                        if (!(l->flags & AVB_GRAPH_LINK_ENABLED) ||
                            (l->source != p && l->sink != p))
                                continue;
                        q = l->source == p ? l->sink : l->source;
                        if (pipe[q] == id)
                                continue;
                        if (pipe[q] != GRAPH_NO_PIPE)
                                return -EBUSY;
                        pipe[q] = id;
                        queue[tail++] = q;
                }
        }
        return 0;
}

/*
 * Membership of every running pipeline, plus extra (an entity about to
 * start, or -1), into a malloc'd array. -EBUSY when two would share a pad.
 */
static int graph_membership(const struct avb_graph *g, int extra, int **ret_pipe)
{
        _cleanup_free_ int *pipe = malloc(sizeof(int) * (g->n_pads ? g->n_pads : 1));
        _cleanup_free_ unsigned *queue = malloc(sizeof(unsigned) * (g->n_pads ? g->n_pads : 1));

        if (!pipe || !queue)
                return -ENOMEM;
        for (unsigned i = 0; i < g->n_pads; i++)
                pipe[i] = GRAPH_NO_PIPE;
        for (unsigned e = 0; e < g->n_entities; e++)
                if ((g->entities[e].start_count > 0 || (int)e == extra) &&
                    graph_claim(g, e, (int)e, pipe, queue) < 0)
                        return -EBUSY;
        *ret_pipe = AVB_TAKE_PTR(pipe);
        return 0;
}

static void graph_commit(struct avb_graph *g, const int *pipe)
{
        for (unsigned i = 0; i < g->n_pads; i++)
                g->pads[i].pipe = pipe[i];
}

static bool graph_field_ok(uint32_t a, uint32_t b)
{
        return !a || !b || a == b;
}

bool graph_link_valid(const struct avb_graph *g, const struct graph_link *l)
{
        const struct avb_graph_format *src = &g->pads[l->source].format;
        const struct avb_graph_format *sink = &g->pads[l->sink].format;

        return graph_field_ok(src->fourcc, sink->fourcc) &&
               graph_field_ok(src->width, sink->width) &&
               graph_field_ok(src->height, sink->height) &&
               (!src->bytes || !sink->bytes || sink->bytes <= src->bytes);
}

int avb_graph_pipeline_start(struct avb_graph *g, unsigned entity, unsigned *ret_bad_link)
{
        _cleanup_free_ int *pipe = NULL;
        int r;

        if (entity >= g->n_entities)
                return -ENOENT;
        if (g->entities[entity].start_count > 0) {
                g->entities[entity].start_count++;
                return 0;
        }
        r = graph_membership(g, (int)entity, &pipe);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < g->n_links; i++) {
                const struct graph_link *l = &g->links[i];

                if ((l->flags & AVB_GRAPH_LINK_ENABLED) && pipe[l->source] == (int)entity &&
                    !graph_link_valid(g, l)) {
                        if (ret_bad_link)
                                *ret_bad_link = i;
                        return -EPIPE;
                }
        }
        g->entities[entity].start_count = 1;
        graph_commit(g, pipe);
        return 0;
}

int avb_graph_pipeline_stop(struct avb_graph *g, unsigned entity)
{
        _cleanup_free_ int *pipe = NULL;

        if (entity >= g->n_entities)
                return -ENOENT;
        if (g->entities[entity].start_count == 0)
                return -EBADFD;
        if (--g->entities[entity].start_count > 0)
                return 0;
        /* Removing a pipeline cannot make two others collide. */
        if (graph_membership(g, -1, &pipe) < 0) {
                for (unsigned i = 0; i < g->n_pads; i++)
                        if (g->pads[i].pipe == (int)entity)
                                g->pads[i].pipe = GRAPH_NO_PIPE;
                return 0;
        }
        graph_commit(g, pipe);
        return 0;
}

bool avb_graph_entity_streaming(const struct avb_graph *g, unsigned entity)
{
        if (entity >= g->n_entities)
                return false;
        for (unsigned i = 0; i < g->entities[entity].n_pads; i++)
                if (g->pads[g->entities[entity].first_pad + i].pipe != GRAPH_NO_PIPE)
                        return true;
        return false;
}

int avb_graph_setup_link(struct avb_graph *g, unsigned link, uint32_t flags)
{
        _cleanup_free_ int *pipe = NULL;
        struct graph_link *l;
        uint32_t old;
        bool streaming;
        int r;

        if (link >= g->n_links)
                return -ENOENT;
        l = &g->links[link];
        old = l->flags;
        if ((flags & ~AVB_GRAPH_LINK_ENABLED) != (old & ~AVB_GRAPH_LINK_ENABLED))
                return -EINVAL;
        if (flags == old)
                return 0;
        if (old & AVB_GRAPH_LINK_IMMUTABLE)
                return -EINVAL;
        if ((flags & AVB_GRAPH_LINK_ENABLED) && graph_sink_taken(g, l->sink, link))
                return -EBUSY;
        streaming =
            g->pads[l->source].pipe != GRAPH_NO_PIPE || g->pads[l->sink].pipe != GRAPH_NO_PIPE;
        if (!streaming) {
                l->flags = flags;
                return 0;
        }
        if (!(old & AVB_GRAPH_LINK_DYNAMIC))
                return -EBUSY;
        /* A dynamic change re-forms the running pipelines around the link. */
        if ((flags & AVB_GRAPH_LINK_ENABLED) && !graph_link_valid(g, l))
                return -EPIPE;
        l->flags = flags;
        r = graph_membership(g, -1, &pipe);
        if (r < 0) {
                l->flags = old;
                return r;
        }
        graph_commit(g, pipe);
        return 0;
}
