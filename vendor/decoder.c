/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoder registry. A platform declares a handful of decoders, so entries are
 * a flat array searched linearly; pool creation is rare and the array fits in
 * a cache line or two.
 *
 * Why secure pools depend on the state: a secure pool pins secure memory for
 * a decoder; before the vendor has set the decoder up for the secure path
 * (keys, secure firmware, protected output) there is nothing that could
 * consume secure buffers, so the request is a state error, not a resource
 * error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decoder.h"

struct decoder_entry {
        struct avb_decoder_spec spec;
        enum avb_decoder_state state;
};

struct avb_decoder_registry {
        struct decoder_entry *entries;
        size_t n;
};

static bool decoder_spec_ok(const struct avb_decoder_spec *s)
{
        if (s->kind == AVB_MEDIA_VIDEO)
                return s->id >= 0;
        if (s->kind == AVB_MEDIA_AUDIO)
                return s->id >= AVB_DECODER_ID_UNDEFINED;
        return false;
}

static struct decoder_entry *decoder_find(const struct avb_decoder_registry *reg,
                                          enum avb_media_kind kind, int32_t id)
{
        size_t i;

        for (i = 0; i < reg->n; i++)
                if (reg->entries[i].spec.kind == kind && reg->entries[i].spec.id == id)
                        return &reg->entries[i];
        return NULL;
}

int avb_decoder_registry_new(const struct avb_decoder_spec *specs, size_t n,
                             struct avb_decoder_registry **ret_reg)
{
        struct avb_decoder_registry *reg;
        size_t i;

        reg = calloc(1, sizeof(*reg));
        if (!reg)
                return -ENOMEM;
        reg->entries = calloc(n ? n : 1, sizeof(reg->entries[0]));
        if (!reg->entries) {
                free(reg);
                return -ENOMEM;
        }
        for (i = 0; i < n; i++) {
                if (!decoder_spec_ok(&specs[i]) || decoder_find(reg, specs[i].kind, specs[i].id)) {
                        avb_decoder_registry_free(reg);
                        return -EINVAL;
                }
                reg->entries[reg->n].spec = specs[i];
                reg->entries[reg->n].state =
                    specs[i].configured ? AVB_DECODER_CONFIGURED : AVB_DECODER_UNCONFIGURED;
                reg->n++;
        }
        *ret_reg = reg;
        return 0;
}

void avb_decoder_registry_free(struct avb_decoder_registry *reg)
{
        if (!reg)
                return;
        free(reg->entries);
        free(reg);
}

int avb_decoder_pool_bytes(const struct avb_decoder_registry *reg, enum avb_media_kind kind,
                           int32_t id, bool secure, uint32_t *ret_bytes)
{
        const struct decoder_entry *e = decoder_find(reg, kind, id);

        if (!e)
                return -EINVAL;
        *ret_bytes = secure ? e->spec.secure_pool_bytes : e->spec.nonsecure_pool_bytes;
        return 0;
}

int avb_decoder_get_state(const struct avb_decoder_registry *reg, enum avb_media_kind kind,
                          int32_t id, enum avb_decoder_state *ret_state)
{
        const struct decoder_entry *e = decoder_find(reg, kind, id);

        if (!e)
                return -EINVAL;
        *ret_state = e->state;
        return 0;
}

bool avb_decoder_allows_secure(const struct avb_decoder_registry *reg, enum avb_media_kind kind,
                               int32_t id)
{
        const struct decoder_entry *e = decoder_find(reg, kind, id);

        return e && e->state >= AVB_DECODER_CONFIGURED;
}

int avb_decoder_set_configured(struct avb_decoder_registry *reg, enum avb_media_kind kind,
                               int32_t id, bool configured)
{
        struct decoder_entry *e = decoder_find(reg, kind, id);

        if (!e)
                return -EINVAL;
        if (e->state >= AVB_DECODER_OPENED)
                return configured ? 0 : -EBUSY;
        e->state = configured ? AVB_DECODER_CONFIGURED : AVB_DECODER_UNCONFIGURED;
        return 0;
}

int avb_decoder_set_state(struct avb_decoder_registry *reg, enum avb_media_kind kind, int32_t id,
                          enum avb_decoder_state state)
{
        struct decoder_entry *e = decoder_find(reg, kind, id);
        int step;

        if (!e)
                return -EINVAL;
        step = (int)state - (int)e->state;
        /* Only neighbouring states among CONFIGURED, OPENED and STARTED. */
        if (state < AVB_DECODER_CONFIGURED || e->state < AVB_DECODER_CONFIGURED ||
            (step != 1 && step != -1) || state > AVB_DECODER_STARTED)
                return -EBADFD;
        e->state = state;
        return 0;
}

size_t avb_decoder_count(const struct avb_decoder_registry *reg)
{
        return reg->n;
}
