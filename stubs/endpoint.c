/* SPDX-License-Identifier: Apache-2.0 */
/* endpoint.h, plus avb_socket_dir/avb_endpoint_for of rpc.h. */
#include "endpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <avbuffer/rpc.h>

#include "avb_config.h"
#include "log.h"
#include "util.h"

_Static_assert(sizeof(((struct sockaddr_un *)0)->sun_path) == AVB_SUN_PATH_MAX,
               "sun_path size");

#define DIR_MODE 0750
#define SOCKET_MODE 0660

static int derive(char *dst, const char *path, const char *suffix)
{
        int n = snprintf(dst, AVB_SUN_PATH_MAX, "%s%s", path, suffix);
        return n < 0 || n >= AVB_SUN_PATH_MAX ? -ENAMETOOLONG : 0;
}

int avb_endpoint_parse(const char *endpoint, avb_endpoint *ret)
{
        const size_t plen = strlen(AVB_IPC_PREFIX);
        avb_endpoint ep;
        const char *path;
        int r;

        if (!endpoint || strncmp(endpoint, AVB_IPC_PREFIX, plen) != 0)
                return -EINVAL;
        path = endpoint + plen;
        if (!*path)
                return -EINVAL;
        memset(&ep, 0, sizeof(ep));
        if ((r = derive(ep.path, path, "")) < 0 ||
            (r = derive(ep.oneway_path, path, AVB_SUFFIX_ONEWAY)) < 0 ||
            (r = derive(ep.life_path, path, AVB_SUFFIX_LIFE)) < 0 ||
            (r = derive(ep.lock_path, path, AVB_SUFFIX_LOCK)) < 0)
                return r;
        snprintf(ep.url, sizeof(ep.url), "%s%s", AVB_IPC_PREFIX, ep.path);
        snprintf(ep.oneway_url, sizeof(ep.oneway_url), "%s%s", AVB_IPC_PREFIX, ep.oneway_path);
        *ret = ep;
        return 0;
}

/* mkdir -p with DIR_MODE for what it creates; `dir` is modified and restored. */
static int make_dirs(char *dir)
{
        struct stat st;

        if (stat(dir, &st) == 0) {
                if (!S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                if (st.st_mode & 0007)
                        avb_log_warning("socket directory %s is reachable by every user (mode %o)",
                                        dir, (unsigned)(st.st_mode & 07777));
                return 0;
        }
        if (errno != ENOENT)
                return -errno;
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                int r = make_dirs(dir);
                *slash = '/';
                if (r < 0)
                        return r;
        }
        if (mkdir(dir, DIR_MODE) < 0 && errno != EEXIST)
                return -errno;
        /* mkdir's mode went through the umask: set it exactly. */
        if (chmod(dir, DIR_MODE) < 0)
                return -errno;
        return 0;
}

int avb_endpoint_make_dir(const avb_endpoint *ep)
{
        char dir[AVB_SUN_PATH_MAX];
        char *slash;

        memcpy(dir, ep->path, sizeof(dir));
        slash = strrchr(dir, '/');
        if (!slash)
                return 0; /* relative name in the working directory */
        if (slash == dir)
                return 0; /* "/name" */
        *slash = '\0';
        return make_dirs(dir);
}

int avb_endpoint_lock(const avb_endpoint *ep, int *ret_fd)
{
        _cleanup_(avb_closep) int fd = -1;
        struct stat a, b;

        fd = open(ep->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, SOCKET_MODE);
        if (fd < 0)
                return -errno;
        if (flock(fd, LOCK_EX | LOCK_NB) < 0)
                return errno == EWOULDBLOCK ? -EADDRINUSE : -errno;
        /* The previous owner may have unlinked the file between our open and flock. */
        if (fstat(fd, &a) < 0 || stat(ep->lock_path, &b) < 0 || a.st_ino != b.st_ino ||
            a.st_dev != b.st_dev)
                return -EADDRINUSE;
        (void)fchmod(fd, SOCKET_MODE);
        *ret_fd = AVB_TAKE_FD(fd);
        return 0;
}

int avb_endpoint_restrict(const char *path)
{
        return chmod(path, SOCKET_MODE) < 0 ? -errno : 0;
}

void avb_endpoint_unlink(const avb_endpoint *ep)
{
        (void)unlink(ep->path);
        (void)unlink(ep->oneway_path);
        (void)unlink(ep->life_path);
        (void)unlink(ep->lock_path);
}

const char *avb_socket_dir(void)
{
        const char *e = getenv("AVB_SOCKET_DIR");
        return e && *e ? e : AVB_DEFAULT_SOCKET_DIR;
}

int avb_endpoint_for(const char *name, char **ret_endpoint)
{
        avb_endpoint ep;
        char *s = NULL;
        int r;

        if (!name || !*name || strchr(name, '/') || !ret_endpoint)
                return -EINVAL;
        if (asprintf(&s, "%s%s/%s", AVB_IPC_PREFIX, avb_socket_dir(), name) < 0)
                return -ENOMEM;
        r = avb_endpoint_parse(s, &ep);
        if (r < 0) {
                free(s);
                return r;
        }
        *ret_endpoint = s;
        return 0;
}
