/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client records of a server: what outlives a client's connections.
 *
 * A client is a process (its random client id, checked against the pid its
 * lifelines come from), not a connection. The client runtime closes a
 * connection, lifeline included, once no proxy refers to it, and opens a new
 * one when the process makes a proxy again; what the process holds (pools,
 * buffers, registrations) must not follow the connection. So the close of
 * the last lifeline only detaches the record, and the process's death, seen
 * on a pidfd opened at the first hello, is what ends it: then the service's
 * client_gone hook runs. A new lifeline with the same client id from the
 * same pid attaches to the record again (same identity, same reply cache).
 *
 * Whoever can reach the socket can make records (one per client id it
 * invents), so detached ones are bounded: DETACHED_PER_PID for one process,
 * DETACHED_MAX in all. Over a bound the oldest detached record of that
 * process (over the total bound: the oldest of all) counts as gone. A real
 * process has one client id, so the first bound only ever hurts a process
 * that made up ids; the second is reached only with more than DETACHED_MAX
 * processes holding state without a connection at once.
 *
 * Without a pidfd (kernel before 5.3, descriptors exhausted, a peer in
 * another pid namespace: SO_PEERCRED gives pid 0), the close of the last
 * lifeline counts as the death, as it did before pidfds were used here.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "util.h"

/* Reply cache of one client, in bytes (the newest reply is always kept). */
#define CLIENT_CACHE_BYTES (2u * 1024 * 1024)
/* Detached records of one process; a real process has one. */
#define DETACHED_PER_PID 4
/* Detached records of all processes (each holds a pidfd). */
#define DETACHED_MAX 256

static int pidfd_open_cloexec(pid_t pid)
{
#ifdef SYS_pidfd_open
        /* pidfd_open(2) always sets O_CLOEXEC. */
        int fd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : (errno = EINVAL, -1);
        return fd < 0 ? -errno : fd;
#else
        (void)pid;
        return -ENOSYS;
#endif
}

/* Whether the peer of a lifeline has closed it already. */
static bool peer_hung_up(int life_fd)
{
        struct pollfd p = {.fd = life_fd, .events = POLLRDHUP};

        return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/*
 * SO_PEERPIDFD (Linux 6.5): a pidfd of the process that connected, taken by
 * the kernel at connect time, so no pid can have been reused in between. The
 * C library may not name it yet; its number is the generic one on these
 * architectures.
 */
#if !defined(SO_PEERPIDFD) && (defined(__x86_64__) || defined(__aarch64__))
#define SO_PEERPIDFD 77
#endif

/* The connecting process's pidfd from the kernel, or -errno (-ENOPROTOOPT: not supported). */
static int peer_pidfd(int life_fd)
{
#ifdef SO_PEERPIDFD
        int fd = -1;
        socklen_t len = sizeof(fd);

        if (getsockopt(life_fd, SOL_SOCKET, SO_PEERPIDFD, &fd, &len) < 0)
                return -errno;
        return fd;
#else
        (void)life_fd;
        return -ENOPROTOOPT;
#endif
}

/*
 * A pidfd for the client's process, or -1 (its last lifeline's close ends
 * it). Without SO_PEERPIDFD the pid comes from SO_PEERCRED at connect time,
 * and the hello may come seconds later: a client that exited meanwhile may
 * have left its pid to another process. A lifeline still connected after
 * pidfd_open() shows that the client lived past it, so the pid was still its
 * own; a lifeline already closed counts as the client gone.
 */
static int client_pidfd(avb_server *s, const avb_peer *peer, int life_fd)
{
        static avb_ratelimit rl;
        unsigned suppressed;
        int fd = peer_pidfd(life_fd);

        if (fd >= 0 || fd == -ESRCH)
                return fd < 0 ? -1 : fd;
        fd = pidfd_open_cloexec(peer->pid);
        if (fd >= 0 && peer_hung_up(life_fd)) {
                close(fd);
                return -1;
        }
        /* ESRCH: it has died already; its lifeline's close ends it at once. */
        if (fd >= 0 || fd == -ESRCH)
                return fd < 0 ? -1 : fd;
        if (avb_ratelimit_pass(&rl, 5, 10000, &suppressed))
                avb_log_warning("%s: no pidfd for pid %d (%s): it counts as gone when its "
                                "connections close%s",
                                s->ep.url, (int)peer->pid, strerror(-fd),
                                suppressed ? " (some messages suppressed)" : "");
        return -1;
}

int avb_server_client_add(avb_server *s, const avb_peer *peer, int life_fd, server_client **ret)
{
        server_client *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        if (avb_reply_cache_new(CLIENT_CACHE_BYTES, &c->cache) < 0) {
                free(c);
                return -ENOMEM;
        }
        c->peer = *peer;
        c->pidfd = client_pidfd(s, peer, life_fd);
        c->next = s->clients;
        s->clients = c;
        s->stats.clients++;
        *ret = c;
        return 0;
}

void avb_server_client_free(server_client *c)
{
        if (!c)
                return;
        if (c->pidfd >= 0)
                close(c->pidfd);
        avb_server_fds_free(c);
        avb_reply_cache_free(c->cache);
        free(c);
}

void avb_server_client_gone(avb_server *s, server_client *c)
{
        for (server_client **p = &s->clients; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        s->stats.clients--;
        if (c->detach_seq)
                s->n_detached--;
        avb_server_drop_deferred(s, c->peer.client_id);
        avb_log_debug("%s: client %016llx (pid %d) gone", s->ep.url,
                      (unsigned long long)c->peer.client_id, (int)c->peer.pid);
        if (s->client_gone)
                s->client_gone(s->userdata, &c->peer);
        avb_server_client_free(c);
}

void avb_server_client_attach(avb_server *s, server_client *c)
{
        if (c->n_lifelines++ == 0 && c->detach_seq) {
                c->detach_seq = 0;
                s->n_detached--;
                avb_log_debug("%s: client %016llx (pid %d) is back", s->ep.url,
                              (unsigned long long)c->peer.client_id, (int)c->peer.pid);
        }
}

bool avb_server_client_exited(const server_client *c)
{
        struct pollfd p = {.fd = c->pidfd, .events = POLLIN};

        return c->pidfd < 0 || poll(&p, 1, 0) != 0;
}

/* The oldest detached record, of `pid` (0: of any process), other than `except`. */
static server_client *oldest_detached(avb_server *s, pid_t pid, const server_client *except,
                                      unsigned *ret_count)
{
        server_client *oldest = NULL;
        unsigned n = 0;

        for (server_client *c = s->clients; c; c = c->next) {
                if (!c->detach_seq || (pid && c->peer.pid != pid))
                        continue;
                n++;
                if (c != except && (!oldest || c->detach_seq < oldest->detach_seq))
                        oldest = c;
        }
        *ret_count = n;
        return oldest;
}

static void evict(avb_server *s, server_client *c, const char *why)
{
        static avb_ratelimit rl;
        unsigned suppressed;

        /* Not the client id: it is the client's secret. */
        if (avb_ratelimit_pass(&rl, 5, 10000, &suppressed))
                avb_log_warning("%s: a client of pid %d counts as gone: %s%s", s->ep.url,
                                (int)c->peer.pid, why,
                                suppressed ? " (some messages suppressed)" : "");
        avb_server_client_gone(s, c);
}

void avb_server_client_detach(avb_server *s, server_client *c)
{
        server_client *old;
        unsigned n;

        if (c->broken || avb_server_client_exited(c)) {
                avb_server_client_gone(s, c);
                return;
        }
        c->detach_seq = ++s->detach_counter;
        s->n_detached++;
        avb_log_debug("%s: client %016llx (pid %d) has no connection; kept while it lives",
                      s->ep.url, (unsigned long long)c->peer.client_id, (int)c->peer.pid);
        old = oldest_detached(s, c->peer.pid, c, &n);
        if (n > DETACHED_PER_PID && old)
                evict(s, old, "its process keeps too many client ids without a connection");
        if (s->n_detached > DETACHED_MAX && (old = oldest_detached(s, 0, c, &n)))
                evict(s, old, "too many processes without a connection");
}
