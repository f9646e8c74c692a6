/* SPDX-License-Identifier: Apache-2.0 */
/*
 * softvpu: a VPU backend (vpu.h) whose "hardware" is a firmware process,
 * avb-softvpu (softvpu_fw.c), that this driver starts with posix_spawn and
 * supervises. The two share only a mailbox (softvpu_mailbox.h: command and
 * completion rings in a memfd, eventfd doorbells both ways) and the heaps
 * the memory description names (inherited descriptors; the firmware maps the
 * heaps read-only and each output block read-write).
 *
 * Watchdog: one driver thread takes completions and, every 100 ms, checks
 * that the firmware is alive (waitpid) and its heartbeat moves. A firmware
 * that died or stalled for watchdog_ms is killed and started again: every
 * open session becomes dead (its ops give -ENODEV, an ERROR event with
 * -ENODEV is queued, its poll fd fires; the caller owns and frees every
 * buffer it had queued), and new sessions go to the new firmware.
 *
 * Safe to create only where the process may still spawn (posix_spawn, never
 * fork: see rpc.h).
 */
#ifndef AVB_VENDOR_SOFTVPU_H
#define AVB_VENDOR_SOFTVPU_H

#include <sys/types.h>

#include "vpu.h"

/* The firmware executable when neither the options nor $AVB_SOFTVPU_FIRMWARE name one. */
#ifndef AVB_SOFTVPU_DEFAULT_FIRMWARE
#define AVB_SOFTVPU_DEFAULT_FIRMWARE "/usr/libexec/avbuffer/avb-softvpu"
#endif

struct avb_softvpu_options {
        const char *firmware; /* NULL: $AVB_SOFTVPU_FIRMWARE, else the default */
        int watchdog_ms;      /* stall timeout; 0: 2000 */
};

extern const struct avb_vpu_ops avb_softvpu_ops;

/*
 * Start the firmware and fill *ret (ops = &avb_softvpu_ops). mem's heap fds
 * are duplicated (the caller keeps its own). opts may be NULL.
 * Errors: -ENOENT (no firmware executable), -ENOMEM, -errno of the spawn,
 * -ETIMEDOUT (the firmware did not come up).
 */
int avb_softvpu_new(const struct avb_vpu_memory *mem, const struct avb_softvpu_options *opts,
                    struct avb_vpu *ret);

/* Firmware pid now (for logs and tests), or -1. */
pid_t avb_softvpu_firmware_pid(const struct avb_vpu *vpu);
/* How many times the watchdog restarted the firmware. */
unsigned avb_softvpu_restarts(const struct avb_vpu *vpu);

#endif /* AVB_VENDOR_SOFTVPU_H */
