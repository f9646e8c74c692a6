/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The specification's media pipeline as three real processes:
 *
 *   app-source  creates non-secure and secure pools for audio and video,
 *               allocates non-secure buffers, maps them and fills them with
 *               "encrypted" frames, and hands the handles to the CDM;
 *   cdm         allocates secure buffers of the same size, copies each frame
 *               into them through the helper library (standing in for
 *               decryption), frees the non-secure buffer and hands the
 *               secure handle to the decoder;
 *   decoder     checks a frame's content through calculateSHA1 now and
 *               then (it cannot read secure memory), and frees it.
 *
 * Handles travel between the processes over pipes, as they would over a
 * pipeline's own IPC. Several frames are in flight at once; when a pool is
 * full the source waits for onSpaceAvailable and the CDM retries.
 *
 * With --stream FILE (an H.264 Annex B stream) the video is that stream,
 * cut in access units time-stamped 40 ms apart (25 frames per second; the
 * timestamps are right for a stream without B-frames, whose decode order is
 * its display order), and the decoder really decodes it: it opens video decoder
 * 0 of avbufferd (IVideoDecoderManager) in secure mode, queues each secure
 * buffer with decodeBufferWithMetadata (waiting for onDecodeBufferAvailable
 * when the queue is full; the last one with endOfStream in its metadata),
 * and takes the decoded frames, secure too, from its controller listener:
 * with --sha1 (ffmpeg -f framehash -hash SHA160 of the same stream) it
 * checks the SHA-1 each frame's metadata carries (property SHA1_CALC: a
 * secure frame cannot be mapped) against ffmpeg's, in display order, and
 * the frame count; it frees every one. When the
 * decoder's output is linked to the vendor's sink (tunnelled mode: avbufctl
 * link video-decoder-0:3 video-sink-0:0 on), frames go there instead and
 * only their count is checked here.
 *
 * With --sink as well, the decoder hands the decoded frames on as RDK
 * middleware does in non-tunnelled mode (sink.c): it opens video sink 0 of
 * avbufferd (VideoSinkManager), attaches it to AV clock 0 (AVClockManager,
 * rate 1) and queues every frame handle into it with queueVideoFrame, never
 * mapping it, the last one with endOfStream; it waits for the sink's
 * onEndOfStream. What the sink presented (its MD5s) is then read by a
 * trusted tool: avbufctl sink video-sink-0.
 *
 *   avbuffer-pipeline [--frames N] [--stream FILE [--sha1 FILE] [--sink]] [--quiet]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha1.h>

#include <avbuffer/helper.h>
#include <avbuffer/servicemanager.h>

#include "com_rdk_hal.h"
#include "com_rdk_hal_audiodecoder.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_videodecoder.h"
#include "sink.h"

extern char **environ;

enum { AUDIO, VIDEO };

/* One frame as it travels down the pipeline. */
struct frame_msg {
        int kind;
        int seq;
        int32_t size;
        int64_t handle;
        int8_t secure_pool; /* for the CDM: where the clear frame goes */
};

static bool quiet;
/* --stream: the video stream (source) / decode it (decoder) */
static const char *stream_path, *sha1_path;
static bool to_sink; /* --sink: the decoded frames go to video sink 0 */
static uint8_t *stream;
static size_t stream_len;
static size_t *stream_au;        /* offsets of the access units, and stream_len at the end */
#define STREAM_FRAME_NS 40000000 /* --stream: 25 frames per second */

#define say(...)                                                                                   \
        do {                                                                                       \
                if (!quiet)                                                                        \
                        printf(__VA_ARGS__);                                                       \
        } while (0)

static void die(const char *what, const avb_status *st)
{
        char buf[AVB_STATUS_MESSAGE_MAX + 64];

        fprintf(stderr, "pipeline: %s: %s\n", what,
                st ? avb_status_to_string(st, buf, sizeof(buf)) : strerror(errno));
        exit(1);
}

static avb_binder *connect_service(void)
{
        avb_binder *sm = NULL, *av = NULL;
        int e;

        e = avb_sm_connect(&sm);
        if (e >= 0)
                e = avb_service_get(sm, com_rdk_hal_avbuffer_IAVBuffer_serviceName, 5000, &av);
        avb_binder_unref(sm);
        if (e < 0) {
                fprintf(stderr, "pipeline: cannot find the AV Buffer service: %s\n", strerror(-e));
                exit(1);
        }
        return av;
}

/* Frame sizes of a 1080p H.264 stream at about 8 Mbit/s (GOP of 30,
 * IBBP) and of AAC audio, with some jitter; deterministic per seq. */
static int32_t frame_size(int kind, int seq)
{
        uint32_t r = (uint32_t)seq * 2654435761u;

        if (kind == VIDEO && stream)
                return (int32_t)(stream_au[seq + 1] - stream_au[seq]);
        if (kind == AUDIO)
                return 380 + (int32_t)(r % 400);
        if (seq % 30 == 0)
                return 180000 + (int32_t)(r % 90000); /* I */
        if (seq % 3 == 0)
                return 40000 + (int32_t)(r % 25000); /* P */
        return 9000 + (int32_t)(r % 9000);           /* B */
}

static void fill(uint8_t *p, int32_t size, int kind, int seq)
{
        uint32_t x = (uint32_t)(seq * 2 + kind) * 0x9e3779b9u + 1;

        if (kind == VIDEO && stream) {
                memcpy(p, stream + stream_au[seq], (size_t)size);
                return;
        }
        for (int32_t i = 0; i < size; i++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                p[i] = (uint8_t)x;
        }
}

static void expected_sha1(int kind, int seq, int32_t size, uint8_t digest[SHA1_DIGEST_SIZE])
{
        struct sha1_ctx ctx;
        uint8_t *buf = malloc((size_t)size);

        if (!buf)
                die("malloc", NULL);
        fill(buf, size, kind, seq);
        sha1_init(&ctx);
        sha1_update(&ctx, (size_t)size, buf);
        sha1_digest(&ctx, SHA1_DIGEST_SIZE, digest);
        free(buf);
}

static void print_metrics(avb_binder *av, const char *when)
{
        say("-- metrics %s --\n", when);
        for (int secure = 0; secure < 2; secure++) {
                com_rdk_hal_avbuffer_HeapMetrics hm;
                com_rdk_hal_avbuffer_PoolMetrics *pm = NULL;
                size_t n = 0;
                avb_status st = com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(av, secure, &hm);

                if (!avb_status_is_ok(&st))
                        die("getHeapMetrics", &st);
                say("  %-10s heap: %9d of %9d bytes in pools\n", secure ? "secure" : "non-secure",
                    hm.bytesUsed, hm.bytesTotal);
                st = com_rdk_hal_avbuffer_IAVBuffer_getAllPoolMetrics(av, secure, &pm, &n);
                if (!avb_status_is_ok(&st))
                        die("getAllPoolMetrics", &st);
                for (size_t i = 0; i < n; i++)
                        say("    pool %3d: %9d of %9d bytes allocated\n", pm[i].poolHandle.handle,
                            pm[i].bytesUsed, pm[i].bytesTotal);
                free(pm);
        }
}

/* ---- app-source ------------------------------------------------------------ */

struct space_waiter {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        int signals;
};

static avb_status on_space_available(void *impl, avb_call *call)
{
        struct space_waiter *w = impl;

        (void)call;
        pthread_mutex_lock(&w->lock);
        w->signals++;
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&w->lock);
        return avb_status_ok();
}

static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops listener_ops = {
    .onSpaceAvailable = on_space_available,
};

/* alloc that waits for space: the source's back-pressure. */
static int64_t alloc_waiting(avb_binder *av, const com_rdk_hal_avbuffer_Pool *pool, int32_t size,
                             struct space_waiter *w, int *ret_waits)
{
        for (;;) {
                int64_t handle;
                bool accepted = false;
                avb_status st = com_rdk_hal_avbuffer_IAVBuffer_alloc(av, pool, size, &handle);

                if (avb_status_is_ok(&st))
                        return handle;
                if (st.exception != AVB_EX_SERVICE_SPECIFIC ||
                    st.service_specific != com_rdk_hal_HALError_OUT_OF_MEMORY)
                        die("alloc", &st);
                pthread_mutex_lock(&w->lock);
                int before = w->signals;
                pthread_mutex_unlock(&w->lock);
                st = com_rdk_hal_avbuffer_IAVBuffer_notifyWhenSpaceAvailable(av, pool, size,
                                                                             &accepted);
                if (!avb_status_is_ok(&st) || !accepted)
                        die("notifyWhenSpaceAvailable", avb_status_is_ok(&st) ? NULL : &st);
                (*ret_waits)++;
                pthread_mutex_lock(&w->lock);
                while (w->signals == before)
                        pthread_cond_wait(&w->cond, &w->lock);
                pthread_mutex_unlock(&w->lock);
        }
}

static pid_t spawn_role(const char *self, const char *role, int in_fd, int out_fd)
{
        posix_spawn_file_actions_t fa;
        char *argv[10] = {(char *)self, "--role", (char *)role};
        int n = 3;

        if (quiet)
                argv[n++] = "--quiet";
        if (stream_path) {
                argv[n++] = "--stream";
                argv[n++] = (char *)stream_path;
        }
        if (sha1_path) {
                argv[n++] = "--sha1";
                argv[n++] = (char *)sha1_path;
        }
        if (to_sink)
                argv[n++] = "--sink";
        pid_t pid;
        int e;

        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
        if (out_fd >= 0)
                posix_spawn_file_actions_adddup2(&fa, out_fd, 3);
        e = posix_spawn(&pid, self, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (e) {
                errno = e;
                die("posix_spawn", NULL);
        }
        return pid;
}

static double now_s(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_source(const char *self, int frames)
{
        struct space_waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
        int to_cdm[2], to_dec[2], waits = 0, status, rc = 0;
        com_rdk_hal_avbuffer_Pool ns[2], sec[2];
        avb_binder *av, *listener = NULL;
        avb_helper *helper = NULL;
        pid_t cdm, dec;
        double t0;
        FILE *out;

        /* Children first: nanomsg state must not cross a fork. */
        if (pipe2(to_cdm, O_CLOEXEC) < 0 || pipe2(to_dec, O_CLOEXEC) < 0)
                die("pipe", NULL);
        dec = spawn_role(self, "decoder", to_dec[0], -1);
        cdm = spawn_role(self, "cdm", to_cdm[0], to_dec[1]);
        close(to_cdm[0]);
        close(to_dec[0]);
        close(to_dec[1]);
        out = fdopen(to_cdm[1], "w");
        if (!out)
                die("fdopen", NULL);

        av = connect_service();
        if (avb_helper_new(av, &helper) < 0)
                die("helper", NULL);
        if (com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&listener_ops, &w, NULL,
                                                                  &listener) < 0)
                die("listener", NULL);
        print_metrics(av, "before");

        for (int secure = 0; secure < 2; secure++) {
                com_rdk_hal_audiodecoder_IAudioDecoder_Id aid = {.value = 0};
                com_rdk_hal_videodecoder_IVideoDecoder_Id vid = {.value = 0};
                com_rdk_hal_avbuffer_Pool *p = secure ? sec : ns;
                avb_status st = com_rdk_hal_avbuffer_IAVBuffer_createAudioPool(av, secure, &aid,
                                                                               listener, &p[AUDIO]);
                if (avb_status_is_ok(&st))
                        st = com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(av, secure, &vid,
                                                                            listener, &p[VIDEO]);
                if (!avb_status_is_ok(&st))
                        die("create pool", &st);
        }
        say("pools: non-secure audio %d video %d, secure audio %d video %d\n", ns[AUDIO].handle,
            ns[VIDEO].handle, sec[AUDIO].handle, sec[VIDEO].handle);

        t0 = now_s();
        for (int seq = 0; seq < frames; seq++) {
                for (int kind = AUDIO; kind <= VIDEO; kind++) {
                        struct frame_msg m = {.kind = kind,
                                              .seq = seq,
                                              .size = frame_size(kind, seq),
                                              .secure_pool = sec[kind].handle};
                        void *ptr;
                        size_t size;

                        m.handle = alloc_waiting(av, &ns[kind], m.size, &w, &waits);
                        if (avb_helper_map(helper, m.handle, &ptr, &size) < 0 ||
                            size != (size_t)m.size)
                                die("map", NULL);
                        fill(ptr, m.size, kind, seq);
                        if (avb_helper_unmap(helper, m.handle, ptr) < 0)
                                die("unmap", NULL);
                        if (fwrite(&m, sizeof(m), 1, out) != 1)
                                die("write to the cdm", NULL);
                }
                if (seq == frames / 2) {
                        fflush(out);
                        print_metrics(av, "during (frames in flight)");
                }
        }
        fclose(out);
        if (waitpid(cdm, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
                rc = 1;
        if (waitpid(dec, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
                rc = 1;
        double secs = now_s() - t0;

        print_metrics(av, "after (all frames freed)");
        for (int secure = 0; secure < 2; secure++)
                for (int kind = AUDIO; kind <= VIDEO; kind++) {
                        bool ok = false;
                        com_rdk_hal_avbuffer_Pool *p = secure ? &sec[kind] : &ns[kind];
                        avb_status st = com_rdk_hal_avbuffer_IAVBuffer_destroyPool(av, p, &ok);
                        if (!avb_status_is_ok(&st) || !ok) {
                                fprintf(stderr, "pipeline: pool %d not destroyed\n", p->handle);
                                rc = 1;
                        }
                }
        print_metrics(av, "after destroying the pools");
        if (stream)
                printf("pipeline: %d audio frames + %zu bytes of H.264 in %d buffers through "
                       "app-source -> cdm -> decoder in %.2f s, %d waits for space: %s\n",
                       frames, stream_len, frames, secs, waits, rc ? "FAILED" : "ok");
        else
                printf("pipeline: %d audio + %d video frames through app-source -> cdm -> decoder "
                       "in %.2f s (%.0f frames/s), %d waits for space: %s\n",
                       frames, frames, secs, 2 * frames / secs, waits, rc ? "FAILED" : "ok");
        avb_helper_free(helper);
        avb_binder_unref(listener);
        avb_binder_unref(av);
        return rc;
}

/* ---- cdm --------------------------------------------------------------------- */

static int run_cdm(void)
{
        avb_binder *av = connect_service();
        avb_helper *helper = NULL;
        FILE *in = stdin, *out = fdopen(3, "w");
        struct frame_msg m;
        long retries = 0;

        if (!out || avb_helper_new(av, &helper) < 0)
                die("cdm set-up", NULL);
        while (fread(&m, sizeof(m), 1, in) == 1) {
                com_rdk_hal_avbuffer_Pool pool = {.handle = m.secure_pool};
                avb_helper_range range = {0, 0, (uint32_t)m.size};
                int64_t clear;
                bool ok;
                avb_status st;

                /* The decoder frees secure buffers as it goes: retry until one fits. */
                for (;;) {
                        st = com_rdk_hal_avbuffer_IAVBuffer_alloc(av, &pool, m.size, &clear);
                        if (avb_status_is_ok(&st))
                                break;
                        if (st.service_specific != com_rdk_hal_HALError_OUT_OF_MEMORY)
                                die("cdm alloc", &st);
                        fflush(out);
                        retries++;
                        usleep(200);
                }
                if (avb_helper_copy(helper, clear, m.handle, &range, 1) < 0)
                        die("cdm copy into secure memory", NULL);
                st = com_rdk_hal_avbuffer_IAVBuffer_free(av, m.handle, &ok);
                if (!avb_status_is_ok(&st) || !ok)
                        die("cdm free", avb_status_is_ok(&st) ? NULL : &st);
                m.handle = clear;
                if (fwrite(&m, sizeof(m), 1, out) != 1)
                        die("write to the decoder", NULL);
        }
        fclose(out);
        say("cdm: done (%ld retries for secure space)\n", retries);
        avb_helper_free(helper);
        avb_binder_unref(av);
        return 0;
}

/* ---- decoder ----------------------------------------------------------------- */

/* What the video decoder's listener has seen. */
static struct {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        avb_binder *av;
        int frames, available, eos, errors, width, height;
        /* --sha1: ffmpeg's digest of each frame (hex), and how they compared */
        char (*ref)[2 * SHA1_DIGEST_SIZE + 1];
        int n_ref, matched, mismatched;
        int tunnelled;              /* frames announced with handle -1: tunnelled mode */
        struct pipeline_sink *sink; /* --sink: where the frames go instead of free */
} vd = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

/* The last field of each frame line of an ffmpeg framehash file. */
static void load_reference(const char *path)
{
        FILE *f = fopen(path, "r");
        char line[512];
        int cap = 0;

        if (!f)
                die(path, NULL);
        while (fgets(line, sizeof(line), f)) {
                char *last = strrchr(line, ',');

                if (line[0] == '#' || !last)
                        continue;
                if (vd.n_ref == cap) {
                        cap = cap ? 2 * cap : 256;
                        vd.ref = realloc(vd.ref, (size_t)cap * sizeof(vd.ref[0]));
                        if (!vd.ref)
                                die("malloc", NULL);
                }
                if (sscanf(last + 1, " %40s", vd.ref[vd.n_ref]) == 1)
                        vd.n_ref++;
        }
        fclose(f);
}

/* Compare frame number `index` (display order) with ffmpeg's, by the SHA-1 of its metadata. */
static void check_frame(int index, const com_rdk_hal_videodecoder_FrameMetadata *meta)
{
        char got[2 * SHA1_DIGEST_SIZE + 1];

        if (!meta || meta->sha1_count != SHA1_DIGEST_SIZE) {
                fprintf(stderr, "decoder: frame %d without a SHA-1\n", index);
                vd.mismatched++;
                return;
        }
        for (size_t i = 0; i < SHA1_DIGEST_SIZE; i++)
                sprintf(got + 2 * i, "%02x", (uint8_t)meta->sha1[i]);
        if (index < vd.n_ref && !strcmp(got, vd.ref[index])) {
                vd.matched++;
        } else {
                if (vd.mismatched++ < 5)
                        fprintf(stderr, "decoder: frame %d SHA-1 %s, ffmpeg's %s\n", index, got,
                                index < vd.n_ref ? vd.ref[index] : "(no such frame)");
        }
}

/*
 * A frame: a handle of ours, or -1 with its pts (tunnelled: it went to the
 * vendor's sink), or (-1, -1) with endOfStream alone when no frame was left
 * to carry it.
 */
static avb_status vd_frame(void *impl, avb_call *call, int64_t pts, int64_t handle,
                           const com_rdk_hal_videodecoder_FrameMetadata *meta)
{
        bool ok = false, eos = meta && meta->endOfStream,
             frame = !(eos && pts == -1 && handle == -1);

        (void)impl;
        (void)call;
        /* Frames come one at a time, in display order: vd.frames is this one's index. */
        if (handle >= 0 && vd.ref)
                check_frame(vd.frames, meta);
        if (vd.sink)
                ok = pipeline_sink_frame(vd.sink, pts, handle, meta) == 0;
        else if (handle >= 0)
                (void)com_rdk_hal_avbuffer_IAVBuffer_free(vd.av, handle, &ok);
        pthread_mutex_lock(&vd.lock);
        vd.errors += vd.sink && !ok;
        if (meta && meta->activeWidth) {
                vd.width = meta->activeWidth;
                vd.height = meta->activeHeight;
        }
        if (handle >= 0)
                vd.frames++;
        else if (frame)
                vd.tunnelled++;
        vd.eos += eos;
        pthread_cond_broadcast(&vd.cond);
        pthread_mutex_unlock(&vd.lock);
        return avb_status_ok();
}

static avb_status vd_available(void *impl, avb_call *call)
{
        (void)impl;
        (void)call;
        pthread_mutex_lock(&vd.lock);
        vd.available++;
        pthread_cond_broadcast(&vd.cond);
        pthread_mutex_unlock(&vd.lock);
        return avb_status_ok();
}

static avb_status vd_error(void *impl, avb_call *call, int32_t code, int32_t vendor_code)
{
        (void)impl;
        (void)call;
        fprintf(stderr, "decoder: decode error %d: %s\n", (int)code, strerror(-vendor_code));
        pthread_mutex_lock(&vd.lock);
        vd.errors++;
        pthread_mutex_unlock(&vd.lock);
        return avb_status_ok();
}

static avb_status vd_state(void *impl, avb_call *call, com_rdk_hal_State from, com_rdk_hal_State to)
{
        (void)impl;
        (void)call;
        (void)from;
        (void)to;
        return avb_status_ok();
}

static const com_rdk_hal_videodecoder_IVideoDecoderControllerListener_ops vd_ops = {
    .onFrameOutput = vd_frame,
    .onDecodeBufferAvailable = vd_available,
};

static const com_rdk_hal_videodecoder_IVideoDecoderEventListener_ops vd_event_ops = {
    .onDecodeError = vd_error,
    .onStateChanged = vd_state,
};

/* Video decoder 0 and its controller, opened secure. */
struct video_dec {
        avb_binder *dec, *ctl, *listener, *events;
        /* the last coded buffer, queued once the next comes (or with endOfStream) */
        struct frame_msg held;
        bool have_held;
};

static void must(avb_status st, const char *what)
{
        if (!avb_status_is_ok(&st))
                die(what, &st);
}

/* Video decoder 0, opened secure with SHA1_CALC on, and started; false without --stream. */
static bool open_video_decoder(struct video_dec *v)
{
        com_rdk_hal_videodecoder_IVideoDecoder_Id id = {.value = 0};
        com_rdk_hal_PropertyValue_Value one = {.tag = com_rdk_hal_PropertyValue_Value_TAG_intValue,
                                               .u.intValue = 1};
        com_rdk_hal_PropertyValue sha1 = {.value = &one};
        avb_binder *sm = NULL, *mgr = NULL;
        bool ok = false;
        int e;

        if (!stream_path)
                return false;
        e = avb_sm_connect(&sm);
        if (e >= 0)
                e = avb_service_get(sm, com_rdk_hal_videodecoder_IVideoDecoderManager_serviceName,
                                    5000, &mgr);
        if (e >= 0)
                e = com_rdk_hal_videodecoder_IVideoDecoderControllerListener_new_local(
                    &vd_ops, NULL, NULL, &v->listener);
        if (e >= 0)
                e = com_rdk_hal_videodecoder_IVideoDecoderEventListener_new_local(
                    &vd_event_ops, NULL, NULL, &v->events);
        avb_binder_unref(sm);
        if (e < 0) {
                errno = -e;
                die("the video decoder manager", NULL);
        }
        must(com_rdk_hal_videodecoder_IVideoDecoderManager_getVideoDecoder(mgr, &id, &v->dec),
             "getVideoDecoder(0)");
        avb_binder_unref(mgr);
        if (!v->dec)
                die("no video decoder 0", NULL);
        must(com_rdk_hal_videodecoder_IVideoDecoder_registerEventListener(v->dec, v->events, &ok),
             "registerEventListener");
        must(com_rdk_hal_videodecoder_IVideoDecoder_open(
                 v->dec, com_rdk_hal_videodecoder_Codec_H264_AVC, true, v->listener, &v->ctl),
             "open video decoder 0 (secure)");
        if (!v->ctl)
                die("video decoder 0 has no secure H.264", NULL);
        must(com_rdk_hal_videodecoder_IVideoDecoderController_setProperty(
                 v->ctl, com_rdk_hal_videodecoder_Property_SHA1_CALC, &sha1, &ok),
             "setProperty(SHA1_CALC)");
        if (!ok)
                die("setProperty(SHA1_CALC): refused", NULL);
        if (to_sink && pipeline_sink_open(&vd.sink) < 0)
                die("video sink 0 on AV clock 0", NULL);
        must(com_rdk_hal_videodecoder_IVideoDecoderController_start(v->ctl), "start");
        return true;
}

/* Queue a secure coded buffer; the decoder owns it from then on. */
static void decode_video(struct video_dec *v, const struct frame_msg *m, bool eos)
{
        /* one access unit per buffer, in presentation order (no B-frames) */
        com_rdk_hal_videodecoder_InputBufferMetadata md = {
            .nsPresentationTime = stream_path ? (int64_t)m->seq * STREAM_FRAME_NS : m->seq,
            .endOfStream = eos};

        for (;;) {
                bool accepted = false;
                int before;

                pthread_mutex_lock(&vd.lock);
                before = vd.available;
                pthread_mutex_unlock(&vd.lock);
                must(com_rdk_hal_videodecoder_IVideoDecoderController_decodeBufferWithMetadata(
                         v->ctl, m->handle, &md, &accepted),
                     "decodeBufferWithMetadata");
                if (accepted)
                        return;
                pthread_mutex_lock(&vd.lock); /* full: exactly one callback follows */
                while (vd.available == before)
                        pthread_cond_wait(&vd.cond, &vd.lock);
                pthread_mutex_unlock(&vd.lock);
        }
}

/* The next coded buffer: the one before it goes to the decoder (NULL: the end). */
static void next_video(struct video_dec *v, const struct frame_msg *m)
{
        if (v->have_held)
                decode_video(v, &v->held, !m);
        v->have_held = m != NULL;
        if (m)
                v->held = *m;
}

/* End of stream (on the last buffer): wait for it, stop and close; 0 or 1. */
static int finish_video(struct video_dec *v)
{
        struct timespec ts;
        bool closed = false;
        int rc = 0;

        next_video(v, NULL);
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 20;
        pthread_mutex_lock(&vd.lock);
        while (!vd.eos && pthread_cond_timedwait(&vd.cond, &vd.lock, &ts) == 0)
                ;
        pthread_mutex_unlock(&vd.lock);
        if (!vd.eos || vd.errors)
                rc = 1;
        if (vd.tunnelled && (vd.frames || (vd.ref && vd.tunnelled != vd.n_ref))) {
                fprintf(stderr,
                        "decoder: tunnelled, %d frames to the sink for ffmpeg's %d, "
                        "%d frame handles reached this process\n",
                        vd.tunnelled, vd.n_ref, vd.frames);
                rc = 1;
        } else if (!vd.tunnelled && vd.ref &&
                   (vd.mismatched || vd.frames != vd.n_ref || vd.matched != vd.n_ref)) {
                fprintf(stderr, "decoder: %d frames for ffmpeg's %d, %d SHA-1 differ\n", vd.frames,
                        vd.n_ref, vd.mismatched);
                rc = 1;
        }
        if (vd.sink) {
                int queued = -1;

                if (pipeline_sink_finish(vd.sink, &queued) < 0 || queued != vd.frames) {
                        fprintf(stderr, "decoder: %d frames decoded, %d queued into the sink\n",
                                vd.frames, queued);
                        rc = 1;
                }
                pipeline_sink_free(vd.sink);
        }
        (void)com_rdk_hal_videodecoder_IVideoDecoderController_stop(v->ctl);
        (void)com_rdk_hal_videodecoder_IVideoDecoder_close(v->dec, v->ctl, &closed);
        if (vd.tunnelled) {
                say("decoder: tunnelled: the VPU decoded %d secure %dx%d frames into the vendor "
                    "sink; no frame handle reached this process%s\n",
                    vd.tunnelled, vd.width, vd.height, rc ? " (FAILED)" : "");
                goto out;
        }
        say("decoder: the VPU decoded %d secure %dx%d frames%s\n", vd.frames, vd.width, vd.height,
            rc ? " (FAILED)" : "");
        if (vd.ref)
                say("decoder: %d of %d frames have ffmpeg's SHA-1 (framehash of the same "
                    "stream)\n",
                    vd.matched, vd.n_ref);
        if (vd.sink)
                say("decoder: all %d frame handles queued into video sink 0 on AV clock 0, never "
                    "mapped; onEndOfStream came with the last%s\n",
                    vd.frames, rc ? " (FAILED)" : "");
out:
        free(vd.ref);
        avb_binder_unref(v->listener);
        avb_binder_unref(v->events);
        avb_binder_unref(v->ctl);
        avb_binder_unref(v->dec);
        return rc;
}

static int run_decoder(void)
{
        struct video_dec v = {0};
        avb_binder *av = connect_service();
        bool vdec = open_video_decoder(&v);
        struct frame_msg m;
        int checked = 0, frames = 0, rc = 0;

        vd.av = av;
        if (vdec && sha1_path)
                load_reference(sha1_path);
        while (fread(&m, sizeof(m), 1, stdin) == 1) {
                size_t n = 0;
                int8_t *digest = NULL;
                bool ok;
                avb_status st;

                if (vdec && m.kind == VIDEO) {
                        next_video(&v, &m);
                        continue;
                }
                /* A real decoder would read the frame; this one checks every 16th. */
                if (frames++ % 16 == 0) {
                        uint8_t want[SHA1_DIGEST_SIZE];
                        st =
                            com_rdk_hal_avbuffer_IAVBuffer_calculateSHA1(av, m.handle, &digest, &n);
                        if (avb_status_is_ok(&st)) {
                                expected_sha1(m.kind, m.seq, m.size, want);
                                if (n != SHA1_DIGEST_SIZE || memcmp(digest, want, n) != 0) {
                                        fprintf(stderr, "decoder: frame %d has wrong content\n",
                                                m.seq);
                                        return 1;
                                }
                                checked++;
                        } else if (st.exception != AVB_EX_UNSUPPORTED_OPERATION) {
                                die("calculateSHA1", &st);
                        }
                        free(digest);
                }
                st = com_rdk_hal_avbuffer_IAVBuffer_free(av, m.handle, &ok);
                if (!avb_status_is_ok(&st) || !ok)
                        die("decoder free", avb_status_is_ok(&st) ? NULL : &st);
        }
        say("decoder: %d %sframes decoded, %d checked by SHA-1\n", frames, vdec ? "audio " : "",
            checked);
        if (vdec)
                rc = finish_video(&v);
        avb_binder_unref(av);
        return rc;
}

/*
 * Cut the H.264 stream (Annex B) into access units, the way a demuxer hands
 * them to a decoder. A new unit starts at an access unit delimiter, SPS,
 * PPS or SEI, or at a slice that starts a picture (first_mb_in_slice 0:
 * its first bit is 1), once the current unit has a slice. Returns how many.
 */
static int split_access_units(void)
{
        size_t cap = 64, n = 0;
        bool have_slice = false;

        stream_au = malloc(cap * sizeof(*stream_au));
        if (!stream_au)
                die("out of memory", NULL);
        stream_au[n++] = 0;
        for (size_t i = 0; i + 4 < stream_len; i++) {
                unsigned type;
                bool vcl, boundary;
                size_t start = i;

                if (stream[i] || stream[i + 1] || stream[i + 2] != 1)
                        continue;
                if (i > 0 && !stream[i - 1])
                        start = i - 1; /* a four-byte start code */
                type = stream[i + 3] & 0x1f;
                vcl = type >= 1 && type <= 5;
                boundary =
                    have_slice && ((type >= 6 && type <= 9) || (vcl && stream[i + 4] & 0x80));
                if (boundary) {
                        if (n + 1 == cap &&
                            !(stream_au = realloc(stream_au, (cap *= 2) * sizeof(*stream_au))))
                                die("out of memory", NULL);
                        stream_au[n++] = start;
                        have_slice = false;
                }
                have_slice |= vcl;
                i += 2;
        }
        stream_au[n] = stream_len;
        return (int)n;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"frames", required_argument, NULL, 'n'}, {"role", required_argument, NULL, 'r'},
            {"quiet", no_argument, NULL, 'q'},        {"stream", required_argument, NULL, 's'},
            {"sha1", required_argument, NULL, 'S'},   {"sink", no_argument, NULL, 'k'},
            {"help", no_argument, NULL, 'h'},         {0},
        };
        const char *role = NULL;
        int frames = 300, c;

        while ((c = getopt_long(argc, argv, "n:r:qs:S:kh", opts, NULL)) != -1) {
                switch (c) {
                case 'n':
                        frames = atoi(optarg);
                        if (frames < 1 || frames > 10000000) {
                                fprintf(stderr, "pipeline: --frames takes 1..10000000\n");
                                return 2;
                        }
                        break;
                case 'r':
                        role = optarg;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 's':
                        stream_path = optarg;
                        break;
                case 'S':
                        sha1_path = optarg;
                        break;
                case 'k':
                        to_sink = true;
                        break;
                case 'h':
                        printf("Usage: avbuffer-pipeline [--frames N] [--stream FILE.h264 "
                               "[--sha1 FRAMEHASH] [--sink]] [--quiet]\n");
                        return 0;
                default:
                        return 2;
                }
        }
        if (to_sink && !stream_path) {
                fprintf(stderr, "pipeline: --sink needs --stream\n");
                return 2;
        }
        /* The processes share a terminal: keep their lines whole and in order. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (!role && stream_path) {
                FILE *f = fopen(stream_path, "rb");
                long n = -1;

                if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) <= 0 ||
                    !(stream = malloc((size_t)n)) || fseek(f, 0, SEEK_SET) < 0 ||
                    fread(stream, 1, (size_t)n, f) != (size_t)n)
                        die(stream_path, NULL);
                fclose(f);
                stream_len = (size_t)n;
                frames = split_access_units();
        }
        if (!role) {
                /* Our own path, not /proc/self/exe: under valgrind that is the tool. */
                static char self[4096];
                ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

                return run_source(n > 0 ? self : "/proc/self/exe", frames);
        }
        if (!strcmp(role, "cdm"))
                return run_cdm();
        if (!strcmp(role, "decoder"))
                return run_decoder();
        fprintf(stderr, "pipeline: unknown role '%s'\n", role);
        return 2;
}
