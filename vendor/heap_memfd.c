/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Default heap backing: one sealed memfd per heap.
 *
 * Why memfd: it is the one Linux object that can be sized once, sealed so no
 * holder can shrink it under another's mapping (a shrink would turn client
 * accesses into SIGBUS), and passed by SCM_RIGHTS so every client maps the
 * whole non-secure heap once and addresses buffers by offset.
 *
 * Why the secure heap is shaped this way: a reference platform has no TEE, so
 * "secure" here means the best a user-space server can do:
 *  - the fd never leaves avbufferd except through avb_heap_vendor_fd();
 *  - the server's own mapping is PROT_NONE, so a stray pointer or an
 *    exploited parser in the server faults instead of reading clear content;
 *    each read or scrub opens a read-write window on exactly the pages it
 *    touches, under a mutex (two overlapping windows would otherwise close
 *    each other), and closes it before returning; writes need no window
 *    (pwrite() on the descriptor, see memfd_write);
 *  - a PROT_NONE guard page on each side catches linear overruns from
 *    neighbouring mappings into the region and out of it;
 *  - the pages are mlock'ed so they never reach swap, and MADV_DONTDUMP keeps
 *    them out of core dumps;
 *  - freed ranges are zeroed by the vendor layer through scrub().
 *
 * Writes from a source (a client's staging area) and scrubs run in the
 * copier process (heap_copier.h) when one is up: it holds the only
 * writable mapping of the heap, outside the server, and copies at memcpy
 * speed where pwrite() manages a fifth of it and every window costs page
 * table work. Without a copier (none installed, or it died and is not back
 * yet) they fall back to pwrite() and windows: slower, never wrong.
 *
 * mlock is best effort: under a small RLIMIT_MEMLOCK without CAP_IPC_LOCK it
 * fails with EPERM/ENOMEM/EAGAIN. We first try to lift the limit (root may
 * raise the hard limit; anyone may raise the soft limit to the hard one),
 * then lock; if that still fails we log once per process and carry on, since
 * refusing to start would take audio/video down on a misconfigured unit. A
 * product build should grant CAP_IPC_LOCK or LimitMEMLOCK= in the unit file.
 *
 * Failing to close a window (mprotect back to PROT_NONE) would leave secure
 * memory readable; we abort() rather than continue in that state.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sodium.h>

#include "heap.h"
#include "heap_copier.h"
#include "util.h"
#include "vendor_log.h"

struct memfd_heap {
        int fd;
        bool secure;
        size_t size;
        size_t page;
        uint8_t *reserve; /* whole mapping, guard pages included */
        size_t reserve_len;
        uint8_t *base; /* first byte of the heap */
        pthread_mutex_t window_lock;
        struct avb_copier *copier;   /* secure heaps; NULL: none */
        pthread_mutex_t source_lock; /* the slots' use, not their contents */
        struct memfd_source {
                const uint8_t *map; /* NULL: slot free */
                size_t size;
        } sources[AVB_COPIER_MAX_SOURCES];
};

static void memfd_unmap(struct memfd_heap *h)
{
        if (h->reserve && h->reserve != MAP_FAILED)
                munmap(h->reserve, h->reserve_len);
        h->reserve = NULL;
}

static void memfd_close(void *priv)
{
        struct memfd_heap *h = priv;

        if (!h)
                return;
        avb_copier_free(h->copier);
        memfd_unmap(h);
        if (h->fd >= 0)
                close(h->fd);
        pthread_mutex_destroy(&h->window_lock);
        pthread_mutex_destroy(&h->source_lock);
        free(h);
}

static void memfd_heap_closep(struct memfd_heap **h)
{
        memfd_close(*h);
}

static void memfd_lift_memlock_limit(void)
{
        struct rlimit rl, unlimited = {RLIM_INFINITY, RLIM_INFINITY};

        if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
                return;
        if (setrlimit(RLIMIT_MEMLOCK, &unlimited) == 0)
                return;
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_MEMLOCK, &rl);
}

static void memfd_lock_pages(void *addr, size_t len)
{
        static atomic_bool warned;
        int err;

        memfd_lift_memlock_limit();
        if (mlock(addr, len) == 0)
                return;
        err = errno;
        if (!atomic_exchange(&warned, true))
                avb_vendor_log("secure heap: mlock of %zu bytes failed (%s); continuing unlocked, "
                               "pages may reach swap",
                               len, strerror(err));
}

static int memfd_map_secure(struct memfd_heap *h)
{
        size_t region = avb_align_up(h->size, h->page);

        h->reserve_len = region + 2 * h->page;
        h->reserve = mmap(NULL, h->reserve_len, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (h->reserve == MAP_FAILED)
                return -errno;
        h->base = mmap(h->reserve + h->page, region, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                       h->fd, 0);
        if (h->base == MAP_FAILED)
                return -errno;
        /* Populate and lock while writable, then shut the door. */
        (void)madvise(h->base, region, MADV_DONTDUMP);
        memfd_lock_pages(h->base, region);
        if (mprotect(h->base, region, PROT_NONE) < 0)
                return -errno;
        return 0;
}

static void memfd_start_copier(struct memfd_heap *h)
{
        static atomic_bool warned;
        int r = avb_copier_new(h->fd, &h->copier);

        if (r < 0 && !atomic_exchange(&warned, true))
                avb_vendor_log("secure heap: no copier process (%s); staged writes and scrubs go "
                               "through the kernel, several times slower",
                               strerror(-r));
}

static int memfd_open(size_t size, bool secure, void **ret_priv)
{
        _cleanup_(memfd_heap_closep) struct memfd_heap *h = NULL;
        long page = sysconf(_SC_PAGESIZE);
        int r;

        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->fd = -1;
        h->secure = secure;
        h->size = size;
        h->page = page > 0 ? (size_t)page : 4096;
        pthread_mutex_init(&h->window_lock, NULL);
        pthread_mutex_init(&h->source_lock, NULL);

        h->fd = memfd_create(secure ? "avbuffer-secure-heap" : "avbuffer-heap",
                             MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (h->fd < 0)
                return -errno;
        if (ftruncate(h->fd, (off_t)size) < 0)
                return -errno;
        if (fcntl(h->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
                return -errno;

        if (secure) {
                r = memfd_map_secure(h);
                if (r < 0)
                        return r;
                memfd_start_copier(h);
        } else {
                h->reserve_len = size;
                h->reserve = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd, 0);
                if (h->reserve == MAP_FAILED)
                        return -errno;
                h->base = h->reserve;
        }
        *ret_priv = AVB_TAKE_PTR(h);
        return 0;
}

/*
 * Access windows. For a non-secure heap they are no-ops. For a secure heap
 * the caller holds window_lock from before the first open to after the last
 * close.
 */
static void memfd_window_bounds(const struct memfd_heap *h, size_t off, size_t len,
                                uint8_t **ret_start, size_t *ret_len)
{
        size_t start = avb_align_down(off, h->page);
        size_t end = avb_align_up(off + len, h->page);

        *ret_start = h->base + start;
        *ret_len = end - start;
}

static int memfd_window_open(struct memfd_heap *h, size_t off, size_t len)
{
        uint8_t *start;
        size_t n;

        if (!h->secure)
                return 0;
        memfd_window_bounds(h, off, len, &start, &n);
        if (mprotect(start, n, PROT_READ | PROT_WRITE) < 0)
                return -errno;
        return 0;
}

static void memfd_window_close(struct memfd_heap *h, size_t off, size_t len)
{
        uint8_t *start;
        size_t n;

        if (!h->secure)
                return;
        memfd_window_bounds(h, off, len, &start, &n);
        if (mprotect(start, n, PROT_NONE) < 0) {
                avb_vendor_log("secure heap: cannot close access window (%s); aborting",
                               strerror(errno));
                abort();
        }
}

static void memfd_lock(struct memfd_heap *h)
{
        if (h->secure)
                pthread_mutex_lock(&h->window_lock);
}

static void memfd_unlock(struct memfd_heap *h)
{
        if (h->secure)
                pthread_mutex_unlock(&h->window_lock);
}

enum memfd_op { MEMFD_WRITE, MEMFD_READ, MEMFD_SCRUB };

/* One windowed access to a single heap. */
static int memfd_access(struct memfd_heap *h, enum memfd_op op, size_t off, void *mem, size_t len)
{
        int r;

        memfd_lock(h);
        r = memfd_window_open(h, off, len);
        if (r == 0) {
                if (op == MEMFD_WRITE)
                        memcpy(h->base + off, mem, len);
                else if (op == MEMFD_READ)
                        memcpy(mem, h->base + off, len);
                else
                        sodium_memzero(h->base + off, len);
                memfd_window_close(h, off, len);
        }
        memfd_unlock(h);
        return r;
}

/*
 * Writes into the secure heap go through its descriptor: the kernel copies
 * into the pages, and the server's mapping stays PROT_NONE throughout (no
 * window opens at all). Opening a window costs a change of every page
 * table entry it covers and, on a host with shadow paging, a trap per page
 * on the next access: 4 ms per MiB where pwrite() takes 60 us.
 */
static int memfd_pwrite(struct memfd_heap *h, size_t off, const uint8_t *src, size_t len)
{
        while (len > 0) {
                ssize_t n = pwrite(h->fd, src, len, (off_t)off);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -EIO;
                src += n;
                off += (size_t)n;
                len -= (size_t)n;
        }
        return 0;
}

static int memfd_write(void *priv, size_t off, const void *src, size_t len)
{
        struct memfd_heap *h = priv;

        if (h->secure)
                return memfd_pwrite(h, off, src, len);
        return memfd_access(h, MEMFD_WRITE, off, (void *)src, len);
}

static int memfd_read(void *priv, size_t off, void *dst, size_t len)
{
        return memfd_access(priv, MEMFD_READ, off, dst, len);
}

static int memfd_scrub(void *priv, size_t off, size_t len)
{
        struct memfd_heap *h = priv;

        while (h->copier && len > 0) {
                size_t n = len < AVB_COPIER_MAX_LEN ? len : AVB_COPIER_MAX_LEN;
                /* whatever went wrong there, the range is zeroed here */
                if (avb_copier_zero(h->copier, off, n) < 0)
                        break;
                off += n;
                len -= n;
        }
        return len ? memfd_access(h, MEMFD_SCRUB, off, NULL, len) : 0;
}

/* ---- sources ------------------------------------------------------------ */

static int memfd_source_attach(void *priv, int fd, const void *map, size_t size, int client,
                               bool *ret_direct, int *ret_id)
{
        struct memfd_heap *h = priv;
        int id = -1, r = 0;

        pthread_mutex_lock(&h->source_lock);
        for (int i = 0; i < AVB_COPIER_MAX_SOURCES && id < 0; i++)
                if (!h->sources[i].map)
                        id = i;
        if (id < 0)
                r = -ENOSPC;
        else if (h->copier)
                r = avb_copier_attach(h->copier, (unsigned)id, fd, size, AVB_TAKE_FD(client));
        if (client >= 0)
                close(client);
        if (r >= 0)
                h->sources[id] = (struct memfd_source){.map = map, .size = size};
        pthread_mutex_unlock(&h->source_lock);
        if (r < 0)
                return r;
        *ret_direct = r == 1;
        *ret_id = id;
        return 0;
}

static void memfd_source_detach(void *priv, int id)
{
        struct memfd_heap *h = priv;

        if (id < 0 || id >= AVB_COPIER_MAX_SOURCES)
                return;
        pthread_mutex_lock(&h->source_lock);
        if (h->sources[id].map && h->copier)
                avb_copier_detach(h->copier, (unsigned)id);
        h->sources[id] = (struct memfd_source){0};
        pthread_mutex_unlock(&h->source_lock);
}

/*
 * Through the copier a slice at a time; what it cannot do (none running,
 * or it was lost on the way) goes through memfd_write from the server's
 * mapping of the source. The source's slot is read without source_lock:
 * the caller keeps it attached while it writes from it.
 */
static int memfd_write_source(void *priv, size_t off, int id, size_t src_off, size_t len)
{
        struct memfd_heap *h = priv;
        const struct memfd_source *s;

        if (id < 0 || id >= AVB_COPIER_MAX_SOURCES)
                return -EINVAL;
        s = &h->sources[id];
        if (!s->map || src_off > s->size || len > s->size - src_off)
                return -EINVAL;
        while (h->copier && len > 0) {
                size_t n = len < AVB_COPIER_MAX_LEN ? len : AVB_COPIER_MAX_LEN;
                int r = avb_copier_write(h->copier, off, (unsigned)id, src_off, n);

                if (r == -ENODEV)
                        break;
                if (r < 0)
                        return r;
                off += n;
                src_off += n;
                len -= n;
        }
        return len ? memfd_write(h, off, s->map + src_off, len) : 0;
}

static void memfd_buffer_live(void *priv, int64_t handle, size_t off, size_t size)
{
        struct memfd_heap *h = priv;

        if (h->copier)
                (void)avb_copier_live(h->copier, handle, off, size);
}

static void memfd_buffer_gone(void *priv, int64_t handle)
{
        struct memfd_heap *h = priv;

        if (h->copier)
                avb_copier_gone(h->copier, handle);
}

int avb_heap_memfd_priv_copier_pid(void *priv)
{
        struct memfd_heap *h = priv;

        return h->copier ? (int)avb_copier_pid(h->copier) : -1;
}

static int memfd_fd(void *priv)
{
        return ((struct memfd_heap *)priv)->fd;
}

/*
 * Both windows are opened read-write: when src and dst share a heap their
 * page ranges may overlap, and a read-only source window would take write
 * access away from the destination.
 */
static int memfd_copy(void *dst_priv, size_t dst_off, void *src_priv, size_t src_off, size_t len)
{
        struct memfd_heap *dst = dst_priv, *src = src_priv;
        struct memfd_heap *first = dst < src ? dst : src, *second = dst < src ? src : dst;
        int r;

        memfd_lock(first);
        if (second != first)
                memfd_lock(second);
        r = memfd_window_open(dst, dst_off, len);
        if (r < 0)
                goto unlock;
        r = memfd_window_open(src, src_off, len);
        if (r < 0)
                goto close_dst;
        memmove(dst->base + dst_off, src->base + src_off, len);
        memfd_window_close(src, src_off, len);
close_dst:
        memfd_window_close(dst, dst_off, len);
unlock:
        if (second != first)
                memfd_unlock(second);
        memfd_unlock(first);
        return r;
}

void *avb_heap_memfd_priv_base(void *priv)
{
        return ((struct memfd_heap *)priv)->base;
}

const struct avb_heap_ops avb_heap_memfd_ops = {
    .name = "memfd",
    .open = memfd_open,
    .close = memfd_close,
    .write = memfd_write,
    .read = memfd_read,
    .scrub = memfd_scrub,
    .fd = memfd_fd,
    .copy = memfd_copy,
    .source_attach = memfd_source_attach,
    .source_detach = memfd_source_detach,
    .write_source = memfd_write_source,
    .buffer_live = memfd_buffer_live,
    .buffer_gone = memfd_buffer_gone,
};
