/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libavbufferhelper: connections to the service and handle resolution (see
 * helper.c for the design: gens, retirement, stale handles; the contract of
 * each function is in helper_internal.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <avbuffer/helper.h>
#include <avbuffer/log.h>

#include "avb_avbuffer.h"
#include "helper_internal.h"

/*
 * Receives one packet of at most len bytes and up to two descriptors into
 * fds[] (more are closed): the packet's length, or -errno.
 */
ssize_t avbh_recv_fds(int fd, void *buf, size_t len, int fds[2], int *ret_n_fds)
{
        union {
                char buf[CMSG_SPACE(2 * sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = buf, .iov_len = len};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        int n_fds = 0;
        ssize_t n;

        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return errno == EAGAIN ? -ETIMEDOUT : -errno;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                int got = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                int tmp[8];
                memcpy(tmp, CMSG_DATA(c), (size_t)(got > 8 ? 8 : got) * sizeof(int));
                for (int i = 0; i < got && i < 8; i++) {
                        if (n_fds < 2)
                                fds[n_fds++] = tmp[i];
                        else
                                close(tmp[i]);
                }
        }
        *ret_n_fds = n_fds;
        return n;
}

/* Reads the hello: its fds into fds[] (closed again on failure). */
static int recv_hello(int fd, struct avb_heapshare_msg *ret_msg, int fds[2])
{
        struct avb_heapshare_msg m;
        int n_fds = 0, e = 0;
        ssize_t n;

        n = avbh_recv_fds(fd, &m, sizeof(m), fds, &n_fds);
        if (n < 0)
                return (int)n;
        if ((size_t)n != sizeof(m) || m.magic != AVB_HEAPSHARE_MAGIC ||
            m.version != AVB_HEAPSHARE_VERSION)
                e = -EPROTO;
        else if (m.status < 0)
                e = m.status;
        else if (m.n_fds != (uint32_t)n_fds ||
                 m.n_fds != (uint32_t)(m.heap_bytes > 0) + (uint32_t)(m.dir_entries > 0) ||
                 (m.dir_entries & (m.dir_entries - 1)) != 0)
                e = -EPROTO;
        if (e == 0) {
                *ret_msg = m;
                return 0;
        }
        for (int i = 0; i < n_fds; i++)
                close(fds[i]);
        return e;
}

void avbh_gen_free(struct gen *g)
{
        if (!g)
                return;
        if (g->heap)
                munmap(g->heap, g->heap_bytes);
        if (g->dir)
                munmap((void *)g->dir, g->dir_bytes);
        if (g->staging)
                munmap(g->staging, AVB_HEAPSHARE_STAGING_BYTES);
        if (g->direct >= 0)
                close(g->direct);
        if (g->fd >= 0)
                close(g->fd);
        free(g);
}

/* Maps what the hello brought into g. */
static int gen_map(struct gen *g, const struct avb_heapshare_msg *m, const int fds[2])
{
        int i = 0;
        void *p;

        if (m->heap_bytes) {
                p = mmap(NULL, m->heap_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i++], 0);
                if (p == MAP_FAILED)
                        return -errno;
                g->heap = p;
                g->heap_bytes = m->heap_bytes;
        }
        if (m->dir_entries) {
                g->dir_bytes = avb_dir_bytes(m->dir_entries);
                p = mmap(NULL, g->dir_bytes, PROT_READ, MAP_SHARED, fds[i], 0);
                if (p == MAP_FAILED)
                        return -errno;
                g->dir = p;
                g->entries = (const struct avb_dir_entry *)(g->dir + 1);
                if (g->dir->magic != AVB_DIR_MAGIC || g->dir->entries != m->dir_entries)
                        return -EPROTO;
        }
        return 0;
}

/* Connects to the heap socket of whatever serves the endpoint now. */
static int gen_new(const avb_helper *h, struct gen **ret)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        struct timeval tv = {.tv_sec = AVB_DEFAULT_DEADLINE_MS / 1000};
        struct avb_heapshare_msg m = {0};
        int fds[2] = {-1, -1}, e;
        const char *path = strstr(h->endpoint, "://") + 3;
        struct gen *g;

        if (strlen(path) + strlen(AVB_HEAPSHARE_SUFFIX) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s%s", path, AVB_HEAPSHARE_SUFFIX);
        g = calloc(1, sizeof(*g));
        if (!g)
                return -ENOMEM;
        g->direct = -1;
        g->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (g->fd < 0) {
                e = -errno;
                goto fail;
        }
        (void)setsockopt(g->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        (void)setsockopt(g->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(g->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                e = -errno;
                goto fail;
        }
        e = recv_hello(g->fd, &m, fds);
        if (e < 0)
                goto fail;
        g->instance = m.instance;
        e = gen_map(g, &m, fds);
        /* The mappings keep the memory; the descriptors are not needed. */
        for (int i = 0; i < 2; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        if (e < 0)
                goto fail;
        *ret = g;
        return 0;
fail:
        avbh_gen_free(g);
        return e;
}

static bool copier_alive(avb_helper *h)
{
        return avb_binder_is_alive(atomic_load(&h->copier));
}

/*
 * A retired gen with no map out gives its heap's memory back (write lock
 * held): anonymous memory takes the range, so an old pointer used by mistake
 * reads zeros, and no later mapping can land on an address still handed out.
 */
static void release_if_unused(struct gen *g)
{
        if (g->fd >= 0 || !g->heap || g->heap_released || atomic_load(&g->maps) > 0)
                return;
        if (mmap(g->heap, g->heap_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED)
                g->heap_released = true;
}

/* One map into g ends (write lock held); -EINVAL if none was out. */
int avbh_drop_map(struct gen *g)
{
        if (atomic_load(&g->maps) <= 0)
                return -EINVAL;
        atomic_fetch_sub(&g->maps, 1);
        release_if_unused(g);
        return 0;
}

/* The current gen leaves (io held). Its socket closes: the server drops its directory. */
void avbh_retire(avb_helper *h)
{
        pthread_rwlock_wrlock(&h->lock);
        if (h->cur) {
                close(h->cur->fd);
                h->cur->fd = -1;
                if (h->cur->staging)
                        munmap(h->cur->staging, AVB_HEAPSHARE_STAGING_BYTES);
                h->cur->staging = NULL;
                if (h->cur->direct >= 0)
                        close(h->cur->direct);
                h->cur->direct = -1;
                h->cur->next = h->retired;
                h->retired = h->cur;
                release_if_unused(h->cur);
                h->cur = NULL;
        }
        pthread_rwlock_unlock(&h->lock);
}

/* A copier proxy for what serves the endpoint now, if the old one has died (io held). */
static int renew_copier(avb_helper *h)
{
        avb_binder *b, **v;
        int e;

        if (copier_alive(h))
                return 0;
        v = realloc(h->old_copiers, (h->n_old_copiers + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        h->old_copiers = v;
        e = avb_binder_connect(h->endpoint, avb_avbuffer_IBufferCopier_OBJECT_ID, &b);
        if (e < 0)
                return e;
        /* The old proxy may be in use by a write or a copy on another thread: kept. */
        pthread_rwlock_wrlock(&h->lock);
        v[h->n_old_copiers++] = atomic_exchange(&h->copier, b);
        pthread_rwlock_unlock(&h->lock);
        return 0;
}

/* Makes h->cur a live connection, reconnecting after the service went (io held). */
int avbh_ensure(avb_helper *h)
{
        struct gen *g = NULL;
        int e;

        if (h->cur && copier_alive(h))
                return 0;
        avbh_retire(h);
        e = renew_copier(h);
        if (e >= 0)
                e = gen_new(h, &g);
        if (e < 0)
                return e;
        pthread_rwlock_wrlock(&h->lock);
        /* A reconnection to the same instance (its instance id) keeps the old handles. */
        for (struct gen *r = h->retired; r; r = r->next)
                r->stale = r->instance != g->instance;
        h->cur = g;
        pthread_rwlock_unlock(&h->lock);
        return 0;
}

/* Whether a retired gen of a gone instance lists handle (io held). */
static bool is_stale(const avb_helper *h, int64_t handle)
{
        uint32_t flags, offset, size;

        for (const struct gen *r = h->retired; r; r = r->next)
                if (r->stale && r->dir &&
                    avb_dir_find(r->entries, r->dir->entries, handle, &flags, &offset, &size))
                        return true;
        return false;
}

/* One reply on the heap socket (io held): 0 (its status in it) or a transport error. */
int avbh_recv_rep(int fd, struct avb_heapshare_rep *ret)
{
        struct avb_heapshare_rep rep;
        ssize_t n = recv(fd, &rep, sizeof(rep), 0);

        if (n < 0)
                return errno == EAGAIN ? -ETIMEDOUT : -errno;
        if (n == 0)
                return -ECONNRESET;
        if ((size_t)n != sizeof(rep) || rep.magic != AVB_HEAPSHARE_MAGIC)
                return -EPROTO;
        *ret = rep;
        return 0;
}

/* One lookup on the heap socket (io held). */
static int ask_server(int fd, int64_t handle, struct avb_heapshare_rep *ret)
{
        struct avb_heapshare_req req = {
            .magic = AVB_HEAPSHARE_MAGIC,
            .op = AVB_HEAPSHARE_LOOKUP,
            .handle = handle,
        };

        if (send(fd, &req, sizeof(req), MSG_NOSIGNAL) != (ssize_t)sizeof(req))
                return -errno;
        return avbh_recv_rep(fd, ret);
}

static void fill(struct buf *b, struct gen *g, uint32_t flags, uint32_t offset, uint32_t size)
{
        *b = (struct buf){
            .secure = flags & AVB_DIR_SECURE,
            .offset = offset,
            .size = size,
            .gen = g,
        };
}

/* The slow path of avbh_resolve(): asks the service, reconnecting once if it has gone. */
static int resolve_remote(avb_helper *h, int64_t handle, bool count_map, struct buf *ret)
{
        struct avb_heapshare_rep rep = {0};
        int e;

        pthread_mutex_lock(&h->io);
        for (int attempt = 0;; attempt++) {
                e = avbh_ensure(h);
                if (e < 0)
                        break;
                if (is_stale(h, handle)) {
                        e = -ESTALE;
                        break;
                }
                e = ask_server(h->cur->fd, handle, &rep);
                if (e == 0) {
                        e = rep.status;
                        break;
                }
                if (e == -EPROTO || e == -ETIMEDOUT || attempt == 1)
                        break;
                avbh_retire(h); /* the socket ended: the service has gone */
        }
        if (e == 0) {
                fill(ret, h->cur, rep.flags, rep.offset, rep.size);
                if (count_map)
                        atomic_fetch_add(&h->cur->maps, 1);
        }
        pthread_mutex_unlock(&h->io);
        return e;
}

/*
 * Resolves a handle: this helper's directory first, the service for what it
 * lacks. count_map: the caller maps it (counted in the gen, see unmap).
 */
int avbh_resolve(avb_helper *h, int64_t handle, bool count_map, struct buf *ret)
{
        uint32_t flags, offset, size;
        struct gen *g;
        bool hit = false;

        if (handle <= 0)
                return -ENOENT;
        pthread_rwlock_rdlock(&h->lock);
        g = h->cur;
        if (g && g->dir && copier_alive(h) &&
            avb_dir_find(g->entries, g->dir->entries, handle, &flags, &offset, &size)) {
                fill(ret, g, flags, offset, size);
                if (count_map)
                        atomic_fetch_add(&g->maps, 1);
                hit = true;
        }
        pthread_rwlock_unlock(&h->lock);
        return hit ? 0 : resolve_remote(h, handle, count_map, ret);
}

int avbh_lookup(avb_helper *h, int64_t handle, struct buf *ret)
{
        return avbh_resolve(h, handle, false, ret);
}

/* A pointer to a non-secure buffer's bytes, checked against the mapped heap. */
int avbh_resolve_local(avb_helper *h, const struct buf *b, uint8_t **ret)
{
        (void)h;
        if (b->secure)
                return -EPERM;
        if (!b->gen->heap || (uint64_t)b->offset + b->size > b->gen->heap_bytes)
                return -EIO; /* the directory disagrees with the heap: not ours to touch */
        *ret = b->gen->heap + b->offset;
        return 0;
}
