/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer.Error and its subclasses: what the HAL said, kept apart from what
 * the transport said.
 *
 * Error's args are (exception, service_specific, message, transport), so
 * pickling and repr work as for any exception; the attributes of the same
 * names read them back. The subclasses also derive from the built-in
 * exception a Python programmer would catch for that case (ValueError for an
 * illegal argument, PermissionError for a security refusal, ConnectionError
 * for a transport failure, MemoryError for an exhausted pool).
 */
#include "pyavb.h"

#include <errno.h>

#include "com_rdk_hal.h"

PyObject *avbpy_error, *avbpy_out_of_memory, *avbpy_not_empty, *avbpy_illegal_argument,
    *avbpy_illegal_state, *avbpy_security_error, *avbpy_unsupported, *avbpy_transport_error;

enum { ARG_EXCEPTION, ARG_SERVICE_SPECIFIC, ARG_MESSAGE, ARG_TRANSPORT };

/*
 * The i-th of (exception, service_specific, message, transport): from the
 * tuple the module stores in `_avb` when it raises, else from args, else
 * `dflt` (an int, or "" when negative). `_avb` exists because OSError, a base
 * of TransportError and SecurityError, keeps only two of its arguments.
 */
static PyObject *error_arg(PyObject *self, Py_ssize_t i, long dflt)
{
        PyObject *args = PyObject_GetAttrString(self, "_avb"), *v = NULL;

        if (!args && PyErr_ExceptionMatches(PyExc_AttributeError)) {
                PyErr_Clear();
                args = PyObject_GetAttrString(self, "args");
        }
        if (!args)
                return NULL;
        if (PyTuple_Check(args) && i < PyTuple_Size(args)) {
                v = PyTuple_GetItem(args, i);
                Py_XINCREF(v);
        } else {
                v = dflt < 0 ? PyUnicode_FromString("") : PyLong_FromLong(dflt);
        }
        Py_DECREF(args);
        return v;
}

static PyObject *get_exception(PyObject *self, void *unused)
{
        (void)unused;
        return error_arg(self, ARG_EXCEPTION, 0);
}

static PyObject *get_service_specific(PyObject *self, void *unused)
{
        (void)unused;
        return error_arg(self, ARG_SERVICE_SPECIFIC, 0);
}

static PyObject *get_message(PyObject *self, void *unused)
{
        (void)unused;
        return error_arg(self, ARG_MESSAGE, -1);
}

static PyObject *get_transport(PyObject *self, void *unused)
{
        (void)unused;
        return error_arg(self, ARG_TRANSPORT, 0);
}

static PyObject *error_str(PyObject *self)
{
        PyObject *msg = get_message(self, NULL), *args;

        if (msg && PyUnicode_Check(msg) && PyUnicode_GetLength(msg) > 0)
                return msg;
        Py_XDECREF(msg);
        if (PyErr_Occurred())
                return NULL;
        args = PyObject_GetAttrString(self, "args");
        if (!args)
                return NULL;
        msg = PyObject_Str(args);
        Py_DECREF(args);
        return msg;
}

static PyGetSetDef error_getset[] = {
    {"exception", get_exception, NULL, "the binder exception code (EX_*)", NULL},
    {"service_specific", get_service_specific, NULL,
     "with EX_SERVICE_SPECIFIC (-8): the HALError code", NULL},
    {"message", get_message, NULL, "what the service or the runtime said", NULL},
    {"transport", get_transport, NULL,
     "with EX_TRANSACTION_FAILED (-129): why the call never completed", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot error_slots[] = {
    {Py_tp_doc, "Error(exception, service_specific=0, message='', transport=0):\n"
                "a call to the AV Buffer service failed."},
    {Py_tp_getset, error_getset},
    {Py_tp_str, error_str},
    {0, NULL},
};

static PyType_Spec error_spec = {
    .name = "avbuffer.Error",
    .basicsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = error_slots,
};

/* Subclass `name` of Error and, when not NULL, of `builtin`; added to the module. */
static PyObject *add_subclass(PyObject *module, const char *name, PyObject *builtin,
                              const char *doc)
{
        char qualified[64];
        PyObject *bases, *cls;

        PyOS_snprintf(qualified, sizeof(qualified), "avbuffer.%s", name);
        bases = builtin ? PyTuple_Pack(2, avbpy_error, builtin) : PyTuple_Pack(1, avbpy_error);
        if (!bases)
                return NULL;
        cls = PyErr_NewExceptionWithDoc(qualified, doc, bases, NULL);
        Py_DECREF(bases);
        if (!cls)
                return NULL;
        if (PyModule_AddObjectRef(module, name, cls) < 0) {
                Py_DECREF(cls);
                return NULL;
        }
        return cls;
}

int avbpy_errors_init(PyObject *module)
{
        avbpy_error = PyType_FromSpecWithBases(&error_spec, PyExc_Exception);
        if (!avbpy_error || PyModule_AddObjectRef(module, "Error", avbpy_error) < 0)
                return -1;
        avbpy_out_of_memory = add_subclass(module, "OutOfMemory", PyExc_MemoryError,
                                           "HALError.OUT_OF_MEMORY: no room in the pool or heap");
        avbpy_not_empty = add_subclass(module, "NotEmpty", NULL,
                                       "HALError.NOT_EMPTY: the pool still has buffers");
        avbpy_illegal_argument = add_subclass(module, "IllegalArgument", PyExc_ValueError,
                                              "EX_ILLEGAL_ARGUMENT: a bad handle, size or id");
        avbpy_illegal_state = add_subclass(module, "IllegalState", NULL,
                                           "EX_ILLEGAL_STATE: not allowed in the current state");
        avbpy_security_error = add_subclass(module, "SecurityError", PyExc_PermissionError,
                                            "EX_SECURITY: the service refused this caller");
        avbpy_unsupported = add_subclass(module, "UnsupportedOperation", PyExc_NotImplementedError,
                                         "EX_UNSUPPORTED_OPERATION: not in this build");
        avbpy_transport_error =
            add_subclass(module, "TransportError", PyExc_ConnectionError,
                         "EX_TRANSACTION_FAILED: the call never completed (dead service, "
                         "deadline passed, ...); see .transport");
        if (!avbpy_out_of_memory || !avbpy_not_empty || !avbpy_illegal_argument ||
            !avbpy_illegal_state || !avbpy_security_error || !avbpy_unsupported ||
            !avbpy_transport_error)
                return -1;
        return 0;
}

static PyObject *class_for(const avb_status *st)
{
        switch (st->exception) {
        case AVB_EX_SERVICE_SPECIFIC:
                if (st->service_specific == com_rdk_hal_HALError_OUT_OF_MEMORY)
                        return avbpy_out_of_memory;
                if (st->service_specific == com_rdk_hal_HALError_NOT_EMPTY)
                        return avbpy_not_empty;
                return avbpy_error;
        case AVB_EX_ILLEGAL_ARGUMENT:
                return avbpy_illegal_argument;
        case AVB_EX_ILLEGAL_STATE:
                return avbpy_illegal_state;
        case AVB_EX_SECURITY:
                return avbpy_security_error;
        case AVB_EX_UNSUPPORTED_OPERATION:
                return avbpy_unsupported;
        case AVB_EX_TRANSACTION_FAILED:
                return avbpy_transport_error;
        default:
                return avbpy_error;
        }
}

PyObject *avbpy_raise_status(const avb_status *st)
{
        char text[AVB_STATUS_MESSAGE_MAX + 64];
        PyObject *exc, *all;

        avb_status_to_string(st, text, sizeof(text));
        all = Py_BuildValue("(iisi)", (int)st->exception, (int)st->service_specific, text,
                            (int)st->transport);
        if (!all)
                return NULL;
        exc = PyObject_CallObject(class_for(st), all);
        if (exc && PyObject_SetAttrString(exc, "_avb", all) == 0)
                PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_XDECREF(exc);
        Py_DECREF(all);
        return NULL;
}

PyObject *avbpy_raise_errno(int negative_errno, const char *what)
{
        avb_status st;

        switch (negative_errno) {
        case -ENOMEM:
                return PyErr_NoMemory();
        case -EPERM:
                PyErr_Format(PyExc_PermissionError, "%s: secure memory is never mapped or read",
                             what);
                return NULL;
        case -ERANGE:
                PyErr_Format(PyExc_ValueError, "%s: outside the buffer", what);
                return NULL;
        case -EINVAL:
                PyErr_Format(PyExc_ValueError, "%s: invalid argument", what);
                return NULL;
        case -ENOENT:
                /* The helper's unknown handle: what the HAL itself raises for one. */
                st = avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "%s: no live buffer", what);
                return avbpy_raise_status(&st);
        default:
                st = avb_status_from_errno(negative_errno, what);
                return avbpy_raise_status(&st);
        }
}
