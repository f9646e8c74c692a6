/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service manager's IServiceManager implementation: a table of
 * registered services and of pending notification requests.
 *
 * Everything runs on the server's loop thread, so nothing here locks.
 * Registrations belong to the client process that made them and go away
 * with it (client_gone); so do its notification callbacks. Who may register
 * a name, and where its endpoint may lie, is the policy's (policy.h): the
 * caller's identity is its lifeline's SO_PEERCRED, which it cannot choose.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

#define NAME_MAX_LEN 96
#define WAIT_MAX_MS  60000

struct service {
        char *name;
        char *endpoint;
        uint64_t owner;
        pid_t pid;
        struct service *next;
};

struct watch {
        char *name;
        avb_binder *callback;
        uint64_t owner;
        struct watch *next;
};

struct avb_registry {
        struct service *services; /* sorted by name */
        struct watch *watches;
        avb_server *server;
        const avb_sm_policy *policy;
        char *socket_dir;
};

static bool name_is_valid(const char *name)
{
        size_t n = strlen(name);

        if (n == 0 || n > NAME_MAX_LEN)
                return false;
        for (const char *p = name; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-' || *p == '/'))
                        return false;
        return true;
}

static bool endpoint_is_valid(const char *endpoint)
{
        char *base = NULL;
        uint32_t object_id;

        if (strncmp(endpoint, "ipc://", 6) != 0 && strncmp(endpoint, "unix://", 7) != 0)
                return false;
        if (avb_endpoint_split(endpoint, &base, &object_id) < 0)
                return false;
        free(base);
        return true;
}

static struct service *find(avb_registry *r, const char *name)
{
        for (struct service *s = r->services; s; s = s->next)
                if (strcmp(s->name, name) == 0)
                        return s;
        return NULL;
}

static void service_free(struct service *s)
{
        if (!s)
                return;
        free(s->name);
        free(s->endpoint);
        free(s);
}

static void watch_free(struct watch *w)
{
        if (!w)
                return;
        free(w->name);
        avb_binder_unref(w->callback);
        free(w);
}

/* Tells every watcher of `s` and forgets them: a watch fires once. */
static void notify_watchers(avb_registry *r, const struct service *s)
{
        struct watch **pp = &r->watches;

        while (*pp) {
                struct watch *w = *pp;

                if (strcmp(w->name, s->name) != 0) {
                        pp = &w->next;
                        continue;
                }
                /* Oneway: queued, never blocks the loop on a slow watcher. */
                avb_status st = avb_servicemanager_IServiceCallback_onRegistration(
                    w->callback, s->name, s->endpoint);
                (void)st;
                *pp = w->next;
                watch_free(w);
        }
}

static avb_status sm_addService(void *impl, avb_call *call, const char *name, const char *endpoint)
{
        avb_registry *r = impl;
        const avb_peer *peer = avb_call_peer(call);
        struct service *s, **pp;
        int e;

        if (!name_is_valid(name))
                return avb_status_service_specific(
                    avb_servicemanager_IServiceManager_ERROR_BAD_NAME,
                    "service name '%.*s' is not 1-%d characters of [A-Za-z0-9._/-]", 100, name,
                    NAME_MAX_LEN);
        if (!endpoint_is_valid(endpoint))
                return avb_status_service_specific(
                    avb_servicemanager_IServiceManager_ERROR_BAD_NAME,
                    "endpoint '%.*s' is not a usable ipc:// or unix:// endpoint", 100, endpoint);

        if (!avb_sm_policy_allows(r->policy, name, peer->uid, peer->gid)) {
                avb_log(AVB_LOG_WARNING, "refused '%s' to pid %d uid %u gid %u: not in the policy",
                        name, (int)peer->pid, (unsigned)peer->uid, (unsigned)peer->gid);
                return avb_status_exception(AVB_EX_SECURITY,
                                            "uid %u (gid %u) may not register '%s'",
                                            (unsigned)peer->uid, (unsigned)peer->gid, name);
        }
        e = avb_sm_endpoint_check(endpoint, r->socket_dir);
        if (e < 0) {
                avb_log(AVB_LOG_WARNING, "refused '%s' at %s to pid %d: %s", name, endpoint,
                        (int)peer->pid, strerror(-e));
                return avb_status_exception(
                    AVB_EX_SECURITY, "endpoint '%.*s' is not a socket name directly in %s (%s)",
                    100, endpoint, r->socket_dir, strerror(-e));
        }

        s = find(r, name);
        if (s && s->owner != peer->client_id)
                return avb_status_service_specific(
                    avb_servicemanager_IServiceManager_ERROR_ALREADY_REGISTERED,
                    "'%s' is already registered by pid %d", name, (int)s->pid);
        if (s) {
                /* The same process registers again: take the new endpoint. */
                char *copy = strdup(endpoint);
                if (!copy)
                        return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
                free(s->endpoint);
                s->endpoint = copy;
        } else {
                s = calloc(1, sizeof(*s));
                if (!s || !(s->name = strdup(name)) || !(s->endpoint = strdup(endpoint))) {
                        service_free(s);
                        return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
                }
                s->owner = peer->client_id;
                s->pid = peer->pid;
                for (pp = &r->services; *pp && strcmp((*pp)->name, name) < 0; pp = &(*pp)->next)
                        ;
                s->next = *pp;
                *pp = s;
        }
        avb_log(AVB_LOG_INFO, "registered '%s' at %s (pid %d)", name, endpoint, (int)peer->pid);
        notify_watchers(r, s);
        if (r->server)
                avb_server_retry_deferred(r->server);
        return avb_status_ok();
}

static avb_status lookup(avb_registry *r, const char *name, char **ret_result)
{
        struct service *s = find(r, name);
        char *e = NULL;

        if (s && !(e = strdup(s->endpoint)))
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        *ret_result = e;
        return avb_status_ok();
}

static avb_status sm_checkService(void *impl, avb_call *call, const char *name, char **ret_result)
{
        (void)call;
        return lookup(impl, name, ret_result);
}

static avb_status sm_waitForService(void *impl, avb_call *call, const char *name, int32_t timeoutMs,
                                    char **ret_result)
{
        avb_registry *r = impl;

        if (timeoutMs < 0)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "timeoutMs must not be negative");
        if (find(r, name) || timeoutMs == 0 || avb_call_is_final(call))
                return lookup(r, name, ret_result);
        /* Answered again when a service registers or the time is up. */
        return avb_call_defer(call, timeoutMs > WAIT_MAX_MS ? WAIT_MAX_MS : timeoutMs);
}

static avb_status sm_listServices(void *impl, avb_call *call,
                                  avb_servicemanager_ServiceInfo **ret_result,
                                  size_t *ret_result_count)
{
        avb_registry *r = impl;
        avb_servicemanager_ServiceInfo *v;
        size_t n = 0, i = 0;

        (void)call;
        for (struct service *s = r->services; s; s = s->next)
                n++;
        v = calloc(n ? n : 1, sizeof(*v));
        if (!v)
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        for (struct service *s = r->services; s; s = s->next, i++) {
                avb_servicemanager_ServiceInfo_init(&v[i]);
                v[i].name = strdup(s->name);
                v[i].endpoint = strdup(s->endpoint);
                v[i].pid = (int32_t)s->pid;
                if (!v[i].name || !v[i].endpoint) {
                        for (size_t j = 0; j <= i; j++)
                                avb_servicemanager_ServiceInfo_fini(&v[j]);
                        free(v);
                        return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
                }
        }
        *ret_result = v;
        *ret_result_count = n;
        return avb_status_ok();
}

static avb_status sm_registerForNotifications(void *impl, avb_call *call, const char *name,
                                              avb_binder *callback)
{
        avb_registry *r = impl;
        struct service *s = find(r, name);
        struct watch *w;

        if (s) {
                avb_status st = avb_servicemanager_IServiceCallback_onRegistration(
                    callback, s->name, s->endpoint);
                (void)st;
                return avb_status_ok();
        }
        if (!name_is_valid(name))
                return avb_status_service_specific(
                    avb_servicemanager_IServiceManager_ERROR_BAD_NAME,
                    "service name '%.*s' is not valid", 100, name);
        w = calloc(1, sizeof(*w));
        if (!w || !(w->name = strdup(name))) {
                free(w);
                return avb_status_exception(AVB_EX_ILLEGAL_STATE, "out of memory");
        }
        w->callback = avb_binder_ref(callback);
        w->owner = avb_call_peer(call)->client_id;
        w->next = r->watches;
        r->watches = w;
        return avb_status_ok();
}

static const avb_servicemanager_IServiceManager_ops sm_ops = {
    .addService = sm_addService,
    .checkService = sm_checkService,
    .getService = sm_checkService,
    .waitForService = sm_waitForService,
    .listServices = sm_listServices,
    .registerForNotifications = sm_registerForNotifications,
};

void avb_registry_client_gone(avb_registry *r, const avb_peer *peer)
{
        for (struct service **pp = &r->services; *pp;) {
                struct service *s = *pp;

                if (s->owner != peer->client_id) {
                        pp = &s->next;
                        continue;
                }
                avb_log(AVB_LOG_INFO, "removed '%s': pid %d has gone", s->name, (int)s->pid);
                *pp = s->next;
                service_free(s);
        }
        for (struct watch **pp = &r->watches; *pp;) {
                struct watch *w = *pp;

                if (w->owner != peer->client_id) {
                        pp = &w->next;
                        continue;
                }
                *pp = w->next;
                watch_free(w);
        }
}

void avb_registry_set_server(avb_registry *r, avb_server *server)
{
        r->server = server;
}

int avb_registry_new(const avb_sm_policy *policy, const char *socket_dir,
                     avb_registry **ret_registry, avb_binder **ret_binder)
{
        avb_registry *r;
        avb_binder *b = NULL;
        int e;

        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->policy = policy;
        r->socket_dir = strdup(socket_dir);
        e = r->socket_dir ? avb_servicemanager_IServiceManager_new_local(&sm_ops, r, NULL, &b)
                          : -ENOMEM;
        if (e < 0) {
                free(r->socket_dir);
                free(r);
                return e;
        }
        *ret_registry = r;
        *ret_binder = b;
        return 0;
}

avb_registry *avb_registry_free(avb_registry *r)
{
        if (!r)
                return NULL;
        while (r->services) {
                struct service *s = r->services;
                r->services = s->next;
                service_free(s);
        }
        while (r->watches) {
                struct watch *w = r->watches;
                r->watches = w->next;
                watch_free(w);
        }
        free(r->socket_dir);
        free(r);
        return NULL;
}
