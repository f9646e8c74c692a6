/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_STUBS_LIFELINE_H
#define AVB_STUBS_LIFELINE_H

/*
 * Lifelines: one unix SOCK_SEQPACKET connection per (client process,
 * endpoint). It carries the client's identity (hello -> answer) and, by
 * closing, the death of either side: the kernel closes it on exit and on
 * kill -9, so both peers see POLLHUP/EOF at once.
 *
 *   client -> server  hello  {magic, version, client_id}
 *   server -> client  answer {magic, status, incarnation, max_message}
 *
 * After that nothing is sent; any further data is a protocol error. All fds
 * are non-blocking and close-on-exec; functions return 0 or -errno, -EAGAIN
 * when the packet has not arrived yet, -EPIPE when the peer has closed.
 */

#include <stdint.h>

#include <avbuffer/rpc.h>

#define AVB_LIFE_MAGIC 0x4c425641u /* "AVBL" */
#define AVB_LIFE_VERSION 1u

enum {
        AVB_LIFE_ACCEPTED = 0,
        AVB_LIFE_REFUSED = 1,
};

typedef struct avb_life_hello {
        uint32_t magic;
        uint32_t version;
        uint64_t client_id;
} avb_life_hello;

typedef struct avb_life_answer {
        uint32_t magic;
        uint32_t status; /* AVB_LIFE_* */
        uint64_t incarnation;
        uint64_t max_message;
} avb_life_answer;

/* Server: a listening socket at `path` (a stale file there is replaced: hold the lock). */
int avb_life_listen(const char *path, int *ret_fd);
/* Server: accepts one connection and reads its credentials (pid, uid, gid). */
int avb_life_accept(int listen_fd, int *ret_fd, avb_peer *ret_peer);
int avb_life_read_hello(int fd, uint64_t *ret_client_id);
int avb_life_send_answer(int fd, uint32_t status, uint64_t incarnation, uint64_t max_message);
/* Server, on POLLIN of an established lifeline: -EPIPE once the client has gone. */
int avb_life_check(int fd);

/* Client: connects and sends the hello; -ENOENT/-ECONNREFUSED when nothing serves. */
int avb_life_connect(const char *path, uint64_t client_id, int *ret_fd);
int avb_life_read_answer(int fd, avb_life_answer *ret);

#endif
