/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keeping avbufferd's names registered (registrar.h).
 *
 * Registration used to be one attempt before serving, and a name that was
 * taken made avbufferd exit: whoever held "AVBuffer" while avbufferd was down
 * (after a crash, say) kept it, and the real service never came back. Now
 * the server serves at once and this thread claims the names in the
 * background for as long as avbufferd runs. A registration lasts as long as
 * the process that made it, so a squatter's name frees itself when the
 * squatter dies, and the next attempt takes it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <avbuffer/log.h>
#include <avbuffer/servicemanager.h>

#include "registrar.h"
#include "util.h"

struct name_state {
        char *name;
        uint32_t object_id;
        bool registered;
        int last_error; /* the failure last logged, 0 when none */
};

struct avbd_registrar {
        avb_server *server;
        struct name_state names[AVBD_REGISTRAR_MAX_NAMES];
        size_t n;
        avb_binder *sm; /* the loop thread's; NULL while there is none */
        int sm_error;   /* why there is none, as last logged */

        pthread_t thread;
        bool started;
        pthread_mutex_t lock; /* guards stopping and sm_gone */
        pthread_cond_t cond;
        bool stopping;
        bool sm_gone;
};

static void on_sm_death(void *userdata)
{
        struct avbd_registrar *r = userdata;

        pthread_mutex_lock(&r->lock);
        r->sm_gone = true;
        pthread_cond_signal(&r->cond);
        pthread_mutex_unlock(&r->lock);
}

/* Waits up to ms (or until stopped or the service manager dies); true when stopping. */
static bool pause_ms(struct avbd_registrar *r, int ms)
{
        struct timespec ts = avb_timespec_in_ms(CLOCK_MONOTONIC, ms);
        bool stopping;

        pthread_mutex_lock(&r->lock);
        while (!r->stopping && !r->sm_gone &&
               pthread_cond_timedwait(&r->cond, &r->lock, &ts) != ETIMEDOUT)
                ;
        stopping = r->stopping;
        pthread_mutex_unlock(&r->lock);
        return stopping;
}

static void drop_sm(struct avbd_registrar *r)
{
        if (!r->sm)
                return;
        avb_binder_unlink_to_death(r->sm, on_sm_death, r);
        r->sm = avb_binder_unref(r->sm);
        /* The next service manager knows none of our names. */
        for (size_t i = 0; i < r->n; i++)
                r->names[i].registered = false;
}

/* A service manager proxy, or false (the reason logged once). */
static bool have_sm(struct avbd_registrar *r)
{
        bool gone;
        int e;

        pthread_mutex_lock(&r->lock);
        gone = r->sm_gone;
        r->sm_gone = false;
        pthread_mutex_unlock(&r->lock);
        if (r->sm && (gone || !avb_binder_is_alive(r->sm))) {
                avb_log(AVB_LOG_WARNING, "the service manager has gone; registering again");
                drop_sm(r);
        }
        if (r->sm)
                return true;
        e = avb_sm_connect(&r->sm);
        if (e < 0) {
                r->sm = NULL;
                if (e != r->sm_error)
                        avb_log(AVB_LOG_WARNING, "no service manager (%s); retrying", strerror(-e));
                r->sm_error = e;
                return false;
        }
        r->sm_error = 0;
        if (avb_binder_link_to_death(r->sm, on_sm_death, r) < 0)
                avb_log(AVB_LOG_DEBUG, "no death link to the service manager; polling it");
        return true;
}

static const char *why(int e)
{
        switch (e) {
        case -EEXIST:
                return "another live process holds it";
        case -EPERM:
                return "the service manager's policy refuses it to this uid or endpoint";
        default:
                return strerror(-e);
        }
}

/* One attempt at every name not yet registered; true when all are. */
static bool register_all(struct avbd_registrar *r)
{
        bool all = true;

        for (size_t i = 0; i < r->n && r->sm; i++) {
                struct name_state *ns = &r->names[i];
                int e;

                if (ns->registered)
                        continue;
                e = avb_service_add(r->sm, ns->name, r->server, ns->object_id);
                if (e == 0) {
                        avb_log(ns->last_error ? AVB_LOG_WARNING : AVB_LOG_INFO,
                                "registered '%s' with the service manager", ns->name);
                        ns->registered = true;
                        ns->last_error = 0;
                        continue;
                }
                all = false;
                if (e != ns->last_error)
                        avb_log(AVB_LOG_WARNING,
                                "cannot register '%s' (%s); still serving, retrying", ns->name,
                                why(e));
                ns->last_error = e;
                if (e == -ECONNREFUSED || e == -ETIMEDOUT || e == -EIO)
                        drop_sm(r); /* reconnect: this one may be dead */
        }
        return all && r->sm;
}

static void *registrar_thread(void *arg)
{
        struct avbd_registrar *r = arg;
        int backoff = AVBD_REGISTRAR_MIN_MS;

        for (;;) {
                if (have_sm(r) && register_all(r)) {
                        backoff = AVBD_REGISTRAR_MIN_MS;
                        /* Registered: wake up when the service manager dies. */
                        if (pause_ms(r, AVBD_REGISTRAR_MAX_MS))
                                break;
                        continue;
                }
                if (pause_ms(r, backoff))
                        break;
                backoff = backoff * 2 > AVBD_REGISTRAR_MAX_MS ? AVBD_REGISTRAR_MAX_MS : backoff * 2;
        }
        return NULL;
}

void avbd_registrar_stop(struct avbd_registrar *r)
{
        if (!r)
                return;
        if (r->started) {
                pthread_mutex_lock(&r->lock);
                r->stopping = true;
                pthread_cond_signal(&r->cond);
                pthread_mutex_unlock(&r->lock);
                pthread_join(r->thread, NULL);
        }
        drop_sm(r);
        for (size_t i = 0; i < r->n; i++)
                free(r->names[i].name);
        pthread_cond_destroy(&r->cond);
        pthread_mutex_destroy(&r->lock);
        free(r);
}

int avbd_registrar_start(avb_server *server, const struct avbd_registration *regs, size_t n,
                         struct avbd_registrar **ret)
{
        struct avbd_registrar *r;
        pthread_condattr_t ca;
        int e;

        if (n > AVBD_REGISTRAR_MAX_NAMES)
                return -E2BIG;
        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->server = server;
        pthread_mutex_init(&r->lock, NULL);
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&r->cond, &ca);
        pthread_condattr_destroy(&ca);
        for (; r->n < n; r->n++) {
                r->names[r->n].object_id = regs[r->n].object_id;
                r->names[r->n].name = strdup(regs[r->n].name);
                if (!r->names[r->n].name) {
                        avbd_registrar_stop(r);
                        return -ENOMEM;
                }
        }
        e = -pthread_create(&r->thread, NULL, registrar_thread, r);
        if (e < 0) {
                avbd_registrar_stop(r);
                return e;
        }
        r->started = true;
        *ret = r;
        return 0;
}
