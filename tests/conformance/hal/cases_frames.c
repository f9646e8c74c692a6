/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output frames (metadata, SHA1_CALC, who owns a frame handle) and a
 * client's death. The SHA-1 is recomputed here from the mapped frame with
 * the plane layout avbufferd puts in FrameMetadata.extension
 * (avb.avbuffer.PlaneLayout): rows of the visible picture, plane by plane.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libavutil/mem.h>
#include <libavutil/sha.h>

#include "../cf_time.h"
#include "avb_avbuffer.h"
#include "hcf.h"

#define VD(x)    com_rdk_hal_videodecoder_##x
#define AD(x)    com_rdk_hal_audiodecoder_##x
#define STATE(x) com_rdk_hal_State_##x

static hcf_dec *decoding(hcf_ctx *c, bool audio, bool sha1, const char *stream, size_t n, bool eos)
{
        hcf_dec *d = hcf_get(c, audio, 0);
        hcf_stream s;
        bool ok = false;

        hcf_stream_load(c, stream, audio, &s);
        hcf_open_ok(c, d);
        if (sha1) {
                HCF_OK(c, hcf_set_prop(d, VD(Property_SHA1_CALC), 1, &ok), "setProperty");
                HCF_CHECK(c, ok, "SHA1_CALC = 1 in READY: false");
        }
        HCF_OK(c, hcf_start(d), "start");
        hcf_feed(c, d, &s, n, eos);
        hcf_stream_free(&s);
        return d;
}

static void f_first_meta(hcf_ctx *c)
{
        hcf_dec *d = decoding(c, false, false, "p320.h264", 8, false);
        const hcf_frame *f = &d->rec->frames[0];
        int32_t mode = -1;

        hcf_wait_frames(c, d->rec, 1, "after 8 access units");
        HCF_CHECK(c, f->has_meta, "the first frame has no metadata");
        HCF_CHECK(c, f->width == 320 && f->height == 240, "active size %dx%d, want 320x240",
                  (int)f->width, (int)f->height);
        HCF_CHECK(c, f->handle >= 0, "handle %lld in non-tunnelled mode", (long long)f->handle);
        HCF_CHECK(c, hcf_prop(c, d, VD(Property_OPERATIONAL_MODE), &mode), "OPERATIONAL_MODE null");
        HCF_CHECK_EQ(c, mode, VD(OperationalMode_NON_TUNNELLED), "OPERATIONAL_MODE");
        HCF_CHECK(c, f->has_layout, "no avb.avbuffer.PlaneLayout in the metadata's extension");
        HCF_CHECK(c, f->n_planes >= 2 && f->layout_w == 320 && f->layout_h == 240,
                  "layout: %zu planes of %dx%d", f->n_planes, (int)f->layout_w, (int)f->layout_h);
}

/* SHA-1 of the visible rows of each plane (frame_hash's order). */
static bool frame_sha1(const hcf_frame *f, const uint8_t *p, size_t size, uint8_t out[20])
{
        struct AVSHA *sha = av_sha_alloc();
        bool nv12 = f->layout_format == avb_avbuffer_PlaneLayout_FORMAT_NV12;
        int32_t cw = (f->layout_w + 1) / 2, ch = (f->layout_h + 1) / 2;

        if (!sha || f->n_planes != (nv12 ? 2u : 3u)) {
                av_free(sha);
                return false;
        }
        av_sha_init(sha, 160);
        for (size_t i = 0; i < f->n_planes; i++) {
                int32_t w = i == 0 ? f->layout_w : nv12 ? 2 * cw : cw;
                int32_t h = i == 0 ? f->layout_h : ch;

                for (int32_t r = 0; r < h; r++) {
                        size_t at = (size_t)f->offsets[i] + (size_t)r * (size_t)f->strides[i];

                        if (at + (size_t)w > size) {
                                av_free(sha);
                                return false;
                        }
                        av_sha_update(sha, p + at, (unsigned)w);
                }
        }
        av_sha_final(sha, out);
        av_free(sha);
        return true;
}

/* What frames.sha1 has seen: the layout in force and the frames checked. */
static hcf_frame sha1_layout;
static size_t sha1_checked;

static void check_sha1(hcf_ctx *c, const hcf_frame *f)
{
        uint8_t want[20];
        void *p = NULL;
        size_t size = 0;
        bool sane;
        int e;

        if (f->handle < 0)
                return; /* a metadata-only end of stream */
        HCF_CHECK(c, f->has_meta, "frame %zu: no metadata while SHA1_CALC is 1", sha1_checked);
        HCF_CHECK_EQ(c, f->sha1_len, 20, "metadata.sha1 length");
        if (f->has_layout)
                sha1_layout = *f;
        HCF_CHECK(c, sha1_layout.has_layout, "frame %zu: no plane layout yet", sha1_checked);
        e = avb_helper_map(c->helper, f->handle, &p, &size);
        HCF_CHECK(c, e == 0, "map frame %zu: %s", sha1_checked, strerror(-e));
        sane = frame_sha1(&sha1_layout, p, size, want);
        avb_helper_unmap(c->helper, f->handle, p);
        HCF_CHECK(c, sane, "frame %zu: the layout does not fit its %zu-byte buffer", sha1_checked,
                  size);
        HCF_CHECK(c, !memcmp(want, f->sha1, 20),
                  "frame %zu: metadata.sha1 is not the SHA-1 of its picture rows", sha1_checked);
        sha1_checked++;
}

static void f_sha1(hcf_ctx *c)
{
        hcf_dec *d;

        memset(&sha1_layout, 0, sizeof(sha1_layout));
        sha1_checked = 0;
        d = decoding(c, false, true, "p320.h264", 12, true);
        hcf_drain_to_eos(c, d->rec, check_sha1);
        HCF_CHECK_EQ(c, sha1_checked, 12, "frames checked");
}

static void f_owns(hcf_ctx *c)
{
        hcf_dec *d = decoding(c, false, false, "p320.h264", 8, false);
        int64_t h;
        bool ok = false;

        hcf_wait_frames(c, d->rec, 1, "after 8 access units");
        pthread_mutex_lock(&d->rec->m);
        h = d->rec->frames[0].handle;
        d->rec->frames[0].freed = true; /* this case frees it */
        pthread_mutex_unlock(&d->rec->m);
        HCF_OK(c, hcf_stop(d), "stop");
        hcf_close_ok(c, d);
        HCF_OK(c, com_rdk_hal_avbuffer_IAVBuffer_isValid(c->avb, h, &ok), "isValid");
        HCF_CHECK(c, ok, "a delivered frame did not outlive stop and close");
        HCF_OK(c, com_rdk_hal_avbuffer_IAVBuffer_free(c->avb, h, &ok), "free");
        HCF_CHECK(c, ok, "IAVBuffer.free of a delivered frame: false");
        HCF_OK(c, com_rdk_hal_avbuffer_IAVBuffer_isValid(c->avb, h, &ok), "isValid");
        HCF_CHECK(c, !ok, "the frame is still valid after its free");
        HCF_OK(c, com_rdk_hal_avbuffer_IAVBuffer_free(c->avb, h, &ok), "free again");
        HCF_CHECK(c, !ok, "a second free of the frame: true");
}

/* A child opens, starts and holds a pool and a buffer; killed, all of it goes. */
static void client_killed(hcf_ctx *c, bool audio)
{
        hcf_dec *d = hcf_get(c, audio, 0);
        int32_t before, during, after = -1;
        char line[256], arg[16];
        int64_t end;
        pid_t pid;
        int fd;

        hcf_heap(c, false, &before);
        snprintf(arg, sizeof(arg), "%d", (int)d->id);
        pid = hcf_child_spawn(c, audio ? "open-audio" : "open-video", arg, &fd);
        hcf_child_readline(c, fd, line, sizeof(line));
        close(fd);
        HCF_CHECK(c, !strcmp(line, "ready"), "the child: %s", line);
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(STARTED), "getState with the child's open");
        hcf_heap(c, false, &during);
        HCF_CHECK(c, during > before, "heap used %d with the child's pool, %d before", (int)during,
                  (int)before);
        kill(pid, SIGKILL);
        end = avb_now_ms() + hcf_timeout_ms(c, 20000);
        while (hcf_state(c, d) != STATE(CLOSED) || (hcf_heap(c, false, &after), after != before)) {
                HCF_CHECK(c, avb_now_ms() < end,
                          "after the kill: state %d, heap used %d (before the child %d)",
                          (int)hcf_state(c, d), (int)after, (int)before);
                cf_sleep_ms(20);
        }
        hcf_note(c, "closed and reclaimed %lld ms after the kill",
                 (long long)(avb_now_ms() - end + hcf_timeout_ms(c, 20000)));
        /* and it opens again for this client */
        hcf_open_ok(c, d);
        hcf_close_ok(c, d);
}

static void f_death(hcf_ctx *c)
{
        client_killed(c, false);
}

static void a_death(hcf_ctx *c)
{
        client_killed(c, true);
}

static void a_pcm(hcf_ctx *c)
{
        hcf_dec *d = decoding(c, true, false, "a.mp2", 4, false);
        const hcf_frame *f = &d->rec->frames[0];

        hcf_wait_frames(c, d->rec, 1, "after 4 chunks of MP2");
        HCF_CHECK(c, f->has_meta, "the first frame has no metadata");
        HCF_CHECK(c, f->handle >= 0, "handle %lld in non-tunnelled mode", (long long)f->handle);
        HCF_CHECK_EQ(c, f->source_codec, AD(Codec_MPEG2), "metadata.sourceCodec");
        HCF_CHECK(c, f->has_pcm, "metadata.metadata (PCMMetadata) is null");
        HCF_CHECK_EQ(c, f->channels, 2, "PCMMetadata.numChannels");
        HCF_CHECK_EQ(c, f->rate, 48000, "PCMMetadata.sampleRate");
        HCF_CHECK_EQ(c, f->pcm_format, AD(PCMFormat_S16LE), "PCMMetadata.format");
}

const hcf_case hcf_cases_frames[] = {
    {"frames.first-has-metadata", f_first_meta,
     "the first frame: metadata, 320x240, a handle, the plane layout; NON_TUNNELLED"},
    {"frames.sha1", f_sha1,
     "SHA1_CALC=1: every frame's metadata.sha1 is the SHA-1 of its mapped picture rows"},
    {"frames.client-owns-handle", f_owns,
     "a frame outlives stop and close; IAVBuffer.free takes it once"},
    {"death.client-killed-closes-decoder", f_death,
     "a child opens and is killed: CLOSED again, heap used as before, opens again"},
    {"audio.frames.pcm-metadata", a_pcm,
     "MP2: the first frame's metadata: MPEG2, PCM 2 channels 48000 S16LE"},
    {"audio.death.client-killed-closes-decoder", a_death,
     "a child opens and is killed: CLOSED again, heap used as before"},
    {NULL, NULL, NULL},
};
