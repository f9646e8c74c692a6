/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Space-available events for the Python module.
 *
 * onSpaceAvailable() arrives on the RPC runtime's callback thread, which has
 * no Python thread state: running Python there would need the GIL and could
 * stall every other listener of the process behind it. So the callback only
 * adds one to an eventfd, under a mutex that also guards the descriptor
 * against a concurrent close; Python code waits on the eventfd with the GIL
 * released (wait_for_space) or hands it to select/asyncio (fileno).
 *
 * This file never includes Python.h's API beyond the shared header's types:
 * nothing in it may be called with or needs the GIL.
 */
#include "pyavb.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct avbpy_space {
        pthread_mutex_t lock;
        int fd; /* -1 once closed */
        atomic_uint_fast64_t received;
};

static avb_status on_space_available(void *impl, avb_call *call)
{
        avbpy_space *s = impl;
        uint64_t one = 1;

        (void)call;
        atomic_fetch_add(&s->received, 1);
        pthread_mutex_lock(&s->lock);
        /* An eventfd write only fails at a count near 2^64: never here. */
        if (s->fd >= 0 && write(s->fd, &one, sizeof(one)) < 0)
                atomic_fetch_sub(&s->received, 1);
        pthread_mutex_unlock(&s->lock);
        return avb_status_ok();
}

static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops space_ops = {
    .onSpaceAvailable = on_space_available,
};

static void space_destroy(void *impl)
{
        avbpy_space *s = impl;

        avbpy_space_close(s);
        pthread_mutex_destroy(&s->lock);
        free(s);
}

int avbpy_space_new(avbpy_space **ret_space, avb_binder **ret_listener)
{
        avbpy_space *s = calloc(1, sizeof(*s));
        avb_binder *b;
        int e;

        if (!s)
                return -ENOMEM;
        pthread_mutex_init(&s->lock, NULL);
        s->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (s->fd < 0) {
                e = -errno;
                space_destroy(s);
                return e;
        }
        e = com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&space_ops, s, space_destroy, &b);
        if (e < 0) {
                space_destroy(s);
                return e;
        }
        *ret_space = s;
        *ret_listener = b;
        return 0;
}

int avbpy_space_fd(const avbpy_space *s)
{
        return s->fd;
}

uint64_t avbpy_space_received(const avbpy_space *s)
{
        return atomic_load(&s->received);
}

uint64_t avbpy_space_take(avbpy_space *s)
{
        uint64_t n = 0;

        if (s->fd < 0 || read(s->fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
                return 0;
        return n;
}

int64_t avbpy_space_deadline(int timeout_ms)
{
        return timeout_ms < 0 ? -1 : avb_now_ms() + timeout_ms;
}

int64_t avbpy_space_wait(avbpy_space *s, int64_t deadline)
{
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        uint64_t n;

        if (s->fd < 0)
                return -EBADF;
        for (;;) {
                int64_t left = deadline < 0 ? -1 : deadline - avb_now_ms();
                int r;

                if (deadline >= 0 && left < 0)
                        left = 0;
                r = poll(&p, 1, (int)(left > INT32_MAX ? INT32_MAX : left));
                if (r < 0)
                        return -errno;
                /* Readable but nothing to read: another thread took the events. */
                if (r > 0 && (n = avbpy_space_take(s)) > 0)
                        return (int64_t)n;
                if (r == 0 && left >= 0 && deadline - avb_now_ms() <= 0)
                        return 0;
        }
}

void avbpy_space_close(avbpy_space *s)
{
        if (!s)
                return;
        pthread_mutex_lock(&s->lock);
        if (s->fd >= 0)
                close(s->fd);
        s->fd = -1;
        pthread_mutex_unlock(&s->lock);
}
