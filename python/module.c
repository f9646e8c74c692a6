/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The avbuffer Python module: its init, and the few helpers every type uses.
 *
 * Single-phase init with the types and exceptions in C globals: the module
 * wraps process-wide state (the RPC runtime and its callback thread), so one
 * instance per process is all that makes sense.
 */
#include "pyavb.h"

#include <math.h>

#include "com_rdk_hal.h"

PyObject *avbpy_object_new(PyTypeObject *tp)
{
        allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);

        return alloc(tp, 0);
}

void avbpy_object_free(PyObject *self)
{
        PyTypeObject *tp = Py_TYPE(self);
        freefunc free_fn = (freefunc)PyType_GetSlot(tp, Py_tp_free);

        free_fn(self);
        Py_DECREF(tp);
}

int avbpy_timeout_ms(PyObject *timeout)
{
        double s;

        if (!timeout || timeout == Py_None)
                return -1;
        s = PyFloat_AsDouble(timeout);
        if (s == -1.0 && PyErr_Occurred())
                return -2;
        if (isnan(s) || s < 0 || s > INT32_MAX / 1000.0) {
                PyErr_SetString(PyExc_ValueError, "timeout must be None or 0..2147483 seconds");
                return -2;
        }
        return (int)ceil(s * 1000.0);
}

PyObject *avbpy_enter(PyObject *self, PyObject *unused)
{
        (void)unused;
        Py_INCREF(self);
        return self;
}

static PyMethodDef module_methods[] = {
    {"connect", (PyCFunction)(void (*)(void))avbpy_connect, METH_VARARGS | METH_KEYWORDS,
     "connect(service='AVBuffer', timeout=5.0) -> Service\n\n"
     "Finds the service through the service manager ($AVB_SOCKET_DIR), waiting up to\n"
     "timeout seconds for it to register, and connects to it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "avbuffer",
    .m_doc = "AV buffers of the AV Buffer HAL (avbufferd) from Python: pools, buffers,\n"
             "zero-copy mappings through the buffer protocol, space events.",
    .m_size = -1,
    .m_methods = module_methods,
};

static int add_constants(PyObject *m)
{
        static const struct {
                const char *name;
                long value;
        } k[] = {
            {"EX_SECURITY", AVB_EX_SECURITY},
            {"EX_ILLEGAL_ARGUMENT", AVB_EX_ILLEGAL_ARGUMENT},
            {"EX_NULL_POINTER", AVB_EX_NULL_POINTER},
            {"EX_ILLEGAL_STATE", AVB_EX_ILLEGAL_STATE},
            {"EX_UNSUPPORTED_OPERATION", AVB_EX_UNSUPPORTED_OPERATION},
            {"EX_SERVICE_SPECIFIC", AVB_EX_SERVICE_SPECIFIC},
            {"EX_TRANSACTION_FAILED", AVB_EX_TRANSACTION_FAILED},
            {"OUT_OF_MEMORY", com_rdk_hal_HALError_OUT_OF_MEMORY},
            {"NOT_EMPTY", com_rdk_hal_HALError_NOT_EMPTY},
            {"TS_DEAD_OBJECT", AVB_TS_DEAD_OBJECT},
            {"TS_TIMED_OUT", AVB_TS_TIMED_OUT},
            {"TS_NO_SERVICE", AVB_TS_NO_SERVICE},
        };
        size_t i;

        for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
                if (PyModule_AddIntConstant(m, k[i].name, k[i].value) < 0)
                        return -1;
        return 0;
}

PyMODINIT_FUNC PyInit_avbuffer(void);
PyMODINIT_FUNC PyInit_avbuffer(void)
{
        PyObject *m;

        m = PyModule_Create(&module_def);
        if (!m)
                return NULL;
        if (avbpy_errors_init(m) < 0 || add_constants(m) < 0 || avbpy_service_init_type(m) < 0 ||
            avbpy_pool_init_type(m) < 0 || avbpy_buffer_init_type(m) < 0 ||
            avbpy_mapping_init_type(m) < 0) {
                Py_DECREF(m);
                return NULL;
        }
        return m;
}
