/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ParcelableHolder: the untyped half (parcelable_holder.h) and its wire
 * form (rpc_gen.h). The held parcelable stays encoded: decoding it needs its
 * type, which only the generated P_holder_get knows, and a process that does
 * not know the type must forward the very same bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/rpc_gen.h>

#include "avb_wire.pb-c.h"

void avb_parcelable_holder_init(avb_parcelable_holder *h, bool vintf)
{
        memset(h, 0, sizeof(*h));
        h->vintf = vintf;
}

void avb_parcelable_holder_fini(avb_parcelable_holder *h)
{
        if (!h)
                return;
        free(h->descriptor);
        free(h->data);
        h->descriptor = NULL;
        h->data = NULL;
        h->size = 0;
        h->held_vintf = false;
}

/* Fills the empty-or-not *h with copies; h untouched on failure. */
static int holder_fill(avb_parcelable_holder *h, const char *descriptor, bool held_vintf,
                       const uint8_t *data, size_t size)
{
        char *d = avb_string_dup(descriptor);
        uint8_t *b = malloc(size ? size : 1);

        if (!d || !b) {
                free(d);
                free(b);
                return -ENOMEM;
        }
        if (size)
                memcpy(b, data, size);
        avb_parcelable_holder_fini(h);
        h->descriptor = d;
        h->data = b;
        h->size = size;
        h->held_vintf = held_vintf;
        return 0;
}

int avb_parcelable_holder_set(avb_parcelable_holder *h, const char *descriptor, bool held_vintf,
                              const uint8_t *data, size_t size)
{
        if (!h || !descriptor || !descriptor[0] || (size && !data))
                return -EINVAL;
        /* stable AIDL: a VINTF holder carries only VINTF parcelables */
        if (h->vintf && !held_vintf)
                return -EINVAL;
        return holder_fill(h, descriptor, held_vintf, data, size);
}

bool avb_parcelable_holder_holds(const avb_parcelable_holder *h, const char *descriptor)
{
        return h && h->descriptor && descriptor && strcmp(h->descriptor, descriptor) == 0;
}

int avb_parcelable_holder_copy(const avb_parcelable_holder *src, avb_parcelable_holder *ret)
{
        avb_parcelable_holder_init(ret, src->vintf);
        if (!src->descriptor)
                return 0;
        return holder_fill(ret, src->descriptor, src->held_vintf, src->data, src->size);
}

int avb_parcelable_holder_to_pb(const avb_parcelable_holder *h, struct Avb__ParcelableHolder **ret)
{
        Avb__ParcelableHolder *m = malloc(sizeof(*m));

        *ret = NULL;
        if (!m)
                return -ENOMEM;
        avb__parcelable_holder__init(m);
        if (h && h->descriptor) { /* empty: no descriptor, nothing held */
                m->descriptor = h->descriptor;
                m->parcelable.data = h->data;
                m->parcelable.len = h->size;
                m->vintf = h->held_vintf;
        }
        *ret = m;
        return 0;
}

void avb_parcelable_holder_pb_free(struct Avb__ParcelableHolder *m)
{
        free(m); /* the strings and bytes are borrowed from the holder */
}

int avb_parcelable_holder_from_pb(const struct Avb__ParcelableHolder *m, bool vintf,
                                  avb_parcelable_holder *ret)
{
        avb_parcelable_holder h;

        avb_parcelable_holder_init(&h, vintf);
        if (m && m->descriptor && m->descriptor[0]) {
                if (vintf && !m->vintf)
                        return -EBADMSG;
                int rc =
                    holder_fill(&h, m->descriptor, m->vintf, m->parcelable.data, m->parcelable.len);
                if (rc < 0)
                        return rc;
        }
        *ret = h;
        return 0;
}
