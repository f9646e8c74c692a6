/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFCTL_H
#define AVBUFCTL_H

/* Shared by avbufctl's files: the options and the error printing of avbufctl.c. */

#include <stdbool.h>
#include <stdint.h>

#include <avbuffer/rpc.h>

extern bool json;                /* --json */
extern const char *service_name; /* --service */

/* Print "avbufctl: what: status" on stderr; returns exit status 1. */
int fail_status(const char *what, const avb_status *st);
/* s as an integer in min..max, or -EINVAL after telling the user why. */
int parse_i64(const char *s, const char *what, int64_t min, int64_t max, int64_t *ret);

/*
 * avbufctl_control.c: the commands of the vendor control plane
 * (IAVBufferControl); b is the service manager. Exit status as avbufctl's.
 */
int cmd_graph(avb_binder *b, char **args, int nargs);
int cmd_link(avb_binder *b, char **args, int nargs);
int cmd_format(avb_binder *b, char **args, int nargs);
int cmd_sink(avb_binder *b, char **args, int nargs);

#endif
