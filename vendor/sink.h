/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A video sink's presenting engine: where a decoder's frames go in
 * tunnelled mode (its output link to the sink is enabled, graph.h), and
 * where a client's frames go through the Video Sink HAL (server/videosink.h),
 * in place of a display.
 *
 * When a frame is due: with a clock attached (avb_sink_set_clock), when the
 * clock's media time reaches its pts, never while the clock is paused.
 * Without one, as the pacing says: AVB_SINK_SELF_PACED (the default) lets
 * the first frame after creation, a flush or an end of stream anchor a
 * stream clock to CLOCK_MONOTONIC and every later frame wait until anchor +
 * (pts - first pts), re-anchoring on a pts more than AVB_SINK_MAX_WAIT_NS
 * ahead or one that goes backwards; AVB_SINK_AT_ONCE presents each frame as
 * soon as it is queued.
 *
 * Late frames: with a clock attached that says the sink is its slave
 * (avb_sink_clock.slaved: the clock follows another source, so this sink
 * must keep up with it rather than show every frame), a frame whose pts the
 * clock has passed by more than one frame interval (the pts step between
 * the last two frames taken off the queue, at least AVB_SINK_LATE_MIN_NS)
 * when its turn comes is dropped: released unpresented, not recorded,
 * counted in stats.dropped_late. Otherwise (no clock, a clock that does
 * not say so, the first frame rendered at once) every frame is presented,
 * however late.
 *
 * Presenting a frame means recording it (pts, when it was presented, and,
 * when checksums are on, the MD5 of its picture: the planes' visible rows
 * when the frame has a plane layout, else its first `bytes` bytes), then
 * releasing it, or, with avb_sink_set_keep_shown, keeping it as the shown
 * frame until the next one is presented or a flush lets it go.
 *
 * Threads: one presentation thread per sink, from avb_sink_new to
 * avb_sink_free. Ops are called from that thread with no sink lock held,
 * except that avb_sink_flush, avb_sink_set_keep_shown and avb_sink_free
 * release frames from the caller's thread.
 * Locking: internal; every call may come from any thread, but never from an
 * op (flush waits for a frame being presented).
 * Errors: 0 or -errno; ret_* written only on success.
 */
#ifndef AVB_VENDOR_SINK_H
#define AVB_VENDOR_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_SINK_QUEUE       64             /* frames and markers waiting for their time */
#define AVB_SINK_MARKERS     8              /* of those, kept for end-of-stream markers */
#define AVB_SINK_RECORDS     4096           /* records kept until taken; oldest dropped */
#define AVB_SINK_MAX_WAIT_NS 2000000000LL   /* a pts further ahead re-anchors */
#define AVB_SINK_READ_CHUNK  (256u * 1024u) /* bytes per read op when summing */

#define AVB_SINK_CLOCK_POLL_NS 10000000LL /* a clocked sink looks at its clock this often */
#define AVB_SINK_LATE_MIN_NS   20000000LL /* a slaved sink drops no frame later by less */
#define AVB_SINK_PLANES        3

/* What the presentation thread tells (ops->event). */
enum avb_sink_event {
        AVB_SINK_EV_FIRST_FRAME, /* the first frame since creation or a flush: its pts */
        AVB_SINK_EV_EOS,         /* the stream's last frame was presented or dropped: its pts */
        AVB_SINK_EV_UNDERFLOW,   /* clocked: nothing queued when the next frame was due */
        AVB_SINK_EV_RESUMED,     /* a frame presented again after an underflow */
        AVB_SINK_EV_SPACE,       /* the queue refused a frame and has room again */
};

struct avb_sink_ops {
        /* Required. Copy len bytes at offset of the frame into dst (checksums only). */
        int (*read)(void *userdata, int64_t frame, uint32_t offset, void *dst, size_t len);
        /* Required. The sink is done with the frame; must not block for long. */
        void (*release)(void *userdata, int64_t frame);
        /* Optional. Must not block for long nor call into the sink. */
        void (*event)(void *userdata, enum avb_sink_event ev, int64_t pts_ns);
};

/*
 * A presentation clock; called from the presentation thread with the sink
 * lock held, so they take no lock a sink caller may hold.
 *  now: required; the clock's media time at CLOCK_MONOTONIC time mono_ns
 *      and its rate (0: paused). An error means "no time now" (not
 *      started, or not primed): treated as paused.
 *  prime: optional; the head frame waits on a clock that gives no time.
 *  presented: optional; a frame was presented at mono_ns.
 *  slaved: optional (NULL: false); whether the clock now follows another
 *      source, so that frames too late to show in sync are dropped (see
 *      the top). Asked for each frame that is late.
 */
struct avb_sink_clock {
        int (*now)(void *userdata, int64_t mono_ns, int64_t *ret_media_ns, double *ret_rate);
        void (*prime)(void *userdata, int64_t pts_ns, int64_t mono_ns);
        void (*presented)(void *userdata, int64_t pts_ns, int64_t mono_ns);
        bool (*slaved)(void *userdata);
};

enum avb_sink_pacing {
        AVB_SINK_SELF_PACED = 0,
        AVB_SINK_AT_ONCE,
};

/* The visible rows of each plane; n == 0: no layout (hash the first `bytes` bytes). */
struct avb_sink_planes {
        uint32_t n;
        uint32_t offset[AVB_SINK_PLANES], row_bytes[AVB_SINK_PLANES];
        uint32_t stride[AVB_SINK_PLANES], rows[AVB_SINK_PLANES];
};

/* A frame handed to the sink. */
struct avb_sink_frame {
        int64_t frame; /* the frame's handle, >= 0 */
        int64_t pts_ns;
        uint32_t bytes;
        struct avb_sink_planes planes;
        bool eos; /* the stream's last frame: AVB_SINK_EV_EOS once it is presented or dropped */
        /* what the picture output's header says (sink_y4m.h); 0/0: unknown */
        uint32_t rate_num, rate_den; /* frames per second */
        uint32_t sar_num, sar_den;   /* sample aspect ratio */
        /* an audio frame: what the sound output's header says (sink_wav.h); 0: unknown */
        struct {
                uint32_t rate, channels; /* samples per second per channel, channels */
                uint32_t bits;           /* 16: S16LE interleaved; else not writable */
        } pcm;
};

struct avb_sink_record {
        int64_t pts_ns;
        int64_t due_ns;       /* when it was due, since the anchor (pts - first pts) */
        int64_t presented_ns; /* since the anchor; >= due_ns */
        char md5[33];         /* lower-case hex; "" when checksums are off or the read failed */
};

struct avb_sink_stats {
        uint64_t received; /* frames queued */
        uint64_t presented;
        uint64_t released_unpresented; /* dropped by a flush */
        uint64_t discarded;            /* dropped by avb_sink_discard_until */
        uint64_t dropped_late;         /* dropped as too late on a slaved clock */
        uint64_t underflows;
        uint64_t records_dropped; /* not taken in time */
        size_t queued;            /* frames waiting (markers not counted) */
        bool shown;               /* a presented frame is kept (keep_shown) */
};

struct avb_sink;

/*
 * ops are borrowed and must outlive the sink. checksum: compute MD5s.
 * Errors: -ENOMEM, or pthread_create's error.
 */
int avb_sink_new(const struct avb_sink_ops *ops, void *userdata, bool checksum,
                 struct avb_sink **ret_sink);
/* Stop the thread and release every queued frame; accepts NULL. */
void avb_sink_free(struct avb_sink *s);

/*
 * After each frame presented or dropped late, and each end of stream,
 * write 1 to the eventfd fd (-1: none).
 */
void avb_sink_set_notify(struct avb_sink *s, int fd);

/*
 * Append every frame presented from now on to a YUV4MPEG2 file (sink_y4m.h
 * says what is written, and when the output ends). The sink takes fd, open
 * for writing, and closes it when replaced or freed; -1: no output. name
 * is for log lines. Waits for a frame being presented. Errors: -ENOMEM
 * (fd closed, no output).
 */
int avb_sink_set_output(struct avb_sink *s, int fd, const char *name);
/*
 * The same for an audio sink's frames, into a RIFF/WAVE file (sink_wav.h):
 * fd taken, closed when replaced or freed; -1: no output. A sink has at
 * most one of each output. Errors: -ENOMEM (fd closed, no output).
 */
int avb_sink_set_wav_output(struct avb_sink *s, int fd, const char *name);

/* How frames are due with no clock attached (see the top); at once takes effect now. */
void avb_sink_set_pacing(struct avb_sink *s, enum avb_sink_pacing pacing);
/*
 * Present by clock (borrowed, with userdata; both must stay valid until
 * replaced), or NULL: by the pacing again. The thread rereads the clock at
 * least every AVB_SINK_CLOCK_POLL_NS, so rate changes need no call;
 * avb_sink_wake makes it look at once.
 */
void avb_sink_set_clock(struct avb_sink *s, const struct avb_sink_clock *clock, void *userdata);
void avb_sink_wake(struct avb_sink *s);
/*
 * Keep the presented frame as the shown one (until the next is presented,
 * a flush without hold, or keep_shown is turned off, which releases it).
 */
void avb_sink_set_keep_shown(struct avb_sink *s, bool keep);
/*
 * Present the first frame after creation or a flush as soon as it is
 * queued, even ahead of a clock or with the clock paused; later frames
 * wait for their time.
 */
void avb_sink_set_render_first(struct avb_sink *s, bool render_first);

/*
 * Hand a frame to the sink, which now owns it.
 * Errors: -EINVAL (frame < 0), -ENOSPC (queue full: the caller keeps the
 * frame; AVB_SINK_EV_SPACE follows once there is room).
 */
int avb_sink_queue_frame(struct avb_sink *s, const struct avb_sink_frame *f);
/* A frame of `bytes` bytes with no plane layout, not the last: avb_sink_queue_frame. */
int avb_sink_queue(struct avb_sink *s, int64_t frame, int64_t pts_ns, uint32_t bytes);
/*
 * Mark the end of the stream: avb_sink_take_eos says true once every frame
 * queued before it is presented. Errors: -ENOSPC (AVB_SINK_MARKERS markers
 * already wait behind a full queue of frames).
 */
int avb_sink_queue_eos(struct avb_sink *s);
/*
 * Release every queued frame unpresented, forget a pending end of stream
 * and a discard point, re-anchor; the next frame presented is a first
 * frame again. The shown frame is kept when hold_shown, else released. A
 * frame being presented finishes first (it is recorded before this
 * returns). Do not call from an op.
 */
void avb_sink_flush(struct avb_sink *s, bool hold_shown);
/*
 * Drop (release unpresented, counted as discarded) every frame whose pts is
 * before pts_ns, queued now or later, until a frame at or after it comes.
 * A dropped frame that ends the stream still tells AVB_SINK_EV_EOS.
 */
void avb_sink_discard_until(struct avb_sink *s, int64_t pts_ns);
/* Whether an end of stream was presented since the last call. */
bool avb_sink_take_eos(struct avb_sink *s);

/* Move the records out, oldest first (*ret_records malloc'd; NULL when none). Errors: -ENOMEM. */
int avb_sink_take_records(struct avb_sink *s, struct avb_sink_record **ret_records, size_t *ret_n);
void avb_sink_get_stats(struct avb_sink *s, struct avb_sink_stats *ret_stats);

#endif /* AVB_VENDOR_SINK_H */
