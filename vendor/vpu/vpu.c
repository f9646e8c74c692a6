/* SPDX-License-Identifier: Apache-2.0 */
/* The generic part of the VPU driver interface (vpu.h). */
#include <errno.h>

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
