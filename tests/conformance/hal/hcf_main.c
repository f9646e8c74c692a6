/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer-hal-conformance [OPTIONS] [CASE-PATTERN...]
 *
 * Runs the decoder HAL conformance cases against a live service and prints
 * one line per case (PASS, FAIL or SKIP with the reason) and a closing
 * "N passed, N failed, N skipped". Exits 1 when any case fails, 2 on usage
 * errors; the shape of avbuffer-conformance's command line.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <avbuffer/servicemanager.h>

#include "../cf_time.h"
#include "hcf.h"

static const hcf_case *const tables[] = {
    hcf_cases_manager, hcf_cases_decoder, hcf_cases_controller, hcf_cases_frames, hcf_cases_audio,
};

static void usage(FILE *f)
{
        fprintf(f, "Usage: avbuffer-hal-conformance [OPTIONS] [CASE-PATTERN...]\n"
                   "Checks the decoder HAL services (IVideoDecoderManager, IAudioDecoderManager)\n"
                   "against the published RDK Video and Audio Decoder HALs.\n"
                   "\n"
                   "  CASE-PATTERN        case names or fnmatch globs ('decoder.*'); default all\n"
                   "  --service NAME      IAVBuffer's name at the service manager (AVBuffer)\n"
                   "  --endpoint EP       reach IAVBuffer at ipc://PATH#N directly\n"
                   "  --video-service N   the video decoder manager's name (VideoDecoderManager)\n"
                   "  --audio-service N   the audio decoder manager's name (audiodecodermanager)\n"
                   "  --streams DIR       the streams tests/decode/gen-streams.sh made; without\n"
                   "                      it the cases that decode a stream skip\n"
                   "  --profile FILE      accepted for avbuffer-conformance's shape; unused\n"
                   "  --fresh, --same-build  accepted; unused\n"
                   "  --time-scale N      multiply every timeout by N (valgrind)\n"
                   "  --list              list the cases and exit\n"
                   "  -v, --verbose       print notes while running\n"
                   "  --wait-service MS   wait until the managers are registered, exit 0 or 1\n"
                   "\n"
                   "AVB_SOCKET_DIR selects the socket directory.\n");
}

static bool selected(const char *name, char **pats, int n_pats)
{
        if (n_pats == 0)
                return true;
        for (int i = 0; i < n_pats; i++)
                if (!fnmatch(pats[i], name, 0))
                        return true;
        return false;
}

static int wait_service(const hcf_opts *o, int ms)
{
        const char *names[] = {o->service, o->video_service, o->audio_service};
        int64_t deadline = avb_now_ms() + ms;
        avb_binder *sm = NULL, *b = NULL;
        int e = -ENOENT;

        /* the service manager itself may still be starting */
        for (size_t i = o->endpoint ? 1 : 0; i < 3; i++) {
                for (;;) {
                        e = avb_sm_connect(&sm);
                        if (e >= 0) {
                                e = avb_service_get(sm, names[i], ms, &b);
                                sm = avb_binder_unref(sm);
                                b = avb_binder_unref(b);
                                if (e >= 0)
                                        break;
                        }
                        if (avb_now_ms() > deadline) {
                                fprintf(stderr, "avbuffer-hal-conformance: %s: %s\n", names[i],
                                        strerror(-e));
                                return 1;
                        }
                        cf_sleep_ms(50);
                }
        }
        return 0;
}

static int32_t heap_used(hcf_ctx *c)
{
        com_rdk_hal_avbuffer_HeapMetrics m = {0};

        (void)com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(c->avb, false, &m);
        return m.bytesUsed;
}

static void case_begin(hcf_ctx *c)
{
        c->n_decs = c->n_bufs = c->n_children = 0;
        c->msg[0] = 0;
        c->heap_at_begin = heap_used(c);
}

/*
 * Waits a while for the heap to be as the case found it, so that a child
 * killed in a failed case does not shift the next case's figures.
 */
static void heap_back(hcf_ctx *c)
{
        int64_t end = avb_now_ms() + hcf_timeout_ms(c, 10000);

        while (heap_used(c) > c->heap_at_begin && avb_now_ms() < end)
                cf_sleep_ms(20);
}

/* Waits a while for d to be CLOSED (a killed child's open is closed asynchronously). */
static void closed_soon(hcf_ctx *c, hcf_dec *d)
{
        int64_t end = avb_now_ms() + hcf_timeout_ms(c, 10000);
        com_rdk_hal_State s = 0;

        while (avb_now_ms() < end) {
                avb_status st = d->audio
                                    ? com_rdk_hal_audiodecoder_IAudioDecoder_getState(d->dec, &s)
                                    : com_rdk_hal_videodecoder_IVideoDecoder_getState(d->dec, &s);

                if (!avb_status_is_ok(&st) || s == com_rdk_hal_State_CLOSED)
                        return;
                cf_sleep_ms(20);
        }
}

/* Destroys a pool, waiting a while for buffers the decoder still frees. */
static bool destroy_pool(hcf_ctx *c, com_rdk_hal_avbuffer_Pool *pool)
{
        int64_t end = avb_now_ms() + hcf_timeout_ms(c, 10000);
        bool ok = false;

        for (;;) {
                avb_status st = com_rdk_hal_avbuffer_IAVBuffer_destroyPool(c->avb, pool, &ok);

                if (ok || (!avb_status_is_ok(&st) && st.exception != AVB_EX_SERVICE_SPECIFIC) ||
                    avb_now_ms() > end)
                        return ok;
                hcf_note(c, "destroyPool: %s %s", avb_exception_name(st.exception), st.message);
                cf_sleep_ms(20);
        }
}

/* Stops and closes what the case opened, frees what it holds. Never fails. */
static void case_cleanup(hcf_ctx *c)
{
        for (size_t i = 0; i < c->n_children; i++) {
                kill(c->children[i], SIGKILL);
                waitpid(c->children[i], NULL, 0);
        }
        for (size_t i = 0; i < c->n_decs; i++) {
                hcf_dec *d = c->decs[i];
                bool ok;

                if (d->ctl) {
                        (void)hcf_stop(d);
                        (void)hcf_close(c, d, d->ctl, &ok);
                }
                if (d->rec) {
                        (void)hcf_register(d, d->rec->event_listener, false, &ok);
                        hcf_rec_free_frames(c, d->rec);
                }
        }
        for (size_t i = 0; i < c->n_bufs; i++) {
                bool ok;

                (void)com_rdk_hal_avbuffer_IAVBuffer_free(c->avb, c->bufs[i], &ok);
        }
        for (size_t i = 0; i < c->n_decs; i++) {
                hcf_dec *d = c->decs[i];

                closed_soon(c, d);
                if (d->have_pool && !destroy_pool(c, &d->pool))
                        fprintf(stderr, "avbuffer-hal-conformance: pool %d stays after the case\n",
                                (int)d->pool.handle);
                avb_binder_unref(d->ctl);
                avb_binder_unref(d->dec);
                free(d);
        }
        if (c->n_children) /* what they held is reclaimed after a grace period */
                heap_back(c);
        c->n_decs = c->n_bufs = c->n_children = 0;
        hcf_note(c, "after the case: heap used %d", (int)heap_used(c));
}

static int run_case(hcf_ctx *c, const hcf_case *k)
{
        int r;

        fflush(stdout);
        case_begin(c);
        r = setjmp(c->jb);
        if (r == 0)
                k->fn(c);
        case_cleanup(c);
        if (r == 0)
                printf("PASS %s\n", k->name);
        else if (r == 2)
                printf("SKIP %s: %s\n", k->name, c->msg);
        else
                printf("FAIL %s: %s\n", k->name, c->msg);
        fflush(stdout);
        return r;
}

int main(int argc, char **argv)
{
        static const struct option lopts[] = {
            {"service", required_argument, NULL, 's'},
            {"endpoint", required_argument, NULL, 'e'},
            {"video-service", required_argument, NULL, 'V'},
            {"audio-service", required_argument, NULL, 'A'},
            {"streams", required_argument, NULL, 'S'},
            {"profile", required_argument, NULL, 'p'},
            {"fresh", no_argument, NULL, 'f'},
            {"same-build", no_argument, NULL, 'b'},
            {"time-scale", required_argument, NULL, 't'},
            {"list", no_argument, NULL, 'l'},
            {"verbose", no_argument, NULL, 'v'},
            {"wait-service", required_argument, NULL, 'w'},
            {"child", no_argument, NULL, 'c'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        static hcf_opts o;
        static hcf_ctx ctx;
        int opt, wait_ms = -1, passed = 0, failed = 0, skipped = 0, n_pats;
        bool list = false, child = false;
        char **pats;
        ssize_t len;

        o.service = "AVBuffer";
        o.video_service = com_rdk_hal_videodecoder_IVideoDecoderManager_serviceName;
        o.audio_service = com_rdk_hal_audiodecoder_IAudioDecoderManager_serviceName;
        o.time_scale = 1;
        while (!child && (opt = getopt_long(argc, argv, "+vh", lopts, NULL)) != -1) {
                switch (opt) {
                case 's':
                        o.service = optarg;
                        break;
                case 'e':
                        o.endpoint = optarg;
                        break;
                case 'V':
                        o.video_service = optarg;
                        break;
                case 'A':
                        o.audio_service = optarg;
                        break;
                case 'S':
                        o.streams = optarg;
                        break;
                case 'p':
                case 'f':
                case 'b':
                        break;
                case 't':
                        o.time_scale = atoi(optarg);
                        if (o.time_scale < 1 || o.time_scale > 100) {
                                fprintf(stderr, "avbuffer-hal-conformance: bad --time-scale\n");
                                return 2;
                        }
                        break;
                case 'l':
                        list = true;
                        break;
                case 'v':
                        o.verbose = true;
                        break;
                case 'w':
                        wait_ms = atoi(optarg);
                        break;
                case 'c':
                        child = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        len = readlink("/proc/self/exe", o.self_exe, sizeof(o.self_exe) - 1);
        if (len <= 0) {
                fprintf(stderr, "avbuffer-hal-conformance: /proc/self/exe: %s\n", strerror(errno));
                return 2;
        }
        o.self_exe[len] = 0;
        signal(SIGPIPE, SIG_IGN);
        if (child)
                return hcf_child_main(&o, argc - optind, argv + optind);
        if (wait_ms >= 0)
                return wait_service(&o, wait_ms);
        pats = argv + optind;
        n_pats = argc - optind;
        if (list) {
                for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
                        for (const hcf_case *k = tables[t]; k->name; k++)
                                if (selected(k->name, pats, n_pats))
                                        printf("%-60s %s\n", k->name, k->what);
                return 0;
        }
        ctx.o = &o;
        if (hcf_connect(&ctx) < 0) {
                printf("0 passed, 1 failed, 0 skipped\n");
                return 1;
        }
        for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
                for (const hcf_case *k = tables[t]; k->name; k++) {
                        if (!selected(k->name, pats, n_pats))
                                continue;
                        switch (run_case(&ctx, k)) {
                        case 0:
                                passed++;
                                break;
                        case 2:
                                skipped++;
                                break;
                        default:
                                failed++;
                                break;
                        }
                }
        if (passed + failed + skipped == 0 && n_pats) {
                fprintf(stderr, "avbuffer-hal-conformance: no case matches\n");
                return 2;
        }
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
        hcf_disconnect(&ctx);
        return failed ? 1 : 0;
}
