/* SPDX-License-Identifier: Apache-2.0 */
/* The generic part of the VPU driver interface (vpu.h). */
#include <errno.h>
#include <string.h>

#include "vpu.h"

int avb_vpu_ops_check(const struct avb_vpu_ops *ops)
{
        if (!ops || !ops->device_free || !ops->open || !ops->close || !ops->set_format ||
            !ops->get_format || !ops->stream_on || !ops->stream_off || !ops->queue_input ||
            !ops->queue_output || !ops->dequeue_input || !ops->dequeue_output ||
            !ops->dequeue_event || !ops->drain || !ops->flush || !ops->poll_fd)
                return -EINVAL;
        return 0;
}

void avb_vpu_free(struct avb_vpu *vpu)
{
        if (!vpu || !vpu->ops)
                return;
        vpu->ops->device_free(vpu->dev);
        vpu->ops = NULL;
        vpu->dev = NULL;
}

int avb_vpu_sync_for_device(const struct avb_vpu *vpu, const struct avb_vpu_buf *buf)
{
        return vpu->ops->sync_for_device ? vpu->ops->sync_for_device(vpu->dev, buf) : 0;
}

int avb_vpu_sync_for_cpu(const struct avb_vpu *vpu, const struct avb_vpu_buf *buf)
{
        return vpu->ops->sync_for_cpu ? vpu->ops->sync_for_cpu(vpu->dev, buf) : 0;
}

uint32_t avb_vpu_frame_layout(struct avb_vpu_format *fmt)
{
        uint64_t w = fmt->width, h = fmt->height, luma = w * h, chroma;

        if (!w || !h || (w & 1) || (h & 1) || w > 16384 || h > 16384)
                return 0;
        chroma = luma / 4;
        switch (fmt->pixfmt) {
        case AVB_VPU_FMT_NV12:
                fmt->n_planes = 2;
                fmt->plane_offset[0] = 0;
                fmt->plane_stride[0] = (uint32_t)w;
                fmt->plane_offset[1] = (uint32_t)luma;
                fmt->plane_stride[1] = (uint32_t)w;
                break;
        case AVB_VPU_FMT_I420:
                fmt->n_planes = 3;
                fmt->plane_offset[0] = 0;
                fmt->plane_stride[0] = (uint32_t)w;
                fmt->plane_offset[1] = (uint32_t)luma;
                fmt->plane_stride[1] = (uint32_t)(w / 2);
                fmt->plane_offset[2] = (uint32_t)(luma + chroma);
                fmt->plane_stride[2] = (uint32_t)(w / 2);
                break;
        default:
                return 0;
        }
        fmt->frame_bytes = (uint32_t)(luma + 2 * chroma);
        return fmt->frame_bytes;
}

int avb_vpu_set_codec_data(const struct avb_vpu *vpu, void *sess, enum avb_vpu_codec_data type,
                           const void *data, size_t size)
{
        if (!vpu->ops->set_codec_data)
                return -EOPNOTSUPP;
        if (!data || !size || size > AVB_VPU_CODEC_DATA_MAX)
                return -EINVAL;
        return vpu->ops->set_codec_data(sess, type, data, size);
}

int avb_vpu_dequeue_user_data(const struct avb_vpu *vpu, void *sess, struct avb_vpu_user_data *ret)
{
        return vpu->ops->dequeue_user_data ? vpu->ops->dequeue_user_data(sess, ret) : -EOPNOTSUPP;
}

uint32_t avb_vpu_format_changes(const struct avb_vpu_format *a, const struct avb_vpu_format *b)
{
        uint32_t c = 0;

        if (a->codec != b->codec || a->pixfmt != b->pixfmt || a->width != b->width ||
            a->height != b->height || a->frame_bytes != b->frame_bytes ||
            a->n_planes != b->n_planes ||
            memcmp(a->plane_offset, b->plane_offset, sizeof(a->plane_offset)) ||
            memcmp(a->plane_stride, b->plane_stride, sizeof(a->plane_stride)) ||
            a->sample_rate != b->sample_rate || a->channels != b->channels ||
            a->sample_fmt != b->sample_fmt || a->planar != b->planar)
                c |= AVB_VPU_CHANGED_GEOMETRY;
        if (a->coded_width != b->coded_width || a->coded_height != b->coded_height ||
            a->visible_left != b->visible_left || a->visible_top != b->visible_top ||
            a->visible_width != b->visible_width || a->visible_height != b->visible_height ||
            a->sar_num != b->sar_num || a->sar_den != b->sar_den || a->fps_num != b->fps_num ||
            a->fps_den != b->fps_den || a->bit_depth != b->bit_depth || a->scan != b->scan ||
            a->color_primaries != b->color_primaries || a->color_transfer != b->color_transfer ||
            a->color_matrix != b->color_matrix || a->color_range != b->color_range)
                c |= AVB_VPU_CHANGED_DESCRIPTION;
        return c;
}
