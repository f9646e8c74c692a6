/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer-hostile: hostile input against avbufferd's endpoint.
 *
 *   avbuffer-hostile [--endpoint ipc://PATH|unix://PATH] [--pid PID] [--time-scale N]
 *                    [--include-fatal] [--list] [ATTACK-PATTERN...]
 *
 * Every attack talks to the server the way a malicious local process could:
 * a raw nanomsg socket (NN_REQ, AF_SP_RAW NN_REQ, NN_PUSH) on the endpoint,
 * a plain unix socket on the same path (nanomsg's own framing), or the
 * lifeline socket PATH.life. On a unix:// endpoint (the unix transport) the
 * same request attacks go over a SOCK_SEQPACKET connection of our own, and
 * the hostile.unix.* attacks (hostile_unix.c) break its packets: truncated,
 * oversized, garbage headers, fragments out of order, fds where none belong,
 * too many fds, a flood, replies never read. The nanomsg-only attacks are
 * skipped there, among them hostile.ipc.bad-frame-type: the malformed-frame
 * abort exists only on nanomsg (inside nanomsg's ipc framing; the unix
 * transport's framing is ours and a bad packet closes only its connection).
 * Requests are encoded by hand here (not with the runtime's packers), so
 * malformed and absurd encodings are possible.
 *
 * After each attack the server's pid must be alive and a real client (the
 * generated stubs) must be served: getHeapMetrics, then create a pool,
 * alloc, free, destroy. One line per attack, "PASS name: what it did",
 * "FAIL name: ..." or "SKIP name: ...", then "N passed, N failed, N skipped".
 * Attacks known to abort the process inside nanomsg run only with
 * --include-fatal (they end the server; run them last, alone).
 *
 * Without --endpoint the endpoint comes from the service manager
 * ($AVB_SOCKET_DIR); without --pid, from $AVB_AVBUFFERD_PID.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pipeline.h>
#include <nanomsg/reqrep.h>

#include <avbuffer/servicemanager.h>

#include "avb_servicemanager.h"
#include "com_rdk_hal_avbuffer.h"
#include "cf_time.h"
#include "hostile.h"

#define DESC_AVB     "com.rdk.hal.avbuffer.IAVBuffer"
#define DESC_COPIER  "avb.avbuffer.IBufferCopier"
#define DESC_CONTROL "avb.avbuffer.IAVBufferControl"
#define MAX_MESSAGE  (1024 * 1024)

/* ---- state -------------------------------------------------------------- */

void outf(hctx *h, const char *fmt, ...)
{
        size_t n = strlen(h->out);
        va_list ap;

        if (n && n < sizeof(h->out) - 2) {
                h->out[n++] = ';';
                h->out[n++] = ' ';
                h->out[n] = 0;
        }
        va_start(ap, fmt);
        vsnprintf(h->out + n, sizeof(h->out) - n, fmt, ap);
        va_end(ap);
}

void failf(hctx *h, const char *fmt, ...)
{
        va_list ap;

        if (h->failed)
                return;
        h->failed = true;
        va_start(ap, fmt);
        vsnprintf(h->why, sizeof(h->why), fmt, ap);
        va_end(ap);
}

/* ---- protobuf by hand ---------------------------------------------------- */

static void pb_raw(pb *p, const void *d, size_t len)
{
        if (!len)
                return;
        if (p->n + len > p->cap) {
                p->cap = (p->n + len) * 2 + 64;
                p->b = realloc(p->b, p->cap);
                if (!p->b)
                        abort();
        }
        memcpy(p->b + p->n, d, len);
        p->n += len;
}

static void pb_varint(pb *p, uint64_t v)
{
        uint8_t tmp[10];
        size_t n = 0;

        do {
                tmp[n] = (uint8_t)(v & 0x7f);
                v >>= 7;
                if (v)
                        tmp[n] |= 0x80;
                n++;
        } while (v);
        pb_raw(p, tmp, n);
}

static void pb_key(pb *p, unsigned field, unsigned wt)
{
        pb_varint(p, ((uint64_t)field << 3) | wt);
}

/* int32/int64/uint/bool: negative int32 goes out sign-extended, as protobuf does. */
void pb_int(pb *p, unsigned field, int64_t v)
{
        pb_key(p, field, 0);
        pb_varint(p, (uint64_t)v);
}

void pb_bytes(pb *p, unsigned field, const void *d, size_t len)
{
        pb_key(p, field, 2);
        pb_varint(p, len);
        pb_raw(p, d, len);
}

static void pb_msg(pb *p, unsigned field, const pb *m)
{
        pb_bytes(p, field, m->b, m->n);
}

void pb_free(pb *p)
{
        free(p->b);
        memset(p, 0, sizeof(*p));
}

static void put_le(pb *p, uint64_t v, unsigned bytes)
{
        uint8_t b[8];

        for (unsigned i = 0; i < bytes; i++)
                b[i] = (uint8_t)(v >> (8 * i));
        pb_raw(p, b, bytes);
}

/* A request frame (stubs/frame.h), by hand: header, descriptor, payload. */
void frame_put(pb *p, const request *r)
{
        size_t desc_len = r->descriptor ? strlen(r->descriptor) : 0;

        put_le(p, FRAME_MAGIC, 4);
        put_le(p, FRAME_VERSION, 2);
        put_le(p, r->oneway ? 1 : 0, 2);
        put_le(p, r->code, 4);
        put_le(p, r->object_id, 4);
        put_le(p, desc_len, 4);
        put_le(p, r->n_fds, 4);
        put_le(p, r->client_id, 8);
        put_le(p, r->request_id, 8);
        put_le(p, r->incarnation, 8);
        pb_raw(p, r->descriptor, desc_len);
        pb_raw(p, r->payload, r->payload_len);
}

/* A request of this process's client identity (it holds a lifeline). */
request my_request(hctx *h, uint32_t object_id, const char *desc, uint32_t code, const pb *payload)
{
        request r = {
            .client_id = h->client_id,
            .request_id = ++h->next_request,
            .incarnation = h->incarnation,
            .object_id = object_id,
            .code = code,
            .descriptor = desc,
            .payload = payload ? payload->b : NULL,
            .payload_len = payload ? payload->n : 0,
        };
        return r;
}

static int rd_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
        unsigned shift = 0;

        *v = 0;
        while (*p < end && shift < 64) {
                uint8_t b = *(*p)++;

                *v |= (uint64_t)(b & 0x7f) << shift;
                if (!(b & 0x80))
                        return 0;
                shift += 7;
        }
        return -1;
}

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
        uint64_t v = 0;

        for (unsigned i = 0; i < bytes; i++)
                v |= (uint64_t)p[i] << (8 * i);
        return v;
}

/* Decodes a reply frame; r->decoded only when it is one. */
void decode_reply(const uint8_t *buf, size_t len, reply *r)
{
        const uint8_t *payload, *q, *end = buf + len;
        uint64_t msg_len, k, x;

        memset(r, 0, sizeof(*r));
        r->got = true;
        if (len < FRAME_REPLY_SIZE || get_le(buf, 4) != FRAME_MAGIC ||
            get_le(buf + 4, 2) != FRAME_VERSION)
                return;
        msg_len = get_le(buf + 28, 4);
        if (msg_len > len - FRAME_REPLY_SIZE)
                return;
        r->request_id = get_le(buf + 8, 8);
        r->exception = (int32_t)get_le(buf + 16, 4);
        r->service_specific = (int32_t)get_le(buf + 20, 4);
        r->transport = (int32_t)get_le(buf + 24, 4);
        snprintf(r->message, sizeof(r->message), "%.*s", (int)msg_len, buf + FRAME_REPLY_SIZE);
        payload = buf + FRAME_REPLY_SIZE + msg_len;
        r->payload_len = (size_t)(end - payload);
        q = payload;
        if (rd_varint(&q, end, &k) == 0 && k == 8 && rd_varint(&q, end, &x) == 0) {
                r->has_result = true;
                r->result = (int64_t)x;
        }
        r->decoded = true;
}

const char *describe_reply(const reply *r, char *buf, size_t len)
{
        if (!r->got)
                snprintf(buf, len, "no reply (dropped)");
        else if (!r->decoded)
                snprintf(buf, len, "a reply that is not an avb.Reply");
        else if (r->exception == AVB_EX_TRANSACTION_FAILED)
                snprintf(buf, len, "reply %s/%s \"%s\"", avb_exception_name(r->exception),
                         avb_transport_name(r->transport), r->message);
        else if (r->exception == AVB_EX_SERVICE_SPECIFIC)
                snprintf(buf, len, "reply %s(%d) \"%s\"", avb_exception_name(r->exception),
                         r->service_specific, r->message);
        else
                snprintf(buf, len, "reply %s%s%s%s", avb_exception_name(r->exception),
                         r->message[0] ? " \"" : "", r->message, r->message[0] ? "\"" : "");
        return buf;
}

/* ---- nanomsg sockets ----------------------------------------------------- */

static int nn_open(hctx *h, int domain, int proto, const char *url)
{
        int s = nn_socket(domain, proto), ms = 2000 * h->scale, max = -1;

        if (s < 0)
                return -1;
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &ms, sizeof(ms));
        nn_setsockopt(s, NN_SOL_SOCKET, NN_SNDTIMEO, &ms, sizeof(ms));
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVMAXSIZE, &max, sizeof(max));
        if (nn_connect(s, url) < 0) {
                nn_close(s);
                return -1;
        }
        return s;
}

/* Sends bytes on a fresh NN_REQ socket (unix://: our connection) and waits for one reply. */
static void req_roundtrip(hctx *h, const void *buf, size_t len, reply *r, int wait_ms)
{
        int s = h->is_unix ? -1 : nn_open(h, AF_SP, NN_REQ, h->url), ms = wait_ms * h->scale;
        void *msg = NULL;
        int n;

        memset(r, 0, sizeof(*r));
        if (h->is_unix) {
                unix_roundtrip(h, buf, len, r, wait_ms);
                return;
        }
        if (s < 0) {
                failf(h, "nn_socket/nn_connect: %s", nn_strerror(nn_errno()));
                return;
        }
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &ms, sizeof(ms));
        if (nn_send(s, buf, len, 0) < 0) {
                outf(h, "send failed: %s", nn_strerror(nn_errno()));
                nn_close(s);
                return;
        }
        n = nn_recv(s, &msg, NN_MSG, 0);
        if (n >= 0) {
                decode_reply(msg, (size_t)n, r);
                nn_freemsg(msg);
        }
        nn_close(s);
}

static void send_request(hctx *h, const request *rq, reply *r, int wait_ms)
{
        pb p = {0};

        frame_put(&p, rq);
        req_roundtrip(h, p.b, p.n, r, wait_ms);
        pb_free(&p);
}

/* The server must not run the request: any error, or a drop, is fine. */
static void expect_refused(hctx *h, const char *what, const reply *r)
{
        char d[300];

        outf(h, "%s: %s", what, describe_reply(r, d, sizeof(d)));
        if (r->got && r->decoded && r->exception == AVB_EX_NONE)
                failf(h, "%s was served as a valid call", what);
}

static void expect_exception(hctx *h, const char *what, const reply *r, int32_t ex)
{
        char d[300];

        outf(h, "%s: %s", what, describe_reply(r, d, sizeof(d)));
        if (!r->got || !r->decoded || r->exception != ex)
                failf(h, "%s: want %s", what, avb_exception_name(ex));
}

/* ---- lifelines ----------------------------------------------------------- */

/* A SOCK_SEQPACKET connection to PATH + suffix (".life", ".heap"). */
static int suffix_connect(hctx *h, const char *suffix)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s%s", h->path, suffix) >=
            (int)sizeof(sa.sun_path)) {
                close(fd);
                return -ENAMETOOLONG;
        }
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int e = -errno;

                close(fd);
                return e;
        }
        return fd;
}

int life_connect(hctx *h)
{
        return suffix_connect(h, h->is_unix ? "" : ".life");
}

/* Waits for a packet or EOF: >0 bytes, 0 closed by the server, -ETIMEDOUT. */
ssize_t life_wait(hctx *h, int fd, void *buf, size_t len, int ms)
{
        struct pollfd pfd = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&pfd, 1, ms * h->scale) <= 0)
                return -ETIMEDOUT;
        n = recv(fd, buf, len, 0);
        return n < 0 ? -errno : n;
}

static const char *life_result(ssize_t n, const void *buf, char *out, size_t len)
{
        const life_answer *a = buf;

        if (n == 0)
                snprintf(out, len, "the server closed the lifeline");
        else if (n == -ETIMEDOUT)
                snprintf(out, len, "no answer, lifeline left open");
        else if (n == -ECONNRESET)
                snprintf(out, len, "the server reset the lifeline");
        else if (n < 0)
                snprintf(out, len, "recv: %s", strerror((int)-n));
        else if ((size_t)n == sizeof(*a) && a->magic == LIFE_MAGIC)
                snprintf(out, len, "answer status %u", a->status);
        else
                snprintf(out, len, "%zd bytes of answer", n);
        return out;
}

/* This process's own identity, for well-formed frames. */
int life_hello_as(hctx *h, int fd, uint64_t cid, life_answer *a)
{
        life_hello hello = {LIFE_MAGIC, LIFE_VERSION, cid};
        ssize_t n;

        if (send(fd, &hello, sizeof(hello), MSG_NOSIGNAL) != sizeof(hello))
                return -errno;
        n = life_wait(h, fd, a, sizeof(*a), 5000);
        if (n != (ssize_t)sizeof(*a))
                return n < 0 ? (int)n : -EPROTO;
        return a->magic == LIFE_MAGIC && a->status == 0 ? 0 : -EACCES;
}

/* ---- the well-behaved client ---------------------------------------------- */

bool server_alive(hctx *h)
{
        char path[64], line[256];
        bool alive = false;
        FILE *f;

        if (h->pid <= 0)
                return true; /* unknown: the health check decides */
        snprintf(path, sizeof(path), "/proc/%d/status", (int)h->pid);
        f = fopen(path, "r");
        if (!f)
                return false;
        while (fgets(line, sizeof(line), f))
                if (!strncmp(line, "State:", 6)) {
                        alive = !strchr(line, 'Z') && !strchr(line, 'X');
                        break;
                }
        fclose(f);
        return alive;
}

static avb_status real_pool(hctx *h, bool secure, int8_t *ret)
{
        com_rdk_hal_audiodecoder_IAudioDecoder_Id id = {.value = 0};
        com_rdk_hal_avbuffer_Pool p = {.handle = -1};
        avb_binder *l = NULL;
        avb_status st;

        /* A local listener that nobody calls: oneway calls need no ops. */
        static const com_rdk_hal_avbuffer_IAVBufferSpaceListener_ops ops = {0};

        if (com_rdk_hal_avbuffer_IAVBufferSpaceListener_new_local(&ops, h, NULL, &l) < 0)
                return avb_status_transport(AVB_TS_INTERNAL, "listener");
        st = com_rdk_hal_avbuffer_IAVBuffer_createAudioPool(h->avb, secure, &id, l, &p);
        avb_binder_unref(l);
        if (avb_status_is_ok(&st))
                *ret = p.handle;
        return st;
}

static bool destroy_real_pool(hctx *h, int8_t pool)
{
        com_rdk_hal_avbuffer_Pool p = {.handle = pool};
        bool ok = false;
        avb_status st = com_rdk_hal_avbuffer_IAVBuffer_destroyPool(h->avb, &p, &ok);

        return avb_status_is_ok(&st) && ok;
}

/* Frees what a pool holds (buffers whose handles an attack lost), then destroys it. */
static void free_all_and_destroy(hctx *h, int8_t pool)
{
        com_rdk_hal_avbuffer_Pool p = {.handle = pool};
        int64_t *list = NULL;
        size_t n = 0, i;
        avb_status st;
        bool ok;

        st = com_rdk_hal_avbuffer_IAVBuffer_getAllocList(h->avb, &p, &list, &n);
        for (i = 0; avb_status_is_ok(&st) && i < n; i++)
                com_rdk_hal_avbuffer_IAVBuffer_free(h->avb, list[i], &ok);
        free(list);
        if (st.exception == AVB_EX_UNSUPPORTED_OPERATION)
                outf(h, "pool %d %s (no getAllocList in this build)", pool,
                     destroy_real_pool(h, pool) ? "destroyed" : "left behind");
        else if (!destroy_real_pool(h, pool))
                failf(h, "pool %d could not be destroyed after the attack", pool);
}

bool healthy(hctx *h, char *why, size_t len)
{
        com_rdk_hal_avbuffer_HeapMetrics hm;
        com_rdk_hal_avbuffer_Pool p;
        char buf[AVB_STATUS_MESSAGE_MAX + 64];
        avb_status st;
        int64_t b = 0;
        bool ok = false;
        int8_t pool = -1;

        st = com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(h->avb, false, &hm);
        if (!avb_status_is_ok(&st)) {
                snprintf(why, len, "getHeapMetrics: %s",
                         avb_status_to_string(&st, buf, sizeof(buf)));
                return false;
        }
        st = real_pool(h, false, &pool);
        if (!avb_status_is_ok(&st)) {
                snprintf(why, len, "createAudioPool: %s",
                         avb_status_to_string(&st, buf, sizeof(buf)));
                return false;
        }
        p.handle = pool;
        st = com_rdk_hal_avbuffer_IAVBuffer_alloc(h->avb, &p, 1000, &b);
        if (avb_status_is_ok(&st))
                st = com_rdk_hal_avbuffer_IAVBuffer_free(h->avb, b, &ok);
        if (!avb_status_is_ok(&st) || !ok || !destroy_real_pool(h, pool)) {
                snprintf(why, len, "alloc/free/destroyPool: %s",
                         avb_status_to_string(&st, buf, sizeof(buf)));
                return false;
        }
        return true;
}

/* ---- attacks: the request socket ----------------------------------------- */

static void garbage(hctx *h)
{
        static const size_t sizes[] = {1, 7, 64, 4096};
        uint8_t buf[4096];
        char what[64];
        reply r;
        size_t i, j;

        srand(1234);
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
                for (j = 0; j < sizes[i]; j++)
                        buf[j] = (uint8_t)rand();
                req_roundtrip(h, buf, sizes[i], &r, 1500);
                snprintf(what, sizeof(what), "%zu random bytes", sizes[i]);
                expect_refused(h, what, &r);
        }
        req_roundtrip(h, buf, 0, &r, 1500);
        expect_refused(h, "empty message", &r);
}

static void truncated(hctx *h)
{
        pb payload = {0}, p = {0};
        request rq;
        reply r;
        size_t cut;

        pb_int(&payload, 1, 0); /* getHeapMetrics(false) */
        rq = my_request(h, 0, DESC_AVB, 1, &payload);
        frame_put(&p, &rq);
        for (cut = 1; cut < p.n; cut += (p.n / 4) + 1) {
                char what[64];

                req_roundtrip(h, p.b, cut, &r, 1500);
                snprintf(what, sizeof(what), "first %zu of %zu bytes", cut, p.n);
                expect_refused(h, what, &r);
        }
        pb_free(&p);
        /* A valid frame whose payload is a truncated createVideoPool request. */
        pb_free(&payload);
        pb_int(&payload, 1, 1);
        pb_key(&payload, 2, 2);
        pb_varint(&payload, 10); /* says 10 bytes, has 2 */
        pb_int(&payload, 1, 0);
        rq = my_request(h, 0, DESC_AVB, 2, &payload);
        send_request(h, &rq, &r, 3000);
        expect_refused(h, "createVideoPool with a truncated argument", &r);
        pb_free(&payload);
}

/* Header fields broken one at a time: byte `off` of a valid frame set to `val`. */
static const struct {
        const char *what;
        size_t off;
        uint8_t val;
} bad_headers[] = {
    {"bad magic", 3, 0x00},
    {"frame version 1 (the protobuf envelope's)", 4, 1},
    {"frame version 0x7f02", 5, 0x7f},
    {"unknown flag bits", 7, 0xfe},
    {"descriptor length 4 GiB - 1", 16, 0xff},
    {"descriptor length 16 MiB", 19, 0x01},
    {"descriptor length 512 + 1 (above AVB_DESCRIPTOR_MAX)", 17, 0x02},
    {"descriptor running past the message", 16, 0xf0},
    {"NUL inside the descriptor", FRAME_REQUEST_SIZE + 5, 0x00},
    {"NUL ending the descriptor early", FRAME_REQUEST_SIZE + 29, 0x00},
    {"4 billion fds announced", 20, 0xff},
    {"2^63 client id (no lifeline)", 31, 0x80},
};

static void bad_frame_headers(hctx *h)
{
        pb payload = {0}, p = {0};
        request rq;
        reply r;

        pb_int(&payload, 1, 0); /* getHeapMetrics(false) */
        for (size_t i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++) {
                rq = my_request(h, 0, DESC_AVB, 1, &payload);
                frame_put(&p, &rq);
                if (bad_headers[i].off < 20 || bad_headers[i].off > 23)
                        p.b[bad_headers[i].off] = bad_headers[i].val;
                else
                        memset(p.b + 20, bad_headers[i].val, 4); /* every byte of n_fds */
                if (i == 4)
                        memset(p.b + 16, 0xff, 4);
                req_roundtrip(h, p.b, p.n, &r, 1500);
                expect_refused(h, bad_headers[i].what, &r);
                pb_free(&p);
        }
        /* A descriptor of exactly AVB_DESCRIPTOR_MAX bytes: read, then an unknown interface. */
        {
                char desc[513];

                memset(desc, 'x', 512);
                desc[512] = '\0';
                rq = my_request(h, 0, desc, 1, &payload);
                send_request(h, &rq, &r, 3000);
                expect_exception(h, "descriptor of 512 bytes", &r, AVB_EX_TRANSACTION_FAILED);
        }
        pb_free(&payload);
}

static void huge_repeated(hctx *h)
{
        pb payload = {0}, range = {0}, p = {0};
        request rq;
        reply r;
        int i;

        /* IBufferCopier.copy with 60000 ranges (about 600 KB), unknown handles. */
        pb_int(&payload, 1, 1);
        pb_int(&payload, 2, 2);
        pb_int(&range, 1, 1);
        pb_int(&range, 2, 1);
        pb_int(&range, 3, 1);
        for (i = 0; i < 60000; i++)
                pb_msg(&payload, 3, &range);
        rq = my_request(h, 1, DESC_COPIER, 2, &payload);
        send_request(h, &rq, &r, 10000);
        expect_refused(h, "copy with 60000 ranges", &r);
        /* 2000 frames back to back in one message: the first one's payload is all the rest. */
        for (i = 0; i < 2000; i++) {
                rq = my_request(h, 1, DESC_COPIER, 2, &range);
                frame_put(&p, &rq);
        }
        req_roundtrip(h, p.b, p.n, &r, 3000);
        expect_refused(h, "2000 frames in one message", &r);
        pb_free(&p);
        pb_free(&payload);
        pb_free(&range);
}

static void unknown_methods(hctx *h)
{
        static const uint32_t codes[] = {0, 14, 15, 1000, 0x7fffffff, 0xffffffff, 0x00fffffd};
        char what[64];
        request rq;
        reply r;
        size_t i;

        for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
                rq = my_request(h, 0, DESC_AVB, codes[i], NULL);
                send_request(h, &rq, &r, 3000);
                snprintf(what, sizeof(what), "code 0x%x", codes[i]);
                expect_exception(h, what, &r, AVB_EX_TRANSACTION_FAILED);
        }
        rq = my_request(h, 0, "com.evil.IFoo", 1, NULL);
        send_request(h, &rq, &r, 3000);
        expect_refused(h, "wrong descriptor", &r);
        rq = my_request(h, 0, DESC_COPIER, 1, NULL);
        send_request(h, &rq, &r, 3000);
        expect_refused(h, "another interface's descriptor on object 0", &r);
        rq = my_request(h, 99, DESC_AVB, 1, NULL);
        send_request(h, &rq, &r, 3000);
        expect_refused(h, "object 99", &r);
        rq = my_request(h, 0xffffffff, DESC_AVB, 1, NULL);
        send_request(h, &rq, &r, 3000);
        expect_refused(h, "object 2^32-1", &r);
}

static void bad_identity(hctx *h)
{
        request rq = my_request(h, 0, DESC_AVB, 1, NULL);
        reply r;

        rq.incarnation = h->incarnation + 12345;
        send_request(h, &rq, &r, 3000);
        expect_refused(h, "stale incarnation", &r);
        rq = my_request(h, 0, DESC_AVB, 1, NULL);
        rq.client_id = 0x1234567890abcdefull;
        send_request(h, &rq, &r, 3000);
        expect_refused(h, "client without a lifeline", &r);
        rq.client_id = 0;
        send_request(h, &rq, &r, 3000);
        expect_refused(h, "client id 0", &r);
}

/* Sends one IAVBuffer call with a hand-built payload; expects a refusal. */
static void absurd_call(hctx *h, uint32_t code, const pb *payload, const char *what)
{
        request rq = my_request(h, 0, DESC_AVB, code, payload);
        reply r;

        send_request(h, &rq, &r, 5000);
        expect_refused(h, what, &r);
}

static void pb_pool(pb *p, unsigned field, int64_t handle)
{
        pb m = {0};

        pb_int(&m, 1, handle);
        pb_msg(p, field, &m);
        pb_free(&m);
}

static void pb_listener(pb *p, unsigned field, const char *endpoint, uint32_t object_id)
{
        pb m = {0};

        pb_bytes(&m, 1, endpoint, strlen(endpoint));
        pb_int(&m, 2, object_id);
        pb_msg(p, field, &m);
        pb_free(&m);
}

/*
 * createAudioPool with a hand-made listener reference: refused, with exception
 * `want` unless it is -1 (any refusal), or, if `may_succeed`, served.
 */
static void create_with_listener(hctx *h, const char *endpoint, uint32_t object_id,
                                 const char *what, bool may_succeed, int32_t want)
{
        pb p = {0};
        request rq;
        reply r;

        pb_int(&p, 1, 0);
        pb_pool(&p, 2, 0); /* IAudioDecoder.Id {value 0}: same shape as Pool */
        pb_listener(&p, 3, endpoint, object_id);
        rq = my_request(h, 0, DESC_AVB, 3, &p);
        send_request(h, &rq, &r, 5000);
        pb_free(&p);
        if (may_succeed && r.got && r.decoded && r.exception == AVB_EX_NONE) {
                char d[200];

                outf(h, "%s: %s (pool created)", what, describe_reply(&r, d, sizeof(d)));
                return;
        }
        if (want >= 0)
                expect_exception(h, what, &r, want);
        else
                expect_refused(h, what, &r);
}

static void absurd_arguments(hctx *h)
{
        static const int64_t pools[] = {128, 1000, -129, INT32_MIN, INT32_MAX, INT64_MAX};
        char what[96], longpath[400];
        int8_t pool = -1;
        int dir_len;
        pb p = {0};
        size_t i;

        avb_status st = real_pool(h, false, &pool);

        if (!avb_status_is_ok(&st)) {
                failf(h, "cannot make a pool to attack");
                return;
        }
        for (i = 0; i < sizeof(pools) / sizeof(pools[0]); i++) {
                pb_pool(&p, 1, pools[i]);
                pb_int(&p, 2, 100);
                snprintf(what, sizeof(what), "alloc from pool %lld", (long long)pools[i]);
                absurd_call(h, 7, &p, what);
                pb_free(&p);
        }
        pb_pool(&p, 1, pool);
        pb_int(&p, 2, (int64_t)1 << 40); /* int32 field out of range */
        absurd_call(h, 7, &p, "alloc of 2^40 bytes (int32 out of range)");
        pb_free(&p);
        pb_pool(&p, 1, pool);
        pb_int(&p, 2, INT32_MIN);
        absurd_call(h, 7, &p, "alloc of INT32_MIN bytes");
        pb_free(&p);
        pb_int(&p, 1, 0); /* alloc without a pool */
        absurd_call(h, 7, &p, "alloc without a pool argument");
        pb_free(&p);
        pb_int(&p, 1, INT64_MIN);
        pb_int(&p, 2, INT32_MIN);
        absurd_call(h, 9, &p, "trimSize(INT64_MIN, INT32_MIN)");
        pb_free(&p);
        pb_int(&p, 1, 7);
        absurd_call(h, 4, &p, "destroyPool with a varint where a message belongs");
        pb_free(&p);
        pb_int(&p, 1, 1);
        pb_pool(&p, 2, INT32_MIN);
        pb_listener(&p, 3, h->url, 0);
        absurd_call(h, 2, &p, "createVideoPool(id INT32_MIN)");
        pb_free(&p);
        pb_int(&p, 1, 0);
        pb_pool(&p, 2, 0);
        absurd_call(h, 3, &p, "createAudioPool without a listener");
        pb_free(&p);
        /* Listener endpoints nobody should dial: too long for a socket, or not ipc. */
        memset(longpath, 'x', sizeof(longpath) - 1);
        memcpy(longpath, "ipc:///tmp/", 11);
        longpath[sizeof(longpath) - 1] = 0;
        create_with_listener(h, longpath, 0, "listener at a 400-byte ipc path", false,
                             AVB_EX_ILLEGAL_ARGUMENT);
        longpath[120] = 0;
        create_with_listener(h, longpath, 0, "listener at a 114-byte ipc path", false,
                             AVB_EX_ILLEGAL_ARGUMENT);
        create_with_listener(h, "tcp://127.0.0.1:9", 0, "listener at tcp://", false, -1);
        create_with_listener(h, "", 0, "listener at an empty endpoint", false, -1);
        create_with_listener(h, "ipc://", 0, "listener at 'ipc://'", false, -1);
        create_with_listener(h, "inproc://x", 0, "listener at inproc://", false, -1);
        /* The server's own endpoint as a listener: it must not call itself into trouble. */
        create_with_listener(h, h->url, 0, "listener = the server's own IAVBuffer", true, -1);
        /* Objects that are not the caller's to pass: outside the socket directory ... */
        create_with_listener(h, "ipc:///nonexistent/dir/sock", 5, "listener at a dead path", false,
                             AVB_EX_SECURITY);
        dir_len = (int)(strrchr(h->url, '/') - h->url);
        snprintf(longpath, sizeof(longpath), "%.*s/../elsewhere", dir_len, h->url);
        create_with_listener(h, longpath, 0, "listener out of the socket directory by '..'", false,
                             AVB_EX_SECURITY);
        /* ... or another process's callback endpoint (pid 1's). */
        snprintf(longpath, sizeof(longpath), "%.*s/cb-1-0123456789abcdef", dir_len, h->url);
        create_with_listener(h, longpath, 0, "listener on another process's callback endpoint",
                             false, AVB_EX_SECURITY);
        destroy_real_pool(h, pool);
}

static void oversize(hctx *h)
{
        size_t big = 2 * MAX_MESSAGE;
        uint8_t *junk = calloc(1, big);
        pb payload = {0};
        request rq;
        reply r;

        if (!junk)
                abort();
        req_roundtrip(h, junk, big, &r, 1500);
        expect_refused(h, "2 MiB frame", &r);
        /* A frame whose payload is just above the message limit. */
        pb_raw(&payload, junk, MAX_MESSAGE + 1);
        rq = my_request(h, 1, DESC_COPIER, 1, &payload);
        send_request(h, &rq, &r, 5000);
        expect_refused(h, "payload of limit + 1 bytes", &r);
        free(junk);
        pb_free(&payload);
}

/* IBufferCopier.copy(b, b, {src, dst, size}) on object 1: must be refused. */
static void copier_copy(hctx *h, int64_t b, int32_t src, int32_t dst, int32_t size,
                        const char *what)
{
        pb payload = {0}, range = {0};
        request rq;
        reply r;

        pb_int(&payload, 1, b);
        pb_int(&payload, 2, b);
        pb_int(&range, 1, src);
        pb_int(&range, 2, dst);
        pb_int(&range, 3, size);
        pb_msg(&payload, 3, &range);
        rq = my_request(h, 1, DESC_COPIER, 2, &payload);
        send_request(h, &rq, &r, 5000);
        expect_refused(h, what, &r);
        pb_free(&payload);
        pb_free(&range);
}

/* IBufferCopier.write(b, offset, data): must be refused. */
static void copier_write(hctx *h, int64_t b, int32_t offset, const char *data, size_t len,
                         const char *what)
{
        pb payload = {0};
        request rq;
        reply r;

        pb_int(&payload, 1, b);
        pb_int(&payload, 2, offset);
        pb_bytes(&payload, 3, data, len);
        rq = my_request(h, 1, DESC_COPIER, 1, &payload);
        send_request(h, &rq, &r, 5000);
        expect_refused(h, what, &r);
        pb_free(&payload);
}

static void copier_overflow(hctx *h)
{
        com_rdk_hal_avbuffer_Pool p;
        int8_t pool = -1;
        int64_t b = 0;
        avb_status st;
        bool ok;

        st = real_pool(h, false, &pool);
        if (avb_status_is_ok(&st)) {
                p.handle = pool;
                st = com_rdk_hal_avbuffer_IAVBuffer_alloc(h->avb, &p, 4096, &b);
        }
        if (!avb_status_is_ok(&st)) {
                failf(h, "cannot make a buffer to attack");
                return;
        }
        /* Offsets that wrap around 2^32 when added to the size. */
        copier_copy(h, b, -16, 0, 32, "copy from offset -16 (wraps)");
        copier_copy(h, b, 0, 16, INT32_MAX, "copy of INT32_MAX bytes");
        copier_copy(h, b, 4000, 0, 200, "copy of a range past the end");
        copier_write(h, b, INT32_MIN, "x", 1, "write at offset INT32_MIN");
        copier_write(h, b, 4095, "xy", 2, "write 2 bytes at offset 4095 of 4096");
        st = com_rdk_hal_avbuffer_IAVBuffer_free(h->avb, b, &ok);
        if (!avb_status_is_ok(&st) || !ok)
                failf(h, "the attacked buffer could not be freed");
        destroy_real_pool(h, pool);
}

static void duplicate_request(hctx *h)
{
        com_rdk_hal_avbuffer_PoolMetrics pm;
        com_rdk_hal_avbuffer_Pool p;
        int8_t pool = -1;
        pb payload = {0};
        request rq;
        reply r1, r2;
        avb_status st;
        char d[200];

        st = real_pool(h, false, &pool);
        if (!avb_status_is_ok(&st)) {
                failf(h, "cannot make a pool");
                return;
        }
        /*
         * The same alloc twice with one request id: on nanomsg it must run
         * once (the resend cache). On unix:// it is the client's own second
         * call: the transport never resends, has no such cache, and both run.
         */
        pb_pool(&payload, 1, pool);
        pb_int(&payload, 2, 1000);
        rq = my_request(h, 0, DESC_AVB, 7, &payload);
        send_request(h, &rq, &r1, 5000);
        send_request(h, &rq, &r2, 5000);
        outf(h, "first: %s", describe_reply(&r1, d, sizeof(d)));
        outf(h, "replayed: %s", describe_reply(&r2, d, sizeof(d)));
        if (r1.has_result && r2.has_result)
                outf(h, "%s handle", r1.result == r2.result ? "the same" : "a different");
        p.handle = pool;
        st = com_rdk_hal_avbuffer_IAVBuffer_getPoolMetrics(h->avb, &p, &pm);
        if (avb_status_is_ok(&st)) {
                int want = h->is_unix ? 2048 : 1024;

                outf(h, "pool bytesUsed %d", pm.bytesUsed);
                if (pm.bytesUsed != want)
                        failf(h, "a replayed alloc ran %s (bytesUsed %d)",
                              h->is_unix ? "other than twice" : "twice", pm.bytesUsed);
        }
        if (r1.has_result) {
                bool ok;

                com_rdk_hal_avbuffer_IAVBuffer_free(h->avb, r1.result, &ok);
                if (h->is_unix && r2.has_result && r2.result != r1.result)
                        com_rdk_hal_avbuffer_IAVBuffer_free(h->avb, r2.result, &ok);
        }
        free_all_and_destroy(h, pool);
        pb_free(&payload);
}

/* A request id far ahead of this client's own: its later calls must still run. */
static void far_request_id(hctx *h)
{
        pb payload = {0};
        request rq;
        reply r;
        char d[200];
        int i, refused = 0;

        pb_int(&payload, 1, 0); /* getHeapMetrics(false) */
        rq = my_request(h, 0, DESC_AVB, 1, &payload);
        rq.request_id += UINT64_C(1) << 40;
        send_request(h, &rq, &r, 3000);
        outf(h, "request id +2^40: %s", describe_reply(&r, d, sizeof(d)));
        for (i = 0; i < 20; i++) {
                rq = my_request(h, 0, DESC_AVB, 1, &payload);
                send_request(h, &rq, &r, 3000);
                if (!r.got || !r.decoded || r.exception != AVB_EX_NONE) {
                        if (!refused++)
                                outf(h, "the next call: %s", describe_reply(&r, d, sizeof(d)));
                }
        }
        outf(h, "%d of the next 20 calls refused", refused);
        if (refused)
                failf(h, "one far request id made the client's next calls count as resends");
        pb_free(&payload);
}

/* ---- attacks: raw sockets -------------------------------------------------- */

static void raw_req(hctx *h)
{
        int s = nn_open(h, AF_SP_RAW, NN_REQ, h->url), n, i, ms = 1500 * h->scale;
        uint8_t buf[600];
        void *msg = NULL;
        pb p = {0}, payload = {0};
        request rq;
        reply r;

        if (s < 0) {
                failf(h, "raw socket: %s", nn_strerror(nn_errno()));
                return;
        }
        nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &ms, sizeof(ms));
        /* No routing header at all (first word without its top bit). */
        memset(buf, 0, 64);
        nn_send(s, buf, 64, 0);
        n = nn_recv(s, &msg, NN_MSG, 0);
        outf(h, "no routing header: %s", n >= 0 ? "answered" : "dropped");
        if (n >= 0)
                nn_freemsg(msg);
        /* A 300-byte backtrace (75 hops): more than the server keeps. */
        for (i = 0; i < 75; i++) {
                buf[4 * i] = i == 74 ? 0x80 : 0x00;
                buf[4 * i + 1] = 0;
                buf[4 * i + 2] = 0;
                buf[4 * i + 3] = (uint8_t)(i + 1);
        }
        pb_int(&payload, 1, 0);
        rq = my_request(h, 0, DESC_AVB, 1, &payload);
        frame_put(&p, &rq);
        memcpy(buf + 300, p.b, p.n);
        nn_send(s, buf, 300 + p.n, 0);
        n = nn_recv(s, &msg, NN_MSG, 0);
        outf(h, "300-byte routing header: %s", n >= 0 ? "answered" : "dropped");
        if (n >= 0)
                nn_freemsg(msg);
        /* A proper one-hop header and request: answered. */
        buf[0] = 0x80;
        buf[1] = 0;
        buf[2] = 0;
        buf[3] = 7;
        memcpy(buf + 4, p.b, p.n);
        nn_send(s, buf, 4 + p.n, 0);
        n = nn_recv(s, &msg, NN_MSG, 0);
        if (n >= 4) {
                /* The routing header may or may not come with the body. */
                decode_reply(msg, (size_t)n, &r);
                if (!r.decoded || r.request_id != rq.request_id)
                        decode_reply((uint8_t *)msg + 4, (size_t)n - 4, &r);
                outf(h, "one-hop header: %s", describe_reply(&r, (char[200]){0}, 200));
                nn_freemsg(msg);
        } else {
                failf(h, "a well-formed raw request got no reply");
        }
        /* 2000 requests without reading a reply. */
        for (i = 0; i < 2000; i++) {
                buf[3] = (uint8_t)i;
                if (nn_send(s, buf, 4 + p.n, NN_DONTWAIT) < 0)
                        break;
        }
        outf(h, "%d requests queued unread", i);
        pb_free(&p);
        pb_free(&payload);
        nn_close(s);
}

static void oneway_socket(hctx *h)
{
        char url[160];
        uint8_t junk[256];
        pb p = {0}, payload = {0};
        request rq;
        int s, i;
        int8_t pool = -1;
        avb_status st;

        snprintf(url, sizeof(url), "%s.1w", h->url);
        s = nn_open(h, AF_SP, NN_PUSH, url);
        if (s < 0) {
                failf(h, "push socket: %s", nn_strerror(nn_errno()));
                return;
        }
        for (i = 0; i < (int)sizeof(junk); i++)
                junk[i] = (uint8_t)(i * 31);
        nn_send(s, junk, sizeof(junk), 0);
        nn_send(s, junk, 0, 0);
        /* A two-way method sent as oneway must not run. */
        st = real_pool(h, false, &pool);
        if (avb_status_is_ok(&st)) {
                com_rdk_hal_avbuffer_PoolMetrics pm;
                com_rdk_hal_avbuffer_Pool ph = {.handle = pool};

                pb_pool(&payload, 1, pool);
                pb_int(&payload, 2, 1000);
                rq = my_request(h, 0, DESC_AVB, 7, &payload);
                rq.oneway = true;
                frame_put(&p, &rq);
                nn_send(s, p.b, p.n, 0);
                cf_sleep_ms(300 * h->scale); /* oneway: nothing to wait for */
                st = com_rdk_hal_avbuffer_IAVBuffer_getPoolMetrics(h->avb, &ph, &pm);
                /* Run, its reply (the handle) would be dropped and the buffer lost. */
                if (avb_status_is_ok(&st)) {
                        outf(h, "alloc sent oneway: %s (pool bytesUsed %d)",
                             pm.bytesUsed ? "ran, its handle lost" : "not run", pm.bytesUsed);
                        if (pm.bytesUsed)
                                failf(h, "a two-way method sent oneway was run");
                }
                free_all_and_destroy(h, pool);
        }
        /* A frame that says oneway on the two-way socket. */
        {
                request two = my_request(h, 0, DESC_AVB, 1, NULL);
                reply r;

                two.oneway = true;
                send_request(h, &two, &r, 3000);
                expect_exception(h, "a oneway frame on the request socket", &r,
                                 AVB_EX_TRANSACTION_FAILED);
        }
        outf(h, "garbage and empty oneway messages sent");
        pb_free(&p);
        pb_free(&payload);
        nn_close(s);
}

/* nanomsg's ipc framing by hand: 8-byte SP header, then {type, u64 size, body}. */
static int ipc_stream(hctx *h, bool handshake)
{
        static const uint8_t sp_req[8] = {0x00, 'S', 'P', 0x00, 0x00, 0x30, 0x00, 0x00};
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        uint8_t peer[8];

        if (fd < 0)
                return -errno;
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", h->path);
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                close(fd);
                return -errno;
        }
        if (handshake) {
                if (send(fd, sp_req, sizeof(sp_req), MSG_NOSIGNAL) != sizeof(sp_req) ||
                    life_wait(h, fd, peer, sizeof(peer), 3000) != sizeof(peer)) {
                        close(fd);
                        return -EPROTO;
                }
        }
        return fd;
}

static const char *stream_fate(hctx *h, int fd, char *buf, size_t len)
{
        uint8_t tmp[64];
        ssize_t n = life_wait(h, fd, tmp, sizeof(tmp), 1500);

        if (n == 0 || n == -ECONNRESET)
                snprintf(buf, len, "connection closed by the server");
        else if (n == -ETIMEDOUT)
                snprintf(buf, len, "connection left open, nothing sent back");
        else if (n < 0)
                snprintf(buf, len, "recv: %s", strerror((int)-n));
        else
                snprintf(buf, len, "%zd bytes back", n);
        return buf;
}

static void ipc_framing(hctx *h)
{
        static const uint8_t bad_hdr[8] = {0x01, 'X', 'Y', 0x00, 0x00, 0x31, 0x00, 0x00};
        uint8_t frame[9 + 16];
        char d[96];
        int fd;

        fd = ipc_stream(h, false);
        if (fd >= 0) {
                (void)!send(fd, bad_hdr, sizeof(bad_hdr), MSG_NOSIGNAL);
                outf(h, "bad SP header: %s", stream_fate(h, fd, d, sizeof(d)));
                close(fd);
        }
        fd = ipc_stream(h, true);
        if (fd >= 0) {
                frame[0] = 1; /* normal message */
                memset(frame + 1, 0xff, 8);
                (void)!send(fd, frame, 9, MSG_NOSIGNAL);
                outf(h, "frame size 2^64-1: %s", stream_fate(h, fd, d, sizeof(d)));
                close(fd);
        } else {
                outf(h, "handshake refused: %s", strerror(-fd));
        }
        fd = ipc_stream(h, true);
        if (fd >= 0) {
                frame[0] = 1;
                memset(frame + 1, 0, 8);
                frame[8] = 16;
                memset(frame + 9, 0xee, 16); /* 16 bytes of which the first 4 are a bad header */
                (void)!send(fd, frame, sizeof(frame), MSG_NOSIGNAL);
                outf(h, "16-byte garbage frame: %s", stream_fate(h, fd, d, sizeof(d)));
                close(fd);
        }
        fd = ipc_stream(h, false);
        if (fd >= 0) {
                outf(h, "connect without handshake: %s", stream_fate(h, fd, d, sizeof(d)));
                close(fd);
        }
}

static void ipc_bad_frame_type(hctx *h)
{
        uint8_t frame[9] = {0x7f, 0, 0, 0, 0, 0, 0, 0, 0};
        char d[96];
        int fd = ipc_stream(h, true);

        if (fd < 0) {
                outf(h, "handshake refused: %s", strerror(-fd));
                return;
        }
        (void)!send(fd, frame, sizeof(frame), MSG_NOSIGNAL);
        outf(h, "frame type 0x7f: %s", stream_fate(h, fd, d, sizeof(d)));
        close(fd);
        cf_sleep_ms(300 * h->scale);
}

/* ---- attacks: lifelines ------------------------------------------------------ */

static void lifeline_junk(hctx *h)
{
        uint8_t junk[100], ans[64];
        life_hello hello;
        char d[96];
        ssize_t n;
        int fd, i;

        for (i = 0; i < (int)sizeof(junk); i++)
                junk[i] = (uint8_t)(0xa5 ^ i);
        fd = life_connect(h);
        if (fd < 0) {
                failf(h, "connect %s.life: %s", h->path, strerror(-fd));
                return;
        }
        (void)!send(fd, junk, sizeof(junk), MSG_NOSIGNAL);
        n = life_wait(h, fd, ans, sizeof(ans), 2000);
        outf(h, "100 junk bytes: %s", life_result(n, ans, d, sizeof(d)));
        close(fd);

        fd = life_connect(h);
        hello = (life_hello){0xdeadbeef, LIFE_VERSION, 42};
        (void)!send(fd, &hello, sizeof(hello), MSG_NOSIGNAL);
        n = life_wait(h, fd, ans, sizeof(ans), 2000);
        outf(h, "wrong magic: %s", life_result(n, ans, d, sizeof(d)));
        close(fd);

        fd = life_connect(h);
        hello = (life_hello){LIFE_MAGIC, 99, 42};
        (void)!send(fd, &hello, sizeof(hello), MSG_NOSIGNAL);
        n = life_wait(h, fd, ans, sizeof(ans), 2000);
        outf(h, "version 99: %s", life_result(n, ans, d, sizeof(d)));
        close(fd);

        fd = life_connect(h);
        hello = (life_hello){LIFE_MAGIC, LIFE_VERSION, 0};
        (void)!send(fd, &hello, sizeof(hello), MSG_NOSIGNAL);
        n = life_wait(h, fd, ans, sizeof(ans), 2000);
        outf(h, "client id 0: %s", life_result(n, ans, d, sizeof(d)));
        close(fd);

        /* A good hello, then data the protocol does not allow. */
        fd = life_connect(h);
        if (life_hello_as(h, fd, 0x5151515151515151ull, (life_answer *)ans) == 0) {
                (void)!send(fd, junk, 10, MSG_NOSIGNAL);
                n = life_wait(h, fd, ans, sizeof(ans), 2000);
                outf(h, "data after the hello: %s", life_result(n, ans, d, sizeof(d)));
                if (n != 0 && n != -ECONNRESET)
                        failf(h, "a lifeline that sent data after its hello was left open");
        }
        close(fd);

        /* A 60 KiB packet. */
        fd = life_connect(h);
        {
                uint8_t *big = calloc(1, 60 * 1024);

                if (big)
                        (void)!send(fd, big, 60 * 1024, MSG_NOSIGNAL);
                free(big);
        }
        n = life_wait(h, fd, ans, sizeof(ans), 2000);
        outf(h, "60 KiB packet: %s", life_result(n, ans, d, sizeof(d)));
        close(fd);

        /* A second lifeline claiming this process's client id. */
        fd = life_connect(h);
        i = life_hello_as(h, fd, h->client_id, (life_answer *)ans);
        outf(h, "second lifeline with a live client id: %s",
             i == 0         ? "accepted"
             : i == -EACCES ? "refused"
                            : strerror(-i));
        close(fd);
}

static void lifeline_hang(hctx *h)
{
        enum { N = 200 };
        int fds[N], n = 0, i, closed = 0;
        char why[300];
        int64_t t0;

        for (i = 0; i < N; i++) {
                fds[n] = life_connect(h);
                if (fds[n] >= 0)
                        n++;
        }
        t0 = avb_now_ms();
        outf(h, "%d silent lifelines open", n);
        if (!healthy(h, why, sizeof(why)))
                failf(h, "a client is not served while %d lifelines hang: %s", n, why);
        else
                outf(h, "a real client is served meanwhile");
        /* Whoever has not said hello within 2 s is closed by the server. */
        for (i = 0; i < n; i++) {
                uint8_t b[8];
                /* 2 s from the server's accept, with room for a sanitizer build */
                int left = (int)(t0 + 5000 * h->scale - avb_now_ms()) / h->scale;

                ssize_t got = life_wait(h, fds[i], b, sizeof(b), left > 0 ? left : 0);

                if (got == 0 || got == -ECONNRESET)
                        closed++;
        }
        outf(h, "%d of them closed by the server within 5 s", closed);
        if (closed != n)
                failf(h, "%d silent lifelines were left open", n - closed);
        for (i = 0; i < n; i++)
                close(fds[i]);
}

/*
 * Holds as many silent lifelines as the server has descriptors for (its limit
 * lowered to 512 for the attack, with prlimit), then lets go.
 */
static void lifeline_exhaust(hctx *h)
{
        struct rlimit mine, old, low = {512, 512};
        int *fds, n = 0, want, i, e;
        char why[300];
        int64_t t0;

        if (h->pid <= 0 || prlimit(h->pid, RLIMIT_NOFILE, NULL, &old) < 0) {
                outf(h, "cannot read the server's descriptor limit: not attempted");
                return;
        }
        low.rlim_max = old.rlim_max;
        if (prlimit(h->pid, RLIMIT_NOFILE, &low, NULL) < 0) {
                outf(h, "cannot lower the server's descriptor limit (%s): not attempted",
                     strerror(errno));
                return;
        }
        want = (int)low.rlim_cur + 16;
        getrlimit(RLIMIT_NOFILE, &mine);
        if (mine.rlim_cur < (rlim_t)want + 64 && mine.rlim_max >= (rlim_t)want + 64) {
                mine.rlim_cur = (rlim_t)want + 64;
                setrlimit(RLIMIT_NOFILE, &mine);
        }
        fds = calloc((size_t)want, sizeof(*fds));
        if (!fds)
                abort();
        for (i = 0; i < want; i++) {
                fds[n] = life_connect(h);
                if (fds[n] >= 0)
                        n++;
        }
        outf(h, "%d silent lifelines against a limit of %d descriptors", n, (int)low.rlim_cur);
        cf_sleep_ms(500 * h->scale);
        {
                avb_binder *b = NULL;

                t0 = avb_now_ms();
                e = avb_binder_connect(h->url, 0, &b);
                outf(h, "a new client meanwhile: %s after %lld ms",
                     e == 0 ? "connected" : strerror(-e), (long long)(avb_now_ms() - t0));
                if (e == 0) {
                        com_rdk_hal_avbuffer_HeapMetrics hm;
                        char buf[AVB_STATUS_MESSAGE_MAX + 64];
                        avb_status st;

                        avb_binder_set_deadline_ms(b, 2000 * h->scale);
                        st = com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(b, false, &hm);
                        outf(h, "its first call: %s", avb_status_to_string(&st, buf, sizeof(buf)));
                        if (!avb_status_is_ok(&st))
                                failf(h, "a new client is not served while lifelines hang");
                } else {
                        failf(h, "a new client cannot connect while lifelines hang");
                }
                avb_binder_unref(b);
        }
        if (!server_alive(h))
                failf(h, "the server died while out of descriptors");
        for (i = 0; i < n; i++)
                close(fds[i]);
        free(fds);
        prlimit(h->pid, RLIMIT_NOFILE, &old, NULL);
        cf_sleep_ms(300 * h->scale);
        if (!healthy(h, why, sizeof(why)))
                failf(h, "not serving after the lifelines closed: %s", why);
        else
                outf(h, "serving again after they closed");
}

/* ---- the heap socket (PATH.heap; layout of helper/heapshare_proto.h) ---- */

#define HEAP_MAGIC 0x41564248u
#define HEAP_CONNS 300 /* more than the server has directories (256) */

typedef struct heap_req {
        uint32_t magic, op;
        int64_t handle;
} heap_req;

typedef struct heap_rep {
        uint32_t magic;
        int32_t status;
        uint32_t flags, offset, size, reserved;
} heap_rep;

/* Connects and reads the hello (its descriptors closed); the hello's status, or -errno. */
static int heap_open(hctx *h, int *ret_fd)
{
        union {
                char buf[CMSG_SPACE(4 * sizeof(int))];
                struct cmsghdr align;
        } control;
        uint8_t hello[64];
        struct iovec iov = {.iov_base = hello, .iov_len = sizeof(hello)};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        struct timeval tv = {.tv_sec = 5 * h->scale};
        int fd = suffix_connect(h, ".heap"), status;
        ssize_t n;

        if (fd < 0)
                return fd;
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n > 0 && c; c = CMSG_NXTHDR(&msg, c))
                for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
                        close(((int *)CMSG_DATA(c))[i]);
        if (n < 12) {
                close(fd);
                return n < 0 ? -errno : -EPROTO;
        }
        memcpy(&status, hello + 8, sizeof(status));
        *ret_fd = fd;
        return status;
}

/* Sends one packet and waits for one reply: its status, or -errno (-ECONNRESET: closed). */
static int heap_ask(int fd, const void *req, size_t len)
{
        heap_rep rep;
        ssize_t n;

        if (send(fd, req, len, MSG_NOSIGNAL) < 0)
                return -errno;
        n = recv(fd, &rep, sizeof(rep), 0);
        if (n <= 0)
                return n == 0 ? -ECONNRESET : -errno;
        return n == sizeof(rep) && rep.magic == HEAP_MAGIC ? rep.status : -EBADMSG;
}

static void heap_socket(hctx *h)
{
        heap_req rq = {HEAP_MAGIC, 1, 0};
        int fd, e, resolved = 0, sent = 0, held = 0, without = 0;
        static int fds[HEAP_CONNS];

        e = heap_open(h, &fd);
        if (e < 0) {
                failf(h, "heap socket: %s", strerror(-e));
                return;
        }
        e = heap_ask(fd, "abc", 3);
        outf(h, "3 junk bytes: %s", strerror(-e));
        e = heap_ask(fd, &(heap_req){HEAP_MAGIC, 77, 1ll << 32}, sizeof(heap_req));
        outf(h, "op 77: %s", strerror(-e));
        /* Forged handles: a live slot with a guessed tag must not resolve. */
        for (int i = 0; i < 2000; i++) {
                rq.handle = (int64_t)((uint64_t)(1 + i % 200) << 32 | (uint32_t)random());
                e = heap_ask(fd, &rq, sizeof(rq));
                resolved += e == 0;
                if (e != 0 && e != -ENOENT) {
                        failf(h, "forged handle %d: %s", i, strerror(-e));
                        break;
                }
        }
        outf(h, "2000 forged handles: %d resolved", resolved);
        if (resolved)
                failf(h, "a forged handle resolved on the heap socket");
        /* Lookups it never reads: the server must drop it, not wait for it. */
        rq.handle = 1ll << 32;
        while (sent < 200000 && send(fd, &rq, sizeof(rq), MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
                sent++;
        outf(h, "%d lookups sent without reading a reply", sent);
        close(fd);
        /* More connections than directories: the rest still get a hello. */
        for (int i = 0; i < HEAP_CONNS; i++) {
                fds[i] = -1;
                e = heap_open(h, &fds[i]);
                held += e == 0;
                if (e == 0 && heap_ask(fds[i], &rq, sizeof(rq)) != -ENOENT)
                        without++;
        }
        outf(h, "%d of %d connections held (%d answered a lookup wrongly)", held, HEAP_CONNS,
             without);
        if (held != HEAP_CONNS || without)
                failf(h, "connections beyond the directories were not served");
        for (int i = 0; i < HEAP_CONNS; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
}

/* ---- runner ----------------------------------------------------------------------- */

typedef struct attack {
        const char *name;
        void (*fn)(hctx *h);
        bool fatal;
        char only; /* 'n': nanomsg endpoints only, 'u': unix:// only, 0: both */
} attack;

static const attack attacks[] = {
    {"hostile.req.garbage", garbage, false},
    {"hostile.req.truncated", truncated, false},
    {"hostile.req.bad-frame-headers", bad_frame_headers, false},
    {"hostile.req.huge-repeated-fields", huge_repeated, false},
    {"hostile.req.unknown-methods-and-objects", unknown_methods, false},
    {"hostile.req.bad-identity", bad_identity, false},
    {"hostile.req.absurd-arguments", absurd_arguments, false},
    {"hostile.req.copier-offset-overflow", copier_overflow, false},
    {"hostile.req.above-size-limit", oversize, false},
    {"hostile.req.replayed-request-id", duplicate_request, false},
    {"hostile.req.far-ahead-request-id", far_request_id, false},
    {"hostile.raw.routing-headers", raw_req, false, 'n'},
    {"hostile.oneway.push-socket", oneway_socket, false, 'n'},
    {"hostile.ipc.framing", ipc_framing, false, 'n'},
    {"hostile.lifeline.junk", lifeline_junk, false},
    {"hostile.lifeline.connect-and-hang", lifeline_hang, false},
    {"hostile.lifeline.descriptor-exhaustion", lifeline_exhaust, false},
    {"hostile.heap.junk-forged-lookups-flood", heap_socket, false},
    {"hostile.unix.truncated-packets", unix_truncated, false, 'u'},
    {"hostile.unix.oversized", unix_oversized, false, 'u'},
    {"hostile.unix.garbage-headers", unix_garbage_headers, false, 'u'},
    {"hostile.unix.fragments-out-of-order", unix_out_of_order, false, 'u'},
    {"hostile.unix.unexpected-fds", unix_unexpected_fds, false, 'u'},
    {"hostile.unix.too-many-fds-ctrunc", unix_too_many_fds, false, 'u'},
    {"hostile.unix.flood-while-another-is-served", unix_flood, false, 'u'},
    {"hostile.unix.never-reads-replies", unix_never_reads, false, 'u'},
    /* nanomsg only: the unix transport has no such abort (its framing is ours). */
    {"hostile.ipc.bad-frame-type", ipc_bad_frame_type, true, 'n'},
};

static int find_endpoint(hctx *h, const char *endpoint)
{
        avb_binder *sm = NULL;
        char *ep = NULL, *base = NULL;
        uint32_t obj = 0;
        avb_status st;
        int e;

        if (!endpoint) {
                e = avb_sm_connect(&sm);
                if (e < 0)
                        return e;
                avb_binder_set_deadline_ms(sm, 15000);
                st = avb_servicemanager_IServiceManager_waitForService(sm, "AVBuffer", 10000, &ep);
                avb_binder_unref(sm);
                if (!avb_status_is_ok(&st) || !ep) {
                        free(ep);
                        return -ENOENT;
                }
                endpoint = ep;
        }
        e = avb_endpoint_split(endpoint, &base, &obj);
        free(ep);
        if (e < 0)
                return e;
        h->is_unix = !strncmp(base, "unix://", 7);
        size_t skip = h->is_unix ? 7 : 6;
        if ((!h->is_unix && strncmp(base, "ipc://", 6)) ||
            strlen(base) - skip >= sizeof(h->path) - 8) {
                free(base);
                return -EINVAL;
        }
        snprintf(h->url, sizeof(h->url), "%s", base);
        snprintf(h->path, sizeof(h->path), "%s", base + skip);
        free(base);
        return avb_binder_connect(h->url, obj, &h->avb);
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"endpoint", required_argument, NULL, 'e'},
            {"pid", required_argument, NULL, 'p'},
            {"time-scale", required_argument, NULL, 't'},
            {"include-fatal", no_argument, NULL, 'f'},
            {"list", no_argument, NULL, 'l'},
            {0},
        };
        static hctx H;
        hctx *h = &H;
        const char *endpoint = NULL, *env;
        bool fatal = false, list = false, dead = false;
        int opt, passed = 0, failed = 0, skipped = 0, e, i;
        life_answer ans;
        size_t k;

        h->scale = 1;
        env = getenv("AVB_AVBUFFERD_PID");
        h->pid = env ? atoi(env) : 0;
        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (opt) {
                case 'e':
                        endpoint = optarg;
                        break;
                case 'p':
                        h->pid = atoi(optarg);
                        break;
                case 't':
                        h->scale = atoi(optarg) > 0 ? atoi(optarg) : 1;
                        break;
                case 'f':
                        fatal = true;
                        break;
                case 'l':
                        list = true;
                        break;
                default:
                        fprintf(stderr, "usage: avbuffer-hostile [--endpoint EP] [--pid PID] "
                                        "[--time-scale N] [--include-fatal] [--list] "
                                        "[PATTERN...]\n");
                        return 2;
                }
        }
        if (list) {
                for (k = 0; k < sizeof(attacks) / sizeof(attacks[0]); k++)
                        printf("%s%s%s\n", attacks[k].name,
                               attacks[k].fatal ? " (only with --include-fatal)" : "",
                               attacks[k].only == 'n'   ? " (nanomsg endpoints only)"
                               : attacks[k].only == 'u' ? " (unix:// endpoints only)"
                                                        : "");
                return 0;
        }
        signal(SIGPIPE, SIG_IGN);
        e = find_endpoint(h, endpoint);
        if (e < 0) {
                fprintf(stderr, "avbuffer-hostile: cannot reach the service: %s\n", strerror(-e));
                printf("0 passed, 1 failed, 0 skipped\n");
                return 1;
        }
        /* An identity of our own for hand-made frames. */
        h->client_id = 0x600df00d00000000ull | (uint64_t)getpid();
        h->life_fd = life_connect(h);
        if (h->life_fd < 0 || life_hello_as(h, h->life_fd, h->client_id, &ans) < 0) {
                fprintf(stderr, "avbuffer-hostile: no lifeline to %s.life\n", h->path);
                printf("0 passed, 1 failed, 0 skipped\n");
                return 1;
        }
        h->incarnation = ans.incarnation;
        h->next_request = 1000;

        for (k = 0; k < sizeof(attacks) / sizeof(attacks[0]); k++) {
                const attack *a = &attacks[k];
                char why[300];
                bool sel = optind >= argc;

                for (i = optind; i < argc && !sel; i++)
                        sel = !fnmatch(argv[i], a->name, 0);
                if (!sel)
                        continue;
                if (a->only && (a->only == 'u') != h->is_unix) {
                        printf("SKIP %s: %s\n", a->name,
                               a->only == 'u' ? "unix:// endpoints only"
                                              : "nanomsg endpoints only (no such socket on "
                                                "unix://)");
                        skipped++;
                        continue;
                }
                if (dead || (a->fatal && !fatal)) {
                        printf("SKIP %s: %s\n", a->name,
                               dead ? "the server is dead"
                                    : "aborts the server inside nanomsg; run with --include-fatal");
                        skipped++;
                        continue;
                }
                h->out[0] = 0;
                h->failed = false;
                a->fn(h);
                if (!server_alive(h)) {
                        failf(h, "the server process %d died", (int)h->pid);
                        dead = true;
                } else if (!healthy(h, why, sizeof(why))) {
                        failf(h, "a real client is not served afterwards: %s", why);
                }
                printf("%s %s: %s%s%s\n", h->failed ? "FAIL" : "PASS", a->name, h->out,
                       h->failed ? " -- " : "", h->failed ? h->why : "");
                fflush(stdout);
                if (h->failed)
                        failed++;
                else
                        passed++;
        }
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
        close(h->life_fd);
        avb_binder_unref(h->avb);
        return failed ? 1 : 0;
}
