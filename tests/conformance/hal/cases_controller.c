/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The controller: states its calls take, coded buffers it refuses, the
 * queue's back-pressure, end of stream, flush, properties and stream hints,
 * and that it acts only for the client that opened the decoder.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cf_time.h"
#include "hcf.h"

#define VD(x)    com_rdk_hal_videodecoder_##x
#define AD(x)    com_rdk_hal_audiodecoder_##x
#define STATE(x) com_rdk_hal_State_##x

static hcf_dec *opened(hcf_ctx *c, bool audio, bool start)
{
        hcf_dec *d = hcf_get(c, audio, 0);

        hcf_open_ok(c, d);
        if (start)
                HCF_OK(c, hcf_start(d), "start");
        return d;
}

static bool valid(hcf_ctx *c, int64_t h)
{
        bool ok = false;

        HCF_OK(c, com_rdk_hal_avbuffer_IAVBuffer_isValid(c->avb, h, &ok), "isValid");
        return ok;
}

static void c_start_started(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, true);
        avb_status st = hcf_start(d);

        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "start while STARTED");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(STARTED), "getState after it");
        HCF_OK(c, hcf_stop(d), "stop");
        st = hcf_stop(d);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "stop while READY");
        st = hcf_flush(d, false);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "flush while READY");
}

static void c_decode_not_started(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, false);
        uint8_t data[256] = {0, 0, 0, 1, 9, 0xf0};
        int64_t h = hcf_buf(c, d, data, sizeof(data));
        bool ok = true;
        avb_status st = hcf_decode(d, h, 0, false, false, &ok);

        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "decodeBufferWithMetadata while READY");
        HCF_CHECK(c, valid(c, h), "the refused buffer is no longer valid (the caller keeps it)");
}

static void c_decode_bad_handle(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, true);
        hcf_dec *a = hcf_get(c, true, 0);
        uint8_t data[256] = {0};
        int64_t freed = hcf_buf(c, d, data, sizeof(data)), other;
        const int64_t junk[] = {0, -1, INT64_MAX, 0x123456789LL};
        bool ok = true;
        avb_status st;

        HCF_OK(c, com_rdk_hal_avbuffer_IAVBuffer_free(c->avb, freed, &ok), "free");
        hcf_buf_given(c, freed);
        for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
                st = hcf_decode(d, junk[i], 0, false, false, &ok);
                HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "decode of a junk handle");
        }
        st = hcf_decode(d, freed, 0, false, false, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "decode of a freed buffer");
        /* a buffer of another decoder's pool (the audio decoder's) */
        other = hcf_buf(c, a, data, sizeof(data));
        st = hcf_decode(d, other, 0, false, false, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "decode of another decoder's buffer");
        HCF_CHECK(c, valid(c, other), "the refused buffer is no longer valid");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(STARTED), "getState after it");
}

/*
 * A buffer the decoder holds, queued a second time: EX_ILLEGAL_ARGUMENT
 * (taken, it would be freed twice). Why the queue is filled first: frames
 * are held, so the VPU stalls for want of blocks and the last buffer taken
 * is surely still queued; with the VPU free to run, it may consume the first
 * copy before the second arrives, and the refusal is then only the freed
 * handle's.
 */
static void c_decode_held(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, true);
        int64_t h, held = -1;
        bool ok = true;
        hcf_stream s;
        avb_status st;
        size_t i;

        hcf_stream_load(c, "lp160.h264", false, &s);
        for (i = 0; ok && i < s.n; i++) {
                h = hcf_buf(c, d, s.data + s.off[i], s.off[i + 1] - s.off[i]);
                st = hcf_decode(d, h, (int64_t)i * 40000000, false, false, &ok);
                if (!avb_status_is_ok(&st))
                        hcf_stream_free(&s);
                HCF_OK(c, st, "decodeBufferWithMetadata");
                if (ok) {
                        hcf_buf_given(c, h);
                        held = h;
                }
        }
        hcf_stream_free(&s);
        HCF_CHECK(c, !ok && held >= 0, "%zu buffers taken, none refused", i);
        st = hcf_decode(d, held, 0, false, false, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT,
                      "decode of a buffer the decoder has queued (queue full)");
        HCF_CHECK(c, valid(c, held), "the refusal freed the decoder's queued buffer");
}

static void c_decode_discontinuity(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, true);
        uint8_t data[256] = {0, 0, 0, 1, 9, 0xf0};
        int64_t h = hcf_buf(c, d, data, sizeof(data));
        bool ok = true;
        avb_status st = hcf_decode(d, h, 0, false, true, &ok);

        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "decode with metadata.discontinuity");
        HCF_CHECK(c, valid(c, h), "the refused buffer is no longer valid (the caller keeps it)");
        HCF_OK(c, VD(IVideoDecoderController_signalDiscontinuity)(d->ctl), "signalDiscontinuity");
}

static bool available_above(const hcf_rec *r, const void *arg)
{
        return r->available > *(const int *)arg;
}

/*
 * Frames are held (never freed) until the decoder refuses a buffer: then it
 * must say so by onDecodeBufferAvailable once frames are freed, and take
 * the refused buffer.
 */
static void c_queue_full(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, true);
        hcf_stream s;
        size_t i;
        int64_t h = 0, end;
        bool ok = true;
        int seen = 0;

        hcf_stream_load(c, "lp160.h264", false, &s);
        for (i = 0; i < s.n; i++) {
                h = hcf_buf(c, d, s.data + s.off[i], s.off[i + 1] - s.off[i]);
                pthread_mutex_lock(&d->rec->m);
                seen = d->rec->available;
                pthread_mutex_unlock(&d->rec->m);
                HCF_OK(c, hcf_decode(d, h, (int64_t)i * 40000000, false, false, &ok),
                       "decodeBufferWithMetadata");
                if (!ok)
                        break;
                hcf_buf_given(c, h);
        }
        hcf_note(c, "refused after %zu buffers, %zu frames held", i, d->rec->n_frames);
        if (ok) {
                hcf_stream_free(&s);
                HCF_CHECK(c, false, "%zu buffers taken, none refused", i);
        }
        HCF_CHECK(c, valid(c, h), "the refused buffer is no longer valid (the caller keeps it)");
        end = avb_now_ms() + hcf_timeout_ms(c, 20000);
        while (!hcf_rec_wait(c, d->rec, available_above, &seen, 50)) {
                hcf_rec_free_frames(c, d->rec);
                if (avb_now_ms() > end) {
                        hcf_stream_free(&s);
                        HCF_CHECK(c, false, "no onDecodeBufferAvailable after frames were freed");
                }
        }
        /*
         * Taken now, or at the latest after the next onDecodeBufferAvailable:
         * under ASan a second refusal right after the event was seen once in
         * CI (cause not found: the decoder then owes one more event, which
         * must come). A decoder that never takes it again still fails.
         */
        for (int tries = 0; tries < 2; tries++) {
                pthread_mutex_lock(&d->rec->m);
                seen = d->rec->available;
                pthread_mutex_unlock(&d->rec->m);
                HCF_OK(c, hcf_decode(d, h, (int64_t)i * 40000000, false, false, &ok),
                       "decodeBufferWithMetadata again");
                if (ok)
                        break;
                hcf_note(c, "refused again after onDecodeBufferAvailable; waiting for the next");
                end = avb_now_ms() + hcf_timeout_ms(c, 20000);
                while (!hcf_rec_wait(c, d->rec, available_above, &seen, 50)) {
                        hcf_rec_free_frames(c, d->rec);
                        if (avb_now_ms() > end)
                                break;
                }
        }
        hcf_stream_free(&s);
        HCF_CHECK(c, ok, "refused again after two onDecodeBufferAvailable");
        hcf_buf_given(c, h);
}

/* Exactly one frame carries endOfStream, the last one heard; every unit gave one frame. */
static void eos_last(hcf_ctx *c, bool audio)
{
        hcf_dec *d = opened(c, audio, true);
        size_t n_eos = 0, n_pictures = 0, at, units;
        hcf_stream s;

        hcf_stream_load(c, audio ? "a.mp2" : "p320.h264", audio, &s);
        units = s.n;
        hcf_note(c, "%zu units", units);
        hcf_feed(c, d, &s, 0, true);
        hcf_stream_free(&s);
        at = hcf_drain_to_eos(c, d->rec, NULL);
        cf_sleep_ms(hcf_timeout_ms(c, 300)); /* nothing may follow it */
        pthread_mutex_lock(&d->rec->m);
        for (size_t i = 0; i < d->rec->n_frames && i < HCF_MAX_FRAMES; i++) {
                n_eos += d->rec->frames[i].eos;
                n_pictures += d->rec->frames[i].handle >= 0;
        }
        pthread_mutex_unlock(&d->rec->m);
        HCF_CHECK_EQ(c, n_eos, 1, "frames with metadata.endOfStream");
        HCF_CHECK_EQ(c, at + 1, d->rec->n_frames, "position of the end-of-stream frame (1-based)");
        if (!audio) /* one picture per access unit */
                HCF_CHECK_EQ(c, n_pictures, units, "frames with a handle");
        else
                HCF_CHECK(c, n_pictures > 0, "no audio frame");
}

static void c_eos(hcf_ctx *c)
{
        eos_last(c, false);
}

static void c_flush(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, false);
        hcf_stream s;
        bool ok;

        HCF_OK(c, hcf_register(d, d->rec->event_listener, true, &ok), "registerEventListener");
        HCF_OK(c, hcf_start(d), "start");
        hcf_stream_load(c, "p320.h264", false, &s);
        hcf_feed(c, d, &s, 10, false);
        hcf_stream_free(&s);
        HCF_OK(c, hcf_flush(d, false), "flush(false)");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(STARTED), "getState after flush(false)");
        HCF_OK(c, hcf_flush(d, true), "flush(true)");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(READY), "getState after flush(true)");
        hcf_wait_state(c, d->rec, STATE(READY), "after flush(true)");
        HCF_CHECK(c, d->rec->n_states >= 2 && d->rec->n_states <= HCF_MAX_STATES,
                  "%zu state changes", d->rec->n_states);
        HCF_CHECK(c,
                  d->rec->states[d->rec->n_states - 2][0] == STATE(STARTED) &&
                      d->rec->states[d->rec->n_states - 2][1] == STATE(FLUSHING) &&
                      d->rec->states[d->rec->n_states - 1][0] == STATE(FLUSHING),
                  "flush(true) heard as %d -> %d, %d -> %d",
                  (int)d->rec->states[d->rec->n_states - 2][0],
                  (int)d->rec->states[d->rec->n_states - 2][1],
                  (int)d->rec->states[d->rec->n_states - 1][0],
                  (int)d->rec->states[d->rec->n_states - 1][1]);
        HCF_OK(c, hcf_start(d), "start after flush(true)");
}

static void c_read_only(hcf_ctx *c, bool audio)
{
        const int32_t video_ro[] = {VD(Property_RESOURCE_ID),
                                    VD(Property_INPUT_QUEUE_DEPTH),
                                    VD(Property_OUTPUT_FRAME_POOL_SIZE),
                                    VD(Property_SECURE_VIDEO),
                                    VD(Property_METRIC_FRAMES_DECODED),
                                    VD(Property_METRIC_DECODE_ERRORS),
                                    VD(Property_METRIC_FRAMES_DROPPED)};
        const int32_t audio_ro[] = {
            AD(Property_RESOURCE_ID), AD(Property_SECURE_AUDIO), AD(Property_METRIC_FRAMES_DECODED),
            AD(Property_METRIC_DECODE_ERRORS), AD(Property_METRIC_FRAMES_DROPPED)};
        const int32_t *ro = audio ? audio_ro : video_ro;
        size_t n = audio ? sizeof(audio_ro) / sizeof(*ro) : sizeof(video_ro) / sizeof(*ro);
        hcf_dec *d = opened(c, audio, false);
        int32_t id = -1;

        for (size_t i = 0; i < n; i++) {
                bool ok = true;
                avb_status st = hcf_set_prop(d, ro[i], 1, &ok);

                hcf_note(c, "property %d", (int)ro[i]);
                HCF_EXPECT_EX(c, st, AVB_EX_UNSUPPORTED_OPERATION,
                              "setProperty of a read-only one");
        }
        HCF_CHECK(c, hcf_prop(c, d, 0, &id), "RESOURCE_ID is null");
        HCF_CHECK_EQ(c, id, d->id, "RESOURCE_ID after writing it");
}

static void c_ro(hcf_ctx *c)
{
        c_read_only(c, false);
}

static void a_ro(hcf_ctx *c)
{
        c_read_only(c, true);
}

static void a_eos(hcf_ctx *c)
{
        eos_last(c, true);
}

static void c_wrong_state(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, false);
        int32_t v = -1;
        bool ok = false;
        avb_status st;

        HCF_OK(c, hcf_set_prop(d, VD(Property_LOW_LATENCY_MODE), 1, &ok), "setProperty in READY");
        HCF_CHECK(c, ok, "LOW_LATENCY_MODE = 1 in READY: false");
        ok = false;
        HCF_OK(c, hcf_set_prop(d, VD(Property_LOW_LATENCY_MODE), 7, &ok), "setProperty(7)");
        HCF_CHECK(c, !ok, "LOW_LATENCY_MODE = 7 (not 0 or 1): true");
        HCF_OK(c, hcf_start(d), "start");
        st = hcf_set_prop(d, VD(Property_LOW_LATENCY_MODE), 0, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "LOW_LATENCY_MODE written while STARTED");
        HCF_CHECK(c, hcf_prop(c, d, VD(Property_LOW_LATENCY_MODE), &v), "LOW_LATENCY_MODE null");
        HCF_CHECK_EQ(c, v, 1, "LOW_LATENCY_MODE after the refused writes");
        /* SHA1_CALC is written in STARTED too */
        HCF_OK(c, hcf_set_prop(d, VD(Property_SHA1_CALC), 1, &ok), "SHA1_CALC in STARTED");
        HCF_CHECK(c, ok, "SHA1_CALC = 1 in STARTED: false");
}

static void c_resolution(hcf_ctx *c)
{
        const int32_t bad[][2] = {{0, 0}, {-1, 240}, {320, 0}, {320, -5}};
        hcf_dec *d = opened(c, false, false);
        avb_status st;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                st = VD(IVideoDecoderController_setStreamResolution)(d->ctl, bad[i][0], bad[i][1]);
                hcf_note(c, "%dx%d", (int)bad[i][0], (int)bad[i][1]);
                HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "setStreamResolution of a bad size");
        }
        HCF_OK(c, VD(IVideoDecoderController_setStreamResolution)(d->ctl, 320, 240),
               "setStreamResolution(320, 240) in READY");
        HCF_OK(c, hcf_start(d), "start");
        st = VD(IVideoDecoderController_setStreamResolution)(d->ctl, 320, 240);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "setStreamResolution while STARTED");
}

static void c_rate(hcf_ctx *c)
{
        const int32_t bad[][2] = {{30, 0}, {-1, 1}, {25, -1}};
        hcf_dec *d = opened(c, false, false);
        avb_status st;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                st = VD(IVideoDecoderController_setFrameRate)(d->ctl, bad[i][0], bad[i][1]);
                hcf_note(c, "%d/%d", (int)bad[i][0], (int)bad[i][1]);
                HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_ARGUMENT, "setFrameRate of a bad rate");
        }
        HCF_OK(c, VD(IVideoDecoderController_setFrameRate)(d->ctl, 0, 0), "setFrameRate(0/0)");
        HCF_OK(c, VD(IVideoDecoderController_setFrameRate)(d->ctl, 30000, 1001),
               "setFrameRate(30000/1001)");
}

/* Every controller call on a controller whose decoder this client no longer has open. */
static void all_refused(hcf_ctx *c, hcf_dec *d, const char *why)
{
        uint8_t data[64] = {0};
        int64_t h = hcf_buf(c, d, data, sizeof(data));
        bool ok = true;
        struct {
                const char *what;
                avb_status st;
        } calls[] = {
            {"start", hcf_start(d)},
            {"stop", hcf_stop(d)},
            {"flush", hcf_flush(d, false)},
            {"decodeBufferWithMetadata", hcf_decode(d, h, 0, false, false, &ok)},
            {"setProperty", hcf_set_prop(d, VD(Property_LOW_LATENCY_MODE), 1, &ok)},
            {"signalDiscontinuity", VD(IVideoDecoderController_signalDiscontinuity)(d->ctl)},
            {"setStreamResolution",
             VD(IVideoDecoderController_setStreamResolution)(d->ctl, 320, 240)},
        };

        for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
                char what[128];

                snprintf(what, sizeof(what), "%s %s", calls[i].what, why);
                HCF_EXPECT_EX(c, calls[i].st, AVB_EX_ILLEGAL_STATE, what);
        }
}

static void c_after_close(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, false);

        hcf_close_ok(c, d);
        all_refused(c, d, "after close");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(CLOSED), "getState after them");
}

static void c_other_client(hcf_ctx *c)
{
        hcf_dec *d = opened(c, false, false);
        avb_binder *ctl = NULL;
        char line[256], arg[16];
        int32_t before, after = -1;
        avb_status st;
        bool ok = true;
        int64_t end;
        pid_t pid;
        int fd;

        hcf_close_ok(c, d);            /* d->ctl is now an old controller of this client */
        (void)hcf_buf(c, d, line, 16); /* our pool (all_refused needs it) counts in before */
        hcf_heap(c, false, &before);
        snprintf(arg, sizeof(arg), "%d", (int)d->id);
        pid = hcf_child_spawn(c, "open-video", arg, &fd);
        hcf_child_readline(c, fd, line, sizeof(line));
        close(fd);
        HCF_CHECK(c, !strcmp(line, "ready"), "the other client: %s", line);
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(STARTED), "getState with the other client's open");
        all_refused(c, d, "while another client has the decoder open");
        st = hcf_close(c, d, d->ctl, &ok);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "close while another client has it open");
        st = hcf_open(c, d, hcf_codec(false), false, d->rec->controller_listener, &ctl);
        avb_binder_unref(ctl);
        HCF_EXPECT_EX(c, st, AVB_EX_ILLEGAL_STATE, "open while another client has it open");
        HCF_CHECK_EQ(c, hcf_state(c, d), STATE(STARTED), "getState after it all");
        d->ctl = avb_binder_unref(d->ctl); /* not ours to stop in the clean-up */
        /* the other client goes: what it held goes with it, not later */
        kill(pid, SIGKILL);
        end = avb_now_ms() + hcf_timeout_ms(c, 20000);
        while (hcf_state(c, d) != STATE(CLOSED) || (hcf_heap(c, false, &after), after != before)) {
                HCF_CHECK(c, avb_now_ms() < end,
                          "the other client killed: state %d, heap used %d (before it %d)",
                          (int)hcf_state(c, d), (int)after, (int)before);
                cf_sleep_ms(20);
        }
}

const hcf_case hcf_cases_controller[] = {
    {"controller.start-from-started-illegal-state", c_start_started,
     "start while STARTED, stop and flush while READY: EX_ILLEGAL_STATE"},
    {"controller.decodeBufferWithMetadata-not-started", c_decode_not_started,
     "in READY: EX_ILLEGAL_STATE, the caller keeps the buffer"},
    {"controller.decodeBufferWithMetadata-bad-handle", c_decode_bad_handle,
     "junk, freed, another decoder's buffer: EX_ILLEGAL_ARGUMENT"},
    {"controller.decodeBufferWithMetadata-held-buffer", c_decode_held,
     "a buffer still queued (the queue full), given again: EX_ILLEGAL_ARGUMENT, still valid"},
    {"controller.decodeBufferWithMetadata-discontinuity-reserved", c_decode_discontinuity,
     "metadata.discontinuity: EX_ILLEGAL_ARGUMENT, the caller keeps the buffer"},
    {"controller.decodeBufferWithMetadata-queue-full-then-onDecodeBufferAvailable", c_queue_full,
     "frames held: false once, the buffer stays valid; frames freed: the callback, then true "
     "(at the latest after a second callback)"},
    {"controller.endOfStream-on-last-frame", c_eos,
     "exactly one frame with metadata.endOfStream, the last; one frame per access unit"},
    {"controller.flush-reset-ready", c_flush,
     "flush(false) stays STARTED; flush(true): STARTED -> FLUSHING -> READY, starts again"},
    {"controller.setProperty-read-only", c_ro,
     "every read-only property: EX_UNSUPPORTED_OPERATION, value unchanged"},
    {"controller.setProperty-wrong-state", c_wrong_state,
     "LOW_LATENCY_MODE: READY true, bad value false, STARTED EX_ILLEGAL_STATE; SHA1_CALC in "
     "STARTED"},
    {"controller.setStreamResolution-bad", c_resolution,
     "0x0, -1x240, 320x0, 320x-5: EX_ILLEGAL_ARGUMENT; in STARTED EX_ILLEGAL_STATE"},
    {"controller.setFrameRate-bad", c_rate, "30/0, -1/1, 25/-1: EX_ILLEGAL_ARGUMENT; 0/0 taken"},
    {"controller.after-close-illegal-state", c_after_close,
     "each controller call after close: EX_ILLEGAL_STATE"},
    {"controller.other-client-illegal-state", c_other_client,
     "another client has it open: our old controller, close and open get EX_ILLEGAL_STATE"},
    {"audio.controller.setProperty-read-only", a_ro,
     "every read-only property: EX_UNSUPPORTED_OPERATION, value unchanged"},
    {"audio.controller.endOfStream-on-last-frame", a_eos,
     "MP2: exactly one frame with metadata.endOfStream, the last"},
    {NULL, NULL, NULL},
};
