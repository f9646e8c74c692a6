/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-bench-decode: H.264 decoding through avbufferd and the softvpu
 * firmware against ffmpeg's command line decoding the same stream.
 *
 * ffmpeg makes the stream at run time (1280x720, 25 fps, libx264 at
 * 4 Mbit/s, B-frames, a noisy test pattern so the decoder has work). The
 * client is the decode tests' (tests/decode/dt_client.c: connection,
 * listener, decoder and pool set-up); it cuts the stream into access units
 * with libavcodec's H.264 parser, as a demuxer would hand them over, and
 * queues one per AV buffer (alloc, write, decodeBufferWithMetadata with the
 * unit's presentation time), then signalEndOfStream. A second thread takes
 * the frames from the listener, notes when each arrived and frees it.
 *
 * Measured, alternating in one run, several repetitions, medians:
 *  - frames per second: avbufferd + softvpu from the first queued buffer to
 *    the frame carrying end of stream; ffmpeg -threads 1 -i STREAM -f null - by its
 *    own -benchmark rtime (its decoding loop: the target is judged on this)
 *    and by the wall clock of the whole process (start-up included).
 *    One decoding thread on both sides: the firmware opens libavcodec with
 *    thread_count = 1 (vendor/vpu/softvpu_fw_decode.c).
 *  - latency per frame: from decodeBufferWithMetadata returning for an
 *    access unit to onFrameOutput with its presentation time, (a) in the
 *    throughput runs (the queue is kept full: includes waiting behind the
 *    queued units) and (b) paced at the stream's 25 fps, as in playback.
 *    The firmware's parser completes a unit when the next one begins, and
 *    B-frames leave in display order, so (b) includes up to one frame
 *    interval of parsing and the reordering delay; both also include the
 *    hand-off from the listener thread to the thread that takes frames.
 *
 *   avb-bench-decode [--csv FILE] [--quick]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>

#include "common.h"
#include "dt.h"

#define PTS_STEP 40000000 /* ns: 25 fps */

/* The stream, cut into access units (decode order). */
struct unit {
        uint8_t *data;
        size_t len;
};
static struct unit *units;
static size_t n_units;

/* Per unit: when it was queued and when its frame arrived (ns, 0: not yet). */
static uint64_t *t_queued, *t_out;

static struct bench_service svc;
static struct dt the_test, *t = &the_test; /* static: its listener may be called until exit */

static void stop_service(void)
{
        bench_service_stop(&svc);
}

/* ---- the stream ------------------------------------------------------------ */

static void run_quiet(char *const argv[])
{
        int st = bench_reap(bench_spawn(argv, BENCH_SPAWN_QUIET));

        if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
                bench_die("%s %s failed", argv[0], argv[1]);
}

static void make_stream(const char *path, int frames)
{
        char n[16];
        char *argv[] = {
            "ffmpeg",     "-nostdin", "-loglevel",
            "error",      "-y",       "-f",
            "lavfi",      "-i",       "testsrc2=size=1280x720:rate=25,noise=alls=12:allf=t",
            "-frames:v",  n,          "-pix_fmt",
            "yuv420p",    "-c:v",     "libx264",
            "-preset",    "medium",   "-b:v",
            "4M",         "-maxrate", "4M",
            "-bufsize",   "8M",       "-g",
            "50",         "-bf",      "2",
            (char *)path, NULL};

        snprintf(n, sizeof(n), "%d", frames);
        run_quiet(argv);
}

static void add_unit(const uint8_t *p, int size)
{
        struct unit *u;

        if (size <= 0)
                return;
        u = realloc(units, (n_units + 1) * sizeof(*units));
        if (!u)
                bench_die("out of memory");
        units = u;
        u = &units[n_units++];
        u->len = (size_t)size;
        u->data = malloc(u->len);
        if (!u->data)
                bench_die("out of memory");
        memcpy(u->data, p, u->len);
}

/* Access units by libavcodec's H.264 parser, as a demuxer hands them over. */
static void split_units(const char *path)
{
        AVCodecParserContext *parser = av_parser_init(AV_CODEC_ID_H264);
        AVCodecContext *ctx = avcodec_alloc_context3(NULL);
        size_t len, off = 0;
        uint8_t *data = dt_read_file(path, &len), *out;
        uint8_t *padded = calloc(1, len + AV_INPUT_BUFFER_PADDING_SIZE);
        int out_size;

        if (!parser || !ctx || !padded)
                bench_die("libavcodec parser: out of memory");
        memcpy(padded, data, len);
        while (off < len) {
                int used = av_parser_parse2(parser, ctx, &out, &out_size, padded + off,
                                            (int)(len - off), AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);

                if (used < 0)
                        bench_die("%s: the parser failed", path);
                off += (size_t)used;
                add_unit(out, out_size);
        }
        av_parser_parse2(parser, ctx, &out, &out_size, NULL, 0, AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
        add_unit(out, out_size);
        av_parser_close(parser);
        avcodec_free_context(&ctx);
        free(padded);
        free(data);
        t_queued = calloc(n_units, sizeof(*t_queued));
        t_out = calloc(n_units, sizeof(*t_out));
        if (!t_queued || !t_out)
                bench_die("out of memory");
}

/* ---- the client ------------------------------------------------------------ */

static bool stop_taker;
static size_t n_taken, n_unknown_pts;

/* Takes frames as they arrive: notes the time by presentation time, frees them. */
static void *taker(void *arg)
{
        struct dt_listener *l = &t->l;
        struct dt_frame batch[DT_QUEUE];

        (void)arg;
        pthread_mutex_lock(&l->m);
        for (;;) {
                size_t n = 0;
                uint64_t now;

                while (!l->n && !stop_taker)
                        pthread_cond_wait(&l->c, &l->m);
                if (!l->n && stop_taker)
                        break;
                now = avb_now_ns();
                while (l->n) {
                        batch[n++] = l->q[l->head];
                        l->head = (l->head + 1) % DT_QUEUE;
                        l->n--;
                }
                pthread_mutex_unlock(&l->m);
                for (size_t i = 0; i < n; i++) {
                        int64_t k = batch[i].pts / PTS_STEP;
                        bool ok;

                        if (batch[i].pts % PTS_STEP == 0 && k >= 0 && (size_t)k < n_units &&
                            !t_out[k])
                                t_out[k] = now;
                        else
                                n_unknown_pts++;
                        if (batch[i].handle >= 0) {
                                DT_OK(com_rdk_hal_avbuffer_IAVBuffer_free(t->av, batch[i].handle,
                                                                          &ok),
                                      "free frame");
                                n_taken++;
                        }
                }
                pthread_mutex_lock(&l->m);
        }
        pthread_mutex_unlock(&l->m);
        return NULL;
}

/* An AV buffer holding one unit; waits while the pool is full (frames are freed meanwhile). */
static int64_t fill(const struct unit *u)
{
        int64_t end = avb_now_ns() + 10000000000;
        int64_t h;
        int e;

        for (;;) {
                avb_status st =
                    com_rdk_hal_avbuffer_IAVBuffer_alloc(t->av, &t->pool, (int32_t)u->len, &h);
                if (avb_status_is_ok(&st))
                        break;
                if (st.exception != AVB_EX_SERVICE_SPECIFIC || avb_now_ns() > end)
                        DT_OK(st, "alloc");
                usleep(500);
        }
        e = avb_helper_write(t->helper, h, 0, u->data, u->len);
        if (e < 0)
                bench_die("write: %s", strerror(-e));
        return h;
}

static void queue_unit(size_t i)
{
        int64_t h = fill(&units[i]);

        for (;;) {
                bool accepted = false;
                int before;

                pthread_mutex_lock(&t->l.m);
                before = t->l.available;
                pthread_mutex_unlock(&t->l.m);
                DT_OK(t->api->decode(t->ctl, h, (int64_t)i * PTS_STEP, i + 1 == n_units, &accepted),
                      "decodeBufferWithMetadata");
                if (accepted)
                        break;
                /* the queue is full: onDecodeBufferAvailable follows */
                pthread_mutex_lock(&t->l.m);
                while (t->l.available == before)
                        pthread_cond_wait(&t->l.c, &t->l.m);
                pthread_mutex_unlock(&t->l.m);
        }
        t_queued[i] = avb_now_ns();
}

/*
 * The stream through the decoder, paced every pace_ns (0: as fast as it is
 * accepted); latencies (ms) into lat. Returns the seconds from the first
 * queued unit to the frame that carries end of stream.
 */
static double decode_once(uint64_t pace_ns, struct bench_samples *lat)
{
        pthread_t th;
        uint64_t t0, t1;
        struct timespec ts;
        size_t frames;

        memset(t_queued, 0, n_units * sizeof(*t_queued));
        memset(t_out, 0, n_units * sizeof(*t_out));
        stop_taker = false;
        n_taken = n_unknown_pts = 0;
        t->l.eos = 0;
        if (pthread_create(&th, NULL, taker, NULL))
                bench_die("pthread_create");
        t0 = avb_now_ns();
        for (size_t i = 0; i < n_units; i++) {
                if (pace_ns) {
                        uint64_t due = t0 + i * pace_ns, now = avb_now_ns();

                        if (due > now)
                                usleep((useconds_t)((due - now) / 1000));
                }
                queue_unit(i);
        }
        /* the last unit carried endOfStream: the last frame does too */
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 30;
        pthread_mutex_lock(&t->l.m);
        while (!t->l.eos)
                if (pthread_cond_timedwait(&t->l.c, &t->l.m, &ts) == ETIMEDOUT)
                        bench_die("no end of stream within 30 s");
        stop_taker = true;
        pthread_cond_broadcast(&t->l.c);
        pthread_mutex_unlock(&t->l.m);
        t1 = avb_now_ns();
        pthread_join(th, NULL);
        frames = n_taken;
        if (frames != n_units || n_unknown_pts)
                bench_die("%zu frames for %zu access units (%zu with an unknown time)", frames,
                          n_units, n_unknown_pts);
        for (size_t i = 0; i < n_units; i++)
                if (t_out[i] && t_queued[i])
                        bench_samples_add(lat, (double)(t_out[i] - t_queued[i]) / 1e6);
        return (double)(t1 - t0) / 1e9;
}

/* ---- ffmpeg ------------------------------------------------------------------ */

/* Seconds of ffmpeg -threads 1 -i STREAM -f null -: wall clock, and its own rtime. */
static double ffmpeg_once(const char *stream, double *ret_rtime)
{
        char cmd[1024], line[512];
        char *argv[] = {"sh", "-c", cmd, NULL};
        int out[2], st;
        uint64_t t0;
        pid_t pid;
        FILE *f;

        snprintf(cmd, sizeof(cmd),
                 "exec ffmpeg -nostdin -hide_banner -nostats -loglevel info -benchmark "
                 "-threads 1 -i '%s' -f null - 2>&1",
                 stream);
        if (pipe2(out, O_CLOEXEC) < 0)
                bench_die("pipe: %s", strerror(errno));
        t0 = avb_now_ns();
        pid = bench_spawn(argv, out[1]);
        close(out[1]);
        f = fdopen(out[0], "r");
        if (!f)
                bench_die("fdopen");
        *ret_rtime = -1;
        while (fgets(line, sizeof(line), f)) {
                char *r = strstr(line, "rtime=");

                if (!strncmp(line, "bench:", 6) && r)
                        *ret_rtime = strtod(r + 6, NULL);
        }
        fclose(f);
        st = bench_reap(pid);
        if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
                bench_die("ffmpeg could not decode %s", stream);
        return (double)(avb_now_ns() - t0) / 1e9;
}

/* ---- main -------------------------------------------------------------------- */

int main(int argc, char **argv)
{
        struct bench_samples ours = {0}, theirs = {0}, rtime = {0}, lat_load = {0}, lat_paced = {0},
                             scratch = {0};
        struct bench_opts o;
        char *fw, *dir, *stream;
        int reps, frames, paced_frames;
        double fps_ours, fps_ffmpeg, fps_rtime;

        bench_parse_opts(argc, argv, &o);
        reps = o.quick ? 2 : 7;
        frames = o.quick ? 100 : 500;
        paced_frames = o.quick ? 25 : 150;
        fw = bench_build_path("vendor/avb-softvpu");
        if (access(fw, X_OK) < 0) {
                fprintf(stderr, "bench: %s not built (-Ddecode): skipping the decode benchmark\n",
                        fw);
                free(fw);
                return 0;
        }
        {
                char *argv_v[] = {"ffmpeg", "-version", NULL};
                int st = bench_reap(bench_spawn(argv_v, BENCH_SPAWN_QUIET));

                if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
                        fprintf(stderr, "bench: no ffmpeg: skipping the decode benchmark\n");
                        free(fw);
                        return 0;
                }
        }
        dir = bench_tmpdir();
        if (asprintf(&stream, "%s/v720.h264", dir) < 0)
                bench_die("out of memory");
        make_stream(stream, frames);
        split_units(stream);

        /* avbufferd starts the firmware: tell it which one */
        setenv("AVB_SOFTVPU_FIRMWARE", fw, 1);
        if (!bench_service_start(&svc, AVB_BENCH_DECODE_PROFILE))
                return 0;
        atexit(stop_service); /* dt_fail exits: take the servers along */
        dt_connect(t);
        dt_get_decoder(t, 0);
        dt_open_start(t, false);

        /* warm-up: caches, the firmware's first mappings, ffmpeg's binary */
        {
                double r;

                decode_once(0, &scratch);
                ffmpeg_once(stream, &r);
        }
        for (int i = 0; i < reps; i++) {
                double r, s;

                /* alternate who goes first, so a drift of the machine hits both */
                if (i % 2) {
                        s = ffmpeg_once(stream, &r);
                        bench_samples_add(&theirs, (double)n_units / s);
                        bench_samples_add(&ours, (double)n_units / decode_once(0, &lat_load));
                } else {
                        bench_samples_add(&ours, (double)n_units / decode_once(0, &lat_load));
                        s = ffmpeg_once(stream, &r);
                        bench_samples_add(&theirs, (double)n_units / s);
                }
                if (r > 0)
                        bench_samples_add(&rtime, (double)n_units / r);
        }
        /* playback: the first paced_frames units at 25 fps */
        {
                size_t all = n_units;

                n_units = (size_t)paced_frames < all ? (size_t)paced_frames : all;
                decode_once(PTS_STEP, &lat_paced);
                n_units = all;
        }
        dt_stop_close(t);

        fps_ours = bench_quantile(&ours, 0.5);
        fps_ffmpeg = bench_quantile(&theirs, 0.5);
        fps_rtime = bench_quantile(&rtime, 0.5);
        printf("\n== 6. Decode: H.264 1280x720, %zu frames (4 Mbit/s, B-frames), one decoding "
               "thread each, median of %d runs ==\n",
               n_units, reps);
        printf("%-52s %10.1f  (min %.1f, max %.1f)\n", "frames/s avbufferd + softvpu", fps_ours,
               bench_quantile(&ours, 0), bench_quantile(&ours, 1));
        printf("%-52s %10.1f  (min %.1f, max %.1f)\n", "frames/s ffmpeg -threads 1 (process)",
               fps_ffmpeg, bench_quantile(&theirs, 0), bench_quantile(&theirs, 1));
        printf("%-52s %10.1f\n", "frames/s ffmpeg -threads 1 (its -benchmark rtime)", fps_rtime);
        printf("%-52s %10.2f\n", "ratio avbufferd / ffmpeg (process)", fps_ours / fps_ffmpeg);
        printf("%-52s %10.2f\n", "ratio avbufferd / ffmpeg (rtime)", fps_ours / fps_rtime);
        printf("%-52s %10.2f  p99 %.2f\n", "latency queued -> frame, ms, full queue (median)",
               bench_quantile(&lat_load, 0.5), bench_quantile(&lat_load, 0.99));
        printf("%-52s %10.2f  p99 %.2f\n", "latency queued -> frame, ms, paced 25 fps (median)",
               bench_quantile(&lat_paced, 0.5), bench_quantile(&lat_paced, 0.99));
        bench_csv("decode", "avbufferd+softvpu", "frames_per_s", fps_ours, "1/s");
        bench_csv("decode", "ffmpeg-cli", "frames_per_s", fps_ffmpeg, "1/s");
        bench_csv("decode", "ffmpeg-cli-rtime", "frames_per_s", fps_rtime, "1/s");
        bench_csv("decode", "avbufferd+softvpu", "ratio_vs_ffmpeg", fps_ours / fps_ffmpeg, "x");
        bench_csv("decode", "avbufferd+softvpu", "latency_load_median_ms",
                  bench_quantile(&lat_load, 0.5), "ms");
        bench_csv("decode", "avbufferd+softvpu", "latency_load_p99_ms",
                  bench_quantile(&lat_load, 0.99), "ms");
        bench_csv("decode", "avbufferd+softvpu", "latency_paced_median_ms",
                  bench_quantile(&lat_paced, 0.5), "ms");
        bench_csv("decode", "avbufferd+softvpu", "latency_paced_p99_ms",
                  bench_quantile(&lat_paced, 0.99), "ms");
        /* judged on ffmpeg's own decoding time: its process start-up is not decoding */
        bench_target("decode", "decode overhead", fps_ours >= 0.9 * fps_rtime,
                     "decoding through avbufferd + softvpu at least 90%% of ffmpeg's CLI "
                     "(-benchmark rtime): %.1f vs %.1f frames/s (%.0f%%; %.0f%% of ffmpeg's "
                     "whole process)",
                     fps_ours, fps_rtime, 100 * fps_ours / fps_rtime, 100 * fps_ours / fps_ffmpeg);

        dt_disconnect(t); /* t is static: its listener may still be called (avb_binder_new_local) */
        stop_service();
        unlink(stream);
        bench_rmdir(dir);
        free(dir);
        free(stream);
        free(fw);
        for (size_t i = 0; i < n_units; i++)
                free(units[i].data);
        free(units);
        free(t_queued);
        free(t_out);
        bench_samples_free(&ours);
        bench_samples_free(&theirs);
        bench_samples_free(&rtime);
        bench_samples_free(&lat_load);
        bench_samples_free(&lat_paced);
        bench_samples_free(&scratch);
        bench_csv_close();
        return 0;
}
