/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime in one process: a server on a thread, clients on others.
 * Everything crosses real nanomsg sockets and lifelines.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"
#include "test_iface.h"

#include "endpoint.h"
#include "frame.h"
#include "internal.h"
#include "lifeline.h"
#include "testing.h"
#include "transport.h"
#include "util.h"

#define SMALL_MAX (64 * 1024)

static const char *dir;
static test_server srv;

static int group_setup(void **state)
{
        (void)state;
        dir = test_dir_create();
        if (!dir)
                return -1;
        return test_server_start(&srv, "echo", SMALL_MAX) < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
        (void)state;
        test_server_stop(&srv);
        test_dir_remove();
        return 0;
}

static avb_binder *connect_echo(void)
{
        avb_binder *b = NULL;
        assert_int_equal(avb_binder_connect(srv.endpoint, 0, &b), 0);
        return b;
}

static uint32_t call1(avb_binder *b, uint32_t code, uint32_t a, uint32_t c)
{
        uint32_t in[2] = {a, c}, out = 0;
        assert_status_ok(echo_u32(b, code, in, 2, &out, 1));
        return out;
}

/* [gone, last gone pid, dispatched, duplicates, stale, rejected, clients, detached] */
static void server_stats(avb_binder *b, uint32_t out[8])
{
        assert_status_ok(echo_u32(b, ECHO_STATS, NULL, 0, out, 8));
}

/* ---- status ---- */

static void test_status_strings(void **state)
{
        char buf[512];
        avb_status st;

        (void)state;
        assert_string_equal(avb_exception_name(AVB_EX_ILLEGAL_ARGUMENT), "EX_ILLEGAL_ARGUMENT");
        assert_string_equal(avb_exception_name(AVB_EX_TRANSACTION_FAILED), "EX_TRANSACTION_FAILED");
        assert_string_equal(avb_exception_name(12345), "EX_UNKNOWN");
        assert_string_equal(avb_transport_name(AVB_TS_DEAD_OBJECT), "DEAD_OBJECT");
        assert_string_equal(avb_transport_name(99), "UNKNOWN_TRANSPORT_STATUS");
        st = avb_status_service_specific(5, "no room for %d", 7);
        assert_string_equal(avb_status_to_string(&st, buf, sizeof(buf)),
                            "EX_SERVICE_SPECIFIC(5): no room for 7");
        st = avb_status_transport(AVB_TS_TIMED_OUT, NULL);
        assert_string_equal(avb_status_to_string(&st, buf, sizeof(buf)),
                            "EX_TRANSACTION_FAILED(TIMED_OUT)");
        st = avb_status_from_errno(-ETIMEDOUT, "x");
        assert_int_equal(st.transport, AVB_TS_TIMED_OUT);
        st = avb_status_from_errno(-ECONNREFUSED, "x");
        assert_int_equal(st.transport, AVB_TS_NO_SERVICE);
        st = avb_status_from_errno(0, "x");
        assert_true(avb_status_is_ok(&st));
        /* Long messages are cut, never overflow. */
        char longmsg[1000];
        memset(longmsg, 'm', sizeof(longmsg) - 1);
        longmsg[sizeof(longmsg) - 1] = '\0';
        st = avb_status_exception(AVB_EX_ILLEGAL_STATE, "%s", longmsg);
        assert_int_equal(strlen(st.message), AVB_STATUS_MESSAGE_MAX - 1);
}

/* ---- calls ---- */

static void test_call_and_meta(void **state)
{
        avb_binder *b = connect_echo();
        uint8_t data[1000], *reply = NULL;
        uint32_t who[5];
        size_t len = 0;
        int32_t version = 0;
        char *hash = NULL;

        (void)state;
        assert_false(avb_binder_is_local(b));
        assert_true(avb_binder_is_alive(b));
        assert_int_equal(call1(b, ECHO_ADD, 2, 3), 5);
        for (size_t i = 0; i < sizeof(data); i++)
                data[i] = (uint8_t)i;
        assert_status_ok(
            avb_binder_transact(b, &echo_desc, ECHO_ECHO, 0, data, sizeof(data), &reply, &len));
        assert_int_equal(len, sizeof(data));
        assert_memory_equal(reply, data, sizeof(data));
        free(reply);
        /* The server sees who called: this process. */
        assert_status_ok(echo_u32(b, ECHO_WHOAMI, NULL, 0, who, 5));
        assert_int_equal(who[0], (uint32_t)getpid());
        assert_int_equal(who[1], (uint32_t)geteuid());
        assert_true(who[3] != 0 || who[4] != 0);
        /* Meta methods are answered by the runtime. */
        assert_status_ok(avb_binder_get_interface_version(b, &echo_desc, &version));
        assert_int_equal(version, ECHO_VERSION);
        assert_status_ok(avb_binder_get_interface_hash(b, &echo_desc, &hash));
        assert_string_equal(hash, ECHO_HASH);
        free(hash);
        avb_binder_unref(b);
}

static void test_exceptions_pass_intact(void **state)
{
        static const int32_t codes[] = {
            AVB_EX_SECURITY,
            AVB_EX_BAD_PARCELABLE,
            AVB_EX_ILLEGAL_ARGUMENT,
            AVB_EX_NULL_POINTER,
            AVB_EX_ILLEGAL_STATE,
            AVB_EX_NETWORK_MAIN_THREAD,
            AVB_EX_UNSUPPORTED_OPERATION,
            AVB_EX_PARCELABLE,
        };
        avb_binder *b = connect_echo();
        uint8_t *reply = NULL;
        size_t len;
        avb_status st;

        (void)state;
        for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
                uint32_t in[2] = {(uint32_t)codes[i], 0};
                st = echo_raw(b, ECHO_RAISE, 0, in, 2, "it broke", 8, &reply, &len);
                assert_int_equal(st.exception, codes[i]);
                assert_int_equal(st.transport, AVB_TS_OK);
                assert_int_equal(st.service_specific, 0);
                assert_string_equal(st.message, "it broke");
        }
        uint32_t in[2] = {(uint32_t)AVB_EX_SERVICE_SPECIFIC, 5};
        st = echo_raw(b, ECHO_RAISE, 0, in, 2, "heap full", 9, &reply, &len);
        assert_int_equal(st.exception, AVB_EX_SERVICE_SPECIFIC);
        assert_int_equal(st.service_specific, 5);
        assert_int_equal(st.transport, AVB_TS_OK);
        assert_string_equal(st.message, "heap full");
        assert_null(reply);
        avb_binder_unref(b);
}

static void test_unknown_code_and_interface(void **state)
{
        avb_binder *b = connect_echo(), *nobody = NULL;
        uint8_t *reply = NULL;
        size_t len;

        (void)state;
        assert_transport(avb_binder_transact(b, &echo_desc, 0, 0, NULL, 0, &reply, &len),
                         AVB_TS_UNKNOWN_TRANSACTION);
        assert_transport(
            avb_binder_transact(b, &echo_desc, ECHO_N_METHODS + 1, 0, NULL, 0, &reply, &len),
            AVB_TS_UNKNOWN_TRANSACTION);
        assert_transport(avb_binder_transact(b, &listener_desc, 1, 0, NULL, 0, &reply, &len),
                         AVB_TS_BAD_INTERFACE);
        /* A request the dispatcher cannot decode. */
        assert_transport(
            avb_binder_transact(b, &echo_desc, ECHO_ADD, 0, (const uint8_t *)"x", 1, &reply, &len),
            AVB_TS_BAD_MESSAGE);
        assert_int_equal(avb_binder_connect(srv.endpoint, 42, &nobody), 0);
        assert_transport(echo_u32(nobody, ECHO_ADD, NULL, 0, NULL, 0), AVB_TS_NO_SERVICE);
        /* The server goes on. */
        assert_int_equal(call1(b, ECHO_ADD, 1, 1), 2);
        avb_binder_unref(nobody);
        avb_binder_unref(b);
}

static void test_deadline(void **state)
{
        avb_binder *b = connect_echo();
        uint32_t in[2] = {20, 3000}, out;
        avb_status st;

        (void)state;
        avb_binder_set_deadline_ms(b, 300);
        int64_t start = avb_now_ms();
        st = echo_u32(b, ECHO_SLOW, in, 2, &out, 1);
        int64_t took = avb_now_ms() - start;
        assert_transport(st, AVB_TS_TIMED_OUT);
        assert_non_null(strstr(st.message, "300 ms"));
        assert_in_range(took, 290, 1500);
        /* The proxy goes on working (a new request socket). */
        assert_int_equal(call1(b, ECHO_ADD, 4, 5), 9);
        avb_binder_set_deadline_ms(b, 0);
        avb_binder_unref(b);
}

typedef struct worker {
        pthread_t thread;
        avb_binder *b;
        int calls;
        int64_t worst_ms;
        int failures;
} worker;

static void *echo_worker(void *arg)
{
        worker *w = arg;
        for (int i = 0; i < w->calls; i++) {
                uint32_t in[2] = {(uint32_t)i, 1}, out = 0;
                int64_t start = avb_now_ms();
                avb_status st = echo_u32(w->b, ECHO_ADD, in, 2, &out, 1);
                int64_t took = avb_now_ms() - start;
                if (!avb_status_is_ok(&st) || out != (uint32_t)i + 1)
                        w->failures++;
                if (took > w->worst_ms)
                        w->worst_ms = took;
        }
        return NULL;
}

typedef struct slow_call {
        pthread_t thread;
        avb_binder *b;
        uint32_t code, tag, ms;
        avb_status st;
        uint32_t out;
        int64_t done_ms;
} slow_call;

static void *slow_main(void *arg)
{
        slow_call *s = arg;
        uint32_t in[2] = {s->tag, s->ms};
        s->st = echo_u32(s->b, s->code, in, 2, &s->out, 1);
        s->done_ms = avb_now_ms();
        return NULL;
}

static void run_workers(worker *w, int n, avb_binder *shared)
{
        for (int i = 0; i < n; i++) {
                w[i] = (worker){.calls = 20, .b = shared ? shared : connect_echo()};
                assert_int_equal(pthread_create(&w[i].thread, NULL, echo_worker, &w[i]), 0);
        }
        for (int i = 0; i < n; i++) {
                pthread_join(w[i].thread, NULL);
                assert_int_equal(w[i].failures, 0);
                if (!shared)
                        avb_binder_unref(w[i].b);
        }
}

/* A deferred call holds nobody up; a blocking one only for its own work. */
static void test_concurrent_clients(void **state)
{
        slow_call slow = {.b = connect_echo(), .code = ECHO_SLOW, .tag = 22, .ms = 3000};
        avb_binder *shared = connect_echo();
        worker w[6];

        (void)state;
        int64_t start = avb_now_ms();
        assert_int_equal(pthread_create(&slow.thread, NULL, slow_main, &slow), 0);
        test_sleep_ms(50);
        run_workers(w, 3, NULL);       /* one proxy each */
        run_workers(w + 3, 3, shared); /* one proxy shared by three threads */
        int64_t workers_done = avb_now_ms();
        pthread_join(slow.thread, NULL);
        assert_status_ok(slow.st);
        assert_int_equal(slow.out, 1);
        /* 120 calls finished while the deferred call was still pending. */
        assert_true(workers_done < slow.done_ms);
        /*
         * margins for sanitizer builds on a loaded machine; a blocked loop
         * would take the deferred call's 3 s (under the 5 s call deadline)
         */
        assert_true(workers_done - start < 2500);
        for (int i = 0; i < 6; i++)
                assert_true(w[i].worst_ms < 2000);

        /* Now a call that blocks the loop for 400 ms: the others wait at most that long. */
        slow = (slow_call){.b = slow.b, .code = ECHO_BUSY, .tag = 23, .ms = 400};
        assert_int_equal(pthread_create(&slow.thread, NULL, slow_main, &slow), 0);
        test_sleep_ms(50);
        start = avb_now_ms();
        run_workers(w, 4, NULL);
        pthread_join(slow.thread, NULL);
        assert_status_ok(slow.st);
        for (int i = 0; i < 4; i++)
                assert_true(w[i].worst_ms < 400 + 1000);
        assert_true(avb_now_ms() - start < 400 + 1500);
        avb_binder_unref(slow.b);
        avb_binder_unref(shared);
}

static void test_defer_and_retry(void **state)
{
        slow_call wait = {.b = connect_echo(), .code = ECHO_WAIT_FLAG, .tag = 200};
        avb_binder *b = connect_echo();
        uint32_t out = 9;

        (void)state;
        /* No flag: the final dispatch answers after the timeout. */
        int64_t start = avb_now_ms();
        slow_main(&wait);
        assert_status_ok(wait.st);
        assert_int_equal(wait.out, 0);
        assert_in_range(wait.done_ms - start, 190, 2000);
        /* The flag wakes a deferred call at once. */
        wait.tag = 8000;
        assert_int_equal(pthread_create(&wait.thread, NULL, slow_main, &wait), 0);
        test_sleep_ms(100);
        start = avb_now_ms();
        assert_status_ok(echo_u32(b, ECHO_SET_FLAG, NULL, 0, &out, 1));
        pthread_join(wait.thread, NULL);
        assert_status_ok(wait.st);
        assert_int_equal(wait.out, 1);
        assert_true(wait.done_ms - start < 2000);
        avb_binder_unref(wait.b);
        avb_binder_unref(b);
}

/* ---- limits ---- */

static void test_message_too_large(void **state)
{
        avb_binder *b = connect_echo();
        size_t len = 0;
        uint8_t *big = calloc(1, SMALL_MAX + 1), *reply = NULL;
        uint32_t n = SMALL_MAX + 1;
        avb_status st;

        (void)state;
        /* The client refuses to send it, and says what the limit is. */
        st = avb_binder_transact(b, &echo_desc, ECHO_ECHO, 0, big, SMALL_MAX + 1, &reply, &len);
        assert_transport(st, AVB_TS_TOO_LARGE);
        assert_non_null(strstr(st.message, "65536 bytes"));
        /* Exactly the limit passes. */
        assert_status_ok(
            avb_binder_transact(b, &echo_desc, ECHO_ECHO, 0, big, SMALL_MAX, &reply, &len));
        assert_int_equal(len, SMALL_MAX);
        free(reply);
        reply = NULL;
        /* A reply above the limit comes back as TOO_LARGE from the server. */
        st = echo_raw(b, ECHO_BIG, 0, &n, 1, NULL, 0, &reply, &len);
        assert_transport(st, AVB_TS_TOO_LARGE);
        assert_non_null(strstr(st.message, "65536 bytes"));
        assert_null(reply);
        /* An oversized frame from a raw socket drops that connection only. */
        int s;
        uint8_t *huge = calloc(1, 4 * SMALL_MAX);
        assert_int_equal(avb_tp_open(AVB_TP_REQ, &s), 0);
        assert_int_equal(avb_tp_connect(s, srv.endpoint), 0);
        assert_int_equal(avb_tp_send(s, huge, 4 * SMALL_MAX), 0);
        test_sleep_ms(100);
        avb_tp_close(s);
        free(huge);
        assert_int_equal(call1(b, ECHO_ADD, 20, 22), 42);
        free(big);
        avb_binder_unref(b);
}

static char *path_of_length(size_t len)
{
        char *p = malloc(len + 16);
        int n = snprintf(p, len + 16, "ipc://%s/", dir);
        while ((size_t)n - strlen("ipc://") < len)
                p[n++] = 'x';
        p[n] = '\0';
        return p;
}

static void test_path_too_long(void **state)
{
        /* sun_path holds 107 characters: PATH.life must fit. */
        char *ok = path_of_length(107 - strlen(".life"));
        char *bad = path_of_length(108 - strlen(".life"));
        avb_server_options opts = {.endpoint = bad};
        avb_server *s = NULL;
        avb_binder *b = NULL;
        char *e = NULL;

        (void)state;
        assert_int_equal(avb_binder_connect(bad, 0, &b), -ENAMETOOLONG);
        assert_int_equal(avb_binder_from_wire(NULL, bad, 0, &b), -ENAMETOOLONG);
        assert_int_equal(avb_server_new(&opts, &s), -ENAMETOOLONG);
        assert_null(s);
        assert_int_equal(avb_binder_connect(ok, 0, &b), -ENOENT);
        opts.endpoint = ok;
        assert_int_equal(avb_server_new(&opts, &s), 0);
        /* The event loop's spin: up to 1 ms. */
        assert_int_equal(avb_server_set_poll_spin(s, 1001), -EINVAL);
        assert_int_equal(avb_server_set_poll_spin(NULL, 30), -EINVAL);
        assert_int_equal(avb_server_set_poll_spin(s, 1000), 0);
        assert_int_equal(avb_server_set_poll_spin(s, 0), 0);
        s = avb_server_free(s);
        assert_int_equal(avb_binder_connect("tcp://127.0.0.1:5", 0, &b), -EINVAL);
        assert_null(b);
        /* avb_endpoint_for checks too. */
        char longdir[200];
        memset(longdir, 'd', sizeof(longdir) - 1);
        longdir[0] = '/';
        longdir[sizeof(longdir) - 1] = '\0';
        setenv("AVB_SOCKET_DIR", longdir, 1);
        assert_int_equal(avb_endpoint_for("svc", &e), -ENAMETOOLONG);
        setenv("AVB_SOCKET_DIR", dir, 1);
        assert_int_equal(avb_endpoint_for("svc", &e), 0);
        assert_true(strncmp(e, "ipc://", 6) == 0 && strstr(e, dir) && strstr(e, "/svc"));
        free(e);
        free(ok);
        free(bad);
}

static void test_socket_permissions(void **state)
{
        char endpoint[256], path[256];
        avb_server_options opts = {.endpoint = endpoint};
        avb_server *s = NULL, *s2 = NULL;
        struct stat st;

        (void)state;
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/sub/deeper/perm", dir);
        mode_t old = umask(0);
        assert_int_equal(avb_server_new(&opts, &s), 0);
        umask(old);
        snprintf(path, sizeof(path), "%s/sub/deeper", dir);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        snprintf(path, sizeof(path), "%s/sub", dir);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        static const char *const suffixes[] = {"", ".1w", ".life", ".lock"};
        for (size_t i = 0; i < 4; i++) {
                snprintf(path, sizeof(path), "%s/sub/deeper/perm%s", dir, suffixes[i]);
                assert_int_equal(stat(path, &st), 0);
                assert_int_equal(st.st_mode & 0007, 0);
                assert_int_equal(st.st_mode & 0777, 0660);
        }
        /* One server per endpoint. */
        assert_int_equal(avb_server_new(&opts, &s2), -EADDRINUSE);
        s = avb_server_free(s);
        snprintf(path, sizeof(path), "%s/sub/deeper/perm", dir);
        assert_int_equal(stat(path, &st), -1);
        /* Free, the endpoint can be served again. */
        assert_int_equal(avb_server_new(&opts, &s), 0);
        s = avb_server_free(s);
}

static void test_no_server(void **state)
{
        char endpoint[256];
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        avb_binder *b = NULL;
        int fd;

        (void)state;
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/nobody", dir);
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), -ENOENT);
        /* A stale socket file: nothing listens. */
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/stale", dir);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/stale.life", dir);
        fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        close(fd);
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), -ECONNREFUSED);
        /* A reference to a gone peer is a dead proxy: calls fail at once. */
        assert_int_equal(avb_binder_from_wire(NULL, endpoint, 3, &b), 0);
        assert_false(avb_binder_is_alive(b));
        int64_t start = avb_now_ms();
        assert_transport(echo_u32(b, ECHO_ADD, NULL, 0, NULL, 0), AVB_TS_DEAD_OBJECT);
        uint32_t seq = 1;
        assert_transport(echo_raw(b, ECHO_NOTE, AVB_METHOD_ONEWAY, &seq, 1, NULL, 0, NULL, NULL),
                         AVB_TS_DEAD_OBJECT);
        assert_true(avb_now_ms() - start < 500);
        avb_binder_unref(b);
}

static void *server_thread(void *arg)
{
        (void)avb_server_run(arg);
        return NULL;
}

static void never_called(void *userdata)
{
        (void)userdata;
        abort();
}

static bool refuse_all(void *userdata, const avb_peer *peer)
{
        (void)userdata;
        (void)peer;
        return false;
}

static void test_access_policy(void **state)
{
        char endpoint[256];
        avb_server_options opts = {.endpoint = endpoint, .accept = refuse_all};
        avb_server *s = NULL;
        avb_binder *b = NULL;
        pthread_t t;

        (void)state;
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/closed", dir);
        assert_int_equal(avb_server_new(&opts, &s), 0);
        assert_int_equal(pthread_create(&t, NULL, server_thread, s), 0);
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), -EACCES);
        assert_int_equal(avb_binder_from_wire(NULL, endpoint, 0, &b), 0);
        assert_transport(echo_u32(b, ECHO_ADD, NULL, 0, NULL, 0), AVB_TS_PERMISSION);
        avb_binder_unref(b);
        avb_server_close(s);
        pthread_join(t, NULL);
        avb_server_free(s);
}

/* ---- raw requests ---- */

static int raw_round_trip(int s, const void *buf, size_t len, avb_status *ret)
{
        avb_tp_msg m = {0};
        uint8_t *payload = NULL;
        size_t payload_len;
        uint64_t id;
        int fd, r;

        if ((r = avb_tp_send(s, buf, len)) < 0 || (r = avb_tp_recv_fd(s, &fd)) < 0)
                return r;
        for (int64_t deadline = avb_now_ms() + 5000; avb_now_ms() < deadline;) {
                r = avb_tp_recv(s, &m);
                if (r != -EAGAIN)
                        break;
                test_sleep_ms(2);
        }
        if (r < 0)
                return r;
        r = avb_frame_unpack_reply(m.data, m.len, &id, ret, &payload, &payload_len, NULL);
        avb_tp_msg_release(&m);
        free(payload);
        return r;
}

static void raw_request(int s, const avb_request_head *h, const void *payload, size_t len,
                        size_t cut, avb_status *ret)
{
        uint8_t *buf = NULL;
        size_t buf_len;

        assert_int_equal(avb_frame_pack_request(h, payload, len, &buf, &buf_len), 0);
        assert_true(cut < buf_len);
        assert_int_equal(raw_round_trip(s, buf, buf_len - cut, ret), 0);
        free(buf);
}

/* Frames broken one field at a time: byte `off` set to `val`, the first `keep` bytes sent. */
static const struct {
        const char *what;
        size_t off;
        uint8_t val;
        size_t keep;
        const char *why;
} bad_frames[] = {
    {"empty", 0, 0x41, 0, "shorter than a frame header"},
    {"header cut short", 0, 0x41, AVB_FRAME_REQUEST_SIZE - 1, "shorter than a frame header"},
    {"bad magic", 0, 0x42, SIZE_MAX, "bad magic"},
    {"version 1", 4, 1, SIZE_MAX, "another version"},
    {"version 258", 5, 1, SIZE_MAX, "another version"},
    {"unknown flag", 7, 0x80, SIZE_MAX, "unknown flags"},
    {"descriptor of 16 MiB", 19, 1, SIZE_MAX, "longer than allowed"},
    {"descriptor of AVB_DESCRIPTOR_MAX + 1", 17, 2, SIZE_MAX, "longer than allowed"},
    {"descriptor past the end", 16, 200, SIZE_MAX, "beyond the end"},
    {"NUL in the descriptor", AVB_FRAME_REQUEST_SIZE + 3, 0, SIZE_MAX, "NUL byte"},
};

static void raw_bad_frame(int s, const avb_request_head *h, const void *payload, size_t len,
                          size_t i, avb_status *ret)
{
        uint8_t *buf = NULL;
        size_t buf_len;

        assert_int_equal(avb_frame_pack_request(h, payload, len, &buf, &buf_len), 0);
        assert_true(bad_frames[i].off < buf_len);
        buf[bad_frames[i].off] = bad_frames[i].val;
        if (bad_frames[i].keep < buf_len)
                buf_len = bad_frames[i].keep;
        assert_int_equal(raw_round_trip(s, buf, buf_len, ret), 0);
        free(buf);
}

static void test_garbage_requests(void **state)
{
        avb_binder *b = connect_echo(); /* gives this process a lifeline */
        uint32_t busy[2] = {30, 0};
        avb_request_head h = {
            .client_id = avb_rt_client_id(),
            .request_id = avb_rt_next_request_id(),
            .object_id = 0,
            .descriptor = ECHO_DESCRIPTOR,
            .code = ECHO_BUSY,
        };
        avb_status st;
        int s;

        (void)state;
        assert_int_equal(avb_tp_open(AVB_TP_REQ, &s), 0);
        assert_int_equal(avb_tp_connect(s, srv.endpoint), 0);
        assert_int_equal(raw_round_trip(s, "\xff\xff\xff\xff", 4, &st), 0);
        assert_transport(st, AVB_TS_BAD_MESSAGE);
        /* Every header field checked: none of these runs ECHO_BUSY. */
        assert_true(strlen(ECHO_DESCRIPTOR) + sizeof(busy) < 200);
        for (size_t i = 0; i < sizeof(bad_frames) / sizeof(bad_frames[0]); i++) {
                h.request_id = avb_rt_next_request_id();
                raw_bad_frame(s, &h, busy, sizeof(busy), i, &st);
                if (st.transport != AVB_TS_BAD_MESSAGE || !strstr(st.message, bad_frames[i].why))
                        fail_msg("%s: %d %s", bad_frames[i].what, st.transport, st.message);
        }
        h.request_id = avb_rt_next_request_id();
        /* Another server run: not executed. */
        h.incarnation = 12345;
        raw_request(s, &h, busy, sizeof(busy), 0, &st);
        assert_transport(st, AVB_TS_DEAD_OBJECT);
        /* A client that never connected a lifeline. */
        h.incarnation = 0;
        h.client_id = 777;
        h.request_id = avb_rt_next_request_id();
        raw_request(s, &h, busy, sizeof(busy), 0, &st);
        assert_transport(st, AVB_TS_PERMISSION);
        /* Unknown code, descriptor, object. */
        h.client_id = avb_rt_client_id();
        h.code = 0x1234;
        h.request_id = avb_rt_next_request_id();
        raw_request(s, &h, NULL, 0, 0, &st);
        assert_transport(st, AVB_TS_UNKNOWN_TRANSACTION);
        h.code = ECHO_ADD;
        h.descriptor = "no.such.Interface";
        h.request_id = avb_rt_next_request_id();
        raw_request(s, &h, NULL, 0, 0, &st);
        assert_transport(st, AVB_TS_BAD_INTERFACE);
        /* ipc:// fds: announced but never sent on the lifeline; announced to a method without. */
        h.client_id = avb_rt_client_id();
        h.descriptor = ECHO_DESCRIPTOR;
        h.n_fds = 1;
        for (int i = 0; i < 2; i++) {
                h.code = i == 0 ? ECHO_FDS : ECHO_ADD;
                h.request_id = avb_rt_next_request_id();
                raw_request(s, &h, NULL, 0, 0, &st);
                assert_transport(st, AVB_TS_BAD_MESSAGE);
        }
        h.n_fds = 0;
        avb_tp_close(s);
        /* None of them ran, and the server goes on. */
        uint32_t tag = 30, count = 99;
        assert_status_ok(echo_u32(b, ECHO_COUNT, &tag, 1, &count, 1));
        assert_int_equal(count, 0);
        assert_int_equal(call1(b, ECHO_ADD, 1, 2), 3);
        avb_binder_unref(b);
}

/* ---- dedup ---- */

/*
 * Resends that come on the pipe their reply already went on are not answered
 * again (a second answer reaching a REQ socket that still holds the first
 * is what nanomsg 1.1 loses or double-frees): `resent` stays 0, `in_flight`
 * counts them.
 */
static void test_dedup_forced_resend(void **state)
{
        uint32_t before[10], after[10], tag, count;
        uint64_t moved;
        avb_binder *b;

        (void)state;
        /* Request sockets opened from now on resend every 30 ms. */
        avb_rpc_test_set_resend_ivl(30);
        b = connect_echo();
        assert_status_ok(echo_u32(b, ECHO_STATS, NULL, 0, before, 10));
        moved = avb_rpc_test_moved_requests();
        /* The loop is busy 400 ms: about a dozen resends queue up behind the call. */
        assert_int_equal(call1(b, ECHO_BUSY, 40, 400), 1);
        /* A deferred call: resends arrive while the server holds it. */
        assert_int_equal(call1(b, ECHO_SLOW, 41, 400), 1);
        assert_status_ok(echo_u32(b, ECHO_STATS, NULL, 0, after, 10));
        avb_rpc_test_set_resend_ivl(0);
        moved = avb_rpc_test_moved_requests() - moved;
        /* Answered again only on another pipe: one a call moved to after its reply was lost. */
        if (after[3] - before[3] < 4 || after[8] - before[8] > moved || after[9] - before[9] < 4)
                fail_msg("duplicates %u, answered again %u, not answered %u, moved %llu",
                         after[3] - before[3], after[8] - before[8], after[9] - before[9],
                         (unsigned long long)moved);
        tag = 40;
        assert_status_ok(echo_u32(b, ECHO_COUNT, &tag, 1, &count, 1));
        assert_int_equal(count, 1);
        tag = 41;
        assert_status_ok(echo_u32(b, ECHO_COUNT, &tag, 1, &count, 1));
        assert_int_equal(count, 1);
        avb_binder_unref(b);
}

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        int n = 0;

        assert_non_null(d);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/*
 * A reply that reaches a request socket just as its resend timer fires is
 * kept there but never handed over (nanomsg 1.1), and the server does not
 * answer the resend on the same pipe: calls of two resend intervals hit that
 * most of the time. Each still returns within its deadline (the request moves
 * to a new socket), and the sockets given up are closed at once.
 */
static void test_resend_window_reply(void **state)
{
        enum { CALLS = 6, IVL = 30 };
        uint32_t in[2] = {43, 2 * IVL}, out = 0;
        uint64_t moved = avb_rpc_test_moved_requests();
        int fds;
        avb_binder *b;

        (void)state;
        avb_rpc_test_set_resend_ivl(IVL);
        b = connect_echo();
        fds = count_fds();
        for (uint32_t i = 1; i <= CALLS; i++) {
                assert_status_ok(echo_u32(b, ECHO_BUSY, in, 2, &out, 1));
                assert_int_equal(out, i); /* run once */
                /* Bounded: the moved-from sockets are gone, only the pool may hold one more. */
                assert_in_range(count_fds(), 0, fds + 1);
        }
        avb_rpc_test_set_resend_ivl(0);
        avb_binder_unref(b);
        print_message("%llu of %d calls moved to a new socket\n",
                      (unsigned long long)(avb_rpc_test_moved_requests() - moved), CALLS);
}

/* ---- local binders and wire references ---- */

static void test_local_binders(void **state)
{
        echo_impl impl = {0};
        avb_binder *local = NULL, *back = NULL, *remote = NULL;
        char *endpoint = NULL;
        uint32_t id = 99;
        int32_t version = 0;

        (void)state;
        assert_int_equal(echo_new_local(&impl, &local), 0);
        assert_true(avb_binder_is_local(local));
        assert_true(avb_binder_is_alive(local));
        assert_ptr_equal(avb_binder_local_impl(local, &echo_desc), &impl);
        assert_null(avb_binder_local_impl(local, &listener_desc));
        assert_int_equal(avb_binder_link_to_death(local, never_called, NULL), -EINVAL);
        /* Direct calls, through the same dispatcher. */
        assert_int_equal(call1(local, ECHO_ADD, 40, 2), 42);
        assert_status_ok(avb_binder_get_interface_version(local, &echo_desc, &version));
        assert_int_equal(version, ECHO_VERSION);
        assert_transport(avb_binder_transact(local, &echo_desc, 77, 0, NULL, 0, NULL, NULL),
                         AVB_TS_INTERNAL);
        uint8_t *reply = NULL;
        size_t len;
        assert_transport(avb_binder_transact(local, &echo_desc, 77, 0, NULL, 0, &reply, &len),
                         AVB_TS_UNKNOWN_TRANSACTION);
        /* Published on the callback server on first use; the same id every time. */
        assert_int_equal(avb_binder_to_wire(local, &endpoint, &id), 0);
        char prefix[128];
        snprintf(prefix, sizeof(prefix), "ipc://%s/cb-%d-", dir, (int)getpid());
        assert_true(strncmp(endpoint, prefix, strlen(prefix)) == 0);
        uint32_t id2 = 98;
        char *endpoint2 = NULL;
        assert_int_equal(avb_binder_to_wire(local, &endpoint2, &id2), 0);
        assert_string_equal(endpoint, endpoint2);
        assert_int_equal(id, id2);
        free(endpoint2);
        /* A reference to our own object comes back as the object itself. */
        assert_int_equal(avb_binder_from_wire(NULL, endpoint, id, &back), 0);
        assert_ptr_equal(back, local);
        avb_binder_unref(back);
        /* Other processes reach it through the callback server. */
        assert_int_equal(avb_binder_connect(endpoint, id, &remote), 0);
        assert_int_equal(call1(remote, ECHO_ADD, 1, 2), 3);
        avb_binder_unref(remote);
        free(endpoint);
        /* An object added to a server goes on the wire as that server's. */
        avb_binder *served = NULL;
        uint32_t served_id;
        assert_int_equal(echo_new_local(&impl, &served), 0);
        assert_int_equal(avb_server_add(srv.srv, served, &served_id), 0);
        assert_int_equal(avb_binder_to_wire(served, &endpoint, &id), 0);
        assert_string_equal(endpoint, srv.endpoint);
        assert_int_equal(id, served_id);
        free(endpoint);
        /* A remote proxy goes on the wire as its peer. */
        remote = connect_echo();
        assert_int_equal(avb_binder_to_wire(remote, &endpoint, &id), 0);
        assert_string_equal(endpoint, srv.endpoint);
        assert_int_equal(id, 0);
        free(endpoint);
        avb_binder_unref(remote);
        avb_binder_unref(served);
        avb_binder_unref(local);
}

static void test_oneway_in_order(void **state)
{
        avb_binder *b = connect_echo();
        uint32_t notes[2] = {0};

        (void)state;
        for (uint32_t i = 0; i < 200; i++)
                assert_status_ok(
                    echo_raw(b, ECHO_NOTE, AVB_METHOD_ONEWAY, &i, 1, NULL, 0, NULL, NULL));
        for (int64_t deadline = avb_now_ms() + 5000; avb_now_ms() < deadline;) {
                assert_status_ok(echo_u32(b, ECHO_NOTES, NULL, 0, notes, 2));
                if (notes[0] >= 200)
                        break;
                test_sleep_ms(5);
        }
        assert_int_equal(notes[0], 200);
        assert_int_equal(notes[1], 1);
        avb_binder_unref(b);
}

/* A oneway call's queued copy is cleared before it is freed (@SensitiveData keys). */
static void test_oneway_payload_cleared(void **state)
{
        avb_binder *b = connect_echo();
        uint64_t before = avb_rpc_test_cleared_oneway();
        uint32_t v = 7, notes[2] = {0};

        (void)state;
        assert_status_ok(echo_raw(b, ECHO_NOTE, AVB_METHOD_ONEWAY, &v, 1, NULL, 0, NULL, NULL));
        /* Once the server has it, the queue has let go of it. */
        assert_true(WAIT_UNTIL((echo_u32(b, ECHO_NOTES, NULL, 0, notes, 2),
                                avb_rpc_test_cleared_oneway() > before),
                               5000) >= 0);
        avb_binder_unref(b);
}

/* ---- lifelines that misbehave ---- */

/* A lifeline to the test server, connected, with nothing sent. */
static int silent_lifeline(void)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        avb_endpoint ep;
        int fd;

        assert_int_equal(avb_endpoint_parse(srv.endpoint, &ep), 0);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ep.life_path);
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        assert_true(fd >= 0);
        assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        return fd;
}

/* Milliseconds until the server closes `fd` (reads up to it), or -1 after `ms`. */
static int64_t closed_within(int fd, int ms)
{
        int64_t start = avb_now_ms(), left;
        char buf[64];

        do {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                left = start + ms - avb_now_ms();
                if (poll(&p, 1, left > 0 ? (int)left : 0) <= 0)
                        break;
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (n == 0 || (n < 0 && errno == ECONNRESET))
                        return avb_now_ms() - start;
        } while (left > 0);
        return -1;
}

/* A lifeline that never says hello is closed after 2 s. */
static void test_lifeline_hello_timeout(void **state)
{
        int fd = silent_lifeline();
        int64_t took;

        (void)state;
        took = closed_within(fd, 4000);
        assert_in_range(took, 1500, 3500);
        close(fd);
}

/* Beyond 64 lifelines waiting for their hello, new ones are closed at once. */
static void test_lifeline_pending_cap(void **state)
{
        enum { N = 100 };
        int64_t start = avb_now_ms();
        avb_binder *b;
        int fds[N], closed = 0;

        (void)state;
        for (int i = 0; i < N; i++)
                fds[i] = silent_lifeline();
        /* A real client (its hello comes with the connect) is served meanwhile. */
        b = connect_echo();
        assert_int_equal(call1(b, ECHO_ADD, 1, 2), 3);
        test_sleep_ms(300);
        for (int i = 0; i < N; i++)
                if (closed_within(fds[i], 0) >= 0)
                        closed++;
        /* 64 wait; the others (the oldest) were closed, one more if the real
         * client's hello came a moment after its connect (and after 2 s, all of
         * them: a slow machine). */
        if (avb_now_ms() - start < 1800)
                assert_true(closed == N - 64 || closed == N - 63);
        else
                assert_true(closed >= N - 64);
        /* The newest silent ones are the ones still waiting. */
        if (avb_now_ms() - start < 1800)
                assert_true(closed_within(fds[N - 1], 0) < 0);
        for (int i = 0; i < N; i++)
                close(fds[i]);
        avb_binder_unref(b);
}

static int64_t cpu_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* accept() out of descriptors: the server rests instead of spinning, then accepts. */
static void test_lifeline_accept_emfile(void **state)
{
        struct rlimit old, low;
        avb_life_answer answer;
        avb_endpoint ep;
        int fd, highest = 0, fillers[256], n_fillers = 0;
        int64_t cpu;
        DIR *d;

        (void)state;
        assert_int_equal(avb_endpoint_parse(srv.endpoint, &ep), 0);
        /* This process may use no descriptor above the ones it has now. */
        d = opendir("/proc/self/fd");
        assert_non_null(d);
        for (struct dirent *e; (e = readdir(d));)
                if (atoi(e->d_name) > highest)
                        highest = atoi(e->d_name);
        closedir(d);
        assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
        low = old;
        low.rlim_cur = (rlim_t)highest + 8;
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        assert_true(fd >= 0);
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
        while (n_fillers < (int)AVB_ELEMENTSOF(fillers) && (fillers[n_fillers] = dup(0)) >= 0)
                n_fillers++;
        assert_int_equal(errno, EMFILE);
        {
                struct sockaddr_un sa = {.sun_family = AF_UNIX};
                avb_life_hello h = {AVB_LIFE_MAGIC, AVB_LIFE_VERSION, 0x5eed5eed5eedull};
                snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ep.life_path);
                assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
                assert_int_equal(send(fd, &h, sizeof(h), MSG_NOSIGNAL), (ssize_t)sizeof(h));
        }
        cpu = cpu_ms();
        test_sleep_ms(600);
        cpu = cpu_ms() - cpu;
        while (n_fillers > 0)
                close(fillers[--n_fillers]);
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
        /* Accepting again: the connection waited in the backlog and is answered. */
        struct pollfd p = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&p, 1, 2000), 1);
        assert_int_equal(avb_life_read_answer(fd, &answer), 0);
        assert_int_equal(answer.status, AVB_LIFE_ACCEPTED);
        close(fd);
        /* A loop spinning on accept() would have burnt most of the 600 ms. */
        if (cpu > 150)
                fail_msg("%lld ms of CPU in 600 ms while accept() had no descriptors",
                         (long long)cpu);
}

/* After the hello nothing may come: data ends the lifeline, and the client is gone. */
static void test_lifeline_data_after_hello(void **state)
{
        avb_binder *b = connect_echo();
        avb_life_answer answer;
        uint32_t before[8], after[8];
        int fd;

        (void)state;
        server_stats(b, before);
        fd = silent_lifeline();
        avb_life_hello h = {AVB_LIFE_MAGIC, AVB_LIFE_VERSION, 0xda7ada7ada7aull};
        assert_int_equal(send(fd, &h, sizeof(h), MSG_NOSIGNAL), (ssize_t)sizeof(h));
        struct pollfd p = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&p, 1, 2000), 1);
        assert_int_equal(avb_life_read_answer(fd, &answer), 0);
        assert_int_equal(answer.status, AVB_LIFE_ACCEPTED);
        assert_int_equal(send(fd, "junk", 4, MSG_NOSIGNAL), 4);
        assert_true(closed_within(fd, 1000) >= 0);
        close(fd);
        server_stats(b, after);
        assert_int_equal(after[0], before[0] + 1); /* client_gone ran */
        avb_binder_unref(b);
}

/* A lifeline of this process with client id `id`, accepted. */
static int hello_lifeline(uint64_t id)
{
        avb_life_hello h = {AVB_LIFE_MAGIC, AVB_LIFE_VERSION, id};
        avb_life_answer answer;
        int fd = silent_lifeline();

        assert_int_equal(send(fd, &h, sizeof(h), MSG_NOSIGNAL), (ssize_t)sizeof(h));
        struct pollfd p = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&p, 1, 2000), 1);
        assert_int_equal(avb_life_read_answer(fd, &answer), 0);
        assert_int_equal(answer.status, AVB_LIFE_ACCEPTED);
        return fd;
}

/*
 * Closing a lifeline of a live process keeps its client (detached), but one
 * process keeps at most 4 that way: beyond, its oldest counts as gone. This
 * process is alive throughout, so before detaching every close was a death.
 */
static void test_detached_per_process_cap(void **state)
{
        enum { N = 6, CAP = 4 };
        avb_binder *b = connect_echo();
        uint32_t before[8], after[8], gone;

        (void)state;
        server_stats(b, before);
        assert_true(before[7] <= CAP);
        /* Each of the N closes ends up detached or (evicted) gone; one at a
         * time, since closes seen in one wake-up are handled in any order and
         * the oldest detached record is the one evicted. */
        for (int i = 0; i < N; i++) {
                close(hello_lifeline(0xde7ac4ed0000ull + (uint64_t)i));
                assert_true(WAIT_UNTIL((server_stats(b, after), after[7] + after[0] - before[0] ==
                                                                    before[7] + (uint32_t)i + 1),
                                       15000) >= 0);
        }
        gone = after[0] - before[0];
        assert_int_equal(after[7], CAP);
        assert_int_equal(gone, before[7] + N - CAP);
        assert_int_equal(after[1], (uint32_t)getpid());
        assert_int_equal(after[6], before[6] + N - gone);
        /* A detached client attaches again: the same record, nothing gone. */
        int fd = hello_lifeline(0xde7ac4ed0000ull + N - 1);
        assert_true(WAIT_UNTIL((server_stats(b, after), after[7] == CAP - 1), 15000) >= 0);
        assert_int_equal(after[0] - before[0], gone);
        close(fd);
        avb_binder_unref(b);
}

/* ---- interface arguments from other processes ---- */

static int from_wire_as(pid_t pid, const char *endpoint, avb_binder **ret)
{
        avb_call call = {.server = srv.srv, .peer = {.pid = pid, .client_id = 1}};
        return avb_binder_from_wire(&call, endpoint, 0, ret);
}

/* A caller may pass references to endpoints in the socket directory, and to its own callbacks. */
static void test_reference_checks(void **state)
{
        char e[512];
        avb_binder *b = NULL;
        pid_t me = getpid();

        (void)state;
        /* Outside the socket directory, or climbing out of it. */
        assert_int_equal(from_wire_as(me, "ipc:///tmp/elsewhere/sock", &b), -EPERM);
        snprintf(e, sizeof(e), "ipc://%s/../x", dir);
        assert_int_equal(from_wire_as(me, e, &b), -EPERM);
        snprintf(e, sizeof(e), "ipc://%s/sub/x", dir);
        assert_int_equal(from_wire_as(me, e, &b), -EPERM);
        /* Callback endpoints: the caller's own only. */
        snprintf(e, sizeof(e), "ipc://%s/cb-%d-0123456789abcdef", dir, (int)me + 1);
        assert_int_equal(from_wire_as(me, e, &b), -EPERM);
        snprintf(e, sizeof(e), "ipc://%s/cb-+%d-0123456789abcdef", dir, (int)me);
        assert_int_equal(from_wire_as(me, e, &b), -EPERM);
        snprintf(e, sizeof(e), "ipc://%s/cb-", dir);
        assert_int_equal(from_wire_as(me, e, &b), -EPERM);
        snprintf(e, sizeof(e), "ipc://%s/cb-%d-0123456789abcdef", dir, (int)me);
        assert_int_equal(from_wire_as(me, e, &b), 0);
        assert_false(avb_binder_is_alive(b)); /* nobody serves it: a dead proxy */
        b = avb_binder_unref(b);
        /* A service in the socket directory: anyone may name it. */
        snprintf(e, sizeof(e), "ipc://%s/someservice", dir);
        assert_int_equal(from_wire_as(me + 1, e, &b), 0);
        b = avb_binder_unref(b);
        /* An object of this very process is itself, whoever names it. */
        assert_int_equal(from_wire_as(me + 1, srv.endpoint, &b), 0);
        assert_ptr_equal(b, srv.obj);
        b = avb_binder_unref(b);
        /* A path that cannot be a socket. */
        memset(e, 'x', sizeof(e) - 1);
        e[sizeof(e) - 1] = '\0';
        memcpy(e, "ipc:///", 7);
        assert_int_equal(from_wire_as(me, e, &b), -ENAMETOOLONG);
        /* Not a call from another process: no checks (the client side, a local call). */
        assert_int_equal(avb_binder_from_wire(NULL, "ipc:///tmp/elsewhere/sock", 0, &b), 0);
        b = avb_binder_unref(b);
        avb_call local = {.peer = {.pid = me}};
        assert_int_equal(avb_binder_from_wire(&local, "ipc:///tmp/elsewhere/sock", 0, &b), 0);
        b = avb_binder_unref(b);
}

static avb_status set_listener(avb_binder *b, const char *endpoint)
{
        uint8_t *reply = NULL;
        size_t len = 0;
        uint32_t id = 0;
        avb_status st =
            echo_raw(b, ECHO_SET_LISTENER, 0, &id, 1, endpoint, strlen(endpoint), &reply, &len);
        free(reply);
        return st;
}

/* Refused references come back as the caller's error, not INTERNAL. */
static void test_reference_refused_status(void **state)
{
        avb_binder *b = connect_echo();
        char e[200];
        avb_status st;

        (void)state;
        st = set_listener(b, "ipc:///tmp/elsewhere/sock");
        assert_int_equal(st.exception, AVB_EX_SECURITY);
        assert_non_null(strstr(st.message, "not permitted"));
        snprintf(e, sizeof(e), "ipc://%s/cb-1-0123456789abcdef", dir);
        st = set_listener(b, e);
        assert_int_equal(st.exception, AVB_EX_SECURITY);
        memset(e, 'x', sizeof(e) - 1);
        e[sizeof(e) - 1] = '\0';
        memcpy(e, "ipc:///tmp/", 11);
        st = set_listener(b, e);
        assert_int_equal(st.exception, AVB_EX_ILLEGAL_ARGUMENT);
        assert_non_null(strstr(st.message, "too long"));
        /* Its own listener, and a service in the directory, are fine. */
        listener_impl limpl;
        avb_binder *l = NULL;
        char *wire = NULL;
        uint32_t id;
        assert_int_equal(listener_new_local(&limpl, &l), 0);
        assert_int_equal(avb_binder_to_wire(l, &wire, &id), 0);
        assert_status_ok(set_listener(b, wire));
        free(wire);
        snprintf(e, sizeof(e), "ipc://%s/someservice", dir);
        assert_status_ok(set_listener(b, e));
        avb_binder_unref(l);
        avb_binder_unref(b);
}

/* ---- the oneway flag ---- */

static avb_request_head own_head(uint32_t code, bool oneway)
{
        avb_request_head h = {
            .client_id = avb_rt_client_id(),
            .request_id = avb_rt_next_request_id(),
            .descriptor = ECHO_DESCRIPTOR,
            .code = code,
            .oneway = oneway,
        };
        return h;
}

/* Packs and sends a request on a PUSH socket (its connection comes up in the background). */
static void push_request(int push, const avb_request_head *h, const void *payload, size_t len)
{
        uint8_t *buf = NULL;
        size_t buf_len;
        int r;

        assert_int_equal(avb_frame_pack_request(h, payload, len, &buf, &buf_len), 0);
        for (int64_t deadline = avb_now_ms() + 5000;
             (r = avb_tp_send(push, buf, buf_len)) == -EAGAIN && avb_now_ms() < deadline;)
                test_sleep_ms(2);
        assert_int_equal(r, 0);
        free(buf);
}

static uint32_t notes_count(avb_binder *b)
{
        uint32_t notes[2];
        assert_status_ok(echo_u32(b, ECHO_NOTES, NULL, 0, notes, 2));
        return notes[0];
}

/* A method runs only the way it is declared: oneway ones oneway, two-way ones two-way. */
static void test_oneway_flag_enforced(void **state)
{
        avb_binder *b = connect_echo();
        uint32_t seq = 0, busy[2] = {50, 0}, tag = 50, count = 99, n;
        avb_request_head h;
        avb_status st;
        int s, push;

        (void)state;
        n = notes_count(b);
        /* A oneway method on the two-way socket: refused, not run. */
        assert_int_equal(avb_tp_open(AVB_TP_REQ, &s), 0);
        assert_int_equal(avb_tp_connect(s, srv.endpoint), 0);
        h = own_head(ECHO_NOTE, false);
        raw_request(s, &h, &seq, sizeof(seq), 0, &st);
        assert_transport(st, AVB_TS_UNKNOWN_TRANSACTION);
        assert_non_null(strstr(st.message, "oneway method sent two-way"));
        /* ... and so is its resend (same request id). */
        raw_request(s, &h, &seq, sizeof(seq), 0, &st);
        assert_transport(st, AVB_TS_UNKNOWN_TRANSACTION);
        /* A frame that says oneway on the two-way socket. */
        h = own_head(ECHO_ADD, true);
        raw_request(s, &h, busy, sizeof(busy), 0, &st);
        assert_transport(st, AVB_TS_BAD_MESSAGE);
        avb_tp_close(s);
        assert_int_equal(notes_count(b), n);

        /* A two-way method on the oneway socket: dropped, not run. */
        avb_endpoint ep;
        assert_int_equal(avb_endpoint_parse(srv.endpoint, &ep), 0);
        assert_int_equal(avb_tp_open(AVB_TP_PUSH, &push), 0);
        assert_int_equal(avb_tp_connect(push, ep.oneway_url), 0);
        h = own_head(ECHO_BUSY, true);
        push_request(push, &h, busy, sizeof(busy));
        /* Then a good oneway call on the same socket: once it ran, the one before was seen. */
        h = own_head(ECHO_NOTE, true);
        seq = n;
        push_request(push, &h, &seq, sizeof(seq));
        for (int64_t deadline = avb_now_ms() + 5000;
             notes_count(b) == n && avb_now_ms() < deadline;)
                test_sleep_ms(5);
        assert_int_equal(notes_count(b), n + 1);
        assert_status_ok(echo_u32(b, ECHO_COUNT, &tag, 1, &count, 1));
        assert_int_equal(count, 0);
        test_sleep_ms(100); /* let the push socket's linger pass */
        avb_tp_close(push);
        avb_binder_unref(b);
}

/* ---- request ids ---- */

/* One request id far ahead does not make the client's later calls look like resends. */
static void test_request_id_far_ahead(void **state)
{
        avb_binder *b = connect_echo();
        uint32_t add[2] = {20, 22};
        avb_request_head h = own_head(ECHO_ADD, false);
        avb_status st;
        int s;

        (void)state;
        h.request_id += UINT64_C(1) << 40;
        assert_int_equal(avb_tp_open(AVB_TP_REQ, &s), 0);
        assert_int_equal(avb_tp_connect(s, srv.endpoint), 0);
        raw_request(s, &h, add, sizeof(add), 0, &st);
        assert_status_ok(st);
        /* Resent, it does not run again. */
        raw_request(s, &h, add, sizeof(add), 0, &st);
        assert_status_ok(st);
        avb_tp_close(s);
        for (uint32_t i = 0; i < 2 * 4096 + 10; i++)
                if (call1(b, ECHO_ADD, i, 1) != i + 1)
                        fail_msg("call %u failed", i);
        avb_binder_unref(b);
}

int main(void)
{
        /* The nanomsg transport's own tests (raw sockets, resends): the unix one is test_fds's. */
        setenv("AVB_TRANSPORT", "nanomsg", 1);
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_status_strings),
            cmocka_unit_test(test_call_and_meta),
            cmocka_unit_test(test_exceptions_pass_intact),
            cmocka_unit_test(test_unknown_code_and_interface),
            cmocka_unit_test(test_deadline),
            cmocka_unit_test(test_concurrent_clients),
            cmocka_unit_test(test_defer_and_retry),
            cmocka_unit_test(test_message_too_large),
            cmocka_unit_test(test_path_too_long),
            cmocka_unit_test(test_socket_permissions),
            cmocka_unit_test(test_no_server),
            cmocka_unit_test(test_access_policy),
            cmocka_unit_test(test_garbage_requests),
            cmocka_unit_test(test_dedup_forced_resend),
            cmocka_unit_test(test_resend_window_reply),
            cmocka_unit_test(test_local_binders),
            cmocka_unit_test(test_oneway_in_order),
            cmocka_unit_test(test_oneway_payload_cleared),
            cmocka_unit_test(test_lifeline_hello_timeout),
            cmocka_unit_test(test_lifeline_pending_cap),
            cmocka_unit_test(test_lifeline_accept_emfile),
            cmocka_unit_test(test_lifeline_data_after_hello),
            cmocka_unit_test(test_detached_per_process_cap),
            cmocka_unit_test(test_reference_checks),
            cmocka_unit_test(test_reference_refused_status),
            cmocka_unit_test(test_oneway_flag_enforced),
            cmocka_unit_test(test_request_id_far_ahead),
        };
        return cmocka_run_group_tests_name("rpc runtime", tests, group_setup, group_teardown);
}
