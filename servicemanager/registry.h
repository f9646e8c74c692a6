/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_SM_REGISTRY_H
#define AVB_SM_REGISTRY_H

/*
 * The service table behind IServiceManager. Loop-thread only: every
 * function must be called from the thread running avb_server_run().
 */

#include <avbuffer/log.h>
#include <avbuffer/rpc.h>
#include <avbuffer/servicemanager.h>

#include "avb_servicemanager.h"
#include "policy.h"

typedef struct avb_registry avb_registry;

/*
 * A registry; *ret_binder is its local IServiceManager object. policy
 * (borrowed; must outlive the registry) decides who may register which name;
 * endpoints must lie in socket_dir (copied). A refusal is EX_SECURITY.
 */
int avb_registry_new(const avb_sm_policy *policy, const char *socket_dir,
                     avb_registry **ret_registry, avb_binder **ret_binder);
/* The server whose deferred calls (waitForService) a registration wakes. */
void avb_registry_set_server(avb_registry *r, avb_server *server);
avb_registry *avb_registry_free(avb_registry *r); /* accepts NULL; returns NULL */
/* Drops the services and notification requests of a process that has gone. */
void avb_registry_client_gone(avb_registry *r, const avb_peer *peer);

#endif
