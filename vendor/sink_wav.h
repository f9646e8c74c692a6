/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An audio sink engine's sound output (sink.h, avb_sink_set_wav_output):
 * every frame it presents appended to a RIFF/WAVE file, so a person can
 * listen to what a sink played (`ffplay FILE`, `aplay FILE`).
 *
 * The header comes from the first frame written: PCM, 16-bit signed
 * little-endian samples (the decoders' S16LE), the frame's channel count
 * and sample rate (avb_sink_frame.pcm). One data chunk follows, each frame
 * adding the bytes of its one plane (PcmLayout.frameBytes, from the block's
 * start). The RIFF and data sizes are rewritten after every frame, so the
 * file is a whole WAV whenever it is read.
 *
 * What is written is the PCM as decoded: the sink's volume and mute are
 * not applied (nothing is mixed or played here).
 *
 * One format per file: the first frame of another channel count or rate
 * ends the output with a warning, the file keeps what came before, as it
 * does once the data chunk would pass 4 GiB. Frames with no PCM layout or
 * no S16LE format are not written; the first is warned about.
 *
 * Threads: one writer, the sink's presentation thread. Errors: 0 or -errno.
 */
#ifndef AVB_VENDOR_SINK_WAV_H
#define AVB_VENDOR_SINK_WAV_H

#include <stddef.h>
#include <stdint.h>

#include "sink.h"
#include "sink_y4m.h"

#define AVB_SINK_WAV_HEADER 44 /* bytes before the first sample */

struct avb_sink_wav;

/* Takes fd (open for writing, at its start) in every case; name is for warnings. -ENOMEM. */
int avb_sink_wav_new(int fd, const char *name, struct avb_sink_wav **ret_out);
/* Close; accepts NULL. */
void avb_sink_wav_free(struct avb_sink_wav *w);

/*
 * Append f's PCM. scratch: scratch_len bytes (any size > 0) the caller
 * wipes afterwards. -EIO: a read or write failed (the output ends);
 * -EINVAL: the frame was not written (no layout or format, another format,
 * or the file is full).
 */
int avb_sink_wav_write(struct avb_sink_wav *w, const struct avb_sink_frame *f,
                       avb_sink_y4m_read_fn read, void *userdata, uint8_t *scratch,
                       size_t scratch_len);

#endif /* AVB_VENDOR_SINK_WAV_H */
