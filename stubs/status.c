/* SPDX-License-Identifier: Apache-2.0 */
/* status.h: constructors, names and formatting of avb_status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <avbuffer/status.h>

static void status_vformat(avb_status *s, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void status_vformat(avb_status *s, const char *fmt, va_list ap)
{
        if (fmt)
                vsnprintf(s->message, sizeof(s->message), fmt, ap);
}

avb_status avb_status_ok(void)
{
        avb_status s = {0};
        return s;
}

avb_status avb_status_exception(int32_t exception, const char *fmt, ...)
{
        avb_status s = {.exception = exception};
        va_list ap;

        va_start(ap, fmt);
        status_vformat(&s, fmt, ap);
        va_end(ap);
        return s;
}

avb_status avb_status_service_specific(int32_t code, const char *fmt, ...)
{
        avb_status s = {.exception = AVB_EX_SERVICE_SPECIFIC, .service_specific = code};
        va_list ap;

        va_start(ap, fmt);
        status_vformat(&s, fmt, ap);
        va_end(ap);
        return s;
}

avb_status avb_status_transport(avb_transport_status ts, const char *fmt, ...)
{
        avb_status s = {.exception = ts == AVB_TS_OK ? AVB_EX_NONE : AVB_EX_TRANSACTION_FAILED,
                        .transport = ts};
        va_list ap;

        va_start(ap, fmt);
        status_vformat(&s, fmt, ap);
        va_end(ap);
        return s;
}

static avb_transport_status transport_of_errno(int e)
{
        switch (e) {
        case 0:
                return AVB_TS_OK;
        case ETIMEDOUT:
                return AVB_TS_TIMED_OUT;
        case EMSGSIZE:
        case E2BIG:
                return AVB_TS_TOO_LARGE;
        case ENOMEM:
        case ENOBUFS:
                return AVB_TS_NO_MEMORY;
        case ENOENT:
        case ECONNREFUSED:
        case EADDRNOTAVAIL:
                return AVB_TS_NO_SERVICE;
        case ECONNRESET:
        case ECONNABORTED:
        case EPIPE:
        case ENOTCONN:
        case ESHUTDOWN:
        case ESRCH:
        case ENOLINK:
                return AVB_TS_DEAD_OBJECT;
        case EACCES:
                return AVB_TS_PERMISSION;
        case EAGAIN:
                return AVB_TS_WOULD_BLOCK;
        case EBADMSG:
        case EPROTO:
                return AVB_TS_BAD_MESSAGE;
        default:
                return AVB_TS_INTERNAL;
        }
}

/*
 * Two errors are the caller's, not the transport's: EPERM (the runtime
 * refused an interface argument the caller may not pass: avb_binder_from_wire)
 * is EX_SECURITY, ENAMETOOLONG (an endpoint that cannot be a socket path) is
 * EX_ILLEGAL_ARGUMENT. Everything else is a transport status.
 */
avb_status avb_status_from_errno(int negative_errno, const char *what)
{
        int e = negative_errno < 0 ? -negative_errno : negative_errno;
        avb_transport_status ts = transport_of_errno(e);

        if (!what)
                what = "call";
        if (e == EPERM)
                return avb_status_exception(AVB_EX_SECURITY,
                                            "%s: not permitted: an interface argument names an "
                                            "endpoint the caller may not pass",
                                            what);
        if (e == ENAMETOOLONG)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT,
                                            "%s: an endpoint argument is too long for a socket "
                                            "path",
                                            what);
        if (ts == AVB_TS_OK)
                return avb_status_ok();
        return avb_status_transport(ts, "%s: %s", what, strerror(e));
}

const char *avb_exception_name(int32_t exception)
{
        switch (exception) {
        case AVB_EX_NONE:
                return "EX_NONE";
        case AVB_EX_SECURITY:
                return "EX_SECURITY";
        case AVB_EX_BAD_PARCELABLE:
                return "EX_BAD_PARCELABLE";
        case AVB_EX_ILLEGAL_ARGUMENT:
                return "EX_ILLEGAL_ARGUMENT";
        case AVB_EX_NULL_POINTER:
                return "EX_NULL_POINTER";
        case AVB_EX_ILLEGAL_STATE:
                return "EX_ILLEGAL_STATE";
        case AVB_EX_NETWORK_MAIN_THREAD:
                return "EX_NETWORK_MAIN_THREAD";
        case AVB_EX_UNSUPPORTED_OPERATION:
                return "EX_UNSUPPORTED_OPERATION";
        case AVB_EX_SERVICE_SPECIFIC:
                return "EX_SERVICE_SPECIFIC";
        case AVB_EX_PARCELABLE:
                return "EX_PARCELABLE";
        case AVB_EX_TRANSACTION_FAILED:
                return "EX_TRANSACTION_FAILED";
        default:
                return "EX_UNKNOWN";
        }
}

const char *avb_transport_name(int32_t transport)
{
        static const char *const names[] = {
            [AVB_TS_OK] = "OK",
            [AVB_TS_UNKNOWN_TRANSACTION] = "UNKNOWN_TRANSACTION",
            [AVB_TS_DEAD_OBJECT] = "DEAD_OBJECT",
            [AVB_TS_TIMED_OUT] = "TIMED_OUT",
            [AVB_TS_TOO_LARGE] = "TOO_LARGE",
            [AVB_TS_BAD_MESSAGE] = "BAD_MESSAGE",
            [AVB_TS_NO_SERVICE] = "NO_SERVICE",
            [AVB_TS_PERMISSION] = "PERMISSION",
            [AVB_TS_WOULD_BLOCK] = "WOULD_BLOCK",
            [AVB_TS_NO_MEMORY] = "NO_MEMORY",
            [AVB_TS_BAD_INTERFACE] = "BAD_INTERFACE",
            [AVB_TS_INTERNAL] = "INTERNAL",
            [AVB_TS_NO_FDS] = "NO_FDS",
        };

        if (transport < 0 || transport >= (int32_t)(sizeof(names) / sizeof(names[0])))
                return "UNKNOWN_TRANSPORT_STATUS";
        return names[transport];
}

const char *avb_status_to_string(const avb_status *s, char *buf, unsigned len)
{
        const char *sep = s->message[0] ? ": " : "";

        if (!buf || len == 0)
                return "";
        if (s->exception == AVB_EX_SERVICE_SPECIFIC)
                snprintf(buf, len, "%s(%d)%s%s", avb_exception_name(s->exception),
                         (int)s->service_specific, sep, s->message);
        else if (s->exception == AVB_EX_TRANSACTION_FAILED)
                snprintf(buf, len, "%s(%s)%s%s", avb_exception_name(s->exception),
                         avb_transport_name(s->transport), sep, s->message);
        else
                snprintf(buf, len, "%s%s%s", avb_exception_name(s->exception), sep, s->message);
        return buf;
}
