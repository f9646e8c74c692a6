/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client helpers for the service manager (see avbuffer/servicemanager.h),
 * built into libavbuffer on top of the generated IServiceManager stubs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>
#include <avbuffer/servicemanager.h>

#include "avb_servicemanager.h"

/* Slack on top of a waitForService timeout for the call's own deadline. */
#define WAIT_SLACK_MS 2000

static int status_to_errno(const avb_status *st, const char *what)
{
        char buf[AVB_STATUS_MESSAGE_MAX + 64];

        if (avb_status_is_ok(st))
                return 0;
        if (st->exception == AVB_EX_SERVICE_SPECIFIC) {
                if (st->service_specific ==
                    avb_servicemanager_IServiceManager_ERROR_ALREADY_REGISTERED)
                        return -EEXIST;
                if (st->service_specific == avb_servicemanager_IServiceManager_ERROR_BAD_NAME)
                        return -EINVAL;
        }
        if (st->exception == AVB_EX_ILLEGAL_ARGUMENT)
                return -EINVAL;
        if (st->exception == AVB_EX_SECURITY)
                return -EPERM;
        if (st->exception == AVB_EX_TRANSACTION_FAILED) {
                switch (st->transport) {
                case AVB_TS_TIMED_OUT:
                        return -ETIMEDOUT;
                case AVB_TS_DEAD_OBJECT:
                case AVB_TS_NO_SERVICE:
                        return -ECONNREFUSED;
                case AVB_TS_PERMISSION:
                        return -EACCES;
                default:
                        break;
                }
        }
        avb_log(AVB_LOG_WARNING, "%s: %s", what, avb_status_to_string(st, buf, sizeof(buf)));
        return -EIO;
}

int avb_endpoint_split(const char *endpoint, char **ret_base, uint32_t *ret_object_id)
{
        const char *hash;
        unsigned long id = 0;
        char *base, *end;

        if (!endpoint || !*endpoint)
                return -EINVAL;
        hash = strrchr(endpoint, '#');
        if (hash) {
                if (!hash[1] || hash[1] == '-' || hash[1] == '+')
                        return -EINVAL;
                errno = 0;
                id = strtoul(hash + 1, &end, 10);
                if (errno || *end || id > UINT32_MAX)
                        return -EINVAL;
                base = strndup(endpoint, (size_t)(hash - endpoint));
        } else {
                base = strdup(endpoint);
        }
        if (!base)
                return -ENOMEM;
        *ret_base = base;
        *ret_object_id = (uint32_t)id;
        return 0;
}

int avb_sm_connect(avb_binder **ret)
{
        char *endpoint = NULL;
        int e;

        e = avb_endpoint_lookup(avb_servicemanager_IServiceManager_SOCKET_NAME, &endpoint);
        if (e < 0)
                return e;
        e = avb_binder_connect(endpoint, 0, ret);
        free(endpoint);
        return e;
}

int avb_service_add(avb_binder *sm, const char *name, avb_server *server, uint32_t object_id)
{
        char endpoint[512];
        avb_status st;
        int n;

        if (!sm || !name || !server)
                return -EINVAL;
        if (object_id)
                n = snprintf(endpoint, sizeof(endpoint), "%s#%u", avb_server_endpoint(server),
                             object_id);
        else
                n = snprintf(endpoint, sizeof(endpoint), "%s", avb_server_endpoint(server));
        if (n < 0 || (size_t)n >= sizeof(endpoint))
                return -ENAMETOOLONG;
        st = avb_servicemanager_IServiceManager_addService(sm, name, endpoint);
        return status_to_errno(&st, "addService");
}

int avb_service_get(avb_binder *sm, const char *name, int timeout_ms, avb_binder **ret)
{
        char *endpoint = NULL, *base = NULL;
        uint32_t object_id;
        avb_status st;
        int e;

        if (!sm || !name || timeout_ms < 0)
                return -EINVAL;
        if (timeout_ms > 0) {
                /* The call itself must outlive the wait it asks for. */
                avb_binder_set_deadline_ms(sm, timeout_ms > INT_MAX - WAIT_SLACK_MS
                                                   ? INT_MAX
                                                   : timeout_ms + WAIT_SLACK_MS);
                st = avb_servicemanager_IServiceManager_waitForService(sm, name, timeout_ms,
                                                                       &endpoint);
                avb_binder_set_deadline_ms(sm, 0);
        } else {
                st = avb_servicemanager_IServiceManager_checkService(sm, name, &endpoint);
        }
        e = status_to_errno(&st, "looking up a service");
        if (e < 0)
                return e;
        if (!endpoint)
                return -ENOENT;
        e = avb_endpoint_split(endpoint, &base, &object_id);
        if (e >= 0)
                e = avb_binder_connect(base, object_id, ret);
        free(base);
        free(endpoint);
        return e;
}
