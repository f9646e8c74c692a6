/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-rpc: round-trip latency of five transports, side by side.
 *
 *   (a) unix SOCK_SEQPACKET ping-pong, 64 bytes each way: the floor
 *   (b) bare nanomsg REQ -> raw REP over ipc, 64 bytes: what our RPC rides on
 *   (c) IAVBuffer.isValid through the generated stubs against avbufferd
 *   (d) IAVBuffer.alloc + IAVBuffer.free through the stubs (one pair)
 *   (e) a method call (64-byte array in and out) through a private
 *       dbus-daemon with libdbus: the transport such middleware used before
 *
 * avbufferd runs on the transport $AVB_TRANSPORT names (nanomsg when unset;
 * scripts/bench.sh runs this program once per transport): the section is
 * "rpc" for nanomsg and "rpc_unix" for unix, with that transport's targets.
 * Its CPU per call (utime + stime from /proc/PID/stat over the run, divided
 * by the calls it served) is reported too.
 *
 * Each server runs in its own process, started with posix_spawn (this
 * binary with a --serve-* argument, dbus-daemon, avbufferd). Contenders run
 * in interleaved rounds so that noise hits them alike.
 *
 *   avb-bench-rpc [--csv FILE] [--quick]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <dbus/dbus.h>
#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>

#include "avbclient.h"
#include "common.h"
#include "contender.h"

#define PAYLOAD     64
#define DBUS_NAME   "org.rdk.AVBufferBench"
#define DBUS_PATH   "/org/rdk/AVBufferBench"
#define DBUS_IFACE  "org.rdk.AVBufferBench"
#define ALLOC_BYTES 4096

enum { C_SEQPACKET, C_NANOMSG, C_ISVALID, C_ALLOCFREE, C_DBUS, N_CONTENDERS };

/* ---- (a) SOCK_SEQPACKET --------------------------------------------------- */

static int seqpacket_addr(const char *path, struct sockaddr_un *sa)
{
        *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(sa->sun_path))
                bench_die("socket path too long: %s", path);
        strcpy(sa->sun_path, path);
        return socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
}

static int serve_seqpacket(const char *path)
{
        struct sockaddr_un sa;
        int ls = seqpacket_addr(path, &sa), fd;
        char buf[PAYLOAD];
        ssize_t n;

        if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0)
                bench_die("seqpacket server: %s", strerror(errno));
        fd = accept(ls, NULL, NULL);
        if (fd < 0)
                bench_die("seqpacket accept: %s", strerror(errno));
        while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
                if (send(fd, buf, (size_t)n, 0) != n)
                        break;
        return 0;
}

static int seqpacket_fd = -1;

static bool seqpacket_op(void *ctx)
{
        char buf[PAYLOAD] = {1};

        (void)ctx;
        return send(seqpacket_fd, buf, sizeof(buf), 0) == PAYLOAD &&
               recv(seqpacket_fd, buf, sizeof(buf), 0) == PAYLOAD;
}

static void seqpacket_connect(const char *path)
{
        struct sockaddr_un sa;

        seqpacket_fd = seqpacket_addr(path, &sa);
        if (seqpacket_fd < 0 || connect(seqpacket_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                bench_die("seqpacket connect: %s", strerror(errno));
}

/* ---- (b) nanomsg REQ -> raw REP ------------------------------------------ */

/* Like the runtime's server: a raw REP socket answering with nn_recvmsg/nn_sendmsg. */
static int serve_nanomsg(const char *url)
{
        int s = nn_socket(AF_SP_RAW, NN_REP);

        if (s < 0 || nn_bind(s, url) < 0)
                bench_die("nanomsg server: %s", nn_strerror(nn_errno()));
        for (;;) {
                void *body = NULL, *control = NULL;
                struct nn_iovec iov = {.iov_base = &body, .iov_len = NN_MSG};
                struct nn_msghdr h = {.msg_iov = &iov,
                                      .msg_iovlen = 1,
                                      .msg_control = &control,
                                      .msg_controllen = NN_MSG};

                if (nn_recvmsg(s, &h, 0) < 0) {
                        if (nn_errno() == EINTR)
                                continue;
                        break;
                }
                /* echo body and SP header back; nanomsg takes both messages */
                if (nn_sendmsg(s, &h, 0) < 0) {
                        nn_freemsg(body);
                        nn_freemsg(control);
                }
        }
        return 0;
}

static int nn_req = -1;

static bool nanomsg_op(void *ctx)
{
        char buf[PAYLOAD] = {1}, reply[2 * PAYLOAD];

        (void)ctx;
        return nn_send(nn_req, buf, sizeof(buf), 0) == PAYLOAD &&
               nn_recv(nn_req, reply, sizeof(reply), 0) == PAYLOAD;
}

static void nanomsg_connect(const char *url)
{
        int ms = 5000;

        nn_req = nn_socket(AF_SP, NN_REQ);
        if (nn_req < 0 || nn_setsockopt(nn_req, NN_SOL_SOCKET, NN_RCVTIMEO, &ms, sizeof(ms)) < 0 ||
            nn_connect(nn_req, url) < 0)
                bench_die("nanomsg client: %s", nn_strerror(nn_errno()));
}

/* ---- (e) D-Bus through a private dbus-daemon ----------------------------- */

static DBusConnection *dbus_open(const char *address)
{
        DBusError err;
        DBusConnection *c;

        dbus_error_init(&err);
        c = dbus_connection_open_private(address, &err);
        if (!c || !dbus_bus_register(c, &err))
                bench_die("D-Bus %s: %s", address, err.message ? err.message : "?");
        return c;
}

static int serve_dbus(const char *address)
{
        DBusConnection *c = dbus_open(address);
        DBusError err;

        dbus_error_init(&err);
        if (dbus_bus_request_name(c, DBUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &err) !=
            DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER)
                bench_die("D-Bus name: %s", err.message ? err.message : "taken");
        while (dbus_connection_read_write(c, -1)) {
                DBusMessage *m;

                while ((m = dbus_connection_pop_message(c))) {
                        const unsigned char *data;
                        int n;

                        if (dbus_message_is_method_call(m, DBUS_IFACE, "Echo") &&
                            dbus_message_get_args(m, NULL, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &data,
                                                  &n, DBUS_TYPE_INVALID)) {
                                DBusMessage *r = dbus_message_new_method_return(m);

                                if (!r ||
                                    !dbus_message_append_args(r, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE,
                                                              &data, n, DBUS_TYPE_INVALID) ||
                                    !dbus_connection_send(c, r, NULL))
                                        bench_die("D-Bus reply: out of memory");
                                dbus_message_unref(r);
                                dbus_connection_flush(c);
                        }
                        dbus_message_unref(m);
                }
        }
        return 0;
}

static DBusConnection *dbus_client;

static bool dbus_op(void *ctx)
{
        unsigned char buf[PAYLOAD] = {1};
        const unsigned char *p = buf, *data;
        DBusMessage *m, *r;
        bool ok;
        int n;

        (void)ctx;
        m = dbus_message_new_method_call(DBUS_NAME, DBUS_PATH, DBUS_IFACE, "Echo");
        if (!m || !dbus_message_append_args(m, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &p, PAYLOAD,
                                            DBUS_TYPE_INVALID))
                return false;
        r = dbus_connection_send_with_reply_and_block(dbus_client, m, 5000, NULL);
        dbus_message_unref(m);
        if (!r)
                return false;
        ok = dbus_message_get_args(r, NULL, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &data, &n,
                                   DBUS_TYPE_INVALID) &&
             n == PAYLOAD;
        dbus_message_unref(r);
        return ok;
}

static pid_t start_dbus_daemon(const char *dir, char **ret_address)
{
        char *conf, *sock, *argv[5];
        pid_t pid;
        FILE *f;

        if (asprintf(&conf, "%s/bus.conf", dir) < 0 || asprintf(&sock, "%s/bus", dir) < 0 ||
            asprintf(ret_address, "unix:path=%s", sock) < 0)
                bench_die("out of memory");
        f = fopen(conf, "w");
        if (!f)
                bench_die("%s: %s", conf, strerror(errno));
        fprintf(
            f,
            "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
            " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
            "<busconfig>\n"
            "  <type>session</type>\n"
            "  <listen>%s</listen>\n"
            "  <auth>EXTERNAL</auth>\n"
            "  <policy context=\"default\">\n"
            "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
            "    <allow eavesdrop=\"true\"/>\n"
            "    <allow own=\"*\"/>\n"
            "  </policy>\n"
            "</busconfig>\n",
            *ret_address);
        if (fclose(f) != 0)
                bench_die("%s: %s", conf, strerror(errno));
        argv[0] = "dbus-daemon";
        if (asprintf(&argv[1], "--config-file=%s", conf) < 0)
                bench_die("out of memory");
        argv[2] = "--nofork";
        argv[3] = "--nopidfile";
        argv[4] = NULL;
        pid = bench_spawn(argv, BENCH_SPAWN_QUIET);
        if (!bench_wait_path(sock, 5000))
                bench_die("dbus-daemon did not come up");
        free(argv[1]);
        free(conf);
        free(sock);
        return pid;
}

static void dbus_connect(const char *address)
{
        dbus_client = dbus_open(address);
        /* wait for the echo server to own its name */
        for (int i = 0; i < 500 && !dbus_bus_name_has_owner(dbus_client, DBUS_NAME, NULL); i++)
                usleep(10000);
        if (!dbus_bus_name_has_owner(dbus_client, DBUS_NAME, NULL))
                bench_die("the D-Bus echo server did not come up");
}

/* ---- (c), (d) the stubs against avbufferd ---------------------------------- */

struct avb_ctx {
        struct bench_avb avb;
        int8_t pool;
        int64_t live; /* a live buffer, for isValid */
};

static bool is_valid_op(void *ctx)
{
        struct avb_ctx *a = ctx;
        bool valid = false;

        return bench_avb_is_valid(&a->avb, a->live, &valid) && valid;
}

static bool alloc_free_op(void *ctx)
{
        struct avb_ctx *a = ctx;

        return bench_avb_free(&a->avb, bench_avb_alloc(&a->avb, a->pool, ALLOC_BYTES));
}

/* ---- the run --------------------------------------------------------------- */

static void report(struct contender *c, int rounds, int calls)
{
        double med[N_CONTENDERS], p99[N_CONTENDERS];
        char secbuf[32];
        const char *sec = bench_section("rpc", secbuf, sizeof(secbuf));

        printf("\n== 1%s. RPC round trip, %d-byte payloads, avbufferd on %s: %d rounds x %d "
               "calls per contender, interleaved ==\n",
               bench_on_unix() ? "u" : "", PAYLOAD, bench_on_unix() ? "unix://" : "nanomsg", rounds,
               calls);
        printf("%-44s %9s %9s %9s %8s %8s %8s %8s\n", "contender", "median_us", "p99_us", "calls/s",
               "med/(a)", "med/(b)", "p99/(a)", "p99/(b)");
        for (int k = 0; k < N_CONTENDERS; k++) {
                med[k] = bench_quantile(&c[k].ns, 0.5) / 1e3;
                p99[k] = bench_quantile(&c[k].ns, 0.99) / 1e3;
        }
        for (int k = 0; k < N_CONTENDERS; k++) {
                double rate = 1e9 / bench_mean(&c[k].ns);

                if (!c[k].available) {
                        printf("%-44s %9s\n", c[k].label, "(not run: no avbufferd)");
                        continue;
                }
                printf("%-44s %9.1f %9.1f %9.0f %8.2f %8.2f %8.2f %8.2f\n", c[k].label, med[k],
                       p99[k], rate, med[k] / med[C_SEQPACKET], med[k] / med[C_NANOMSG],
                       p99[k] / p99[C_SEQPACKET], p99[k] / p99[C_NANOMSG]);
                bench_csv(sec, c[k].id, "median_us", med[k], "us");
                bench_csv(sec, c[k].id, "p99_us", p99[k], "us");
                bench_csv(sec, c[k].id, "calls_per_s", rate, "1/s");
                bench_csv(sec, c[k].id, "median_vs_a", med[k] / med[C_SEQPACKET], "ratio");
                bench_csv(sec, c[k].id, "median_vs_b", med[k] / med[C_NANOMSG], "ratio");
                bench_csv(sec, c[k].id, "p99_vs_a", p99[k] / p99[C_SEQPACKET], "ratio");
                bench_csv(sec, c[k].id, "p99_vs_b", p99[k] / p99[C_NANOMSG], "ratio");
        }
        if (!c[C_ISVALID].available)
                return;
        if (bench_on_unix()) {
                bench_target(sec, "unix_isvalid_le_1_5_floor",
                             med[C_ISVALID] <= 1.5 * med[C_SEQPACKET],
                             "unix isValid median %.1f us = %.2f x SEQPACKET floor %.1f us "
                             "(target <= 1.5)",
                             med[C_ISVALID], med[C_ISVALID] / med[C_SEQPACKET], med[C_SEQPACKET]);
                bench_target(sec, "unix_alloc_free_lt_1_dbus", med[C_ALLOCFREE] < med[C_DBUS],
                             "unix alloc+free median %.1f us = %.2f x one D-Bus call %.1f us "
                             "(target < 1)",
                             med[C_ALLOCFREE], med[C_ALLOCFREE] / med[C_DBUS], med[C_DBUS]);
                return;
        }
        bench_target("rpc", "framework_overhead_le_10pct", med[C_ISVALID] <= 1.10 * med[C_NANOMSG],
                     "isValid median %.1f us = %.2f x bare nanomsg %.1f us (target <= 1.10)",
                     med[C_ISVALID], med[C_ISVALID] / med[C_NANOMSG], med[C_NANOMSG]);
        bench_target("rpc", "alloc_free_lt_2_dbus", med[C_ALLOCFREE] < 2 * med[C_DBUS],
                     "alloc+free median %.1f us vs two D-Bus calls %.1f us (%.2f x one call)",
                     med[C_ALLOCFREE], 2 * med[C_DBUS], med[C_ALLOCFREE] / med[C_DBUS]);
}

int main(int argc, char **argv)
{
        struct contender c[N_CONTENDERS] = {
            [C_SEQPACKET] = {"seqpacket", "(a) unix SOCK_SEQPACKET ping-pong", seqpacket_op},
            [C_NANOMSG] = {"nanomsg", "(b) nanomsg REQ/raw REP ipc", nanomsg_op},
            [C_ISVALID] = {"isvalid", "(c) IAVBuffer.isValid via stubs", is_valid_op},
            [C_ALLOCFREE] = {"allocfree", "(d) IAVBuffer.alloc+free pair via stubs", alloc_free_op},
            [C_DBUS] = {"dbus", "(e) D-Bus method call via dbus-daemon", dbus_op},
        };
        struct bench_service svc = {0};
        struct avb_ctx avb = {0};
        pid_t seq_pid, nn_pid, bus_pid, dbus_srv_pid;
        char *dir, *seq_path, *nn_url, *bus_addr;
        int rounds, calls;
        struct bench_opts o;

        if (argc == 3 && !strcmp(argv[1], "--serve-seqpacket"))
                return serve_seqpacket(argv[2]);
        if (argc == 3 && !strcmp(argv[1], "--serve-nanomsg"))
                return serve_nanomsg(argv[2]);
        if (argc == 3 && !strcmp(argv[1], "--serve-dbus"))
                return serve_dbus(argv[2]);
        bench_parse_opts(argc, argv, &o);
        rounds = o.quick ? 4 : 10;
        calls = o.quick ? 500 : 2000;

        dir = bench_tmpdir();
        if (asprintf(&seq_path, "%s/seqpacket", dir) < 0 ||
            asprintf(&nn_url, "ipc://%s/nn", dir) < 0)
                bench_die("out of memory");
        {
                char *a[] = {(char *)bench_self_exe(), "--serve-seqpacket", seq_path, NULL};
                char *b[] = {(char *)bench_self_exe(), "--serve-nanomsg", nn_url, NULL};

                seq_pid = bench_spawn(a, -1);
                nn_pid = bench_spawn(b, -1);
        }
        bus_pid = start_dbus_daemon(dir, &bus_addr);
        {
                char *e[] = {(char *)bench_self_exe(), "--serve-dbus", bus_addr, NULL};

                dbus_srv_pid = bench_spawn(e, -1);
        }
        if (!bench_wait_path(seq_path, 5000) || !bench_wait_path(nn_url + strlen("ipc://"), 5000))
                bench_die("the echo servers did not come up");
        seqpacket_connect(seq_path);
        nanomsg_connect(nn_url);
        dbus_connect(bus_addr);
        c[C_SEQPACKET].available = c[C_NANOMSG].available = c[C_DBUS].available = true;

        if (bench_service_start(&svc, NULL)) {
                bench_avb_connect(&avb.avb);
                avb.pool = bench_avb_pool(&avb.avb, false, false);
                avb.live = bench_avb_alloc(&avb.avb, avb.pool, ALLOC_BYTES);
                c[C_ISVALID].available = c[C_ALLOCFREE].available = true;
                c[C_ISVALID].ctx = c[C_ALLOCFREE].ctx = &avb;
        }

        double cpu0 = svc.avbufferd_pid ? bench_proc_cpu_s(svc.avbufferd_pid) : 0;
        contenders_run(c, N_CONTENDERS, rounds, calls, calls / 4);
        report(c, rounds, calls);
        if (svc.avbufferd_pid) {
                /* One isValid and two calls per alloc+free, in every round and the warm-up. */
                double served = 3.0 * ((double)rounds * calls + calls / 4);
                double us = (bench_proc_cpu_s(svc.avbufferd_pid) - cpu0) * 1e6 / served;

                printf("avbufferd CPU per call on %s: %.1f us\n",
                       bench_on_unix() ? "unix://" : "nanomsg", us);
                char sec[32];

                bench_csv(bench_section("rpc", sec, sizeof(sec)), "avbufferd",
                          "server_cpu_us_per_call", us, "us");
        }

        if (c[C_ISVALID].available) {
                bench_avb_free(&avb.avb, avb.live);
                bench_avb_destroy_pool(&avb.avb, avb.pool);
                bench_avb_close(&avb.avb);
        }
        bench_service_stop(&svc);
        close(seqpacket_fd);
        nn_close(nn_req);
        dbus_connection_close(dbus_client);
        dbus_connection_unref(dbus_client);
        bench_stop(dbus_srv_pid);
        bench_stop(bus_pid);
        bench_stop(nn_pid);
        bench_stop(seq_pid);
        bench_rmdir(dir);
        free(dir);
        free(seq_path);
        free(nn_url);
        free(bus_addr);
        for (int k = 0; k < N_CONTENDERS; k++)
                bench_samples_free(&c[k].ns);
        bench_csv_close();
        return 0;
}
