/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbufctl's commands for the vendor control plane (IAVBufferControl):
 * the media graph (graph, link, format, as media-ctl -p/-l/-V) and the
 * tunnelled-mode sinks (sink).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/servicemanager.h>

#include "avb_avbuffer.h"
#include "avb_servicemanager.h"
#include "avbufctl.h"

/* IAVBufferControl is object 2 on the service's endpoint; the service manager knows the endpoint.
 */
static int connect_control(avb_binder *sm, avb_binder **ret)
{
        char *endpoint = NULL, *base = NULL;
        uint32_t object = 0;
        avb_status st;
        int e;

        st = avb_servicemanager_IServiceManager_getService(sm, service_name, &endpoint);
        if (!avb_status_is_ok(&st))
                return fail_status("getService", &st);
        if (!endpoint) {
                fprintf(stderr, "avbufctl: service '%s': not registered\n", service_name);
                return 1;
        }
        e = avb_endpoint_split(endpoint, &base, &object);
        if (e == 0)
                e = avb_binder_connect(base, avb_avbuffer_IAVBufferControl_OBJECT_ID, ret);
        free(endpoint);
        free(base);
        if (e < 0) {
                fprintf(stderr, "avbufctl: service '%s': %s\n", service_name, strerror(-e));
                return 1;
        }
        return 0;
}

int cmd_graph(avb_binder *sm, char **args, int nargs)
{
        avb_binder *control = NULL;
        char *text = NULL;
        bool dot = false;
        avb_status st;
        int rc;

        if (nargs == 1) {
                if (strcmp(args[0], "--dot")) {
                        fprintf(stderr, "avbufctl: graph: unknown option '%s'\n", args[0]);
                        return 2;
                }
                dot = true;
        }
        if (json) {
                fprintf(stderr, "avbufctl: graph has text and --dot output, no JSON\n");
                return 2;
        }
        rc = connect_control(sm, &control);
        if (rc)
                return rc;
        st = avb_avbuffer_IAVBufferControl_describeGraph(control, dot, &text);
        avb_binder_unref(control);
        if (!avb_status_is_ok(&st))
                return fail_status("describeGraph", &st);
        fputs(text, stdout);
        free(text);
        return 0;
}

int cmd_link(avb_binder *sm, char **args, int nargs)
{
        avb_binder *c = NULL;
        bool on;
        avb_status st;

        (void)nargs;
        if (!strcmp(args[2], "on")) {
                on = true;
        } else if (!strcmp(args[2], "off")) {
                on = false;
        } else {
                fprintf(stderr, "avbufctl: link: '%s' is neither on nor off\n", args[2]);
                return 2;
        }
        if (connect_control(sm, &c))
                return 1;
        st = avb_avbuffer_IAVBufferControl_setupLink(c, args[0], args[1], on);
        avb_binder_unref(c);
        return avb_status_is_ok(&st) ? 0 : fail_status("setupLink", &st);
}

/* "NV12" as the graph's little-endian fourcc; "any" is 0. */
static int parse_fourcc(const char *s, int32_t *ret)
{
        if (!strcmp(s, "any")) {
                *ret = 0;
                return 0;
        }
        if (strlen(s) != 4) {
                fprintf(stderr, "avbufctl: format: '%s' is not a fourcc (four characters) or any\n",
                        s);
                return -EINVAL;
        }
        *ret = (int32_t)((uint32_t)(unsigned char)s[0] | (uint32_t)(unsigned char)s[1] << 8 |
                         (uint32_t)(unsigned char)s[2] << 16 | (uint32_t)(unsigned char)s[3] << 24);
        return 0;
}

/* A width or height: decimal digits only (parse_i64 would read 0640 as octal). */
static int parse_dimension(const char *s, const char *what, int64_t *ret)
{
        if (!*s || strspn(s, "0123456789") != strlen(s)) {
                fprintf(stderr, "avbufctl: format: %s '%s' is not a decimal number\n", what, s);
                return -EINVAL;
        }
        while (s[0] == '0' && s[1])
                s++; /* leading zeros are decimal here */
        return parse_i64(s, what, 0, INT32_MAX, ret);
}

int cmd_format(avb_binder *sm, char **args, int nargs)
{
        avb_binder *c = NULL;
        int32_t fourcc = 0;
        int64_t w = 0, h = 0;
        avb_status st;

        if (parse_fourcc(args[1], &fourcc) < 0)
                return 2;
        if (nargs == 3) {
                char *x = strchr(args[2], 'x');

                if (!x) {
                        fprintf(stderr, "avbufctl: format: '%s' is not WIDTHxHEIGHT\n", args[2]);
                        return 2;
                }
                *x = '\0';
                if (parse_dimension(args[2], "width", &w) < 0 ||
                    parse_dimension(x + 1, "height", &h) < 0)
                        return 2;
        }
        if (connect_control(sm, &c))
                return 1;
        st = avb_avbuffer_IAVBufferControl_setPadFormat(c, args[0], fourcc, (int32_t)w, (int32_t)h);
        avb_binder_unref(c);
        return avb_status_is_ok(&st) ? 0 : fail_status("setPadFormat", &st);
}

int cmd_sink(avb_binder *sm, char **args, int nargs)
{
        avb_avbuffer_SinkFrame *f = NULL;
        avb_binder *c = NULL;
        size_t n = 0;
        avb_status st;

        (void)nargs;
        if (connect_control(sm, &c))
                return 1;
        st = avb_avbuffer_IAVBufferControl_takeSinkFrames(c, args[0], &f, &n);
        avb_binder_unref(c);
        if (!avb_status_is_ok(&st))
                return fail_status("takeSinkFrames", &st);
        if (json)
                printf("[");
        else
                printf("%-16s %12s %12s %s\n", "PTS_NS", "DUE_MS", "PRESENTED_MS", "MD5");
        for (size_t i = 0; i < n; i++) {
                if (json)
                        printf("%s{\"pts_ns\":%" PRId64 ",\"due_ns\":%" PRId64
                               ",\"presented_ns\":%" PRId64 ",\"md5\":\"%s\"}",
                               i ? "," : "", f[i].nsPresentationTime, f[i].nsDue, f[i].nsPresented,
                               f[i].md5);
                else
                        printf("%-16" PRId64 " %12.3f %12.3f %s\n", f[i].nsPresentationTime,
                               (double)f[i].nsDue / 1e6, (double)f[i].nsPresented / 1e6,
                               f[i].md5[0] ? f[i].md5 : "-");
                avb_avbuffer_SinkFrame_fini(&f[i]);
        }
        if (json)
                printf("]\n");
        free(f);
        return 0;
}
