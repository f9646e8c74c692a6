/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The benchmarks' side of the AV Buffer service, through the generated
 * stubs: find the service, make a pool, allocate and free. Every failure is
 * fatal (bench_die) with the status text: a benchmark that silently
 * measures errors is worse than none.
 */
#ifndef AVB_BENCH_AVBCLIENT_H
#define AVB_BENCH_AVBCLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include <avbuffer/rpc.h>

struct bench_avb {
        avb_binder *av;       /* IAVBuffer proxy */
        avb_binder *listener; /* IAVBufferSpaceListener that ignores its calls */
};

/* avb_sm_connect + avb_service_get("AVBuffer", 5000 ms). */
void bench_avb_connect(struct bench_avb *b);
void bench_avb_close(struct bench_avb *b);
/* createVideoPool(secure, decoder 0) or createAudioPool(secure, decoder 0). */
int8_t bench_avb_pool(struct bench_avb *b, bool video, bool secure);
void bench_avb_destroy_pool(struct bench_avb *b, int8_t pool);
int64_t bench_avb_alloc(struct bench_avb *b, int8_t pool, int32_t size);
/* Returns false when the call failed (not when free returned false: that dies). */
bool bench_avb_free(struct bench_avb *b, int64_t handle);
bool bench_avb_is_valid(struct bench_avb *b, int64_t handle, bool *ret_valid);

#endif
