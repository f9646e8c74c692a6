/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFFER_STATUS_H
#define AVBUFFER_STATUS_H

/*
 * The result of a remote call, in the manner of binder's AStatus and sd-bus's
 * sd_bus_error.
 *
 * A call can end in three ways:
 *   - success: exception == AVB_EX_NONE;
 *   - the server raised an exception: exception is one of the binder codes
 *     below; for AVB_EX_SERVICE_SPECIFIC, service_specific carries the
 *     interface's own code (for IAVBuffer a HALError value);
 *   - the call never completed: exception == AVB_EX_TRANSACTION_FAILED and
 *     transport says why (no server, deadline passed, dead peer, message too
 *     large, ...). A server never raises AVB_EX_TRANSACTION_FAILED itself, so
 *     the two cases cannot be confused.
 *
 * The status is a plain value: it owns no heap memory and needs no cleanup.
 * Messages longer than AVB_STATUS_MESSAGE_MAX - 1 bytes are truncated.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AVB_EXPORT __attribute__((visibility("default")))

/* Binder exception codes, with their wire values. */
enum {
        AVB_EX_NONE = 0,
        AVB_EX_SECURITY = -1,
        AVB_EX_BAD_PARCELABLE = -2,
        AVB_EX_ILLEGAL_ARGUMENT = -3,
        AVB_EX_NULL_POINTER = -4,
        AVB_EX_ILLEGAL_STATE = -5,
        AVB_EX_NETWORK_MAIN_THREAD = -6,
        AVB_EX_UNSUPPORTED_OPERATION = -7,
        AVB_EX_SERVICE_SPECIFIC = -8,
        AVB_EX_PARCELABLE = -9,
        AVB_EX_TRANSACTION_FAILED = -129,
};

/* Why a call never completed (valid with AVB_EX_TRANSACTION_FAILED). */
typedef enum avb_transport_status {
        AVB_TS_OK = 0,
        AVB_TS_UNKNOWN_TRANSACTION = 1, /* method index not known to the server */
        AVB_TS_DEAD_OBJECT = 2,         /* the peer process has gone or restarted */
        AVB_TS_TIMED_OUT = 3,           /* the call's deadline passed */
        AVB_TS_TOO_LARGE = 4,           /* request or reply above the message limit */
        AVB_TS_BAD_MESSAGE = 5,         /* a message that could not be decoded */
        AVB_TS_NO_SERVICE = 6,          /* no such service or endpoint */
        AVB_TS_PERMISSION = 7,          /* the server refused this client */
        AVB_TS_WOULD_BLOCK = 8,         /* oneway queue full: the call was dropped */
        AVB_TS_NO_MEMORY = 9,
        AVB_TS_BAD_INTERFACE = 10, /* object does not implement that interface */
        AVB_TS_INTERNAL = 11,      /* any other local failure (see message) */
        AVB_TS_NO_FDS =
            12, /* the fds could not travel (a peer or lifeline that cannot carry them) */
} avb_transport_status;

#define AVB_STATUS_MESSAGE_MAX 256

typedef struct avb_status {
        int32_t exception;        /* AVB_EX_* */
        int32_t service_specific; /* with AVB_EX_SERVICE_SPECIFIC, else 0 */
        int32_t transport;        /* avb_transport_status, with AVB_EX_TRANSACTION_FAILED */
        char message[AVB_STATUS_MESSAGE_MAX];
} avb_status;

static inline bool avb_status_is_ok(const avb_status *s)
{
        return s->exception == AVB_EX_NONE;
}

AVB_EXPORT avb_status avb_status_ok(void);
/* An exception with a printf-style message (fmt may be NULL). */
AVB_EXPORT avb_status avb_status_exception(int32_t exception, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
AVB_EXPORT avb_status avb_status_service_specific(int32_t code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
AVB_EXPORT avb_status avb_status_transport(avb_transport_status ts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Maps a negative errno from the runtime to a status: -EPERM becomes
 * EX_SECURITY and -ENAMETOOLONG EX_ILLEGAL_ARGUMENT (a reference the caller
 * may not pass); anything else a transport status with `what` in the message.
 */
AVB_EXPORT avb_status avb_status_from_errno(int negative_errno, const char *what);

/* "EX_ILLEGAL_ARGUMENT", "DEAD_OBJECT", ... (never NULL). */
AVB_EXPORT const char *avb_exception_name(int32_t exception);
AVB_EXPORT const char *avb_transport_name(int32_t transport);
/* Human-readable "EX_SERVICE_SPECIFIC(5): message" into buf; returns buf. */
AVB_EXPORT const char *avb_status_to_string(const avb_status *s, char *buf, unsigned len);

#ifdef __cplusplus
}
#endif

#endif
