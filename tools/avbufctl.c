/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbufctl: inspect and poke the AV Buffer service, in the manner of
 * busctl and varlinkctl.
 *
 *   avbufctl [--json] [--service NAME] COMMAND [ARGS]
 *     heaps                 usage of the secure and non-secure heaps
 *     pools                 every pool: handle, heap, size, used, buffers
 *     allocs POOL           live buffer handles of a pool
 *     alloc POOL SIZE       allocate a buffer; prints its handle
 *     free HANDLE           free a buffer
 *     trim HANDLE SIZE      trim the last buffer of its pool
 *     isvalid HANDLE        whether a handle is live (exit 1 if not)
 *     sha1 HANDLE           SHA-1 of a buffer (debug builds)
 *     services              what the service manager knows
 *     hold-pool video|audio ID [secure]
 *                           create a pool, print its handle, keep it until
 *                           interrupted (pools die with their creator)
 *     watch [SECONDS]       heap and pool metrics, refreshed (Ctrl-C stops)
 *     graph [--dot]         the vendor media graph (entities, pads, links);
 *                           --dot prints it for Graphviz (dot -Tsvg)
 *     link SOURCE SINK on|off   media-ctl -l (avbufctl_control.c)
 *     format PAD FOURCC [WxH]   media-ctl -V
 *     sink NAME             what a tunnelled-mode sink presented
 *
 * Exit status: 0 success, 1 the service refused or failed, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <avbuffer/servicemanager.h>

#include "avb_avbuffer.h"
#include "avb_config.h"
#include "avb_servicemanager.h"
#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_videodecoder.h"
#include "avbufctl.h"

bool json;
static volatile sig_atomic_t stop;
const char *service_name; /* --service */

static void on_signal(int sig)
{
        (void)sig;
        stop = 1;
}

int fail_status(const char *what, const avb_status *st)
{
        char buf[AVB_STATUS_MESSAGE_MAX + 64];

        fprintf(stderr, "avbufctl: %s: %s\n", what, avb_status_to_string(st, buf, sizeof(buf)));
        return 1;
}

int parse_i64(const char *s, const char *what, int64_t min, int64_t max, int64_t *ret)
{
        char *end;
        long long v;

        errno = 0;
        v = strtoll(s, &end, 0);
        if (errno || !*s || *end || v < min || v > max) {
                fprintf(stderr, "avbufctl: %s '%s' is not a number in %" PRId64 "..%" PRId64 "\n",
                        what, s, min, max);
                return -EINVAL;
        }
        *ret = v;
        return 0;
}

static int parse_pool(const char *s, com_rdk_hal_avbuffer_Pool *ret)
{
        int64_t v;

        if (parse_i64(s, "pool handle", 0, 127, &v) < 0)
                return -EINVAL;
        com_rdk_hal_avbuffer_Pool_init(ret);
        ret->handle = (int8_t)v;
        return 0;
}

static int cmd_heaps(avb_binder *av, char **args, int nargs)
{
        (void)args;
        (void)nargs;
        com_rdk_hal_avbuffer_HeapMetrics m[2];

        for (int i = 0; i < 2; i++) {
                avb_status st = com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(av, i == 1, &m[i]);
                if (!avb_status_is_ok(&st))
                        return fail_status("getHeapMetrics", &st);
        }
        if (json) {
                printf("[");
                for (int i = 0; i < 2; i++)
                        printf("%s{\"secure\":%s,\"bytesUsed\":%d,\"bytesTotal\":%d}", i ? "," : "",
                               m[i].secure ? "true" : "false", m[i].bytesUsed, m[i].bytesTotal);
                printf("]\n");
                return 0;
        }
        printf("%-11s %12s %12s %6s\n", "HEAP", "USED", "TOTAL", "USE%");
        for (int i = 0; i < 2; i++)
                printf("%-11s %12d %12d %5.1f%%\n", m[i].secure ? "secure" : "non-secure",
                       m[i].bytesUsed, m[i].bytesTotal,
                       m[i].bytesTotal ? 100.0 * m[i].bytesUsed / m[i].bytesTotal : 0.0);
        return 0;
}

static int cmd_pools(avb_binder *av, char **args, int nargs)
{
        bool first = true;

        (void)args;
        (void)nargs;
        if (json)
                printf("[");
        else
                printf("%-6s %-11s %12s %12s %8s\n", "POOL", "HEAP", "SIZE", "USED", "BUFFERS");
        for (int secure = 0; secure < 2; secure++) {
                com_rdk_hal_avbuffer_PoolMetrics *pm = NULL;
                size_t n = 0;
                avb_status st =
                    com_rdk_hal_avbuffer_IAVBuffer_getAllPoolMetrics(av, secure, &pm, &n);

                if (!avb_status_is_ok(&st))
                        return fail_status("getAllPoolMetrics", &st);
                for (size_t i = 0; i < n; i++) {
                        int64_t *list = NULL;
                        size_t count = 0;
                        char buffers[24] = "-";

                        st = com_rdk_hal_avbuffer_IAVBuffer_getAllocList(av, &pm[i].poolHandle,
                                                                         &list, &count);
                        if (avb_status_is_ok(&st))
                                snprintf(buffers, sizeof(buffers), "%zu", count);
                        free(list);
                        if (json)
                                printf("%s{\"pool\":%d,\"secure\":%s,\"bytesTotal\":%d,"
                                       "\"bytesUsed\":%d,\"buffers\":%s}",
                                       first ? "" : ",", pm[i].poolHandle.handle,
                                       secure ? "true" : "false", pm[i].bytesTotal, pm[i].bytesUsed,
                                       strcmp(buffers, "-") ? buffers : "null");
                        else
                                printf("%-6d %-11s %12d %12d %8s\n", pm[i].poolHandle.handle,
                                       secure ? "secure" : "non-secure", pm[i].bytesTotal,
                                       pm[i].bytesUsed, buffers);
                        first = false;
                }
                for (size_t i = 0; i < n; i++)
                        com_rdk_hal_avbuffer_PoolMetrics_fini(&pm[i]);
                free(pm);
        }
        if (json)
                printf("]\n");
        return 0;
}

static int cmd_allocs(avb_binder *av, char **args, int nargs)
{
        com_rdk_hal_avbuffer_Pool pool;
        int64_t *list = NULL;
        size_t n = 0;
        avb_status st;

        (void)nargs;
        if (parse_pool(args[0], &pool) < 0)
                return 2;
        st = com_rdk_hal_avbuffer_IAVBuffer_getAllocList(av, &pool, &list, &n);
        if (!avb_status_is_ok(&st))
                return fail_status("getAllocList", &st);
        if (json)
                printf("[");
        for (size_t i = 0; i < n; i++)
                printf(json ? "%s%" PRId64 : "%s%" PRId64 "\n", json && i ? "," : "", list[i]);
        if (json)
                printf("]\n");
        free(list);
        return 0;
}

static int cmd_alloc(avb_binder *av, char **args, int nargs)
{
        com_rdk_hal_avbuffer_Pool pool;
        int64_t size, handle;
        avb_status st;

        (void)nargs;
        if (parse_pool(args[0], &pool) < 0 ||
            parse_i64(args[1], "size", INT32_MIN, INT32_MAX, &size) < 0)
                return 2;
        st = com_rdk_hal_avbuffer_IAVBuffer_alloc(av, &pool, (int32_t)size, &handle);
        if (!avb_status_is_ok(&st))
                return fail_status("alloc", &st);
        printf(json ? "{\"handle\":%" PRId64 "}\n" : "%" PRId64 "\n", handle);
        return 0;
}

/* free, isvalid: one handle in, a boolean out. */
static int handle_bool(avb_binder *av, char **args, bool is_free)
{
        int64_t handle;
        bool ok = false;
        avb_status st;

        if (parse_i64(args[0], "handle", INT64_MIN, INT64_MAX, &handle) < 0)
                return 2;
        st = is_free ? com_rdk_hal_avbuffer_IAVBuffer_free(av, handle, &ok)
                     : com_rdk_hal_avbuffer_IAVBuffer_isValid(av, handle, &ok);
        if (!avb_status_is_ok(&st))
                return fail_status(is_free ? "free" : "isValid", &st);
        if (json)
                printf("{\"result\":%s}\n", ok ? "true" : "false");
        else if (is_free && !ok)
                fprintf(stderr, "avbufctl: no buffer with handle %" PRId64 "\n", handle);
        else if (!is_free)
                printf("%s\n", ok ? "valid" : "invalid");
        return ok ? 0 : 1;
}

static int cmd_free(avb_binder *av, char **args, int nargs)
{
        (void)nargs;
        return handle_bool(av, args, true);
}

static int cmd_isvalid(avb_binder *av, char **args, int nargs)
{
        (void)nargs;
        return handle_bool(av, args, false);
}

static int cmd_trim(avb_binder *av, char **args, int nargs)
{
        int64_t handle, size;
        bool ok = false;
        avb_status st;

        (void)nargs;
        if (parse_i64(args[0], "handle", INT64_MIN, INT64_MAX, &handle) < 0 ||
            parse_i64(args[1], "size", INT32_MIN, INT32_MAX, &size) < 0)
                return 2;
        st = com_rdk_hal_avbuffer_IAVBuffer_trimSize(av, handle, (int32_t)size, &ok);
        if (!avb_status_is_ok(&st))
                return fail_status("trimSize", &st);
        if (json)
                printf("{\"result\":%s}\n", ok ? "true" : "false");
        return ok ? 0 : 1;
}

static int cmd_sha1(avb_binder *av, char **args, int nargs)
{
        int64_t handle;
        int8_t *digest = NULL;
        size_t n = 0;
        avb_status st;

        (void)nargs;
        if (parse_i64(args[0], "handle", INT64_MIN, INT64_MAX, &handle) < 0)
                return 2;
        st = com_rdk_hal_avbuffer_IAVBuffer_calculateSHA1(av, handle, &digest, &n);
        if (!avb_status_is_ok(&st))
                return fail_status("calculateSHA1", &st);
        if (json)
                printf("{\"sha1\":\"");
        for (size_t i = 0; i < n; i++)
                printf("%02x", (uint8_t)digest[i]);
        printf(json ? "\"}\n" : "\n");
        free(digest);
        return 0;
}

static int cmd_services(avb_binder *sm, char **args, int nargs)
{
        avb_servicemanager_ServiceInfo *v = NULL;
        size_t n = 0;
        avb_status st = avb_servicemanager_IServiceManager_listServices(sm, &v, &n);

        (void)args;
        (void)nargs;
        if (!avb_status_is_ok(&st))
                return fail_status("listServices", &st);
        if (json)
                printf("[");
        else
                printf("%-24s %8s %s\n", "NAME", "PID", "ENDPOINT");
        for (size_t i = 0; i < n; i++) {
                if (json)
                        printf("%s{\"name\":\"%s\",\"pid\":%d,\"endpoint\":\"%s\"}", i ? "," : "",
                               v[i].name, v[i].pid, v[i].endpoint);
                else
                        printf("%-24s %8d %s\n", v[i].name, v[i].pid, v[i].endpoint);
                avb_servicemanager_ServiceInfo_fini(&v[i]);
        }
        if (json)
                printf("]\n");
        free(v);
        return 0;
}

static avb_status on_space(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        printf(json ? "{\"event\":\"spaceAvailable\"}\n" : "space available\n");
        fflush(stdout);
        return avb_status_ok();
}

static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops hold_listener_ops = {
    .onSpaceAvailable = on_space,
};

static int cmd_hold_pool(avb_binder *av, char **args, int nargs)
{
        com_rdk_hal_videodecoder_IVideoDecoder_Id vid;
        com_rdk_hal_audiodecoder_IAudioDecoder_Id aid;
        com_rdk_hal_avbuffer_Pool pool;
        avb_binder *listener = NULL;
        bool video, secure = false, ok = false;
        int64_t id;
        avb_status st;

        video = !strcmp(args[0], "video");
        if ((!video && strcmp(args[0], "audio")) ||
            parse_i64(args[1], "decoder id", INT32_MIN, INT32_MAX, &id) < 0) {
                fprintf(stderr, "avbufctl: hold-pool takes video|audio ID [secure]\n");
                return 2;
        }
        if (nargs == 3) {
                if (strcmp(args[2], "secure")) {
                        fprintf(stderr, "avbufctl: hold-pool: unknown option '%s'\n", args[2]);
                        return 2;
                }
                secure = true;
        }
        if (com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&hold_listener_ops, NULL, NULL,
                                                                  &listener) < 0)
                return 1;
        vid.value = aid.value = (int32_t)id;
        st =
            video
                ? com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(av, secure, &vid, listener, &pool)
                : com_rdk_hal_avbuffer_IAVBuffer_createAudioPool(av, secure, &aid, listener, &pool);
        if (!avb_status_is_ok(&st)) {
                avb_binder_unref(listener);
                return fail_status(video ? "createVideoPool" : "createAudioPool", &st);
        }
        printf(json ? "{\"pool\":%d}\n" : "%d\n", pool.handle);
        fflush(stdout);
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        while (!stop)
                pause();
        st = com_rdk_hal_avbuffer_IAVBuffer_destroyPool(av, &pool, &ok);
        avb_binder_unref(listener);
        if (!avb_status_is_ok(&st))
                return fail_status("destroyPool", &st);
        return ok ? 0 : 1;
}

static int cmd_watch(avb_binder *av, char **args, int nargs)
{
        int64_t seconds = 1;
        int rc = 0;

        if (nargs > 0 && parse_i64(args[0], "interval", 1, 3600, &seconds) < 0)
                return 2;
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        while (!stop) {
                if (!json && isatty(STDOUT_FILENO))
                        printf("\033[H\033[2J");
                rc = cmd_heaps(av, NULL, 0);
                if (!rc) {
                        if (!json)
                                printf("\n");
                        rc = cmd_pools(av, NULL, 0);
                }
                fflush(stdout);
                if (rc)
                        break;
                for (int64_t i = 0; i < seconds * 10 && !stop; i++)
                        usleep(100 * 1000);
        }
        return rc;
}

static void usage(FILE *f)
{
        fprintf(
            f, "Usage: avbufctl [--json] [--service NAME] COMMAND [ARGS]\n\n"
               "Commands:\n"
               "  heaps                 heap usage\n"
               "  pools                 every pool: handle, heap, size, used, buffers\n"
               "  allocs POOL           live buffer handles of a pool\n"
               "  alloc POOL SIZE       allocate a buffer and print its handle\n"
               "  free HANDLE           free a buffer\n"
               "  trim HANDLE SIZE      trim the last buffer of its pool\n"
               "  isvalid HANDLE        whether a handle is live (exit 1 if not)\n"
               "  sha1 HANDLE           SHA-1 of a buffer (debug builds)\n"
               "  services              registered services\n"
               "  hold-pool video|audio ID [secure]\n"
               "                        create a pool and hold it until interrupted\n"
               "  watch [SECONDS]       live heap and pool metrics\n"
               "  graph [--dot]         the vendor media graph (--dot: Graphviz)\n"
               "  link SOURCE SINK on|off\n"
               "                        enable or disable a media link (pads as\n"
               "                        entity:index; decoder output -> sink: tunnelled)\n"
               "  format PAD FOURCC [WIDTHxHEIGHT]\n"
               "                        what a pad carries (FOURCC 'any': no constraint)\n"
               "  sink NAME             frames a tunnelled-mode sink presented since last asked\n");
}

static const struct command {
        const char *name;
        int nargs;  /* -1: 0 or 1; -2: 2 or 3 */
        bool on_sm; /* talks to the service manager, not the service */
        int (*run)(avb_binder *b, char **args, int nargs);
} commands[] = {
    {"heaps", 0, false, cmd_heaps},
    {"pools", 0, false, cmd_pools},
    {"allocs", 1, false, cmd_allocs},
    {"alloc", 2, false, cmd_alloc},
    {"free", 1, false, cmd_free},
    {"trim", 2, false, cmd_trim},
    {"isvalid", 1, false, cmd_isvalid},
    {"sha1", 1, false, cmd_sha1},
    {"services", 0, true, cmd_services},
    {"watch", -1, false, cmd_watch},
    {"hold-pool", -2, false, cmd_hold_pool},
    {"graph", -1, true, cmd_graph},
    {"link", 3, true, cmd_link},
    {"format", -2, true, cmd_format},
    {"sink", 1, true, cmd_sink},
};

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"json", no_argument, NULL, 'j'},
            {"service", required_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {"version", no_argument, NULL, 'V'},
            {0},
        };
        const char *service = com_rdk_hal_avbuffer_IAVBuffer_serviceName;
        const struct command *cmd = NULL;
        avb_binder *sm = NULL, *av = NULL;
        int c, e, rc, nargs;
        char **args;

        service_name = service;
        while ((c = getopt_long(argc, argv, "+js:hV", opts, NULL)) != -1) {
                switch (c) {
                case 'j':
                        json = true;
                        break;
                case 's':
                        service = service_name = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                case 'V':
                        printf("avbufctl %s\n", AVB_VERSION);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return 2;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (!strcmp(argv[optind], commands[i].name))
                        cmd = &commands[i];
        args = argv + optind + 1;
        nargs = argc - optind - 1;
        if (!cmd) {
                fprintf(stderr, "avbufctl: unknown command '%s'\n", argv[optind]);
                usage(stderr);
                return 2;
        }
        if (cmd->nargs >= 0    ? nargs != cmd->nargs
            : cmd->nargs == -1 ? nargs > 1
                               : nargs < 2 || nargs > 3) {
                fprintf(stderr, "avbufctl: wrong number of arguments for '%s'\n", cmd->name);
                usage(stderr);
                return 2;
        }

        e = avb_sm_connect(&sm);
        if (e < 0) {
                fprintf(stderr, "avbufctl: no service manager in %s: %s\n", avb_socket_dir(),
                        strerror(-e));
                return 1;
        }
        if (cmd->on_sm) {
                rc = cmd->run(sm, args, nargs);
                goto out;
        }
        e = avb_service_get(sm, service, 0, &av);
        if (e < 0) {
                fprintf(stderr, "avbufctl: service '%s': %s\n", service,
                        e == -ENOENT ? "not registered" : strerror(-e));
                rc = 1;
                goto out;
        }
        rc = cmd->run(av, args, nargs);
out:
        avb_binder_unref(av);
        avb_binder_unref(sm);
        return rc;
}
