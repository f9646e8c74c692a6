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
 * On an ipc:// endpoint (nanomsg cannot carry fds) it then carries the file
 * descriptors of calls, each set in one packet sent just before the nanomsg
 * message it belongs to:
 *
 *   client -> server  fds {fds magic, n_fds, request_id} + SCM_RIGHTS, before
 *                     the Request (two-way or oneway) whose n_fds says so
 *   server -> client  fds {fds magic, n_fds, request_id} + SCM_RIGHTS, before
 *                     the Reply whose n_fds says so (again for a cached reply)
 *
 * 1 <= n_fds <= AVB_MAX_FDS, received with MSG_CMSG_CLOEXEC; a packet of
 * another size or magic, a count that does not match the fds attached, or
 * truncated control data is a protocol error, and its fds are closed. Any
 * other data after the hello is a protocol error as before. All fds
 * are non-blocking and close-on-exec; functions return 0 or -errno, -EAGAIN
 * when the packet has not arrived yet, -EPIPE when the peer has closed.
 */

#include <stdint.h>

#include <avbuffer/rpc.h>

#define AVB_LIFE_MAGIC     0x4c425641u /* "AVBL" */
#define AVB_LIFE_VERSION   2u          /* 2: fds packets */
#define AVB_LIFE_FDS_MAGIC 0x46425641u /* "AVBF" */

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

typedef struct avb_life_fds {
        uint32_t magic; /* AVB_LIFE_FDS_MAGIC */
        uint32_t n_fds;
        uint64_t request_id;
} avb_life_fds;

/* Sends the fds of call `request_id` (borrowed; 1..AVB_MAX_FDS) in one packet, never blocking. */
int avb_life_send_fds(int fd, uint64_t request_id, const int *fds, size_t n_fds);
/*
 * Reads one fds packet: 0 with the request id and the fds (taken by the
 * caller, ret_fds has room for AVB_MAX_FDS); -EAGAIN, -EPIPE, or -EPROTO for
 * anything else (every fd that came with it closed).
 */
int avb_life_read_fds(int fd, uint64_t *ret_request_id, int *ret_fds, size_t *ret_n_fds);

/* Server: a listening socket at `path` (a stale file there is replaced: hold the lock). */
int avb_life_listen(const char *path, int *ret_fd);
/* Server: accepts one connection and reads its credentials (pid, uid, gid). */
int avb_life_accept(int listen_fd, int *ret_fd, avb_peer *ret_peer);
int avb_life_read_hello(int fd, uint64_t *ret_client_id);
int avb_life_send_answer(int fd, uint32_t status, uint64_t incarnation, uint64_t max_message);

/* Client: connects and sends the hello; -ENOENT/-ECONNREFUSED when nothing serves. */
int avb_life_connect(const char *path, uint64_t client_id, int *ret_fd);
int avb_life_read_answer(int fd, avb_life_answer *ret);

#endif
