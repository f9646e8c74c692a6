/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFFER_SERVICEMANAGER_H
#define AVBUFFER_SERVICEMANAGER_H

/*
 * Finding services by name, on top of the generated IServiceManager stubs.
 *
 * The service manager listens at avb_endpoint_for("servicemanager") (so in
 * $AVB_SOCKET_DIR when set). A registration lasts as long as the process
 * that made it: the service manager drops it when that process goes away.
 * An endpoint may name an object other than the main one with a "#N"
 * suffix: "ipc:///run/avbuffer/AVBuffer#1".
 *
 * All functions return 0 or a negative errno; remote failures are mapped:
 * -ENOENT (no such service / not registered in time), -EEXIST (name taken),
 * -EINVAL (bad name or endpoint), -EPERM (the service manager's policy
 * refuses the caller that name, or the endpoint is not in the socket
 * directory), -ECONNREFUSED (no service manager),
 * -ETIMEDOUT, -EIO (anything else; the status is logged).
 */

#include <avbuffer/rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A proxy for the service manager. */
AVB_EXPORT int avb_sm_connect(avb_binder **ret);

/* Registers `name` as served by `server` (object `object_id` on it). */
AVB_EXPORT int avb_service_add(avb_binder *sm, const char *name, avb_server *server,
                               uint32_t object_id);

/*
 * Looks `name` up, waiting up to timeout_ms (0: do not wait) for it to be
 * registered, and connects a proxy to it.
 */
AVB_EXPORT int avb_service_get(avb_binder *sm, const char *name, int timeout_ms, avb_binder **ret);

/* Splits "ipc://path#N" into a malloc'ed endpoint and object id (0 without "#"). */
AVB_EXPORT int avb_endpoint_split(const char *endpoint, char **ret_base, uint32_t *ret_object_id);

#ifdef __cplusplus
}
#endif

#endif
