/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_TESTING_H
#define AVB_STUBS_TESTING_H

/*
 * Hooks for the runtime's own tests and benchmarks. Not part of the API.
 */

#include <stdint.h>

#include <avbuffer/rpc.h>

/*
 * Resend interval of request sockets created from now on (nanomsg REQ sends
 * an unanswered request again after it); <= 0 restores the default (a day).
 * $AVB_TEST_RESEND_IVL_MS does the same for a whole process.
 */
void avb_rpc_test_set_resend_ivl(int ms);
/*
 * Two-way requests this process sent again on a new request socket after
 * waiting many resend intervals on one (client.c; only with a short interval).
 */
uint64_t avb_rpc_test_moved_requests(void);

typedef struct avb_server_stats {
        uint64_t dispatched;    /* requests handed to a dispatcher */
        uint64_t duplicates;    /* resent requests answered from the reply cache */
        uint64_t stale;         /* requests for another incarnation (not run) */
        uint64_t rejected;      /* no lifeline, bad frame, too large, unknown object */
        uint64_t clients;       /* client processes known now (with a lifeline or not) */
        uint64_t detached;      /* of them, those without a lifeline (the process lives) */
        uint64_t fds_unmatched; /* ipc:// fds closed because their request never came */
        uint64_t resent;        /* cached replies sent again (the resend came another way) */
        uint64_t in_flight;     /* resends not answered: their reply went the same way */
} avb_server_stats;

/* Loop thread (or with the loop stopped). */
void avb_server_get_stats(const avb_server *s, avb_server_stats *ret);

/* Buffers of AVB_METHOD_SENSITIVE calls zeroed before free in this process so far. */
uint64_t avb_rpc_test_zeroed_buffers(void);
/* Queued oneway payloads (of any method) cleared before free in this process so far. */
uint64_t avb_rpc_test_cleared_oneway(void);

#endif
