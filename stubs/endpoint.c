/* SPDX-License-Identifier: Apache-2.0 */
/* endpoint.h, plus avb_socket_dir/avb_endpoint_for of rpc.h. */
#include "endpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
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

_Static_assert(sizeof(((struct sockaddr_un *)0)->sun_path) == AVB_SUN_PATH_MAX, "sun_path size");

#define DIR_MODE    0750
#define SOCKET_MODE 0660

static int derive(char *dst, const char *path, const char *suffix)
{
        int n = snprintf(dst, AVB_SUN_PATH_MAX, "%s%s", path, suffix);
        return n < 0 || n >= AVB_SUN_PATH_MAX ? -ENAMETOOLONG : 0;
}

int avb_endpoint_parse(const char *endpoint, avb_endpoint *ret)
{
        avb_endpoint ep;
        const char *path;
        int r;

        if (!endpoint)
                return -EINVAL;
        memset(&ep, 0, sizeof(ep));
        if (strncmp(endpoint, AVB_IPC_PREFIX, strlen(AVB_IPC_PREFIX)) == 0)
                path = endpoint + strlen(AVB_IPC_PREFIX);
        else if (strncmp(endpoint, AVB_UNIX_PREFIX, strlen(AVB_UNIX_PREFIX)) == 0) {
                path = endpoint + strlen(AVB_UNIX_PREFIX);
                ep.is_unix = true;
        } else
                return -EINVAL;
        if (!*path)
                return -EINVAL;
        if ((r = derive(ep.path, path, "")) < 0 ||
            (r = derive(ep.lock_path, path, AVB_SUFFIX_LOCK)) < 0)
                return r;
        if (ep.is_unix) {
                /* The listener is the endpoint itself: nothing else is derived. */
                memcpy(ep.life_path, ep.path, sizeof(ep.life_path));
                snprintf(ep.url, sizeof(ep.url), "%s%s", AVB_UNIX_PREFIX, ep.path);
                *ret = ep;
                return 0;
        }
        if ((r = derive(ep.oneway_path, path, AVB_SUFFIX_ONEWAY)) < 0 ||
            (r = derive(ep.life_path, path, AVB_SUFFIX_LIFE)) < 0)
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
        if (!ep->is_unix) {
                (void)unlink(ep->oneway_path);
                (void)unlink(ep->life_path);
        }
        (void)unlink(ep->lock_path);
}

const char *avb_socket_dir(void)
{
        const char *e = getenv("AVB_SOCKET_DIR");
        return e && *e ? e : AVB_DEFAULT_SOCKET_DIR;
}

int avb_transport_parse(const char *name, bool *ret_unix)
{
        if (!name)
                return -EINVAL;
        if (strcmp(name, "nanomsg") == 0 || strcmp(name, "ipc") == 0)
                *ret_unix = false;
        else if (strcmp(name, "unix") == 0)
                *ret_unix = true;
        else
                return -EINVAL;
        return 0;
}

const char *avb_default_transport(void)
{
        const char *e = getenv("AVB_TRANSPORT");
        bool is_unix;

        if (e && *e && avb_transport_parse(e, &is_unix) == 0)
                return is_unix ? "unix" : "nanomsg";
        if (e && *e) {
                static atomic_flag warned = ATOMIC_FLAG_INIT;
                if (!atomic_flag_test_and_set(&warned))
                        avb_log_warning("AVB_TRANSPORT=%s is not nanomsg or unix: using nanomsg",
                                        e);
        }
        return "nanomsg";
}

int avb_endpoint_for_transport(const char *transport, const char *name, char **ret_endpoint)
{
        avb_endpoint ep;
        bool is_unix;
        char *s = NULL;
        int r;

        if (!name || !*name || strchr(name, '/') || !ret_endpoint)
                return -EINVAL;
        if ((r = avb_transport_parse(transport ? transport : avb_default_transport(), &is_unix)) <
            0)
                return r;
        if (asprintf(&s, "%s%s/%s", is_unix ? AVB_UNIX_PREFIX : AVB_IPC_PREFIX, avb_socket_dir(),
                     name) < 0)
                return -ENOMEM;
        r = avb_endpoint_parse(s, &ep);
        if (r < 0) {
                free(s);
                return r;
        }
        *ret_endpoint = s;
        return 0;
}

int avb_endpoint_for(const char *name, char **ret_endpoint)
{
        return avb_endpoint_for_transport(NULL, name, ret_endpoint);
}

int avb_endpoint_lookup(const char *name, char **ret_endpoint)
{
        _cleanup_(avb_freep) char *path = NULL;
        struct stat st;
        const char *transport = NULL;

        if (!name || !*name || strchr(name, '/') || !ret_endpoint)
                return -EINVAL;
        if (asprintf(&path, "%s/%s%s", avb_socket_dir(), name, AVB_SUFFIX_LIFE) < 0)
                return -ENOMEM;
        if (stat(path, &st) == 0) {
                transport = "nanomsg";
        } else {
                path[strlen(path) - strlen(AVB_SUFFIX_LIFE)] = '\0';
                if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
                        transport = "unix";
        }
        return avb_endpoint_for_transport(transport, name, ret_endpoint);
}
