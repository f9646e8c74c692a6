/* SPDX-License-Identifier: Apache-2.0 */
#include "avbclient.h"

#include <string.h>

#include <avbuffer/servicemanager.h>

#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_videodecoder.h"
#include "common.h"

static const char *status_text(const avb_status *st)
{
        static char buf[AVB_STATUS_MESSAGE_MAX + 64];

        return avb_status_to_string(st, buf, sizeof(buf));
}

static avb_status ignore_space(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        return avb_status_ok();
}

static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops listener_ops = {
    .onSpaceAvailable = ignore_space,
};

void bench_avb_connect(struct bench_avb *b)
{
        avb_binder *sm = NULL;
        int e;

        *b = (struct bench_avb){0};
        e = avb_sm_connect(&sm);
        if (e >= 0)
                e = avb_service_get(sm, com_rdk_hal_avbuffer_IAVBuffer_serviceName, 5000, &b->av);
        avb_binder_unref(sm);
        if (e < 0)
                bench_die("cannot find the AV Buffer service: %s", strerror(-e));
        e = com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&listener_ops, NULL, NULL,
                                                                  &b->listener);
        if (e < 0)
                bench_die("listener: %s", strerror(-e));
}

void bench_avb_close(struct bench_avb *b)
{
        avb_binder_unref(b->listener);
        avb_binder_unref(b->av);
        *b = (struct bench_avb){0};
}

int8_t bench_avb_pool(struct bench_avb *b, bool video, bool secure)
{
        com_rdk_hal_avbuffer_Pool pool;
        avb_status st;

        if (video) {
                com_rdk_hal_videodecoder_IVideoDecoder_Id id = {.value = 0};

                st = com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(b->av, secure, &id, b->listener,
                                                                    &pool);
        } else {
                com_rdk_hal_audiodecoder_IAudioDecoder_Id id = {.value = 0};

                st = com_rdk_hal_avbuffer_IAVBuffer_createAudioPool(b->av, secure, &id, b->listener,
                                                                    &pool);
        }
        if (!avb_status_is_ok(&st))
                bench_die("create pool: %s", status_text(&st));
        return pool.handle;
}

void bench_avb_destroy_pool(struct bench_avb *b, int8_t handle)
{
        com_rdk_hal_avbuffer_Pool pool = {.handle = handle};
        bool ok = false;
        avb_status st = com_rdk_hal_avbuffer_IAVBuffer_destroyPool(b->av, &pool, &ok);

        if (!avb_status_is_ok(&st) || !ok)
                bench_die("destroyPool %d: %s", handle,
                          avb_status_is_ok(&st) ? "false" : status_text(&st));
}

int64_t bench_avb_alloc(struct bench_avb *b, int8_t handle, int32_t size)
{
        com_rdk_hal_avbuffer_Pool pool = {.handle = handle};
        int64_t h = -1;
        avb_status st = com_rdk_hal_avbuffer_IAVBuffer_alloc(b->av, &pool, size, &h);

        if (!avb_status_is_ok(&st))
                bench_die("alloc(%d, %d): %s", handle, size, status_text(&st));
        return h;
}

bool bench_avb_free(struct bench_avb *b, int64_t handle)
{
        bool ok = false;
        avb_status st = com_rdk_hal_avbuffer_IAVBuffer_free(b->av, handle, &ok);

        if (!avb_status_is_ok(&st)) {
                fprintf(stderr, "bench: free: %s\n", status_text(&st));
                return false;
        }
        if (!ok)
                bench_die("free(%lld) returned false", (long long)handle);
        return true;
}

bool bench_avb_is_valid(struct bench_avb *b, int64_t handle, bool *ret_valid)
{
        avb_status st = com_rdk_hal_avbuffer_IAVBuffer_isValid(b->av, handle, ret_valid);

        if (!avb_status_is_ok(&st)) {
                fprintf(stderr, "bench: isValid: %s\n", status_text(&st));
                return false;
        }
        return true;
}
