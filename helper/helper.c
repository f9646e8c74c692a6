/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libavbufferhelper (see avbuffer/helper.h).
 *
 * On first use the helper connects to the service's heap socket and maps
 * the whole non-secure heap and a buffer directory of its own, which lists
 * only the handles this helper has resolved. The socket stays open: a
 * handle the directory lacks costs one lookup on it, which also lists the
 * handle; after that map, unmap, get_size and writes or copies between
 * non-secure buffers never leave the process. Only what touches secure
 * memory goes to the server: copies as IBufferCopier calls (ranges only,
 * no bytes), writes through the connection's staging area (see
 * write_staged) or, from a server without one, as IBufferCopier writes in
 * chunks below the RPC message limit.
 *
 * Restarts: what one connection to one service instance brought is a
 * `struct gen`. When the service goes (the copier proxy dies, or the heap
 * socket ends) the current gen is retired, and the next resolve connects
 * to whatever serves the endpoint then. If that is another instance, the
 * retired gens of the old one are stale: handles they list get -ESTALE,
 * never a pointer. A retired heap stays mapped while maps into it are out;
 * unmaps find their gen by pointer; the last one (or the retirement, if
 * none is out) puts anonymous memory in its place (a late access through
 * an old pointer reads zeros instead of faulting), and avb_helper_free()
 * unmaps it.
 *
 * Locks: `io` serialises lookups and reconnections (the socket carries one
 * request at a time); `lock` (read: resolving from the directory; write:
 * swapping gens, the copier, releasing a retired heap) guards what the
 * directory fast path reads. Order: io, then lock.
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
#include <time.h>
#include <unistd.h>

#include <avbuffer/helper.h>
#include <avbuffer/log.h>

#include "avb_avbuffer.h"
#include "directory_format.h"
#include "heapshare_proto.h"

/* Bytes of data per IBufferCopier.write call: the server's limit, well below the message's. */
#define WRITE_CHUNK avb_avbuffer_IBufferCopier_MAX_WRITE_BYTES
/* What one IBufferCopier.copy call may carry (the server refuses more). */
#define COPY_MAX_BYTES  ((uint32_t)avb_avbuffer_IBufferCopier_MAX_COPY_BYTES)
#define COPY_MAX_RANGES ((size_t)avb_avbuffer_IBufferCopier_MAX_COPY_RANGES)

struct gen {
        struct gen *next; /* in the retired list */
        int fd;           /* heap socket connection; -1 once retired */
        uint64_t instance;
        bool stale;   /* its service instance has gone: its handles are dead */
        uint8_t *heap; /* the non-secure heap, or NULL */
        size_t heap_bytes;
        bool heap_released; /* anonymous memory in its place (see above) */
        const struct avb_dir_header *dir; /* NULL: no directory; every resolve asks */
        const struct avb_dir_entry *entries;
        size_t dir_bytes;
        atomic_long maps; /* maps not unmapped yet */
        uint8_t *staging; /* AVB_HEAPSHARE_STAGING_BYTES, or NULL (io) */
        bool no_staging;  /* the server has none to give (io) */
        int direct;       /* connection to the heap's copier for the staging area, or -1 (io) */
        int64_t direct_lost_ms; /* when the last one failed; 0: never (io) */
};

struct avb_helper {
        pthread_mutex_t io;
        pthread_rwlock_t lock;
        char *endpoint;             /* of the AV Buffer service */
        avb_binder *_Atomic copier; /* IBufferCopier on the service's endpoint */
        struct gen *cur;            /* NULL until first use and after the service went */
        struct gen *retired;
        avb_binder **old_copiers; /* replaced proxies, released by avb_helper_free */
        size_t n_old_copiers;
};

struct buf {
        bool secure;
        uint32_t offset;
        uint32_t size;
        struct gen *gen; /* where it was resolved */
};

/*
 * Receives one packet of at most len bytes and up to two descriptors into
 * fds[] (more are closed): the packet's length, or -errno.
 */
static ssize_t recv_fds(int fd, void *buf, size_t len, int fds[2], int *ret_n_fds)
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

        n = recv_fds(fd, &m, sizeof(m), fds, &n_fds);
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

static void gen_free(struct gen *g)
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
        gen_free(g);
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
static int drop_map(struct gen *g)
{
        if (atomic_load(&g->maps) <= 0)
                return -EINVAL;
        atomic_fetch_sub(&g->maps, 1);
        release_if_unused(g);
        return 0;
}

/* The current gen leaves (io held). Its socket closes: the server drops its directory. */
static void retire(avb_helper *h)
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
static int ensure(avb_helper *h)
{
        struct gen *g = NULL;
        int e;

        if (h->cur && copier_alive(h))
                return 0;
        retire(h);
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
static int recv_rep(int fd, struct avb_heapshare_rep *ret)
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
        return recv_rep(fd, ret);
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

/* The slow path of resolve(): asks the service, reconnecting once if it has gone. */
static int resolve_remote(avb_helper *h, int64_t handle, bool count_map, struct buf *ret)
{
        struct avb_heapshare_rep rep = {0};
        int e;

        pthread_mutex_lock(&h->io);
        for (int attempt = 0;; attempt++) {
                e = ensure(h);
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
                retire(h); /* the socket ended: the service has gone */
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
static int resolve(avb_helper *h, int64_t handle, bool count_map, struct buf *ret)
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

static int lookup(avb_helper *h, int64_t handle, struct buf *ret)
{
        return resolve(h, handle, false, ret);
}

/* A pointer to a non-secure buffer's bytes, checked against the mapped heap. */
static int resolve_local(avb_helper *h, const struct buf *b, uint8_t **ret)
{
        (void)h;
        if (b->secure)
                return -EPERM;
        if (!b->gen->heap || (uint64_t)b->offset + b->size > b->gen->heap_bytes)
                return -EIO; /* the directory disagrees with the heap: not ours to touch */
        *ret = b->gen->heap + b->offset;
        return 0;
}

static int status_errno(const avb_status *st)
{
        if (avb_status_is_ok(st))
                return 0;
        switch (st->exception) {
        case AVB_EX_ILLEGAL_ARGUMENT:
                return strstr(st->message, "range") ? -ERANGE : -ENOENT;
        case AVB_EX_SECURITY:
                return -EPERM;
        case AVB_EX_TRANSACTION_FAILED:
                return st->transport == AVB_TS_PERMISSION ? -EACCES : -EIO;
        default:
                return -EIO;
        }
}

int avb_helper_new(avb_binder *avbuffer, avb_helper **ret)
{
        const char *endpoint;
        avb_binder *copier = NULL;
        avb_helper *h;
        int e;

        if (!avbuffer || !ret)
                return -EINVAL;
        endpoint = avb_binder_endpoint(avbuffer);
        if (!endpoint || (strncmp(endpoint, "ipc://", 6) != 0 && strncmp(endpoint, "unix://", 7) != 0))
                return -EINVAL;
        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        pthread_mutex_init(&h->io, NULL);
        pthread_rwlock_init(&h->lock, NULL);
        h->endpoint = strdup(endpoint);
        if (!h->endpoint) {
                e = -ENOMEM;
                goto fail;
        }
        e = avb_binder_connect(h->endpoint, avb_avbuffer_IBufferCopier_OBJECT_ID, &copier);
        if (e < 0)
                goto fail;
        atomic_store(&h->copier, copier);
        *ret = h;
        return 0;
fail:
        avb_helper_free(h);
        return e;
}

avb_helper *avb_helper_free(avb_helper *h)
{
        if (!h)
                return NULL;
        gen_free(h->cur);
        while (h->retired) {
                struct gen *g = h->retired;
                h->retired = g->next;
                gen_free(g);
        }
        avb_binder_unref(atomic_load(&h->copier));
        for (size_t i = 0; i < h->n_old_copiers; i++)
                avb_binder_unref(h->old_copiers[i]);
        free(h->old_copiers);
        free(h->endpoint);
        pthread_rwlock_destroy(&h->lock);
        pthread_mutex_destroy(&h->io);
        free(h);
        return NULL;
}

/* A non-secure buffer's description and its bytes in this process. */
static int map_local(avb_helper *h, int64_t handle, bool count_map, struct buf *ret_buf,
                     uint8_t **ret_ptr)
{
        int e = resolve(h, handle, count_map, ret_buf);

        if (e < 0)
                return e;
        e = resolve_local(h, ret_buf, ret_ptr);
        if (e < 0 && count_map) {
                pthread_rwlock_wrlock(&h->lock);
                drop_map(ret_buf->gen);
                pthread_rwlock_unlock(&h->lock);
        }
        return e;
}

int avb_helper_map(avb_helper *h, int64_t handle, void **ret_ptr, size_t *ret_size)
{
        struct buf b;
        uint8_t *p;
        int e;

        if (!h || !ret_ptr)
                return -EINVAL;
        e = map_local(h, handle, true, &b, &p);
        if (e < 0)
                return e;
        *ret_ptr = p;
        if (ret_size)
                *ret_size = b.size;
        return 0;
}

/* The gen, current or retired, whose heap holds ptr, or NULL (lock held). */
static struct gen *gen_of(const avb_helper *h, const void *ptr)
{
        const uint8_t *p = ptr;

        if (h->cur && h->cur->heap && p >= h->cur->heap && p < h->cur->heap + h->cur->heap_bytes)
                return h->cur;
        for (struct gen *r = h->retired; r; r = r->next)
                if (r->heap && p >= r->heap && p < r->heap + r->heap_bytes)
                        return r;
        return NULL;
}

/*
 * By pointer, never by handle: the buffer may be freed, or its service gone,
 * before its map ends, and the map must end all the same. Only the current
 * gen's directory is live; a handle it still lists must come with its
 * buffer's own pointer.
 */
int avb_helper_unmap(avb_helper *h, int64_t handle, void *ptr)
{
        uint32_t flags, offset, size;
        struct gen *g;
        int e = -EINVAL;

        if (!h || !ptr)
                return -EINVAL;
        pthread_rwlock_wrlock(&h->lock);
        g = gen_of(h, ptr);
        if (g && !(g == h->cur && g->dir &&
                   avb_dir_find(g->entries, g->dir->entries, handle, &flags, &offset, &size) &&
                   (uint8_t *)ptr != g->heap + offset))
                e = drop_map(g);
        pthread_rwlock_unlock(&h->lock);
        return e;
}

int avb_helper_get_size(avb_helper *h, int64_t handle, size_t *ret_size)
{
        struct buf b;
        int e;

        if (!h || !ret_size)
                return -EINVAL;
        e = lookup(h, handle, &b);
        if (e < 0)
                return e;
        *ret_size = b.size;
        return 0;
}

int avb_helper_get_lookups(avb_helper *h, uint64_t *ret_count)
{
        int e = -ENOTCONN;

        if (!h || !ret_count)
                return -EINVAL;
        pthread_rwlock_rdlock(&h->lock);
        if (h->cur && h->cur->dir) {
                *ret_count = atomic_load(&h->cur->dir->lookups);
                e = 0;
        } else if (h->cur) {
                e = -ENODATA;
        }
        pthread_rwlock_unlock(&h->lock);
        return e;
}

static bool range_ok(uint64_t offset, uint64_t len, uint32_t size)
{
        return offset <= size && len <= size - offset;
}

/*
 * Staged writes. The bytes go into the connection's staging area, one slot
 * at a time, and a STAGE_WRITE per slot has them copied on into the buffer:
 * by the secure heap's copier process over the direct connection when the
 * server gave one (heapshare_proto.h), by the server otherwise. Up to
 * STAGE_SLOTS requests are out at once, so that this process fills the
 * next slot while the last one is copied. A slot is filled again only once
 * the reply of the write that used it is in. The first slot is a small one
 * so that the copying starts early: a 1 MiB write then waits for one small
 * memcpy here, not half of it.
 */
#define STAGE_SLOT       (512u * 1024u)
#define STAGE_FIRST_SLOT (64u * 1024u)
#define STAGE_SLOTS      (AVB_HEAPSHARE_STAGING_BYTES / STAGE_SLOT)
#define DIRECT_TIMEOUT_S 2
#define DIRECT_RETRY_MS  1000

_Static_assert(STAGE_SLOT <= AVB_HEAPSHARE_STAGE_MAX, "a slot is one STAGE_WRITE");

static int64_t helper_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Asks for g's staging area (a fresh one replaces the old; the server
 * retires the old one's copier connection first, so no request sent on it
 * can run after this returns) and maps it (io held): 0, -ENOTSUP, or a
 * transport error.
 */
static int staging_open(struct gen *g)
{
        struct avb_heapshare_req req = {.magic = AVB_HEAPSHARE_MAGIC, .op = AVB_HEAPSHARE_STAGING};
        struct avb_heapshare_rep rep;
        struct timeval tv = {.tv_sec = DIRECT_TIMEOUT_S};
        int fds[2] = {-1, -1}, n_fds = 0, e = -ENOTSUP;
        ssize_t n;
        void *p;

        if (g->staging)
                munmap(g->staging, AVB_HEAPSHARE_STAGING_BYTES);
        g->staging = NULL;
        if (g->direct >= 0)
                close(g->direct);
        g->direct = -1;
        if (send(g->fd, &req, sizeof(req), MSG_NOSIGNAL) != (ssize_t)sizeof(req))
                return -errno;
        n = recv_fds(g->fd, &rep, sizeof(rep), fds, &n_fds);
        if (n < 0)
                e = (int)n;
        else if (n == 0)
                e = -ECONNRESET;
        else if ((size_t)n != sizeof(rep) || rep.magic != AVB_HEAPSHARE_MAGIC)
                e = -EPROTO;
        else if (rep.status == -EPROTO)
                g->no_staging = true; /* a server from before staging */
        else if (rep.status == 0 && n_fds >= 1 && rep.size == AVB_HEAPSHARE_STAGING_BYTES) {
                p = mmap(NULL, AVB_HEAPSHARE_STAGING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
                         fds[0], 0);
                if (p != MAP_FAILED) {
                        g->staging = p;
                        e = 0;
                        if (n_fds == 2) {
                                g->direct = fds[1];
                                fds[1] = -1;
                                (void)setsockopt(g->direct, SOL_SOCKET, SO_RCVTIMEO, &tv,
                                                 sizeof(tv));
                        }
                }
        }
        for (int i = 0; i < n_fds; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        return e;
}

/* One reply from fd (io held): 0 with *ret_status, or a transport error. */
static int stage_reply(int fd, int *ret_status)
{
        struct avb_heapshare_rep rep;
        int e = recv_rep(fd, &rep);

        if (e == 0)
                *ret_status = rep.status;
        return e;
}

/* One STAGE_WRITE to the server, waiting for its answer (io held). */
static int stage_via_server(struct gen *g, const struct avb_heapshare_stage_req *req,
                            int *ret_status)
{
        if (send(g->fd, req, sizeof(*req), MSG_NOSIGNAL) != (ssize_t)sizeof(*req))
                return -errno;
        return stage_reply(g->fd, ret_status);
}

/*
 * The slots' round (io held): 0 or a transport error of the server's socket
 * (it is then out of step); *ret_status is the first write's error, or 0.
 * Trouble on the direct connection is not an error: the connection is
 * dropped, a new staging area asked for (which retires every request still
 * queued at the copier), and the rest goes again from the first byte not
 * acknowledged, through the server.
 */
static int stage_all(struct gen *g, int64_t handle, size_t offset, const uint8_t *src, size_t len,
                     int *ret_status)
{
        struct avb_heapshare_stage_req reqs[STAGE_SLOTS];
        size_t sent = 0, got = 0, done = 0, acked = 0;
        int status = 0, e = 0;

        while (e == 0 && status == 0 && (done < len || got < sent)) {
                int fd = g->direct >= 0 ? g->direct : g->fd, st = 0;

                if (sent - got == STAGE_SLOTS || done == len) {
                        struct avb_heapshare_stage_req *r = &reqs[got % STAGE_SLOTS];

                        e = stage_reply(fd, &st);
                        if (e < 0 && fd == g->direct) {
                                /* Start again from the first byte not acknowledged. */
                                e = staging_open(g);
                                if (e == 0 && g->direct >= 0) {
                                        close(g->direct);
                                        g->direct = -1;
                                }
                                g->direct_lost_ms = helper_now_ms();
                                sent = got;
                                done = acked;
                                continue;
                        }
                        if (e == 0 && st == -ENOENT && fd == g->direct)
                                e = stage_via_server(g, r, &st);
                        if (e == 0 && st == 0)
                                acked += r->size;
                        status = st;
                        got++;
                        continue;
                }
                size_t cap = sent == 0 ? STAGE_FIRST_SLOT : STAGE_SLOT;
                size_t n = len - done < cap ? len - done : cap;
                uint32_t at = (uint32_t)(sent % STAGE_SLOTS) * STAGE_SLOT;
                struct avb_heapshare_stage_req *r = &reqs[sent % STAGE_SLOTS];

                *r = (struct avb_heapshare_stage_req){
                        .magic = AVB_HEAPSHARE_MAGIC,
                        .op = AVB_HEAPSHARE_STAGE_WRITE,
                        .handle = handle,
                        .offset = (uint32_t)(offset + done),
                        .staging_offset = at,
                        .size = (uint32_t)n,
                };
                memcpy(g->staging + at, src + done, n);
                if (send(fd, r, sizeof(*r), MSG_NOSIGNAL) != (ssize_t)sizeof(*r)) {
                        if (fd != g->direct) {
                                e = -errno;
                                break;
                        }
                        /* The copier's end is gone: the reply loop above finds out. */
                        sent++;
                        done += n;
                        continue;
                }
                sent++;
                done += n;
        }
        /* After an error, drain what is still out on the server's socket. */
        while (e == 0 && got < sent) {
                int st;

                e = stage_reply(g->direct >= 0 ? g->direct : g->fd, &st);
                got++;
        }
        *ret_status = status;
        return e;
}

/*
 * A write into a secure buffer through the staging area: -ENOTSUP when the
 * server has none (the caller then sends the bytes). A transport error
 * leaves replies unread: the connection is retired, the next call makes a
 * new one.
 */
static int write_staged(avb_helper *h, int64_t handle, size_t offset, const void *src, size_t len)
{
        struct gen *g;
        int e, status = 0;

        pthread_mutex_lock(&h->io);
        e = ensure(h);
        g = h->cur;
        if (e == 0 && !g->staging)
                e = g->no_staging ? -ENOTSUP : staging_open(g);
        else if (e == 0 && g->direct < 0 && g->direct_lost_ms &&
                 helper_now_ms() - g->direct_lost_ms >= DIRECT_RETRY_MS) {
                g->direct_lost_ms = 0; /* one more try: the copier may be back */
                e = staging_open(g);
        }
        if (e == 0)
                e = stage_all(g, handle, offset, src, len, &status);
        if (e < 0 && e != -ENOTSUP)
                retire(h);
        pthread_mutex_unlock(&h->io);
        return e < 0 ? e : status;
}

/* A write into a secure buffer as IBufferCopier calls, the bytes in their messages. */
static int write_remote(avb_helper *h, int64_t handle, size_t offset, const void *src, size_t len)
{
        for (size_t done = 0; done < len;) {
                size_t n = len - done > WRITE_CHUNK ? WRITE_CHUNK : len - done;
                avb_status st = avb_avbuffer_IBufferCopier_write(
                        h->copier, handle, (int32_t)(offset + done),
                        (const int8_t *)src + done, n);
                if (!avb_status_is_ok(&st))
                        return status_errno(&st);
                done += n;
        }
        return 0;
}

int avb_helper_write(avb_helper *h, int64_t handle, size_t offset, const void *src, size_t len)
{
        struct buf b;
        uint8_t *dst;
        int e;

        if (!h || (!src && len))
                return -EINVAL;
        e = lookup(h, handle, &b);
        if (e < 0)
                return e;
        if (!range_ok(offset, len, b.size))
                return -ERANGE;
        if (!b.secure) {
                e = resolve_local(h, &b, &dst);
                if (e < 0)
                        return e;
                memcpy(dst + offset, src, len);
                return 0;
        }
        if (len == 0)
                return 0;
        e = write_staged(h, handle, offset, src, len);
        return e == -ENOTSUP ? write_remote(h, handle, offset, src, len) : e;
}

/* Copy calls under way: the ranges of the next call and what they add up to. */
struct copy_batch {
        avb_helper *h;
        int64_t dst, src;
        avb_avbuffer_CopyRange wire[COPY_MAX_RANGES];
        size_t n;
        uint32_t bytes;
};

static int batch_flush(struct copy_batch *b)
{
        avb_status st;

        if (b->n == 0)
                return 0;
        st = avb_avbuffer_IBufferCopier_copy(b->h->copier, b->dst, b->src, b->wire, b->n);
        b->n = 0;
        b->bytes = 0;
        return status_errno(&st);
}

/*
 * Adds one range to the calls, cut into pieces where a call fills up. A
 * range whose destination lies above its source in the same buffer and
 * overlaps it is cut from its end backwards, so that no piece reads bytes
 * an earlier piece has already overwritten: the pieces together still act
 * as one memmove.
 */
static int batch_add(struct copy_batch *b, const avb_helper_range *r)
{
        bool backwards = b->dst == b->src && r->dst_offset > r->src_offset &&
                         r->dst_offset - r->src_offset < r->size;
        uint32_t done = 0;
        int e;

        while (done < r->size) {
                uint32_t room = COPY_MAX_BYTES - b->bytes, left = r->size - done;
                uint32_t n = left < room ? left : room, at = backwards ? left - n : done;
                avb_avbuffer_CopyRange *w;

                if (n == 0 || b->n == COPY_MAX_RANGES) {
                        if ((e = batch_flush(b)) < 0)
                                return e;
                        continue;
                }
                w = &b->wire[b->n++];
                avb_avbuffer_CopyRange_init(w);
                w->srcOffset = (int32_t)(r->src_offset + at);
                w->dstOffset = (int32_t)(r->dst_offset + at);
                w->size = (int32_t)n;
                b->bytes += n;
                done += n;
        }
        return 0;
}

/*
 * A copy the server makes (one end is secure), in as many IBufferCopier
 * calls as the server's per-call limits need; the ranges were all checked
 * against both buffers first. Ranges of 0 bytes move nothing and are left
 * out.
 */
static int copy_remote(avb_helper *h, int64_t dst, int64_t src, const avb_helper_range *ranges,
                       size_t n_ranges)
{
        struct copy_batch *b = malloc(sizeof(*b));
        int e = 0;

        if (!b)
                return -ENOMEM;
        b->h = h;
        b->dst = dst;
        b->src = src;
        b->n = 0;
        b->bytes = 0;
        for (size_t i = 0; e == 0 && i < n_ranges; i++)
                e = batch_add(b, &ranges[i]);
        if (e == 0)
                e = batch_flush(b);
        free(b);
        return e;
}

int avb_helper_copy(avb_helper *h, int64_t dst, int64_t src, const avb_helper_range *ranges,
                    size_t n_ranges)
{
        struct buf s, d;
        uint8_t *sp, *dp;
        int e;

        if (!h || (!ranges && n_ranges))
                return -EINVAL;
        e = lookup(h, src, &s);
        if (e >= 0)
                e = lookup(h, dst, &d);
        if (e < 0)
                return e;
        if (s.secure && !d.secure)
                return -EPERM;
        for (size_t i = 0; i < n_ranges; i++)
                if (!range_ok(ranges[i].src_offset, ranges[i].size, s.size) ||
                    !range_ok(ranges[i].dst_offset, ranges[i].size, d.size) ||
                    ranges[i].src_offset > INT32_MAX || ranges[i].dst_offset > INT32_MAX ||
                    ranges[i].size > INT32_MAX)
                        return -ERANGE;
        if (!s.secure && !d.secure) {
                e = resolve_local(h, &s, &sp);
                if (e >= 0)
                        e = resolve_local(h, &d, &dp);
                if (e < 0)
                        return e;
                for (size_t i = 0; i < n_ranges; i++)
                        memmove(dp + ranges[i].dst_offset, sp + ranges[i].src_offset,
                                ranges[i].size);
                return 0;
        }
        return copy_remote(h, dst, src, ranges, n_ranges);
}
