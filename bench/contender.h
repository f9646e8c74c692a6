/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A contender of a side-by-side measurement: one operation, timed call by
 * call, run in interleaved rounds with the others so that machine noise
 * hits them all alike.
 */
#ifndef AVB_BENCH_CONTENDER_H
#define AVB_BENCH_CONTENDER_H

#include <stdbool.h>

#include "common.h"

struct contender {
        const char *id;    /* short name for the CSV: "seqpacket" */
        const char *label; /* for the table: "(a) unix SOCK_SEQPACKET ping-pong" */
        /* one operation; false on failure (the run stops) */
        bool (*op)(void *ctx);
        void *ctx;
        bool available;
        struct bench_samples ns; /* one sample per operation */
};

/*
 * rounds x calls_per_round operations of every available contender, the
 * order of contenders rotated each round; warmup calls first (not kept).
 */
void contenders_run(struct contender *c, int n, int rounds, int calls_per_round, int warmup);

#endif
