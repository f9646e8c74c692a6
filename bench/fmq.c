/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-fmq: a fast message queue (avb_fmq, stubs/fmq*.c) between two
 * processes against a two-way call through the runtime, in one run.
 *
 *   (a) ping-pong through two synchronized queues: 64-byte element out,
 *       the echo process reads it (blocking, event flag) and writes it back
 *       on the second queue; one sample = one round trip
 *   (b) IAVBuffer.isValid through the generated stubs against avbufferd:
 *       the cheapest two-way call of the runtime
 * interleaved in rounds (bench/contender.c), then one-way throughput:
 * 64-byte messages written one by one with write_blocking, read one by one
 * with read_blocking by the other process, against (b)'s calls per second.
 *
 * The echo process is this binary with --serve-fmq, started with
 * posix_spawn; the descriptors of both queues travel to it over a
 * socketpair (its stdin) with SCM_RIGHTS (avb_fmq_desc_send).
 *
 *   avb-bench-fmq [--csv FILE] [--quick]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <avbuffer/fmq.h>

#include "avbclient.h"
#include "common.h"
#include "contender.h"

#define PAYLOAD     64
#define RING        256
#define ALLOC_BYTES 4096
#define FOREVER     (-1)

enum { C_FMQ, C_ISVALID, N_CONTENDERS };

/* What the echo process does with an element, in its first byte. */
enum { MSG_ECHO = 1, MSG_SINK = 2, MSG_SINK_LAST = 3 };

struct pair {
        avb_fmq *req, *rep;
};

/* ---- the echo process -------------------------------------------------------- */

static avb_fmq *recv_queue(int sock)
{
        avb_fmq_desc d;
        avb_fmq *q = NULL;
        int r = avb_fmq_desc_recv(sock, &d);

        if (r == 0)
                r = avb_fmq_open(&d, PAYLOAD, AVB_FMQ_SYNCHRONIZED_READ_WRITE, &q);
        avb_fmq_desc_fini(&d);
        if (r < 0)
                bench_die("fmq echo: descriptor: %s", strerror(-r));
        return q;
}

static int serve_fmq(int sock)
{
        struct pair p = {recv_queue(sock), recv_queue(sock)};
        uint8_t msg[PAYLOAD];
        uint64_t sunk = 0;

        for (;;) {
                int r = avb_fmq_read_blocking(p.req, msg, 1, FOREVER);

                if (r < 0)
                        bench_die("fmq echo: read: %s", strerror(-r));
                if (msg[0] == MSG_SINK) {
                        sunk++;
                        continue;
                }
                if (msg[0] == MSG_SINK_LAST) {
                        memcpy(msg + 8, &sunk, sizeof(sunk));
                        sunk = 0;
                }
                r = avb_fmq_write_blocking(p.rep, msg, 1, FOREVER);
                if (r < 0)
                        bench_die("fmq echo: write: %s", strerror(-r));
        }
}

/* ---- (a) ping-pong ------------------------------------------------------------- */

static bool fmq_op(void *ctx)
{
        struct pair *p = ctx;
        uint8_t msg[PAYLOAD] = {MSG_ECHO}, back[PAYLOAD];

        return avb_fmq_write_blocking(p->req, msg, 1, FOREVER) == 0 &&
               avb_fmq_read_blocking(p->rep, back, 1, FOREVER) == 0 && back[0] == MSG_ECHO;
}

/* One way: n messages, then a marker the echo answers with its count. */
static double one_way_per_s(struct pair *p, uint64_t n)
{
        uint8_t msg[PAYLOAD] = {MSG_SINK}, back[PAYLOAD];
        uint64_t t0 = avb_now_ns(), sunk;

        for (uint64_t i = 0; i < n; i++)
                if (avb_fmq_write_blocking(p->req, msg, 1, FOREVER) != 0)
                        bench_die("fmq one-way: write failed");
        msg[0] = MSG_SINK_LAST;
        if (avb_fmq_write_blocking(p->req, msg, 1, FOREVER) != 0 ||
            avb_fmq_read_blocking(p->rep, back, 1, FOREVER) != 0)
                bench_die("fmq one-way: marker failed");
        memcpy(&sunk, back + 8, sizeof(sunk));
        if (sunk != n)
                bench_die("fmq one-way: %llu messages sent, %llu received", (unsigned long long)n,
                          (unsigned long long)sunk);
        return (double)sunk / ((double)(avb_now_ns() - t0) / 1e9);
}

/* ---- (b) the runtime's two-way call --------------------------------------------- */

struct avb_ctx {
        struct bench_avb avb;
        int8_t pool;
        int64_t live;
};

static bool is_valid_op(void *ctx)
{
        struct avb_ctx *a = ctx;
        bool valid = false;

        return bench_avb_is_valid(&a->avb, a->live, &valid) && valid;
}

/* ---- the run --------------------------------------------------------------------- */

static avb_fmq *make_queue(void)
{
        avb_fmq *q = NULL;
        int r = avb_fmq_create(PAYLOAD, RING, AVB_FMQ_SYNCHRONIZED_READ_WRITE, 1, &q);

        if (r < 0)
                bench_die("avb_fmq_create: %s", strerror(-r));
        return q;
}

static void send_queue(int sock, const avb_fmq *q)
{
        avb_fmq_desc d;

        if (avb_fmq_get_desc(q, &d) < 0 || avb_fmq_desc_send(sock, &d) < 0)
                bench_die("sending a queue descriptor: %s", strerror(errno));
        avb_fmq_desc_fini(&d);
}

static void report(struct contender *c, int rounds, int calls, const struct bench_samples *tput,
                   uint64_t n)
{
        double med[N_CONTENDERS], p99[N_CONTENDERS], rate[N_CONTENDERS];
        double fmq_tput = bench_quantile(tput, 0.5);

        printf("\n== 7. Fast message queue vs a two-way call, %d-byte messages: %d rounds x %d "
               "per contender, interleaved ==\n",
               PAYLOAD, rounds, calls);
        printf("%-48s %9s %9s %11s %8s\n", "contender", "median_us", "p99_us", "round_trips/s",
               "med/(b)");
        for (int k = 0; k < N_CONTENDERS; k++) {
                med[k] = bench_quantile(&c[k].ns, 0.5) / 1e3;
                p99[k] = bench_quantile(&c[k].ns, 0.99) / 1e3;
                rate[k] = 1e9 / bench_mean(&c[k].ns);
        }
        for (int k = 0; k < N_CONTENDERS; k++) {
                if (!c[k].available) {
                        printf("%-48s %9s\n", c[k].label, "(not run: no avbufferd)");
                        continue;
                }
                printf("%-48s %9.1f %9.1f %11.0f", c[k].label, med[k], p99[k], rate[k]);
                if (c[C_ISVALID].available)
                        printf(" %8.3f", med[k] / med[C_ISVALID]);
                printf("\n");
                bench_csv("fmq", c[k].id, "median_us", med[k], "us");
                bench_csv("fmq", c[k].id, "p99_us", p99[k], "us");
                bench_csv("fmq", c[k].id, "round_trips_per_s", rate[k], "1/s");
        }
        printf("%-48s %9.0f messages/s (median of %zu runs of %llu)\n",
               "(a') fmq one way, write/read_blocking", fmq_tput, tput->n, (unsigned long long)n);
        bench_csv("fmq", "fmq_one_way", "messages_per_s", fmq_tput, "1/s");
        if (c[C_ISVALID].available) {
                printf("  one-way fmq messages/s = %.1f x isValid calls/s; fmq round trip = "
                       "%.3f x isValid (median)\n",
                       fmq_tput / rate[C_ISVALID], med[C_FMQ] / med[C_ISVALID]);
                bench_csv("fmq", "fmq_one_way", "vs_isvalid_calls", fmq_tput / rate[C_ISVALID],
                          "ratio");
        }
}

int main(int argc, char **argv)
{
        struct contender c[N_CONTENDERS] = {
            [C_FMQ] = {"fmq_pingpong", "(a) fmq ping-pong, two queues, blocking", fmq_op},
            [C_ISVALID] = {"isvalid", "(b) IAVBuffer.isValid via stubs", is_valid_op},
        };
        struct bench_samples tput = {0};
        struct bench_service svc = {0};
        struct avb_ctx avb = {0};
        struct pair p;
        struct bench_opts o;
        int rounds, calls, sp[2];
        uint64_t n;
        pid_t echo;

        if (argc == 2 && !strcmp(argv[1], "--serve-fmq"))
                return serve_fmq(STDIN_FILENO);
        bench_parse_opts(argc, argv, &o);
        rounds = o.quick ? 4 : 10;
        calls = o.quick ? 500 : 2000;
        n = o.quick ? 20000 : 200000;

        /* avbufferd first: it must not inherit the socketpair. */
        if (bench_service_start(&svc, NULL)) {
                bench_avb_connect(&avb.avb);
                avb.pool = bench_avb_pool(&avb.avb, false, false);
                avb.live = bench_avb_alloc(&avb.avb, avb.pool, ALLOC_BYTES);
                c[C_ISVALID].available = true;
                c[C_ISVALID].ctx = &avb;
        }
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                bench_die("socketpair: %s", strerror(errno));
        {
                char *a[] = {(char *)bench_self_exe(), "--serve-fmq", NULL};

                echo = bench_spawn_io(a, sp[1], -1); /* the socket is its stdin */
        }
        close(sp[1]);
        p.req = make_queue();
        p.rep = make_queue();
        send_queue(sp[0], p.req);
        send_queue(sp[0], p.rep);
        c[C_FMQ].available = true;
        c[C_FMQ].ctx = &p;

        contenders_run(c, N_CONTENDERS, rounds, calls, calls / 4);
        one_way_per_s(&p, n / 10); /* warm-up */
        for (int i = 0; i < 5; i++)
                bench_samples_add(&tput, one_way_per_s(&p, n));
        report(c, rounds, calls, &tput, n);

        bench_stop(echo);
        close(sp[0]);
        avb_fmq_free(p.req);
        avb_fmq_free(p.rep);
        if (c[C_ISVALID].available) {
                bench_avb_free(&avb.avb, avb.live);
                bench_avb_destroy_pool(&avb.avb, avb.pool);
                bench_avb_close(&avb.avb);
        }
        bench_service_stop(&svc);
        for (int k = 0; k < N_CONTENDERS; k++)
                bench_samples_free(&c[k].ns);
        bench_samples_free(&tput);
        bench_csv_close();
        return 0;
}
