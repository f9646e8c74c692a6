/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Starting, talking to and supervising the copier process (heap_copier.h).
 *
 * Why one request at a time under a mutex: a copy is a memcpy of at most
 * one vendor slice in the other process, tens of microseconds, and the
 * callers (the heap socket's thread, the RPC loop's scrub on free) already
 * take the vendor lock per slice, so a queue would buy nothing and make a
 * timed-out request's reply hard to tell from the next one's. With one
 * request in flight, a timeout means exactly one thing: kill the process.
 *
 * Why the kill is synchronous (SIGKILL, then waitpid): after a timeout the
 * caller falls back and may free the buffer the moment we return; a
 * process merely stopped, not dead, could wake up later and write stale
 * bytes into whatever took the buffer's place.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "avb_config.h"
#include "heap_copier.h"
#include "util.h"
#include "vendor_log.h"

extern char **environ;

/* How long a new copier may take to map the heap and say it is up. */
#define COPIER_START_MS 2000
/* Restarts that keep failing back off, doubling up to this. */
#define COPIER_BACKOFF_MAX_MS 60000

struct copier_source {
        int fd; /* -1: slot free */
        size_t size;
        bool attached; /* in the running process */
};

struct avb_copier {
        pthread_mutex_t lock;
        int heap_fd; /* our duplicate */
        int ctl;     /* -1 while no process runs */
        pid_t pid;
        int64_t down_ms; /* when the last one was lost */
        unsigned restarts;
        uint32_t ready_proto; /* the last reply's reserved field: the "up" one's counts */
        int64_t backoff_ms; /* between restarts: AVB_COPIER_RESTART_MS, doubled per failed start */
        struct copier_source src[AVB_COPIER_MAX_SOURCES];
        struct avb_copier_map live; /* for a new process */
};

static const char *copier_program(void)
{
        const char *p = getenv("AVB_HEAP_COPIER");

        return p && *p ? p : AVB_HEAP_COPIER_DEFAULT;
}

/* Kill and reap the process; lock held. */
static void copier_lose(struct avb_copier *c, const char *why)
{
        if (c->pid > 0) {
                int status = 0;

                kill(c->pid, SIGKILL);
                while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
                        ;
                /* A signal of its own (SIGSYS: its filter) says more than our SIGKILL. */
                if (why && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
                        avb_vendor_log("heap copier pid %d %s (signal %d); writes go through the "
                                       "kernel until a new one is up",
                                       (int)c->pid, why, WTERMSIG(status));
                else if (why)
                        avb_vendor_log("heap copier pid %d %s; killed, writes go through the "
                                       "kernel until a new one is up",
                                       (int)c->pid, why);
        }
        if (c->ctl >= 0)
                close(c->ctl);
        c->ctl = -1;
        c->pid = -1;
        c->down_ms = avb_now_ms();
        for (unsigned i = 0; i < AVB_COPIER_MAX_SOURCES; i++)
                c->src[i].attached = false;
}

/* Waits for one reply; lock held. 0 with *ret_status, or -ENODEV (process lost). */
static int copier_reply(struct avb_copier *c, int timeout_ms, int *ret_status)
{
        struct pollfd p = {.fd = c->ctl, .events = POLLIN};
        int64_t deadline = avb_now_ms() + timeout_ms;
        struct avb_copier_rep rep;
        ssize_t n;
        int r;

        for (;;) {
                int64_t left = deadline - avb_now_ms();

                r = poll(&p, 1, left > 0 ? (int)left : 0);
                if (r > 0 || (r < 0 && errno != EINTR) || left <= 0)
                        break;
        }
        if (r == 0) {
                copier_lose(c, "did not answer in time");
                return -ENODEV;
        }
        n = r > 0 ? recv(c->ctl, &rep, sizeof(rep), MSG_DONTWAIT) : -1;
        if (n != (ssize_t)sizeof(rep)) {
                copier_lose(c, n == 0 ? "exited" : "broke its socket");
                return -ENODEV;
        }
        *ret_status = rep.status;
        c->ready_proto = rep.reserved;
        return 0;
}

/* One request (with n_fds descriptors); lock held, process up. 0 with *ret_status, or -ENODEV. */
static int copier_call(struct avb_copier *c, const struct avb_copier_req *req, const int *fds,
                       int n_fds, int *ret_status)
{
        union {
                char buf[CMSG_SPACE(2 * sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = (void *)req, .iov_len = sizeof(*req)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n;

        if (n_fds > 0) {
                struct cmsghdr *cm;

                memset(&ctl, 0, sizeof(ctl));
                msg.msg_control = ctl.buf;
                msg.msg_controllen = CMSG_SPACE((size_t)n_fds * sizeof(int));
                cm = CMSG_FIRSTHDR(&msg);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN((size_t)n_fds * sizeof(int));
                memcpy(CMSG_DATA(cm), fds, (size_t)n_fds * sizeof(int));
        }
        do
                n = sendmsg(c->ctl, &msg, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t)sizeof(*req)) {
                copier_lose(c, "cannot be reached");
                return -ENODEV;
        }
        return copier_reply(c, AVB_COPIER_TIMEOUT_MS, ret_status);
}

/* Attach slot i (and client, unless -1) in the running process; lock held. */
static void copier_attach_slot(struct avb_copier *c, unsigned i, int client)
{
        struct avb_copier_req req = {.op = AVB_COPIER_ATTACH, .id = i, .len = c->src[i].size};
        int fds[2] = {c->src[i].fd, client}, status;

        if (copier_call(c, &req, fds, client >= 0 ? 2 : 1, &status) == 0)
                c->src[i].attached = status == 0;
}

/* Tell the running process of a live buffer; lock held. 0, -ENODEV or its status. */
static int copier_send_live(struct avb_copier *c, const struct avb_copier_entry *e)
{
        struct avb_copier_req req = {
            .op = AVB_COPIER_LIVE, .handle = e->handle, .dst_off = e->off, .len = e->size};
        int status, r = copier_call(c, &req, NULL, 0, &status);

        return r < 0 ? r : status;
}

/*
 * Start a process and attach every source; lock held. The descriptors go
 * through fresh duplicates above the target numbers, so that a source
 * already numbered 3 or 4 is not mistaken for its own target (dup2 onto
 * itself would keep close-on-exec).
 */
static int copier_start(struct avb_copier *c)
{
        posix_spawn_file_actions_t fa;
        const char *prog = copier_program();
        char *argv[] = {(char *)prog, NULL};
        int sv[2], heap = -1, peer = -1, e, status;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        heap = fcntl(c->heap_fd, F_DUPFD_CLOEXEC, 10);
        peer = fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
        if (heap < 0 || peer < 0) {
                e = errno;
                goto out;
        }
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, heap, AVB_COPIER_HEAP_FD);
        posix_spawn_file_actions_adddup2(&fa, peer, AVB_COPIER_CTL_FD);
        posix_spawn_file_actions_addclosefrom_np(&fa, AVB_COPIER_CTL_FD + 1);
        e = posix_spawn(&c->pid, prog, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
out:
        if (heap >= 0)
                close(heap);
        if (peer >= 0)
                close(peer);
        close(sv[1]);
        if (e) {
                close(sv[0]);
                c->pid = -1;
                c->down_ms = avb_now_ms();
                return -e;
        }
        c->ctl = sv[0];
        /* The first reply says the heap is mapped, and which protocol it speaks. */
        if (copier_reply(c, COPIER_START_MS, &status) < 0 || status != 0 ||
            c->ready_proto != AVB_COPIER_PROTO) {
                copier_lose(c, c->ctl >= 0 && c->ready_proto != AVB_COPIER_PROTO
                                   ? "speaks another protocol (another build)"
                                   : "did not come up");
                return -ENODEV;
        }
        for (unsigned i = 0; i < AVB_COPIER_MAX_SOURCES && c->ctl >= 0; i++)
                if (c->src[i].fd >= 0)
                        copier_attach_slot(c, i, -1);
        for (uint32_t i = 0; i < AVB_COPIER_MAP_ENTRIES && c->ctl >= 0; i++)
                if (c->live.e[i].handle != 0)
                        (void)copier_send_live(c, &c->live.e[i]);
        return c->ctl >= 0 ? 0 : -ENODEV;
}

/*
 * The process, started again if it is time; lock held. True when one runs.
 * A start that fails doubles the wait before the next (a binary that
 * cannot come up must not cost every caller a spawn); one that succeeds
 * resets it.
 */
static bool copier_up(struct avb_copier *c)
{
        if (c->ctl >= 0)
                return true;
        if (avb_now_ms() - c->down_ms < c->backoff_ms)
                return false;
        c->restarts++;
        if (copier_start(c) == 0) {
                c->backoff_ms = AVB_COPIER_RESTART_MS;
                return true;
        }
        c->backoff_ms =
            c->backoff_ms * 2 > COPIER_BACKOFF_MAX_MS ? COPIER_BACKOFF_MAX_MS : c->backoff_ms * 2;
        return false;
}

int avb_copier_new(int heap_fd, struct avb_copier **ret_copier)
{
        struct avb_copier *c = calloc(1, sizeof(*c));
        int r;

        if (!c)
                return -ENOMEM;
        pthread_mutex_init(&c->lock, NULL);
        c->ctl = -1;
        c->pid = -1;
        for (unsigned i = 0; i < AVB_COPIER_MAX_SOURCES; i++)
                c->src[i].fd = -1;
        c->heap_fd = fcntl(heap_fd, F_DUPFD_CLOEXEC, 3);
        if (c->heap_fd < 0) {
                r = -errno;
                goto fail;
        }
        c->backoff_ms = AVB_COPIER_RESTART_MS;
        r = copier_start(c);
        /* No program: none for good. Anything else: down, and tried again later. */
        if (r == -ENOENT || r == -EACCES || r == -ENOEXEC)
                goto fail;
        *ret_copier = c;
        return 0;
fail:
        avb_copier_free(c);
        return r;
}

void avb_copier_free(struct avb_copier *c)
{
        if (!c)
                return;
        copier_lose(c, NULL);
        for (unsigned i = 0; i < AVB_COPIER_MAX_SOURCES; i++)
                if (c->src[i].fd >= 0)
                        close(c->src[i].fd);
        if (c->heap_fd >= 0)
                close(c->heap_fd);
        pthread_mutex_destroy(&c->lock);
        free(c);
}

int avb_copier_attach(struct avb_copier *c, unsigned id, int fd, size_t size, int client)
{
        int dup_fd, r = 0;

        if (id >= AVB_COPIER_MAX_SOURCES || size == 0) {
                r = -EINVAL;
                goto out;
        }
        pthread_mutex_lock(&c->lock);
        dup_fd = c->src[id].fd >= 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (c->src[id].fd >= 0)
                r = -EINVAL;
        else if (dup_fd < 0)
                r = -errno;
        if (r == 0) {
                /* Start one if it is time (before the slot exists: it is attached below). */
                (void)copier_up(c);
                c->src[id] = (struct copier_source){.fd = dup_fd, .size = size};
                if (c->ctl >= 0)
                        copier_attach_slot(c, id, client);
                r = c->src[id].attached && client >= 0;
        }
        pthread_mutex_unlock(&c->lock);
out:
        if (client >= 0)
                close(client);
        return r;
}

void avb_copier_detach(struct avb_copier *c, unsigned id)
{
        struct avb_copier_req req = {.op = AVB_COPIER_DETACH, .id = id};
        int status;

        if (id >= AVB_COPIER_MAX_SOURCES)
                return;
        pthread_mutex_lock(&c->lock);
        if (c->src[id].attached && c->ctl >= 0)
                (void)copier_call(c, &req, NULL, 0, &status);
        if (c->src[id].fd >= 0)
                close(c->src[id].fd);
        c->src[id] = (struct copier_source){.fd = -1};
        pthread_mutex_unlock(&c->lock);
}

int avb_copier_live(struct avb_copier *c, int64_t handle, size_t off, size_t size)
{
        int r;

        pthread_mutex_lock(&c->lock);
        r = avb_copier_map_put(&c->live, handle, off, size);
        if (r == 0 && c->ctl >= 0)
                (void)copier_send_live(c, avb_copier_map_find(&c->live, handle));
        pthread_mutex_unlock(&c->lock);
        return r;
}

/*
 * Sent whether or not the table here had it: the process must never keep a
 * buffer the server retired. If the process cannot be told, it is lost
 * (killed and reaped), which retires its whole table.
 */
void avb_copier_gone(struct avb_copier *c, int64_t handle)
{
        struct avb_copier_req req = {.op = AVB_COPIER_GONE, .handle = handle};
        int status;

        pthread_mutex_lock(&c->lock);
        avb_copier_map_del(&c->live, handle);
        if (c->ctl >= 0)
                (void)copier_call(c, &req, NULL, 0, &status);
        pthread_mutex_unlock(&c->lock);
}

/* A WRITE or ZERO; 0, -ENODEV or -EINVAL. */
static int copier_move(struct avb_copier *c, const struct avb_copier_req *req)
{
        int r, status = 0;

        if (req->len == 0 || req->len > AVB_COPIER_MAX_LEN)
                return -EINVAL;
        pthread_mutex_lock(&c->lock);
        if (!copier_up(c))
                r = -ENODEV;
        else if (req->op == AVB_COPIER_WRITE && !c->src[req->id].attached)
                r = -ENODEV;
        else
                r = copier_call(c, req, NULL, 0, &status);
        pthread_mutex_unlock(&c->lock);
        if (r == 0 && status < 0)
                r = -EINVAL;
        return r;
}

int avb_copier_write(struct avb_copier *c, size_t dst_off, unsigned id, size_t src_off, size_t len)
{
        struct avb_copier_req req = {
            .op = AVB_COPIER_WRITE, .id = id, .dst_off = dst_off, .src_off = src_off, .len = len};

        if (id >= AVB_COPIER_MAX_SOURCES)
                return -EINVAL;
        return copier_move(c, &req);
}

int avb_copier_zero(struct avb_copier *c, size_t dst_off, size_t len)
{
        struct avb_copier_req req = {.op = AVB_COPIER_ZERO, .dst_off = dst_off, .len = len};

        return copier_move(c, &req);
}

pid_t avb_copier_pid(struct avb_copier *c)
{
        pid_t pid;

        pthread_mutex_lock(&c->lock);
        pid = c->pid;
        pthread_mutex_unlock(&c->lock);
        return pid;
}
