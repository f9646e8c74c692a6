/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service manager, driven through the generated IServiceManager stubs
 * and the avb_service_* helpers, against the real servicemanager binary in
 * a private socket directory. Other registering processes are this binary
 * again in a child mode (spawned with exec: nanomsg state never crosses a
 * fork).
 *
 * The manager runs with a registration policy that lets this uid register
 * "test.*" and avbufferd's names; the socket directory is 0750, so a child
 * that becomes another uid with group 0 still reaches it.
 *
 *   test-servicemanager SERVICEMANAGER_EXE AVBUFFERD_EXE AVBUFFERD_PROFILE
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <grp.h>
#include <sys/stat.h>

#include <avbuffer/servicemanager.h>

#include "avb_servicemanager.h"
#include "util.h"

extern char **environ;

static const char *sm_exe, *avbd_exe, *avbd_profile;
static char sock_dir[64], policy_path[128];
static pid_t sm_pid, avbd_pid, squatter_pid;
static avb_binder *sm;

static pid_t spawn(char *const argv[])
{
        pid_t pid;

        if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0)
                return -1;
        return pid;
}

/*
 * A child that registers NAME after DELAY_MS and stays until killed; with
 * `release` it drops its service-manager proxy once registered (its runtime
 * then closes the connection).
 */
static pid_t spawn_registrar_as(const char *name, int delay_ms, bool release)
{
        char delay[16];
        char *argv[] = {"/proc/self/exe",
                        "--child-register",
                        (char *)name,
                        delay,
                        release ? "release" : NULL,
                        NULL};

        snprintf(delay, sizeof(delay), "%d", delay_ms);
        return spawn(argv);
}

static pid_t spawn_registrar(const char *name, int delay_ms)
{
        return spawn_registrar_as(name, delay_ms, false);
}

static void kill_wait(pid_t pid)
{
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

static int child_register(const char *name, int delay_ms, bool release)
{
        avb_binder *b = NULL;
        char endpoint[256];
        avb_status st;

        usleep((useconds_t)delay_ms * 1000);
        if (avb_sm_connect(&b) < 0)
                return 1;
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/child-%d", getenv("AVB_SOCKET_DIR"),
                 (int)getpid());
        st = avb_servicemanager_IServiceManager_addService(b, name, endpoint);
        if (!avb_status_is_ok(&st))
                return 1;
        if (release)
                b = avb_binder_unref(b);
        for (;;)
                pause();
}

/*
 * Becomes uid (group 0 only), then registers NAME at an endpoint in the
 * socket directory. Exit status: 0 registered, 2 EX_SECURITY, 3 another
 * refusal, 4 no service manager, 5 cannot change uid.
 */
static int child_register_as(const char *uid, const char *name)
{
        avb_binder *b = NULL;
        char endpoint[256];
        avb_status st;

        if (setgroups(0, NULL) < 0 || setgid(0) < 0 || setuid((uid_t)atoi(uid)) < 0)
                return 5;
        if (avb_sm_connect(&b) < 0)
                return 4;
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/child-%d", getenv("AVB_SOCKET_DIR"),
                 (int)getpid());
        st = avb_servicemanager_IServiceManager_addService(b, name, endpoint);
        avb_binder_unref(b);
        return avb_status_is_ok(&st) ? 0 : st.exception == AVB_EX_SECURITY ? 2 : 3;
}

static char *check(const char *name)
{
        char *endpoint = (char *)1;
        avb_status st = avb_servicemanager_IServiceManager_checkService(sm, name, &endpoint);

        assert_true(avb_status_is_ok(&st));
        assert_true(endpoint != (char *)1);
        return endpoint;
}

/* Polls until `name` is (present) or is not (!present) registered. */
static bool wait_registered(const char *name, bool present, int timeout_ms)
{
        int64_t end = avb_now_ms() + timeout_ms;

        do {
                char *e = check(name);
                bool is = e != NULL;
                free(e);
                if (is == present)
                        return true;
                usleep(20 * 1000);
        } while (avb_now_ms() < end);
        return false;
}

/* The policy of the tests: this uid may register test.* and avbufferd's names. */
static int write_policy(void)
{
        FILE *f;

        snprintf(policy_path, sizeof(policy_path), "%s/service_contexts", sock_dir);
        f = fopen(policy_path, "w");
        if (!f)
                return -1;
        fprintf(f, "# test policy\ntest.*  user:%u\n", (unsigned)getuid());
        fprintf(f, "AVBuffer user:%u\nVideoDecoderManager user:%u # decoders\n", (unsigned)getuid(),
                (unsigned)getuid());
        fprintf(f, "audiodecodermanager group:%u user:%u\n", (unsigned)getgid() + 1,
                (unsigned)getuid());
        fprintf(f, "AVClockManager user:%u\nVideoSinkManager user:%u\nAudioSinkManager user:%u\n",
                (unsigned)getuid(), (unsigned)getuid(), (unsigned)getuid());
        return fclose(f);
}

static int start_sm(void)
{
        char *argv[] = {(char *)sm_exe, "--policy", policy_path, NULL};
        int64_t end;

        sm_pid = spawn(argv);
        if (sm_pid < 0)
                return -1;
        end = avb_now_ms() + 5000;
        while (avb_sm_connect(&sm) < 0) {
                if (avb_now_ms() > end)
                        return -1;
                usleep(20 * 1000);
        }
        return 0;
}

static int setup_group(void **state)
{
        (void)state;
        strcpy(sock_dir, "/tmp/avb-sm-test.XXXXXX");
        if (!mkdtemp(sock_dir) || chmod(sock_dir, 0750) < 0 ||
            setenv("AVB_SOCKET_DIR", sock_dir, 1) < 0 || write_policy() < 0)
                return -1;
        return start_sm();
}

static int teardown_group(void **state)
{
        char cmd[128];
        int status = 0;

        (void)state;
        if (avbd_pid > 0)
                kill_wait(avbd_pid);
        if (squatter_pid > 0)
                kill_wait(squatter_pid);
        avb_binder_unref(sm);
        if (sm_pid > 0) {
                kill(sm_pid, SIGTERM);
                waitpid(sm_pid, &status, 0);
        }
        snprintf(cmd, sizeof(cmd), "rm -rf %s", sock_dir);
        if (system(cmd) != 0)
                return -1;
        /* SIGTERM is a clean stop: exit status 0. */
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void test_add_check_list(void **state)
{
        char endpoint[200], *got;
        avb_servicemanager_ServiceInfo *v = NULL;
        size_t n = 0;
        bool found = false;
        avb_status st;

        (void)state;
        snprintf(endpoint, sizeof(endpoint), "ipc://%s//svc-a", sock_dir);
        st = avb_servicemanager_IServiceManager_addService(sm, "test.a", endpoint);
        assert_true(avb_status_is_ok(&st));
        got = check("test.a");
        assert_non_null(got);
        assert_string_equal(got, endpoint);
        free(got);
        st = avb_servicemanager_IServiceManager_getService(sm, "test.a", &got);
        assert_true(avb_status_is_ok(&st));
        assert_string_equal(got, endpoint);
        free(got);
        assert_null(check("test.missing"));

        st = avb_servicemanager_IServiceManager_listServices(sm, &v, &n);
        assert_true(avb_status_is_ok(&st));
        for (size_t i = 0; i < n; i++) {
                if (!strcmp(v[i].name, "test.a")) {
                        found = true;
                        assert_int_equal(v[i].pid, getpid());
                }
                if (i > 0) /* sorted by name */
                        assert_true(strcmp(v[i - 1].name, v[i].name) < 0);
                avb_servicemanager_ServiceInfo_fini(&v[i]);
        }
        free(v);
        assert_true(found);

        /* The same process registering again replaces its endpoint. */
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/svc-a2#2", sock_dir);
        st = avb_servicemanager_IServiceManager_addService(sm, "test.a", endpoint);
        assert_true(avb_status_is_ok(&st));
        got = check("test.a");
        assert_string_equal(got, endpoint);
        free(got);
}

static void test_bad_names(void **state)
{
        static const struct {
                const char *name, *endpoint;
        } cases[] = {
            {"", "ipc:///tmp/x"},           {"has space", "ipc:///tmp/x"},
            {"semi;colon", "ipc:///tmp/x"}, {"ok.name", "tcp://127.0.0.1:5555"},
            {"ok.name", "ipc:///tmp/x#"},   {"ok.name", "ipc:///tmp/x#-3"},
            {"ok.name", "/tmp/no-scheme"},
        };
        char long_name[200];

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                avb_status st = avb_servicemanager_IServiceManager_addService(sm, cases[i].name,
                                                                              cases[i].endpoint);
                assert_int_equal(st.exception, AVB_EX_SERVICE_SPECIFIC);
                assert_int_equal(st.service_specific,
                                 avb_servicemanager_IServiceManager_ERROR_BAD_NAME);
                assert_true(strlen(st.message) > 0);
        }
        memset(long_name, 'n', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        avb_status st =
            avb_servicemanager_IServiceManager_addService(sm, long_name, "ipc:///tmp/x");
        assert_int_equal(st.service_specific, avb_servicemanager_IServiceManager_ERROR_BAD_NAME);
        assert_null(check(""));
}

static void test_taken_then_released_by_death(void **state)
{
        pid_t child = spawn_registrar("test.taken", 0);
        char endpoint[200];
        avb_status st;
        int64_t killed;

        (void)state;
        assert_true(child > 0);
        assert_true(wait_registered("test.taken", true, 5000));
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/mine", sock_dir);
        st = avb_servicemanager_IServiceManager_addService(sm, "test.taken", endpoint);
        assert_int_equal(st.exception, AVB_EX_SERVICE_SPECIFIC);
        assert_int_equal(st.service_specific,
                         avb_servicemanager_IServiceManager_ERROR_ALREADY_REGISTERED);
        assert_int_equal(avb_service_add(sm, "test.taken", NULL, 0), -EINVAL);

        killed = avb_now_ms();
        kill_wait(child);
        /* A registration lasts as long as its process: gone within 2 s. */
        assert_true(wait_registered("test.taken", false, 2000));
        printf("registration dropped %lld ms after kill -9\n", (long long)(avb_now_ms() - killed));
        st = avb_servicemanager_IServiceManager_addService(sm, "test.taken", endpoint);
        assert_true(avb_status_is_ok(&st));
}

/*
 * A registration belongs to the process, not to its connection: a registrant
 * that drops its proxy keeps its name (the connection closes 0.2 s after the
 * last proxy goes) until it dies.
 */
static void test_registration_outlives_connection(void **state)
{
        pid_t child = spawn_registrar_as("test.released", 0, true);

        (void)state;
        assert_true(child > 0);
        assert_true(wait_registered("test.released", true, 5000));
        usleep(1500 * 1000);
        assert_true(wait_registered("test.released", true, 0));
        kill_wait(child);
        assert_true(wait_registered("test.released", false, 2000));
}

static void test_wait_times_out(void **state)
{
        char *got = (char *)1;
        int64_t t0 = avb_now_ms(), took;
        avb_status st;

        (void)state;
        st = avb_servicemanager_IServiceManager_waitForService(sm, "test.never", 300, &got);
        took = avb_now_ms() - t0;
        assert_true(avb_status_is_ok(&st));
        assert_null(got);
        assert_true(took >= 250); /* it did wait */
        assert_int_equal(avb_service_get(sm, "test.never", 0, &(avb_binder *){NULL}), -ENOENT);
        st = avb_servicemanager_IServiceManager_waitForService(sm, "test.never", -1, &got);
        assert_int_equal(st.exception, AVB_EX_ILLEGAL_ARGUMENT);
}

static void test_wait_sees_late_registration(void **state)
{
        pid_t child = spawn_registrar("test.late", 300);
        char *got = NULL;
        int64_t t0 = avb_now_ms();
        avb_status st;

        (void)state;
        assert_true(child > 0);
        avb_binder_set_deadline_ms(sm, 15000);
        st = avb_servicemanager_IServiceManager_waitForService(sm, "test.late", 10000, &got);
        avb_binder_set_deadline_ms(sm, 0);
        assert_true(avb_status_is_ok(&st));
        assert_non_null(got);
        assert_non_null(strstr(got, "/child-"));
        assert_true(avb_now_ms() - t0 < 9000); /* answered on registration, not at the timeout */
        free(got);
        kill_wait(child);
}

/*
 * Other calls are served while one waitForService is parked. The waiter
 * posts its semaphore once connected, just before it calls, so the measured
 * calls start after the wait reached the manager, not while it is still
 * connecting (which would let a blocking manager pass).
 */
static void *parked_wait(void *arg)
{
        sem_t *calling = arg;
        char *got = NULL;
        avb_binder *b = NULL;

        if (avb_sm_connect(&b) < 0) {
                sem_post(calling);
                return (void *)1;
        }
        sem_post(calling);
        avb_status st =
            avb_servicemanager_IServiceManager_waitForService(b, "test.parked", 3000, &got);
        avb_binder_unref(b);
        free(got);
        return avb_status_is_ok(&st) && !got ? NULL : (void *)1;
}

static void test_wait_does_not_block_others(void **state)
{
        pthread_t t;
        sem_t calling;
        void *rc = (void *)1;
        int64_t t0;

        (void)state;
        assert_int_equal(sem_init(&calling, 0, 0), 0);
        assert_int_equal(pthread_create(&t, NULL, parked_wait, &calling), 0);
        while (sem_wait(&calling) < 0)
                ;
        usleep(200 * 1000); /* the call's one message has reached the manager */
        t0 = avb_now_ms();
        for (int i = 0; i < 20; i++)
                free(check("test.a"));
        /* a blocked manager would answer after the wait's 3 s (under the 5 s call deadline) */
        assert_true(avb_now_ms() - t0 < 2500);
        pthread_join(t, &rc);
        sem_destroy(&calling);
        assert_null(rc);
}

struct notified {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        char name[64];
        char endpoint[256];
        int calls;
};

static avb_status on_registration(void *impl, avb_call *call, const char *name,
                                  const char *endpoint)
{
        struct notified *n = impl;

        (void)call;
        pthread_mutex_lock(&n->lock);
        snprintf(n->name, sizeof(n->name), "%s", name);
        snprintf(n->endpoint, sizeof(n->endpoint), "%s", endpoint);
        n->calls++;
        pthread_cond_signal(&n->cond);
        pthread_mutex_unlock(&n->lock);
        return avb_status_ok();
}

static const avb_servicemanager_IServiceCallback_ops callback_ops = {
    .onRegistration = on_registration,
};

static void test_notifications(void **state)
{
        struct notified n = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, "", "", 0};
        avb_binder *cb = NULL;
        struct timespec deadline;
        pid_t child;
        avb_status st;

        (void)state;
        assert_int_equal(
            avb_servicemanager_IServiceCallback_new_local(&callback_ops, &n, NULL, &cb), 0);
        st = avb_servicemanager_IServiceManager_registerForNotifications(sm, "test.notify", cb);
        assert_true(avb_status_is_ok(&st));
        child = spawn_registrar("test.notify", 100);
        assert_true(child > 0);
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 5;
        pthread_mutex_lock(&n.lock);
        while (n.calls == 0 && pthread_cond_timedwait(&n.cond, &n.lock, &deadline) == 0)
                ;
        pthread_mutex_unlock(&n.lock);
        assert_int_equal(n.calls, 1);
        assert_string_equal(n.name, "test.notify");
        assert_non_null(strstr(n.endpoint, "/child-"));
        kill_wait(child);
        avb_binder_unref(cb);
}

/* A name the policy gives nobody, or not this uid, is refused with EX_SECURITY. */
static void test_policy_refuses_names(void **state)
{
        static const char *const names[] = {"other", "tes", "AVBuffer2", "vendor.x"};
        char endpoint[200];

        (void)state;
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/svc-p", sock_dir);
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                avb_status st =
                    avb_servicemanager_IServiceManager_addService(sm, names[i], endpoint);

                assert_int_equal(st.exception, AVB_EX_SECURITY);
                assert_non_null(strstr(st.message, names[i]));
                assert_null(check(names[i]));
        }
        assert_int_equal(avb_service_add(sm, "other", NULL, 0), -EINVAL);
}

/* Endpoints must name a socket directly in the socket directory. */
static void test_endpoint_outside_socket_dir(void **state)
{
        static const char *const in_dir[] = {"/../escape", "/sub/x", "/.hidden", "/link",
                                             "/file",      "/",      "/a b"};
        char alias[100], link_path[200], file_path[200], ep[300];
        size_t n = sizeof(in_dir) / sizeof(in_dir[0]);
        FILE *f;

        (void)state;
        /* a symlink in the directory, a plain file, and an alias of the directory */
        snprintf(link_path, sizeof(link_path), "%s/link", sock_dir);
        snprintf(file_path, sizeof(file_path), "%s/file", sock_dir);
        assert_int_equal(symlink("/tmp/avb-elsewhere", link_path), 0);
        f = fopen(file_path, "w");
        assert_non_null(f);
        fclose(f);
        snprintf(alias, sizeof(alias), "%s-alias", sock_dir);
        assert_int_equal(symlink(sock_dir, alias), 0);
        for (size_t i = 0; i < n + 2; i++) {
                avb_status st;

                if (i < n)
                        snprintf(ep, sizeof(ep), "ipc://%s%s", sock_dir, in_dir[i]);
                else if (i == n)
                        snprintf(ep, sizeof(ep), "ipc://%s/svc-x", alias);
                else
                        snprintf(ep, sizeof(ep), "ipc:///tmp/avb-elsewhere");
                st = avb_servicemanager_IServiceManager_addService(sm, "test.out", ep);
                assert_int_equal(st.exception, AVB_EX_SECURITY);
                assert_null(check("test.out"));
        }
        unlink(alias);
        unlink(link_path);
        unlink(file_path);
}

/* A process of a uid the policy does not name cannot register "AVBuffer". */
static void test_other_uid_cannot_register(void **state)
{
        char *argv[] = {"/proc/self/exe", "--child-register-as", "65534", "AVBuffer", NULL};
        int status = 0;
        pid_t child;

        (void)state;
        if (geteuid() != 0)
                skip();
        child = spawn(argv);
        assert_true(child > 0);
        assert_int_equal(waitpid(child, &status, 0), child);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 2); /* EX_SECURITY */
        assert_null(check("AVBuffer"));
}

static bool log_has(const char *path, const char *what)
{
        char line[512];
        bool found = false;
        FILE *f = fopen(path, "r");

        while (f && !found && fgets(line, sizeof(line), f))
                found = strstr(line, what) != NULL;
        if (f)
                fclose(f);
        return found;
}

static bool wait_log(const char *path, const char *what, int timeout_ms)
{
        int64_t end = avb_now_ms() + timeout_ms;

        while (!log_has(path, what)) {
                if (avb_now_ms() > end)
                        return false;
                usleep(20 * 1000);
        }
        return true;
}

/* Polls until `name` is registered at `endpoint`. */
static bool wait_endpoint(const char *name, const char *endpoint, int timeout_ms)
{
        int64_t end = avb_now_ms() + timeout_ms;

        do {
                char *e = check(name);
                bool same = e && !strcmp(e, endpoint);

                free(e);
                if (same)
                        return true;
                usleep(20 * 1000);
        } while (avb_now_ms() < end);
        return false;
}

/* avbufferd's endpoint scheme: it follows $AVB_TRANSPORT (meson test --setup unix). */
static const char *avbufferd_scheme(void)
{
        const char *t = getenv("AVB_TRANSPORT");

        return t && !strcmp(t, "unix") ? "unix://" : "ipc://";
}

static bool alive(pid_t pid)
{
        return waitpid(pid, NULL, WNOHANG) == 0;
}

/*
 * A squatter holds "AVBuffer" (the policy lets this uid have it) when
 * avbufferd starts: avbufferd keeps serving, retries, and has the name once
 * the squatter has died.
 */
static void test_avbufferd_outlasts_squatter(void **state)
{
        char log_path[128], mine[200];
        posix_spawn_file_actions_t fa;
        char *argv[] = {(char *)avbd_exe, "--profile", (char *)avbd_profile, NULL};
        char *got;

        (void)state;
        squatter_pid = spawn_registrar("AVBuffer", 0);
        assert_true(squatter_pid > 0);
        assert_true(wait_registered("AVBuffer", true, 5000));
        snprintf(log_path, sizeof(log_path), "%s/avbufferd.log", sock_dir);
        snprintf(mine, sizeof(mine), "%s%s/AVBuffer", avbufferd_scheme(), sock_dir);
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 2, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_int_equal(posix_spawn(&avbd_pid, avbd_exe, &fa, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&fa);

        assert_true(wait_log(log_path, "cannot register 'AVBuffer'", 15000));
        assert_true(alive(avbd_pid));
        got = check("AVBuffer");
        assert_non_null(strstr(got, "/child-"));
        free(got);
        /* the decoder managers are not held by anyone: avbufferd has them already */
        assert_true(wait_registered("VideoDecoderManager", true, 15000));

        kill_wait(squatter_pid);
        squatter_pid = 0;
        assert_true(wait_endpoint("AVBuffer", mine, 15000));
        assert_true(alive(avbd_pid));
        assert_true(log_has(log_path, "registered 'AVBuffer'"));
}

/* The service manager restarts: avbufferd registers again with the new one. */
static void test_avbufferd_reregisters_after_sm_restart(void **state)
{
        char mine[200];
        int status = 0;

        (void)state;
        assert_true(avbd_pid > 0 && alive(avbd_pid));
        snprintf(mine, sizeof(mine), "%s%s/AVBuffer", avbufferd_scheme(), sock_dir);
        sm = avb_binder_unref(sm);
        kill_wait(sm_pid);
        assert_int_equal(start_sm(), 0);
        assert_true(wait_endpoint("AVBuffer", mine, 15000));
        assert_true(wait_registered("audiodecodermanager", true, 15000));
        assert_true(alive(avbd_pid));
        kill(avbd_pid, SIGTERM);
        assert_int_equal(waitpid(avbd_pid, &status, 0), avbd_pid);
        avbd_pid = 0;
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_true(wait_registered("AVBuffer", false, 5000));
}

static void test_endpoint_split(void **state)
{
        static const struct {
                const char *in, *base;
                uint32_t id;
                int rc;
        } cases[] = {
            {"ipc:///a/b", "ipc:///a/b", 0, 0},
            {"ipc:///a/b#3", "ipc:///a/b", 3, 0},
            {"ipc:///a/b#4294967295", "ipc:///a/b", 4294967295u, 0},
            {"ipc:///a/b#4294967296", NULL, 0, -EINVAL},
            {"ipc:///a/b#", NULL, 0, -EINVAL},
            {"ipc:///a/b#-1", NULL, 0, -EINVAL},
            {"ipc:///a/b#1x", NULL, 0, -EINVAL},
            {"", NULL, 0, -EINVAL},
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *base = (char *)1;
                uint32_t id = 77;
                int rc = avb_endpoint_split(cases[i].in, &base, &id);

                assert_int_equal(rc, cases[i].rc);
                if (rc < 0) {
                        assert_true(base == (char *)1 && id == 77); /* untouched */
                        continue;
                }
                assert_string_equal(base, cases[i].base);
                assert_int_equal(id, cases[i].id);
                free(base);
        }
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_add_check_list),
            cmocka_unit_test(test_bad_names),
            cmocka_unit_test(test_taken_then_released_by_death),
            cmocka_unit_test(test_registration_outlives_connection),
            cmocka_unit_test(test_wait_times_out),
            cmocka_unit_test(test_wait_sees_late_registration),
            cmocka_unit_test(test_wait_does_not_block_others),
            cmocka_unit_test(test_notifications),
            cmocka_unit_test(test_endpoint_split),
            cmocka_unit_test(test_policy_refuses_names),
            cmocka_unit_test(test_endpoint_outside_socket_dir),
            cmocka_unit_test(test_other_uid_cannot_register),
            cmocka_unit_test(test_avbufferd_outlasts_squatter),
            cmocka_unit_test(test_avbufferd_reregisters_after_sm_restart),
        };

        if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--child-register"))
                return child_register(argv[2], atoi(argv[3]), argc == 5);
        if (argc == 4 && !strcmp(argv[1], "--child-register-as"))
                return child_register_as(argv[2], argv[3]);
        if (argc != 4) {
                fprintf(stderr, "usage: test-servicemanager SERVICEMANAGER_EXE AVBUFFERD_EXE "
                                "AVBUFFERD_PROFILE\n");
                return 2;
        }
        sm_exe = argv[1];
        avbd_exe = argv[2];
        avbd_profile = argv[3];
        return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
