/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The heap socket. Every connection gets the hello (heap and its own
 * directory) and then stays open for lookups until the client closes it.
 * The thread never blocks on a client: replies are sent without waiting,
 * and a client whose socket will not take a small reply (it sends lookups
 * without reading the answers) is dropped.
 *
 * Staged writes (heapshare_proto.h) run on this thread too, so that a client
 * filling secure buffers never takes the RPC loop: each copies at most
 * AVB_HEAPSHARE_STAGE_MAX bytes, and the vendor takes its lock per 1 MiB
 * slice, so other clients' lookups and the loop's alloc and free wait at
 * most one slice. The server maps each staging area read-only: the copy
 * goes from it into a buffer, never the other way. A client that scribbles
 * in its staging area while a copy runs only garbles its own write, and
 * the seals keep the area from shrinking under the server's mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <avbuffer/log.h>
#include <avbuffer/vendor.h>

#include "directory.h"
#include "directory_format.h"
#include "heapshare.h"
#include "heap_copier_proto.h"
#include "heapshare_proto.h"

#define ACCEPT_PAUSE_MS 100

/* A client speaks STAGE_WRITE to the copier as to this socket: one layout, written twice. */
_Static_assert(sizeof(struct avb_copier_client_req) == sizeof(struct avb_heapshare_stage_req),
               "copier request size");
_Static_assert(offsetof(struct avb_copier_client_req, handle) ==
                       offsetof(struct avb_heapshare_stage_req, handle) &&
                   offsetof(struct avb_copier_client_req, offset) ==
                       offsetof(struct avb_heapshare_stage_req, offset) &&
                   offsetof(struct avb_copier_client_req, staging_offset) ==
                       offsetof(struct avb_heapshare_stage_req, staging_offset) &&
                   offsetof(struct avb_copier_client_req, size) ==
                       offsetof(struct avb_heapshare_stage_req, size),
               "copier request layout");
_Static_assert(sizeof(struct avb_copier_client_rep) == sizeof(struct avb_heapshare_rep) &&
                   offsetof(struct avb_copier_client_rep, status) ==
                       offsetof(struct avb_heapshare_rep, status),
               "copier reply layout");
_Static_assert(AVB_COPIER_CLIENT_MAGIC == AVB_HEAPSHARE_MAGIC &&
                   AVB_COPIER_CLIENT_WRITE == AVB_HEAPSHARE_STAGE_WRITE &&
                   AVB_COPIER_MAX_LEN == AVB_HEAPSHARE_STAGE_MAX,
               "copier constants");

struct hs_conn {
        int fd;
        int dir_id;             /* -1: no directory */
        const uint8_t *staging; /* read-only, AVB_HEAPSHARE_STAGING_BYTES; NULL: none yet */
        struct avb_vendor_source *source; /* the staging area as the vendor's; NULL: none */
        pid_t pid;                        /* the peer's, at connect */
};

/*
 * Staging areas one process may hold as vendor sources: the secure heap's
 * copier has AVB_COPIER_MAX_SOURCES in all, and one client opening heap
 * connections by the dozen must not take them from everyone else. Its
 * further areas work without (the server copies from its own mapping).
 */
#define SOURCES_PER_PID 4

struct avbd_heapshare {
        int listen_fd;
        int stop_fd;
        int heap_fd;
        size_t heap_bytes;
        struct avb_vendor *vendor;
        struct avbd_directory *dir;
        avbd_heapshare_policy policy;
        void *userdata;
        char *path;
        pthread_t thread;
        struct hs_conn conns[AVBD_HEAPSHARE_MAX_CONNS];
        size_t n_conns;
        struct pollfd polls[2 + AVBD_HEAPSHARE_MAX_CONNS]; /* the thread's */
};

/* Sends one packet with up to two descriptors, without waiting (the socket's SO_SNDTIMEO). */
static int send_fds(int fd, const void *data, size_t len, const int *fds, int n, int flags)
{
        union {
                char buf[CMSG_SPACE(2 * sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

        if (n) {
                memset(&control, 0, sizeof(control));
                msg.msg_control = control.buf;
                msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
                struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
                memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
        }
        if (sendmsg(fd, &msg, MSG_NOSIGNAL | flags) < 0) {
                avb_log(AVB_LOG_DEBUG, "heap socket: send: %s", strerror(errno));
                return -errno;
        }
        return 0;
}

static int send_hello(int fd, struct avb_heapshare_msg *m, const int *fds, int n)
{
        m->n_fds = (uint32_t)n;
        return send_fds(fd, m, sizeof(*m), fds, n, 0);
}

/* A new connection: true when it stays open (the hello went out with a status of 0). */
static bool serve_hello(struct avbd_heapshare *h, int fd, int *ret_dir_id, pid_t *ret_pid)
{
        struct avb_heapshare_msg m = {
            .magic = AVB_HEAPSHARE_MAGIC,
            .version = AVB_HEAPSHARE_VERSION,
            .heap_bytes = h->heap_fd >= 0 ? h->heap_bytes : 0,
            .instance = avbd_directory_instance(h->dir),
        };
        struct timeval tv = {.tv_sec = 1};
        struct ucred cred;
        socklen_t len = sizeof(cred);
        int fds[2], n = 0, dir_fd = -1, dir_id = -1;

        (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
                m.status = -errno;
        } else if (h->policy && !h->policy(h->userdata, cred.uid, cred.gid)) {
                avb_log(AVB_LOG_WARNING, "heap socket: refused pid %d uid %u", (int)cred.pid,
                        (unsigned)cred.uid);
                m.status = -EACCES;
        } else if (h->n_conns == AVBD_HEAPSHARE_MAX_CONNS) {
                avb_log(AVB_LOG_WARNING, "heap socket: refused pid %d: %d connections",
                        (int)cred.pid, AVBD_HEAPSHARE_MAX_CONNS);
                m.status = -EUSERS;
        } else {
                /* Without a directory the client still maps: each map asks. */
                if (avbd_directory_open_client(h->dir, &dir_id, &dir_fd) < 0)
                        dir_id = -1;
                if (h->heap_fd >= 0)
                        fds[n++] = h->heap_fd;
                if (dir_id >= 0) {
                        fds[n++] = dir_fd;
                        m.dir_entries = AVB_DIR_ENTRIES;
                }
        }
        if (send_hello(fd, &m, fds, n) < 0 && dir_id >= 0) {
                avbd_directory_close_client(h->dir, dir_id);
                m.status = -EPIPE;
        }
        if (dir_fd >= 0)
                close(dir_fd);
        *ret_dir_id = dir_id;
        *ret_pid = m.status == 0 ? cred.pid : 0;
        return m.status == 0;
}

static size_t sources_of(const struct avbd_heapshare *h, pid_t pid)
{
        size_t n = 0;

        for (size_t i = 0; i < h->n_conns; i++)
                n += h->conns[i].source && h->conns[i].pid == pid;
        return n;
}

static void staging_unmap(struct hs_conn *c)
{
        avb_vendor_source_free(c->source);
        c->source = NULL;
        if (c->staging)
                munmap((void *)c->staging, AVB_HEAPSHARE_STAGING_BYTES);
        c->staging = NULL;
}

/*
 * A fresh staging area for c: a sealed memfd, mapped here read-only, made a
 * vendor source (so the secure heap's copier process maps it too and copies
 * from it itself) and handed to the client; the descriptor is not kept.
 * When the copier takes a connection for the source, its other end goes to
 * the client as well: the client's writes then go straight to the copier
 * (heapshare_proto.h). Without a source (the heap's sources are all taken)
 * the writes go from this mapping instead. False when the connection is to
 * be closed.
 */
static bool serve_staging(struct avbd_heapshare *h, struct hs_conn *c,
                          struct avb_heapshare_rep *rep)
{
        const unsigned seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
        int fd = memfd_create("avb-staging", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        int fds[2] = {fd, -1}, n_fds = 1;
        void *p = MAP_FAILED;
        bool sent;

        if (fd < 0 || ftruncate(fd, AVB_HEAPSHARE_STAGING_BYTES) < 0 ||
            fcntl(fd, F_ADD_SEALS, seals) < 0 ||
            (p = mmap(NULL, AVB_HEAPSHARE_STAGING_BYTES, PROT_READ, MAP_SHARED, fd, 0)) ==
                MAP_FAILED) {
                rep->status = -errno;
                if (fd >= 0)
                        close(fd);
                return send(c->fd, rep, sizeof(*rep), MSG_DONTWAIT | MSG_NOSIGNAL) ==
                       (ssize_t)sizeof(*rep);
        }
        staging_unmap(c);
        c->staging = p;
        if (h->vendor && sources_of(h, c->pid) < SOURCES_PER_PID) {
                int sv[2] = {-1, -1};

                if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                        sv[0] = sv[1] = -1;
                if (avb_vendor_source_new(h->vendor, fd, p, AVB_HEAPSHARE_STAGING_BYTES, sv[0],
                                          &c->source) < 0)
                        c->source = NULL;
                if (avb_vendor_source_direct(c->source))
                        fds[n_fds++] = sv[1];
                else if (sv[1] >= 0)
                        close(sv[1]);
        }
        rep->size = AVB_HEAPSHARE_STAGING_BYTES;
        sent = send_fds(c->fd, rep, sizeof(*rep), fds, n_fds, MSG_DONTWAIT) == 0;
        for (int i = 0; i < n_fds; i++)
                close(fds[i]);
        return sent;
}

/* One staged write: copies from c's staging area into a buffer (see above); 0 or -errno. */
static int serve_stage_write(struct avbd_heapshare *h, const struct hs_conn *c,
                             const struct avb_heapshare_stage_req *r)
{
        if (!c->staging || r->size > AVB_HEAPSHARE_STAGE_MAX || r->reserved ||
            (uint64_t)r->staging_offset + r->size > AVB_HEAPSHARE_STAGING_BYTES)
                return -EINVAL;
        if (!h->vendor)
                return -ENOENT;
        if (r->size == 0)
                return avb_vendor_is_valid(h->vendor, r->handle) ? 0 : -ENOENT;
        if (c->source)
                return avb_vendor_buffer_write_source(h->vendor, r->handle, r->offset, c->source,
                                                      r->staging_offset, r->size);
        return avb_vendor_buffer_write(h->vendor, r->handle, r->offset,
                                       c->staging + r->staging_offset, r->size);
}

/* One request; false when the connection is to be closed. */
static bool serve_request(struct avbd_heapshare *h, struct hs_conn *c)
{
        union {
                struct avb_heapshare_req lookup;
                struct avb_heapshare_stage_req stage;
        } req;
        struct avb_heapshare_rep rep = {.magic = AVB_HEAPSHARE_MAGIC};
        struct avb_buffer_info info;
        ssize_t n = recv(c->fd, &req, sizeof(req), MSG_DONTWAIT);

        if (n < 0)
                return errno == EAGAIN || errno == EINTR;
        if (n == 0)
                return false;
        if ((size_t)n < sizeof(req.lookup) || req.lookup.magic != AVB_HEAPSHARE_MAGIC) {
                rep.status = -EPROTO;
        } else if (req.lookup.op == AVB_HEAPSHARE_LOOKUP && (size_t)n == sizeof(req.lookup)) {
                rep.status = avbd_directory_lookup(h->dir, c->dir_id, req.lookup.handle, &info);
                if (rep.status == 0) {
                        rep.flags = info.secure ? AVB_DIR_SECURE : 0;
                        rep.offset = info.heap_offset;
                        rep.size = info.size;
                }
        } else if (req.lookup.op == AVB_HEAPSHARE_STAGING && (size_t)n == sizeof(req.lookup)) {
                return serve_staging(h, c, &rep);
        } else if (req.lookup.op == AVB_HEAPSHARE_STAGE_WRITE && (size_t)n == sizeof(req.stage)) {
                rep.status = serve_stage_write(h, c, &req.stage);
        } else {
                rep.status = -EPROTO;
        }
        return send(c->fd, &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sizeof(rep);
}

static void conn_close(struct avbd_heapshare *h, size_t i)
{
        avbd_directory_close_client(h->dir, h->conns[i].dir_id);
        staging_unmap(&h->conns[i]);
        close(h->conns[i].fd);
        h->conns[i] = h->conns[--h->n_conns];
}

/* False when accepting must pause (out of descriptors or memory). */
static bool accept_one(struct avbd_heapshare *h)
{
        int fd = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC), dir_id;
        pid_t pid;

        if (fd < 0)
                return errno != EMFILE && errno != ENFILE && errno != ENOBUFS && errno != ENOMEM;
        if (!serve_hello(h, fd, &dir_id, &pid)) {
                close(fd);
                return true;
        }
        h->conns[h->n_conns++] = (struct hs_conn){.fd = fd, .dir_id = dir_id, .pid = pid};
        return true;
}

static void *run(void *arg)
{
        struct avbd_heapshare *h = arg;
        struct pollfd *p = h->polls;
        bool paused = false;

        for (;;) {
                size_t n = h->n_conns;

                /* A pending connection that cannot be accepted would wake poll at once,
                 * forever: while out of descriptors, the listener waits a while. */
                p[0] = (struct pollfd){.fd = paused ? -1 : h->listen_fd, .events = POLLIN};
                p[1] = (struct pollfd){.fd = h->stop_fd, .events = POLLIN};
                for (size_t i = 0; i < n; i++)
                        p[2 + i] = (struct pollfd){.fd = h->conns[i].fd, .events = POLLIN};
                if (poll(p, 2 + n, paused ? ACCEPT_PAUSE_MS : -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        avb_log(AVB_LOG_ERROR, "heap socket: poll: %s", strerror(errno));
                        return NULL;
                }
                if (p[1].revents)
                        return NULL;
                /* Backwards, so that closing (which moves the last one in) skips nothing. */
                for (size_t i = n; i-- > 0;)
                        if (p[2 + i].revents && !serve_request(h, &h->conns[i]))
                                conn_close(h, i);
                paused = p[0].revents && !accept_one(h);
        }
}

int avbd_heapshare_start(const char *path, struct avb_vendor *vendor, struct avbd_directory *dir,
                         avbd_heapshare_policy policy, void *userdata, struct avbd_heapshare **ret)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        struct avbd_heapshare *h;
        int e;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->listen_fd = h->stop_fd = -1;
        h->vendor = vendor;
        h->heap_fd = vendor ? avb_vendor_heap_fd(vendor, false) : -1;
        h->heap_bytes = vendor ? avb_vendor_heap_size(vendor, false) : 0;
        h->dir = dir;
        h->policy = policy;
        h->userdata = userdata;
        h->path = strdup(path);
        if (!h->path) {
                e = -ENOMEM;
                goto fail;
        }
        strcpy(sa.sun_path, path);
        h->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        h->stop_fd = eventfd(0, EFD_CLOEXEC);
        if (h->listen_fd < 0 || h->stop_fd < 0) {
                e = -errno;
                goto fail;
        }
        (void)unlink(path);
        if (bind(h->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0660) < 0 ||
            listen(h->listen_fd, 64) < 0) {
                e = -errno;
                goto fail;
        }
        e = -pthread_create(&h->thread, NULL, run, h);
        if (e < 0)
                goto fail;
        *ret = h;
        return 0;
fail:
        if (h->listen_fd >= 0)
                close(h->listen_fd);
        if (h->stop_fd >= 0)
                close(h->stop_fd);
        free(h->path);
        free(h);
        return e;
}

void avbd_heapshare_stop(struct avbd_heapshare *h)
{
        uint64_t one = 1;

        if (!h)
                return;
        if (write(h->stop_fd, &one, sizeof(one)) < 0)
                avb_log(AVB_LOG_WARNING, "heap socket: cannot stop: %s", strerror(errno));
        pthread_join(h->thread, NULL);
        while (h->n_conns)
                conn_close(h, h->n_conns - 1);
        close(h->listen_fd);
        close(h->stop_fd);
        (void)unlink(h->path);
        free(h->path);
        free(h);
}
