/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor media graph as text (after media-ctl -p) and as a Graphviz
 * digraph (after media-ctl --print-dot): entities as records with their sink
 * pads on the left and source pads on the right, enabled links bold,
 * disabled links dashed, streaming entities filled.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "graph_internal.h"

static const char *const function_names[] = {
    [AVB_GRAPH_FRAME_POOL] = "frame-pool",
    [AVB_GRAPH_DECODER] = "decoder",
    [AVB_GRAPH_VPU] = "vpu",
    [AVB_GRAPH_SINK] = "sink",
};

static void print_fourcc(FILE *f, uint32_t fourcc)
{
        for (int i = 0; i < 4; i++) {
                char c = (char)((fourcc >> (8 * i)) & 0xff);

                fputc(c >= 0x20 && c < 0x7f ? c : '?', f);
        }
}

static void print_format(FILE *f, const struct avb_graph_format *fmt)
{
        fputs("[fmt:", f);
        if (fmt->fourcc)
                print_fourcc(f, fmt->fourcc);
        else
                fputs("any", f);
        if (fmt->width || fmt->height)
                fprintf(f, "/%ux%u", fmt->width, fmt->height);
        if (fmt->bytes)
                fprintf(f, " bytes:%u", fmt->bytes);
        fputc(']', f);
}

static void print_link_flags(FILE *f, uint32_t flags)
{
        const char *sep = "";

        fputc('[', f);
        if (flags & AVB_GRAPH_LINK_ENABLED) {
                fputs("ENABLED", f);
                sep = ",";
        }
        if (flags & AVB_GRAPH_LINK_IMMUTABLE) {
                fprintf(f, "%sIMMUTABLE", sep);
                sep = ",";
        }
        if (flags & AVB_GRAPH_LINK_DYNAMIC)
                fprintf(f, "%sDYNAMIC", sep);
        fputc(']', f);
}

static void print_pad_links(const struct avb_graph *g, FILE *f, unsigned pad)
{
        for (unsigned i = 0; i < g->n_links; i++) {
                const struct graph_link *l = &g->links[i];
                const struct graph_pad *remote;

                if (l->source != pad && l->sink != pad)
                        continue;
                remote = &g->pads[l->source == pad ? l->sink : l->source];
                fprintf(f, "\t\t%s \"%s\":%u ", l->source == pad ? "->" : "<-",
                        g->entities[remote->entity].name, remote->index);
                print_link_flags(f, l->flags);
                fputc('\n', f);
        }
}

static void print_text(const struct avb_graph *g, FILE *f)
{
        fprintf(f, "Vendor media graph: %u entities, %u links\n", g->n_entities, g->n_links);
        for (unsigned e = 0; e < g->n_entities; e++) {
                const struct graph_entity *ent = &g->entities[e];

                fprintf(f, "\n- entity %u: %s (%s, %u pad%s)%s\n", e, ent->name,
                        function_names[ent->function], ent->n_pads, ent->n_pads == 1 ? "" : "s",
                        avb_graph_entity_streaming(g, e) ? " [streaming]" : "");
                for (unsigned i = 0; i < ent->n_pads; i++) {
                        unsigned p = ent->first_pad + i;
                        const struct graph_pad *pad = &g->pads[p];

                        fprintf(f, "\tpad%u: %s%s%s ", i,
                                pad->flags == AVB_GRAPH_PAD_SINK ? "Sink" : "Source",
                                pad->name[0] ? " " : "", pad->name);
                        print_format(f, &pad->format);
                        fputc('\n', f);
                        print_pad_links(g, f, p);
                }
        }
}

/* One side of a record: "<port0> 0 | <port2> 2" for pads of one direction. */
static void print_dot_ports(const struct avb_graph *g, FILE *f, const struct graph_entity *ent,
                            uint32_t dir)
{
        const char *sep = "";

        fputc('{', f);
        for (unsigned i = 0; i < ent->n_pads; i++)
                if (g->pads[ent->first_pad + i].flags == dir) {
                        fprintf(f, "%s<port%u> %u", sep, i, i);
                        sep = " | ";
                }
        fputc('}', f);
}

static void print_dot(const struct avb_graph *g, FILE *f)
{
        fputs("digraph avbuffer {\n\trankdir=LR\n\tnode [shape=Mrecord, style=filled, "
              "fillcolor=white]\n",
              f);
        for (unsigned e = 0; e < g->n_entities; e++) {
                const struct graph_entity *ent = &g->entities[e];

                fprintf(f, "\tn%04u [label=\"{", e);
                print_dot_ports(g, f, ent, AVB_GRAPH_PAD_SINK);
                fprintf(f, " | %s\\n%s | ", ent->name, function_names[ent->function]);
                print_dot_ports(g, f, ent, AVB_GRAPH_PAD_SOURCE);
                fprintf(f, "}\"%s]\n",
                        avb_graph_entity_streaming(g, e) ? ", fillcolor=palegreen" : "");
        }
        for (unsigned i = 0; i < g->n_links; i++) {
                const struct graph_link *l = &g->links[i];
                const struct graph_pad *src = &g->pads[l->source], *sink = &g->pads[l->sink];

                fprintf(f, "\tn%04u:port%u -> n%04u:port%u [style=%s]\n", src->entity, src->index,
                        sink->entity, sink->index,
                        (l->flags & AVB_GRAPH_LINK_ENABLED) ? "bold" : "dashed");
        }
        fputs("}\n", f);
}

int avb_graph_describe(const struct avb_graph *g, bool dot, char **ret_text)
{
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);

        if (!f)
                return -ENOMEM;
        if (dot)
                print_dot(g, f);
        else
                print_text(g, f);
        if (fclose(f) != 0 || !text) {
                free(text);
                return -ENOMEM;
        }
        *ret_text = text;
        return 0;
}
