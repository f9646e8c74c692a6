/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_FRAME_H
#define AVB_STUBS_FRAME_H

/*
 * The frame of every avbuffer RPC message: a fixed little-endian header, then
 * its variable parts side by side, the generated per-interface message last.
 *
 *   request (48 bytes)  magic u32, version u16, flags u16 (bit 0: oneway),
 *                       code u32, object_id u32, descriptor length u32,
 *                       n_fds u32, client_id u64, request_id u64,
 *                       incarnation u64;
 *                       then the descriptor (no NUL), then the payload.
 *   reply (40 bytes)    magic u32, version u16, reserved u16, request_id u64,
 *                       exception s32, service_specific s32, transport s32,
 *                       message length u32, n_fds u32, reserved u32;
 *                       then the message (no NUL), then the payload.
 *
 * The payload is whatever follows: its length is the message's minus the
 * header and the string. A frame of another version is refused as such
 * (version 1 was a protobuf envelope). n_fds: on ipc://, the fds sent ahead
 * on the lifeline (lifeline.h). Packed frames are malloc'ed; functions return
 * 0 or -errno and leave outputs untouched on failure.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <avbuffer/status.h>

#include "internal.h"

#define AVB_FRAME_MAGIC        0x46425641u /* "AVBF" in little-endian order */
#define AVB_FRAME_VERSION      2u
#define AVB_FRAME_ONEWAY       0x1u
#define AVB_FRAME_REQUEST_SIZE 48
#define AVB_FRAME_REPLY_SIZE   40

typedef struct avb_request_head {
        uint64_t client_id;
        uint64_t request_id;
        uint64_t incarnation;
        uint32_t object_id;
        const char *descriptor; /* NULL: none */
        uint32_t code;
        bool oneway;
        uint32_t n_fds;
} avb_request_head;

/* A received request; `payload` points into the received bytes (not copied). */
typedef struct avb_frame_request {
        uint64_t client_id;
        uint64_t request_id;
        uint64_t incarnation;
        uint32_t object_id;
        uint32_t code;
        uint32_t n_fds;
        bool oneway;
        char descriptor[AVB_DESCRIPTOR_MAX + 1];
        const uint8_t *payload;
        size_t len;
} avb_frame_request;

/* One buffer: header, descriptor and payload (copied once). */
int avb_frame_pack_request(const avb_request_head *h, const uint8_t *payload, size_t len,
                           uint8_t **ret, size_t *ret_len);
/*
 * Reads a request from outside: NULL, or why the bytes are not one (a static
 * string; *ret untouched then). ret->payload borrows from `buf`.
 */
const char *avb_frame_parse_request(const void *buf, size_t len, avb_frame_request *ret);

/*
 * Whether bytes from outside say they are a oneway request: a hint read
 * without parsing (avb_frame_parse_request decides what they are).
 */
static inline bool avb_frame_says_oneway(const uint8_t *buf, size_t len)
{
        return len >= AVB_FRAME_REQUEST_SIZE && (buf[6] & AVB_FRAME_ONEWAY);
}
/* A reply carrying `st`, and `payload` and n_fds when st is OK. */
int avb_frame_pack_reply(uint64_t request_id, const avb_status *st, const uint8_t *payload,
                         size_t len, uint32_t n_fds, uint8_t **ret, size_t *ret_len);
/*
 * Turns a reply into the status of the call and, when OK, a malloc'ed copy
 * of its payload (NULL when empty), and the count of fds sent ahead of it on
 * the lifeline (ret_n_fds may be NULL). -EBADMSG for bytes that are not a
 * reply, -EPROTO for a reply of another frame version.
 */
int avb_frame_unpack_reply(const void *buf, size_t len, uint64_t *ret_request_id,
                           avb_status *ret_status, uint8_t **ret_payload, size_t *ret_payload_len,
                           uint32_t *ret_n_fds);

#endif
