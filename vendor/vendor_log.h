/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vendor layer's diagnostic line (vendor/log.c). The vendor library links
 * nothing of the RPC runtime, so it cannot use avb_log; this is its stand-in.
 *
 * Contract: thread-safe; one whole line per call.
 */
#ifndef AVB_VENDOR_LOG_H
#define AVB_VENDOR_LOG_H

/*
 * One line on stderr, prefixed with "avbuffer-vendor: ". avbufferd runs under
 * systemd, so stderr lands in the journal.
 */
void avb_vendor_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* AVB_VENDOR_LOG_H */
