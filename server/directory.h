/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_DIRECTORY_H
#define AVBD_DIRECTORY_H

/*
 * The server side of the client buffer directories (helper/directory_format.h).
 *
 * The object keeps a private shadow of every live buffer (fed by the
 * vendor's buffer observer) and up to AVBD_MAX_DIRECTORIES client
 * directories, each a sealed memfd its client maps read-only. A handle
 * enters a client's directory only through avbd_directory_lookup() for that
 * client; the shadow remembers which directories list each buffer, so a
 * trim or a free reaches every copy.
 *
 * Locking: one internal mutex. avbd_directory_update() is called with the
 * vendor lock held; nothing here calls into the vendor, so the order is
 * always vendor lock, then this one.
 */

#include <stdbool.h>
#include <stdint.h>

#include "vendor.h"

#define AVBD_MAX_DIRECTORIES 256

struct avbd_directory;

int avbd_directory_new(uint64_t heap_bytes, struct avbd_directory **ret);
void avbd_directory_free(struct avbd_directory *d); /* accepts NULL */

/* The vendor observer: a handle is live at `info`, or gone (info NULL). */
void avbd_directory_update(struct avbd_directory *d, int64_t handle,
                           const struct avb_buffer_info *info);

/* Random per service start: tells a reconnecting client a restart happened. */
uint64_t avbd_directory_instance(const struct avbd_directory *d);

/*
 * A new, empty client directory: its id and a read-only file descriptor of
 * it (the caller sends it and closes it). -EUSERS when all are in use; the
 * fcntl error when the kernel cannot seal it against writes (before 5.1).
 */
int avbd_directory_open_client(struct avbd_directory *d, int *ret_id, int *ret_fd);
/* Drops client directory `id` (its connection closed). */
void avbd_directory_close_client(struct avbd_directory *d, int id);

/*
 * Resolves `handle` for client directory `id` (-1: none) and lists it
 * there. -ENOENT when it is not a live buffer; -ENOMEM when the shadow
 * could not grow to its slot. A secure buffer's offset is reported as 0.
 */
int avbd_directory_lookup(struct avbd_directory *d, int id, int64_t handle,
                          struct avb_buffer_info *ret_info);

#endif
