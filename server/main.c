/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbufferd: the AV Buffer HAL service.
 *
 *   avbufferd [--profile FILE] [--socket-dir DIR] [--log-level L] [--syslog]
 *   avbufferd --check-profile FILE
 *
 * It serves IAVBuffer at ipc://DIR/AVBuffer (with IBufferCopier and
 * IAVBufferControl beside it), hands the non-secure heap to clients at
 * DIR/AVBuffer.heap, and registers "AVBuffer" (and the decoder and clock managers)
 * with the service manager in the same directory, retrying in the
 * background while a name is taken or the service manager is away
 * (registrar.h). SIGTERM and SIGINT stop it cleanly.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <avbuffer/log.h>

#include "avb_config.h"
#include "com_rdk_hal_avbuffer.h"
#include "avclock_service.h"
#include "audiosink_service.h"
#include "videosink_service.h"
#include "decoder_service.h"
#include "heapshare.h"
#include "heapshare_proto.h"
#include "registrar.h"
#include "service_internal.h"
#include "v4l2_seam.h"
#if AVB_HAVE_DECODE
#include "softvpu.h"
#include "v4l2vpu.h"
#endif

#define DEFAULT_PROFILE AVB_SYSCONFDIR "/avbuffer/avbuffer.yaml"

static avb_server *the_server;

static void on_signal(int sig)
{
        (void)sig;
        if (the_server)
                avb_server_close(the_server);
}

struct ctx {
        struct avbd_profile profile;
        struct avbd_service *service;
        struct avb_vpu vpu;                    /* ops NULL: none */
        struct avbd_decoder_service *decoders; /* NULL: no decode path */
        struct avbd_clock_service *clocks;
        struct avbd_videosink_service *video_sinks;
        struct avbd_audiosink_service *audio_sinks;
};

static bool accept_peer(void *userdata, const avb_peer *peer)
{
        struct ctx *c = userdata;
        bool ok = avbd_profile_may_connect(&c->profile, peer->uid, peer->gid);

        if (!ok)
                avb_log(AVB_LOG_WARNING, "refused pid %d uid %u: not in the profile's access list",
                        (int)peer->pid, (unsigned)peer->uid);
        return ok;
}

static bool accept_creds(void *userdata, uid_t uid, gid_t gid)
{
        struct ctx *c = userdata;

        return avbd_profile_may_connect(&c->profile, uid, gid);
}

static void client_gone(void *userdata, const avb_peer *peer)
{
        struct ctx *c = userdata;

        /* first the decoders, so the client's queued buffers are freed */
        avbd_decoder_service_client_gone(c->decoders, peer->client_id);
        avbd_clock_service_client_gone(c->clocks, peer->client_id);
        avbd_videosink_service_client_gone(c->video_sinks, peer->client_id);
        avbd_audiosink_service_client_gone(c->audio_sinks, peer->client_id);
        avbd_service_client_gone(c->service, peer);
}

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: avbufferd [OPTIONS]\n"
                "The AV Buffer HAL service.\n\n"
                "  --profile FILE       HAL feature profile (default %s if present)\n"
                "  --check-profile FILE check a profile and exit\n"
                "  --socket-dir DIR     socket directory (default: $AVB_SOCKET_DIR, the\n"
                "                       profile's socket_dir, then %s)\n"
                "  --transport NAME     nanomsg or unix (default: the profile's transport,\n"
                "                       then $AVB_TRANSPORT, then nanomsg)\n"
                "  --log-level LEVEL    error, warning, info or debug\n"
                "  --syslog             log to syslog instead of stderr\n"
                "  --help, --version\n",
                DEFAULT_PROFILE, AVB_DEFAULT_SOCKET_DIR);
}

#if AVB_HAVE_DECODE
/* Why a v4l2 node cannot be the VPU, for the log. */
static const char *v4l2_problem(int e)
{
        switch (e) {
        case -ENOENT:
                return "no such device node";
        case -EACCES:
        case -EPERM:
                return "permission denied (docs/v4l2-hardware.md, Permissions)";
        case -ENOTTY:
                return "not a V4L2 device";
        case -EOPNOTSUPP:
                return "not a V4L2 mem2mem decoder (no VIDEO_M2M_MPLANE or STREAMING)";
        default:
                return strerror(-e);
        }
}

/*
 * The VPU the profile's `vpu:` names, into c->vpu (untouched on failure).
 * The v4l2 backend opens its node per session, so one session is opened and
 * closed here: a missing node, or one that is no mem2mem decoder, is found
 * at start and not at a client's first open.
 */
static int make_vpu(struct ctx *c, const struct avb_vpu_memory *mem)
{
        const struct avbd_vpu_spec *s = &c->profile.vpu;
        struct avb_v4l2vpu_config cfg = {
            .device = s->device,
            .memory = s->memory == AVBD_VPU_DMABUF ? AVB_V4L2VPU_DMABUF : AVB_V4L2VPU_MMAP,
            .input_buffers = s->input_buffers,
            .output_buffers = s->output_buffers,
            .coded_buffer_bytes = s->coded_buffer_bytes,
        };
        /* No secure sessions on v4l2: it does not get the secure heap. No
         * regions: the frame pools' placement is the vendor layer's own, so
         * MMAP maps the whole non-secure heap read-write (as this process
         * already does). */
        struct avb_vpu_memory vmem = {.heap_fd = {mem->heap_fd[0], -1},
                                      .heap_size = {mem->heap_size[0], 0}};
        struct avb_vpu vpu = {0};
        void *sess;
        int e;

        if (s->backend == AVBD_VPU_SOFTVPU) {
                e = avb_softvpu_new(mem, NULL, &c->vpu);
                if (e < 0)
                        avb_log(e == -ENOENT ? AVB_LOG_INFO : AVB_LOG_WARNING,
                                "no VPU (softvpu: %s); decoders will refuse to open", strerror(-e));
                return e;
        }
        cfg.dev_ops = avbd_v4l2_dev_ops(&cfg.dev_ctx);
        e = avb_v4l2vpu_new(&cfg, &vmem, &vpu);
        if (e < 0) {
                avb_log(AVB_LOG_WARNING, "no VPU (v4l2 %s: %s); decoders will refuse to open",
                        s->device, strerror(-e));
                return e;
        }
        e = vpu.ops->open(vpu.dev, AVB_VPU_CODEC_H264, false, &sess);
        if (e < 0) {
                avb_log(AVB_LOG_WARNING, "no VPU (v4l2 %s: %s); decoders will refuse to open",
                        s->device, v4l2_problem(e));
                avb_vpu_free(&vpu);
                return e;
        }
        vpu.ops->close(sess);
        avb_log(AVB_LOG_INFO, "VPU: v4l2 decoder %s (%s)", s->device,
                s->memory == AVBD_VPU_DMABUF ? "dmabuf" : "mmap");
        c->vpu = vpu;
        return 0;
}
#endif

/*
 * The decode path: the VPU the profile names (the softvpu firmware is
 * spawned now, before nanomsg starts) and the decoder services. Without it
 * avbufferd serves IAVBuffer alone.
 */
static int start_decoders(struct ctx *c)
{
#if AVB_HAVE_DECODE
        struct avb_vendor *v = avbd_service_vendor(c->service);
        struct avb_vpu_memory mem = {.heap_fd = {-1, -1}};
        int e;

        for (int secure = 0; secure < 2; secure++) {
                int fd = avb_vendor_heap_vendor_fd(v, secure);

                mem.heap_fd[secure] = fd < 0 ? -1 : fd;
                mem.heap_size[secure] = avb_vendor_heap_size(v, secure);
        }
        e = make_vpu(c, &mem);
        return avbd_decoder_service_new(&c->profile, v, e < 0 ? NULL : &c->vpu, &c->decoders);
#else
        (void)c;
        return 0;
#endif
}

static int load_profile(const char *path, bool required, struct avbd_profile *ret)
{
        char err[512];
        int e;

        if (!required && access(path, F_OK) < 0)
                return avbd_profile_defaults(ret);
        e = avbd_profile_load(path, ret, err, sizeof(err));
        if (e < 0)
                fprintf(stderr, "avbufferd: %s\n", err[0] ? err : strerror(-e));
        return e;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"profile", required_argument, NULL, 'p'},
            {"check-profile", required_argument, NULL, 'c'},
            {"socket-dir", required_argument, NULL, 'd'},
            {"transport", required_argument, NULL, 't'},
            {"log-level", required_argument, NULL, 'l'},
            {"syslog", no_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {"version", no_argument, NULL, 'V'},
            {0},
        };
        const char *profile_path = NULL, *socket_dir = NULL, *check = NULL, *transport = NULL;
        struct ctx c = {0};
        struct avbd_heapshare *heapshare = NULL;
        avb_server_options so = {0};
        struct avbd_registration regs[6];
        struct avbd_registrar *registrar = NULL;
        size_t n_regs = 0;
        char *endpoint = NULL, *heap_path = NULL;
        int ch, e, level = -1, rc = 1;

        while ((ch = getopt_long(argc, argv, "p:c:d:t:l:shV", opts, NULL)) != -1) {
                switch (ch) {
                case 'p':
                        profile_path = optarg;
                        break;
                case 'c':
                        check = optarg;
                        break;
                case 'd':
                        socket_dir = optarg;
                        break;
                case 't': {
                        bool is_unix;
                        if (avb_transport_parse(optarg, &is_unix) < 0) {
                                fprintf(stderr, "avbufferd: unknown transport '%s'\n", optarg);
                                return 2;
                        }
                        transport = optarg;
                        break;
                }
                case 'l':
                        level = avb_log_level_from_string(optarg);
                        if (level < 0) {
                                fprintf(stderr, "avbufferd: unknown log level '%s'\n", optarg);
                                return 2;
                        }
                        break;
                case 's':
                        avb_log_use_syslog("avbufferd");
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                case 'V':
                        printf("avbufferd %s\n", AVB_VERSION);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                usage(stderr);
                return 2;
        }
        if (check) {
                if (load_profile(check, true, &c.profile) < 0)
                        return 1;
                printf("%s: ok\n", check);
                avbd_profile_fini(&c.profile);
                return 0;
        }
        if (load_profile(profile_path ? profile_path : DEFAULT_PROFILE, profile_path != NULL,
                         &c.profile) < 0)
                return 1;
        if (level >= 0)
                avb_log_set_level(level);
        else if (c.profile.log_level >= 0 && !getenv("AVB_LOG_LEVEL"))
                avb_log_set_level(c.profile.log_level);
        if (!socket_dir && !getenv("AVB_SOCKET_DIR"))
                socket_dir = c.profile.socket_dir;
        if (socket_dir && setenv("AVB_SOCKET_DIR", socket_dir, 1) < 0)
                goto out;

        signal(SIGPIPE, SIG_IGN);
        /* Requests carrying frame data come and go in chunks of up to a
         * message: keep that memory instead of returning it to the kernel
         * (and faulting it in again) on every call. */
        mallopt(M_MMAP_THRESHOLD, 4 << 20);
        mallopt(M_TRIM_THRESHOLD, 64 << 20);
        e = avbd_service_new(&c.profile, &c.service);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot set up the heaps and pools: %s", strerror(-e));
                goto out;
        }
        e = start_decoders(&c);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot set up the decoders: %s", strerror(-e));
                goto out;
        }
        e = avbd_clock_service_new(AVBD_CLOCKS, &c.clocks);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot set up the clocks: %s", strerror(-e));
                goto out;
        }
        e = avbd_videosink_service_new(&c.profile, avbd_service_vendor(c.service),
                                       avbd_clock_service_clocks(c.clocks), &c.video_sinks);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot set up the video sinks: %s", strerror(-e));
                goto out;
        }
        e = avbd_audiosink_service_new(&c.profile, avbd_service_vendor(c.service),
                                       avbd_clock_service_clocks(c.clocks), &c.audio_sinks);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot set up the audio sinks: %s", strerror(-e));
                goto out;
        }
        e = avb_endpoint_for_transport(transport ? transport : c.profile.transport,
                                       com_rdk_hal_avbuffer_IAVBuffer_serviceName, &endpoint);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "socket directory '%s': %s", avb_socket_dir(), strerror(-e));
                goto out;
        }
        so.endpoint = endpoint;
        so.accept = accept_peer;
        so.client_gone = client_gone;
        so.userdata = &c;
        e = avb_server_new(&so, &the_server);
        /*
         * Only on unix://: there a client's next call can come within the
         * spin; a nanomsg round trip takes several times longer (its worker
         * threads), so the loop would spin in vain on every call.
         */
        if (e >= 0 && strncmp(endpoint, "unix://", 7) == 0)
                e = avb_server_set_poll_spin(the_server, c.profile.poll_spin_us);
        if (e >= 0)
                e = avbd_service_publish(c.service, the_server);
        if (e >= 0 && c.decoders)
                e = avbd_decoder_service_publish(c.decoders, the_server);
        if (e >= 0)
                e = avbd_clock_service_publish(c.clocks, the_server);
        if (e >= 0)
                e = avbd_videosink_service_publish(c.video_sinks, the_server);
        if (e >= 0)
                e = avbd_audiosink_service_publish(c.audio_sinks, the_server);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot serve at %s: %s", endpoint, strerror(-e));
                goto out;
        }
        if (asprintf(&heap_path, "%s%s", strstr(endpoint, "://") + 3, AVB_HEAPSHARE_SUFFIX) < 0) {
                heap_path = NULL;
                goto out;
        }
        e = avbd_heapshare_start(heap_path, avbd_service_vendor(c.service),
                                 avbd_service_directory(c.service), accept_creds, &c, &heapshare);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot serve the heap at %s: %s", heap_path, strerror(-e));
                goto out;
        }
        /* The HAL managers first, so a client that finds "AVBuffer" finds them too. */
        if (c.decoders) {
                avbd_decoder_service_names(c.decoders, regs);
                n_regs = 2;
        }
        avbd_clock_service_name(c.clocks, &regs[n_regs++]);
        regs[n_regs++] = avbd_videosink_service_name(c.video_sinks);
        regs[n_regs++] = avbd_audiosink_service_name(c.audio_sinks);
        regs[n_regs++] = (struct avbd_registration){com_rdk_hal_avbuffer_IAVBuffer_serviceName, 0};
        e = avbd_registrar_start(the_server, regs, n_regs, &registrar);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot start registering with the service manager: %s",
                        strerror(-e));
                goto out;
        }

        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
        avb_log(AVB_LOG_INFO, "serving '%s' at %s", com_rdk_hal_avbuffer_IAVBuffer_serviceName,
                endpoint);
        e = avb_server_run(the_server);
        rc = e < 0 ? 1 : 0;
        avb_log(AVB_LOG_INFO, "stopping");
out:
        avbd_registrar_stop(registrar);
        avbd_heapshare_stop(heapshare);
        the_server = avb_server_free(the_server);
        avbd_decoder_service_free(c.decoders);
        avbd_videosink_service_free(c.video_sinks); /* before the clocks it reads */
        avbd_audiosink_service_free(c.audio_sinks);
        avbd_clock_service_free(c.clocks);
        avb_vpu_free(&c.vpu);
        avbd_service_free(c.service);
        avbd_profile_fini(&c.profile);
        free(heap_path);
        free(endpoint);
        return rc;
}
