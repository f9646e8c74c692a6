/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-vpu-fallback-test: avbufferd whose profile names a v4l2 VPU that
 * cannot start (no such node, not a V4L2 device) must keep serving: IAVBuffer
 * answers and gives pools, and every decoder refuses open with
 * INVALID_RESOURCE and stays CLOSED. Run by avbuffer-test-harness with
 * tests/decode/profile-v4l2-*.yaml.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/servicemanager.h>

#include "com_rdk_hal.h"
#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_videodecoder.h"

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        fputs("FAIL: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        exit(1);
}

static void ok(avb_status st, const char *what)
{
        if (!avb_status_is_ok(&st))
                die("%s: exception %d (%d) %s", what, st.exception, st.service_specific,
                    st.message);
}

/* The answer of an open() on a decoder without a VPU. */
static void want_invalid_resource(avb_status st, const char *what)
{
        if (st.exception != AVB_EX_SERVICE_SPECIFIC ||
            st.service_specific != com_rdk_hal_HALError_INVALID_RESOURCE)
                die("%s: want INVALID_RESOURCE, got exception %d (%d) %s", what, st.exception,
                    st.service_specific, st.message);
        printf("  %s: INVALID_RESOURCE (%s)\n", what, st.message);
}

static const com_rdk_hal_videodecoder_IVideoDecoderControllerListener_ops video_ops;
static const com_rdk_hal_audiodecoder_IAudioDecoderControllerListener_ops audio_ops;
static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops space_ops;

int main(void)
{
        com_rdk_hal_videodecoder_IVideoDecoder_Id vid = {.value = 0};
        com_rdk_hal_audiodecoder_IAudioDecoder_Id aid = {.value = 0};
        com_rdk_hal_avbuffer_HeapMetrics hm;
        com_rdk_hal_avbuffer_Pool pool;
        com_rdk_hal_State vstate = 0;
        com_rdk_hal_audiodecoder_State astate = 0;
        avb_binder *sm = NULL, *av = NULL, *vmgr = NULL, *amgr = NULL, *vdec = NULL, *adec = NULL,
                   *vl = NULL, *al = NULL, *space = NULL, *ctl = NULL;
        bool destroyed = false;
        int e;

        e = avb_sm_connect(&sm);
        if (e == 0)
                e = avb_service_get(sm, com_rdk_hal_avbuffer_IAVBuffer_serviceName, 5000, &av);
        if (e == 0)
                e = avb_service_get(sm, com_rdk_hal_videodecoder_IVideoDecoderManager_serviceName,
                                    5000, &vmgr);
        if (e == 0)
                e = avb_service_get(sm, com_rdk_hal_audiodecoder_IAudioDecoderManager_serviceName,
                                    5000, &amgr);
        if (e == 0)
                e = com_rdk_hal_videodecoder_IVideoDecoderControllerListener_new_local(
                    &video_ops, NULL, NULL, &vl);
        if (e == 0)
                e = com_rdk_hal_audiodecoder_IAudioDecoderControllerListener_new_local(
                    &audio_ops, NULL, NULL, &al);
        if (e == 0)
                e = com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&space_ops, NULL, NULL,
                                                                          &space);
        if (e < 0)
                die("connect: %s", strerror(-e));

        /* IAVBuffer serves as usual. */
        ok(com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(av, false, &hm), "getHeapMetrics");
        ok(com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(av, false, &vid, space, &pool),
           "createVideoPool");
        ok(com_rdk_hal_avbuffer_IAVBuffer_destroyPool(av, &pool, &destroyed), "destroyPool");
        if (!destroyed)
                die("destroyPool: false");

        /* The decoders exist but have no VPU. */
        ok(com_rdk_hal_videodecoder_IVideoDecoderManager_getVideoDecoder(vmgr, &vid, &vdec),
           "getVideoDecoder");
        if (!vdec)
                die("no video decoder 0");
        want_invalid_resource(com_rdk_hal_videodecoder_IVideoDecoder_open(
                                  vdec, com_rdk_hal_videodecoder_Codec_H264_AVC, false, vl, &ctl),
                              "video open");
        ok(com_rdk_hal_videodecoder_IVideoDecoder_getState(vdec, &vstate), "video getState");
        if (ctl || vstate != com_rdk_hal_State_CLOSED)
                die("video decoder in state %d after a refused open", (int)vstate);

        ok(com_rdk_hal_audiodecoder_IAudioDecoderManager_getAudioDecoder(amgr, &aid, &adec),
           "getAudioDecoder");
        if (!adec)
                die("no audio decoder 0");
        want_invalid_resource(com_rdk_hal_audiodecoder_IAudioDecoder_open(
                                  adec, com_rdk_hal_audiodecoder_Codec_MPEG2, false, al, &ctl),
                              "audio open");
        ok(com_rdk_hal_audiodecoder_IAudioDecoder_getState(adec, &astate), "audio getState");
        if (ctl || astate != com_rdk_hal_audiodecoder_State_CLOSED)
                die("audio decoder in state %d after a refused open", (int)astate);

        /* Still serving after the refusals. */
        ok(com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(av, true, &hm), "getHeapMetrics");

        avb_binder_unref(space);
        avb_binder_unref(al);
        avb_binder_unref(vl);
        avb_binder_unref(adec);
        avb_binder_unref(vdec);
        avb_binder_unref(amgr);
        avb_binder_unref(vmgr);
        avb_binder_unref(av);
        avb_binder_unref(sm);
        printf("ok\n");
        return 0;
}
