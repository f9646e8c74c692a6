/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_ENVELOPE_H
#define AVB_STUBS_ENVELOPE_H

/*
 * Packing of the envelope messages of avb_wire.proto. Packed buffers are
 * malloc'ed; functions return 0 or -errno and leave outputs untouched on
 * failure.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <avbuffer/status.h>

#include "avb_wire.pb-c.h"

typedef struct avb_request_head {
        uint64_t client_id;
        uint64_t request_id;
        uint64_t incarnation;
        uint32_t object_id;
        const char *descriptor;
        uint32_t code;
        bool oneway;
        uint32_t n_fds; /* ipc://: fds sent ahead on the lifeline */
} avb_request_head;

int avb_envelope_pack_request(const avb_request_head *h, const uint8_t *payload, size_t len,
                              uint8_t **ret, size_t *ret_len);
/* NULL when the bytes are not a Request. Free with avb__request__free_unpacked(r, NULL). */
Avb__Request *avb_envelope_unpack_request(const void *buf, size_t len);

/* A Reply carrying `st`, and `payload` and n_fds when st is OK. */
int avb_envelope_pack_reply(uint64_t request_id, const avb_status *st, const uint8_t *payload,
                            size_t len, uint32_t n_fds, uint8_t **ret, size_t *ret_len);
/*
 * Turns a Reply into the status of the call and, when OK, a malloc'ed copy
 * of its payload (NULL when empty), and the count of fds sent ahead of it on
 * the lifeline (ret_n_fds may be NULL). -EBADMSG for bytes that are not a Reply.
 */
int avb_envelope_unpack_reply(const void *buf, size_t len, uint64_t *ret_request_id,
                              avb_status *ret_status, uint8_t **ret_payload,
                              size_t *ret_payload_len, uint32_t *ret_n_fds);

int avb_envelope_pack_meta(int32_t version, const char *hash, uint8_t **ret, size_t *ret_len);
/* *ret_hash is malloc'ed. */
int avb_envelope_unpack_meta(const uint8_t *buf, size_t len, int32_t *ret_version,
                             char **ret_hash);

#endif
