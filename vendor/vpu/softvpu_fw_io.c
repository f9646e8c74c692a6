/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-softvpu's lowest layer (softvpu_fw_internal.h): the firmware's state,
 * the completions it sends the driver through the mailbox, and the AV Buffer
 * heaps as the firmware sees them (read-only, output blocks read-write).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "softvpu_fw_internal.h"

struct fw_state fw;

/* ---- completions -------------------------------------------------------- */

void fw_push(const struct svpu_msg *m)
{
        while (svpu_ring_push(&fw.mb->cpl, m) < 0) {
                uint64_t one = 1;
                /* The driver always drains: wake it and wait a little. */
                (void)!write(fw.irq, &one, sizeof(one));
                usleep(200);
        }
        fw.rang = true;
}

void fw_push_buf(uint32_t session, uint32_t type, const struct avb_vpu_buf *b)
{
        struct svpu_msg m = {.type = type, .session = session, .buf = *b};

        fw_push(&m);
}

void fw_push_event(uint32_t session, enum avb_vpu_event_type type, int error, uint64_t cookie,
                   const struct avb_vpu_format *fmt)
{
        struct svpu_msg m = {.type = SVPU_CPL_EVENT, .session = session};

        m.ev.type = type;
        m.ev.error = error;
        m.ev.cookie = cookie;
        if (fmt)
                m.fmt = *fmt;
        fw_push(&m);
}

void fw_push_source_change(uint32_t session, const struct avb_vpu_format *fmt, uint32_t changed)
{
        struct svpu_msg m = {.type = SVPU_CPL_EVENT, .session = session, .fmt = *fmt};

        m.ev.type = AVB_VPU_EVENT_SOURCE_CHANGE;
        m.ev.changed = changed;
        fw_push(&m);
}

/* ---- memory ------------------------------------------------------------- */

bool fw_in_heap(bool secure, uint32_t offset, uint32_t size)
{
        return fw.heap[secure] && (size_t)offset + size <= fw.heap_size[secure];
}

/* The block of an output buffer, mapped read-write (cached). */
uint8_t *fw_map_block(const struct avb_vpu_buf *b)
{
        long page = sysconf(_SC_PAGESIZE);
        struct fw_map *m;
        size_t start, len;
        void *p;

        for (unsigned i = 0; i < FW_MAPS; i++) {
                m = &fw.maps[i];
                if (m->ptr && m->secure == b->secure && m->offset == b->offset &&
                    m->size >= b->size)
                        return m->ptr;
        }
        if (!fw_in_heap(b->secure, b->offset, b->size) || fw.heap_fd[b->secure] < 0)
                return NULL;
        start = b->offset & ~(size_t)(page - 1);
        len = b->offset + b->size - start;
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fw.heap_fd[b->secure],
                 (off_t)start);
        if (p == MAP_FAILED)
                return NULL;
        m = &fw.maps[fw.next_map++ % FW_MAPS];
        if (m->base)
                munmap(m->base, m->len);
        *m = (struct fw_map){.secure = b->secure,
                             .offset = b->offset,
                             .size = b->size,
                             .base = p,
                             .ptr = (uint8_t *)p + (b->offset - start),
                             .len = len};
        return m->ptr;
}

int fw_map_heap(int which)
{
        off_t size;

        if (fw.heap_fd[which] < 0)
                return 0;
        size = lseek(fw.heap_fd[which], 0, SEEK_END);
        if (size <= 0)
                return -EINVAL;
        fw.heap_size[which] = (size_t)size;
        fw.heap[which] = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fw.heap_fd[which], 0);
        return fw.heap[which] == MAP_FAILED ? -errno : 0;
}

/* ---- queues ------------------------------------------------------------- */

void fw_fifo_put(struct fw_fifo *f, const struct avb_vpu_buf *b)
{
        f->b[(f->head + f->n) % FW_QUEUE] = *b;
        f->n++;
}

struct avb_vpu_buf fw_fifo_take(struct fw_fifo *f)
{
        struct avb_vpu_buf b = f->b[f->head];

        f->head = (f->head + 1) % FW_QUEUE;
        f->n--;
        return b;
}
