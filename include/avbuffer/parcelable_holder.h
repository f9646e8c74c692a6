/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFFER_PARCELABLE_HOLDER_H
#define AVBUFFER_PARCELABLE_HOLDER_H

/*
 * A ParcelableHolder field (docs/aidl-c-mapping.md): one parcelable of any
 * type, kept as its descriptor and its encoded bytes, so that a process that
 * does not know the type forwards it unchanged. Generated code gives each
 * parcelable P `P_holder_put` and `P_holder_get`; the functions here are the
 * untyped side.
 *
 * Ownership: the holder owns descriptor and data (malloc'ed); fini frees them.
 * Not thread-safe; a holder is a plain value inside its parcelable.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <avbuffer/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct avb_parcelable_holder {
        char *descriptor; /* qualified name of the held type; NULL when empty */
        uint8_t *data;    /* its encoded message */
        size_t size;
        bool held_vintf; /* the held type is @VintfStability */
        bool vintf;      /* the holder is (its parcelable is @VintfStability) */
} avb_parcelable_holder;

/* An empty holder; vintf: it may only hold @VintfStability parcelables. */
AVB_EXPORT void avb_parcelable_holder_init(avb_parcelable_holder *h, bool vintf);
/* Empties h (its stability stays). Accepts NULL. */
AVB_EXPORT void avb_parcelable_holder_fini(avb_parcelable_holder *h);
/*
 * Replaces what h holds with `size` bytes of an encoded parcelable of type
 * `descriptor` (copied). -EINVAL when h is @VintfStability and the type is
 * not (h unchanged), or descriptor is empty; -ENOMEM.
 */
AVB_EXPORT int avb_parcelable_holder_set(avb_parcelable_holder *h, const char *descriptor,
                                         bool held_vintf, const uint8_t *data, size_t size);
/* Whether h holds a parcelable of type `descriptor`. */
AVB_EXPORT bool avb_parcelable_holder_holds(const avb_parcelable_holder *h, const char *descriptor);
/* A deep copy of src into *ret (not freed first): 0 or -ENOMEM. */
AVB_EXPORT int avb_parcelable_holder_copy(const avb_parcelable_holder *src,
                                          avb_parcelable_holder *ret);

#ifdef __cplusplus
}
#endif

#endif
