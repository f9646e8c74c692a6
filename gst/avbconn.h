/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_GST_CONN_H
#define AVB_GST_CONN_H

/*
 * The plugin's connection to avbuffer: the service manager (found the way
 * every client finds it: $AVB_SOCKET_DIR, else the configured default), the
 * AV Buffer service and a libavbufferhelper instance on it.
 *
 * One connection is shared by every element and allocator of the process;
 * each holder keeps a reference. avb_gst_conn_get() makes a new one when
 * there is none yet, or when the AV Buffer service of the current one has
 * gone (a restarted avbufferd): holders of the old one keep it until they
 * let it go.
 *
 * Thread safety: get/ref/unref from any thread; the members are read-only
 * after creation (the binders and the helper are thread-safe themselves).
 */

#include <avbuffer/helper.h>
#include <avbuffer/rpc.h>

#include "com_rdk_hal.h"

typedef struct avb_gst_conn {
        avb_binder *sm; /* the service manager */
        avb_binder *av; /* IAVBuffer */
        avb_helper *helper;
} avb_gst_conn;

/* How long avb_gst_conn_get() and avb_gst_conn_service() wait for a service to register. */
#define AVB_GST_SERVICE_WAIT_MS 5000

/* A reference to the process's connection: 0, or -errno (service manager or service missing). */
int avb_gst_conn_get(avb_gst_conn **ret);
avb_gst_conn *avb_gst_conn_ref(avb_gst_conn *c);
/* Returns NULL; accepts NULL. */
avb_gst_conn *avb_gst_conn_unref(avb_gst_conn *c);
/* A proxy for service `name` through c's service manager (the caller unrefs it). */
int avb_gst_conn_service(avb_gst_conn *c, const char *name, avb_binder **ret);

/*
 * onStateChanged for a HAL controller listener whose element needs no news
 * of states (the element drives them itself): ignores it, from any thread.
 */
avb_status avb_gst_ignore_state(void *impl, avb_call *call, com_rdk_hal_State from,
                                com_rdk_hal_State to);

#endif
