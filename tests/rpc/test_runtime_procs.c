/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime across processes: servers and clients are helper processes
 * (tests/rpc/test_helper.c, started with posix_spawn) that the tests kill.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sched.h>

#include "test_common.h"
#include "test_iface.h"

#include "endpoint.h"
#include "lifeline.h"
#include "testing.h"

static const char *dir;
static int counter;

static int group_setup(void **state)
{
        (void)state;
        signal(SIGPIPE, SIG_IGN);
        dir = test_dir_create();
        return dir ? 0 : -1;
}

static int group_teardown(void **state)
{
        (void)state;
        test_reap_all();
        test_dir_remove();
        return 0;
}

/* A fresh endpoint per test, so that no test sees another's leftovers. */
static char *new_endpoint(void)
{
        char name[32], *e = NULL;
        snprintf(name, sizeof(name), "svc%d", ++counter);
        assert_int_equal(avb_endpoint_for(name, &e), 0);
        return e;
}

static pid_t spawn_server(const char *endpoint)
{
        pid_t pid = test_spawn("server", endpoint);
        assert_true(pid > 0);
        return pid;
}

static uint32_t count_of(avb_binder *b, uint32_t tag)
{
        uint32_t out = 99;
        assert_status_ok(echo_u32(b, ECHO_COUNT, &tag, 1, &out, 1));
        return out;
}

/* [gone, last gone pid, dispatched, duplicates, stale, rejected, clients, detached] */
static void stats_of(avb_binder *b, uint32_t out[8])
{
        assert_status_ok(echo_u32(b, ECHO_STATS, NULL, 0, out, 8));
}

static void test_cross_process_call(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        avb_binder *b = NULL;
        uint32_t in[2] = {40, 2}, out = 0, who[5];

        (void)state;
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        assert_status_ok(echo_u32(b, ECHO_ADD, in, 2, &out, 1));
        assert_int_equal(out, 42);
        assert_status_ok(echo_u32(b, ECHO_WHOAMI, NULL, 0, who, 5));
        assert_int_equal(who[0], (uint32_t)getpid());
        avb_binder_unref(b);
        test_reap(server, SIGTERM);
        free(endpoint);
}

typedef struct bg_call {
        pthread_t thread;
        avb_binder *b;
        uint32_t tag, ms;
        avb_status st;
} bg_call;

static void *bg_slow(void *arg)
{
        bg_call *c = arg;
        uint32_t in[2] = {c->tag, c->ms}, out;
        c->st = echo_u32(c->b, ECHO_SLOW, in, 2, &out, 1);
        return NULL;
}

/*
 * kill -9 the server while it holds a call, restart it at once: the call
 * fails with DEAD_OBJECT and never runs on the new server, even though the
 * request socket resends it there every 50 ms.
 */
static void test_kill_server_mid_call(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        bg_call call = {.tag = 7, .ms = 4000};
        avb_binder *probe = NULL, *fresh = NULL;
        uint32_t st_new[8];

        (void)state;
        avb_rpc_test_set_resend_ivl(50);
        assert_int_equal(avb_binder_connect(endpoint, 0, &call.b), 0);
        avb_binder_set_deadline_ms(call.b, 10000);
        assert_int_equal(avb_binder_connect(endpoint, 0, &probe), 0);
        assert_int_equal(pthread_create(&call.thread, NULL, bg_slow, &call), 0);
        assert_true(WAIT_UNTIL(count_of(probe, 7) == 1, 5000) >= 0);
        avb_rpc_test_set_resend_ivl(0);

        test_reap(server, SIGKILL);
        server = spawn_server(endpoint);
        int64_t start = avb_now_ms();
        pthread_join(call.thread, NULL);
        assert_transport(call.st, AVB_TS_DEAD_OBJECT);
        assert_true(avb_now_ms() - start < 3000);
        /* The old proxies are dead for good. */
        assert_false(avb_binder_is_alive(call.b));
        assert_transport(echo_u32(probe, ECHO_ADD, NULL, 0, NULL, 0), AVB_TS_DEAD_OBJECT);
        /* The new server never ran the request. */
        assert_int_equal(avb_binder_connect(endpoint, 0, &fresh), 0);
        test_sleep_ms(200); /* room for late resends */
        assert_int_equal(count_of(fresh, 7), 0);
        stats_of(fresh, st_new);
        avb_binder_unref(fresh);
        avb_binder_unref(probe);
        avb_binder_unref(call.b);
        test_reap(server, SIGTERM);
        free(endpoint);
}

static void test_client_death(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        avb_binder *b = NULL;
        uint32_t st[8];

        (void)state;
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        pid_t client = test_spawn("client", endpoint);
        assert_true(client > 0);
        stats_of(b, st);
        assert_int_equal(st[0], 0);
        assert_int_equal(st[6], 2); /* two client processes */
        test_reap(client, SIGKILL);
        int64_t took = WAIT_UNTIL((stats_of(b, st), st[0] == 1), 5000);
        assert_true(took >= 0);
        assert_true(took < 2000);
        assert_int_equal(st[1], (uint32_t)client);
        assert_int_equal(st[6], 1);
        avb_binder_unref(b);
        test_reap(server, SIGTERM);
        free(endpoint);
}

/*
 * A live process that drops its last proxy is not gone: the runtime closes
 * its connection (lifeline included) and the server keeps the client,
 * detached, without calling client_gone. A new proxy attaches to the same
 * record; the process's death (here while detached) calls client_gone.
 */
static void test_client_outlives_connection(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        avb_binder *b = NULL;
        uint32_t st[8];

        (void)state;
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        pid_t client = test_spawn("release", endpoint);
        assert_true(client > 0);
        /* Its connection closes once the linger is over: then it is detached, not gone. */
        assert_true(WAIT_UNTIL((stats_of(b, st), st[7] == 1 || st[0] > 0), 10000) >= 0);
        assert_int_equal(st[0], 0); /* client_gone did not run */
        assert_int_equal(st[6], 2);
        assert_int_equal(st[7], 1);

        /* It makes a proxy again: the same record, attached. */
        kill(client, SIGUSR1);
        assert_true(WAIT_UNTIL((stats_of(b, st), st[7] == 0), 10000) >= 0);
        assert_int_equal(st[0], 0);
        assert_int_equal(st[6], 2);

        /* Dropped again, then killed while detached: now it is gone. */
        kill(client, SIGUSR1);
        assert_true(WAIT_UNTIL((stats_of(b, st), st[7] == 1), 10000) >= 0);
        test_reap(client, SIGKILL);
        int64_t took = WAIT_UNTIL((stats_of(b, st), st[0] == 1), 5000);
        assert_true(took >= 0);
        assert_int_equal(st[1], (uint32_t)client);
        assert_int_equal(st[6], 1);
        assert_int_equal(st[7], 0);
        avb_binder_unref(b);
        test_reap(server, SIGTERM);
        free(endpoint);
}

static atomic_int deaths;

static void on_death(void *userdata)
{
        (void)userdata;
        atomic_fetch_add(&deaths, 1);
}

static void test_server_death(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        avb_binder *b = NULL, *b2 = NULL;

        (void)state;
        atomic_store(&deaths, 0);
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        assert_int_equal(avb_binder_connect(endpoint, 0, &b2), 0);
        assert_int_equal(avb_binder_link_to_death(b, on_death, NULL), 0);
        assert_int_equal(avb_binder_link_to_death(b2, on_death, NULL), 0);
        assert_int_equal(avb_binder_unlink_to_death(b2, on_death, NULL), 0);
        assert_int_equal(avb_binder_unlink_to_death(b2, on_death, NULL), -ENOENT);
        test_reap(server, SIGKILL);
        int64_t took = WAIT_UNTIL(atomic_load(&deaths) > 0, 5000);
        assert_true(took >= 0 && took < 2000);
        test_sleep_ms(50);
        assert_int_equal(atomic_load(&deaths), 1); /* once, and not for the unlinked one */
        assert_false(avb_binder_is_alive(b));
        assert_false(avb_binder_is_alive(b2));
        int64_t start = avb_now_ms();
        assert_transport(echo_u32(b, ECHO_ADD, NULL, 0, NULL, 0), AVB_TS_DEAD_OBJECT);
        assert_true(avb_now_ms() - start < 1000); /* not the wire: that would wait 5 s */
        assert_int_equal(avb_binder_link_to_death(b, on_death, NULL), -ESRCH);
        avb_binder_unref(b);
        avb_binder_unref(b2);
        free(endpoint);
}

struct slow_death {
        avb_binder *b;
        atomic_int started, finished, self_unlink;
};

static void on_death_slow(void *userdata)
{
        struct slow_death *d = userdata;

        atomic_store(&d->started, 1);
        test_sleep_ms(300);
        atomic_store(&d->finished, 1);
}

/* A recipient unlinking itself, on the thread that runs recipients: must not wait for itself. */
static void on_death_unlink_self(void *userdata)
{
        struct slow_death *d = userdata;

        atomic_store(&d->self_unlink, avb_binder_unlink_to_death(d->b, on_death_unlink_self, d));
}

/* An unlink while the recipient runs returns only once it has returned (its userdata may go). */
static void test_unlink_waits_for_running_recipient(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        struct slow_death d = {.self_unlink = 1};

        (void)state;
        assert_int_equal(avb_binder_connect(endpoint, 0, &d.b), 0);
        assert_int_equal(avb_binder_link_to_death(d.b, on_death_slow, &d), 0);
        assert_int_equal(avb_binder_link_to_death(d.b, on_death_unlink_self, &d), 0);
        test_reap(server, SIGKILL);
        assert_true(WAIT_UNTIL(atomic_load(&d.started), 10000) >= 0);
        assert_int_equal(avb_binder_unlink_to_death(d.b, on_death_slow, &d), -ENOENT);
        assert_int_equal(atomic_load(&d.finished), 1);
        assert_true(WAIT_UNTIL(atomic_load(&d.self_unlink) != 1, 10000) >= 0);
        assert_int_equal(atomic_load(&d.self_unlink), -ENOENT);
        avb_binder_unref(d.b);
        free(endpoint);
}

/* A child that has pid `pid` (clone3 with set_tid: root only), waiting to be killed; or -errno. */
static pid_t spawn_as_pid(pid_t pid)
{
#ifdef SYS_clone3
        struct clone_args args = {
            .exit_signal = SIGCHLD, .set_tid = (uint64_t)(uintptr_t)&pid, .set_tid_size = 1};
        long r = syscall(SYS_clone3, &args, sizeof(args));

        if (r == 0)
                for (;;)
                        pause();
        return r < 0 ? -errno : (pid_t)r;
#else
        (void)pid;
        return -ENOSYS;
#endif
}

/*
 * A client connects and says hello, then exits, and its pid goes to another
 * process before the server reads the hello (the server is stopped
 * meanwhile): the record must end with the client, not follow the new
 * process.
 */
static void test_client_gone_before_hello_read(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint), client, other;
        avb_binder *b = NULL;
        avb_endpoint ep;
        uint32_t st[8];
        int status = 0;

        (void)state;
        assert_int_equal(avb_endpoint_parse(endpoint, &ep), 0);
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        stats_of(b, st);
        assert_int_equal(st[6], 1);
        assert_int_equal(kill(server, SIGSTOP), 0);
        client = fork();
        assert_true(client >= 0);
        if (client == 0) {
                int fd;
                _exit(avb_life_connect(ep.life_path, 0x5eed0000c0ffee00ull, &fd) < 0);
        }
        assert_int_equal(waitpid(client, &status, 0), client);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        other = spawn_as_pid(client);
        assert_int_equal(kill(server, SIGCONT), 0);
        if (other < 0) {
                avb_binder_unref(b);
                test_reap(server, SIGTERM);
                free(endpoint);
                skip(); /* not root, or the pid was taken again at once */
        }
        int64_t took = WAIT_UNTIL((stats_of(b, st), st[0] == 1 && st[6] == 1), 10000);
        kill(other, SIGKILL);
        waitpid(other, NULL, 0);
        assert_true(took >= 0);
        avb_binder_unref(b);
        test_reap(server, SIGTERM);
        free(endpoint);
}

static void set_listener(avb_binder *b, avb_binder *listener)
{
        char *wire = NULL;
        uint8_t *reply = NULL;
        size_t len;
        uint32_t id;

        assert_int_equal(avb_binder_to_wire(listener, &wire, &id), 0);
        assert_status_ok(
            echo_raw(b, ECHO_SET_LISTENER, 0, &id, 1, wire, strlen(wire), &reply, &len));
        free(reply);
        free(wire);
}

static uint32_t listener_count(listener_impl *impl)
{
        pthread_mutex_lock(&impl->lock);
        uint32_t n = impl->n;
        pthread_mutex_unlock(&impl->lock);
        return n;
}

/* The server calls a listener of ours back: oneway, in order, on the callback thread. */
static void test_listener_callbacks(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        listener_impl impl;
        avb_binder *b = NULL, *listener = NULL;
        uint32_t in[2] = {250, 64}, out[5]; /* 250: within one queue's bound (256) */

        (void)state;
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        assert_int_equal(listener_new_local(&impl, &listener), 0);
        set_listener(b, listener);
        assert_status_ok(echo_u32(b, ECHO_FIRE, in, 2, out, 5));
        assert_int_equal(out[1], 250); /* all queued */
        assert_true(WAIT_UNTIL(listener_count(&impl) == 250, 5000) >= 0);
        pthread_mutex_lock(&impl.lock);
        assert_true(impl.in_order);
        assert_false(pthread_equal(impl.thread, pthread_self()));
        pthread_mutex_unlock(&impl.lock);
        avb_binder_unref(b);
        test_reap(server, SIGTERM);
        avb_binder_unref(listener);
        free(endpoint);
}

/*
 * Oneway calls through a proxy that is released at once, before its handshake
 * is done (a skeleton drops a borrowed listener when the op returns), still
 * arrive, in order.
 */
static void test_oneway_through_released_proxy(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        listener_impl impl;
        avb_binder *b = NULL, *listener = NULL;
        uint8_t *reply = NULL;
        char *wire = NULL;
        size_t len;
        uint32_t in[2] = {0, 20};

        (void)state;
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        assert_int_equal(listener_new_local(&impl, &listener), 0);
        assert_int_equal(avb_binder_to_wire(listener, &wire, &in[0]), 0);
        for (int round = 0; round < 3; round++) {
                assert_status_ok(
                    echo_raw(b, ECHO_FIRE_ONCE, 0, in, 2, wire, strlen(wire), &reply, &len));
                assert_int_equal(len, 4);
                assert_int_equal(*(uint32_t *)reply, 20);
                free(reply);
                reply = NULL;
                assert_true(WAIT_UNTIL(listener_count(&impl) == 20u * (round + 1), 5000) >= 0);
                pthread_mutex_lock(&impl.lock);
                impl.next_seq = 0; /* each round counts from 0 */
                pthread_mutex_unlock(&impl.lock);
        }
        pthread_mutex_lock(&impl.lock);
        assert_true(impl.in_order);
        pthread_mutex_unlock(&impl.lock);
        free(wire);
        avb_binder_unref(b);
        test_reap(server, SIGTERM);
        avb_binder_unref(listener);
        free(endpoint);
}

/* A stopped listener process fills its queue; a dead one is known dead. The server never waits. */
static void test_slow_and_dead_listener(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        avb_binder *b = NULL;
        uint32_t in[2] = {4000, 2048}, out[5], alive[2];

        (void)state;
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        pid_t client = test_spawn("listener", endpoint);
        assert_true(client > 0);
        assert_true(
            WAIT_UNTIL((echo_u32(b, ECHO_LISTENER, NULL, 0, alive, 2), alive[0] == 1), 5000) >= 0);
        kill(client, SIGSTOP);
        /* 4000 x 2 KiB: far beyond what the pipes hold. */
        assert_status_ok(echo_u32(b, ECHO_FIRE, in, 2, out, 5));
        assert_true(out[0] < 2000);  /* elapsed ms */
        assert_true(out[2] > 0);     /* would block: dropped and counted */
        assert_int_equal(out[3], 0); /* not dead */
        assert_int_equal(out[1] + out[2], 4000);
        kill(client, SIGKILL);
        kill(client, SIGCONT);
        test_reap(client, 0);
        /* The proxy is dead, and the server's death recipient ran. */
        assert_true(WAIT_UNTIL((echo_u32(b, ECHO_LISTENER, NULL, 0, alive, 2),
                                alive[0] == 0 && alive[1] == 1),
                               2000) >= 0);
        in[0] = 100;
        assert_status_ok(echo_u32(b, ECHO_FIRE, in, 2, out, 5));
        assert_int_equal(out[3], 100); /* DEAD_OBJECT at once */
        assert_true(out[0] < 500);
        avb_binder_unref(b);
        test_reap(server, SIGTERM);
        free(endpoint);
}

/*
 * avb_binder_oneway_room follows the queue toward a listener process: all of
 * it at first, none while the stopped process has let it fill, all again once
 * the process has read, and -EPIPE once it has gone.
 */
static void test_oneway_room(void **state)
{
        char *endpoint = new_endpoint();
        pid_t server = spawn_server(endpoint);
        avb_binder *b = NULL;
        uint32_t in[2] = {4000, 2048}, out[5], l[4];

        (void)state;
        assert_int_equal(avb_binder_connect(endpoint, 0, &b), 0);
        pid_t client = test_spawn("listener", endpoint);
        assert_true(client > 0);
        assert_true(WAIT_UNTIL((echo_u32(b, ECHO_LISTENER, NULL, 0, l, 4), l[0] == 1), 5000) >= 0);
        /* all of it once the listener has read what its setup sent (on unix://
         * the room is the free share of the socket's buffer) */
        assert_true(
            WAIT_UNTIL((echo_u32(b, ECHO_LISTENER, NULL, 0, l, 4), l[2] == AVB_ONEWAY_QUEUE_LIMIT),
                       5000) >= 0);
        assert_int_equal(l[3], 0);
        kill(client, SIGSTOP);
        assert_status_ok(echo_u32(b, ECHO_FIRE, in, 2, out, 5));
        assert_true(out[2] > 0); /* the queue filled */
        assert_status_ok(echo_u32(b, ECHO_LISTENER, NULL, 0, l, 4));
        assert_int_equal(l[2], 0);
        assert_int_equal(l[3], 0);
        kill(client, SIGCONT);
        assert_true(
            WAIT_UNTIL((echo_u32(b, ECHO_LISTENER, NULL, 0, l, 4), l[2] == AVB_ONEWAY_QUEUE_LIMIT),
                       10000) >= 0);
        test_reap(client, SIGKILL);
        assert_true(WAIT_UNTIL((echo_u32(b, ECHO_LISTENER, NULL, 0, l, 4), l[3] == EPIPE), 5000) >=
                    0);
        avb_binder_unref(b);
        test_reap(server, SIGTERM);
        free(endpoint);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_cross_process_call),
            cmocka_unit_test(test_kill_server_mid_call),
            cmocka_unit_test(test_client_death),
            cmocka_unit_test(test_client_outlives_connection),
            cmocka_unit_test(test_server_death),
            cmocka_unit_test(test_unlink_waits_for_running_recipient),
            cmocka_unit_test(test_client_gone_before_hello_read),
            cmocka_unit_test(test_listener_callbacks),
            cmocka_unit_test(test_oneway_through_released_proxy),
            cmocka_unit_test(test_slow_and_dead_listener),
            cmocka_unit_test(test_oneway_room),
        };
        return cmocka_run_group_tests_name("rpc across processes", tests, group_setup,
                                           group_teardown);
}
