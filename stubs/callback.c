/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interface objects as arguments. A local binder goes on the wire as the
 * endpoint and id of the server it was added to; one added to none is
 * published on this process's callback server ("ipc://DIR/cb-PID-RANDOM" in
 * avb_socket_dir()), which is started on first use with a thread of its own
 * that runs its calls one at a time, in arrival order.
 * A reference that comes back from the wire is the local binder itself when
 * it names an object of this process, else a proxy; proxies are cached per
 * (endpoint, id) while in use, so the same listener gives the same binder.
 * Making a proxy never waits for its peer: the lifeline handshake completes
 * on the monitor thread.
 *
 * A reference that arrives in a call names an object the server will call,
 * so the caller may not name just any: only endpoints in the directory of the
 * server that took the call (the socket directory), and a callback endpoint
 * of a process only if it is the caller's own. Else -EPERM, which generated
 * code answers as EX_SECURITY (avb_status_from_errno).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "log.h"

/* Names of callback endpoints: "cb-PID-RANDOM". */
#define CALLBACK_PREFIX "cb-"

static pthread_mutex_t callback_lock = PTHREAD_MUTEX_INITIALIZER;
static avb_server *callback_server;
static char *callback_endpoint;

static void *callback_main(void *arg)
{
        int r = avb_server_run(arg);

        if (r < 0)
                avb_log_error("callback server stopped: %s", strerror(-r));
        return NULL;
}

static void callback_cleanup(void)
{
        avb_endpoint ep;

        /* The thread may still run: only its files go (the process is exiting). */
        if (callback_endpoint && avb_endpoint_parse(callback_endpoint, &ep) == 0) {
                (void)unlink(ep.path);
                (void)unlink(ep.oneway_path);
                (void)unlink(ep.life_path);
                (void)unlink(ep.lock_path);
        }
}

/* Callback lock held. */
static int callback_server_start(void)
{
        avb_server_options opts = {0};
        char name[64];
        char *endpoint = NULL;
        avb_server *s = NULL;
        pthread_t thread;
        sigset_t all, old;
        int r;

        if (callback_server)
                return 0;
        snprintf(name, sizeof(name), CALLBACK_PREFIX "%d-%016" PRIx64, (int)getpid(),
                 avb_rt_random64());
        if ((r = avb_endpoint_for(name, &endpoint)) < 0)
                return r;
        opts.endpoint = endpoint;
        if ((r = avb_server_new(&opts, &s)) < 0) {
                avb_log_error("cannot start the callback server at %s: %s", endpoint, strerror(-r));
                free(endpoint);
                return r;
        }
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        r = -pthread_create(&thread, NULL, callback_main, s);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r < 0) {
                avb_server_free(s);
                free(endpoint);
                return r;
        }
        pthread_detach(thread);
        callback_server = s;
        callback_endpoint = endpoint;
        atexit(callback_cleanup);
        return 0;
}

int avb_binder_to_wire(avb_binder *b, char **ret_endpoint, uint32_t *ret_object_id)
{
        char *e;
        uint32_t id;
        int r;

        if (!b || !ret_endpoint || !ret_object_id)
                return -EINVAL;
        if (!b->local) {
                e = strdup(b->conn->ep.url);
                if (!e)
                        return -ENOMEM;
                *ret_endpoint = e;
                *ret_object_id = b->object_id;
                return 0;
        }
        /* The lock makes "not published yet -> publish" one step. */
        pthread_mutex_lock(&callback_lock);
        r = avb_server_home_of(b, &e, &id);
        if (r == -ENOENT) {
                r = callback_server_start();
                if (r == 0)
                        r = avb_server_add(callback_server, b, NULL);
                if (r == 0)
                        r = avb_server_home_of(b, &e, &id);
        }
        pthread_mutex_unlock(&callback_lock);
        if (r < 0)
                return r;
        *ret_endpoint = e;
        *ret_object_id = id;
        return 0;
}

static int proxy_new(const avb_endpoint *ep, uint32_t object_id, avb_binder **ret)
{
        avb_conn *conn;
        int r = avb_conn_get(ep, &conn);

        if (r == -ENOENT || r == -ECONNREFUSED || r == -EAGAIN)
                /* The peer has gone already: a dead proxy, like one whose peer dies later. */
                r = avb_conn_new_dead(ep, AVB_TS_DEAD_OBJECT, &conn);
        if (r < 0)
                return r;
        return avb_binder_new_remote(conn, object_id, ret);
}

/* Length of the directory part of `path`, with its final '/' (0: none). */
static size_t dir_len(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash ? (size_t)(slash - path) + 1 : 0;
}

/* The pid in a callback endpoint's name "cb-PID-...", or -1 if it is not one. */
static long callback_pid(const char *name)
{
        const char *p = name + strlen(CALLBACK_PREFIX);
        long pid = 0;

        if (strncmp(name, CALLBACK_PREFIX, strlen(CALLBACK_PREFIX)) != 0)
                return -1;
        if (*p < '0' || *p > '9')
                return 0; /* a malformed callback name: nobody's */
        for (; *p >= '0' && *p <= '9'; p++)
                if ((pid = pid * 10 + (*p - '0')) > INT32_MAX)
                        return 0;
        return *p == '-' ? pid : 0;
}

/* Why the caller of `call` may not pass a reference to `ep`, or NULL. */
static const char *reference_refusal(const avb_call *call, const avb_endpoint *ep)
{
        const char *own = strstr(avb_server_endpoint(call->server), "://") + 3;
        size_t n = dir_len(own);
        const char *name = ep->path + n;
        long pid;

        if (dir_len(ep->path) != n || strncmp(ep->path, own, n) != 0)
                return "not in the socket directory";
        if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return "not an endpoint name";
        pid = callback_pid(name);
        if (pid == 0 || (pid > 0 && pid != (long)avb_call_peer(call)->pid))
                return "another process's callback endpoint";
        return NULL;
}

int avb_binder_from_wire(avb_call *call, const char *endpoint, uint32_t object_id, avb_binder **ret)
{
        avb_endpoint ep;
        avb_binder *b;
        const char *why;
        int r;

        if (!ret)
                return -EINVAL;
        if ((r = avb_endpoint_parse(endpoint, &ep)) < 0)
                return r;
        if (avb_server_find_local(ep.url, object_id, &b) == 0) {
                *ret = b;
                return 0;
        }
        /* A remote reference in a call from another process: is it the caller's to give? */
        if (call && call->server && (why = reference_refusal(call, &ep))) {
                static avb_ratelimit rl;
                unsigned suppressed;

                if (avb_ratelimit_pass(&rl, 5, 10000, &suppressed))
                        avb_log_warning("%s: pid %d passed a reference to %s: %s; refused%s",
                                        avb_server_endpoint(call->server), (int)call->peer.pid,
                                        ep.url, why,
                                        suppressed ? " (some messages suppressed)" : "");
                return -EPERM;
        }
        /*
         * Made under the cache's lock: two threads receiving the same
         * reference get one proxy. An entry that cannot be added is freed
         * like any proxy (it was never cached).
         */
        avb_proxy_cache_lock();
        b = avb_proxy_cache_find(ep.path, object_id);
        if (!b && (r = proxy_new(&ep, object_id, &b)) == 0 && (r = avb_proxy_cache_add(b)) < 0)
                b = avb_binder_unref(b);
        avb_proxy_cache_unlock();
        if (r < 0)
                return r;
        *ret = b;
        return 0;
}
