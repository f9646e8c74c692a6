/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer.Mapping: a non-secure buffer's memory, exported through the
 * buffer protocol so memoryview and numpy.frombuffer see it without a copy.
 *
 * As with mmap, the memory may only go away when nobody looks at it: every
 * exported view is counted (bf_getbuffer/bf_releasebuffer) and close() with
 * views alive raises BufferError. A view keeps its Mapping alive, and the
 * Mapping keeps its Buffer busy, so neither can be unmapped or freed under
 * a view. The helper's map and unmap are local look-ups once the heap is
 * mapped; only the first map of a process may make a round trip, and that
 * one runs with the GIL released.
 */
#include "pyavb.h"

PyTypeObject *avbpy_mapping_type;

typedef struct avbpy_mapping {
        PyObject_HEAD avbpy_buffer *buf;
        void *ptr;
        size_t size;
        Py_ssize_t exports;
        bool open;
} avbpy_mapping;

PyObject *avbpy_mapping_new(avbpy_buffer *b)
{
        avbpy_mapping *m;
        void *ptr = NULL;
        size_t size = 0;
        int e;

        /* Busy before the GIL goes, so a free from another thread waits its turn. */
        b->busy++;
        Py_BEGIN_ALLOW_THREADS e = avb_helper_map(b->svc->helper, b->handle, &ptr, &size);
        Py_END_ALLOW_THREADS if (e < 0)
        {
                b->busy--;
                return avbpy_raise_errno(e, "Buffer.map");
        }
        m = (avbpy_mapping *)avbpy_object_new(avbpy_mapping_type);
        if (!m) {
                avb_helper_unmap(b->svc->helper, b->handle, ptr);
                b->busy--;
                return NULL;
        }
        Py_INCREF((PyObject *)b);
        m->buf = b;
        m->ptr = ptr;
        /* The helper gives the allocated size; a view covers what the buffer holds. */
        m->size = size < b->size ? size : b->size;
        m->open = true;
        return (PyObject *)m;
}

static void unmap(avbpy_mapping *m)
{
        avb_helper_unmap(m->buf->svc->helper, m->buf->handle, m->ptr);
        m->buf->busy--;
        m->open = false;
        m->ptr = NULL;
}

static void mapping_dealloc(PyObject *self)
{
        avbpy_mapping *m = (avbpy_mapping *)self;

        /* No view can be left: each one holds a reference to this object. */
        if (m->open)
                unmap(m);
        Py_XDECREF((PyObject *)m->buf);
        avbpy_object_free(self);
}

static PyObject *mapping_close(PyObject *self, PyObject *unused)
{
        avbpy_mapping *m = (avbpy_mapping *)self;

        (void)unused;
        if (!m->open)
                Py_RETURN_NONE;
        if (m->exports > 0) {
                PyErr_Format(PyExc_BufferError,
                             "cannot unmap buffer %lld: %zd exported view(s) still exist",
                             (long long)m->buf->handle, m->exports);
                return NULL;
        }
        unmap(m);
        Py_RETURN_NONE;
}

static PyObject *mapping_exit(PyObject *self, PyObject *args)
{
        (void)args;
        return mapping_close(self, NULL);
}

static int mapping_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
        avbpy_mapping *m = (avbpy_mapping *)self;

        if (!m->open) {
                PyErr_SetString(PyExc_ValueError, "the mapping is closed");
                view->obj = NULL;
                return -1;
        }
        if (PyBuffer_FillInfo(view, self, m->ptr, (Py_ssize_t)m->size, 0, flags) < 0)
                return -1;
        m->exports++;
        return 0;
}

static void mapping_releasebuffer(PyObject *self, Py_buffer *view)
{
        (void)view;
        ((avbpy_mapping *)self)->exports--;
}

static Py_ssize_t mapping_length(PyObject *self)
{
        return (Py_ssize_t)((avbpy_mapping *)self)->size;
}

static PyObject *mapping_get_closed(PyObject *self, void *unused)
{
        (void)unused;
        return PyBool_FromLong(!((avbpy_mapping *)self)->open);
}

static PyObject *mapping_get_buffer(PyObject *self, void *unused)
{
        avbpy_mapping *m = (avbpy_mapping *)self;

        (void)unused;
        Py_INCREF((PyObject *)m->buf);
        return (PyObject *)m->buf;
}

static PyObject *mapping_get_exports(PyObject *self, void *unused)
{
        (void)unused;
        return PyLong_FromSsize_t(((avbpy_mapping *)self)->exports);
}

static PyMethodDef mapping_methods[] = {
    {"close", mapping_close, METH_NOARGS,
     "Unmaps; BufferError while views (memoryview, numpy arrays) exist."},
    {"__enter__", avbpy_enter, METH_NOARGS, NULL},
    {"__exit__", mapping_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef mapping_getset[] = {
    {"closed", mapping_get_closed, NULL, "whether the mapping was closed", NULL},
    {"buffer", mapping_get_buffer, NULL, "the Buffer mapped", NULL},
    {"exports", mapping_get_exports, NULL, "views exported and not yet released", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot mapping_slots[] = {
    {Py_tp_doc, "A buffer's memory (buffer protocol; a context manager: unmapped on exit)."},
    {Py_tp_dealloc, mapping_dealloc},
    {Py_tp_methods, mapping_methods},
    {Py_tp_getset, mapping_getset},
    {Py_bf_getbuffer, mapping_getbuffer},
    {Py_bf_releasebuffer, mapping_releasebuffer},
    {Py_sq_length, mapping_length},
    {0, NULL},
};

static PyType_Spec mapping_spec = {
    .name = "avbuffer.Mapping",
    .basicsize = sizeof(avbpy_mapping),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = mapping_slots,
};

int avbpy_mapping_init_type(PyObject *module)
{
        avbpy_mapping_type = (PyTypeObject *)PyType_FromSpec(&mapping_spec);
        if (!avbpy_mapping_type)
                return -1;
        return PyModule_AddObjectRef(module, "Mapping", (PyObject *)avbpy_mapping_type);
}
