/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFFER_PYAVB_H
#define AVBUFFER_PYAVB_H

/*
 * The avbuffer Python module: shared definitions of its objects.
 *
 * Built against the limited API of Python 3.11 (Py_LIMITED_API is set by
 * meson). Every type is a heap type made at import; their objects cannot be
 * created from Python, only by the module's factories.
 *
 * Ownership: a Pool and a Buffer hold a strong reference to their Service,
 * a Buffer to the Pool it came from (so a pool outlives its buffers' Python
 * objects), a Mapping to its Buffer, and a memoryview or numpy array made
 * from a Mapping to that Mapping. A Pool lists the Buffers it still owns
 * (borrowed pointers, unlinked by the Buffer) so that destroying the pool
 * frees them first.
 *
 * Locking: every field is read and written with the GIL held. A call that
 * releases the GIL (an RPC, a blocking wait) first puts the object in a state
 * that makes concurrent calls on it fail cleanly, and does not touch Python
 * objects until it has taken the GIL back.
 */

#include <Python.h>

#include <stdbool.h>
#include <stdint.h>

#include <avbuffer/helper.h>
#include <avbuffer/rpc.h>

#include "com_rdk_hal_avbuffer.h"

typedef struct avbpy_space avbpy_space;
typedef struct avbpy_buffer avbpy_buffer;

typedef struct avbpy_service {
        PyObject_HEAD avb_binder *av;
        avb_helper *helper;
        bool closed;
} avbpy_service;

typedef struct avbpy_pool {
        PyObject_HEAD avbpy_service *svc;
        avbpy_space *space;
        avb_binder *listener;
        com_rdk_hal_avbuffer_Pool handle;
        bool secure;
        bool live;          /* not yet destroyed */
        uint64_t waits;     /* wait_for_space() calls in progress (GIL released) */
        avbpy_buffer *bufs; /* owned buffers allocated through this pool */
} avbpy_pool;

enum avbpy_buffer_state {
        AVBPY_OWNED,    /* this object frees it */
        AVBPY_FREED,    /* freed (or being freed) */
        AVBPY_DETACHED, /* handed on with detach() */
};

struct avbpy_buffer {
        PyObject_HEAD avbpy_service *svc;
        avbpy_pool *pool; /* NULL for a buffer adopted by handle */
        avbpy_buffer *prev, *next;
        int64_t handle;
        size_t size;
        bool secure;
        enum avbpy_buffer_state state;
        int busy; /* open mappings and helper calls in progress (see buffer.c) */
};

/* The types and exceptions, made by the module's init (errors.c for the latter). */
extern PyTypeObject *avbpy_service_type, *avbpy_pool_type, *avbpy_buffer_type, *avbpy_mapping_type;
extern PyObject *avbpy_error, *avbpy_out_of_memory, *avbpy_not_empty, *avbpy_illegal_argument,
    *avbpy_illegal_state, *avbpy_security_error, *avbpy_unsupported, *avbpy_transport_error;

/* ---- errors.c ---- */
/* Adds Error and its subclasses to the module; -1 with an exception set. */
int avbpy_errors_init(PyObject *module);
/* Raises the avbuffer.Error subclass for a failed status; returns NULL. */
PyObject *avbpy_raise_status(const avb_status *st);
/* Raises for a negative errno of the helper or the runtime; `what` names the action. */
PyObject *avbpy_raise_errno(int negative_errno, const char *what);

/* ---- objects.c: helpers shared by the types ---- */
/* A zeroed object of a heap type (with a reference to the type); NULL on error. */
PyObject *avbpy_object_new(PyTypeObject *tp);
/* Frees an object made by avbpy_object_new and drops its type's reference. */
void avbpy_object_free(PyObject *self);
/* A deadline argument in seconds (None: infinite, -1) as milliseconds; -2 on error. */
int avbpy_timeout_ms(PyObject *timeout);
/* __enter__ for every context manager: returns self. */
PyObject *avbpy_enter(PyObject *self, PyObject *unused);

/* ---- service.c ---- */
int avbpy_service_init_type(PyObject *module);
/* Raises ValueError and returns -1 when the service was closed. */
int avbpy_service_check(avbpy_service *svc);
/* avbuffer.connect(service, timeout) */
PyObject *avbpy_connect(PyObject *module, PyObject *args, PyObject *kwargs);

/* ---- pool.c ---- */
int avbpy_pool_init_type(PyObject *module);
/* A Pool for a pool just created with `listener` and its space state (both taken). */
PyObject *avbpy_pool_new(avbpy_service *svc, com_rdk_hal_avbuffer_Pool handle, bool secure,
                         avbpy_space *space, avb_binder *listener);

/* ---- buffer.c ---- */
int avbpy_buffer_init_type(PyObject *module);
/* An owned Buffer for a live handle (pool may be NULL). */
PyObject *avbpy_buffer_new(avbpy_service *svc, avbpy_pool *pool, int64_t handle, size_t size,
                           bool secure);
/*
 * Frees an owned buffer on the server (the GIL is released for the call) and
 * unlinks it from its pool. -1 with an exception set when it cannot be freed
 * (not owned, or mapped: BufferError). *ret_freed: what free() returned.
 */
int avbpy_buffer_release(avbpy_buffer *b, bool *ret_freed);

/* ---- mapping.c ---- */
int avbpy_mapping_init_type(PyObject *module);
/* Maps the non-secure buffer b: a Mapping (counted in b->busy while open). */
PyObject *avbpy_mapping_new(avbpy_buffer *b);

/* ---- space.c: space-available events, free of Python ---- */
/*
 * A listener for one pool whose onSpaceAvailable() (on the runtime's callback
 * thread, with no GIL and no Python code) adds one to an eventfd. The state
 * lives as long as the listener binder: the runtime may keep that until the
 * process exits, and a late call after avbpy_space_close() is ignored.
 */
int avbpy_space_new(avbpy_space **ret_space, avb_binder **ret_listener);
/* The eventfd: readable while events are pending; -1 after close. */
int avbpy_space_fd(const avbpy_space *s);
/* Events received since the start (all of them, consumed or not). */
uint64_t avbpy_space_received(const avbpy_space *s);
/* Consumes the pending events without blocking: their number. */
uint64_t avbpy_space_take(avbpy_space *s);
/* The deadline (CLOCK_MONOTONIC ms) timeout_ms from now; -1 stays -1 (none). */
int64_t avbpy_space_deadline(int timeout_ms);
/*
 * Waits until the deadline for an event and consumes those pending: their
 * number, 0 once the deadline has passed, -EINTR when a signal came (check
 * for Python's signal handlers and call again), or -errno. Call without the GIL.
 */
int64_t avbpy_space_wait(avbpy_space *s, int64_t deadline);
/* Closes the eventfd; later events are dropped. Accepts NULL. */
void avbpy_space_close(avbpy_space *s);

#endif
