/* SPDX-License-Identifier: Apache-2.0 */
/* GstMemory over AV buffers (avbmemory.h). */
#include <errno.h>
#include <string.h>

#include "com_rdk_hal.h"
#include "com_rdk_hal_avbuffer.h"

#include "avbmemory.h"

GST_DEBUG_CATEGORY_STATIC(avb_gst_memory_debug);
#define GST_CAT_DEFAULT avb_gst_memory_debug

struct _AvbGstAllocator {
        GstAllocator parent;
        avb_gst_conn *conn;
        bool secure;
        gint pool; /* atomic: AVB_GST_NO_POOL or an IAVBuffer pool handle */
};

G_DEFINE_TYPE(AvbGstAllocator, avb_gst_allocator, GST_TYPE_ALLOCATOR)

typedef struct avb_memory {
        GstMemory mem;
        int64_t handle;
        /* root memories only: the handle is freed with the memory */
        bool owned;
        /* the handle went to a HAL: nothing to map or free any more */
        bool stolen;
        /* root memories only: the mapping, made on first map, kept until free */
        GMutex lock;
        void *base;
} avb_memory;

static avb_memory *root_of(GstMemory *mem)
{
        return (avb_memory *)(mem->parent ? mem->parent : mem);
}

static AvbGstAllocator *allocator_of(GstMemory *mem)
{
        return AVB_GST_ALLOCATOR(mem->allocator);
}

static avb_memory *memory_new(AvbGstAllocator *a, GstMemory *parent, int64_t handle, size_t maxsize,
                              size_t offset, size_t size)
{
        avb_memory *m = g_new0(avb_memory, 1);
        GstMemoryFlags flags = a->secure ? GST_MEMORY_FLAG_NOT_MAPPABLE : 0;

        if (parent)
                flags = GST_MINI_OBJECT_FLAGS(parent) | GST_MINI_OBJECT_FLAG_LOCK_READONLY;
        /* gst_memory_init refs and locks the parent: a shared memory is not exclusive */
        gst_memory_init(&m->mem, flags, GST_ALLOCATOR(a), parent, maxsize, 0, offset, size);
        g_mutex_init(&m->lock);
        m->handle = handle;
        m->owned = !parent;
        return m;
}

static int alloc_handle(AvbGstAllocator *a, size_t size, int64_t *ret_handle)
{
        com_rdk_hal_avbuffer_Pool pool = {.handle = (int8_t)g_atomic_int_get(&a->pool)};
        avb_status st;

        if (pool.handle == AVB_GST_NO_POOL)
                return -ENXIO;
        if (size == 0 || size > INT32_MAX)
                return -EINVAL;
        st = com_rdk_hal_avbuffer_IAVBuffer_alloc(a->conn->av, &pool, (int32_t)size, ret_handle);
        if (avb_status_is_ok(&st))
                return 0;
        if (st.exception == AVB_EX_SERVICE_SPECIFIC &&
            st.service_specific == com_rdk_hal_HALError_OUT_OF_MEMORY)
                return -ENOSPC;
        GST_WARNING("alloc(pool %d, %zu): %d %s", pool.handle, size, st.exception, st.message);
        return -EIO;
}

static void free_handle(AvbGstAllocator *a, int64_t handle)
{
        bool ok = false;
        avb_status st = com_rdk_hal_avbuffer_IAVBuffer_free(a->conn->av, handle, &ok);

        if (!avb_status_is_ok(&st) || !ok)
                GST_WARNING("free(%" G_GINT64_FORMAT "): %d %s, %d", handle, st.exception,
                            st.message, ok);
}

int avb_gst_allocator_alloc_handle(GstAllocator *alloc, size_t size, GstMemory **ret)
{
        AvbGstAllocator *a = AVB_GST_ALLOCATOR(alloc);
        int64_t h;
        int e = alloc_handle(a, size, &h);

        if (e < 0)
                return e;
        *ret = &memory_new(a, NULL, h, size, 0, size)->mem;
        return 0;
}

GstMemory *avb_gst_allocator_wrap(GstAllocator *alloc, int64_t handle, size_t size)
{
        AvbGstAllocator *a = AVB_GST_ALLOCATOR(alloc);
        int e = 0;

        if (size == 0)
                e = avb_helper_get_size(a->conn->helper, handle, &size);
        if (e < 0 || size == 0) {
                GST_WARNING("size of buffer %" G_GINT64_FORMAT ": %s", handle, g_strerror(-e));
                free_handle(a, handle);
                return NULL;
        }
        return &memory_new(a, NULL, handle, size, 0, size)->mem;
}

/* ---- GstMemory functions ---------------------------------------------------- */

static gpointer mem_map(GstMemory *mem, gsize maxsize, GstMapFlags flags)
{
        avb_memory *r = root_of(mem);
        AvbGstAllocator *a = allocator_of(mem);
        void *p = NULL;
        size_t size;
        int e = -EPERM;

        (void)maxsize;
        (void)flags;
        if (a->secure)
                return NULL; /* also refused by NOT_MAPPABLE; never reached in practice */
        g_mutex_lock(&r->lock);
        if (!r->base && !r->stolen) {
                e = avb_helper_map(a->conn->helper, r->handle, &r->base, &size);
                if (e == 0 && size < r->mem.maxsize) {
                        avb_helper_unmap(a->conn->helper, r->handle, r->base);
                        r->base = NULL;
                        e = -ERANGE;
                }
                if (e < 0)
                        GST_WARNING("map %" G_GINT64_FORMAT ": %s", r->handle, g_strerror(-e));
        }
        if (!r->stolen)
                p = r->base;
        g_mutex_unlock(&r->lock);
        return p;
}

static void mem_unmap(GstMemory *mem)
{
        /* the mapping stays until the memory is freed: the next map is free */
        (void)mem;
}

static GstMemory *mem_share(GstMemory *mem, gssize offset, gssize size)
{
        avb_memory *r = root_of(mem);

        if (size == -1)
                size = (gssize)mem->size - offset;
        return &memory_new(allocator_of(mem), &r->mem, r->handle, r->mem.maxsize,
                           mem->offset + (gsize)offset, (gsize)size)
                    ->mem;
}

/* A non-secure copy into system memory, when no AV buffer can be had. */
static GstMemory *copy_to_system(GstMemory *mem, gssize offset, gsize size)
{
        GstMemory *copy = gst_allocator_alloc(NULL, size, NULL);
        GstMapInfo src, dst;

        if (!copy || !gst_memory_map(mem, &src, GST_MAP_READ)) {
                if (copy)
                        gst_memory_unref(copy);
                return NULL;
        }
        if (gst_memory_map(copy, &dst, GST_MAP_WRITE)) {
                memcpy(dst.data, src.data + offset, size);
                gst_memory_unmap(copy, &dst);
        } else {
                gst_memory_unref(copy);
                copy = NULL;
        }
        gst_memory_unmap(mem, &src);
        return copy;
}

static GstMemory *mem_copy(GstMemory *mem, gssize offset, gssize ssize)
{
        AvbGstAllocator *a = allocator_of(mem);
        avb_memory *r = root_of(mem);
        gsize size = ssize == -1 ? mem->size - (gsize)offset : (gsize)ssize;
        GstMemory *copy = NULL;
        avb_helper_range range = {.src_offset = (uint32_t)(mem->offset + (gsize)offset),
                                  .dst_offset = 0,
                                  .size = (uint32_t)size};
        int e = r->stolen ? -EPERM : avb_gst_allocator_alloc_handle(&a->parent, size, &copy);

        if (e == 0) {
                e = avb_helper_copy(a->conn->helper, avb_gst_memory_handle(copy), r->handle, &range,
                                    1);
                if (e < 0) {
                        gst_memory_unref(copy);
                        copy = NULL;
                }
        }
        if (e < 0 && !a->secure && !r->stolen)
                return copy_to_system(mem, offset, size);
        if (e < 0)
                GST_WARNING("copy of %" G_GINT64_FORMAT ": %s", r->handle, g_strerror(-e));
        return copy;
}

static gboolean mem_is_span(GstMemory *mem1, GstMemory *mem2, gsize *offset)
{
        (void)mem1;
        (void)mem2;
        (void)offset;
        return FALSE;
}

/* ---- the allocator ------------------------------------------------------------ */

static GstMemory *allocator_alloc(GstAllocator *alloc, gsize size, GstAllocationParams *params)
{
        GstMemory *m = NULL;

        (void)params;
        return avb_gst_allocator_alloc_handle(alloc, size, &m) == 0 ? m : NULL;
}

static void allocator_free(GstAllocator *alloc, GstMemory *mem)
{
        AvbGstAllocator *a = AVB_GST_ALLOCATOR(alloc);
        avb_memory *m = (avb_memory *)mem;

        if (m->base)
                avb_helper_unmap(a->conn->helper, m->handle, m->base);
        if (m->owned && !m->stolen)
                free_handle(a, m->handle);
        g_mutex_clear(&m->lock);
        g_free(m);
}

static void avb_gst_allocator_finalize(GObject *obj)
{
        AvbGstAllocator *a = AVB_GST_ALLOCATOR(obj);

        avb_gst_conn_unref(a->conn);
        G_OBJECT_CLASS(avb_gst_allocator_parent_class)->finalize(obj);
}

static void avb_gst_allocator_class_init(AvbGstAllocatorClass *klass)
{
        GstAllocatorClass *ac = GST_ALLOCATOR_CLASS(klass);

        G_OBJECT_CLASS(klass)->finalize = avb_gst_allocator_finalize;
        ac->alloc = allocator_alloc;
        ac->free = allocator_free;
        GST_DEBUG_CATEGORY_INIT(avb_gst_memory_debug, "avbmemory", 0, "AV buffer memory");
}

static void avb_gst_allocator_init(AvbGstAllocator *a)
{
        GstAllocator *alloc = GST_ALLOCATOR(a);

        alloc->mem_type = AVB_GST_MEMORY_TYPE;
        alloc->mem_map = mem_map;
        alloc->mem_unmap = mem_unmap;
        alloc->mem_share = mem_share;
        alloc->mem_copy = mem_copy;
        alloc->mem_is_span = mem_is_span;
        a->pool = AVB_GST_NO_POOL;
        GST_OBJECT_FLAG_SET(a, GST_ALLOCATOR_FLAG_CUSTOM_ALLOC);
}

GstAllocator *avb_gst_allocator_new(avb_gst_conn *conn, bool secure)
{
        AvbGstAllocator *a = g_object_new(AVB_GST_TYPE_ALLOCATOR, NULL);

        gst_object_ref_sink(a);
        a->conn = avb_gst_conn_ref(conn);
        a->secure = secure;
        return GST_ALLOCATOR(a);
}

void avb_gst_allocator_set_pool(GstAllocator *a, int pool)
{
        g_atomic_int_set(&AVB_GST_ALLOCATOR(a)->pool, pool);
}

int avb_gst_allocator_get_pool(GstAllocator *a)
{
        return g_atomic_int_get(&AVB_GST_ALLOCATOR(a)->pool);
}

/* ---- memories ------------------------------------------------------------------- */

bool avb_gst_is_memory(GstMemory *mem)
{
        return mem && mem->allocator && AVB_GST_IS_ALLOCATOR(mem->allocator);
}

int64_t avb_gst_memory_handle(GstMemory *mem)
{
        return avb_gst_is_memory(mem) ? root_of(mem)->handle : -1;
}

bool avb_gst_memory_is_secure(GstMemory *mem)
{
        return avb_gst_is_memory(mem) && allocator_of(mem)->secure;
}

int avb_gst_memory_steal(GstMemory *mem, int64_t *ret_handle)
{
        avb_memory *m = (avb_memory *)mem;
        int e = 0;

        if (!avb_gst_is_memory(mem))
                return -EINVAL;
        if (mem->parent)
                return -EPERM;
        /* one reference and at most the exclusive lock of the one buffer holding it */
        if (GST_MINI_OBJECT_REFCOUNT_VALUE(mem) != 1 || !gst_memory_is_writable(mem))
                return -EBUSY;
        g_mutex_lock(&m->lock);
        if (!m->owned || m->stolen) {
                e = -EPERM;
        } else {
                if (m->base)
                        avb_helper_unmap(allocator_of(mem)->conn->helper, m->handle, m->base);
                m->base = NULL;
                m->stolen = true;
                *ret_handle = m->handle;
        }
        g_mutex_unlock(&m->lock);
        return e;
}
