/* SPDX-License-Identifier: Apache-2.0 */
#include "envelope.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Packs any protobuf-c message into a malloc'ed buffer. */
static int pack_message(const ProtobufCMessage *m, uint8_t **ret, size_t *ret_len)
{
        size_t n = protobuf_c_message_get_packed_size(m);
        uint8_t *buf = malloc(n ? n : 1);

        if (!buf)
                return -ENOMEM;
        protobuf_c_message_pack(m, buf);
        *ret = buf;
        *ret_len = n;
        return 0;
}

int avb_envelope_pack_request(const avb_request_head *h, const uint8_t *payload, size_t len,
                              uint8_t **ret, size_t *ret_len)
{
        Avb__Request r = AVB__REQUEST__INIT;

        r.client_id = h->client_id;
        r.request_id = h->request_id;
        r.incarnation = h->incarnation;
        r.object_id = h->object_id;
        r.descriptor = (char *)(h->descriptor ? h->descriptor : "");
        r.code = h->code;
        r.oneway = h->oneway;
        r.n_fds = h->n_fds;
        r.payload.data = (uint8_t *)payload;
        r.payload.len = payload ? len : 0;
        return pack_message(&r.base, ret, ret_len);
}

Avb__Request *avb_envelope_unpack_request(const void *buf, size_t len)
{
        return avb__request__unpack(NULL, len, buf);
}

int avb_envelope_pack_reply(uint64_t request_id, const avb_status *st, const uint8_t *payload,
                            size_t len, uint32_t n_fds, uint8_t **ret, size_t *ret_len)
{
        Avb__Reply r = AVB__REPLY__INIT;
        char message[AVB_STATUS_MESSAGE_MAX];

        /* The message is copied so that it is NUL-terminated whatever the status holds. */
        memcpy(message, st->message, sizeof(message));
        message[sizeof(message) - 1] = '\0';
        r.request_id = request_id;
        r.exception = st->exception;
        r.service_specific = st->service_specific;
        r.transport = st->transport;
        r.message = message;
        if (st->exception == AVB_EX_NONE && payload) {
                r.payload.data = (uint8_t *)payload;
                r.payload.len = len;
        }
        if (st->exception == AVB_EX_NONE)
                r.n_fds = n_fds;
        return pack_message(&r.base, ret, ret_len);
}

static avb_status status_of_reply(const Avb__Reply *r)
{
        avb_status st = avb_status_ok();

        st.exception = r->exception;
        if (r->exception == AVB_EX_SERVICE_SPECIFIC)
                st.service_specific = r->service_specific;
        if (r->exception == AVB_EX_TRANSACTION_FAILED)
                st.transport = r->transport > AVB_TS_OK ? r->transport : AVB_TS_INTERNAL;
        if (r->message)
                snprintf(st.message, sizeof(st.message), "%s", r->message);
        return st;
}

int avb_envelope_unpack_reply(const void *buf, size_t len, uint64_t *ret_request_id,
                              avb_status *ret_status, uint8_t **ret_payload,
                              size_t *ret_payload_len, uint32_t *ret_n_fds)
{
        Avb__Reply *r = avb__reply__unpack(NULL, len, buf);
        uint8_t *payload = NULL;
        avb_status st;

        if (!r)
                return -EBADMSG;
        st = status_of_reply(r);
        if (st.exception == AVB_EX_NONE && r->payload.len > 0) {
                payload = malloc(r->payload.len);
                if (!payload) {
                        avb__reply__free_unpacked(r, NULL);
                        return -ENOMEM;
                }
                memcpy(payload, r->payload.data, r->payload.len);
        }
        *ret_request_id = r->request_id;
        *ret_status = st;
        *ret_payload = payload;
        *ret_payload_len = payload ? r->payload.len : 0;
        if (ret_n_fds)
                *ret_n_fds = st.exception == AVB_EX_NONE ? r->n_fds : 0;
        avb__reply__free_unpacked(r, NULL);
        return 0;
}

int avb_envelope_pack_meta(int32_t version, const char *hash, uint8_t **ret, size_t *ret_len)
{
        Avb__MetaReply m = AVB__META_REPLY__INIT;

        m.version = version;
        m.hash = (char *)(hash ? hash : "");
        return pack_message(&m.base, ret, ret_len);
}

int avb_envelope_unpack_meta(const uint8_t *buf, size_t len, int32_t *ret_version,
                             char **ret_hash)
{
        Avb__MetaReply *m = avb__meta_reply__unpack(NULL, len, buf);
        char *hash;

        if (!m)
                return -EBADMSG;
        hash = strdup(m->hash ? m->hash : "");
        if (!hash) {
                avb__meta_reply__free_unpacked(m, NULL);
                return -ENOMEM;
        }
        if (ret_version)
                *ret_version = m->version;
        if (ret_hash)
                *ret_hash = hash;
        else
                free(hash);
        avb__meta_reply__free_unpacked(m, NULL);
        return 0;
}
