/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frames (frame.h). Fields are written byte by byte in little-endian order,
 * so the layout holds whatever the host and whatever the buffer's alignment.
 * Every field of a received frame is checked before anything trusts it: the
 * strings within the message, the descriptor within AVB_DESCRIPTOR_MAX and
 * free of NULs (an embedded NUL would make "a\0b" compare equal to "a").
 */
#include "frame.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
        put16(p, (uint16_t)v);
        put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
        put32(p, (uint32_t)v);
        put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
        return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
        return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
        return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Why a header of `size` bytes does not start `buf`, or NULL. */
static const char *header_refusal(const uint8_t *buf, size_t len, size_t size)
{
        if (len < 6)
                return "a message shorter than a frame header";
        if (get32(buf) != AVB_FRAME_MAGIC)
                return "not an avbuffer frame (bad magic)";
        if (get16(buf + 4) != AVB_FRAME_VERSION)
                return "a frame of another version (this side speaks version 2)";
        if (len < size)
                return "a message shorter than a frame header";
        return NULL;
}

int avb_frame_pack_request(const avb_request_head *h, const uint8_t *payload, size_t len,
                           uint8_t **ret, size_t *ret_len)
{
        size_t desc_len = h->descriptor ? strlen(h->descriptor) : 0;
        size_t n;
        uint8_t *buf;

        if (!payload)
                len = 0;
        if (desc_len > AVB_DESCRIPTOR_MAX)
                return -ENAMETOOLONG;
        n = AVB_FRAME_REQUEST_SIZE + desc_len + len;
        buf = malloc(n);
        if (!buf)
                return -ENOMEM;
        put32(buf, AVB_FRAME_MAGIC);
        put16(buf + 4, AVB_FRAME_VERSION);
        put16(buf + 6, h->oneway ? AVB_FRAME_ONEWAY : 0);
        put32(buf + 8, h->code);
        put32(buf + 12, h->object_id);
        put32(buf + 16, (uint32_t)desc_len);
        put32(buf + 20, h->n_fds);
        put64(buf + 24, h->client_id);
        put64(buf + 32, h->request_id);
        put64(buf + 40, h->incarnation);
        if (desc_len)
                memcpy(buf + AVB_FRAME_REQUEST_SIZE, h->descriptor, desc_len);
        if (len)
                memcpy(buf + AVB_FRAME_REQUEST_SIZE + desc_len, payload, len);
        *ret = buf;
        *ret_len = n;
        return 0;
}

const char *avb_frame_parse_request(const void *data, size_t len, avb_frame_request *ret)
{
        const uint8_t *buf = data;
        const char *why = header_refusal(buf, len, AVB_FRAME_REQUEST_SIZE);
        uint16_t flags;
        uint32_t desc_len;

        if (why)
                return why;
        flags = get16(buf + 6);
        desc_len = get32(buf + 16);
        if (flags & ~AVB_FRAME_ONEWAY)
                return "a request with unknown flags";
        if (desc_len > AVB_DESCRIPTOR_MAX)
                return "a descriptor longer than allowed";
        if (desc_len > len - AVB_FRAME_REQUEST_SIZE)
                return "a descriptor beyond the end of the message";
        if (memchr(buf + AVB_FRAME_REQUEST_SIZE, '\0', desc_len))
                return "a descriptor with a NUL byte";
        ret->oneway = flags & AVB_FRAME_ONEWAY;
        ret->code = get32(buf + 8);
        ret->object_id = get32(buf + 12);
        ret->n_fds = get32(buf + 20);
        ret->client_id = get64(buf + 24);
        ret->request_id = get64(buf + 32);
        ret->incarnation = get64(buf + 40);
        memcpy(ret->descriptor, buf + AVB_FRAME_REQUEST_SIZE, desc_len);
        ret->descriptor[desc_len] = '\0';
        ret->payload = buf + AVB_FRAME_REQUEST_SIZE + desc_len;
        ret->len = len - AVB_FRAME_REQUEST_SIZE - desc_len;
        return NULL;
}

int avb_frame_pack_reply(uint64_t request_id, const avb_status *st, const uint8_t *payload,
                         size_t len, uint32_t n_fds, uint8_t **ret, size_t *ret_len)
{
        /* Whatever the status holds, the message stops at its array's end. */
        size_t msg_len = strnlen(st->message, sizeof(st->message) - 1);
        bool ok = st->exception == AVB_EX_NONE;
        size_t n;
        uint8_t *buf;

        if (!ok || !payload)
                len = 0;
        n = AVB_FRAME_REPLY_SIZE + msg_len + len;
        buf = malloc(n);
        if (!buf)
                return -ENOMEM;
        put32(buf, AVB_FRAME_MAGIC);
        put16(buf + 4, AVB_FRAME_VERSION);
        put16(buf + 6, 0);
        put64(buf + 8, request_id);
        put32(buf + 16, (uint32_t)st->exception);
        put32(buf + 20, (uint32_t)st->service_specific);
        put32(buf + 24, (uint32_t)st->transport);
        put32(buf + 28, (uint32_t)msg_len);
        put32(buf + 32, ok ? n_fds : 0);
        put32(buf + 36, 0);
        memcpy(buf + AVB_FRAME_REPLY_SIZE, st->message, msg_len);
        if (len)
                memcpy(buf + AVB_FRAME_REPLY_SIZE + msg_len, payload, len);
        *ret = buf;
        *ret_len = n;
        return 0;
}

int avb_frame_unpack_reply(const void *data, size_t len, uint64_t *ret_request_id,
                           avb_status *ret_status, uint8_t **ret_payload, size_t *ret_payload_len,
                           uint32_t *ret_n_fds)
{
        const uint8_t *buf = data;
        const char *why = header_refusal(buf, len, AVB_FRAME_REPLY_SIZE);
        avb_status st = avb_status_ok();
        uint32_t msg_len;
        uint8_t *payload = NULL;
        size_t payload_len;

        if (why)
                return len >= 6 && get32(buf) == AVB_FRAME_MAGIC &&
                               get16(buf + 4) != AVB_FRAME_VERSION
                           ? -EPROTO
                           : -EBADMSG;
        msg_len = get32(buf + 28);
        if (msg_len > len - AVB_FRAME_REPLY_SIZE)
                return -EBADMSG;
        st.exception = (int32_t)get32(buf + 16);
        if (st.exception == AVB_EX_SERVICE_SPECIFIC)
                st.service_specific = (int32_t)get32(buf + 20);
        if (st.exception == AVB_EX_TRANSACTION_FAILED) {
                int32_t ts = (int32_t)get32(buf + 24);
                st.transport = ts > AVB_TS_OK ? ts : AVB_TS_INTERNAL;
        }
        /* %.*s stops at a NUL inside the message too. */
        snprintf(st.message, sizeof(st.message), "%.*s",
                 (int)(msg_len < sizeof(st.message) ? msg_len : sizeof(st.message) - 1),
                 (const char *)buf + AVB_FRAME_REPLY_SIZE);
        payload_len = st.exception == AVB_EX_NONE ? len - AVB_FRAME_REPLY_SIZE - msg_len : 0;
        if (payload_len) {
                payload = malloc(payload_len);
                if (!payload)
                        return -ENOMEM;
                memcpy(payload, buf + AVB_FRAME_REPLY_SIZE + msg_len, payload_len);
        }
        *ret_request_id = get64(buf + 8);
        *ret_status = st;
        *ret_payload = payload;
        *ret_payload_len = payload_len;
        if (ret_n_fds)
                *ret_n_fds = st.exception == AVB_EX_NONE ? get32(buf + 32) : 0;
        return 0;
}
