/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A video sink engine's picture output (sink.h, avb_sink_set_output): every
 * frame it presents appended to a YUV4MPEG2 file, so a person can look at
 * what a sink showed (`ffplay FILE`, `mpv FILE`).
 *
 * The stream header comes from the first frame written: W and H from its
 * plane layout, F from its frame rate (25:1 when the frame gives none), A
 * from its sample aspect ratio (0:0 when unknown), progressive, 4:2:0 with
 * MPEG-2 chroma siting (C420mpeg2, as H.264 and H.265 site it and as ffmpeg
 * labels their pictures). An I420 frame is written as it lies; NV12's
 * interleaved chroma is split into the two planes y4m wants.
 *
 * One size per file (y4m has no way to change it): the first frame of
 * another geometry ends the output with a warning, the file keeps what came
 * before. Frames with no plane layout (a client's frame queued without
 * one) cannot be written; the first is warned about, and a later frame
 * with a layout still starts the file. Tunnelled frames carry the decoder's
 * output layout (avb_vendor_sink_queue_picture).
 *
 * Threads: one writer, the sink's presentation thread. Errors: 0 or -errno.
 */
#ifndef AVB_VENDOR_SINK_Y4M_H
#define AVB_VENDOR_SINK_Y4M_H

#include <stddef.h>
#include <stdint.h>

#include "sink.h"

struct avb_sink_y4m;

/* Takes fd (open for writing) in every case; name is for warnings. Errors: -ENOMEM. */
int avb_sink_y4m_new(int fd, const char *name, struct avb_sink_y4m **ret_out);
/* Flush and close; accepts NULL. */
void avb_sink_y4m_free(struct avb_sink_y4m *y);

/* How the writer reads a frame's bytes: the sink's read op. */
typedef int (*avb_sink_y4m_read_fn)(void *userdata, int64_t frame, uint32_t offset, void *dst,
                                    size_t len);

/*
 * Append f (a FRAME, after the header on the first one). scratch: a buffer
 * of scratch_len bytes (at least a row of the widest plane) the caller
 * wipes afterwards. -EIO: a read or write failed (the output ends);
 * -EINVAL: the frame was not written (no layout, or another size).
 */
int avb_sink_y4m_write(struct avb_sink_y4m *y, const struct avb_sink_frame *f,
                       avb_sink_y4m_read_fn read, void *userdata, uint8_t *scratch,
                       size_t scratch_len);

#endif /* AVB_VENDOR_SINK_Y4M_H */
