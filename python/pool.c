/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer.Pool: one pool of the service, its allocations, its metrics and
 * its space-available events.
 *
 * destroy() (and leaving a `with` block) first frees the buffers this object
 * still owns, so a script never has to free every frame by hand; buffers
 * detached and handed on stay allocated, and then the HAL's NOT_EMPTY comes
 * back as avbuffer.NotEmpty with the pool still alive. A Pool collected while
 * alive is destroyed with a ResourceWarning, as an open file is closed.
 */
#include "pyavb.h"

#include <errno.h>

PyTypeObject *avbpy_pool_type;

PyObject *avbpy_pool_new(avbpy_service *svc, com_rdk_hal_avbuffer_Pool handle, bool secure,
                         avbpy_space *space, avb_binder *listener)
{
        avbpy_pool *p = (avbpy_pool *)avbpy_object_new(avbpy_pool_type);

        if (!p) {
                avbpy_space_close(space);
                avb_binder_unref(listener);
                return NULL;
        }
        Py_INCREF((PyObject *)svc);
        p->svc = svc;
        p->handle = handle;
        p->secure = secure;
        p->space = space;
        p->listener = listener;
        p->live = true;
        return (PyObject *)p;
}

static int check_live(avbpy_pool *p)
{
        if (p->live)
                return 0;
        PyErr_SetString(PyExc_ValueError, "the pool was destroyed");
        return -1;
}

/*
 * Frees the owned buffers, then destroys the pool on the server. An
 * exception from the server leaves the pool alive (and its object usable).
 */
static int pool_destroy_now(avbpy_pool *p)
{
        avb_status st;
        bool ok;

        if (p->waits) {
                PyErr_SetString(PyExc_RuntimeError,
                                "another thread is in wait_for_space() on this pool");
                return -1;
        }
        while (p->bufs)
                if (avbpy_buffer_release(p->bufs, &ok) < 0)
                        return -1;
        p->live = false;
        Py_BEGIN_ALLOW_THREADS st =
            com_rdk_hal_avbuffer_IAVBuffer_destroyPool(p->svc->av, &p->handle, &ok);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st))
        {
                p->live = true;
                avbpy_raise_status(&st);
                return -1;
        }
        /* false: the service no longer knows the pool (it restarted); it is gone all the same. */
        avbpy_space_close(p->space);
        p->listener = avb_binder_unref(p->listener);
        return 0;
}

static void pool_dealloc(PyObject *self)
{
        avbpy_pool *p = (avbpy_pool *)self;

        if (p->live) {
                PyObject *type, *value, *tb;

                PyErr_Fetch(&type, &value, &tb);
                /* Destroyed even when warnings are errors. */
                if (PyErr_ResourceWarning(NULL, 1, "avbuffer.Pool %d was not destroyed",
                                          (int)p->handle.handle) < 0)
                        PyErr_WriteUnraisable(self);
                if (pool_destroy_now(p) < 0)
                        PyErr_WriteUnraisable(self);
                PyErr_Restore(type, value, tb);
        }
        avbpy_space_close(p->space);
        avb_binder_unref(p->listener);
        Py_XDECREF((PyObject *)p->svc);
        avbpy_object_free(self);
}

static PyObject *pool_alloc(PyObject *self, PyObject *args)
{
        avbpy_pool *p = (avbpy_pool *)self;
        avb_status st;
        int64_t h = 0;
        PyObject *b;
        int size;

        if (!PyArg_ParseTuple(args, "i", &size) || check_live(p) < 0)
                return NULL;
        Py_BEGIN_ALLOW_THREADS st =
            com_rdk_hal_avbuffer_IAVBuffer_alloc(p->svc->av, &p->handle, size, &h);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st)) return avbpy_raise_status(&st);
        b = avbpy_buffer_new(p->svc, p, h, (size_t)size, p->secure);
        if (!b) {
                bool ok;

                com_rdk_hal_avbuffer_IAVBuffer_free(p->svc->av, h, &ok);
        }
        return b;
}

static PyObject *pool_metrics(PyObject *self, PyObject *unused)
{
        avbpy_pool *p = (avbpy_pool *)self;
        com_rdk_hal_avbuffer_PoolMetrics m;
        avb_status st;

        (void)unused;
        if (check_live(p) < 0)
                return NULL;
        Py_BEGIN_ALLOW_THREADS st =
            com_rdk_hal_avbuffer_IAVBuffer_getPoolMetrics(p->svc->av, &p->handle, &m);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st)) return avbpy_raise_status(&st);
        return Py_BuildValue("(ii)", (int)m.bytesUsed, (int)m.bytesTotal);
}

static PyObject *pool_destroy(PyObject *self, PyObject *unused)
{
        avbpy_pool *p = (avbpy_pool *)self;

        (void)unused;
        if (check_live(p) < 0 || pool_destroy_now(p) < 0)
                return NULL;
        Py_RETURN_NONE;
}

static PyObject *pool_exit(PyObject *self, PyObject *args)
{
        (void)args;
        if (!((avbpy_pool *)self)->live)
                Py_RETURN_NONE;
        return pool_destroy(self, NULL);
}

/* notifyWhenSpaceAvailable; false (a bad size) raises ValueError. */
static int request_space(avbpy_pool *p, int size)
{
        avb_status st;
        bool ok = false;

        Py_BEGIN_ALLOW_THREADS st = com_rdk_hal_avbuffer_IAVBuffer_notifyWhenSpaceAvailable(
            p->svc->av, &p->handle, size, &ok);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st))
        {
                avbpy_raise_status(&st);
                return -1;
        }
        if (!ok) {
                PyErr_Format(PyExc_ValueError, "notifyWhenSpaceAvailable refused size %d", size);
                return -1;
        }
        return 0;
}

static PyObject *pool_notify(PyObject *self, PyObject *args)
{
        avbpy_pool *p = (avbpy_pool *)self;
        int size;

        if (!PyArg_ParseTuple(args, "i", &size) || check_live(p) < 0 || request_space(p, size) < 0)
                return NULL;
        Py_RETURN_NONE;
}

static PyObject *pool_wait_for_space(PyObject *self, PyObject *args, PyObject *kwargs)
{
        static char *kwlist[] = {"size", "timeout", NULL};
        avbpy_pool *p = (avbpy_pool *)self;
        PyObject *timeout = NULL;
        int64_t deadline, r;
        int size, ms;

        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "i|O", kwlist, &size, &timeout) ||
            check_live(p) < 0 || (ms = avbpy_timeout_ms(timeout)) == -2)
                return NULL;
        /* Events from earlier requests say nothing about this size. */
        avbpy_space_take(p->space);
        if (request_space(p, size) < 0)
                return NULL;
        deadline = avbpy_space_deadline(ms);
        p->waits++;
        for (;;) {
                Py_BEGIN_ALLOW_THREADS r = avbpy_space_wait(p->space, deadline);
                Py_END_ALLOW_THREADS if (r != -EINTR) break;
                if (PyErr_CheckSignals() < 0) {
                        p->waits--;
                        return NULL;
                }
        }
        p->waits--;
        if (r < 0)
                return avbpy_raise_errno((int)r, "wait_for_space");
        return PyBool_FromLong(r > 0);
}

static PyObject *pool_fileno(PyObject *self, PyObject *unused)
{
        avbpy_pool *p = (avbpy_pool *)self;

        (void)unused;
        if (check_live(p) < 0)
                return NULL;
        return PyLong_FromLong(avbpy_space_fd(p->space));
}

static PyObject *pool_take_events(PyObject *self, PyObject *unused)
{
        avbpy_pool *p = (avbpy_pool *)self;

        (void)unused;
        if (check_live(p) < 0)
                return NULL;
        return PyLong_FromUnsignedLongLong(avbpy_space_take(p->space));
}

static PyObject *pool_get_handle(PyObject *self, void *unused)
{
        (void)unused;
        return PyLong_FromLong(((avbpy_pool *)self)->handle.handle);
}

static PyObject *pool_get_secure(PyObject *self, void *unused)
{
        (void)unused;
        return PyBool_FromLong(((avbpy_pool *)self)->secure);
}

static PyObject *pool_get_live(PyObject *self, void *unused)
{
        (void)unused;
        return PyBool_FromLong(((avbpy_pool *)self)->live);
}

static PyObject *pool_get_space_events(PyObject *self, void *unused)
{
        (void)unused;
        return PyLong_FromUnsignedLongLong(avbpy_space_received(((avbpy_pool *)self)->space));
}

static PyMethodDef pool_methods[] = {
    {"alloc", pool_alloc, METH_VARARGS, "alloc(size) -> Buffer; never blocks"},
    {"metrics", pool_metrics, METH_NOARGS, "metrics() -> (used, total) in bytes"},
    {"destroy", pool_destroy, METH_NOARGS,
     "Frees the buffers this object owns, then destroys the pool."},
    {"notify_when_space_available", pool_notify, METH_VARARGS,
     "notify_when_space_available(size): one space event follows (see fileno)"},
    {"wait_for_space", (PyCFunction)(void (*)(void))pool_wait_for_space,
     METH_VARARGS | METH_KEYWORDS,
     "wait_for_space(size, timeout=None) -> bool: asks for a space event for size\n"
     "bytes and waits for it (the GIL released); False on timeout. True means an\n"
     "alloc of that size fitted when the service sent it: try it again."},
    {"fileno", pool_fileno, METH_NOARGS,
     "an eventfd, readable while space events are pending (for select/asyncio)"},
    {"take_events", pool_take_events, METH_NOARGS,
     "take_events() -> int: consumes the pending space events, without blocking"},
    {"__enter__", avbpy_enter, METH_NOARGS, NULL},
    {"__exit__", pool_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef pool_getset[] = {
    {"handle", pool_get_handle, NULL, "the pool handle (0..127)", NULL},
    {"secure", pool_get_secure, NULL, "whether the pool is in the secure heap", NULL},
    {"live", pool_get_live, NULL, "False once destroyed", NULL},
    {"space_events", pool_get_space_events, NULL, "space events received so far", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot pool_slots[] = {
    {Py_tp_doc, "A pool of the AV Buffer service (a context manager: destroyed on exit)."},
    {Py_tp_dealloc, pool_dealloc},
    {Py_tp_methods, pool_methods},
    {Py_tp_getset, pool_getset},
    {0, NULL},
};

static PyType_Spec pool_spec = {
    .name = "avbuffer.Pool",
    .basicsize = sizeof(avbpy_pool),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = pool_slots,
};

int avbpy_pool_init_type(PyObject *module)
{
        avbpy_pool_type = (PyTypeObject *)PyType_FromSpec(&pool_spec);
        if (!avbpy_pool_type)
                return -1;
        return PyModule_AddObjectRef(module, "Pool", (PyObject *)avbpy_pool_type);
}
