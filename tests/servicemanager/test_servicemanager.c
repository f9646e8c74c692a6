/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service manager, driven through the generated IServiceManager stubs
 * and the avb_service_* helpers, against the real servicemanager binary in
 * a private socket directory. Other registering processes are this binary
 * again in a child mode (spawned with exec: nanomsg state never crosses a
 * fork).
 *
 *   test-servicemanager SERVICEMANAGER_EXE
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
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

#include <avbuffer/servicemanager.h>

#include "avb_servicemanager.h"

extern char **environ;

static const char *sm_exe;
static char sock_dir[64];
static pid_t sm_pid;
static avb_binder *sm;

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
        char *argv[] = {"/proc/self/exe", "--child-register", (char *)name, delay,
                        release ? "release" : NULL, NULL};

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
        int64_t end = now_ms() + timeout_ms;

        do {
                char *e = check(name);
                bool is = e != NULL;
                free(e);
                if (is == present)
                        return true;
                usleep(20 * 1000);
        } while (now_ms() < end);
        return false;
}

static int setup_group(void **state)
{
        char *argv[] = {(char *)sm_exe, NULL};
        int64_t end;

        (void)state;
        strcpy(sock_dir, "/tmp/avb-sm-test.XXXXXX");
        if (!mkdtemp(sock_dir) || setenv("AVB_SOCKET_DIR", sock_dir, 1) < 0)
                return -1;
        sm_pid = spawn(argv);
        if (sm_pid < 0)
                return -1;
        end = now_ms() + 5000;
        while (avb_sm_connect(&sm) < 0) {
                if (now_ms() > end)
                        return -1;
                usleep(20 * 1000);
        }
        return 0;
}

static int teardown_group(void **state)
{
        char cmd[128];
        int status = 0;

        (void)state;
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
        snprintf(endpoint, sizeof(endpoint), "ipc://%s/svc-a", sock_dir);
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
                {"", "ipc:///tmp/x"},
                {"has space", "ipc:///tmp/x"},
                {"semi;colon", "ipc:///tmp/x"},
                {"ok.name", "tcp://127.0.0.1:5555"},
                {"ok.name", "ipc:///tmp/x#"},
                {"ok.name", "ipc:///tmp/x#-3"},
                {"ok.name", "/tmp/no-scheme"},
        };
        char long_name[200];

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                avb_status st = avb_servicemanager_IServiceManager_addService(
                        sm, cases[i].name, cases[i].endpoint);
                assert_int_equal(st.exception, AVB_EX_SERVICE_SPECIFIC);
                assert_int_equal(st.service_specific,
                                 avb_servicemanager_IServiceManager_ERROR_BAD_NAME);
                assert_true(strlen(st.message) > 0);
        }
        memset(long_name, 'n', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        avb_status st = avb_servicemanager_IServiceManager_addService(sm, long_name,
                                                                      "ipc:///tmp/x");
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

        killed = now_ms();
        kill_wait(child);
        /* A registration lasts as long as its process: gone within 2 s. */
        assert_true(wait_registered("test.taken", false, 2000));
        printf("registration dropped %lld ms after kill -9\n", (long long)(now_ms() - killed));
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
        int64_t t0 = now_ms(), took;
        avb_status st;

        (void)state;
        st = avb_servicemanager_IServiceManager_waitForService(sm, "test.never", 300, &got);
        took = now_ms() - t0;
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
        int64_t t0 = now_ms();
        avb_status st;

        (void)state;
        assert_true(child > 0);
        avb_binder_set_deadline_ms(sm, 15000);
        st = avb_servicemanager_IServiceManager_waitForService(sm, "test.late", 10000, &got);
        avb_binder_set_deadline_ms(sm, 0);
        assert_true(avb_status_is_ok(&st));
        assert_non_null(got);
        assert_non_null(strstr(got, "/child-"));
        assert_true(now_ms() - t0 < 9000); /* answered on registration, not at the timeout */
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
        avb_status st = avb_servicemanager_IServiceManager_waitForService(b, "test.parked", 3000,
                                                                          &got);
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
        t0 = now_ms();
        for (int i = 0; i < 20; i++)
                free(check("test.a"));
        /* a blocked manager would answer after the wait's 3 s (under the 5 s call deadline) */
        assert_true(now_ms() - t0 < 2500);
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
        assert_int_equal(avb_servicemanager_IServiceCallback_new_local(&callback_ops, &n, NULL,
                                                                       &cb),
                         0);
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
        };

        if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--child-register"))
                return child_register(argv[2], atoi(argv[3]), argc == 5);
        if (argc != 2) {
                fprintf(stderr, "usage: test-servicemanager SERVICEMANAGER_EXE\n");
                return 2;
        }
        sm_exe = argv[1];
        return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
