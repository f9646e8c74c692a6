/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The heap socket. Each connection gets one message and is closed; a slow
 * client cannot hold the thread for long because sends time out.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <avbuffer/log.h>

#include "directory.h"
#include "heapshare.h"
#include "heapshare_proto.h"

struct avbd_heapshare {
        int listen_fd;
        int stop_fd;
        int heap_fd;
        size_t heap_bytes;
        struct avbd_directory *dir;
        avbd_heapshare_policy policy;
        void *userdata;
        char *path;
        pthread_t thread;
};

static void serve_one(struct avbd_heapshare *h, int fd)
{
        struct avb_heapshare_msg m = {
                .magic = AVB_HEAPSHARE_MAGIC,
                .version = AVB_HEAPSHARE_VERSION,
                .heap_bytes = h->heap_fd >= 0 ? h->heap_bytes : 0,
                .dir_slots = avbd_directory_slots(h->dir),
        };
        union {
                char buf[CMSG_SPACE(2 * sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        struct timeval tv = {.tv_sec = 1};
        struct ucred cred;
        socklen_t len = sizeof(cred);
        int fds[2], n = 0, dir_fd = -1;

        (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
                m.status = -errno;
        } else if (h->policy && !h->policy(h->userdata, cred.uid, cred.gid)) {
                avb_log(AVB_LOG_WARNING, "heap socket: refused pid %d uid %u", (int)cred.pid,
                        (unsigned)cred.uid);
                m.status = -EACCES;
        } else if ((dir_fd = avbd_directory_client_fd(h->dir)) < 0) {
                m.status = dir_fd;
        } else {
                if (h->heap_fd >= 0)
                        fds[n++] = h->heap_fd;
                fds[n++] = dir_fd;
                m.n_fds = (uint32_t)n;
                memset(&control, 0, sizeof(control));
                msg.msg_control = control.buf;
                msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
                struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
                memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
        }
        if (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
                avb_log(AVB_LOG_DEBUG, "heap socket: send: %s", strerror(errno));
        if (dir_fd >= 0)
                close(dir_fd);
}

static void *run(void *arg)
{
        struct avbd_heapshare *h = arg;

        for (;;) {
                struct pollfd p[2] = {
                        {.fd = h->listen_fd, .events = POLLIN},
                        {.fd = h->stop_fd, .events = POLLIN},
                };
                int fd;

                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        avb_log(AVB_LOG_ERROR, "heap socket: poll: %s", strerror(errno));
                        return NULL;
                }
                if (p[1].revents)
                        return NULL;
                fd = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC);
                if (fd < 0)
                        continue;
                serve_one(h, fd);
                close(fd);
        }
}

int avbd_heapshare_start(const char *path, int heap_fd, size_t heap_bytes,
                         struct avbd_directory *dir, avbd_heapshare_policy policy, void *userdata,
                         struct avbd_heapshare **ret)
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
        h->heap_fd = heap_fd;
        h->heap_bytes = heap_bytes;
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
        if (bind(h->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            chmod(path, 0660) < 0 || listen(h->listen_fd, 64) < 0) {
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
        close(h->listen_fd);
        close(h->stop_fd);
        (void)unlink(h->path);
        free(h->path);
        free(h);
}
