/* SPDX-License-Identifier: Apache-2.0 */
#include "contender.h"

static void run_one(struct contender *c, int calls, bool keep)
{
        for (int i = 0; i < calls; i++) {
                uint64_t t0 = avb_now_ns();

                if (!c->op(c->ctx))
                        bench_die("%s: operation failed", c->label);
                if (keep)
                        bench_samples_add(&c->ns, (double)(avb_now_ns() - t0));
        }
}

void contenders_run(struct contender *c, int n, int rounds, int calls_per_round, int warmup)
{
        for (int k = 0; k < n; k++)
                if (c[k].available)
                        run_one(&c[k], warmup, false);
        for (int r = 0; r < rounds; r++)
                for (int j = 0; j < n; j++) {
                        struct contender *x = &c[(r + j) % n];

                        if (x->available)
                                run_one(x, calls_per_round, true);
                }
}
