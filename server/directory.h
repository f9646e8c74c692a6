/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_DIRECTORY_H
#define AVBD_DIRECTORY_H

/*
 * The server side of the buffer directory (helper/directory.h): a sealed
 * memfd that clients map read-only. Calls that change it must be
 * serialised by the caller (the vendor lock: they run from the vendor's
 * buffer observer).
 */

#include <stdbool.h>
#include <stdint.h>

#include "vendor.h"

struct avbd_directory;

int avbd_directory_new(uint32_t slots, uint64_t heap_bytes, struct avbd_directory **ret);
void avbd_directory_free(struct avbd_directory *d); /* accepts NULL */

/* Publishes (info != NULL) or removes (info == NULL) the entry of a handle. */
void avbd_directory_update(struct avbd_directory *d, int64_t handle,
                           const struct avb_buffer_info *info);

/* A new read-only file descriptor of the directory for a client (caller closes). */
int avbd_directory_client_fd(struct avbd_directory *d);
uint32_t avbd_directory_slots(const struct avbd_directory *d);

#endif
