/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer.Buffer: one allocation, owned by this object until it is freed or
 * detached; writes and copies through libavbufferhelper.
 *
 * `busy` counts the open mappings and the helper calls in progress with the
 * GIL released. While it is not zero the buffer cannot be freed, trimmed or
 * detached (BufferError): the memory a mapping or a write in flight points
 * at must stay this buffer's.
 */
#include "pyavb.h"

#include <stdlib.h>

PyTypeObject *avbpy_buffer_type;

PyObject *avbpy_buffer_new(avbpy_service *svc, avbpy_pool *pool, int64_t handle, size_t size,
                           bool secure)
{
        avbpy_buffer *b = (avbpy_buffer *)avbpy_object_new(avbpy_buffer_type);

        if (!b)
                return NULL;
        Py_INCREF((PyObject *)svc);
        b->svc = svc;
        b->handle = handle;
        b->size = size;
        b->secure = secure;
        b->state = AVBPY_OWNED;
        if (pool) {
                Py_INCREF((PyObject *)pool);
                b->pool = pool;
                b->next = pool->bufs;
                if (pool->bufs)
                        pool->bufs->prev = b;
                pool->bufs = b;
        }
        return (PyObject *)b;
}

static void unlink_from_pool(avbpy_buffer *b)
{
        if (!b->pool || (!b->prev && b->pool->bufs != b))
                return;
        if (b->prev)
                b->prev->next = b->next;
        else
                b->pool->bufs = b->next;
        if (b->next)
                b->next->prev = b->prev;
        b->prev = b->next = NULL;
}

/* 0 when the buffer is owned and nothing uses it, else -1 with an exception. */
static int check_owned(avbpy_buffer *b, bool idle)
{
        if (b->state != AVBPY_OWNED) {
                PyErr_Format(PyExc_ValueError, "buffer %lld was %s", (long long)b->handle,
                             b->state == AVBPY_FREED ? "freed" : "detached");
                return -1;
        }
        if (idle && b->busy) {
                PyErr_Format(PyExc_BufferError, "buffer %lld is mapped or in use by another thread",
                             (long long)b->handle);
                return -1;
        }
        return 0;
}

int avbpy_buffer_release(avbpy_buffer *b, bool *ret_freed)
{
        avb_status st;
        bool ok = false;

        if (check_owned(b, true) < 0)
                return -1;
        b->state = AVBPY_FREED;
        unlink_from_pool(b);
        Py_BEGIN_ALLOW_THREADS st = com_rdk_hal_avbuffer_IAVBuffer_free(b->svc->av, b->handle, &ok);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st))
        {
                avbpy_raise_status(&st);
                return -1;
        }
        *ret_freed = ok;
        return 0;
}

static void buffer_dealloc(PyObject *self)
{
        avbpy_buffer *b = (avbpy_buffer *)self;

        if (b->state == AVBPY_OWNED) {
                PyObject *type, *value, *tb;
                bool ok;

                PyErr_Fetch(&type, &value, &tb);
                /* Freed even when warnings are errors. */
                if (PyErr_ResourceWarning(NULL, 1, "avbuffer.Buffer %lld was not freed",
                                          (long long)b->handle) < 0)
                        PyErr_WriteUnraisable(self);
                if (avbpy_buffer_release(b, &ok) < 0)
                        PyErr_WriteUnraisable(self);
                PyErr_Restore(type, value, tb);
        }
        unlink_from_pool(b);
        Py_XDECREF((PyObject *)b->pool);
        Py_XDECREF((PyObject *)b->svc);
        avbpy_object_free(self);
}

static PyObject *buffer_write(PyObject *self, PyObject *args, PyObject *kwargs)
{
        static char *kwlist[] = {"data", "offset", NULL};
        avbpy_buffer *b = (avbpy_buffer *)self;
        Py_ssize_t offset = 0;
        Py_buffer data;
        int e;

        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*|n", kwlist, &data, &offset))
                return NULL;
        if (check_owned(b, false) < 0) {
                PyBuffer_Release(&data);
                return NULL;
        }
        if (offset < 0) {
                PyBuffer_Release(&data);
                PyErr_SetString(PyExc_ValueError, "offset must not be negative");
                return NULL;
        }
        b->busy++;
        Py_BEGIN_ALLOW_THREADS e =
            avb_helper_write(b->svc->helper, b->handle, (size_t)offset, data.buf, (size_t)data.len);
        Py_END_ALLOW_THREADS b->busy--;
        PyBuffer_Release(&data);
        if (e < 0)
                return avbpy_raise_errno(e, "Buffer.write");
        Py_RETURN_NONE;
}

static PyObject *buffer_copy_from_array(PyObject *self, PyObject *array)
{
        avbpy_buffer *b = (avbpy_buffer *)self;
        Py_buffer view;
        int e;

        if (check_owned(b, false) < 0 ||
            PyObject_GetBuffer(array, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
                return NULL;
        if ((size_t)view.len > b->size) {
                PyErr_Format(PyExc_ValueError, "%zd bytes do not fit in a buffer of %zu", view.len,
                             b->size);
                PyBuffer_Release(&view);
                return NULL;
        }
        b->busy++;
        Py_BEGIN_ALLOW_THREADS e =
            avb_helper_write(b->svc->helper, b->handle, 0, view.buf, (size_t)view.len);
        Py_END_ALLOW_THREADS b->busy--;
        PyBuffer_Release(&view);
        if (e < 0)
                return avbpy_raise_errno(e, "Buffer.copy_from_array");
        Py_RETURN_NONE;
}

/* A sequence of (src_offset, dst_offset, size) into a malloc'ed array; -1 with an exception. */
static int parse_ranges(PyObject *seq, avb_helper_range **ret, size_t *ret_n)
{
        Py_ssize_t n = PySequence_Size(seq), i;
        avb_helper_range *r;

        if (n < 0)
                return -1;
        r = calloc(n ? (size_t)n : 1, sizeof(*r));
        if (!r) {
                PyErr_NoMemory();
                return -1;
        }
        for (i = 0; i < n; i++) {
                PyObject *item = PySequence_GetItem(seq, i);
                Py_ssize_t v[3];
                int ok;

                ok = item && PyArg_ParseTuple(item, "nnn", &v[0], &v[1], &v[2]);
                Py_XDECREF(item);
                if (ok && (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[0] > UINT32_MAX ||
                           v[1] > UINT32_MAX || v[2] > UINT32_MAX)) {
                        PyErr_SetString(PyExc_ValueError, "range values must be in 0..2**32-1");
                        ok = 0;
                }
                if (!ok) {
                        free(r);
                        return -1;
                }
                r[i] = (avb_helper_range){(uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2]};
        }
        *ret = r;
        *ret_n = (size_t)n;
        return 0;
}

static PyObject *buffer_copy_to(PyObject *self, PyObject *args, PyObject *kwargs)
{
        static char *kwlist[] = {"dst", "ranges", NULL};
        avbpy_buffer *b = (avbpy_buffer *)self, *dst;
        PyObject *dst_obj, *ranges = Py_None;
        avb_helper_range *r;
        size_t n;
        int e;

        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!|O", kwlist, avbpy_buffer_type, &dst_obj,
                                         &ranges))
                return NULL;
        dst = (avbpy_buffer *)dst_obj;
        if (check_owned(b, false) < 0 || check_owned(dst, false) < 0)
                return NULL;
        if (ranges == Py_None) {
                r = malloc(sizeof(*r));
                if (!r)
                        return PyErr_NoMemory();
                size_t len = b->size < dst->size ? b->size : dst->size;

                *r = (avb_helper_range){0, 0, (uint32_t)len};
                n = 1;
        } else if (parse_ranges(ranges, &r, &n) < 0) {
                return NULL;
        }
        b->busy++;
        dst->busy++;
        Py_BEGIN_ALLOW_THREADS e = avb_helper_copy(b->svc->helper, dst->handle, b->handle, r, n);
        Py_END_ALLOW_THREADS b->busy--;
        dst->busy--;
        free(r);
        if (e < 0)
                return avbpy_raise_errno(e, "Buffer.copy_to");
        Py_RETURN_NONE;
}

static PyObject *buffer_trim(PyObject *self, PyObject *args)
{
        avbpy_buffer *b = (avbpy_buffer *)self;
        avb_status st;
        bool ok = false;
        int size;

        if (!PyArg_ParseTuple(args, "i", &size) || check_owned(b, true) < 0)
                return NULL;
        /* Busy while the call runs, so no mapping of the old size can start. */
        b->busy++;
        Py_BEGIN_ALLOW_THREADS st =
            com_rdk_hal_avbuffer_IAVBuffer_trimSize(b->svc->av, b->handle, size, &ok);
        Py_END_ALLOW_THREADS b->busy--;
        if (!avb_status_is_ok(&st))
                return avbpy_raise_status(&st);
        if (!ok) {
                PyErr_Format(avbpy_illegal_state, "trimSize(%lld, %d) returned false",
                             (long long)b->handle, size);
                return NULL;
        }
        b->size = (size_t)size;
        Py_RETURN_NONE;
}

static PyObject *buffer_free(PyObject *self, PyObject *unused)
{
        bool ok;

        (void)unused;
        if (avbpy_buffer_release((avbpy_buffer *)self, &ok) < 0)
                return NULL;
        return PyBool_FromLong(ok);
}

static PyObject *buffer_detach(PyObject *self, PyObject *unused)
{
        avbpy_buffer *b = (avbpy_buffer *)self;

        (void)unused;
        if (check_owned(b, true) < 0)
                return NULL;
        b->state = AVBPY_DETACHED;
        unlink_from_pool(b);
        return PyLong_FromLongLong(b->handle);
}

static PyObject *buffer_map(PyObject *self, PyObject *unused)
{
        avbpy_buffer *b = (avbpy_buffer *)self;

        (void)unused;
        if (check_owned(b, false) < 0)
                return NULL;
        return avbpy_mapping_new(b);
}

static PyObject *buffer_exit(PyObject *self, PyObject *args)
{
        (void)args;
        if (((avbpy_buffer *)self)->state != AVBPY_OWNED)
                Py_RETURN_NONE;
        return buffer_free(self, NULL);
}

static PyObject *buffer_repr(PyObject *self)
{
        avbpy_buffer *b = (avbpy_buffer *)self;
        static const char *states[] = {"owned", "freed", "detached"};

        return PyUnicode_FromFormat("<avbuffer.Buffer handle=%lld size=%zu%s %s>",
                                    (long long)b->handle, b->size, b->secure ? " secure" : "",
                                    states[b->state]);
}

static PyObject *buffer_get_handle(PyObject *self, void *unused)
{
        (void)unused;
        return PyLong_FromLongLong(((avbpy_buffer *)self)->handle);
}

static PyObject *buffer_get_size(PyObject *self, void *unused)
{
        (void)unused;
        return PyLong_FromSize_t(((avbpy_buffer *)self)->size);
}

static PyObject *buffer_get_secure(PyObject *self, void *unused)
{
        (void)unused;
        return PyBool_FromLong(((avbpy_buffer *)self)->secure);
}

static PyObject *buffer_get_owned(PyObject *self, void *unused)
{
        (void)unused;
        return PyBool_FromLong(((avbpy_buffer *)self)->state == AVBPY_OWNED);
}

#define KW(fn) (PyCFunction)(void (*)(void))(fn), METH_VARARGS | METH_KEYWORDS

static PyMethodDef buffer_methods[] = {
    {"write", KW(buffer_write),
     "write(data, offset=0): copies a bytes-like object in (secure buffers too)"},
    {"copy_from_array", buffer_copy_from_array, METH_O,
     "copy_from_array(a): copies a C-contiguous array (or any buffer) to offset 0"},
    {"copy_to", KW(buffer_copy_to),
     "copy_to(dst, ranges=None): copies [(src_offset, dst_offset, size)] into dst\n"
     "(None: as much as both hold); never from secure to non-secure"},
    {"trim", buffer_trim, METH_VARARGS, "trim(size): shrinks the pool's most recent allocation"},
    {"free", buffer_free, METH_NOARGS, "free() -> bool: what IAVBuffer.free returned"},
    {"detach", buffer_detach, METH_NOARGS,
     "detach() -> handle: ownership passes on; this object no longer frees it"},
    {"map", buffer_map, METH_NOARGS,
     "map() -> Mapping: the buffer's memory through the buffer protocol (a context\n"
     "manager); PermissionError for a secure buffer"},
    {"__enter__", avbpy_enter, METH_NOARGS, NULL},
    {"__exit__", buffer_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef buffer_getset[] = {
    {"handle", buffer_get_handle, NULL, "the int64 buffer handle", NULL},
    {"size", buffer_get_size, NULL, "the size in bytes (as allocated or trimmed)", NULL},
    {"secure", buffer_get_secure, NULL, "whether the buffer is secure memory", NULL},
    {"owned", buffer_get_owned, NULL, "whether this object still frees it", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot buffer_slots[] = {
    {Py_tp_doc, "One AV buffer (a context manager: freed on exit)."},
    {Py_tp_dealloc, buffer_dealloc},
    {Py_tp_repr, buffer_repr},
    {Py_tp_methods, buffer_methods},
    {Py_tp_getset, buffer_getset},
    {0, NULL},
};

static PyType_Spec buffer_spec = {
    .name = "avbuffer.Buffer",
    .basicsize = sizeof(avbpy_buffer),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = buffer_slots,
};

int avbpy_buffer_init_type(PyObject *module)
{
        avbpy_buffer_type = (PyTypeObject *)PyType_FromSpec(&buffer_spec);
        if (!avbpy_buffer_type)
                return -1;
        return PyModule_AddObjectRef(module, "Buffer", (PyObject *)avbpy_buffer_type);
}
