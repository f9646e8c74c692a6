/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VPU driver interface: one ops table, modelled on the V4L2 stateful
 * (mem2mem) decoder API, that the decode path in avbufferd drives and that
 * each backend implements (softvpu: a supervised firmware process; v4l2: a
 * /dev/videoN mem2mem decoder).
 *
 * ── Objects ────────────────────────────────────────────────────────────────
 * A *device* (struct avb_vpu) is one backend instance, made by the backend's
 * own constructor (avb_softvpu_new, avb_v4l2vpu_new, ...) from the memory it
 * may touch (struct avb_vpu_memory). A *session* is one decode stream on a
 * device, as one open() of a V4L2 node is: it has an input queue (V4L2
 * OUTPUT: coded buffers) and an output queue (V4L2 CAPTURE: frame blocks).
 *
 * ── Buffers ────────────────────────────────────────────────────────────────
 * A buffer reference (struct avb_vpu_buf) is (heap, offset, size) plus the
 * caller's cookie, never a pointer: the device reaches memory only through
 * the heap descriptors it was given. Input buffers live in the secure or the
 * non-secure heap; output buffers are blocks of the vendor frame pools (the
 * caller takes them with avb_vendor_frame_alloc and gives their placement).
 * The cookie comes back unchanged when the buffer is dequeued; the caller
 * uses its AV buffer handle.
 *
 * Ownership follows V4L2: a queued buffer belongs to the device until it is
 * dequeued, or until stream_off/flush of its queue, after which the device
 * holds none of that queue's buffers (the caller frees or re-queues them; the
 * device never touches their memory again).
 *
 * ── Flow ───────────────────────────────────────────────────────────────────
 *   open(codec) → set_format(coded) [→ set_codec_data] → stream_on(INPUT)
 *   → queue_input...
 *   ← event SOURCE_CHANGE (get_format gives the frame geometry)
 *   → queue_output(blocks of frame_bytes) → stream_on(OUTPUT)
 *   ← dequeue_input (consumed coded buffers), dequeue_output (frames, pts),
 *     dequeue_user_data (SEI user data with its frame's pts)
 *   → drain: the last frame has AVB_VPU_BUF_LAST, then event EOS
 *   → flush (seek) / stream_off → close
 * A mid-stream resolution change is another SOURCE_CHANGE: the caller
 * dequeues what is ready, stream_off(OUTPUT), re-reads get_format, queues
 * blocks of the new size and stream_on(OUTPUT) again, as in V4L2. A backend
 * whose output blocks are fixed-size frame-pool blocks big enough for any
 * frame (softvpu) may accept queue_output before SOURCE_CHANGE and keep
 * going across it; one that cannot gives -EBADFD, as stated below.
 *
 * Order: output buffers and events are delivered in device order. While an
 * event is due before the next frame, dequeue_output gives -EAGAIN; while a
 * frame is due before the next event, dequeue_event gives -EAGAIN. So the
 * caller's loop "events until -EAGAIN, inputs until -EAGAIN, outputs until
 * -EAGAIN, repeat while anything came" sees a SOURCE_CHANGE exactly between
 * the last frame of the old format and the first of the new. Consumed input
 * buffers come back on their own queue, in the order they were queued.
 *
 * ── Required ops, blocking ─────────────────────────────────────────────────
 * Required: every op except sync_for_device and sync_for_cpu (NULL: no-op,
 * right for cache-coherent x86; an ARM port fills them in with the SoC's
 * cache clean/invalidate), set_codec_data and dequeue_user_data (NULL:
 * -EOPNOTSUPP through their avb_vpu_* wrappers).
 * Never block: queue_input, queue_output, dequeue_input, dequeue_output,
 *   dequeue_event, dequeue_user_data, get_format, poll_fd, drain, sync_*. A
 *   full queue is -EAGAIN; nothing ready to dequeue is -EAGAIN.
 * May block (bounded by the backend, -ETIMEDOUT when the device does not
 *   answer): device_free, open, close, set_format, set_codec_data,
 *   stream_on, stream_off, flush — they wait for the device's
 *   acknowledgement.
 * poll_fd is readable (POLLIN) when a dequeue_* may succeed; it is an
 *   eventfd-like level: call every dequeue op until -EAGAIN, then poll again.
 *
 * ── Threads ────────────────────────────────────────────────────────────────
 * Ops on one session are not reentrant: the caller serialises them. Ops on
 * different sessions of one device may run on different threads.
 *
 * ── Errors ─────────────────────────────────────────────────────────────────
 * 0 or -errno; ret_* written only on success. -EINVAL bad argument,
 * -EBADFD op not allowed in the current queue state (e.g. queue_output on a
 * session that has not had SOURCE_CHANGE), -EAGAIN see above, -ENODEV the
 * device died (softvpu firmware crashed: every op of the session fails with
 * -ENODEV until close; the caller fails and frees its in-flight buffers),
 * -EOPNOTSUPP codec or format not supported, -ETIMEDOUT.
 */
#ifndef AVB_VENDOR_VPU_H
#define AVB_VENDOR_VPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_VPU_MAX_PLANES  3
#define AVB_VPU_MAX_REGIONS 8

enum avb_vpu_codec {
        AVB_VPU_CODEC_H264 = 1,
        AVB_VPU_CODEC_HEVC = 2,
        AVB_VPU_CODEC_AAC = 16,
        AVB_VPU_CODEC_MP2 = 17,
};

/*
 * Decoded sample formats. Where the planes lie and their bytes per row are
 * get_format's plane_offset and plane_stride: packed (no padding between
 * rows) unless the device writes frames in its own layout (v4l2 DMABUF).
 */
enum avb_vpu_pixfmt {
        AVB_VPU_FMT_NONE = 0,
        AVB_VPU_FMT_NV12 = 1,     /* Y plane, then interleaved CbCr at half height */
        AVB_VPU_FMT_I420 = 2,     /* Y, Cb, Cr planes */
        AVB_VPU_FMT_PCM_S16 = 16, /* interleaved signed 16-bit little endian */
};

enum avb_vpu_queue {
        AVB_VPU_INPUT = 0,  /* coded buffers (V4L2 OUTPUT queue) */
        AVB_VPU_OUTPUT = 1, /* decoded frames (V4L2 CAPTURE queue) */
};

/*
 * The memory a device may touch, given at construction. The heaps are the
 * AV Buffer heaps (avb_vendor_heap_vendor_fd: the secure heap's fd goes only
 * to trusted device code). The device maps the heaps read-only for input and
 * only the frame-pool regions read-write for output; with n_regions 0 it
 * maps each output block read-write when the block is queued (softvpu does
 * this; page-aligned buffers, the profile's alignment 4096, keep a block's
 * mapping from reaching its neighbours).
 */
struct avb_vpu_memory {
        int heap_fd[2]; /* [0] non-secure, [1] secure; -1: none. Borrowed. */
        size_t heap_size[2];
        size_t n_regions;
        struct avb_vpu_region {
                bool secure;     /* which heap */
                uint32_t offset; /* frame pool region, writable by the device */
                uint32_t size;
        } regions[AVB_VPU_MAX_REGIONS];
};

/* A buffer reference. */
struct avb_vpu_buf {
        bool secure;        /* heap_fd[1] when true */
        uint32_t offset;    /* in that heap */
        uint32_t size;      /* input: bytes of coded data; output: block capacity */
        int64_t pts_ns;     /* input: presentation time; output: the frame's */
        uint64_t cookie;    /* the caller's (its AV buffer handle) */
        uint32_t flags;     /* AVB_VPU_BUF_* */
        uint32_t bytesused; /* output: bytes of frame data written */
};

#define AVB_VPU_BUF_LAST  (1u << 0) /* output: last frame before EOS */
#define AVB_VPU_BUF_ERROR (1u << 1) /* data is corrupt (input or output) */
#define AVB_VPU_BUF_EOS   (1u << 2) /* input: end of stream marker (size may be 0) */

/* Scan type of the decoded pictures (get_format). */
enum avb_vpu_scan {
        AVB_VPU_SCAN_PROGRESSIVE = 0,
        AVB_VPU_SCAN_INTERLACED_TFF = 1, /* interlaced, top field first */
        AVB_VPU_SCAN_INTERLACED_BFF = 2, /* interlaced, bottom field first */
};

/* Sample range of the decoded pictures (get_format). */
enum avb_vpu_range {
        AVB_VPU_RANGE_UNKNOWN = 0,
        AVB_VPU_RANGE_LIMITED = 1, /* "video" range (16-235 at 8 bits) */
        AVB_VPU_RANGE_FULL = 2,
};

/* The PCM a session outputs (get_format, audio). */
enum avb_vpu_sample_fmt {
        AVB_VPU_SAMPLE_NONE = 0,
        AVB_VPU_SAMPLE_S16 = 1, /* signed 16-bit little endian */
        AVB_VPU_SAMPLE_S32 = 2, /* signed 32-bit little endian */
        AVB_VPU_SAMPLE_F32 = 3, /* IEEE float, little endian */
};

/* H.273 (ISO/IEC 23091-2) code point for "unspecified" in all three tables. */
#define AVB_VPU_H273_UNSPECIFIED 2

/*
 * Coded format of a session (set_format: codec, pixfmt, optional width and
 * height) and frame format (get_format: everything, valid after the first
 * SOURCE_CHANGE dequeued). get_format gives the format of the last
 * SOURCE_CHANGE the caller dequeued, so it describes the frames dequeued
 * after that event. A change of any field below (other than min_buffers)
 * raises a new SOURCE_CHANGE ahead of the first frame it concerns; its event
 * says which kind of change it was (avb_vpu_event.changed).
 *
 * Video geometry: the output block holds a picture of width x height in the
 * plane layout below. coded_width/coded_height are the decoder's picture
 * before cropping (macroblock multiples for H.264); visible_* is the
 * rectangle of it to show (the stream's cropping window). softvpu writes only
 * the visible rectangle into the block (width x height == visible size,
 * visible_left/top tell where it was in the coded picture); a v4l2 device
 * writes what its CAPTURE format says, which may be larger than the visible
 * rectangle (then visible_* is where to look inside the block).
 * Unknown values are 0 (ratios 0/0), colour code points
 * AVB_VPU_H273_UNSPECIFIED, range AVB_VPU_RANGE_UNKNOWN.
 */
struct avb_vpu_format {
        enum avb_vpu_codec codec;
        enum avb_vpu_pixfmt pixfmt; /* wanted output format (NV12 or I420), or decoded */
        uint32_t width, height;     /* 0 in set_format: take it from the stream */
        uint32_t frame_bytes;       /* get_format: bytes of one output frame */
        uint32_t min_buffers;       /* get_format: output blocks the device needs */
        uint32_t n_planes;
        uint32_t plane_offset[AVB_VPU_MAX_PLANES];
        uint32_t plane_stride[AVB_VPU_MAX_PLANES];
        /* audio */
        uint32_t sample_rate, channels;
        /* ---- get_format only: the stream's description ---- */
        /* video */
        uint32_t coded_width, coded_height;
        uint32_t visible_left, visible_top, visible_width, visible_height;
        uint32_t sar_num, sar_den; /* sample (pixel) aspect ratio; 1/1 square */
        uint32_t fps_num, fps_den; /* frames per second the stream states; 0/0 unknown */
        uint32_t bit_depth;        /* bits per luma sample of the coded stream */
        enum avb_vpu_scan scan;
        uint8_t color_primaries; /* H.273 ColourPrimaries (1 BT.709, 9 BT.2020...) */
        uint8_t color_transfer;  /* H.273 TransferCharacteristics (1 BT.709, 16 PQ...) */
        uint8_t color_matrix;    /* H.273 MatrixCoefficients (1 BT.709, 6 BT.601...) */
        enum avb_vpu_range color_range;
        /* audio: the PCM in the output blocks (pixfmt PCM_S16 is S16 interleaved) */
        enum avb_vpu_sample_fmt sample_fmt;
        bool planar; /* one plane per channel, else interleaved */
};

/*
 * Codec-specific data (set_codec_data), given before stream_on(INPUT).
 * It also says how input buffers are framed:
 *   AVCC: an H.264 AVCDecoderConfigurationRecord (ISO/IEC 14496-15 "avcC");
 *     every input buffer is then one access unit of NAL units each preceded
 *     by its length (1, 2 or 4 bytes big endian, as the record says), as MP4
 *     carries them: buffers are not parsed across, one buffer one picture.
 *   H264_ANNEXB: SPS/PPS NAL units with start codes; input stays an Annex B
 *     byte stream cut anywhere (the default framing).
 *   AAC_ASC: an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3); every input
 *     buffer is then one raw AAC access unit, without ADTS headers.
 * The bytes are copied (the caller keeps its own) and validated: a
 * malformed record, one that does not match the session's codec, or more
 * than AVB_VPU_CODEC_DATA_MAX bytes gets -EINVAL. It stays across flush and
 * drain until close; a second call replaces it (before stream_on(INPUT)).
 */
enum avb_vpu_codec_data {
        AVB_VPU_CODEC_DATA_AVCC = 1,
        AVB_VPU_CODEC_DATA_H264_ANNEXB = 2,
        AVB_VPU_CODEC_DATA_AAC_ASC = 3,
};

#define AVB_VPU_CODEC_DATA_MAX 4096u

/*
 * User data carried by the stream (dequeue_user_data): one item per SEI
 * message, with the presentation time of the frame that carried it. Items
 * come in output order, each before the frame with its pts is dequeued. An
 * item longer than AVB_VPU_USER_DATA_MAX is dropped; so are items the caller
 * does not dequeue fast enough (the device keeps AVB_VPU_USER_DATA_QUEUE per
 * session, oldest dropped first): decoding never waits for user data.
 * `dropped` counts the items lost just before this one.
 */
enum avb_vpu_user_data_type {
        /* H.264 SEI user_data_unregistered: the 16-byte UUID, then the payload */
        AVB_VPU_USER_DATA_SEI_UNREGISTERED = 1,
        /* ATSC A/53 closed captions from user_data_registered_itu_t_t35, from
         * (and including) the user_identifier 'GA94': user_data_type_code 3,
         * cc_data() with its header, triplets and marker */
        AVB_VPU_USER_DATA_A53_CC = 2,
};

#define AVB_VPU_USER_DATA_MAX   2048u
#define AVB_VPU_USER_DATA_QUEUE 16u

struct avb_vpu_user_data {
        enum avb_vpu_user_data_type type;
        int64_t pts_ns; /* of the frame that carried it */
        uint32_t size;  /* bytes of data */
        uint32_t dropped;
        uint8_t data[AVB_VPU_USER_DATA_MAX];
};

enum avb_vpu_event_type {
        AVB_VPU_EVENT_SOURCE_CHANGE = 1, /* new geometry: get_format */
        AVB_VPU_EVENT_EOS = 2,           /* drain finished */
        AVB_VPU_EVENT_ERROR = 3,         /* decode error (stream) or device error */
};

/* SOURCE_CHANGE: what changed (the first one of a session has both). */
#define AVB_VPU_CHANGED_GEOMETRY                                                                   \
        (1u << 0) /* size, pixfmt, layout, frame_bytes, audio rate/channels/format */
#define AVB_VPU_CHANGED_DESCRIPTION (1u << 1) /* the rest: crop, SAR, rate, depth, scan, colour */

struct avb_vpu_event {
        enum avb_vpu_event_type type;
        int error;        /* ERROR: -errno (-EBADMSG corrupt stream, -ENODEV device died) */
        uint64_t cookie;  /* ERROR: the input buffer concerned, or 0 */
        uint32_t changed; /* SOURCE_CHANGE: AVB_VPU_CHANGED_* */
};

struct avb_vpu_ops {
        const char *name;
        /* Destroy the device (sessions must be closed). */
        void (*device_free)(void *dev);

        /* Open a session for codec; secure: input from the secure heap, output
         * only into secure regions. */
        int (*open)(void *dev, enum avb_vpu_codec codec, bool secure, void **ret_sess);
        /* Close: stops both queues, drops every buffer; accepts NULL. */
        void (*close)(void *sess);

        /* Coded format (INPUT queue), before stream_on(INPUT). */
        int (*set_format)(void *sess, const struct avb_vpu_format *fmt);
        /* Frame format, valid after SOURCE_CHANGE. -EBADFD before. */
        int (*get_format)(void *sess, struct avb_vpu_format *ret_fmt);

        int (*stream_on)(void *sess, enum avb_vpu_queue q);
        /* Stop a queue; every buffer of it returns to the caller undequeued. */
        int (*stream_off)(void *sess, enum avb_vpu_queue q);

        /* Queue a coded buffer (sync_for_device has been called). -EAGAIN: full. */
        int (*queue_input)(void *sess, const struct avb_vpu_buf *buf);
        /* An empty frame block of at least frame_bytes. -EAGAIN: full. */
        int (*queue_output)(void *sess, const struct avb_vpu_buf *buf);
        /* A consumed coded buffer (flags may carry ERROR). -EAGAIN: none. */
        int (*dequeue_input)(void *sess, struct avb_vpu_buf *ret_buf);
        /* A decoded frame, in decode-output order. -EAGAIN: none. */
        int (*dequeue_output)(void *sess, struct avb_vpu_buf *ret_buf);
        /* -EAGAIN: none. */
        int (*dequeue_event)(void *sess, struct avb_vpu_event *ret_ev);

        /* V4L2_DEC_CMD_STOP: decode what is queued, mark the last frame LAST, then EOS. */
        int (*drain)(void *sess);
        /* Seek: drop queued input and pending output (both return to the caller)
         * and user data not yet dequeued, reset the decoder, keep the format and
         * the codec-specific data; streaming state is unchanged. */
        int (*flush)(void *sess);

        /* Readable when a dequeue may succeed; borrowed. */
        int (*poll_fd)(void *sess);

        /* Cache maintenance. Optional (NULL: no-op). sync_for_device runs before
         * the device reads a buffer the CPU wrote through a mapping (clean);
         * sync_for_cpu after the device wrote a frame, before a CPU reads it
         * (invalidate). */
        int (*sync_for_device)(void *dev, const struct avb_vpu_buf *buf);
        int (*sync_for_cpu)(void *dev, const struct avb_vpu_buf *buf);

        /* Optional (NULL: -EOPNOTSUPP; call them through avb_vpu_set_codec_data
         * and avb_vpu_dequeue_user_data). */
        /* Codec-specific data, before stream_on(INPUT) (-EBADFD after); see
         * enum avb_vpu_codec_data. Blocks like set_format. -EOPNOTSUPP: this
         * device cannot take that kind (v4l2: none). */
        int (*set_codec_data)(void *sess, enum avb_vpu_codec_data type, const void *data,
                              size_t size);
        /* The next user data item, copied into *ret (the caller's). Never
         * blocks; -EAGAIN: none now (poll_fd fires when one comes). */
        int (*dequeue_user_data)(void *sess, struct avb_vpu_user_data *ret);
};

/* A device: its ops and the backend's object. */
struct avb_vpu {
        const struct avb_vpu_ops *ops;
        void *dev;
};

/* Required ops present? 0 or -EINVAL. */
int avb_vpu_ops_check(const struct avb_vpu_ops *ops);
/* Destroy a device; accepts NULL or a zeroed struct. */
void avb_vpu_free(struct avb_vpu *vpu);
/* Call the optional cache hooks (no-op when NULL). */
int avb_vpu_sync_for_device(const struct avb_vpu *vpu, const struct avb_vpu_buf *buf);
int avb_vpu_sync_for_cpu(const struct avb_vpu *vpu, const struct avb_vpu_buf *buf);
/* The optional ops: -EOPNOTSUPP when the backend has none. */
int avb_vpu_set_codec_data(const struct avb_vpu *vpu, void *sess, enum avb_vpu_codec_data type,
                           const void *data, size_t size);
int avb_vpu_dequeue_user_data(const struct avb_vpu *vpu, void *sess, struct avb_vpu_user_data *ret);
/* The AVB_VPU_CHANGED_* bits between two frame formats; 0: the same. */
uint32_t avb_vpu_format_changes(const struct avb_vpu_format *a, const struct avb_vpu_format *b);
/* Bytes of one packed frame of fmt (video: w x h x 3/2), filling the plane
 * layout; 0 for an unknown format or bad geometry. */
uint32_t avb_vpu_frame_layout(struct avb_vpu_format *fmt);

#endif /* AVB_VENDOR_VPU_H */
