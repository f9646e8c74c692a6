/* SPDX-License-Identifier: Apache-2.0 */
/* The plugin's shared connection to avbuffer (avbconn.h). */
#include <errno.h>

#include <gst/gst.h>

#include <avbuffer/servicemanager.h>

#include "com_rdk_hal_avbuffer.h"

#include "avbconn.h"

struct avb_gst_conn_priv {
        avb_gst_conn pub; /* first: the public part is the object */
        gint refs;
};

static GMutex current_lock;
/* The connection new holders get; it holds a reference of its own. */
static struct avb_gst_conn_priv *current;

static void conn_free(struct avb_gst_conn_priv *c)
{
        avb_helper_free(c->pub.helper);
        avb_binder_unref(c->pub.av);
        avb_binder_unref(c->pub.sm);
        g_free(c);
}

static int conn_new(struct avb_gst_conn_priv **ret)
{
        struct avb_gst_conn_priv *c = g_new0(struct avb_gst_conn_priv, 1);
        int e = avb_sm_connect(&c->pub.sm);

        if (e == 0)
                e = avb_service_get(c->pub.sm, com_rdk_hal_avbuffer_IAVBuffer_serviceName,
                                    AVB_GST_SERVICE_WAIT_MS, &c->pub.av);
        if (e == 0)
                e = avb_helper_new(c->pub.av, &c->pub.helper);
        if (e < 0) {
                conn_free(c);
                return e;
        }
        c->refs = 1;
        *ret = c;
        return 0;
}

int avb_gst_conn_get(avb_gst_conn **ret)
{
        int e = 0;

        g_mutex_lock(&current_lock);
        if (current && !avb_binder_is_alive(current->pub.av)) {
                /* avbufferd went away: the next holder gets a fresh connection */
                avb_gst_conn_unref(&current->pub);
                current = NULL;
        }
        if (!current)
                e = conn_new(&current);
        if (e == 0)
                *ret = avb_gst_conn_ref(&current->pub);
        g_mutex_unlock(&current_lock);
        if (e < 0)
                GST_WARNING("cannot reach avbuffer (socket dir %s): %s", avb_socket_dir(),
                            g_strerror(-e));
        return e;
}

avb_gst_conn *avb_gst_conn_ref(avb_gst_conn *c)
{
        g_atomic_int_inc(&((struct avb_gst_conn_priv *)c)->refs);
        return c;
}

avb_gst_conn *avb_gst_conn_unref(avb_gst_conn *c)
{
        struct avb_gst_conn_priv *p = (struct avb_gst_conn_priv *)c;

        if (p && g_atomic_int_dec_and_test(&p->refs))
                conn_free(p);
        return NULL;
}

int avb_gst_conn_service(avb_gst_conn *c, const char *name, avb_binder **ret)
{
        return avb_service_get(c->sm, name, AVB_GST_SERVICE_WAIT_MS, ret);
}

avb_status avb_gst_ignore_state(void *impl, avb_call *call, com_rdk_hal_State from,
                                com_rdk_hal_State to)
{
        (void)impl;
        (void)call;
        (void)from;
        (void)to;
        return avb_status_ok();
}
