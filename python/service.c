/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer.Service: a connection to the AV Buffer service, its metrics, the
 * pool factories and the adoption of handles from other processes.
 *
 * The binder and the helper live as long as the Service object, which every
 * Pool and Buffer made through it keeps alive; close() only stops new work
 * through this object.
 */
#include "pyavb.h"

#include <errno.h>
#include <stdlib.h>

#include <avbuffer/servicemanager.h>

PyTypeObject *avbpy_service_type;

int avbpy_service_check(avbpy_service *svc)
{
        if (!svc->closed)
                return 0;
        PyErr_SetString(PyExc_ValueError, "the service connection is closed");
        return -1;
}

PyObject *avbpy_connect(PyObject *module, PyObject *args, PyObject *kwargs)
{
        static char *kwlist[] = {"service", "timeout", NULL};
        const char *name = com_rdk_hal_avbuffer_IAVBuffer_serviceName;
        PyObject *timeout = NULL;
        avb_binder *sm = NULL, *av = NULL;
        avb_helper *helper = NULL;
        avbpy_service *svc;
        int ms, e;

        (void)module;
        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|sO", kwlist, &name, &timeout))
                return NULL;
        ms = timeout ? avbpy_timeout_ms(timeout) : 5000;
        if (ms == -2)
                return NULL;
        Py_BEGIN_ALLOW_THREADS e = avb_sm_connect(&sm);
        if (e == 0)
                e = avb_service_get(sm, name, ms < 0 ? INT32_MAX : ms, &av);
        if (e == 0)
                e = avb_helper_new(av, &helper);
        avb_binder_unref(sm);
        if (e < 0)
                avb_binder_unref(av);
        Py_END_ALLOW_THREADS if (e < 0)
        {
                avb_status st = avb_status_from_errno(e, name);

                return avbpy_raise_status(&st);
        }
        svc = (avbpy_service *)avbpy_object_new(avbpy_service_type);
        if (!svc) {
                avb_helper_free(helper);
                avb_binder_unref(av);
                return NULL;
        }
        svc->av = av;
        svc->helper = helper;
        return (PyObject *)svc;
}

static void service_dealloc(PyObject *self)
{
        avbpy_service *svc = (avbpy_service *)self;

        avb_helper_free(svc->helper);
        avb_binder_unref(svc->av);
        avbpy_object_free(self);
}

static PyObject *service_heap_metrics(PyObject *self, PyObject *args, PyObject *kwargs)
{
        static char *kwlist[] = {"secure", NULL};
        avbpy_service *svc = (avbpy_service *)self;
        com_rdk_hal_avbuffer_HeapMetrics m;
        int secure = 0;
        avb_status st;

        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|p", kwlist, &secure) ||
            avbpy_service_check(svc) < 0)
                return NULL;
        Py_BEGIN_ALLOW_THREADS st =
            com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(svc->av, secure, &m);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st)) return avbpy_raise_status(&st);
        return Py_BuildValue("(ii)", (int)m.bytesUsed, (int)m.bytesTotal);
}

static PyObject *service_pool_metrics(PyObject *self, PyObject *args, PyObject *kwargs)
{
        static char *kwlist[] = {"secure", NULL};
        avbpy_service *svc = (avbpy_service *)self;
        com_rdk_hal_avbuffer_PoolMetrics *m = NULL;
        size_t n = 0, i;
        int secure = 0;
        avb_status st;
        PyObject *list;

        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|p", kwlist, &secure) ||
            avbpy_service_check(svc) < 0)
                return NULL;
        Py_BEGIN_ALLOW_THREADS st =
            com_rdk_hal_avbuffer_IAVBuffer_getAllPoolMetrics(svc->av, secure, &m, &n);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st)) return avbpy_raise_status(&st);
        list = PyList_New((Py_ssize_t)n);
        for (i = 0; list && i < n; i++) {
                PyObject *t = Py_BuildValue("(iii)", (int)m[i].poolHandle.handle,
                                            (int)m[i].bytesUsed, (int)m[i].bytesTotal);

                if (!t || PyList_SetItem(list, (Py_ssize_t)i, t) < 0) {
                        Py_CLEAR(list);
                        break;
                }
        }
        for (i = 0; i < n; i++)
                com_rdk_hal_avbuffer_PoolMetrics_fini(&m[i]);
        free(m);
        return list;
}

/* create_video_pool and create_audio_pool: the same but for the decoder id's type. */
static PyObject *create_pool(PyObject *self, PyObject *args, PyObject *kwargs, bool audio)
{
        static char *kwlist[] = {"secure", "decoder_id", NULL};
        avbpy_service *svc = (avbpy_service *)self;
        int secure = 0, id = audio ? -1 : 0, e;
        com_rdk_hal_avbuffer_Pool pool;
        avb_binder *listener;
        avbpy_space *space;
        avb_status st;
        PyObject *obj;

        if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|pi", kwlist, &secure, &id) ||
            avbpy_service_check(svc) < 0)
                return NULL;
        e = avbpy_space_new(&space, &listener);
        if (e < 0)
                return avbpy_raise_errno(e, "space listener");
        Py_BEGIN_ALLOW_THREADS if (audio)
        {
                com_rdk_hal_audiodecoder_IAudioDecoder_Id aid = {.value = id};

                st = com_rdk_hal_avbuffer_IAVBuffer_createAudioPool(svc->av, secure, &aid, listener,
                                                                    &pool);
        }
        else
        {
                com_rdk_hal_videodecoder_IVideoDecoder_Id vid = {.value = id};

                st = com_rdk_hal_avbuffer_IAVBuffer_createVideoPool(svc->av, secure, &vid, listener,
                                                                    &pool);
        }
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st))
        {
                avbpy_space_close(space);
                avb_binder_unref(listener);
                return avbpy_raise_status(&st);
        }
        obj = avbpy_pool_new(svc, pool, secure, space, listener);
        if (!obj) {
                /* Not expected (out of memory): give the pool back, keep the error. */
                bool ok;

                com_rdk_hal_avbuffer_IAVBuffer_destroyPool(svc->av, &pool, &ok);
        }
        return obj;
}

static PyObject *service_create_video_pool(PyObject *self, PyObject *args, PyObject *kwargs)
{
        return create_pool(self, args, kwargs, false);
}

static PyObject *service_create_audio_pool(PyObject *self, PyObject *args, PyObject *kwargs)
{
        return create_pool(self, args, kwargs, true);
}

static PyObject *service_buffer(PyObject *self, PyObject *args)
{
        avbpy_service *svc = (avbpy_service *)self;
        long long handle;
        size_t size = 0, n;
        void *p;
        int e;

        if (!PyArg_ParseTuple(args, "L", &handle) || avbpy_service_check(svc) < 0)
                return NULL;
        Py_BEGIN_ALLOW_THREADS e = avb_helper_get_size(svc->helper, handle, &size);
        /* The helper tells secure from non-secure only by refusing to map. */
        if (e == 0) {
                e = avb_helper_map(svc->helper, handle, &p, &n);
                if (e == 0)
                        e = avb_helper_unmap(svc->helper, handle, p);
        }
        Py_END_ALLOW_THREADS if (e < 0 && e != -EPERM) return avbpy_raise_errno(e,
                                                                                "Service.buffer");
        return avbpy_buffer_new(svc, NULL, handle, size, e == -EPERM);
}

/* free(handle) and is_valid(handle): the raw calls, returning the HAL's bool. */
static PyObject *handle_call(PyObject *self, PyObject *args, bool is_free)
{
        avbpy_service *svc = (avbpy_service *)self;
        long long handle;
        avb_status st;
        bool ok = false;

        if (!PyArg_ParseTuple(args, "L", &handle) || avbpy_service_check(svc) < 0)
                return NULL;
        Py_BEGIN_ALLOW_THREADS st =
            is_free ? com_rdk_hal_avbuffer_IAVBuffer_free(svc->av, handle, &ok)
                    : com_rdk_hal_avbuffer_IAVBuffer_isValid(svc->av, handle, &ok);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st)) return avbpy_raise_status(&st);
        return PyBool_FromLong(ok);
}

static PyObject *service_free(PyObject *self, PyObject *args)
{
        return handle_call(self, args, true);
}

static PyObject *service_is_valid(PyObject *self, PyObject *args)
{
        return handle_call(self, args, false);
}

static PyObject *service_trim(PyObject *self, PyObject *args)
{
        avbpy_service *svc = (avbpy_service *)self;
        long long handle;
        int size;
        avb_status st;
        bool ok = false;

        if (!PyArg_ParseTuple(args, "Li", &handle, &size) || avbpy_service_check(svc) < 0)
                return NULL;
        Py_BEGIN_ALLOW_THREADS st =
            com_rdk_hal_avbuffer_IAVBuffer_trimSize(svc->av, handle, size, &ok);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st)) return avbpy_raise_status(&st);
        return PyBool_FromLong(ok);
}

static PyObject *service_alloc(PyObject *self, PyObject *args)
{
        avbpy_service *svc = (avbpy_service *)self;
        com_rdk_hal_avbuffer_Pool pool;
        int pool_handle, size;
        avb_status st;
        int64_t h = 0;

        if (!PyArg_ParseTuple(args, "ii", &pool_handle, &size) || avbpy_service_check(svc) < 0)
                return NULL;
        if (pool_handle < INT8_MIN || pool_handle > INT8_MAX) {
                PyErr_SetString(PyExc_OverflowError, "a pool handle is an int8");
                return NULL;
        }
        pool.handle = (int8_t)pool_handle;
        Py_BEGIN_ALLOW_THREADS st = com_rdk_hal_avbuffer_IAVBuffer_alloc(svc->av, &pool, size, &h);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st)) return avbpy_raise_status(&st);
        return PyLong_FromLongLong(h);
}

static PyObject *service_sha1(PyObject *self, PyObject *args)
{
        avbpy_service *svc = (avbpy_service *)self;
        int8_t *digest = NULL;
        long long handle;
        avb_status st;
        size_t n = 0;
        PyObject *r;

        if (!PyArg_ParseTuple(args, "L", &handle) || avbpy_service_check(svc) < 0)
                return NULL;
        Py_BEGIN_ALLOW_THREADS st =
            com_rdk_hal_avbuffer_IAVBuffer_calculateSHA1(svc->av, handle, &digest, &n);
        Py_END_ALLOW_THREADS if (!avb_status_is_ok(&st)) return avbpy_raise_status(&st);
        r = PyBytes_FromStringAndSize((const char *)digest, (Py_ssize_t)n);
        free(digest);
        return r;
}

static PyObject *service_close(PyObject *self, PyObject *unused)
{
        (void)unused;
        ((avbpy_service *)self)->closed = true;
        Py_RETURN_NONE;
}

static PyObject *service_exit(PyObject *self, PyObject *args)
{
        (void)args;
        return service_close(self, NULL);
}

static PyObject *service_get_closed(PyObject *self, void *unused)
{
        (void)unused;
        return PyBool_FromLong(((avbpy_service *)self)->closed);
}

#define KW(fn) (PyCFunction)(void (*)(void))(fn), METH_VARARGS | METH_KEYWORDS

static PyMethodDef service_methods[] = {
    {"heap_metrics", KW(service_heap_metrics),
     "heap_metrics(secure=False) -> (used, total): bytes of the pools made in the heap"},
    {"pool_metrics", KW(service_pool_metrics),
     "pool_metrics(secure=False) -> [(pool, used, total)]: every pool of the heap"},
    {"create_video_pool", KW(service_create_video_pool),
     "create_video_pool(secure=False, decoder_id=0) -> Pool"},
    {"create_audio_pool", KW(service_create_audio_pool),
     "create_audio_pool(secure=False, decoder_id=-1) -> Pool (-1: audio for no decoder)"},
    {"buffer", service_buffer, METH_VARARGS,
     "buffer(handle) -> Buffer: takes ownership of a live buffer received from elsewhere"},
    {"free", service_free, METH_VARARGS,
     "free(handle) -> bool: the raw IAVBuffer.free (False for an unknown handle)"},
    {"is_valid", service_is_valid, METH_VARARGS, "is_valid(handle) -> bool"},
    {"trim", service_trim, METH_VARARGS, "trim(handle, size) -> bool: the raw IAVBuffer.trimSize"},
    {"alloc", service_alloc, METH_VARARGS,
     "alloc(pool_handle, size) -> int: the raw IAVBuffer.alloc (nobody owns the handle)"},
    {"sha1", service_sha1, METH_VARARGS,
     "sha1(handle) -> bytes: the debug calculateSHA1 (UnsupportedOperation without it)"},
    {"close", service_close, METH_NOARGS,
     "No new work through this object; pools and buffers made through it keep working."},
    {"__enter__", avbpy_enter, METH_NOARGS, NULL},
    {"__exit__", service_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef service_getset[] = {
    {"closed", service_get_closed, NULL, "whether close() was called", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot service_slots[] = {
    {Py_tp_doc, "A connection to the AV Buffer service (see avbuffer.connect)."},
    {Py_tp_dealloc, service_dealloc},
    {Py_tp_methods, service_methods},
    {Py_tp_getset, service_getset},
    {0, NULL},
};

static PyType_Spec service_spec = {
    .name = "avbuffer.Service",
    .basicsize = sizeof(avbpy_service),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = service_slots,
};

int avbpy_service_init_type(PyObject *module)
{
        avbpy_service_type = (PyTypeObject *)PyType_FromSpec(&service_spec);
        if (!avbpy_service_type)
                return -1;
        return PyModule_AddObjectRef(module, "Service", (PyObject *)avbpy_service_type);
}
