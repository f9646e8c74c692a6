/* SPDX-License-Identifier: Apache-2.0 */
/* File access of aidlc: the real file system and an in-memory one (fileio.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

/* ---- posix ---- */

static int posix_read(void *userdata, const char *path, char **ret_data, size_t *ret_len)
{
        (void)userdata;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode)) {
                close(fd);
                return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        }
        size_t cap = (size_t)st.st_size + 1, len = 0;
        char *buf = malloc(cap);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        for (;;) {
                if (len + 1 >= cap) {
                        char *nb = realloc(buf, cap * 2);
                        if (!nb) {
                                free(buf);
                                close(fd);
                                return -ENOMEM;
                        }
                        buf = nb;
                        cap *= 2;
                }
                ssize_t n = read(fd, buf + len, cap - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        free(buf);
                        close(fd);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        close(fd);
        buf[len] = '\0';
        *ret_data = buf;
        *ret_len = len;
        return 0;
}

static int mkdir_parents(const char *path)
{
        char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                        int r = -errno;
                        free(p);
                        return r;
                }
                *s = '/';
        }
        free(p);
        return 0;
}

static int posix_write(void *userdata, const char *path, const char *data, size_t len)
{
        (void)userdata;
        int r = mkdir_parents(path);
        if (r < 0)
                return r;
        char *tmp = NULL;
        if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
                return -ENOMEM;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
                r = -errno;
                free(tmp);
                return r;
        }
        size_t done = 0;
        while (done < len) {
                ssize_t n = write(fd, data + done, len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                done += (size_t)n;
        }
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                unlink(tmp);
        free(tmp);
        return r;
}

static const aidl_fileio_ops posix_ops = {.read = posix_read, .write = posix_write};

aidl_fileio aidl_fileio_posix(void)
{
        return (aidl_fileio){.ops = &posix_ops, .userdata = NULL};
}

/* ---- memfs ---- */

struct memfs_file {
        char *path;
        char *data;
        size_t len;
        struct memfs_file *next;
};

struct aidl_memfs {
        struct memfs_file *files;
};

aidl_memfs *aidl_memfs_new(void)
{
        return calloc(1, sizeof(aidl_memfs));
}

void aidl_memfs_free(aidl_memfs *m)
{
        if (!m)
                return;
        while (m->files) {
                struct memfs_file *f = m->files;
                m->files = f->next;
                free(f->path);
                free(f->data);
                free(f);
        }
        free(m);
}

static struct memfs_file *memfs_find(const aidl_memfs *m, const char *path)
{
        for (struct memfs_file *f = m->files; f; f = f->next)
                if (strcmp(f->path, path) == 0)
                        return f;
        return NULL;
}

static int memfs_put(aidl_memfs *m, const char *path, const char *data, size_t len)
{
        char *copy = malloc(len + 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, data, len);
        copy[len] = '\0';
        struct memfs_file *f = memfs_find(m, path);
        if (!f) {
                f = calloc(1, sizeof(*f));
                if (!f || !(f->path = strdup(path))) {
                        free(f);
                        free(copy);
                        return -ENOMEM;
                }
                f->next = m->files;
                m->files = f;
        }
        free(f->data);
        f->data = copy;
        f->len = len;
        return 0;
}

int aidl_memfs_add(aidl_memfs *m, const char *path, const char *data)
{
        return memfs_put(m, path, data, strlen(data));
}

const char *aidl_memfs_get(const aidl_memfs *m, const char *path)
{
        const struct memfs_file *f = memfs_find(m, path);
        return f ? f->data : NULL;
}

static int memfs_read(void *userdata, const char *path, char **ret_data, size_t *ret_len)
{
        const struct memfs_file *f = memfs_find(userdata, path);
        if (!f)
                return -ENOENT;
        char *copy = malloc(f->len + 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, f->data, f->len + 1);
        *ret_data = copy;
        *ret_len = f->len;
        return 0;
}

static int memfs_write(void *userdata, const char *path, const char *data, size_t len)
{
        return memfs_put(userdata, path, data, len);
}

static const aidl_fileio_ops memfs_ops = {.read = memfs_read, .write = memfs_write};

aidl_fileio aidl_memfs_io(aidl_memfs *m)
{
        return (aidl_fileio){.ops = &memfs_ops, .userdata = m};
}
