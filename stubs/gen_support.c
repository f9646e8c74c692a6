/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpc_gen.h: the helpers generated code shares. Before they were here, every
 * generated .c file emitted its own static status_from_rc() and called
 * strdup(), which -std=c11 does not declare.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <avbuffer/rpc.h>
#include <avbuffer/rpc_gen.h>

avb_status avb_status_from_rc(int rc, const char *what, const char *bad_what)
{
        if (!what)
                what = "call";
        if (rc == -ENOMEM)
                return avb_status_transport(AVB_TS_NO_MEMORY, "%s: out of memory", what);
        if (rc == -EBADF) /* a non-null ParcelFileDescriptor of -1, or a closed fd */
                return avb_status_exception(AVB_EX_NULL_POINTER,
                                            "%s: null or bad ParcelFileDescriptor", what);
        if (rc == -ERANGE || rc == -EBADMSG || rc == -EINVAL)
                return avb_status_transport(AVB_TS_BAD_MESSAGE, "%s: %s", what,
                                            bad_what ? bad_what : "bad message");
        return avb_status_from_errno(rc, what);
}

char *avb_string_dup(const char *s)
{
        size_t n = s ? strlen(s) : 0;
        char *r = malloc(n + 1);

        if (!r)
                return NULL;
        if (n)
                memcpy(r, s, n);
        r[n] = '\0';
        return r;
}

int avb_fd_list_add(avb_fd_list *l, int fd, bool nullable, int32_t *ret_index)
{
        if (fd < 0) {
                if (!nullable)
                        return -EBADF;
                *ret_index = -1;
                return 0;
        }
        if (!l) /* no fd list: a ParcelableHolder, say */
                return -EINVAL;
        if (l->call) {
                int i = avb_call_add_reply_fd(l->call, fd);
                if (i < 0)
                        return i;
                *ret_index = i;
                return 0;
        }
        if (l->n >= AVB_MAX_FDS)
                return -E2BIG;
        if (l->n == l->cap) {
                size_t c = l->cap ? 2 * l->cap : 4;
                int *v = realloc(l->fds, c * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                l->fds = v;
                l->cap = c;
        }
        l->fds[l->n] = fd;
        *ret_index = (int32_t)l->n++;
        return 0;
}

int avb_fd_list_get(const avb_fd_list *l, int32_t index, bool nullable, int *ret_fd)
{
        int fd;

        if (index == -1 && nullable) {
                *ret_fd = -1;
                return 0;
        }
        if (!l || index < 0)
                return -EBADMSG;
        if (l->call)
                fd = (size_t)index < avb_call_n_fds(l->call) ? avb_call_fd(l->call, (size_t)index)
                                                             : -1;
        else
                fd = (size_t)index < l->n ? l->fds[index] : -1;
        if (fd < 0)
                return -EBADMSG;
        /* a copy per value: the same index may be named twice, and each value
         * is closed by its own fini */
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

void avb_fd_list_fini(avb_fd_list *l, bool owned)
{
        if (!l)
                return;
        for (size_t i = 0; owned && i < l->n; i++)
                avb_fd_close(l->fds[i]);
        free(l->fds);
        l->fds = NULL;
        l->n = l->cap = 0;
}

void avb_fd_close(int fd)
{
        if (fd >= 0)
                close(fd);
}
