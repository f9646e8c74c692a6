/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBD_PROFILE_H
#define AVBD_PROFILE_H

/*
 * The HAL feature profile of avbufferd (config/avbuffer.yaml documents the
 * format). A missing file is not an error for the caller that asks for the
 * defaults; a bad file is refused with one message that names the file,
 * the line and the key.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "decoder.h"

struct avbd_frame_pool_spec {
        char *name;
        enum avb_media_kind kind;
        bool secure;
        uint32_t block_bytes;
        uint32_t count;
};

/* The VPU behind the decoders: the profile's `vpu:` section (docs/v4l2-hardware.md). */
enum avbd_vpu_backend {
        AVBD_VPU_SOFTVPU = 0, /* the supervised firmware process (default) */
        AVBD_VPU_V4L2 = 1,    /* a V4L2 mem2mem stateful decoder */
};

enum avbd_vpu_memory {
        AVBD_VPU_MMAP = 0,   /* the driver's buffers, one copy each way (default) */
        AVBD_VPU_DMABUF = 1, /* the heaps themselves through udmabuf, zero copy */
};

#define AVBD_VPU_DEVICE_MAX   63    /* bytes of a device path (the v4l2 backend's limit) */
#define AVBD_VPU_MAX_BUFFERS  32    /* queue depth limit of the v4l2 backend */
#define AVBD_VPU_DMABUF_ALIGN 4096u /* dmabuf needs frame blocks on a page */

/*
 * Every field but backend is for the v4l2 backend only; the loader refuses
 * them with backend softvpu. The defaults are the v4l2 backend's own.
 */
struct avbd_vpu_spec {
        enum avbd_vpu_backend backend;
        char *device; /* absolute path; required with v4l2 */
        enum avbd_vpu_memory memory;
        uint32_t input_buffers;      /* 1..32; default 8 */
        uint32_t output_buffers;     /* 0..32; 0 (default): the driver's minimum */
        uint32_t coded_buffer_bytes; /* 4 KiB..64 MiB; default 1 MiB */
};

struct avbd_id_list {
        uint32_t *ids; /* uids or gids */
        size_t n;
};

/*
 * A decoder's `sink_output`: the file its sink writes what it presents to
 * (a video sink: YUV4MPEG2, vendor/sink_y4m.h; an audio sink: RIFF/WAVE,
 * vendor/sink_wav.h). A relative path in the
 * file is taken from the profile's directory.
 */
struct avbd_sink_output {
        enum avb_media_kind kind;
        int32_t id; /* the decoder's, and its sink's */
        char *path;
};

/* On unix://, the event loop looks for work this long before it sleeps (profile key poll_spin_us).
 */
#define AVBD_DEFAULT_POLL_SPIN_US 30

struct avbd_profile {
        char *socket_dir;      /* NULL: the built-in default */
        char *transport;       /* "nanomsg" or "unix"; NULL: $AVB_TRANSPORT, else nanomsg */
        int log_level;         /* AVB_LOG_*; -1: not set */
        uint32_t poll_spin_us; /* avb_server_set_poll_spin; AVBD_DEFAULT_POLL_SPIN_US */
        uint64_t nonsecure_heap_bytes;
        uint64_t secure_heap_bytes;
        uint32_t alignment;
        struct avb_decoder_spec *decoders;
        size_t n_decoders;
        struct avbd_sink_output *sink_outputs;
        size_t n_sink_outputs;
        struct avbd_frame_pool_spec *frame_pools;
        size_t n_frame_pools;
        struct avbd_id_list users, groups;                 /* may connect; empty: anyone */
        struct avbd_id_list trusted_users, trusted_groups; /* vendor control */
        struct avbd_vpu_spec vpu;
};

/* The reference defaults (16,000,000 bytes per heap, the decoders of config/avbuffer.yaml,
 * VPU softvpu). */
int avbd_profile_defaults(struct avbd_profile *ret);

/*
 * Loads a profile from a file, on top of the defaults. On error returns
 * -errno and writes a message naming the line and key into err (which is
 * always NUL-terminated); *ret is untouched.
 */
int avbd_profile_load(const char *path, struct avbd_profile *ret, char *err, size_t err_len);
/* Same, from memory (for tests); `name` is used in messages. */
int avbd_profile_parse(const char *name, const char *text, size_t len, struct avbd_profile *ret,
                       char *err, size_t err_len);

void avbd_profile_fini(struct avbd_profile *p); /* accepts NULL */

/* Whether a peer with these credentials may connect / use vendor control. */
bool avbd_profile_may_connect(const struct avbd_profile *p, uid_t uid, gid_t gid);
bool avbd_profile_is_trusted(const struct avbd_profile *p, uid_t uid, gid_t gid);

#endif
