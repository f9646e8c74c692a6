/* SPDX-License-Identifier: Apache-2.0 */
#include "test_iface.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testing.h"

extern char **environ;

void test_sleep_ms(int ms)
{
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* ---- payload helpers ---- */

static avb_status bad_request(void)
{
        return avb_status_transport(AVB_TS_BAD_MESSAGE, "short request");
}

static int reply_u32(const uint32_t *v, size_t n, uint8_t **ret, size_t *ret_len)
{
        uint8_t *buf = malloc(n * 4 + 1);
        if (!buf)
                return -ENOMEM;
        memcpy(buf, v, n * 4);
        *ret = buf;
        *ret_len = n * 4;
        return 0;
}

#define REPLY(...)                                                                                 \
        ({                                                                                         \
                const uint32_t _v[] = {__VA_ARGS__};                                               \
                reply_u32(_v, sizeof(_v) / 4, ret_reply, ret_len) < 0                              \
                    ? avb_status_transport(AVB_TS_NO_MEMORY, NULL)                                 \
                    : avb_status_ok();                                                             \
        })

/* ---- IEcho, server side ---- */

static void listener_died(void *userdata)
{
        echo_impl *impl = userdata;
        atomic_fetch_add(&impl->listener_deaths, 1);
}

static avb_status echo_fire(echo_impl *impl, uint32_t n, uint32_t size, uint8_t **ret_reply,
                            size_t *ret_len)
{
        uint32_t counts[4] = {0}; /* ok, would block, dead, other */
        uint8_t *buf = calloc(1, 4 + size);
        int64_t start = avb_now_ms();

        if (!buf || !impl->listener) {
                free(buf);
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "no listener");
        }
        for (uint32_t i = 0; i < n; i++) {
                memcpy(buf, &i, 4);
                avb_status st =
                    avb_binder_transact(impl->listener, &listener_desc, LISTENER_ON_EVENT,
                                        AVB_METHOD_ONEWAY, buf, 4 + size, NULL, NULL);
                if (avb_status_is_ok(&st))
                        counts[0]++;
                else if (st.transport == AVB_TS_WOULD_BLOCK)
                        counts[1]++;
                else if (st.transport == AVB_TS_DEAD_OBJECT)
                        counts[2]++;
                else
                        counts[3]++;
        }
        free(buf);
        return REPLY((uint32_t)(avb_now_ms() - start), counts[0], counts[1], counts[2], counts[3]);
}

/* A request [object id, ...] + endpoint, the endpoint at `off`: the listener it names. */
static int listener_from_request(avb_call *call, const uint8_t *req, size_t len, size_t off,
                                 avb_binder **ret)
{
        char endpoint[256];
        uint32_t id;

        if (len <= off || len - off >= sizeof(endpoint))
                return -EINVAL;
        memcpy(&id, req, 4);
        memcpy(endpoint, req + off, len - off);
        endpoint[len - off] = '\0';
        return avb_binder_from_wire(call, endpoint, id, ret);
}

/* A listener argument that did not make a binder: mapped as generated skeletons map it. */
static avb_status listener_error(int r)
{
        if (r == -EINVAL)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "bad listener");
        return avb_status_from_errno(r, "listener");
}

/* Reads what the request's fds hold and answers with a memfd and a pipe of its own. */
static avb_status echo_fds(avb_call *call, uint8_t **ret_reply, size_t *ret_len)
{
        uint32_t total = 0;
        int mfd, p[2];

        for (size_t i = 0; i < avb_call_n_fds(call); i++) {
                char buf[256];
                int fd = avb_call_fd(call, i);
                ssize_t n = pread(fd, buf, sizeof(buf), 0);
                if (n < 0 && errno == ESPIPE)
                        n = read(fd, buf, sizeof(buf));
                if (n < 0)
                        return bad_request();
                total += (uint32_t)n;
        }
        mfd = memfd_create("echo-reply", MFD_CLOEXEC);
        if (mfd < 0 || write(mfd, "memfd-reply", 11) != 11 || pipe2(p, O_CLOEXEC) < 0) {
                if (mfd >= 0)
                        close(mfd);
                return avb_status_transport(AVB_TS_NO_MEMORY, "fds");
        }
        (void)!write(p[1], "pipe-reply", 10);
        close(p[1]);
        /* Borrowed by the runtime: ours are closed whatever happens. */
        int a = avb_call_add_reply_fd(call, mfd), b = avb_call_add_reply_fd(call, p[0]);
        close(mfd);
        close(p[0]);
        if (a != 0 || b != 1)
                return avb_status_transport(AVB_TS_INTERNAL, "add_reply_fd: %d %d", a, b);
        return REPLY(total, (uint32_t)avb_call_n_fds(call));
}

static avb_status echo_dispatch(const avb_interface_desc *iface, const void *ops, void *userdata,
                                avb_call *call, uint32_t code, const uint8_t *req, size_t len,
                                uint8_t **ret_reply, size_t *ret_len)
{
        echo_impl *impl = userdata;
        uint32_t in[4] = {0};
        size_t n_in = len / 4 < 4 ? len / 4 : 4;

        (void)iface;
        (void)ops;
        if (n_in)
                memcpy(in, req, n_in * 4);
        switch (code) {
        case ECHO_ECHO: {
                uint8_t *copy = malloc(len ? len : 1);
                if (!copy)
                        return avb_status_transport(AVB_TS_NO_MEMORY, NULL);
                if (len)
                        memcpy(copy, req, len);
                *ret_reply = copy;
                *ret_len = len;
                return avb_status_ok();
        }
        case ECHO_ADD:
                if (n_in < 2)
                        return bad_request();
                return REPLY(in[0] + in[1]);
        case ECHO_BUSY:
                if (n_in < 2 || in[0] >= ECHO_TAGS)
                        return bad_request();
                impl->counts[in[0]]++;
                test_sleep_ms((int)in[1]);
                return REPLY(impl->counts[in[0]]);
        case ECHO_SLOW: {
                if (n_in < 2 || in[0] >= ECHO_TAGS)
                        return bad_request();
                uint64_t bit = UINT64_C(1) << in[0];
                if (avb_call_is_final(call)) {
                        impl->slow_pending &= ~bit;
                        return REPLY(impl->counts[in[0]]);
                }
                if (!(impl->slow_pending & bit)) {
                        impl->counts[in[0]]++;
                        impl->slow_pending |= bit;
                }
                return avb_call_defer(call, (int)in[1]);
        }
        case ECHO_COUNT:
                if (n_in < 1 || in[0] >= ECHO_TAGS)
                        return bad_request();
                return REPLY(impl->counts[in[0]]);
        case ECHO_RAISE: {
                if (len < 8)
                        return bad_request();
                char msg[AVB_STATUS_MESSAGE_MAX];
                size_t n = len - 8 < sizeof(msg) - 1 ? len - 8 : sizeof(msg) - 1;
                memcpy(msg, req + 8, n);
                msg[n] = '\0';
                if ((int32_t)in[0] == AVB_EX_SERVICE_SPECIFIC)
                        return avb_status_service_specific((int32_t)in[1], "%s", msg);
                return avb_status_exception((int32_t)in[0], "%s", msg);
        }
        case ECHO_BIG: {
                if (n_in < 1)
                        return bad_request();
                uint8_t *buf = malloc(in[0] ? in[0] : 1);
                if (!buf)
                        return avb_status_transport(AVB_TS_NO_MEMORY, NULL);
                memset(buf, 0x5a, in[0]);
                *ret_reply = buf;
                *ret_len = in[0];
                return avb_status_ok();
        }
        case ECHO_SET_LISTENER: {
                avb_binder *l;
                int r = listener_from_request(call, req, len, 4, &l);
                if (r < 0)
                        return listener_error(r);
                avb_binder_unref(impl->listener);
                impl->listener = l;
                if (!avb_binder_is_local(l))
                        (void)avb_binder_link_to_death(l, listener_died, impl);
                return REPLY(0);
        }
        case ECHO_FIRE:
                if (n_in < 2)
                        return bad_request();
                return echo_fire(impl, in[0], in[1], ret_reply, ret_len);
        case ECHO_STATS: {
                avb_server_stats st = {0};
                if (avb_call_server(call))
                        avb_server_get_stats(avb_call_server(call), &st);
                return REPLY(impl->gone, (uint32_t)impl->last_gone_pid, (uint32_t)st.dispatched,
                             (uint32_t)st.duplicates, (uint32_t)st.stale, (uint32_t)st.rejected,
                             (uint32_t)st.clients, (uint32_t)st.detached, (uint32_t)st.resent,
                             (uint32_t)st.in_flight);
        }
        case ECHO_NOTE:
                if (n_in < 1)
                        return bad_request();
                if (impl->n_notes < ECHO_NOTES_MAX)
                        impl->notes[impl->n_notes++] = in[0];
                return avb_status_ok();
        case ECHO_NOTES: {
                uint32_t in_order = 1;
                for (uint32_t i = 0; i < impl->n_notes; i++)
                        if (impl->notes[i] != i)
                                in_order = 0;
                return REPLY(impl->n_notes, in_order);
        }
        case ECHO_WAIT_FLAG:
                if (impl->flag || avb_call_is_final(call))
                        return REPLY(impl->flag ? 1u : 0u);
                return avb_call_defer(call, n_in ? (int)in[0] : 1000);
        case ECHO_SET_FLAG:
                impl->flag = true;
                avb_server_retry_deferred(avb_call_server(call));
                return REPLY(0);
        case ECHO_WHOAMI: {
                const avb_peer *p = avb_call_peer(call);
                return REPLY((uint32_t)p->pid, (uint32_t)p->uid, (uint32_t)p->gid,
                             (uint32_t)p->client_id, (uint32_t)(p->client_id >> 32));
        }
        case ECHO_FIRE_ONCE: {
                avb_binder *l;
                uint32_t ok = 0;
                int r = listener_from_request(call, req, len, 8, &l);
                if (r < 0)
                        return listener_error(r);
                for (uint32_t i = 0; i < in[1]; i++) {
                        avb_status st =
                            avb_binder_transact(l, &listener_desc, LISTENER_ON_EVENT,
                                                AVB_METHOD_ONEWAY, (uint8_t *)&i, 4, NULL, NULL);
                        ok += avb_status_is_ok(&st);
                }
                avb_binder_unref(l);
                return REPLY(ok);
        }
        case ECHO_FDS:
                return echo_fds(call, ret_reply, ret_len);
        case ECHO_FD_NOTE: {
                uint32_t v = 0;
                if (avb_call_n_fds(call) != 1 || pread(avb_call_fd(call, 0), &v, 4, 0) != 4)
                        return bad_request();
                if (impl->n_notes < ECHO_NOTES_MAX)
                        impl->notes[impl->n_notes++] = v;
                return avb_status_ok();
        }
        case ECHO_LISTENER: {
                unsigned room = 0;
                int r = impl->listener ? avb_binder_oneway_room(impl->listener, &room) : -ENOENT;
                return REPLY(impl->listener && avb_binder_is_alive(impl->listener) ? 1u : 0u,
                             (uint32_t)atomic_load(&impl->listener_deaths), (uint32_t)room,
                             (uint32_t)-r);
        }
        default:
                return avb_status_exception(AVB_EX_UNSUPPORTED_OPERATION, "code %u", code);
        }
}

static const avb_method_desc echo_methods[ECHO_N_METHODS] = {
    {"echo", 0},
    {"add", 0},
    {"busy", 0},
    {"slow", 0},
    {"count", 0},
    {"raise", 0},
    {"big", 0},
    {"setListener", 0},
    {"fire", 0},
    {"stats", 0},
    {"note", AVB_METHOD_ONEWAY},
    {"notes", 0},
    {"waitFlag", 0},
    {"setFlag", 0},
    {"whoami", 0},
    {"listener", 0},
    {"fireOnce", 0},
    {"fds", AVB_METHOD_FDS},
    {"fdNote", AVB_METHOD_ONEWAY | AVB_METHOD_FDS},
};

const avb_interface_desc echo_desc = {
    .descriptor = ECHO_DESCRIPTOR,
    .hash = ECHO_HASH,
    .version = ECHO_VERSION,
    .n_methods = ECHO_N_METHODS,
    .methods = echo_methods,
    .dispatch = echo_dispatch,
};

int echo_new_local(echo_impl *impl, avb_binder **ret)
{
        return avb_binder_new_local(&echo_desc, NULL, impl, NULL, ret);
}

void echo_impl_fini(echo_impl *impl)
{
        impl->listener = avb_binder_unref(impl->listener);
}

void echo_client_gone(void *userdata, const avb_peer *peer)
{
        echo_impl *impl = userdata;
        impl->gone++;
        impl->last_gone_pid = (int32_t)peer->pid;
}

/* ---- IListener ---- */

static avb_status listener_dispatch(const avb_interface_desc *iface, const void *ops,
                                    void *userdata, avb_call *call, uint32_t code,
                                    const uint8_t *req, size_t len, uint8_t **ret_reply,
                                    size_t *ret_len)
{
        listener_impl *impl = userdata;
        uint32_t seq;

        (void)iface;
        (void)ops;
        (void)call;
        (void)ret_reply;
        (void)ret_len;
        if (code != LISTENER_ON_EVENT || len < 4)
                return bad_request();
        memcpy(&seq, req, 4);
        pthread_mutex_lock(&impl->lock);
        if (seq != impl->next_seq)
                impl->in_order = false;
        impl->next_seq = seq + 1;
        impl->n++;
        impl->thread = pthread_self();
        pthread_mutex_unlock(&impl->lock);
        return avb_status_ok();
}

static const avb_method_desc listener_methods[] = {{"onEvent", AVB_METHOD_ONEWAY}};

const avb_interface_desc listener_desc = {
    .descriptor = LISTENER_DESCRIPTOR,
    .hash = "listener-hash",
    .version = 1,
    .n_methods = 1,
    .methods = listener_methods,
    .dispatch = listener_dispatch,
};

int listener_new_local(listener_impl *impl, avb_binder **ret)
{
        pthread_mutex_init(&impl->lock, NULL);
        impl->n = 0;
        impl->next_seq = 0;
        impl->in_order = true;
        return avb_binder_new_local(&listener_desc, NULL, impl, NULL, ret);
}

/* ---- client side ---- */

avb_status echo_raw(avb_binder *b, uint32_t code, uint32_t flags, const uint32_t *in, size_t n_in,
                    const void *tail, size_t tail_len, uint8_t **ret_reply, size_t *ret_len)
{
        size_t len = n_in * 4 + tail_len;
        uint8_t *req = malloc(len ? len : 1);
        avb_status st;

        if (!req)
                return avb_status_transport(AVB_TS_NO_MEMORY, NULL);
        if (n_in)
                memcpy(req, in, n_in * 4);
        if (tail_len)
                memcpy(req + n_in * 4, tail, tail_len);
        st = avb_binder_transact(b, &echo_desc, code, flags, req, len, ret_reply, ret_len);
        free(req);
        return st;
}

avb_status echo_u32(avb_binder *b, uint32_t code, const uint32_t *in, size_t n_in, uint32_t *out,
                    size_t n_out)
{
        uint8_t *reply = NULL;
        size_t len = 0;
        avb_status st = echo_raw(b, code, 0, in, n_in, NULL, 0, &reply, &len);

        if (avb_status_is_ok(&st) && len < n_out * 4)
                st = avb_status_transport(AVB_TS_BAD_MESSAGE, "short reply (%zu bytes)", len);
        if (avb_status_is_ok(&st) && n_out)
                memcpy(out, reply, n_out * 4);
        free(reply);
        return st;
}

/* ---- in-process server ---- */

static void *server_main(void *arg)
{
        test_server *t = arg;
        int r = avb_server_run(t->srv);
        if (r < 0)
                fprintf(stderr, "test server: %s\n", strerror(-r));
        return NULL;
}

int test_server_start(test_server *t, const char *name, size_t max_message)
{
        avb_server_options opts = {0};
        int r;

        memset(t, 0, sizeof(*t));
        if ((r = avb_endpoint_for(name, &t->endpoint)) < 0)
                return r;
        opts.endpoint = t->endpoint;
        opts.max_message = max_message;
        opts.client_gone = echo_client_gone;
        opts.userdata = &t->impl;
        if ((r = avb_server_new(&opts, &t->srv)) < 0)
                return r;
        t->impl.server = t->srv;
        if ((r = echo_new_local(&t->impl, &t->obj)) < 0 ||
            (r = avb_server_add(t->srv, t->obj, NULL)) < 0)
                return r;
        return -pthread_create(&t->thread, NULL, server_main, t);
}

void test_server_stop(test_server *t)
{
        avb_server_close(t->srv);
        pthread_join(t->thread, NULL);
        t->srv = avb_server_free(t->srv);
        t->obj = avb_binder_unref(t->obj);
        echo_impl_fini(&t->impl);
        free(t->endpoint);
        t->endpoint = NULL;
}

/* ---- scratch directory ---- */

static char test_dir[64];

const char *test_dir_create(void)
{
        snprintf(test_dir, sizeof(test_dir), "/tmp/avb-rpc-XXXXXX");
        if (!mkdtemp(test_dir))
                return NULL;
        setenv("AVB_SOCKET_DIR", test_dir, 1);
        return test_dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path) < 0 ? 0 : 0;
}

void test_dir_remove(void)
{
        if (test_dir[0])
                nftw(test_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- helper processes ---- */

static pid_t spawned[64];

static void spawned_set(pid_t old, pid_t new)
{
        for (size_t i = 0; i < sizeof(spawned) / sizeof(spawned[0]); i++)
                if (spawned[i] == old) {
                        spawned[i] = new;
                        return;
                }
}

pid_t test_spawn(const char *mode, const char *endpoint)
{
        const char *helper = getenv("AVB_TEST_HELPER");
        char *argv[] = {(char *)helper, (char *)mode, (char *)endpoint, NULL};
        posix_spawn_file_actions_t fa;
        char line[64] = {0};
        size_t got = 0;
        int fds[2];
        pid_t pid;

        if (!helper || pipe2(fds, O_CLOEXEC) < 0)
                return -1;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
        int r = posix_spawn(&pid, helper, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        if (r != 0) {
                close(fds[0]);
                return -1;
        }
        /* The helper writes "ready\n" once it serves or has connected. */
        int64_t deadline = avb_now_ms() + 10000;
        while (got < sizeof(line) - 1 && !strchr(line, '\n')) {
                struct pollfd p = {.fd = fds[0], .events = POLLIN};
                int left = (int)(deadline - avb_now_ms());
                if (left <= 0 || poll(&p, 1, left) <= 0)
                        break;
                ssize_t n = read(fds[0], line + got, sizeof(line) - 1 - got);
                if (n <= 0)
                        break;
                got += (size_t)n;
        }
        close(fds[0]);
        spawned_set(0, pid);
        if (strncmp(line, "ready", 5) != 0) {
                test_reap(pid, SIGKILL);
                return -1;
        }
        return pid;
}

void test_reap(pid_t pid, int sig)
{
        if (pid <= 0)
                return;
        if (sig)
                kill(pid, sig);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        spawned_set(pid, 0);
}

void test_reap_all(void)
{
        for (size_t i = 0; i < sizeof(spawned) / sizeof(spawned[0]); i++)
                if (spawned[i] > 0) {
                        kill(spawned[i], SIGCONT);
                        test_reap(spawned[i], SIGKILL);
                }
}
