/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checks of codec-specific data (vpu.h, set_codec_data) before a backend
 * hands it to its decoder: structure and bounds only, from the bytes alone,
 * so a hostile record is refused before any decoder parses it.
 */
#ifndef AVB_VPU_CODEC_DATA_H
#define AVB_VPU_CODEC_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "vpu.h"

/*
 * 0 when `d` (n bytes) is a well-formed record of `type` for `codec`:
 *   AVCC: version 1, NAL length size 1, 2 or 4, at least one SPS and one
 *     PPS, every unit inside the record and of its NAL type;
 *   H264_ANNEXB: start codes with at least one SPS and one PPS;
 *   AAC_ASC: an object type, a sampling frequency (index or explicit) and a
 *     channel configuration that exist.
 * -EINVAL otherwise (also: n 0 or over AVB_VPU_CODEC_DATA_MAX, a type that
 * does not belong to the codec).
 */
int avb_vpu_codec_data_check(enum avb_vpu_codec codec, enum avb_vpu_codec_data type,
                             const uint8_t *d, size_t n);

#endif /* AVB_VPU_CODEC_DATA_H */
