/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helper process of the rpc tests, started with posix_spawn:
 *   test_helper server ENDPOINT    serves test.rpc.IEcho until SIGTERM
 *   test_helper client ENDPOINT    connects, calls once, then waits to be killed
 *   test_helper listener ENDPOINT  registers a listener with the server, waits
 *   test_helper release ENDPOINT   connects, calls once, drops the proxy (so the
 *                                  runtime closes the connection), waits; each
 *                                  SIGUSR1 connects and calls again and holds the
 *                                  proxy, or drops it when it holds one
 * Each writes "ready\n" to stdout when it is set up.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "test_iface.h"

static avb_server *server;
static volatile sig_atomic_t toggles;

static void on_term(int sig)
{
        (void)sig;
        avb_server_close(server);
}

static void on_usr1(int sig)
{
        (void)sig;
        toggles++;
}

static void ready(void)
{
        (void)!write(STDOUT_FILENO, "ready\n", 6);
}

static int run_server(const char *endpoint)
{
        static echo_impl impl;
        avb_server_options opts = {
            .endpoint = endpoint,
            .client_gone = echo_client_gone,
            .userdata = &impl,
        };
        struct sigaction sa = {.sa_handler = on_term};
        avb_binder *obj = NULL;
        int r;

        if ((r = avb_server_new(&opts, &server)) < 0 || (r = echo_new_local(&impl, &obj)) < 0 ||
            (r = avb_server_add(server, obj, NULL)) < 0) {
                fprintf(stderr, "helper: server at %s: %s\n", endpoint, strerror(-r));
                return 1;
        }
        impl.server = server;
        sigaction(SIGTERM, &sa, NULL);
        ready();
        r = avb_server_run(server);
        server = avb_server_free(server);
        avb_binder_unref(obj);
        echo_impl_fini(&impl);
        return r < 0 ? 1 : 0;
}

static int run_client(const char *endpoint, bool with_listener)
{
        static listener_impl limpl;
        avb_binder *b = NULL, *l = NULL;
        uint32_t out[5];
        avb_status st;
        int r;

        if ((r = avb_binder_connect(endpoint, 0, &b)) < 0) {
                fprintf(stderr, "helper: connect %s: %s\n", endpoint, strerror(-r));
                return 1;
        }
        st = echo_u32(b, ECHO_WHOAMI, NULL, 0, out, 5);
        if (!avb_status_is_ok(&st)) {
                char buf[512];
                fprintf(stderr, "helper: call: %s\n", avb_status_to_string(&st, buf, sizeof(buf)));
                return 1;
        }
        if (with_listener) {
                char *wire = NULL;
                uint8_t *reply = NULL;
                size_t len;
                uint32_t id;
                if (listener_new_local(&limpl, &l) < 0 || avb_binder_to_wire(l, &wire, &id) < 0)
                        return 1;
                st = echo_raw(b, ECHO_SET_LISTENER, 0, &id, 1, wire, strlen(wire), &reply, &len);
                free(wire);
                free(reply);
                if (!avb_status_is_ok(&st))
                        return 1;
        }
        ready();
        for (;;)
                pause();
}

static avb_binder *connect_and_call(const char *endpoint)
{
        avb_binder *b = NULL;
        uint32_t out[5];
        avb_status st;

        if (avb_binder_connect(endpoint, 0, &b) < 0)
                return NULL;
        st = echo_u32(b, ECHO_WHOAMI, NULL, 0, out, 5);
        if (!avb_status_is_ok(&st))
                b = avb_binder_unref(b);
        return b;
}

/* A live process that holds nothing on the server but its client record. */
static int run_release(const char *endpoint)
{
        struct sigaction sa = {.sa_handler = on_usr1};
        sigset_t usr1, old;
        avb_binder *b = connect_and_call(endpoint);
        sig_atomic_t seen = 0;

        if (!b)
                return 1;
        b = avb_binder_unref(b);
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, &old);
        sigaction(SIGUSR1, &sa, NULL);
        ready();
        for (;;) {
                while (seen == toggles)
                        sigsuspend(&old);
                seen++;
                if (b)
                        b = avb_binder_unref(b);
                else if (!(b = connect_and_call(endpoint)))
                        return 1;
        }
}

int main(int argc, char **argv)
{
        if (argc != 3)
                return 2;
        /* A helper never outlives the test that started it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
                return 3;
        if (strcmp(argv[1], "server") == 0)
                return run_server(argv[2]);
        if (strcmp(argv[1], "client") == 0)
                return run_client(argv[2], false);
        if (strcmp(argv[1], "listener") == 0)
                return run_client(argv[2], true);
        if (strcmp(argv[1], "release") == 0)
                return run_release(argv[2]);
        return 2;
}
