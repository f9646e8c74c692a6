/* SPDX-License-Identifier: Apache-2.0 */
/* avb_server: binding an endpoint, the object table, the registry of this process's servers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lifeline.h"
#include "log.h"
#include "server.h"
#include "util.h"

/* Servers of this process, for avb_binder_from_wire and avb_binder_to_wire. */
static pthread_mutex_t servers_lock = PTHREAD_MUTEX_INITIALIZER;
static avb_server *servers;

static int open_nn(int kind, const char *url, const char *path, size_t max_recv, int *ret_sock,
                   int *ret_fd)
{
        int s, r;

        if ((r = avb_tp_open(kind, &s)) < 0)
                return r;
        /* We hold the endpoint's lock: a file left there is stale. */
        (void)unlink(path);
        if ((r = avb_tp_set_max_recv(s, max_recv)) < 0 || (r = avb_tp_bind(s, url)) < 0 ||
            (r = avb_endpoint_restrict(path)) < 0 || (r = avb_tp_recv_fd(s, ret_fd)) < 0) {
                avb_tp_close(s);
                return r;
        }
        *ret_sock = s;
        return 0;
}

static int server_bind(avb_server *s)
{
        size_t max_recv = s->max_message + AVB_FRAME_OVERHEAD;
        int r;

        if ((r = avb_endpoint_make_dir(&s->ep)) < 0)
                return r;
        if ((r = avb_endpoint_lock(&s->ep, &s->lock_fd)) < 0)
                return r;
        if ((r = avb_life_listen(s->ep.life_path, &s->life_fd)) < 0)
                return r;
        s->close_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (s->close_efd < 0)
                return -errno;
        if (s->ep.is_unix)
                return 0; /* the listener is all it takes (server_uconn.c) */
        if ((r = open_nn(AVB_TP_REP_RAW, s->ep.url, s->ep.path, max_recv, &s->rep_sock,
                         &s->rep_fd)) < 0)
                return r;
        if ((r = open_nn(AVB_TP_PULL, s->ep.oneway_url, s->ep.oneway_path, max_recv, &s->pull_sock,
                         &s->pull_fd)) < 0)
                return r;
        return 0;
}

int avb_server_new(const avb_server_options *opts, avb_server **ret)
{
        avb_server *s;
        int r;

        if (!opts || !ret)
                return -EINVAL;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->lock_fd = s->life_fd = s->rep_sock = s->pull_sock = s->close_efd = -1;
        s->rep_fd = s->pull_fd = -1;
        pthread_mutex_init(&s->objects_lock, NULL);
        s->max_message = opts->max_message ? opts->max_message : AVB_DEFAULT_MAX_MESSAGE;
        s->accept = opts->accept;
        s->client_gone = opts->client_gone;
        s->userdata = opts->userdata;
        s->incarnation = avb_rt_random64();
        r = avb_endpoint_parse(opts->endpoint, &s->ep);
        if (r == 0)
                r = server_bind(s);
        if (r < 0) {
                avb_server_free(s);
                return r;
        }
        pthread_mutex_lock(&servers_lock);
        s->next_registered = servers;
        servers = s;
        pthread_mutex_unlock(&servers_lock);
        avb_log_info("%s: serving (incarnation %016llx)", s->ep.url,
                     (unsigned long long)s->incarnation);
        *ret = s;
        return 0;
}

static void server_unregister(avb_server *s)
{
        pthread_mutex_lock(&servers_lock);
        for (avb_server **p = &servers; *p; p = &(*p)->next_registered)
                if (*p == s) {
                        *p = s->next_registered;
                        break;
                }
        pthread_mutex_lock(&s->objects_lock);
        for (uint32_t i = 0; i < s->n_objects; i++)
                if (s->objects[i]->home == s)
                        s->objects[i]->home = NULL;
        pthread_mutex_unlock(&s->objects_lock);
        pthread_mutex_unlock(&servers_lock);
}

avb_server *avb_server_free(avb_server *s)
{
        if (!s)
                return NULL;
        server_unregister(s);
        while (s->lifelines) {
                server_lifeline *l = s->lifelines;
                s->lifelines = l->next;
                close(l->fd);
                avb_server_uconn_free(l->u);
                free(l);
        }
        while (s->clients) {
                server_client *c = s->clients;
                s->clients = c->next;
                avb_server_client_free(c);
        }
        avb_server_free_deferred(s);
        avb_tp_close(s->rep_sock);
        avb_tp_close(s->pull_sock);
        if (s->life_fd >= 0)
                close(s->life_fd);
        if (s->close_efd >= 0)
                close(s->close_efd);
        if (s->lock_fd >= 0) {
                avb_endpoint_unlink(&s->ep);
                close(s->lock_fd);
        }
        for (uint32_t i = 0; i < s->n_objects; i++)
                avb_binder_unref(s->objects[i]);
        free(s->objects);
        pthread_mutex_destroy(&s->objects_lock);
        free(s);
        return NULL;
}

int avb_server_add(avb_server *s, avb_binder *local, uint32_t *ret_object_id)
{
        int r = 0;

        if (!s || !local || !local->local)
                return -EINVAL;
        pthread_mutex_lock(&servers_lock);
        pthread_mutex_lock(&s->objects_lock);
        if (s->n_objects == s->cap_objects) {
                uint32_t cap = s->cap_objects ? s->cap_objects * 2 : 8;
                avb_binder **o = realloc(s->objects, cap * sizeof(*o));
                if (!o)
                        r = -ENOMEM;
                else {
                        s->objects = o;
                        s->cap_objects = cap;
                }
        }
        if (r == 0) {
                uint32_t id = s->n_objects;
                s->objects[s->n_objects++] = avb_binder_ref(local);
                if (!local->home) {
                        local->home = s;
                        local->home_id = id;
                }
                if (ret_object_id)
                        *ret_object_id = id;
        }
        pthread_mutex_unlock(&s->objects_lock);
        pthread_mutex_unlock(&servers_lock);
        return r;
}

avb_binder *avb_server_object(avb_server *s, uint32_t id)
{
        avb_binder *b = NULL;

        pthread_mutex_lock(&s->objects_lock);
        if (id < s->n_objects)
                b = avb_binder_ref(s->objects[id]);
        pthread_mutex_unlock(&s->objects_lock);
        return b;
}

void avb_server_close(avb_server *s)
{
        /* write(2) on an eventfd: async-signal-safe, never blocks with EFD_NONBLOCK. */
        if (s && s->close_efd >= 0)
                (void)!eventfd_write(s->close_efd, 1);
}

const char *avb_server_endpoint(const avb_server *s)
{
        return s ? s->ep.url : NULL;
}

void avb_server_retry_deferred(avb_server *s)
{
        if (s)
                s->retry_pending = true;
}

void avb_server_get_stats(const avb_server *s, avb_server_stats *ret)
{
        *ret = s->stats;
        ret->detached = s->n_detached;
}

int avb_server_find_local(const char *url, uint32_t object_id, avb_binder **ret)
{
        avb_binder *b = NULL;

        pthread_mutex_lock(&servers_lock);
        for (avb_server *s = servers; s && !b; s = s->next_registered)
                if (strcmp(s->ep.url, url) == 0)
                        b = avb_server_object(s, object_id);
        pthread_mutex_unlock(&servers_lock);
        if (!b)
                return -ENOENT;
        *ret = b;
        return 0;
}

int avb_server_home_of(const avb_binder *b, char **ret_endpoint, uint32_t *ret_id)
{
        char *e = NULL;
        uint32_t id = 0;
        int r = -ENOENT;

        pthread_mutex_lock(&servers_lock);
        if (b->home) {
                e = strdup(b->home->ep.url);
                id = b->home_id;
                r = e ? 0 : -ENOMEM;
        }
        pthread_mutex_unlock(&servers_lock);
        if (r < 0)
                return r;
        *ret_endpoint = e;
        *ret_id = id;
        return 0;
}
