/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Round trip of aidlc-generated code between two processes over real
 * nanomsg sockets: this program re-executes itself as the server
 * ("roundtrip --server ENDPOINT", started before this process touches
 * nanomsg) and calls test.rt.ITester (tests/codegen/idl) through the
 * generated client stubs: every type in every direction, @nullable,
 * arrays and lists, parcelables, enums, unions, oneway, callbacks,
 * exceptions, deadlines, one execution per call, death notification.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <protobuf-c/protobuf-c.h>

#include "roundtrip.h"
#include "testing.h"
#include "test_rt.pb-c.h"
#include "util.h"

/* ---- the server --------------------------------------------------------- */

/* The object id of the ISecret each server adds third. */
#define SECRET_OBJECT 2u

typedef struct tester {
        avb_server *server;
        int count;
        int last_poke;
} tester;

/* Deep copy through the generated conversion (what the wire does). */
static int copy_everything(avb_call *call, const test_rt_Everything *in, test_rt_Everything *out)
{
        struct Test__Rt__Everything *m;
        int rc = test_rt_Everything__to_pb_new(in, NULL, &m);
        if (rc < 0)
                return rc;
        rc = test_rt_Everything__from_pb(call, NULL, m, out);
        test_rt_Everything__pb_free(m);
        return rc;
}

static int copy_value(avb_call *call, const test_rt_Value *in, test_rt_Value *out)
{
        struct Test__Rt__Value *m;
        int rc = test_rt_Value__to_pb_new(in, NULL, &m);
        if (rc < 0)
                return rc;
        rc = test_rt_Value__from_pb(call, NULL, m, out);
        test_rt_Value__pb_free(m);
        return rc;
}

static avb_status nomem(void)
{
        return avb_status_transport(AVB_TS_NO_MEMORY, "test: out of memory");
}

static avb_status srv_echo(void *impl, avb_call *call, const test_rt_Everything *e,
                           test_rt_Everything *ret)
{
        (void)impl;
        return copy_everything(call, e, ret) < 0 ? nomem() : avb_status_ok();
}

#define ECHO_SCALAR(name, type)                                                                    \
        static avb_status srv_##name(void *impl, avb_call *call, type v, type *ret)                \
        {                                                                                          \
                (void)impl;                                                                        \
                (void)call;                                                                        \
                *ret = v;                                                                          \
                return avb_status_ok();                                                            \
        }
ECHO_SCALAR(echoBool, bool)
ECHO_SCALAR(echoByte, int8_t)
ECHO_SCALAR(echoChar, uint16_t)
ECHO_SCALAR(echoInt, int32_t)
ECHO_SCALAR(echoLong, int64_t)
ECHO_SCALAR(echoFloat, float)
ECHO_SCALAR(echoDouble, double)
ECHO_SCALAR(echoMode, test_rt_Mode)

static avb_status srv_echoString(void *impl, avb_call *call, const char *v, char **ret)
{
        (void)impl;
        (void)call;
        *ret = strdup(v);
        return *ret ? avb_status_ok() : nomem();
}

static avb_status srv_echoNullable(void *impl, avb_call *call, const char *v, char **ret)
{
        (void)impl;
        (void)call;
        *ret = v ? strdup(v) : NULL;
        return avb_status_ok();
}

static avb_status srv_echoValue(void *impl, avb_call *call, const test_rt_Value *v,
                                test_rt_Value *ret)
{
        (void)impl;
        return copy_value(call, v, ret) < 0 ? nomem() : avb_status_ok();
}

static avb_status srv_echoFixed(void *impl, avb_call *call, const test_rt_Fixed *f,
                                test_rt_Fixed *ret)
{
        struct Test__Rt__Fixed *m;
        int rc;

        (void)impl;
        /* deep: @nullable arrays are behind pointers, strings owned */
        if ((rc = test_rt_Fixed__to_pb_new(f, NULL, &m)) < 0)
                return nomem();
        rc = test_rt_Fixed__from_pb(call, NULL, m, ret);
        test_rt_Fixed__pb_free(m);
        return rc < 0 ? nomem() : avb_status_ok();
}

/* The server does not read the extension: it forwards the holder's bytes. */
static avb_status srv_echoExtendable(void *impl, avb_call *call, const test_rt_Extendable *e,
                                     test_rt_Extendable *ret)
{
        (void)impl;
        (void)call;
        ret->id = e->id + 1;
        avb_parcelable_holder_fini(&ret->ext);
        return avb_parcelable_holder_copy(&e->ext, &ret->ext) < 0 ? nomem() : avb_status_ok();
}

static avb_status srv_echoVintfExtendable(void *impl, avb_call *call,
                                          const test_rt_VintfExtendable *e,
                                          test_rt_VintfExtendable *ret)
{
        (void)impl;
        (void)call;
        avb_parcelable_holder_fini(&ret->ext);
        return avb_parcelable_holder_copy(&e->ext, &ret->ext) < 0 ? nomem() : avb_status_ok();
}

static avb_status srv_fixedArgs(void *impl, avb_call *call, const int32_t grid[2][3],
                                const char *const words[2], char *ret_reversed[2],
                                test_common_Point ret_pts[2], int32_t ret_result[2])
{
        (void)impl;
        (void)call;
        for (int i = 0; i < 2; i++) {
                ret_result[i] = grid[0][i] + grid[1][i];
                ret_reversed[i] = strdup(words[1 - i]);
                if (!ret_reversed[i])
                        return nomem();
                ret_pts[i].x++;
        }
        return avb_status_ok();
}

/* a null stays null; both results malloc'ed (the skeleton frees them) */
static avb_status srv_nullableFixed(void *impl, avb_call *call, const int32_t (*a)[2],
                                    int32_t (**ret_twice)[2], int32_t (**ret_result)[2])
{
        (void)impl;
        (void)call;
        if (a == NULL)
                return avb_status_ok();
        *ret_result = malloc(sizeof(**ret_result));
        *ret_twice = malloc(sizeof(**ret_twice));
        if (!*ret_result || !*ret_twice)
                return nomem();
        for (int i = 0; i < 2; i++) {
                (**ret_result)[i] = (*a)[i];
                (**ret_twice)[i] = 2 * (*a)[i];
        }
        return avb_status_ok();
}

static void *dup_mem(const void *p, size_t n)
{
        void *r = malloc(n ? n : 1);
        if (r && n)
                memcpy(r, p, n);
        return r;
}

static avb_status srv_echoInts(void *impl, avb_call *call, const int32_t *v, size_t n,
                               int32_t **ret, size_t *ret_n)
{
        (void)impl;
        (void)call;
        *ret = dup_mem(v, n * sizeof(*v));
        *ret_n = n;
        return avb_status_ok();
}

static avb_status srv_echoBytes(void *impl, avb_call *call, const int8_t *v, size_t n, int8_t **ret,
                                size_t *ret_n)
{
        (void)impl;
        (void)call;
        *ret = v ? dup_mem(v, n) : NULL;
        *ret_n = n;
        return avb_status_ok();
}

static avb_status srv_echoStrings(void *impl, avb_call *call, const char *const *v, size_t n,
                                  char ***ret, size_t *ret_n)
{
        (void)impl;
        (void)call;
        *ret = calloc(n ? n : 1, sizeof(char *));
        *ret_n = n;
        for (size_t i = 0; i < n; i++)
                (*ret)[i] = strdup(v[i]);
        return avb_status_ok();
}

static avb_status srv_echoPoints(void *impl, avb_call *call, const test_common_Point *v, size_t n,
                                 test_common_Point **ret, size_t *ret_n)
{
        (void)impl;
        (void)call;
        *ret = dup_mem(v, n * sizeof(*v)); /* Point owns no memory */
        *ret_n = n;
        return avb_status_ok();
}

static avb_status srv_echoMaybePoint(void *impl, avb_call *call, const test_common_Point *p,
                                     test_common_Point **ret)
{
        (void)impl;
        (void)call;
        *ret = p ? dup_mem(p, sizeof(*p)) : NULL;
        return avb_status_ok();
}

static avb_status srv_directions(void *impl, avb_call *call, int32_t a, int32_t **ret_sums,
                                 size_t *ret_sums_count, int32_t **ret_b, size_t *ret_b_count,
                                 char ***ret_words, size_t *ret_words_count,
                                 test_common_Point *ret_p, test_rt_Everything_Inner *ret_inner,
                                 int32_t *ret_result)
{
        (void)impl;
        (void)call;
        *ret_sums = calloc(*ret_b_count + 1, sizeof(int32_t));
        *ret_sums_count = *ret_b_count;
        for (size_t i = 0; i < *ret_b_count; i++) {
                (*ret_sums)[i] = a + (*ret_b)[i];
                (*ret_b)[i] *= 2;
        }
        for (size_t i = 0; i < *ret_words_count / 2; i++) {
                char *t = (*ret_words)[i];
                (*ret_words)[i] = (*ret_words)[*ret_words_count - 1 - i];
                (*ret_words)[*ret_words_count - 1 - i] = t;
        }
        ret_p->x = a;
        ret_p->y = -a;
        char *label;
        if (asprintf(&label, "%s!", ret_inner->label ? ret_inner->label : "") < 0)
                return nomem();
        free(ret_inner->label);
        ret_inner->label = label;
        *ret_result = a;
        return avb_status_ok();
}

static avb_status srv_fail(void *impl, avb_call *call, int32_t code, const char *message)
{
        (void)impl;
        (void)call;
        if (code == 0)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s", message);
        return avb_status_service_specific(code, "%s", message);
}

static avb_status srv_sleepMs(void *impl, avb_call *call, int32_t ms)
{
        (void)impl;
        (void)call;
        usleep((useconds_t)ms * 1000);
        return avb_status_ok();
}

static avb_status srv_count(void *impl, avb_call *call, int32_t *ret)
{
        tester *t = impl;
        (void)call;
        *ret = ++t->count;
        return avb_status_ok();
}

static avb_status srv_subscribe(void *impl, avb_call *call, avb_binder *cb, int32_t n)
{
        (void)impl;
        (void)call;
        for (int32_t i = 0; i < n; i++) {
                test_rt_Value v;
                test_rt_Value_init(&v);
                v.tag = test_rt_Value_TAG_number;
                v.u.number = i * 10;
                avb_status st = test_rt_ICallback_onValue(cb, &v, i);
                test_rt_Value_fini(&v);
                if (!avb_status_is_ok(&st))
                        return st;
        }
        return test_rt_ICallback_onDone(cb);
}

static avb_status srv_poke(void *impl, avb_call *call, int32_t v)
{
        tester *t = impl;
        (void)call;
        t->last_poke = v;
        return avb_status_ok();
}

static avb_status srv_lastPoke(void *impl, avb_call *call, int32_t *ret)
{
        tester *t = impl;
        (void)call;
        *ret = t->last_poke;
        return avb_status_ok();
}

static avb_status srv_echoBinder(void *impl, avb_call *call, avb_binder *cb, avb_binder **ret)
{
        (void)impl;
        (void)call;
        *ret = cb ? avb_binder_ref(cb) : NULL;
        return avb_status_ok();
}

static avb_status srv_echoAnyBinder(void *impl, avb_call *call, avb_binder *any, avb_binder **ret)
{
        (void)impl;
        (void)call;
        *ret = any ? avb_binder_ref(any) : NULL;
        return avb_status_ok();
}

static avb_status srv_quit(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        _exit(0);
}

static const test_rt_ITester_ops tester_ops = {
    .echo = srv_echo,
    .echoBool = srv_echoBool,
    .echoByte = srv_echoByte,
    .echoChar = srv_echoChar,
    .echoInt = srv_echoInt,
    .echoLong = srv_echoLong,
    .echoFloat = srv_echoFloat,
    .echoDouble = srv_echoDouble,
    .echoString = srv_echoString,
    .echoNullable = srv_echoNullable,
    .echoMode = srv_echoMode,
    .echoValue = srv_echoValue,
    .echoFixed = srv_echoFixed,
    .fixedArgs = srv_fixedArgs,
    .nullableFixed = srv_nullableFixed,
    .echoExtendable = srv_echoExtendable,
    .echoVintfExtendable = srv_echoVintfExtendable,
    .echoInts = srv_echoInts,
    .echoBytes = srv_echoBytes,
    .echoStrings = srv_echoStrings,
    .echoPoints = srv_echoPoints,
    .echoMaybePoint = srv_echoMaybePoint,
    .directions = srv_directions,
    .fail = srv_fail,
    .sleepMs = srv_sleepMs,
    .count = srv_count,
    .subscribe = srv_subscribe,
    .poke = srv_poke,
    .lastPoke = srv_lastPoke,
    .echoBinder = srv_echoBinder,
    .quit = srv_quit,
    .echoFd = srv_echoFd,
    .echoMaybeFd = srv_echoMaybeFd,
    .reverseFds = srv_reverseFds,
    .echoFds = srv_echoFds,
    .writeTo = srv_writeTo,
    .makePipe = srv_makePipe,
    .fdCount = srv_fdCount,
    .badFd = srv_badFd,
    .echoAnyBinder = srv_echoAnyBinder,
    .makeQueue = srv_makeQueue,
};
/* Object 1: nothing implemented. */
static const test_rt_ITester_ops empty_ops;

/* ---- test.rt.ISecret (@SensitiveData) ------------------------------------- */

static avb_status secret_reverse(void *impl, avb_call *call, const int8_t *key, size_t n,
                                 int8_t **ret_result, size_t *ret_count)
{
        int8_t *r = malloc(n ? n : 1);

        (void)impl;
        (void)call;
        if (!r)
                return avb_status_transport(AVB_TS_NO_MEMORY, "reverse");
        for (size_t i = 0; i < n; i++)
                r[i] = key[n - 1 - i];
        *ret_result = r;
        *ret_count = n;
        return avb_status_ok();
}

static avb_status secret_zeroed(void *impl, avb_call *call, int64_t *ret)
{
        (void)impl;
        (void)call;
        *ret = (int64_t)avb_rpc_test_zeroed_buffers();
        return avb_status_ok();
}

static const test_rt_ISecret_ops secret_ops = {
    .reverse = secret_reverse,
    .zeroedBuffers = secret_zeroed,
};

static avb_server *volatile the_server;

static void on_term(int sig)
{
        (void)sig;
        if (the_server)
                avb_server_close(the_server);
}

/* Serves until SIGTERM, then frees everything (so leak checkers see the skeletons). */
static int run_server(const char *endpoint)
{
        tester t = {0};
        avb_server_options o = {.endpoint = endpoint};
        avb_binder *b0 = NULL, *b1 = NULL, *b2 = NULL;
        uint32_t id;
        int rc;

        rc = avb_server_new(&o, &t.server);
        if (rc < 0) {
                fprintf(stderr, "roundtrip server: %s: %s\n", endpoint, strerror(-rc));
                return 1;
        }
        if (test_rt_ITester_new_local(&tester_ops, &t, NULL, &b0) < 0 ||
            avb_server_add(t.server, b0, &id) < 0 ||
            test_rt_ITester_new_local(&empty_ops, &t, NULL, &b1) < 0 ||
            avb_server_add(t.server, b1, &id) < 0 ||
            test_rt_ISecret_new_local(&secret_ops, NULL, NULL, &b2) < 0 ||
            avb_server_add(t.server, b2, &id) < 0 || id != SECRET_OBJECT)
                return 1;
        the_server = t.server;
        signal(SIGTERM, on_term);
        rc = avb_server_run(t.server);
        the_server = NULL;
        avb_binder_unref(b0);
        avb_binder_unref(b1);
        avb_binder_unref(b2);
        avb_server_free(t.server);
        return rc < 0;
}

/* ---- the client --------------------------------------------------------- */

static char self_exe[PATH_MAX];
static char sock_dir[] = "/tmp/avb-roundtrip-XXXXXX";

typedef struct server_proc {
        pid_t pid;
        char *endpoint;
} server_proc;

static server_proc main_server;

static int spawn_server_on(const char *scheme, const char *name, server_proc *s)
{
        if (asprintf(&s->endpoint, "%s://%s/%s", scheme, sock_dir, name) < 0)
                return -ENOMEM;
        s->pid = fork();
        if (s->pid < 0)
                return -errno;
        if (s->pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a crashed test */
                execl(self_exe, self_exe, "--server", s->endpoint, (char *)NULL);
                _exit(127);
        }
        return 0;
}

static int spawn_server(const char *name, server_proc *s)
{
        return spawn_server_on("ipc", name, s);
}

static avb_binder *connect_to(const server_proc *s, uint32_t object)
{
        avb_binder *b = NULL;
        for (int i = 0; i < 250; i++) {
                if (avb_binder_connect(s->endpoint, object, &b) == 0)
                        return b;
                usleep(20 * 1000);
        }
        return NULL;
}

/* Stops a server; its exit status (non-zero when a sanitizer found a leak). */
static int stop_server(server_proc *s)
{
        int status = 0;
        if (s->pid > 0) {
                kill(s->pid, SIGTERM);
                waitpid(s->pid, &status, 0);
                s->pid = 0;
        }
        free(s->endpoint);
        s->endpoint = NULL;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int setup(void **state)
{
        avb_binder *b = connect_to(&main_server, 0);
        if (!b)
                return -1;
        *state = b;
        return 0;
}

static int teardown(void **state)
{
        avb_binder_unref(*state);
        return 0;
}

static void test_scalars(void **state)
{
        avb_binder *b = *state;
        bool vb;
        int8_t v8;
        uint16_t v16;
        int32_t v32;
        int64_t v64;
        float vf;
        double vd;
        test_rt_Mode vm;

        assert_ok(test_rt_ITester_echoBool(b, true, &vb));
        assert_true(vb);
        assert_ok(test_rt_ITester_echoByte(b, INT8_MIN, &v8));
        assert_int_equal(v8, INT8_MIN);
        assert_ok(test_rt_ITester_echoByte(b, INT8_MAX, &v8));
        assert_int_equal(v8, INT8_MAX);
        assert_ok(test_rt_ITester_echoChar(b, 0xffff, &v16));
        assert_int_equal(v16, 0xffff);
        assert_ok(test_rt_ITester_echoInt(b, INT32_MIN, &v32));
        assert_int_equal(v32, INT32_MIN);
        assert_ok(test_rt_ITester_echoLong(b, INT64_MIN, &v64));
        assert_true(v64 == INT64_MIN);
        assert_ok(test_rt_ITester_echoFloat(b, -1.25f, &vf));
        assert_true(vf == -1.25f);
        assert_ok(test_rt_ITester_echoDouble(b, 1e300, &vd));
        assert_true(vd == 1e300);
        assert_ok(test_rt_ITester_echoMode(b, test_rt_Mode_AUTO, &vm));
        assert_int_equal(vm, test_rt_Mode_AUTO);
        assert_ok(test_rt_ITester_echoMode(b, 12345, &vm)); /* any backing value passes */
        assert_int_equal(vm, 12345);
}

static void test_strings(void **state)
{
        avb_binder *b = *state;
        char *s = NULL;

        assert_ok(test_rt_ITester_echoString(b, "h\xc3\xa9llo", &s));
        assert_string_equal(s, "h\xc3\xa9llo");
        free(s);
        assert_ok(test_rt_ITester_echoString(b, "", &s));
        assert_string_equal(s, "");
        free(s);
        s = (char *)"untouched";
        avb_status st = test_rt_ITester_echoString(b, NULL, &s);
        assert_int_equal(st.exception, AVB_EX_NULL_POINTER);
        assert_string_equal(s, "untouched");
        assert_ok(test_rt_ITester_echoNullable(b, NULL, &s));
        assert_null(s);
        assert_ok(test_rt_ITester_echoNullable(b, "", &s));
        assert_non_null(s);
        assert_string_equal(s, "");
        free(s);
}

static void test_arrays(void **state)
{
        avb_binder *b = *state;
        const int32_t ints[] = {1, -2, INT32_MAX};
        int32_t *ri;
        size_t n;
        int8_t *rb = (int8_t *)"x";
        const int8_t bytes[] = {-128, 0, 127};
        const char *const words[] = {"a", "", "c"};
        char **rw;
        test_common_Point pts[2] = {{1, 2}, {3, 4}}, *rp;

        assert_ok(test_rt_ITester_echoInts(b, ints, 3, &ri, &n));
        assert_int_equal(n, 3);
        assert_memory_equal(ri, ints, sizeof(ints));
        free(ri);
        assert_ok(test_rt_ITester_echoInts(b, NULL, 0, &ri, &n));
        assert_int_equal(n, 0);
        free(ri);
        /* null and empty byte[] are told apart */
        assert_ok(test_rt_ITester_echoBytes(b, NULL, 0, &rb, &n));
        assert_null(rb);
        assert_ok(test_rt_ITester_echoBytes(b, bytes, 0, &rb, &n));
        assert_non_null(rb);
        assert_int_equal(n, 0);
        free(rb);
        assert_ok(test_rt_ITester_echoBytes(b, bytes, 3, &rb, &n));
        assert_int_equal(n, 3);
        assert_memory_equal(rb, bytes, 3);
        free(rb);
        assert_ok(test_rt_ITester_echoStrings(b, words, 3, &rw, &n));
        assert_int_equal(n, 3);
        for (size_t i = 0; i < n; i++) {
                assert_string_equal(rw[i], words[i]);
                free(rw[i]);
        }
        free(rw);
        assert_ok(test_rt_ITester_echoPoints(b, pts, 2, &rp, &n));
        assert_int_equal(n, 2);
        assert_int_equal(rp[1].x, 3);
        assert_int_equal(rp[1].y, 4);
        free(rp);
        avb_status st = test_rt_ITester_echoInts(b, NULL, 2, &ri, &n);
        assert_int_equal(st.exception, AVB_EX_NULL_POINTER);
}

static void test_nullable_parcelable(void **state)
{
        avb_binder *b = *state;
        test_common_Point p = {5, 6}, *r = &p;

        assert_ok(test_rt_ITester_echoMaybePoint(b, NULL, &r));
        assert_null(r);
        assert_ok(test_rt_ITester_echoMaybePoint(b, &p, &r));
        assert_non_null(r);
        assert_int_equal(r->x, 5);
        assert_int_equal(r->y, 6);
        test_common_Point_fini(r);
        free(r);
}

/* Packs a value the way the wire does, to compare two parcelables whole. */
static uint8_t *pack_everything(const test_rt_Everything *e, size_t *len)
{
        struct Test__Rt__Everything *m;
        assert_int_equal(test_rt_Everything__to_pb_new(e, NULL, &m), 0);
        *len = protobuf_c_message_get_packed_size(&m->base);
        uint8_t *buf = malloc(*len + 1);
        protobuf_c_message_pack(&m->base, buf);
        test_rt_Everything__pb_free(m);
        return buf;
}

/* A callback object the client serves. */
typedef struct listener {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        int values, sum, done;
} listener;

static avb_status cb_onValue(void *impl, avb_call *call, const test_rt_Value *v, int32_t seq)
{
        listener *l = impl;
        (void)call;
        pthread_mutex_lock(&l->lock);
        l->values++;
        l->sum += seq + (v->tag == test_rt_Value_TAG_number ? v->u.number : 1000000);
        pthread_mutex_unlock(&l->lock);
        return avb_status_ok();
}

static avb_status cb_onDone(void *impl, avb_call *call)
{
        listener *l = impl;
        (void)call;
        pthread_mutex_lock(&l->lock);
        l->done++;
        pthread_cond_broadcast(&l->cond);
        pthread_mutex_unlock(&l->lock);
        return avb_status_ok();
}

static const test_rt_ICallback_ops callback_ops = {.onValue = cb_onValue, .onDone = cb_onDone};

static void test_everything(void **state)
{
        avb_binder *b = *state;
        static listener l = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};
        test_rt_Everything e, r;
        avb_binder *cb;
        uint8_t *p1, *p2;
        size_t n1, n2;

        assert_int_equal(test_rt_ICallback_new_local(&callback_ops, &l, NULL, &cb), 0);
        test_rt_Everything_init(&e);
        /* the defaults */
        assert_true(e.b);
        assert_int_equal(e.y, -5);
        assert_int_equal(e.c, 'z');
        assert_int_equal(e.i, 42);
        assert_true(e.l == 1234567890123LL);
        assert_string_equal(e.s, "default");
        assert_null(e.ns);
        assert_int_equal(e.mode, test_rt_Mode_ON);
        assert_int_equal(e.level, test_common_Level_HIGH);
        assert_true(e.big == test_rt_Big_HUGE);
        assert_int_equal(e.kind, test_rt_Everything_Kind_B);
        assert_string_equal(e.inner.label, "inner");
        assert_int_equal(e.point.y, -1);
        assert_int_equal(e.value.tag, test_rt_Value_TAG_number);
        assert_int_equal(e.value.u.number, 42);
        assert_int_equal(e.ints_count, 3);
        assert_int_equal(e.ints[2], 3);
        assert_string_equal(e.strings[1], "b");

        /* set everything else */
        e.ns = strdup("not null");
        e.maybeInner = malloc(sizeof(*e.maybeInner));
        test_rt_Everything_Inner_init(e.maybeInner);
        e.maybeInner->note = strdup("note");
        test_rt_Value_fini(&e.value);
        e.value.tag = test_rt_Value_TAG_words;
        e.value.u.words = calloc(2, sizeof(char *));
        e.value.u.words[0] = strdup("w0");
        e.value.u.words[1] = strdup("w1");
        e.value.u.words_count = 2;
        e.bools = calloc(2, sizeof(bool));
        e.bools[1] = true;
        e.bools_count = 2;
        e.bytes = malloc(2);
        e.bytes[0] = -1;
        e.bytes[1] = 1;
        e.bytes_count = 2;
        e.chars = malloc(sizeof(uint16_t));
        e.chars[0] = 0xfffe;
        e.chars_count = 1;
        e.maybeBytes = malloc(1); /* empty but not null */
        e.maybeBytes_count = 0;
        e.points = calloc(1, sizeof(*e.points));
        e.points[0].x = 9;
        e.points_count = 1;
        e.levels = malloc(1);
        e.levels[0] = test_common_Level_LOW;
        e.levels_count = 1;
        e.callback = avb_binder_ref(cb);
        e.base = 1;
        e.n_ints = 2;
        e.int_ = 3;

        assert_ok(test_rt_ITester_echo(b, &e, &r));
        p1 = pack_everything(&e, &n1);
        p2 = pack_everything(&r, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(p1, p2, n1);
        free(p1);
        free(p2);
        assert_string_equal(r.ns, "not null");
        assert_null(r.maybeInts);
        assert_non_null(r.maybeBytes);
        assert_int_equal(r.maybeBytes_count, 0);
        assert_string_equal(r.maybeInner->note, "note");
        assert_null(r.inner.note);
        assert_non_null(r.callback);
        assert_null(r.maybeCallback);
        assert_int_equal(r.int_, 3);
        /* the binder that came back still reaches our object */
        assert_ok(test_rt_ICallback_onDone(r.callback));
        test_rt_Everything_fini(&r);
        test_rt_Everything_fini(&e);
        avb_binder_unref(cb);
}

/* Fixed-size arrays cross the process inline, 2-D ones in row-major order;
 * a message with another element count is a bad parcelable. */
static void test_fixed_arrays(void **state)
{
        avb_binder *b = *state;
        test_rt_Fixed f, r;
        Test__Rt__Fixed *pb = NULL;

        test_rt_Fixed_init(&f);
        assert_int_equal(f.triple[2], 3);
        for (int i = 0; i < 16; i++)
                f.uuid[i] = (int8_t)(i - 8);
        for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                        f.grid[i][j] = 10 * i + j;
        f.names[0] = (char *)"left";
        f.names[1] = (char *)"right";
        f.corners[1].x = 5;
        f.modes[1] = test_rt_Mode_AUTO;
        assert_ok(test_rt_ITester_echoFixed(b, &f, &r));
        assert_memory_equal(r.uuid, f.uuid, sizeof(f.uuid));
        assert_memory_equal(r.grid, f.grid, sizeof(f.grid));
        assert_int_equal(r.triple[0], 1);
        assert_string_equal(r.names[1], "right");
        assert_int_equal(r.corners[1].x, 5);
        assert_int_equal(r.modes[1], test_rt_Mode_AUTO);
        /* @nullable fixed arrays left null stay null; a union member array */
        assert_null(r.maybe);
        assert_null(r.maybePoints);
        assert_null(r.maybeBytes);
        assert_null(r.maybeNames);
        assert_int_equal(r.choice.tag, test_rt_FixedOr_TAG_plain);
        test_rt_Fixed_fini(&r);

        int32_t maybe[2] = {-7, 7};
        int8_t bytes[4] = {1, -1, 2, -2};
        test_common_Point pts[2];
        char *maybe_names[2] = {(char *)"up", (char *)"down"};
        test_common_Point_init(&pts[0]);
        test_common_Point_init(&pts[1]);
        pts[1].y = 9;
        f.maybe = &maybe;
        f.maybePoints = &pts;
        f.maybeBytes = &bytes;
        f.maybeNames = &maybe_names;
        f.choice.tag = test_rt_FixedOr_TAG_pair;
        f.choice.u.pair[0] = (char *)"a";
        f.choice.u.pair[1] = (char *)"b";
        assert_ok(test_rt_ITester_echoFixed(b, &f, &r));
        assert_non_null(r.maybe);
        assert_int_equal((*r.maybe)[0], -7);
        assert_int_equal((*r.maybe)[1], 7);
        assert_non_null(r.maybePoints);
        assert_int_equal((*r.maybePoints)[1].y, 9);
        assert_non_null(r.maybeBytes);
        assert_memory_equal(*r.maybeBytes, bytes, 4);
        assert_non_null(r.maybeNames);
        assert_string_equal((*r.maybeNames)[1], "down");
        assert_int_equal(r.choice.tag, test_rt_FixedOr_TAG_pair);
        assert_string_equal(r.choice.u.pair[0], "a");
        assert_string_equal(r.choice.u.pair[1], "b");
        test_rt_Fixed_fini(&r);
        f.choice.tag = test_rt_FixedOr_TAG_three;
        f.choice.u.three[0] = 4;
        f.choice.u.three[2] = 6;
        assert_ok(test_rt_ITester_echoFixed(b, &f, &r));
        assert_int_equal(r.choice.tag, test_rt_FixedOr_TAG_three);
        assert_int_equal(r.choice.u.three[0], 4);
        assert_int_equal(r.choice.u.three[2], 6);
        assert_int_equal(test_rt_FixedOr_THREE, 3); /* a union's constant is emitted */
        test_rt_Fixed_fini(&r);
        f.choice.tag = test_rt_FixedOr_TAG_raw;
        memcpy(f.choice.u.raw, bytes, 4);
        assert_ok(test_rt_ITester_echoFixed(b, &f, &r));
        assert_int_equal(r.choice.tag, test_rt_FixedOr_TAG_raw);
        assert_memory_equal(r.choice.u.raw, bytes, 4);
        test_rt_Fixed_fini(&r);
        f.choice.tag = test_rt_FixedOr_TAG_ends;
        test_common_Point_init(&f.choice.u.ends[0]);
        test_common_Point_init(&f.choice.u.ends[1]);
        f.choice.u.ends[1].x = 11;
        assert_ok(test_rt_ITester_echoFixed(b, &f, &r));
        assert_int_equal(r.choice.tag, test_rt_FixedOr_TAG_ends);
        assert_int_equal(r.choice.u.ends[1].x, 11);
        test_rt_Fixed_fini(&r);
        f.maybe = NULL;
        f.maybePoints = NULL;
        f.maybeBytes = NULL;
        f.maybeNames = NULL;
        f.choice.tag = test_rt_FixedOr_TAG_plain;
        f.choice.u.plain = 0;
        test_rt_Fixed_init(&r);
        assert_ok(test_rt_ITester_echoFixed(b, &f, &r));

        /* the decoder checks the exact length (pb borrows f's strings: literals) */
        test_rt_Fixed_fini(&r);
        assert_int_equal(test_rt_Fixed__to_pb_new(&f, NULL, &pb), 0);
        pb->uuid.len = 15;
        test_rt_Fixed_init(&r);
        assert_int_equal(test_rt_Fixed__from_pb(NULL, NULL, pb, &r), -EBADMSG);
        pb->uuid.len = 16;
        pb->n_grid = 5;
        test_rt_Fixed_fini(&r);
        test_rt_Fixed_init(&r);
        assert_int_equal(test_rt_Fixed__from_pb(NULL, NULL, pb, &r), -EBADMSG);
        pb->n_grid = 6;
        test_rt_Fixed_fini(&r);
        test_rt_Fixed_init(&r);
        assert_int_equal(test_rt_Fixed__from_pb(NULL, NULL, pb, &r), 0);
        test_rt_Fixed_fini(&r);
        test_rt_Fixed__pb_free(pb);
}

/* ParcelableHolder: a Point crosses the process as an extension and comes
 * back out; asked for another type it is absent; bytes of a type the
 * server does not know come back unchanged; a payload that does not decode
 * is an error; stability is enforced on put and on the wire. */
static void test_parcelable_holder(void **state)
{
        avb_binder *b = *state;
        test_rt_Extendable e, r;
        test_common_Point p = {.x = 3, .y = -4}, q = {0};
        test_rt_Fixed fx;
        static const uint8_t opaque[] = {0x08, 0x2a, 0xff, 0x00, 0x10};

        test_rt_Extendable_init(&e);
        assert_false(e.ext.vintf);
        e.id = 41;
        /* empty travels as empty */
        assert_ok(test_rt_ITester_echoExtendable(b, &e, &r));
        assert_int_equal(r.id, 42);
        assert_null(r.ext.descriptor);
        assert_int_equal(test_common_Point_holder_get(&r.ext, &q), 0);
        test_rt_Extendable_fini(&r);

        assert_int_equal(test_common_Point_holder_put(&e.ext, &p), 0);
        assert_string_equal(e.ext.descriptor, "test.common.Point");
        assert_ok(test_rt_ITester_echoExtendable(b, &e, &r));
        assert_int_equal(test_common_Point_holder_get(&r.ext, &q), 1);
        assert_int_equal(q.x, 3);
        assert_int_equal(q.y, -4);
        /* another type than the one held: absent, output untouched */
        memset(&fx, 0x5a, sizeof(fx));
        assert_int_equal(test_rt_Fixed_holder_get(&r.ext, &fx), 0);
        assert_int_equal(fx.triple[0], 0x5a5a5a5a);
        test_rt_Extendable_fini(&r);

        /* a type the middle process does not know: the same bytes come back */
        assert_int_equal(
            avb_parcelable_holder_set(&e.ext, "vendor.ext.Unknown", false, opaque, sizeof(opaque)),
            0);
        assert_ok(test_rt_ITester_echoExtendable(b, &e, &r));
        assert_string_equal(r.ext.descriptor, "vendor.ext.Unknown");
        assert_int_equal(r.ext.size, sizeof(opaque));
        assert_memory_equal(r.ext.data, opaque, sizeof(opaque));
        test_rt_Extendable_fini(&r);

        /* a Point whose payload does not decode */
        assert_int_equal(
            avb_parcelable_holder_set(&e.ext, "test.common.Point", false, opaque, sizeof(opaque)),
            0);
        assert_int_equal(test_common_Point_holder_get(&e.ext, &q), -EBADMSG);
        test_rt_Extendable_fini(&e);

        /* @VintfStability: a VINTF parcelable goes in, another does not */
        test_rt_VintfExtendable v, vr;
        test_rt_VintfNote note = {.text = (char *)"vendor"}, got = {0};
        test_rt_VintfExtendable_init(&v);
        assert_true(v.ext.vintf);
        assert_int_equal(test_common_Point_holder_put(&v.ext, &p), -EINVAL);
        assert_null(v.ext.descriptor);
        assert_int_equal(test_rt_VintfNote_holder_put(&v.ext, &note), 0);
        assert_ok(test_rt_ITester_echoVintfExtendable(b, &v, &vr));
        assert_true(vr.ext.vintf);
        assert_int_equal(test_rt_VintfNote_holder_get(&vr.ext, &got), 1);
        assert_string_equal(got.text, "vendor");
        test_rt_VintfNote_fini(&got);
        test_rt_VintfExtendable_fini(&vr);
        /* a peer that ignores the rule is refused by the receiving side */
        v.ext.vintf = false;
        assert_int_equal(test_common_Point_holder_put(&v.ext, &p), 0);
        avb_status st = test_rt_ITester_echoVintfExtendable(b, &v, &vr);
        assert_int_equal(st.exception, AVB_EX_TRANSACTION_FAILED);
        assert_int_equal(st.transport, AVB_TS_BAD_MESSAGE);
        test_rt_VintfExtendable_fini(&v);
}

/* Fixed-size arrays as in, out and inout arguments and as the return value,
 * across the process; a reply with another element count is a bad reply. */
static void test_fixed_args(void **state)
{
        avb_binder *b = *state;
        const int32_t grid[2][3] = {{1, 2, 3}, {10, 20, 30}};
        const char *const words[2] = {"first", "second"};
        char *reversed[2] = {NULL, NULL};
        test_common_Point pts[2] = {{.x = 1, .y = 2}, {.x = 5, .y = 6}};
        int32_t sums[2] = {0, 0};

        assert_ok(test_rt_ITester_fixedArgs(b, grid, words, reversed, pts, sums));
        assert_int_equal(sums[0], 11);
        assert_int_equal(sums[1], 22);
        assert_string_equal(reversed[0], "second");
        assert_string_equal(reversed[1], "first");
        assert_int_equal(pts[0].x, 2);
        assert_int_equal(pts[1].x, 6);
        assert_int_equal(pts[1].y, 6);
        free(reversed[0]);
        free(reversed[1]);
        /* a NULL array that is not @nullable never leaves the process */
        avb_status st = test_rt_ITester_fixedArgs(b, NULL, words, reversed, pts, sums);
        assert_int_equal(st.exception, AVB_EX_NULL_POINTER);
}

/* @nullable T[N] arguments, outs and returns: T (*)[N], NULL for null */
static void test_nullable_fixed_args(void **state)
{
        avb_binder *b = *state;
        const int32_t a[2] = {7, -3};
        int32_t(*twice)[2] = NULL, (*r)[2] = NULL;

        assert_ok(test_rt_ITester_nullableFixed(b, &a, &twice, &r));
        assert_non_null(r);
        assert_non_null(twice);
        assert_int_equal((*r)[0], 7);
        assert_int_equal((*r)[1], -3);
        assert_int_equal((*twice)[0], 14);
        assert_int_equal((*twice)[1], -6);
        free(r);
        free(twice);
        r = twice = NULL;
        assert_ok(test_rt_ITester_nullableFixed(b, NULL, &twice, &r));
        assert_null(r);
        assert_null(twice);
}

static void test_unions(void **state)
{
        avb_binder *b = *state;
        test_rt_Value v, r;
        int64_t longs[] = {INT64_MIN, 0, INT64_MAX};

        test_rt_Value_init(&v);
        assert_ok(test_rt_ITester_echoValue(b, &v, &r));
        assert_int_equal(r.tag, test_rt_Value_TAG_number);
        assert_int_equal(r.u.number, 42);
        test_rt_Value_fini(&r);

        v.tag = test_rt_Value_TAG_longs;
        v.u.longs = longs;
        v.u.longs_count = 3;
        assert_ok(test_rt_ITester_echoValue(b, &v, &r));
        assert_int_equal(r.tag, test_rt_Value_TAG_longs);
        assert_int_equal(r.u.longs_count, 3);
        assert_memory_equal(r.u.longs, longs, sizeof(longs));
        test_rt_Value_fini(&r);

        v.tag = test_rt_Value_TAG_text;
        v.u.text = (char *)"txt";
        assert_ok(test_rt_ITester_echoValue(b, &v, &r));
        assert_int_equal(r.tag, test_rt_Value_TAG_text);
        assert_string_equal(r.u.text, "txt");
        test_rt_Value_fini(&r);

        v.tag = test_rt_Value_TAG_point;
        v.u.point.x = 7;
        v.u.point.y = 8;
        assert_ok(test_rt_ITester_echoValue(b, &v, &r));
        assert_int_equal(r.tag, test_rt_Value_TAG_point);
        assert_int_equal(r.u.point.y, 8);
        test_rt_Value_fini(&r);

        v.tag = test_rt_Value_TAG_flag;
        v.u.flag = false; /* a default value still selects the member */
        assert_ok(test_rt_ITester_echoValue(b, &v, &r));
        assert_int_equal(r.tag, test_rt_Value_TAG_flag);
        assert_false(r.u.flag);
        test_rt_Value_fini(&r);

        v.tag = test_rt_Value_TAG_blob;
        v.u.blob = NULL;
        v.u.blob_count = 0;
        assert_ok(test_rt_ITester_echoValue(b, &v, &r));
        assert_int_equal(r.tag, test_rt_Value_TAG_blob);
        assert_int_equal(r.u.blob_count, 0);
        test_rt_Value_fini(&r);
}

static void test_directions(void **state)
{
        avb_binder *b = *state;
        int32_t *sums = NULL, result = 0;
        size_t n_sums = 0;
        int32_t *bs = malloc(2 * sizeof(int32_t));
        size_t n_b = 2;
        char **words = calloc(3, sizeof(char *));
        size_t n_words = 3;
        test_common_Point p;
        test_rt_Everything_Inner inner;

        bs[0] = 10;
        bs[1] = 20;
        words[0] = strdup("one");
        words[1] = strdup("two");
        words[2] = strdup("three");
        test_rt_Everything_Inner_init(&inner);
        test_common_Point_init(&p);

        int32_t *old_b = bs;
        char **old_words = words;
        char *old_label = inner.label;
        assert_ok(test_rt_ITester_directions(b, 5, &sums, &n_sums, &bs, &n_b, &words, &n_words, &p,
                                             &inner, &result));
        assert_int_equal(result, 5);
        assert_int_equal(n_sums, 2);
        assert_int_equal(sums[0], 15);
        assert_int_equal(sums[1], 25);
        assert_int_equal(n_b, 2);
        assert_int_equal(bs[0], 20);
        assert_int_equal(bs[1], 40);
        assert_int_equal(n_words, 3);
        assert_string_equal(words[0], "three");
        assert_string_equal(words[2], "one");
        assert_int_equal(p.x, 5);
        assert_int_equal(p.y, -5);
        assert_string_equal(inner.label, "inner!");
        /* inout values were replaced; the old ones stay the caller's */
        free(old_b);
        for (size_t i = 0; i < 3; i++)
                free(old_words[i]);
        free(old_words);
        free(old_label);

        free(sums);
        free(bs);
        for (size_t i = 0; i < n_words; i++)
                free(words[i]);
        free(words);
        test_rt_Everything_Inner_fini(&inner);
}

static void test_exceptions(void **state)
{
        avb_binder *b = *state;
        avb_status st;

        st = test_rt_ITester_fail(b, test_rt_ITester_ERROR_BAD, "boom");
        assert_int_equal(st.exception, AVB_EX_SERVICE_SPECIFIC);
        assert_int_equal(st.service_specific, 7);
        assert_string_equal(st.message, "boom");
        st = test_rt_ITester_fail(b, 0, "bad arg");
        assert_int_equal(st.exception, AVB_EX_ILLEGAL_ARGUMENT);
        assert_string_equal(st.message, "bad arg");

        /* NULL non-nullable arguments never leave the client */
        st = test_rt_ITester_subscribe(b, NULL, 1);
        assert_int_equal(st.exception, AVB_EX_NULL_POINTER);
        st = test_rt_ITester_echo(b, NULL, NULL);
        assert_int_equal(st.exception, AVB_EX_NULL_POINTER);

        /* a NULL op answers EX_UNSUPPORTED_OPERATION */
        avb_binder *empty = connect_to(&main_server, 1);
        int32_t v = 99;
        assert_non_null(empty);
        st = test_rt_ITester_echoInt(empty, 1, &v);
        assert_int_equal(st.exception, AVB_EX_UNSUPPORTED_OPERATION);
        assert_int_equal(v, 99); /* outputs untouched on failure */
        avb_binder_unref(empty);
}

static void test_meta(void **state)
{
        avb_binder *b = *state;
        int32_t version = 0;
        char *hash = NULL;

        assert_ok(test_rt_ITester_getInterfaceVersion(b, &version));
        assert_int_equal(version, test_rt_ITester_VERSION);
        assert_ok(test_rt_ITester_getInterfaceHash(b, &hash));
        assert_string_equal(hash, test_rt_ITester_HASH);
        assert_int_equal(strlen(hash), 32);
        free(hash);
}

static void test_deadline(void **state)
{
        avb_binder *b = connect_to(&main_server, 0);
        (void)state;
        assert_non_null(b);
        avb_binder_set_deadline_ms(b, 200);
        avb_status st = test_rt_ITester_sleepMs(b, 1500);
        assert_int_equal(st.exception, AVB_EX_TRANSACTION_FAILED);
        assert_int_equal(st.transport, AVB_TS_TIMED_OUT);
        avb_binder_unref(b);
        /* the server is usable again once it has slept */
        usleep(1500 * 1000);
}

static void on_usr1(int sig)
{
        (void)sig;
}

typedef struct pester {
        pthread_t target;
        atomic_bool stop;
} pester;

/* Signals the target thread every 10 ms until told to stop. */
static void *pester_main(void *arg)
{
        pester *p = arg;

        while (!atomic_load(&p->stop)) {
                pthread_kill(p->target, SIGUSR1);
                usleep(10 * 1000);
        }
        return NULL;
}

/*
 * The deadline holds while signals keep interrupting the wait for the reply,
 * on both transports (unix://: the reader waits inside recvmsg with a
 * receive timeout, which a signal ends; waiting the whole timeout again
 * after each would never end before the reply).
 */
static void test_deadline_under_signals(void **state)
{
        static const char *const schemes[] = {"ipc", "unix"};
        struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART}, old;
        (void)state;

        assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
        for (size_t i = 0; i < 2; i++) {
                pester p = {.target = pthread_self()};
                server_proc srv = {0};
                avb_binder *b;
                pthread_t t;

                assert_int_equal(spawn_server_on(schemes[i], "sleeper", &srv), 0);
                b = connect_to(&srv, 0);
                assert_non_null(b);
                avb_binder_set_deadline_ms(b, 300);
                assert_int_equal(pthread_create(&t, NULL, pester_main, &p), 0);
                int64_t start = avb_now_ms();
                avb_status st = test_rt_ITester_sleepMs(b, 3000);
                int64_t took = avb_now_ms() - start;
                atomic_store(&p.stop, true);
                pthread_join(t, NULL);
                assert_int_equal(st.transport, AVB_TS_TIMED_OUT);
                assert_in_range(took, 290, 2500);
                avb_binder_unref(b);
                assert_int_equal(stop_server(&srv), 0);
        }
        assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
}

static void test_once_per_call(void **state)
{
        avb_binder *b = *state;
        int32_t first = 0, c = 0;

        assert_ok(test_rt_ITester_count(b, &first));
        for (int i = 1; i <= 50; i++) {
                assert_ok(test_rt_ITester_count(b, &c));
                assert_int_equal(c, first + i);
        }
}

static void test_oneway(void **state)
{
        avb_binder *b = *state;
        int32_t v = 0;

        assert_ok(test_rt_ITester_poke(b, 77));
        for (int i = 0; i < 200 && v != 77; i++) {
                assert_ok(test_rt_ITester_lastPoke(b, &v));
                if (v != 77)
                        usleep(10 * 1000);
        }
        assert_int_equal(v, 77);
}

static void test_callbacks(void **state)
{
        avb_binder *b = *state;
        static listener l = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};
        avb_binder *cb, *back = NULL;
        struct timespec until;

        assert_int_equal(test_rt_ICallback_new_local(&callback_ops, &l, NULL, &cb), 0);
        assert_ok(test_rt_ITester_subscribe(b, cb, 3));
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 5;
        pthread_mutex_lock(&l.lock);
        while (l.done < 1 && pthread_cond_timedwait(&l.cond, &l.lock, &until) == 0)
                ;
        assert_int_equal(l.done, 1);
        assert_int_equal(l.values, 3);
        assert_int_equal(l.sum, (0 + 0) + (1 + 10) + (2 + 20));
        pthread_mutex_unlock(&l.lock);

        assert_ok(test_rt_ITester_echoBinder(b, NULL, &back));
        assert_null(back);
        assert_ok(test_rt_ITester_echoBinder(b, cb, &back));
        assert_non_null(back);
        avb_binder_unref(back);
        /* IBinder: no descriptor check; a local binder comes back as itself */
        back = NULL;
        assert_ok(test_rt_ITester_echoAnyBinder(b, NULL, &back));
        assert_null(back);
        assert_ok(test_rt_ITester_echoAnyBinder(b, cb, &back));
        assert_non_null(back);
        assert_true(avb_binder_is_local(back));
        assert_ptr_equal(avb_binder_local_impl(back, &test_rt_ICallback_desc), &l);
        avb_binder_unref(back);
        avb_binder_unref(cb);
}

/* The skeletons, called in-process: every malformed request is refused. */
static void test_dispatch_errors(void **state)
{
        const avb_interface_desc *d = &test_rt_ITester_desc;
        tester t = {0};
        uint8_t *reply = NULL, garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x12};
        size_t len = 0, n;
        avb_status st;
        (void)state;

        st = d->dispatch(d, &tester_ops, &t, NULL, 0, NULL, 0, &reply, &len);
        assert_int_equal(st.transport, AVB_TS_UNKNOWN_TRANSACTION);
        st = d->dispatch(d, &tester_ops, &t, NULL, AVB_FIRST_CALL + d->n_methods, NULL, 0, &reply,
                         &len);
        assert_int_equal(st.transport, AVB_TS_UNKNOWN_TRANSACTION);
        st = d->dispatch(d, &tester_ops, &t, NULL, UINT32_MAX, NULL, 0, &reply, &len);
        assert_int_equal(st.transport, AVB_TS_UNKNOWN_TRANSACTION);
        for (uint32_t code = AVB_FIRST_CALL; code < AVB_FIRST_CALL + d->n_methods; code++) {
                if (strcmp(d->methods[code - AVB_FIRST_CALL].name, "quit") == 0)
                        continue;
                st = d->dispatch(d, &tester_ops, &t, NULL, code, garbage, sizeof(garbage), &reply,
                                 &len);
                assert_int_equal(st.exception, AVB_EX_TRANSACTION_FAILED);
                assert_int_equal(st.transport, AVB_TS_BAD_MESSAGE);
                assert_null(reply);
        }

        /* a byte and a char out of range, an unknown union member */
        Test__Rt__ITester__EchoByteRequest rb;
        test__rt__itester__echo_byte_request__init(&rb);
        rb.v = 300;
        uint8_t buf[64];
        n = protobuf_c_message_pack(&rb.base, buf);
        st = d->dispatch(d, &tester_ops, &t, NULL, AVB_FIRST_CALL + 2, buf, n, &reply, &len);
        assert_int_equal(st.transport, AVB_TS_BAD_MESSAGE);
        Test__Rt__ITester__EchoCharRequest rc;
        test__rt__itester__echo_char_request__init(&rc);
        rc.v = -1;
        n = protobuf_c_message_pack(&rc.base, buf);
        st = d->dispatch(d, &tester_ops, &t, NULL, AVB_FIRST_CALL + 3, buf, n, &reply, &len);
        assert_int_equal(st.transport, AVB_TS_BAD_MESSAGE);
        Test__Rt__ITester__EchoValueRequest rv;
        Test__Rt__Value v;
        test__rt__itester__echo_value_request__init(&rv);
        test__rt__value__init(&v);
        rv.v = &v; /* no member set */
        n = protobuf_c_message_pack(&rv.base, buf);
        st = d->dispatch(d, &tester_ops, &t, NULL, AVB_FIRST_CALL + 11, buf, n, &reply, &len);
        assert_int_equal(st.transport, AVB_TS_BAD_MESSAGE);

        /* a good one, and a NULL op */
        rb.v = -7;
        n = protobuf_c_message_pack(&rb.base, buf);
        st = d->dispatch(d, &tester_ops, &t, NULL, AVB_FIRST_CALL + 2, buf, n, &reply, &len);
        assert_true(avb_status_is_ok(&st));
        assert_non_null(reply);
        Test__Rt__ITester__EchoByteReply *r =
            (Test__Rt__ITester__EchoByteReply *)protobuf_c_message_unpack(
                &test__rt__itester__echo_byte_reply__descriptor, NULL, len, reply);
        assert_non_null(r);
        assert_int_equal(r->result, -7);
        protobuf_c_message_free_unpacked(&r->base, NULL);
        free(reply);
        reply = NULL;
        st = d->dispatch(d, &empty_ops, &t, NULL, AVB_FIRST_CALL + 2, buf, n, &reply, &len);
        assert_int_equal(st.exception, AVB_EX_UNSUPPORTED_OPERATION);
        assert_null(reply);
}

static pthread_mutex_t death_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t death_cond = PTHREAD_COND_INITIALIZER;
static int deaths;

static void on_death(void *userdata)
{
        (void)userdata;
        pthread_mutex_lock(&death_lock);
        deaths++;
        pthread_cond_broadcast(&death_cond);
        pthread_mutex_unlock(&death_lock);
}

static void test_death(void **state)
{
        server_proc s = {0};
        avb_binder *b;
        struct timespec until;
        int32_t v;
        (void)state;

        assert_int_equal(spawn_server("dying", &s), 0);
        b = connect_to(&s, 0);
        assert_non_null(b);
        assert_ok(test_rt_ITester_echoInt(b, 1, &v));
        assert_int_equal(avb_binder_link_to_death(b, on_death, NULL), 0);
        assert_ok(test_rt_ITester_quit(b));
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 10;
        pthread_mutex_lock(&death_lock);
        while (deaths < 1 && pthread_cond_timedwait(&death_cond, &death_lock, &until) == 0)
                ;
        assert_int_equal(deaths, 1);
        pthread_mutex_unlock(&death_lock);
        assert_false(avb_binder_is_alive(b));
        avb_status st = test_rt_ITester_echoInt(b, 2, &v);
        assert_int_equal(st.exception, AVB_EX_TRANSACTION_FAILED);
        assert_int_equal(st.transport, AVB_TS_DEAD_OBJECT);
        avb_binder_unref(b);
        waitpid(s.pid, NULL, 0);
        s.pid = 0;
        free(s.endpoint);
}

/* One sensitive call through `b`: each side zeroes the request and the reply it freed. */
static void secret_call(avb_binder *b, bool remote)
{
        static const int8_t key[] = {1, 2, 3, 4, 5};
        int8_t *out = NULL;
        uint64_t here = avb_rpc_test_zeroed_buffers();
        int64_t there = 0, there_after = 0;
        size_t n = 0;

        if (remote)
                assert_ok(test_rt_ISecret_zeroedBuffers(b, &there));
        assert_ok(test_rt_ISecret_reverse(b, key, 5, &out, &n));
        assert_int_equal(n, 5);
        assert_int_equal(out[0], 5);
        assert_int_equal(out[4], 1);
        free(out);
        /* The generated client's request and reply buffers, at least. */
        assert_true(avb_rpc_test_zeroed_buffers() >= here + 2);
        if (!remote)
                return;
        /* The server's: reverse's reply, its envelope, the zeroedBuffers call before it. */
        assert_ok(test_rt_ISecret_zeroedBuffers(b, &there_after));
        assert_true(there_after >= there + 2);
}

static void test_sensitive_data(void **state)
{
        static const char *const schemes[] = {"ipc", "unix"};
        avb_binder *local = NULL;

        (void)state;
        assert_true(test_rt_ISecret_desc.methods[0].flags & AVB_METHOD_SENSITIVE);
        assert_false(test_rt_ITester_desc.methods[0].flags & AVB_METHOD_SENSITIVE);
        assert_int_equal(test_rt_ISecret_new_local(&secret_ops, NULL, NULL, &local), 0);
        secret_call(local, false);
        avb_binder_unref(local);
        for (size_t i = 0; i < 2; i++) {
                server_proc s = {0};
                avb_binder *b;

                assert_int_equal(spawn_server_on(schemes[i], "secret", &s), 0);
                b = connect_to(&s, SECRET_OBJECT);
                assert_non_null(b);
                secret_call(b, true);
                avb_binder_unref(b);
                assert_int_equal(stop_server(&s), 0);
        }
}

int main(int argc, char **argv)
{
        if (argc == 3 && strcmp(argv[1], "--server") == 0)
                return run_server(argv[2]);

        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
        if (n < 0 || !mkdtemp(sock_dir)) {
                perror("roundtrip");
                return 1;
        }
        self_exe[n] = '\0';
        setenv("AVB_SOCKET_DIR", sock_dir, 1);
        /* every server starts before this process touches nanomsg */
        if (spawn_server("tester", &main_server) < 0) {
                perror("roundtrip");
                return 1;
        }

        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
            cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
            cmocka_unit_test_setup_teardown(test_arrays, setup, teardown),
            cmocka_unit_test_setup_teardown(test_nullable_parcelable, setup, teardown),
            cmocka_unit_test_setup_teardown(test_everything, setup, teardown),
            cmocka_unit_test_setup_teardown(test_unions, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fixed_arrays, setup, teardown),
            cmocka_unit_test_setup_teardown(test_nullable_fixed_args, setup, teardown),
            cmocka_unit_test_setup_teardown(test_parcelable_holder, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fixed_args, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fds, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fds_in_parcelable, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fds_flat, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fmq_through_aidl, setup, teardown),
            cmocka_unit_test_setup_teardown(test_directions, setup, teardown),
            cmocka_unit_test_setup_teardown(test_exceptions, setup, teardown),
            cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
            cmocka_unit_test_setup_teardown(test_once_per_call, setup, teardown),
            cmocka_unit_test_setup_teardown(test_oneway, setup, teardown),
            cmocka_unit_test_setup_teardown(test_callbacks, setup, teardown),
            cmocka_unit_test(test_sensitive_data),
            cmocka_unit_test(test_dispatch_errors),
            cmocka_unit_test(test_deadline),
            cmocka_unit_test(test_deadline_under_signals),
            cmocka_unit_test(test_death),
        };
        int rc = cmocka_run_group_tests_name("roundtrip", tests, NULL, NULL);
        int server_rc = stop_server(&main_server);
        if (server_rc != 0) {
                fprintf(stderr, "roundtrip: the server exited with status %d\n", server_rc);
                rc = rc ? rc : 1;
        }
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", sock_dir);
        if (system(cmd) != 0)
                fprintf(stderr, "roundtrip: could not remove %s\n", sock_dir);
        return rc;
}
