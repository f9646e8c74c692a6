/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_UCONN_H
#define AVB_STUBS_UCONN_H

/*
 * Framing of the unix transport (endpoints "unix://PATH"). A client process
 * keeps one SOCK_SEQPACKET connection per endpoint: the lifeline of
 * lifeline.h (hello, answer) and, after the answer, its traffic:
 *
 *   client -> server  request frames (frame.h; two-way and oneway alike)
 *   server -> client  reply frames, in any order (matched by request id)
 *
 * A message (frame) travels as one or more packets, each starting with
 * avb_ufrag; a packet holds at most AVB_UFRAG_BYTES of the message, as the
 * kernel refuses a packet above the socket's send buffer. The fragments of
 * one message follow each other with nothing between them (a sender holds
 * the connection for the whole message). File descriptors ride on the first
 * fragment with SCM_RIGHTS, at most AVB_MAX_FDS of them; its n_fds says how
 * many must have come. A broken connection is never resumed: the reader sees
 * the close, pending calls fail with DEAD_OBJECT, nothing is sent twice.
 *
 * Received fds are close-on-exec (MSG_CMSG_CLOEXEC); a packet whose control
 * data was truncated, or whose fds do not match its header, is a protocol
 * error and every fd that came with it is closed. Functions return 0 or a
 * negative errno: -EAGAIN (nothing now), -EPIPE (peer closed), -EPROTO (a
 * packet breaking these rules), -EMSGSIZE (a message above the limit).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <avbuffer/rpc.h>

#define AVB_UFRAG_MAGIC 0x55425641u /* "AVBU" */
/* Message bytes per packet: below the default send buffer of a unix socket. */
#define AVB_UFRAG_BYTES (128u * 1024)

typedef struct avb_ufrag {
        uint32_t magic;
        uint32_t total;  /* bytes of the whole message */
        uint32_t offset; /* of this fragment's bytes in the message */
        uint32_t n_fds;  /* first fragment: fds attached; others: 0 */
} avb_ufrag;

/* A message being received; the reader owns buf and fds until it takes them. */
typedef struct avb_urx {
        uint8_t *buf;
        size_t total, got;
        bool started;
        int fds[AVB_MAX_FDS];
        size_t n_fds;
} avb_urx;

/*
 * Reads one packet into `rx`: 1 once the message is whole (take buf and fds,
 * then avb_urx_reset), 0 when more fragments must come, else -errno (the
 * connection is then unusable). A message above `max_total` is -EMSGSIZE.
 * `block`: wait for the packet, at most the socket's SO_RCVTIMEO (the file
 * must not be O_NONBLOCK); -EAGAIN when it ran out or a signal came.
 */
int avb_urx_read(int fd, avb_urx *rx, size_t max_total, bool block);
/* Frees the buffer and closes the fds still held; the rx is empty again. */
void avb_urx_reset(avb_urx *rx);

/* A message being sent; `next` counts the fragments already sent. */
typedef struct avb_utx {
        const uint8_t *buf;
        size_t len;
        const int *fds; /* borrowed: the kernel takes its own references */
        size_t n_fds;
        size_t next;
} avb_utx;

/* Sends the remaining fragments: 0 when all left, -EAGAIN when the socket is full. */
int avb_utx_send(int fd, avb_utx *tx);
/* True once a fragment left: the rest must follow or the connection be closed. */
static inline bool avb_utx_started(const avb_utx *tx)
{
        return tx->next > 0;
}

/*
 * Moves the fds of every SCM_RIGHTS message of a received `mh` into fds[] (at
 * most `cap`; any beyond are closed). 0 with *ret_n, or -EPROTO after closing
 * them all when control data was truncated or of an unexpected kind.
 */
struct msghdr;
int avb_collect_fds(struct msghdr *mh, int *fds, size_t cap, size_t *ret_n);
/*
 * One non-blocking recvmsg() on `fd` (close-on-exec fds, EINTR retried):
 * the bytes read, with the fds that came in fds[AVB_MAX_FDS] and *ret_n;
 * -EAGAIN when nothing waits, -EPIPE once the peer has closed (a reset
 * too), else -errno (the fds that came are closed then).
 */
ssize_t avb_recv_fds(int fd, struct msghdr *mh, int *fds, size_t *ret_n);

/* Closes n fds of `fds` (entries < 0 skipped). */
void avb_close_fds(const int *fds, size_t n);

#endif
