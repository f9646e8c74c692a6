/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer vendor layer: the object avbufferd owns and calls directly to
 * implement IAVBuffer. It holds the two heaps, the client pools, the one
 * handle space, the vendor frame pools and the decoder registry.
 *
 * ── Ownership ──────────────────────────────────────────────────────────────
 * avb_vendor_new() copies the config; the caller keeps its config. Arrays
 * returned through ret_* pointers are malloc'd and owned by the caller (free()).
 * File descriptors returned by the *_fd functions are borrowed: do not close.
 *
 * ── Locking ────────────────────────────────────────────────────────────────
 * Every avb_vendor_* function is thread-safe: one mutex in the object
 * serialises them all. The data paths (buffer_write, buffer_copy,
 * read_for_vendor, buffer_sha1) hold it for one slice of at most 1 MiB at a
 * time and look their buffers up again for each slice, so a long copy lets
 * other threads' calls run between slices, and a buffer freed or trimmed
 * meanwhile stops it (-ENOENT, -ERANGE; the slices already done stay done)
 * before a byte reaches memory that is no longer the buffer's. The space
 * callback is never called with that mutex held: requests that fire are
 * collected while locked and delivered after unlocking, on the thread that
 * made the call that fired them (a free, a trim, or notify itself when the
 * room is already there). The callback may therefore call back into the
 * vendor. Between unlock and delivery the pool may be destroyed; the server
 * must tolerate a callback for a pool it no longer knows.
 *
 * ── Errors and what the server maps them to ────────────────────────────────
 * Every int function returns 0 or a negative errno; ret_* outputs are written
 * only on success.
 *
 *  call                   errno          IAVBuffer result
 *  create_pool            -EINVAL        EX_ILLEGAL_ARGUMENT (unknown decoder id,
 *                                        video id -1, bad kind)
 *                         -EBADFD        EX_ILLEGAL_STATE (secure pool, decoder
 *                                        not CONFIGURED)
 *                         -ENOMEM        EX_SERVICE_SPECIFIC OUT_OF_MEMORY (heap
 *                                        exhausted, heap of 0 bytes, decoder has
 *                                        no pool in that heap)
 *                         -ENOSPC        EX_SERVICE_SPECIFIC OUT_OF_MEMORY (all
 *                                        128 pool handles in use)
 *  destroy_pool           -ENOENT        return false
 *                         -ENOTEMPTY     EX_SERVICE_SPECIFIC NOT_EMPTY
 *  pool_metrics           -ENOENT        EX_ILLEGAL_ARGUMENT
 *  alloc                  -ENOENT        EX_ILLEGAL_ARGUMENT (invalid pool)
 *                         -EINVAL        EX_ILLEGAL_ARGUMENT (size <= 0 or > pool)
 *                         -ENOMEM        EX_SERVICE_SPECIFIC OUT_OF_MEMORY
 *  notify_when_space      any error      return false (-ENOENT pool, -EINVAL
 *                                        size; never for the number pending)
 *  trim                   -ENOENT        EX_ILLEGAL_ARGUMENT (invalid handle)
 *                         -EINVAL        EX_ILLEGAL_ARGUMENT (newSize <= 0 or
 *                                        > current size)
 *                         -EBUSY         EX_ILLEGAL_STATE (not the pool's last
 *                                        allocation; frame-pool buffers)
 *  buffer_free(_as)       -ENOENT        return false
 *                         -EPERM         return false (buffer_free_as: a frame
 *                                        its caller does not own)
 *  alloc_list             -ENOENT        EX_ILLEGAL_ARGUMENT
 *  buffer_sha1            -ENOENT        EX_ILLEGAL_ARGUMENT
 *                         -EOPNOTSUPP    EX_UNSUPPORTED_OPERATION (built with
 *                                        debug_api=false)
 *  helper paths           -ENOENT invalid handle, -ERANGE range outside a
 *  (buffer_write/copy)    buffer, -EPERM secure source into non-secure buffer
 *  any                    -ENOMEM may also mean the server is out of memory
 */
#ifndef AVBUFFER_VENDOR_H
#define AVBUFFER_VENDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoder.h"   /* enum avb_media_kind, struct avb_decoder_spec */
#include "framepool.h" /* struct avb_framepool_spec */
#include "heap.h"      /* struct avb_heap_ops, for a SoC-specific heap backing */

#define AVB_VENDOR_MAX_POOLS          128
#define AVB_VENDOR_MAX_DECODERS       16
#define AVB_VENDOR_MAX_FRAME_POOLS    8
#define AVB_VENDOR_DEFAULT_HEAP_BYTES 16000000u
#define AVB_VENDOR_DEFAULT_ALIGN      64u
#define AVB_VENDOR_SHA1_BYTES         20
/* pool_handle of a buffer that comes from a vendor frame pool */
#define AVB_VENDOR_FRAME_POOL_BUFFER (-1)

struct avb_vendor;

/*
 * Filled by the server's profile loader (or by
 * avb_vendor_config_init_defaults). Pool sizes are rounded up to the
 * alignment. Limits: heap and pool sizes <= INT32_MAX (they are reported as
 * int32), alignment a power of two between 8 and 4096.
 */
struct avb_vendor_config {
        uint32_t nonsecure_heap_bytes;       /* 0: heap not implemented */
        uint32_t secure_heap_bytes;          /* 0: heap not implemented */
        uint32_t alignment;                  /* of every buffer, for DMA */
        const struct avb_heap_ops *heap_ops; /* NULL: sealed memfd (heap.h) */
        size_t n_decoders;
        struct avb_decoder_spec decoders[AVB_VENDOR_MAX_DECODERS];
        size_t n_frame_pools;
        struct avb_framepool_spec frame_pools[AVB_VENDOR_MAX_FRAME_POOLS];
};

struct avb_heap_metrics {
        bool secure;
        int32_t bytes_used; /* sum of the sizes of the pools made in it */
        int32_t bytes_total;
};

struct avb_pool_metrics {
        int8_t pool_handle;
        int32_t bytes_used;  /* see below */
        int32_t bytes_total; /* the pool size */
};

/*
 * A pool's bytes_used is the sum, over its live allocations, of each
 * allocation's size rounded up to the alignment (the bytes it occupies).
 * Gaps the ring cannot use yet are not counted.
 */

struct avb_buffer_info {
        bool secure;
        int8_t pool_handle;   /* AVB_VENDOR_FRAME_POOL_BUFFER for frame blocks */
        uint32_t heap_offset; /* in the heap given by secure */
        uint32_t size;        /* as allocated, or as last trimmed */
        enum avb_media_kind kind;
        int32_t decoder_id; /* the pool's decoder; AVB_DECODER_ID_UNDEFINED for frame blocks */
};

struct avb_copy_range {
        uint32_t src_offset;
        uint32_t dst_offset;
        uint32_t size;
};

/*
 * `count` (>= 1) space-available requests of one pool fired at once, each
 * owing its own callback; see Locking above.
 */
typedef void (*avb_vendor_space_cb)(void *userdata, int8_t pool_handle, uint64_t count);

/*
 * Buffer observer: told of every change to the set of live buffers, so the
 * server can mirror it (e.g. a directory clients read). info != NULL: the
 * buffer was allocated (pool or frame block) or trimmed, and info is its new
 * placement; info == NULL: the handle is no longer valid (freed, or dropped
 * by destroy_owner with force). Called WITH the vendor lock held, in the
 * order the changes happen: it must be quick and must not call any
 * avb_vendor_* function.
 */
typedef void (*avb_vendor_buffer_cb)(void *userdata, int64_t handle,
                                     const struct avb_buffer_info *info);

/*
 * Reference profile: two 16,000,000-byte heaps, alignment 64; video decoders
 * 0 and 1 (4 MiB pools in each heap), audio decoders 0 and 1 (512 KiB) and
 * audio UNDEFINED (256 KiB), all CONFIGURED; frame pools: video 8 x 64 KiB
 * and audio 16 x 16 KiB in each heap.
 */
void avb_vendor_config_init_defaults(struct avb_vendor_config *cfg);

/*
 * Build the vendor layer. cb may be NULL (requests are then still accepted
 * and consumed, nothing is called). Errors: -EINVAL (config), -ENOMEM, or
 * what the heap backing returns.
 */
int avb_vendor_new(const struct avb_vendor_config *cfg, avb_vendor_space_cb cb, void *userdata,
                   struct avb_vendor **ret_vendor);
/* Destroy everything, live buffers included (not reported); accepts NULL. */
void avb_vendor_free(struct avb_vendor *v);
/* Install (or with cb NULL remove) the buffer observer. */
void avb_vendor_set_observer(struct avb_vendor *v, avb_vendor_buffer_cb cb, void *userdata);

/* getHeapMetrics. Never fails for a valid v. */
int avb_vendor_heap_metrics(struct avb_vendor *v, bool secure, struct avb_heap_metrics *ret);
/*
 * The fd to pass to clients (SCM_RIGHTS) with its size; clients map it once.
 * Errors: -EPERM for the secure heap (never give it to a client), -ENODEV
 * when that heap has 0 bytes.
 */
int avb_vendor_heap_fd(struct avb_vendor *v, bool secure);
/* For trusted vendor processes only (e.g. the VPU process); see heap.h. */
int avb_vendor_heap_vendor_fd(struct avb_vendor *v, bool secure);
size_t avb_vendor_heap_size(struct avb_vendor *v, bool secure);

/*
 * createAudioPool / createVideoPool. owner is the server's id for the client
 * connection, used by destroy_owner.
 */
int avb_vendor_create_pool(struct avb_vendor *v, enum avb_media_kind kind, bool secure,
                           int32_t decoder_id, uint64_t owner, int8_t *ret_pool_handle);
/* destroy_pool's owner for a caller that may destroy any pool (a trusted one). */
#define AVB_VENDOR_ANY_OWNER 0
/*
 * destroyPool: pending space requests of the pool are discarded. owner is
 * the caller's id: -EPERM (and nothing changes) unless it created the pool
 * or is AVB_VENDOR_ANY_OWNER. Other errors: -ENOENT, -ENOTEMPTY.
 */
int avb_vendor_destroy_pool(struct avb_vendor *v, int8_t pool_handle, uint64_t owner);
/*
 * Client death: destroy every pool of owner and drop their pending requests.
 * A pool with buffers still out is moved to DESTROYING when force is false
 * (the buffers may be queued in a decoder; the pool dies with its last
 * buffer) or has them freed and their handles invalidated when force is
 * true. ret_deferred (may be NULL) gets the number of pools left DESTROYING.
 */
int avb_vendor_destroy_owner(struct avb_vendor *v, uint64_t owner, bool force,
                             size_t *ret_deferred);
int avb_vendor_pool_metrics(struct avb_vendor *v, int8_t pool_handle, struct avb_pool_metrics *ret);
/* getAllPoolMetrics: every pool of that heap, DESTROYING ones included. */
int avb_vendor_all_pool_metrics(struct avb_vendor *v, bool secure,
                                struct avb_pool_metrics out[AVB_VENDOR_MAX_POOLS], size_t *ret_n);

/* alloc: never blocks. */
int avb_vendor_alloc(struct avb_vendor *v, int8_t pool_handle, int32_t size, int64_t *ret_handle);
/*
 * notifyWhenSpaceAvailable: 0 means accepted, and exactly one callback for
 * pool_handle follows (at once if alloc(size) would already succeed), unless
 * the pool is destroyed first. Never refused for the number of requests
 * already pending: they are merged (pool.h), at worst firing when the pool is
 * empty.
 */
int avb_vendor_notify_when_space(struct avb_vendor *v, int8_t pool_handle, int32_t size);
/* trimSize: only the pool's most recent live allocation. */
int avb_vendor_trim(struct avb_vendor *v, int64_t handle, int32_t new_size);
/* free: pool buffers and frame-pool buffers alike, whoever owns them (server-internal). */
int avb_vendor_buffer_free(struct avb_vendor *v, int64_t handle);
/*
 * IAVBuffer.free on behalf of client `owner`: as buffer_free, but a frame
 * block only when owner owns it (-EPERM: the server's, or another client's;
 * see frame ownership below).
 */
int avb_vendor_buffer_free_as(struct avb_vendor *v, int64_t handle, uint64_t owner);
bool avb_vendor_is_valid(struct avb_vendor *v, int64_t handle);
/* getAllocList: live handles in allocation order; *ret_handles may be NULL if *ret_n is 0. */
int avb_vendor_alloc_list(struct avb_vendor *v, int8_t pool_handle, int64_t **ret_handles,
                          size_t *ret_n);

/* Where a buffer lives, for the helper paths. Errors: -ENOENT. */
int avb_vendor_buffer_info(struct avb_vendor *v, int64_t handle, struct avb_buffer_info *ret);
/* Helper write(): len bytes from src at offset into the buffer. */
int avb_vendor_buffer_write(struct avb_vendor *v, int64_t handle, uint32_t offset, const void *src,
                            size_t len);
/*
 * Sources: shared memory the server owns that writes may come from without
 * the bytes passing through server memory (a client's staging area): a
 * memfd fd the server has mapped at map, size bytes, both borrowed until
 * avb_vendor_source_free. Into a secure buffer, the default heap backing
 * copies from a source in its copier process; anywhere else, from map.
 * client: -1, or one end of a socketpair (always taken: kept or closed)
 * whose other end is for the source's client; when the backing keeps it,
 * avb_vendor_source_direct() says so and the client may send its writes
 * over that end straight to the copier (vendor/heap_copier_proto.h),
 * bypassing the server. Errors: -EINVAL (fd, map or size), -ENOMEM,
 * -ENOSPC (the heap holds as many sources as it can; the caller then
 * writes from map with avb_vendor_buffer_write).
 */
struct avb_vendor_source;
int avb_vendor_source_new(struct avb_vendor *v, int fd, const void *map, size_t size, int client,
                          struct avb_vendor_source **ret_source);
bool avb_vendor_source_direct(const struct avb_vendor_source *s);
/* Accepts NULL; no write from s may be running. */
void avb_vendor_source_free(struct avb_vendor_source *s);
/*
 * avb_vendor_buffer_write() of len bytes at src_off of s, sliced and
 * checked the same way. Errors: as avb_vendor_buffer_write, and -EINVAL for
 * a range outside s (nothing moves).
 */
int avb_vendor_buffer_write_source(struct avb_vendor *v, int64_t handle, uint32_t offset,
                                   const struct avb_vendor_source *s, size_t src_off, size_t len);
/*
 * Helper copyWithMap(): all ranges are checked before any byte moves; each
 * range acts as memmove, also when it overlaps itself in one buffer.
 * Secure -> non-secure gives -EPERM.
 */
int avb_vendor_buffer_copy(struct avb_vendor *v, int64_t src_handle, int64_t dst_handle,
                           const struct avb_copy_range *ranges, size_t n_ranges);
/*
 * Server-internal read of a buffer's bytes (trusted vendor code, tests);
 * never forward the bytes of a secure buffer to a client.
 */
int avb_vendor_buffer_read_for_vendor(struct avb_vendor *v, int64_t handle, uint32_t offset,
                                      void *dst, size_t len);
/*
 * calculateSHA1 over the buffer's size bytes. Errors: -EOPNOTSUPP without
 * AVB_DEBUG_API, -ENOENT (not a live handle), -ENOMEM.
 */
int avb_vendor_buffer_sha1(struct avb_vendor *v, int64_t handle,
                           uint8_t ret_digest[AVB_VENDOR_SHA1_BYTES]);

/*
 * Vendor-internal: take a block from frame pool index (config order) and give
 * it a handle from the shared space. Errors: -ENOENT (no such frame pool),
 * -ENOMEM (all blocks in use).
 */
int avb_vendor_frame_alloc(struct avb_vendor *v, unsigned frame_pool, int64_t *ret_handle);

/*
 * Frame ownership. Every frame block has exactly one owner: the server
 * (AVB_VENDOR_FRAME_SERVER: a decoder, the VPU, a sink; what frame_alloc
 * gives) or the client it was delivered to (the server's id for that client,
 * as create_pool's owner). The record lives with the block and goes with it
 * when the block is freed, however many frames a client holds.
 *  - frame_move: hand a frame from `from` to `to` (a decoder delivering it
 *    to its client, a sink taking it from the client that queued it, and
 *    back when either does not happen). Errors: -ENOENT (not a live frame
 *    block: a pool buffer, stale or forged), -EPERM (its owner is not
 *    `from`; nothing changes).
 *  - frame_free_owner: a client's death frees every frame block it owns
 *    (delivered to it and neither freed nor handed on); owner
 *    AVB_VENDOR_FRAME_SERVER frees nothing. Returns the number freed.
 */
#define AVB_VENDOR_FRAME_SERVER 0
int avb_vendor_frame_move(struct avb_vendor *v, int64_t frame, uint64_t from, uint64_t to);
size_t avb_vendor_frame_free_owner(struct avb_vendor *v, uint64_t owner);

/* Vendor control hook; see avb_decoder_set_configured (decoder.h). */
int avb_vendor_set_decoder_configured(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                      bool configured);

/*
 * The media graph (vendor/graph.h) and the decode path (vendor_graph.c).
 *
 * The vendor keeps one graph of its topology for its lifetime: entities for
 * the decoders, the frame pools, the VPU and one stand-in sink per decoder
 * (vendor/sink.h). Pads are named "entity:index" as media-ctl names them,
 * e.g. "video-decoder-0:3" (a decoder's output) and "video-sink-0:0".
 * Tunnelled mode of a decoder is its output link to its sink enabled.
 */

/* media-ctl -p / --print-dot; *ret_text is malloc'd. Errors: -ENOMEM. */
int avb_vendor_graph_describe(struct avb_vendor *v, bool dot, char **ret_text);
/*
 * media-ctl -l: enable or disable the link source -> sink. Errors: -EINVAL
 * (a pad name that is not "entity:index", or an IMMUTABLE link), -ENOENT (no
 * such entity or link), -EBUSY (an end streams and the link is not DYNAMIC,
 * or the sink pad has another enabled link), -EPIPE (see avb_graph_setup_link).
 */
int avb_vendor_graph_setup_link(struct avb_vendor *v, const char *source, const char *sink,
                                bool enable);
/*
 * media-ctl -V: what a pad carries (0 fields: any); the bytes a pad holds
 * stay as the topology says. Errors: -EINVAL, -ENOENT, -EBUSY (streams).
 */
int avb_vendor_graph_set_format(struct avb_vendor *v, const char *pad, uint32_t fourcc,
                                uint32_t width, uint32_t height);

/*
 * The decode path's decoder steps, each one state of the registry
 * (decoder.h) away from the last: open (CONFIGURED, -> OPENED; opening
 * configures an unconfigured decoder), start (-> STARTED), stop (-> OPENED),
 * close (-> CONFIGURED, or UNCONFIGURED when !configured).
 *
 * Start points the decoder's VPU context at frame pool `frame_pool`, sets
 * its output pad to `fourcc` in blocks of that pool, then validates and
 * starts its pipeline: a decoder whose output link to its sink is enabled
 * streams into that sink (*ret_tunnelled), whose thread writes notify_fd
 * (an eventfd, or -1) after each frame it presents. Stop flushes the sink.
 * Errors: -EINVAL (no such decoder or frame pool), -EBADFD (wrong state),
 * -EPIPE (a link fails validation: ret_bad_link, if not NULL, names it as
 * "entity:pad -> entity:pad"), -EBUSY (a pad streams in another pipeline),
 * -ENOMEM.
 */
#define AVB_VENDOR_LINK_TEXT 96 /* two 31-character entity names, two pads, " -> " */
struct avb_vendor_decoder_start {
        enum avb_media_kind kind;
        int32_t id;
        unsigned frame_pool;
        uint32_t fourcc;
        int notify_fd;
};
int avb_vendor_decoder_open(struct avb_vendor *v, enum avb_media_kind kind, int32_t id);
int avb_vendor_decoder_start(struct avb_vendor *v, const struct avb_vendor_decoder_start *how,
                             bool *ret_tunnelled, char ret_bad_link[AVB_VENDOR_LINK_TEXT]);
int avb_vendor_decoder_stop(struct avb_vendor *v, enum avb_media_kind kind, int32_t id);
/*
 * The decoder's stream is width x height (its first frame, or a resolution
 * change): its output pad shows it, streaming or not, and its enabled output
 * link is validated again (start could not: the geometry was unknown).
 * Errors: -EINVAL (no such decoder), -EPIPE (the link no longer validates:
 * the sink's pad asks for another geometry; ret_bad_link, if not NULL,
 * names it). Start sets the geometry back to unknown.
 */
int avb_vendor_decoder_set_geometry(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                    uint32_t width, uint32_t height,
                                    char ret_bad_link[AVB_VENDOR_LINK_TEXT]);
int avb_vendor_decoder_close(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                             bool configured);
/*
 * Tunnelled mode is the decoder's output link to its sink enabled: whether
 * it is, and enabling or disabling it (as `avbufctl graph link` would).
 * Errors: -EINVAL (no such decoder), -ENOENT (no sink link), and those of
 * avb_vendor_graph_setup_link (-EBUSY while the decoder streams).
 */
int avb_vendor_decoder_tunnelled(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                 bool *ret_tunnelled);
int avb_vendor_decoder_set_tunnelled(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                     bool tunnelled);

/*
 * Tunnelled mode: hand a frame to the decoder's sink, which frees it once
 * presented. The sink owns the frame whatever the result (freed at once on
 * error). Errors: -ENOENT (the decoder never started tunnelled), -ENOSPC
 * (the sink's queue is full).
 */
int avb_vendor_sink_queue(struct avb_vendor *v, enum avb_media_kind kind, int32_t id, int64_t frame,
                          int64_t pts_ns, uint32_t bytes);
/*
 * Where a video frame's picture lies in its block: the decoder's output
 * format. With it the sink hashes the visible rows of each plane and can
 * write the picture to its y4m output (the profile's sink_output), as it
 * does for a frame queued through the Video Sink HAL with a layout.
 */
enum avb_vendor_pixfmt {
        AVB_VENDOR_PIXFMT_NONE = 0, /* no layout: the first `bytes` bytes are the frame */
        AVB_VENDOR_PIXFMT_NV12 = 1, /* Y plane, then interleaved CbCr at half height */
        AVB_VENDOR_PIXFMT_I420 = 2, /* Y, Cb, Cr planes; chroma half each way, rounded up */
};
#define AVB_VENDOR_PLANES 3
struct avb_vendor_picture {
        uint32_t width, height; /* visible luma samples */
        enum avb_vendor_pixfmt pixfmt;
        uint32_t n_planes; /* at least 2 for NV12, 3 for I420 */
        uint32_t offset[AVB_VENDOR_PLANES], stride[AVB_VENDOR_PLANES]; /* bytes */
        uint32_t rate_num, rate_den; /* frames per second; 0/0 unknown */
        uint32_t sar_num, sar_den;   /* sample aspect ratio; 0/0 unknown */
};
/*
 * avb_vendor_sink_queue with the frame's picture (NULL, or pixfmt NONE:
 * none). The sink owns the frame whatever the result. Errors: those of
 * avb_vendor_sink_queue, and -EINVAL (another pixfmt, too few planes, a
 * width or height of 0, a stride shorter than its row, or a plane that
 * ends past `bytes`).
 */
int avb_vendor_sink_queue_picture(struct avb_vendor *v, enum avb_media_kind kind, int32_t id,
                                  int64_t frame, int64_t pts_ns, uint32_t bytes,
                                  const struct avb_vendor_picture *picture);
/* End of stream after the frames queued so far. Errors: -ENOENT, -ENOSPC. */
int avb_vendor_sink_queue_eos(struct avb_vendor *v, enum avb_media_kind kind, int32_t id);
/* Drop (and free) the frames the sink has not presented yet. */
void avb_vendor_sink_flush(struct avb_vendor *v, enum avb_media_kind kind, int32_t id);
/* Whether the sink presented an end of stream since the last call. */
bool avb_vendor_sink_take_eos(struct avb_vendor *v, enum avb_media_kind kind, int32_t id);
/*
 * What sink entity `name` presented since the last call (struct
 * avb_sink_record, vendor/sink.h; *ret_records malloc'd, NULL when none).
 * MD5s only in builds with the debug API. Errors: -ENOENT (no such sink),
 * -ENOMEM.
 */
struct avb_sink_record;
int avb_vendor_sink_take_records(struct avb_vendor *v, const char *name,
                                 struct avb_sink_record **ret_records, size_t *ret_n);
/*
 * The presenting engine (struct avb_sink, vendor/sink.h) of the sink that
 * video decoder `id`'s output link enters, made on first use and kept until
 * avb_vendor_free; the Video Sink HAL drives it directly. Its events
 * (enum avb_sink_event) go to cb (may be NULL) from its thread, with no
 * vendor lock held; the last cb set wins. Errors: -EINVAL (no such video
 * decoder), -ENOMEM.
 */
struct avb_sink;
typedef void (*avb_vendor_sink_event_cb)(void *userdata, int event, int64_t pts_ns);
int avb_vendor_video_sink(struct avb_vendor *v, int32_t id, avb_vendor_sink_event_cb cb,
                          void *userdata, struct avb_sink **ret_sink);
/* The same for the sink audio decoder `id`'s output link enters (the Audio Sink HAL's). */
int avb_vendor_audio_sink(struct avb_vendor *v, int32_t id, avb_vendor_sink_event_cb cb,
                          void *userdata, struct avb_sink **ret_sink);

#endif /* AVBUFFER_VENDOR_H */
