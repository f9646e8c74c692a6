/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb_fmq_desc <-> MQDescriptor. Built with the generated code (idl/), not
 * with the runtime, since it needs the generated android.hardware.common
 * types. Every fd is duplicated, so each side's fini closes its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <avbuffer/fmq_aidl.h>

static void close_all(int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
}

/* dups n fds of src into dst (all or none) */
static int dup_all(const int *src, size_t n, int *dst)
{
        for (size_t i = 0; i < n; i++) {
                dst[i] = src[i] < 0 ? -1 : fcntl(src[i], F_DUPFD_CLOEXEC, 3);
                if (dst[i] < 0) {
                        int rc = src[i] < 0 ? -EINVAL : -errno;
                        close_all(dst, i);
                        return rc;
                }
        }
        return 0;
}

int avb_fmq_desc_to_aidl(const avb_fmq_desc *desc, android_hardware_common_fmq_MQDescriptor *ret)
{
        android_hardware_common_fmq_MQDescriptor m;
        int rc;

        if (!desc || desc->n_grantors > AVB_FMQ_MAX_GRANTORS || desc->n_fds > AVB_FMQ_MAX_FDS)
                return -EINVAL;
        android_hardware_common_fmq_MQDescriptor_init(&m);
        m.grantors = calloc(desc->n_grantors ? desc->n_grantors : 1, sizeof(*m.grantors));
        m.handle.fds = calloc(desc->n_fds ? desc->n_fds : 1, sizeof(int));
        if (!m.grantors || !m.handle.fds) {
                android_hardware_common_fmq_MQDescriptor_fini(&m);
                return -ENOMEM;
        }
        if ((rc = dup_all(desc->fds, desc->n_fds, m.handle.fds)) < 0) {
                android_hardware_common_fmq_MQDescriptor_fini(&m); /* fds_count still 0 */
                return rc;
        }
        m.handle.fds_count = desc->n_fds;
        for (size_t i = 0; i < desc->n_grantors; i++) {
                m.grantors[i].fdIndex = desc->grantors[i].fd_index;
                m.grantors[i].offset = desc->grantors[i].offset;
                m.grantors[i].extent = desc->grantors[i].extent;
        }
        m.grantors_count = desc->n_grantors;
        m.quantum = desc->quantum;
        m.flags = desc->flags;
        android_hardware_common_fmq_MQDescriptor_fini(ret);
        *ret = m;
        return 0;
}

int avb_fmq_desc_from_aidl(const android_hardware_common_fmq_MQDescriptor *m,
                           avb_fmq_desc *ret_desc)
{
        avb_fmq_desc d;
        int rc;

        if (!m || m->grantors_count > AVB_FMQ_MAX_GRANTORS || m->handle.fds_count > AVB_FMQ_MAX_FDS)
                return -EINVAL;
        memset(&d, 0, sizeof(d));
        if ((rc = dup_all(m->handle.fds, m->handle.fds_count, d.fds)) < 0)
                return rc;
        d.n_fds = m->handle.fds_count;
        for (size_t i = 0; i < m->grantors_count; i++) {
                d.grantors[i].fd_index = m->grantors[i].fdIndex;
                d.grantors[i].offset = m->grantors[i].offset;
                d.grantors[i].extent = m->grantors[i].extent;
        }
        d.n_grantors = m->grantors_count;
        d.quantum = m->quantum;
        d.flags = m->flags;
        *ret_desc = d;
        return 0;
}
