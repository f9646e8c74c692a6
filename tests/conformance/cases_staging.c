/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Staged writes into secure memory (issue 15, section 3): the helper fills
 * a staging area the server gave its heap connection, and the server copies
 * from there into the buffer. Through the helper, and on the heap socket
 * itself (the layout of helper/heapshare_proto.h, restated here as a
 * client outside the project would have to): the staging memfd is sealed,
 * each connection's area is its own, and bad offsets and sizes are refused
 * without a byte moving.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cf.h"

#define ST_MAGIC  0x41564248u
#define ST_LOOKUP 1u
#define ST_GET    2u
#define ST_WRITE  3u
#define ST_BYTES  (2u * 1024u * 1024u)
#define ST_MAX    (1024u * 1024u)

struct st_req {
        uint32_t magic, op;
        int64_t handle;
};

struct st_write {
        uint32_t magic, op;
        int64_t handle;
        uint32_t offset, staging_offset, size, reserved;
};

struct st_rep {
        uint32_t magic;
        int32_t status;
        uint32_t flags, offset, size, reserved;
};

/* A heap connection of its own (the hello's descriptors closed): the socket, or -1. */
static int st_connect(cf_ctx *c)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        struct timeval tv = {.tv_sec = 10};
        uint8_t hello[64];
        char *ep = NULL, buf[CMSG_SPACE(4 * sizeof(int))];
        struct iovec iov = {.iov_base = hello, .iov_len = sizeof(hello)};
        struct msghdr msg = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
        uint32_t id;
        int fd = -1;

        if (cf_service_endpoint(c->o, &ep, &id) < 0 || !strstr(ep, "://")) {
                CF_CHECK(c, false, "no service endpoint");
                free(ep);
                return -1;
        }
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.heap", strstr(ep, "://") + 3);
        free(ep);
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) < 16) {
                CF_CHECK(c, false, "heap socket %s: %s", sa.sun_path, strerror(errno));
                if (fd >= 0)
                        close(fd);
                return -1;
        }
        for (struct cmsghdr *m = CMSG_FIRSTHDR(&msg); m; m = CMSG_NXTHDR(&msg, m))
                for (size_t i = 0; i < (m->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
                        close(((int *)CMSG_DATA(m))[i]);
        return fd;
}

/* Asks for the connection's staging area: its memfd, or -1 (the case fails). */
static int st_get(cf_ctx *c, int fd)
{
        struct st_req req = {ST_MAGIC, ST_GET, 0};
        struct st_rep rep = {0};
        char buf[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {.iov_base = &rep, .iov_len = sizeof(rep)};
        struct msghdr msg = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
        struct cmsghdr *m;
        int mfd = -1;

        if (send(fd, &req, sizeof(req), MSG_NOSIGNAL) == sizeof(req) &&
            recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) == sizeof(rep) && (m = CMSG_FIRSTHDR(&msg)))
                memcpy(&mfd, CMSG_DATA(m), sizeof(int));
        CF_CHECK(c, mfd >= 0 && rep.status == 0 && rep.size == ST_BYTES,
                 "no staging area: status %s, %u bytes", cf_errname(rep.status), rep.size);
        return mfd;
}

/*
 * st_get, keeping count of the second descriptor a STAGING reply may carry
 * (a connection to this build's copier), which is closed here.
 */
static int st_get_direct(cf_ctx *c, int fd, bool *ret_direct)
{
        struct st_req req = {ST_MAGIC, ST_GET, 0};
        struct st_rep rep = {0};
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct iovec iov = {.iov_base = &rep, .iov_len = sizeof(rep)};
        struct msghdr msg = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
        struct cmsghdr *m;
        int fds[2] = {-1, -1};

        *ret_direct = false;
        if (send(fd, &req, sizeof(req), MSG_NOSIGNAL) == sizeof(req) &&
            recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) == sizeof(rep) && (m = CMSG_FIRSTHDR(&msg))) {
                size_t n = (m->cmsg_len - CMSG_LEN(0)) / sizeof(int);

                memcpy(fds, CMSG_DATA(m), (n > 2 ? 2 : n) * sizeof(int));
        }
        if (fds[1] >= 0) {
                *ret_direct = true;
                close(fds[1]);
        }
        CF_CHECK(c, fds[0] >= 0 && rep.status == 0 && rep.size == ST_BYTES,
                 "no staging area: status %s, %u bytes", cf_errname(rep.status), rep.size);
        return fds[0];
}

static int st_ask(int fd, const void *req, size_t len)
{
        struct st_rep rep;
        ssize_t n;

        if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
                return -errno;
        n = recv(fd, &rep, sizeof(rep), 0);
        if (n <= 0)
                return n == 0 ? -ECONNRESET : -errno;
        return n == sizeof(rep) && rep.magic == ST_MAGIC ? rep.status : -EBADMSG;
}

static int st_write(int fd, int64_t h, uint32_t offset, uint32_t staging_offset, uint32_t size)
{
        struct st_write w = {ST_MAGIC, ST_WRITE, h, offset, staging_offset, size, 0};

        return st_ask(fd, &w, sizeof(w));
}

static uint8_t *st_map(cf_ctx *c, int mfd)
{
        void *p = mmap(NULL, ST_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);

        CF_CHECK(c, p != MAP_FAILED, "cannot map the staging area: %s", strerror(errno));
        return p == MAP_FAILED ? NULL : p;
}

/* Whether this process maps a staging area (the helper's, after a secure write). */
static bool maps_staging(void)
{
        FILE *f = fopen("/proc/self/maps", "r");
        char line[512];
        bool found = false;

        while (f && !found && fgets(line, sizeof(line), f))
                found = strstr(line, "avb-staging") != NULL;
        if (f)
                fclose(f);
        return found;
}

/*
 * The helper's secure write goes through the staging area: the whole
 * buffer and an unaligned stretch are exact, and the area is mapped here.
 */
static void helper_write_staged(cf_ctx *c)
{
        enum { N = 256 * 1024 };
        static uint8_t pat[N], want[N];
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL);
        int64_t s = cf_buf_alloc(c, sp, N);
        int e;

        cf_pattern(pat, N, 15);
        e = avb_helper_write(cf_helper(c), s, 0, pat, N);
        CF_CHECK(c, e == 0, "avb_helper_write of %d bytes into secure: %s", N, cf_errname(e));
        memcpy(want, pat, N);
        cf_expect_sha1(c, s, want, N);
        cf_pattern(pat, N, 16);
        e = avb_helper_write(cf_helper(c), s, 3, pat, N - 10);
        CF_CHECK(c, e == 0, "avb_helper_write at offset 3: %s", cf_errname(e));
        memcpy(want + 3, pat, N - 10);
        cf_expect_sha1(c, s, want, N);
        CF_CHECK(c, maps_staging(), "the helper wrote without a staging area");
        e = avb_helper_write(cf_helper(c), s, 1, pat, N);
        CF_EXPECT_ERRNO(c, e, -ERANGE, "a staged write past the end");
        cf_expect_sha1(c, s, want, N);
        cf_buf_free(c, s);
        cf_pool_destroy(c, sp);
}

/*
 * The memfd is sealed: it cannot shrink (the server's mapping would fault),
 * grow, or lose its seals; the server still copies from it afterwards.
 */
static void staging_sealed(cf_ctx *c)
{
        enum { N = 4096 };
        static uint8_t pat[N];
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL);
        int64_t s = cf_buf_alloc(c, sp, N);
        int fd = st_connect(c), mfd = fd >= 0 ? st_get(c, fd) : -1, seals, e;
        uint8_t *p = mfd >= 0 ? st_map(c, mfd) : NULL;

        if (p) {
                seals = fcntl(mfd, F_GET_SEALS);
                CF_CHECK(c,
                         seals >= 0 && (seals & F_SEAL_SHRINK) && (seals & F_SEAL_GROW) &&
                             (seals & F_SEAL_SEAL),
                         "the staging memfd's seals are %#x", seals);
                CF_CHECK(c, ftruncate(mfd, 0) < 0, "the staging memfd could be truncated");
                CF_CHECK(c, ftruncate(mfd, ST_BYTES / 2) < 0, "the staging memfd could shrink");
                CF_CHECK(c, fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE) < 0,
                         "the staging memfd took another seal");
                cf_pattern(pat, N, 21);
                memcpy(p + ST_BYTES - N, pat, N);
                e = st_write(fd, s, 0, ST_BYTES - N, N);
                CF_CHECK(c, e == 0, "a staged write from the area's last page: %s", cf_errname(e));
                cf_expect_sha1(c, s, pat, N);
                munmap(p, ST_BYTES);
        }
        if (mfd >= 0)
                close(mfd);
        if (fd >= 0)
                close(fd);
        cf_buf_free(c, s);
        cf_pool_destroy(c, sp);
}

/*
 * Bad staged writes move nothing: outside the staging area, above the
 * per-call limit, a reserved field set, outside the buffer, an unknown
 * handle, a connection without a staging area (it cannot reach another's).
 */
static void staging_bad_args(cf_ctx *c)
{
        enum { N = 8192 };
        static uint8_t pat[N], junk[N];
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL);
        int64_t s = cf_buf_alloc(c, sp, N);
        int fd = st_connect(c), other = st_connect(c), mfd = fd >= 0 ? st_get(c, fd) : -1;
        uint8_t *p = mfd >= 0 ? st_map(c, mfd) : NULL;
        struct st_write reserved = {ST_MAGIC, ST_WRITE, s, 0, 0, 16, 1};
        static const struct {
                const char *what;
                uint32_t offset, staging_offset, size;
                int want;
        } bad[] = {
            {"past the staging area's end", 0, ST_BYTES - 100, 101, -EINVAL},
            {"starting beyond the staging area", 0, ST_BYTES, 1, -EINVAL},
            {"wrapping 32 bits", 0, 0xffffff00u, 0x200, -EINVAL},
            {"above the per-call limit", 0, 0, ST_MAX + 1, -EINVAL},
            {"past the buffer's end", N - 10, 0, 11, -ERANGE},
            {"at an offset beyond the buffer", 0xfffffff0u, 0, 0x20, -ERANGE},
        };
        int e;

        cf_pattern(pat, N, 31);
        e = avb_helper_write(cf_helper(c), s, 0, pat, N);
        CF_CHECK(c, e == 0, "avb_helper_write: %s", cf_errname(e));
        if (p && other >= 0) {
                memset(junk, 0xa5, N);
                memcpy(p, junk, N);
                memcpy(p + ST_BYTES - N, junk, N);
                for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                        e = st_write(fd, s, bad[i].offset, bad[i].staging_offset, bad[i].size);
                        CF_EXPECT_ERRNO(c, e, bad[i].want, bad[i].what);
                }
                e = st_ask(fd, &reserved, sizeof(reserved));
                CF_EXPECT_ERRNO(c, e, -EINVAL, "a staged write with its reserved field set");
                e = st_write(fd, s + 1, 0, 0, 16);
                CF_EXPECT_ERRNO(c, e, -ENOENT, "a staged write to an unknown handle");
                e = st_ask(fd, &reserved, sizeof(reserved) - 4);
                CF_EXPECT_ERRNO(c, e, -EPROTO, "a staged write 4 bytes short");
                e = st_write(other, s, 0, 0, 16);
                CF_EXPECT_ERRNO(c, e, -EINVAL, "a staged write on a connection without an area");
                cf_expect_sha1(c, s, pat, N);
                e = st_write(fd, s, 0, 0, 0);
                CF_CHECK(c, e == 0, "a staged write of 0 bytes: %s", cf_errname(e));
                munmap(p, ST_BYTES);
        }
        if (mfd >= 0)
                close(mfd);
        if (fd >= 0)
                close(fd);
        if (other >= 0)
                close(other);
        cf_expect_sha1(c, s, pat, N);
        cf_buf_free(c, s);
        cf_pool_destroy(c, sp);
}

/*
 * Two clients' staging areas are apart: each connection fills its own with
 * its own pattern at the same offsets, their writes interleave, and each
 * buffer gets its own client's bytes.
 */
static void staging_two_clients(cf_ctx *c)
{
        enum { N = 64 * 1024, ROUNDS = 8 };
        static uint8_t pat[2][N];
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL);
        int64_t s[2] = {cf_buf_alloc(c, sp, N), cf_buf_alloc(c, sp, N)};
        int fd[2] = {st_connect(c), st_connect(c)}, mfd[2] = {-1, -1}, e;
        uint8_t *p[2] = {NULL, NULL};

        for (int k = 0; k < 2; k++) {
                mfd[k] = fd[k] >= 0 ? st_get(c, fd[k]) : -1;
                p[k] = mfd[k] >= 0 ? st_map(c, mfd[k]) : NULL;
                cf_pattern(pat[k], N, 40 + (uint32_t)k);
        }
        for (int r = 0; p[0] && p[1] && r < ROUNDS; r++) {
                for (int k = 0; k < 2; k++)
                        memcpy(p[k], pat[k], N);
                for (int k = 0; k < 2; k++) {
                        e = st_write(fd[k], s[k], 0, 0, N);
                        CF_CHECK(c, e == 0, "client %d's staged write: %s", k, cf_errname(e));
                }
        }
        for (int k = 0; k < 2; k++) {
                cf_expect_sha1(c, s[k], pat[k], N);
                if (p[k])
                        munmap(p[k], ST_BYTES);
                if (mfd[k] >= 0)
                        close(mfd[k]);
                if (fd[k] >= 0)
                        close(fd[k]);
                cf_buf_free(c, s[k]);
        }
        cf_pool_destroy(c, sp);
}

/* ---- this build's copier process (same build only) ------------------------ */

/* The pid of avbufferd's child named avb-heap-copier, or -1. */
static pid_t copier_pid(void)
{
        const char *ppid_s = getenv("AVB_AVBUFFERD_PID");
        pid_t server = ppid_s ? (pid_t)atoi(ppid_s) : -1, found = -1;
        DIR *d = opendir("/proc");
        struct dirent *e;

        while (d && server > 0 && found < 0 && (e = readdir(d))) {
                char path[300], buf[512], comm[64];
                int pid, ppid;
                FILE *f;

                if (e->d_name[0] < '0' || e->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
                f = fopen(path, "r");
                if (!f)
                        continue;
                if (fgets(buf, sizeof(buf), f) &&
                    sscanf(buf, "%d (%63[^)]) %*c %d", &pid, comm, &ppid) == 3 && ppid == server &&
                    strcmp(comm, "avb-heap-copier") == 0)
                        found = pid;
                fclose(f);
        }
        if (d)
                closedir(d);
        return found;
}

/* CPU time pid has used (ns); it grows only while the copier copies or spins after it. */
static unsigned long long cpu_ns(pid_t pid)
{
        char path[64], stat[256];
        unsigned long long ns = 0;
        FILE *f;

        /*
         * The kernel adds a running task's time at its next switch: wait
         * until it sleeps (after its spin), or the figure lags behind.
         */
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        for (int i = 0; i < 400; i++) {
                char *r = NULL;

                f = fopen(path, "r");
                if (f && fgets(stat, sizeof(stat), f))
                        r = strrchr(stat, ')');
                if (f)
                        fclose(f);
                if (!r || r[1] != ' ' || r[2] != 'R')
                        break;
                usleep(5000);
        }
        snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
        f = fopen(path, "r");
        if (f && fscanf(f, "%llu", &ns) != 1)
                ns = 0;
        if (f)
                fclose(f);
        return ns;
}

/*
 * Client connections pid holds (its sockets but the one to avbufferd, fd
 * 4), or -1 when its descriptors cannot be read (it is not dumpable: root
 * only).
 */
static int client_conns(pid_t pid)
{
        char path[64], link[64];
        struct dirent *e;
        int n = 0;
        DIR *d;

        snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
        d = opendir(path);
        if (!d)
                return -1;
        while ((e = readdir(d))) {
                char fdpath[400];
                ssize_t k;

                if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == 4)
                        continue;
                snprintf(fdpath, sizeof(fdpath), "%s/%s", path, e->d_name);
                k = readlink(fdpath, link, sizeof(link) - 1);
                n += k > 0 && strncmp(link, "socket:", 7) == 0;
        }
        closedir(d);
        return n;
}

/*
 * The copier of this build's avbufferd, or the case is skipped for another
 * service. One lost by an earlier case comes back at the next scrub a second
 * later: freeing a secure buffer makes one.
 */
static pid_t need_copier(cf_ctx *c, cf_tpool *sp)
{
        pid_t pid = copier_pid();

        for (int i = 0; i < 30 && pid < 0 && c->same_build; i++) {
                usleep(100000);
                cf_buf_free(c, cf_buf_alloc(c, sp, 4096));
                pid = copier_pid();
        }

        if (pid < 0 && !c->same_build)
                cf_skip(c, "no avb-heap-copier child: the service is not this build");
        CF_CHECK(c, pid > 0, "avbufferd (pid %s) has no avb-heap-copier child",
                 getenv("AVB_AVBUFFERD_PID") ? getenv("AVB_AVBUFFERD_PID") : "unknown");
        return pid;
}

/* A helper write of n bytes into s, checked by SHA-1, with pattern seed. */
static void write_checked(cf_ctx *c, int64_t s, uint8_t *pat, size_t n, uint32_t seed)
{
        int e;

        cf_pattern(pat, n, seed);
        e = avb_helper_write(cf_helper(c), s, 0, pat, n);
        CF_CHECK(c, e == 0, "avb_helper_write of %zu bytes into secure: %s", n, cf_errname(e));
        cf_expect_sha1(c, s, pat, n);
}

/*
 * The copy runs in the copier, not in avbufferd: the copier's CPU time
 * grows with the write; and avbufferd maps the secure heap PROT_NONE.
 */
static void copier_does_the_copy(cf_ctx *c)
{
        enum { N = 256 * 1024 };
        static uint8_t pat[N];
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL);
        pid_t pid = need_copier(c, sp);
        int64_t s = cf_buf_alloc(c, sp, N);
        unsigned long long before;
        char path[64], line[512];
        bool none = false;
        FILE *f;

        write_checked(c, s, pat, N, 70); /* the staging area and connection exist now */
        before = cpu_ns(pid);
        for (uint32_t i = 0; i < 8; i++)
                write_checked(c, s, pat, N, 71 + i);
        CF_CHECK(c, cpu_ns(pid) > before, "the copier used no CPU for 2 MiB of writes");
        snprintf(path, sizeof(path), "/proc/%s/maps", getenv("AVB_AVBUFFERD_PID"));
        f = fopen(path, "r");
        while (f && fgets(line, sizeof(line), f))
                if (strstr(line, "avbuffer-secure-heap"))
                        none = strncmp(strchr(line, ' ') + 1, "---", 3) == 0;
        if (f)
                fclose(f);
        CF_CHECK(c, none, "avbufferd maps the secure heap readable or writable");
        cf_buf_free(c, s);
        cf_pool_destroy(c, sp);
}

/*
 * sig SIGKILL: the copier dies; SIGSTOP: it stops answering. Either way
 * the next writes are exact (the helper's direct connection fails, it goes
 * through avbufferd, which kills a stopped copier), the old process is
 * gone, and a new one takes the writes over after a while.
 */
static void copier_lost(cf_ctx *c, int sig)
{
        enum { N = 256 * 1024 };
        static uint8_t pat[N];
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL);
        pid_t old = need_copier(c, sp), now = -1;
        int64_t s = cf_buf_alloc(c, sp, N);
        unsigned long long before;

        write_checked(c, s, pat, N, 80);
        CF_CHECK(c, kill(old, sig) == 0, "kill(%d): %s", (int)old, strerror(errno));
        write_checked(c, s, pat, N, 81);
        write_checked(c, s, pat, N, 82);
        for (int i = 0; i < 100 && (kill(old, 0) == 0 || now < 0 || now == old); i++) {
                usleep(50000);
                write_checked(c, s, pat, N, 83); /* also what has avbufferd try again */
                now = copier_pid();
        }
        CF_CHECK(c, kill(old, 0) < 0 && errno == ESRCH, "the lost copier %d still exists",
                 (int)old);
        CF_CHECK(c, now > 0 && now != old, "no new copier after %d was lost", (int)old);
        usleep(1200000); /* the helper tries a direct connection again after a second */
        write_checked(c, s, pat, N, 84);
        before = cpu_ns(now);
        write_checked(c, s, pat, N, 85);
        CF_CHECK(c, cpu_ns(now) > before, "the new copier %d does not take the writes", (int)now);
        /* and the helper's writes reach it directly again */
        CF_CHECK(c, client_conns(now) != 0, "the new copier %d has no client connection", (int)now);
        cf_buf_free(c, s);
        cf_pool_destroy(c, sp);
}

static void copier_killed(cf_ctx *c)
{
        copier_lost(c, SIGKILL);
}

static void copier_stopped(cf_ctx *c)
{
        copier_lost(c, SIGSTOP);
}

/*
 * One process gets at most 4 staging areas with a copier connection (the
 * copier serves 64 in all); further ones still work, through the server.
 */
static void copier_sources_per_process(cf_ctx *c)
{
        enum { CONNS = 6, PER_PID = 4, N = 64 * 1024 };
        static uint8_t pat[N];
        cf_tpool *sp = cf_pool_new(c, true, true, 0, NULL);
        int64_t s = cf_buf_alloc(c, sp, N);
        int fd[CONNS], mfd[CONNS], direct = 0, e;
        bool d[CONNS] = {false};
        uint8_t *p;

        (void)need_copier(c, sp);
        for (int k = 0; k < CONNS; k++) {
                fd[k] = st_connect(c);
                mfd[k] = fd[k] >= 0 ? st_get_direct(c, fd[k], &d[k]) : -1;
                direct += d[k];
        }
        CF_CHECK(c, direct <= PER_PID, "%d of %d staging areas of one process are direct", direct,
                 CONNS);
        CF_CHECK(c, !d[PER_PID] && !d[PER_PID + 1],
                 "a staging area past the %d of a process got a copier connection", PER_PID);
        /* the last one works all the same */
        p = mfd[CONNS - 1] >= 0 ? st_map(c, mfd[CONNS - 1]) : NULL;
        if (p) {
                cf_pattern(pat, N, 90);
                memcpy(p, pat, N);
                e = st_write(fd[CONNS - 1], s, 0, 0, N);
                CF_CHECK(c, e == 0, "a staged write without a copier connection: %s",
                         cf_errname(e));
                cf_expect_sha1(c, s, pat, N);
                munmap(p, ST_BYTES);
        }
        /* the room comes back when areas go */
        for (int k = 0; k < CONNS; k++) {
                if (mfd[k] >= 0)
                        close(mfd[k]);
                if (fd[k] >= 0)
                        close(fd[k]);
        }
        d[0] = false;
        for (int i = 0; i < 100 && !d[0]; i++) { /* once the heap socket's thread saw them go */
                usleep(50000);
                fd[0] = st_connect(c);
                mfd[0] = fd[0] >= 0 ? st_get_direct(c, fd[0], &d[0]) : -1;
                if (mfd[0] >= 0)
                        close(mfd[0]);
                if (fd[0] >= 0)
                        close(fd[0]);
        }
        CF_CHECK(c, d[0], "no copier connection once the process's other areas were gone");
        cf_buf_free(c, s);
        cf_pool_destroy(c, sp);
}

const cf_case cf_cases_staging[] = {
    {"staging.helper-secure-write-exact", helper_write_staged,
     "a helper write into secure memory goes through the staging area and is exact"},
    {"staging.memfd-sealed", staging_sealed,
     "the staging memfd cannot shrink, grow or take seals; the server copies from it"},
    {"staging.bad-offsets-refused", staging_bad_args,
     "staged writes outside the area, above the limit, outside the buffer or without an "
     "area are refused and move nothing"},
    {"staging.two-clients-apart", staging_two_clients, "two connections' staging areas do not mix"},
    {"staging.copier-does-the-copy", copier_does_the_copy,
     "this build: staged writes are copied by avb-heap-copier; avbufferd maps the secure heap "
     "PROT_NONE"},
    {"staging.copier-sources-per-process", copier_sources_per_process,
     "this build: at most 4 staging areas of one process get a copier connection; further ones "
     "still work through the server"},
    {"staging.copier-killed", copier_killed,
     "this build: writes stay exact when the copier is killed, and a new copier takes over"},
    {"staging.copier-stopped", copier_stopped,
     "this build: writes stay exact when the copier stops answering; it is killed and replaced"},
    {NULL, NULL, NULL},
};
