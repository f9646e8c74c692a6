/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry of the audio and video decoders a platform declares (ids come
 * from the feature profile), with the size of the pool each one gets from
 * each heap and the state the vendor last reported.
 *
 * Pools are sized per decoder because the vendor knows what its decoders
 * need (HAL.AVBUF.8): a pool for video decoder 0 is as big as that decoder's
 * spec says, whatever the client wants.
 *
 * Audio id AVB_DECODER_ID_UNDEFINED (-1) is a valid audio entry: audio that
 * goes to no decoder (system PCM). It is not valid for video.
 *
 * Locking: none; the vendor facade serialises calls.
 * Errors: 0 or -errno; ret_* written only on success.
 */
#ifndef AVB_VENDOR_DECODER_H
#define AVB_VENDOR_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AVB_DECODER_ID_UNDEFINED (-1)

enum avb_media_kind {
        AVB_MEDIA_AUDIO = 0,
        AVB_MEDIA_VIDEO = 1,
};

/*
 * UNCONFIGURED: declared, but the vendor has not set it up for secure
 * playback: secure pools are refused. CONFIGURED: secure pools allowed.
 * OPENED/STARTED are reserved for the decode path.
 */
enum avb_decoder_state {
        AVB_DECODER_UNCONFIGURED = 0,
        AVB_DECODER_CONFIGURED,
        AVB_DECODER_OPENED,
        AVB_DECODER_STARTED,
};

struct avb_decoder_spec {
        enum avb_media_kind kind;
        int32_t id;
        uint32_t nonsecure_pool_bytes; /* 0: no pool in this heap */
        uint32_t secure_pool_bytes;    /* 0: no pool in this heap */
        bool configured;               /* initial state CONFIGURED */
};

struct avb_decoder_registry;

/*
 * Copy n specs. Errors: -EINVAL (video id -1, id < -1, an id declared twice
 * for one kind, unknown kind).
 */
int avb_decoder_registry_new(const struct avb_decoder_spec *specs, size_t n,
                             struct avb_decoder_registry **ret_reg);
void avb_decoder_registry_free(struct avb_decoder_registry *reg); /* accepts NULL */

/* The pool size for a decoder in one heap. Errors: -EINVAL unknown decoder. */
int avb_decoder_pool_bytes(const struct avb_decoder_registry *reg, enum avb_media_kind kind,
                           int32_t id, bool secure, uint32_t *ret_bytes);
/* Errors: -EINVAL unknown decoder. */
int avb_decoder_get_state(const struct avb_decoder_registry *reg, enum avb_media_kind kind,
                          int32_t id, enum avb_decoder_state *ret_state);
/* Whether a secure pool may be made for it now (state >= CONFIGURED). */
bool avb_decoder_allows_secure(const struct avb_decoder_registry *reg, enum avb_media_kind kind,
                               int32_t id);

/*
 * Vendor control hook: mark a decoder configured (true) or not (false).
 * Setting false from OPENED/STARTED is refused with -EBUSY (the decode path
 * must close it first); setting true on an OPENED/STARTED decoder is a no-op.
 * Errors: -EINVAL unknown decoder, -EBUSY.
 */
int avb_decoder_set_configured(struct avb_decoder_registry *reg, enum avb_media_kind kind,
                               int32_t id, bool configured);
/*
 * For the decode path: CONFIGURED <-> OPENED <-> STARTED, one step at a time.
 * Errors: -EINVAL unknown decoder, -EBADFD illegal transition.
 */
int avb_decoder_set_state(struct avb_decoder_registry *reg, enum avb_media_kind kind, int32_t id,
                          enum avb_decoder_state state);

size_t avb_decoder_count(const struct avb_decoder_registry *reg);

#endif /* AVB_VENDOR_DECODER_H */
