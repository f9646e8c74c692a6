/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_TRANSPORT_H
#define AVB_STUBS_TRANSPORT_H

/*
 * The message transport seam. transport_nn.c implements it on nanomsg and is
 * the only file of the runtime that includes nanomsg headers; replacing the
 * transport means reimplementing this header, nothing else.
 *
 * Sockets are small non-negative ints. Every function returns 0 (or a
 * length/fd where said) or a negative errno; nanomsg's -1/errno is converted
 * in one place. Sends and receives never block: callers wait with poll() on
 * the fds given by avb_tp_recv_fd/avb_tp_send_fd, which are readable while the
 * socket can receive/send.
 */

#include <stdbool.h>
#include <stddef.h>

typedef enum avb_tp_kind {
        AVB_TP_REQ,     /* client side of two-way calls */
        AVB_TP_REP_RAW, /* server side of two-way calls: many requests in flight */
        AVB_TP_PUSH,    /* sender of oneway calls */
        AVB_TP_PULL,    /* receiver of oneway calls */
} avb_tp_kind;

/* Longest routing header kept for a raw reply. */
#define AVB_TP_HEADER_MAX 256

/* A received message; the data belongs to the transport until released. */
typedef struct avb_tp_msg {
        void *data;
        size_t len;
} avb_tp_msg;

/* The routing header of a request received on a raw socket, to echo in the reply. */
typedef struct avb_tp_header {
        size_t len;
        unsigned char buf[AVB_TP_HEADER_MAX] __attribute__((aligned(sizeof(size_t))));
} avb_tp_header;

int avb_tp_open(avb_tp_kind kind, int *ret_sock);
/* Accepts -1. */
void avb_tp_close(int sock);
/* `url` must already be checked (avb_endpoint_parse): nanomsg aborts on long ipc paths. */
int avb_tp_bind(int sock, const char *url);
int avb_tp_connect(int sock, const char *url);

/* Largest frame accepted; a larger one drops the connection it came on. */
int avb_tp_set_max_recv(int sock, size_t max);
/* REQ only: the interval after which an unanswered request is sent again. */
int avb_tp_set_resend_ivl(int sock, int ms);

int avb_tp_recv_fd(int sock, int *ret_fd);
int avb_tp_send_fd(int sock, int *ret_fd);

/* -EAGAIN when the message cannot be queued now. */
int avb_tp_send(int sock, const void *buf, size_t len);
/* -EAGAIN when nothing is waiting. On success *ret holds the message. */
int avb_tp_recv(int sock, avb_tp_msg *ret);
/* Raw sockets: receive with the routing header / reply echoing it. */
int avb_tp_recv_raw(int sock, avb_tp_msg *ret, avb_tp_header *ret_hdr);
int avb_tp_send_raw(int sock, const avb_tp_header *hdr, const void *buf, size_t len);

/* Releases a received message; accepts an empty one. */
void avb_tp_msg_release(avb_tp_msg *m);

#endif
