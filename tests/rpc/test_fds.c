/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File descriptors across processes (avb_binder_transact_fds, avb_call_fd,
 * avb_call_add_reply_fd): over unix:// to a helper server process, both
 * ways, without leaks on either side; refused on nanomsg; malformed fd
 * packets refused by the server without leaking or hurting other clients.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "test_common.h"
#include "test_iface.h"
#include "endpoint.h"
#include "lifeline.h"
#include "testing.h"
#include "uconn.h"

static int counter;

static int group_setup(void **state)
{
        (void)state;
        return test_dir_create() ? 0 : -1;
}

static int group_teardown(void **state)
{
        (void)state;
        test_reap_all();
        test_dir_remove();
        return 0;
}

static char *new_endpoint(const char *transport)
{
        char name[32], *e = NULL;
        snprintf(name, sizeof(name), "fds%d", ++counter);
        assert_int_equal(avb_endpoint_for_transport(transport, name, &e), 0);
        return e;
}

static int count_fds(pid_t pid)
{
        char path[64];
        struct dirent *d;
        int n = 0;

        snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
        DIR *dir = opendir(path);
        assert_non_null(dir);
        while ((d = readdir(dir)))
                n += d->d_name[0] != '.';
        closedir(dir);
        return n;
}

static int memfd_with(const char *text)
{
        int fd = memfd_create("test", MFD_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        return fd;
}

/* Reads fd from its start (or what a pipe holds) into buf, NUL-terminated. */
static void read_all(int fd, char *buf, size_t len)
{
        ssize_t n = pread(fd, buf, len - 1, 0);
        if (n < 0 && errno == ESPIPE)
                n = read(fd, buf, len - 1);
        assert_true(n >= 0);
        buf[n] = '\0';
}

/* One ECHO_FDS call with a memfd and a pipe; checks what comes back and closes it. */
static void fds_round(avb_binder *b)
{
        int p[2], in[2];
        uint8_t *reply = NULL;
        size_t len = 0, n_out = 0;
        int *out = NULL;
        char buf[64];

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(write(p[1], "pipe-req", 8), 8);
        close(p[1]);
        in[0] = memfd_with("memfd-request");
        in[1] = p[0];
        assert_status_ok(avb_binder_transact_fds(b, &echo_desc, ECHO_FDS, 0, NULL, 0, in, 2, &reply,
                                                 &len, &out, &n_out));
        /* Borrowed: still ours, still open. */
        assert_true(fcntl(in[0], F_GETFD) >= 0);
        close(in[0]);
        close(in[1]);
        assert_int_equal(len, 8);
        uint32_t v[2];
        memcpy(v, reply, 8);
        assert_int_equal(v[0], 13 + 8);
        assert_int_equal(v[1], 2);
        assert_int_equal(n_out, 2);
        read_all(out[0], buf, sizeof(buf));
        assert_string_equal(buf, "memfd-reply");
        read_all(out[1], buf, sizeof(buf));
        assert_string_equal(buf, "pipe-reply");
        assert_true(fcntl(out[0], F_GETFD) & FD_CLOEXEC);
        close(out[0]);
        close(out[1]);
        free(out);
        free(reply);
}

static void test_fds_both_ways(void **state)
{
        char *e = new_endpoint(*state);
        pid_t srv = test_spawn("server", e);
        avb_binder *b = NULL;

        (void)state;
        assert_true(srv > 0);
        assert_int_equal(avb_binder_connect(e, 0, &b), 0);
        fds_round(b);
        avb_binder_unref(b);
        test_reap(srv, SIGTERM);
        free(e);
}

static void test_fd_count_flat(void **state)
{
        char *e = new_endpoint(*state);
        pid_t srv = test_spawn("server", e);
        avb_binder *b = NULL;

        (void)state;
        assert_int_equal(avb_binder_connect(e, 0, &b), 0);
        /* Warm up: connections, and on ipc:// the reply cache's fds (bounded). */
        for (int i = 0; i < 20; i++)
                fds_round(b);
        int mine = count_fds(getpid()), theirs = count_fds(srv);
        for (int i = 0; i < 1000; i++)
                fds_round(b);
        /* Connections released by earlier tests may still be closing: never more. */
        assert_true(WAIT_UNTIL(count_fds(getpid()) <= mine, 5000) >= 0);
        if (WAIT_UNTIL(count_fds(srv) <= theirs, 5000) < 0)
                fail_msg("server fds %d -> %d", theirs, count_fds(srv));
        avb_binder_unref(b);
        test_reap(srv, SIGTERM);
        free(e);
}

static uint32_t notes_count(avb_binder *b, uint32_t *out)
{
        avb_status st = echo_u32(b, ECHO_NOTES, NULL, 0, out, 2);
        return avb_status_is_ok(&st) ? out[0] : 0;
}

static void test_oneway_with_fds(void **state)
{
        char *e = new_endpoint(*state);
        pid_t srv = test_spawn("server", e);
        avb_binder *b = NULL;
        uint32_t out[2] = {0};

        (void)state;
        assert_int_equal(avb_binder_connect(e, 0, &b), 0);
        /* The first oneway call opens ipc://'s oneway socket (one more fd in the server). */
        int note = memfd_create("note", MFD_CLOEXEC);
        assert_int_equal(write(note, &(uint32_t){0}, 4), 4);
        assert_status_ok(avb_binder_transact_fds(b, &echo_desc, ECHO_FD_NOTE, AVB_METHOD_ONEWAY,
                                                 NULL, 0, &note, 1, NULL, NULL, NULL, NULL));
        close(note);
        assert_true(WAIT_UNTIL(notes_count(b, out) == 1, 10000) >= 0);
        int before = count_fds(srv);
        for (uint32_t i = 1; i < 100; i++) {
                int fd = memfd_create("note", MFD_CLOEXEC);
                assert_int_equal(write(fd, &i, 4), 4);
                assert_status_ok(avb_binder_transact_fds(b, &echo_desc, ECHO_FD_NOTE,
                                                         AVB_METHOD_ONEWAY, NULL, 0, &fd, 1, NULL,
                                                         NULL, NULL, NULL));
                close(fd);
        }
        /* unix: two-way calls come after the oneway ones on the one connection; not so on ipc. */
        assert_true(WAIT_UNTIL(notes_count(b, out) == 100, 10000) >= 0);
        assert_int_equal(out[0], 100);
        assert_int_equal(out[1], 1);
        assert_true(WAIT_UNTIL(count_fds(srv) <= before, 5000) >= 0);
        avb_binder_unref(b);
        test_reap(srv, SIGTERM);
        free(e);
}

static void *busy_loop(void *arg)
{
        uint32_t in[2] = {7, 400}, out = 0;
        avb_status st = echo_u32(arg, ECHO_BUSY, in, 2, &out, 1);
        char msg[512];

        if (!avb_status_is_ok(&st)) /* says why when busy_ok fails below */
                fprintf(stderr, "the busy call: %s\n", avb_status_to_string(&st, msg, sizeof(msg)));
        return (void *)(intptr_t)avb_status_is_ok(&st);
}

/*
 * ipc://: a call with fds both ways while its request is resent every 30 ms
 * (the server loop is busy): it runs once, its reply still carries its fds,
 * and the answers to the resends (from the reply cache, fds and all) leave
 * nothing open once their fds expire.
 */
static void test_resent_call_keeps_fds(void **state)
{
        char *e = new_endpoint("nanomsg");
        pid_t srv = test_spawn("server", e);
        avb_binder *b = NULL, *busy = NULL;
        pthread_t t;
        void *busy_ok = NULL;

        (void)state;
        avb_rpc_test_set_resend_ivl(30);
        assert_int_equal(avb_binder_connect(e, 0, &b), 0);
        assert_int_equal(avb_binder_connect(e, 0, &busy), 0);
        for (int i = 0; i < 20; i++)
                fds_round(b);
        uint32_t in[2] = {1, 2}, sum = 0;
        assert_status_ok(echo_u32(busy, ECHO_ADD, in, 2, &sum, 1)); /* its socket, too */
        int mine = count_fds(getpid()), theirs = count_fds(srv);
        assert_int_equal(pthread_create(&t, NULL, busy_loop, busy), 0);
        test_sleep_ms(50);
        fds_round(b);
        pthread_join(t, &busy_ok);
        avb_rpc_test_set_resend_ivl(0);
        assert_true(busy_ok);
        /* Resends answered twice leave their fds with the client's monitor for a while. */
        assert_true(WAIT_UNTIL(count_fds(getpid()) <= mine + 2, 20000) >= 0);
        assert_true(WAIT_UNTIL(count_fds(srv) <= theirs, 10000) >= 0);
        avb_binder_unref(busy);
        avb_binder_unref(b);
        test_reap(srv, SIGTERM);
        free(e);
}

typedef struct caller {
        avb_binder *b;
        uint32_t base;
        int failures;
} caller;

static void *call_many(void *arg)
{
        caller *c = arg;
        for (uint32_t i = 0; i < 300; i++) {
                uint32_t in[2] = {c->base, i}, out = 0;
                avb_status st = echo_u32(c->b, ECHO_ADD, in, 2, &out, 1);
                if (!avb_status_is_ok(&st) || out != c->base + i)
                        c->failures++;
        }
        return NULL;
}

/* Many threads through the one connection, and messages of several fragments. */
static void test_threads_and_big_messages(void **state)
{
        char *e = new_endpoint("unix");
        pid_t srv = test_spawn("server", e);
        avb_binder *b = NULL;
        caller c[4];
        pthread_t t[4];
        size_t big_len = 3 * AVB_UFRAG_BYTES + 17, len = 0;
        uint8_t *big = malloc(big_len), *reply = NULL;

        (void)state;
        assert_int_equal(avb_binder_connect(e, 0, &b), 0);
        for (int i = 0; i < 4; i++) {
                c[i] = (caller){.b = b, .base = 1000u * (uint32_t)i};
                assert_int_equal(pthread_create(&t[i], NULL, call_many, &c[i]), 0);
        }
        for (size_t i = 0; i < big_len; i++)
                big[i] = (uint8_t)(i * 7);
        assert_status_ok(
            avb_binder_transact(b, &echo_desc, ECHO_ECHO, 0, big, big_len, &reply, &len));
        assert_int_equal(len, big_len);
        assert_memory_equal(reply, big, big_len);
        for (int i = 0; i < 4; i++) {
                pthread_join(t[i], NULL);
                assert_int_equal(c[i].failures, 0);
        }
        free(reply);
        free(big);
        avb_binder_unref(b);
        test_reap(srv, SIGTERM);
        free(e);
}

static void test_fds_refused(void **state)
{
        test_server t;
        avb_binder *b = NULL;
        uint8_t *reply = NULL;
        size_t len = 0, n_out = 0;
        int *out = NULL, fd = memfd_with("x"), bad = 1000;

        (void)state;
        /* An in-process nanomsg server, fds on its lifelines. */
        char name[32];
        snprintf(name, sizeof(name), "fds%d", ++counter);
        setenv("AVB_TRANSPORT", "nanomsg", 1);
        assert_int_equal(test_server_start(&t, name, 0), 0);
        unsetenv("AVB_TRANSPORT");
        assert_int_equal(avb_binder_connect(t.endpoint, 0, &b), 0);
        fds_round(b);
        /* A reply with fds to a caller that wants none: refused, closed. */
        assert_transport(avb_binder_transact_fds(b, &echo_desc, ECHO_FDS, 0, NULL, 0, NULL, 0,
                                                 &reply, &len, NULL, NULL),
                         AVB_TS_BAD_MESSAGE);
        /* Any transport: fds for a method without any, a closed fd, too many. */
        assert_transport(avb_binder_transact_fds(b, &echo_desc, ECHO_ADD, 0, NULL, 0, &fd, 1,
                                                 &reply, &len, &out, &n_out),
                         AVB_TS_BAD_MESSAGE);
        assert_transport(avb_binder_transact_fds(b, &echo_desc, ECHO_FDS, 0, NULL, 0, &bad, 1,
                                                 &reply, &len, &out, &n_out),
                         AVB_TS_BAD_MESSAGE);
        avb_binder_unref(b);
        test_server_stop(&t);
        close(fd);
}

/* A raw unix-transport client: hello answered, then whatever the test sends. */
static int raw_client(const char *endpoint)
{
        int fd = -1;
        avb_life_answer a;

        assert_int_equal(
            avb_life_connect(endpoint + strlen("unix://"), 0x1234abcdULL + counter, &fd), 0);
        for (int i = 0; i < 400; i++) {
                int r = avb_life_read_answer(fd, &a);
                if (r == 0)
                        break;
                assert_int_equal(r, -EAGAIN);
                test_sleep_ms(5);
        }
        assert_int_equal(a.status, AVB_LIFE_ACCEPTED);
        return fd;
}

/* Sends one packet: a header claiming `claimed` fds, `n` attached, `body` bytes of `total`. */
static void send_packet(int fd, uint32_t total, size_t body, uint32_t claimed, const int *fds,
                        size_t n)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * 8)];
                struct cmsghdr align;
        } ctl;
        static uint8_t zeros[64];
        avb_ufrag h = {.magic = AVB_UFRAG_MAGIC, .total = total, .n_fds = claimed};
        struct iovec iov[2] = {{&h, sizeof(h)}, {zeros, body}};
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};

        memset(&ctl, 0, sizeof(ctl));
        if (n) {
                mh.msg_control = ctl.buf;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * n);
                memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
        }
        assert_true(sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0);
}

/* True once the server closed the connection. */
static bool closed_by_server(int fd)
{
        char b[64];
        ssize_t n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
        return n == 0 || (n < 0 && errno != EAGAIN);
}

static void test_bad_fd_packets(void **state)
{
        char *e = new_endpoint("unix");
        pid_t srv = test_spawn("server", e);
        avb_binder *b = NULL;
        int fds[2] = {memfd_with("a"), memfd_with("b")};
        static const struct {
                const char *name;
                uint32_t total;
                size_t body;
                uint32_t claimed;
                size_t attached;
        } cases[] = {
            {"missing fd", 8, 8, 2, 1},
            {"extra fd", 8, 8, 0, 1},
            {"more fds than the cap", 8, 8, AVB_MAX_FDS + 1, 2},
        };

        (void)state;
        assert_int_equal(avb_binder_connect(e, 0, &b), 0);
        fds_round(b);
        int before = count_fds(srv);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int c = raw_client(e);
                send_packet(c, cases[i].total, cases[i].body, cases[i].claimed, fds,
                            cases[i].attached);
                if (WAIT_UNTIL(closed_by_server(c), 5000) < 0)
                        fail_msg("%s: connection not closed", cases[i].name);
                close(c);
        }
        /* A truncated message (shorter than its header says), then the close. */
        int c = raw_client(e);
        send_packet(c, 1000, 8, 2, fds, 2);
        close(c);
        /* The honest client was not hurt, and the server holds nothing more. */
        fds_round(b);
        assert_true(WAIT_UNTIL(count_fds(srv) <= before, 5000) >= 0);
        avb_binder_unref(b);
        test_reap(srv, SIGTERM);
        close(fds[0]);
        close(fds[1]);
        free(e);
}

/* A raw ipc:// lifeline: hello answered, then whatever the test sends. */
static int raw_lifeline(const char *endpoint, uint64_t client_id)
{
        avb_endpoint ep;
        avb_life_answer a = {0};
        int fd = -1;

        assert_int_equal(avb_endpoint_parse(endpoint, &ep), 0);
        assert_int_equal(avb_life_connect(ep.life_path, client_id, &fd), 0);
        for (int i = 0; i < 400; i++) {
                int r = avb_life_read_answer(fd, &a);
                if (r == 0)
                        break;
                assert_int_equal(r, -EAGAIN);
                test_sleep_ms(5);
        }
        assert_int_equal(a.status, AVB_LIFE_ACCEPTED);
        return fd;
}

/* Sends an fds packet of `size` bytes claiming `claimed` fds, `n` attached. */
static void send_fds_packet(int fd, uint32_t magic, size_t size, uint32_t claimed, const int *fds,
                            size_t n)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * AVB_MAX_FDS)];
                struct cmsghdr align;
        } ctl;
        uint8_t body[32] = {0};
        avb_life_fds p = {.magic = magic, .n_fds = claimed, .request_id = 99};
        struct iovec iov = {body, size};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

        memcpy(body, &p, sizeof(p));
        memset(&ctl, 0, sizeof(ctl));
        if (n) {
                mh.msg_control = ctl.buf;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * n);
                memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
        }
        assert_true(sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0);
}

/*
 * ipc://: fds packets that break the rules close the lifeline; fds sent
 * without their request are closed after a while; the server keeps nothing
 * and goes on serving.
 */
static void test_bad_ipc_fd_packets(void **state)
{
        char *e = new_endpoint("nanomsg");
        pid_t srv = test_spawn("server", e);
        avb_binder *b = NULL;
        int fds[2] = {memfd_with("a"), memfd_with("b")};
        static const struct {
                const char *name;
                uint32_t magic;
                size_t size;
                uint32_t claimed;
                size_t attached;
                bool closed;
        } cases[] = {
            {"missing fd", AVB_LIFE_FDS_MAGIC, sizeof(avb_life_fds), 2, 1, true},
            {"extra fd", AVB_LIFE_FDS_MAGIC, sizeof(avb_life_fds), 1, 2, true},
            {"no fds", AVB_LIFE_FDS_MAGIC, sizeof(avb_life_fds), 0, 0, true},
            {"truncated packet", AVB_LIFE_FDS_MAGIC, 12, 2, 2, true},
            {"other magic", AVB_LIFE_MAGIC, sizeof(avb_life_fds), 2, 2, true},
            {"more fds than the cap", AVB_LIFE_FDS_MAGIC, sizeof(avb_life_fds), AVB_MAX_FDS + 1, 2,
             true},
            {"fds without their request", AVB_LIFE_FDS_MAGIC, sizeof(avb_life_fds), 2, 2, false},
        };

        (void)state;
        assert_int_equal(avb_binder_connect(e, 0, &b), 0);
        for (int i = 0; i < 20; i++)
                fds_round(b);
        /* One client id for the raw lifelines: its record (and pidfd) is there from now on. */
        uint64_t id = 0x5678abcdULL + (uint64_t)counter;
        close(raw_lifeline(e, id));
        test_sleep_ms(100);
        int before = count_fds(srv);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int c = raw_lifeline(e, id);
                send_fds_packet(c, cases[i].magic, cases[i].size, cases[i].claimed, fds,
                                cases[i].attached);
                if (cases[i].closed && WAIT_UNTIL(closed_by_server(c), 5000) < 0)
                        fail_msg("%s: lifeline not closed", cases[i].name);
                if (!cases[i].closed) {
                        test_sleep_ms(100);
                        if (closed_by_server(c))
                                fail_msg("%s: lifeline closed", cases[i].name);
                }
                close(c);
        }
        /* Fds ahead of requests that never come, over the per-client cap: closed. */
        int many[AVB_MAX_FDS], c = raw_lifeline(e, id);
        for (size_t i = 0; i < AVB_MAX_FDS; i++)
                many[i] = fds[0];
        for (int i = 0; i < 5 && !closed_by_server(c); i++) {
                send_fds_packet(c, AVB_LIFE_FDS_MAGIC, sizeof(avb_life_fds), AVB_MAX_FDS, many,
                                AVB_MAX_FDS);
                test_sleep_ms(20);
        }
        if (WAIT_UNTIL(closed_by_server(c), 5000) < 0)
                fail_msg("fds over the per-client cap: lifeline not closed");
        close(c);
        /* The honest client was not hurt, and the server holds nothing more. */
        fds_round(b);
        assert_true(WAIT_UNTIL(count_fds(srv) <= before, 15000) >= 0);
        avb_binder_unref(b);
        test_reap(srv, SIGTERM);
        close(fds[0]);
        close(fds[1]);
        free(e);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_prestate(test_fds_both_ways, "unix"),
            cmocka_unit_test_prestate(test_fds_both_ways, "nanomsg"),
            cmocka_unit_test_prestate(test_fd_count_flat, "unix"),
            cmocka_unit_test_prestate(test_fd_count_flat, "nanomsg"),
            cmocka_unit_test_prestate(test_oneway_with_fds, "unix"),
            cmocka_unit_test_prestate(test_oneway_with_fds, "nanomsg"),
            cmocka_unit_test(test_resent_call_keeps_fds),
            cmocka_unit_test(test_bad_ipc_fd_packets),
            cmocka_unit_test(test_threads_and_big_messages),
            cmocka_unit_test(test_fds_refused),
            cmocka_unit_test(test_bad_fd_packets),
        };
        return cmocka_run_group_tests_name("file descriptors across processes", tests, group_setup,
                                           group_teardown);
}
