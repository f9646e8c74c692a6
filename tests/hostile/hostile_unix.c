/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile packets against a unix:// endpoint (the unix transport of
 * stubs/uconn.h). Each attack opens a connection of its own with a client id
 * of its own, says hello, then breaks the framing. What must hold: the
 * attacker's connection gets an error or is closed, every fd it sent is
 * closed by the server (we keep the write end of a pipe whose read end we
 * sent: once no process holds the read end, a write fails with EPIPE), and
 * afterwards the runner checks that the server lives and a real client is
 * served. The framing is written by hand here, so every rule can be broken.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cf_time.h"
#include "com_rdk_hal_avbuffer.h"
#include "hostile.h"

/* The transport's wire (stubs/uconn.h), restated. */
#define UFRAG_MAGIC 0x55425641u
#define UFRAG_BYTES (128u * 1024)

typedef struct ufrag {
        uint32_t magic, total, offset, n_fds;
} ufrag;

/* Sends one packet: a header, `len` body bytes, and fds (SCM_RIGHTS) if any. */
static int packet(int fd, const ufrag *hd, const void *body, size_t len, const int *fds,
                  size_t n_fds)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * 253)];
                struct cmsghdr align;
        } ctl;
        struct iovec iov[2] = {{(void *)hd, hd ? sizeof(*hd) : 0}, {(void *)body, len}};
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};

        if (n_fds) {
                memset(&ctl, 0, sizeof(ctl));
                mh.msg_control = ctl.buf;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
                memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
        }
        return sendmsg(fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* Sends a message as the transport frames it (fds on the first fragment). */
static int message(int fd, const void *buf, size_t len, const int *fds, size_t n_fds)
{
        size_t off = 0;

        do {
                size_t n = len - off < UFRAG_BYTES ? len - off : UFRAG_BYTES;
                ufrag hd = {UFRAG_MAGIC, (uint32_t)len, (uint32_t)off, off ? 0 : (uint32_t)n_fds};
                int e = packet(fd, &hd, (const uint8_t *)buf + off, n, off ? NULL : fds,
                               off ? 0 : n_fds);
                if (e < 0)
                        return e;
                off += n;
        } while (off < len);
        return 0;
}

/* Reads one reply message (unfragmented: ours are small): body bytes, 0 closed, -errno. */
static ssize_t reply_packet(hctx *h, int fd, uint8_t *buf, size_t cap, int ms)
{
        ufrag hd;
        struct iovec iov[2] = {{&hd, sizeof(hd)}, {buf, cap}};
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
        struct pollfd pfd = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&pfd, 1, ms * h->scale) <= 0)
                return -ETIMEDOUT;
        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return errno == ECONNRESET ? 0 : -errno;
        if (n == 0)
                return 0;
        if ((size_t)n < sizeof(hd) || hd.magic != UFRAG_MAGIC)
                return -EBADMSG;
        return n - (ssize_t)sizeof(hd);
}

/* A connection that said hello as `cid`: its fd, or -errno. */
static int attacker(hctx *h, uint64_t cid)
{
        life_answer a;
        int fd = life_connect(h), e;

        if (fd < 0)
                return fd;
        e = life_hello_as(h, fd, cid, &a);
        if (e < 0) {
                close(fd);
                return e;
        }
        return fd;
}

static uint64_t attacker_id(unsigned k)
{
        return 0xbad0000000000000ull | (uint64_t)getpid() << 8 | k;
}

/* Replaces our own connection (the server closed it): hello again, new incarnation. */
static void reconnect(hctx *h)
{
        int64_t until = avb_now_ms() + 5000 * h->scale;
        life_answer a;

        if (h->life_fd >= 0)
                close(h->life_fd);
        h->life_fd = -1;
        while (avb_now_ms() < until) {
                int fd = life_connect(h);

                /* Refused while the server still holds the old one: try again. */
                if (fd >= 0 && life_hello_as(h, fd, h->client_id, &a) == 0) {
                        h->life_fd = fd;
                        h->incarnation = a.incarnation;
                        return;
                }
                if (fd >= 0)
                        close(fd);
                cf_sleep_ms(50);
        }
        failf(h, "our own connection could not be made again after the server closed it");
}

void unix_roundtrip(hctx *h, const void *buf, size_t len, reply *r, int wait_ms)
{
        static uint8_t in[64 * 1024];
        ssize_t n;

        if (h->life_fd < 0)
                reconnect(h);
        if (h->life_fd < 0)
                return;
        if (message(h->life_fd, buf, len, NULL, 0) < 0) {
                outf(h, "send failed: %s", strerror(errno));
                reconnect(h);
                return;
        }
        n = reply_packet(h, h->life_fd, in, sizeof(in), wait_ms);
        if (n > 0) {
                decode_reply(in, (size_t)n, r);
                return;
        }
        if (n == 0 || n == -EBADMSG)
                outf(h, "connection closed");
        /* Closed, or a reply may still come late: start afresh for the next request. */
        reconnect(h);
}

/* Waits until the server closes `fd` (replies read and dropped): true if it did. */
static bool closed_by_server(hctx *h, int fd, int ms)
{
        int64_t until = avb_now_ms() + (int64_t)ms * h->scale;
        static uint8_t sink[UFRAG_BYTES + 64];

        while (avb_now_ms() < until) {
                struct pollfd pfd = {fd, POLLIN, 0};
                ssize_t n;

                if (poll(&pfd, 1, 100) <= 0)
                        continue;
                n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
                if (n == 0 || (n < 0 && errno == ECONNRESET))
                        return true;
        }
        return false;
}

/* One broken message on a fresh connection; the connection must be closed. */
static void expect_closed(hctx *h, int fd, const char *what)
{
        bool c = closed_by_server(h, fd, 3000);

        outf(h, "%s: %s", what, c ? "closed" : "left open");
        if (!c)
                failf(h, "%s: the connection was left open", what);
        close(fd);
}

/* A fresh attacker that sends `n` bytes of header+body as one packet, then must be closed. */
static void bad_packet(hctx *h, unsigned k, const char *what, const ufrag *hd, const void *body,
                       size_t len)
{
        int fd = attacker(h, attacker_id(k));

        if (fd < 0) {
                failf(h, "%s: connect: %s", what, strerror(-fd));
                return;
        }
        (void)packet(fd, hd, body, len, NULL, 0);
        expect_closed(h, fd, what);
}

/* A well-formed isValid request of client `cid` (incarnation unknown: left out). */
static void is_valid_request(pb *out, uint64_t cid, uint64_t rid)
{
        pb payload = {0};
        request rq = {
            .client_id = cid,
            .request_id = rid,
            .descriptor = "com.rdk.hal.avbuffer.IAVBuffer",
            .code = com_rdk_hal_avbuffer_IAVBuffer_TRANSACTION_isValid,
        };

        pb_int(&payload, 1, 12345);
        rq.payload = payload.b;
        rq.payload_len = payload.n;
        frame_put(out, &rq);
        pb_free(&payload);
}

void unix_truncated(hctx *h)
{
        static uint8_t body[100];
        ufrag hd = {UFRAG_MAGIC, 100, 0, 0};
        int fd;

        bad_packet(h, 1, "3-byte packet", NULL, "abc", 3);
        /* Says 100 bytes, brings 10 and is not a full fragment: nothing more may follow. */
        bad_packet(h, 2, "header of 100 bytes with 10", &hd, body, 10);
        bad_packet(h, 3, "header alone", &hd, NULL, 0);
        /* The connection closes in the middle of a message. */
        hd.total = 3 * UFRAG_BYTES;
        fd = attacker(h, attacker_id(4));
        if (fd >= 0) {
                static uint8_t frag[UFRAG_BYTES];
                int sz = 1 << 20;

                setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
                (void)packet(fd, &hd, frag, sizeof(frag), NULL, 0);
                close(fd);
                outf(h, "closed after 1 of 3 fragments");
        }
}

void unix_oversized(hctx *h)
{
        static uint8_t big[2 * UFRAG_BYTES];
        ufrag hd = {UFRAG_MAGIC, 64u << 20, 0, 0};
        int sz = 4 << 20, fd;

        /* Announces 64 MiB, above the message limit: refused before any allocation. */
        bad_packet(h, 10, "a 64 MiB message announced", &hd, big, UFRAG_BYTES);
        hd.total = UINT32_MAX;
        bad_packet(h, 11, "a 4 GiB message announced", &hd, big, UFRAG_BYTES);
        /* One packet above a fragment's size: the server's read is truncated. */
        fd = attacker(h, attacker_id(12));
        if (fd < 0) {
                failf(h, "connect: %s", strerror(-fd));
                return;
        }
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
        hd.total = sizeof(big);
        if (packet(fd, &hd, big, sizeof(big), NULL, 0) < 0)
                outf(h, "a 256 KiB packet: the kernel refused it (%s)", strerror(errno));
        expect_closed(h, fd, "256 KiB in one packet");
}

void unix_garbage_headers(hctx *h)
{
        pb p = {0};
        uint8_t junk[64];
        ufrag hd;

        is_valid_request(&p, attacker_id(20), 1);
        hd = (ufrag){0xdeadbeef, (uint32_t)p.n, 0, 0};
        bad_packet(h, 20, "wrong magic on a valid request", &hd, p.b, p.n);
        for (size_t i = 0; i < sizeof(junk); i++)
                junk[i] = (uint8_t)(0x5a ^ (i * 37));
        bad_packet(h, 21, "64 bytes of garbage", NULL, junk, sizeof(junk));
        hd = (ufrag){UFRAG_MAGIC, 4, 0, 0};
        bad_packet(h, 22, "body longer than its total", &hd, p.b, p.n);
        hd = (ufrag){UFRAG_MAGIC, (uint32_t)p.n, 0, 5};
        bad_packet(h, 23, "5 fds announced, none sent", &hd, p.b, p.n);
        pb_free(&p);
}

void unix_out_of_order(hctx *h)
{
        static uint8_t frag[UFRAG_BYTES];
        ufrag hd = {UFRAG_MAGIC, 3 * UFRAG_BYTES, UFRAG_BYTES, 0};
        int sz = 1 << 20;
        static const struct {
                const char *what;
                uint32_t second_offset, second_total;
        } cases[] = {
            {"fragment 0 twice", 0, 3 * UFRAG_BYTES},
            {"fragment 2 after fragment 0", 2 * UFRAG_BYTES, 3 * UFRAG_BYTES},
            {"second fragment with another total", UFRAG_BYTES, 2 * UFRAG_BYTES},
        };

        bad_packet(h, 30, "a message starting at fragment 1", &hd, frag, sizeof(frag));
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int fd = attacker(h, attacker_id(31 + (unsigned)i));

                if (fd < 0) {
                        failf(h, "connect: %s", strerror(-fd));
                        return;
                }
                setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
                hd = (ufrag){UFRAG_MAGIC, 3 * UFRAG_BYTES, 0, 0};
                (void)packet(fd, &hd, frag, sizeof(frag), NULL, 0);
                hd = (ufrag){UFRAG_MAGIC, cases[i].second_total, cases[i].second_offset, 0};
                (void)packet(fd, &hd, frag, sizeof(frag), NULL, 0);
                expect_closed(h, fd, cases[i].what);
        }
}

/* Pipes whose read ends are sent; the write ends stay here to see them closed. */
typedef struct pipes {
        int rd[256], wr[256];
        size_t n;
} pipes;

static void pipes_open(pipes *ps, size_t n)
{
        int p[2];

        ps->n = 0;
        while (ps->n < n && pipe2(p, O_CLOEXEC) == 0) {
                ps->rd[ps->n] = p[0];
                ps->wr[ps->n++] = p[1];
        }
}

/* After sending: closes our read ends, then waits until no process holds any of them. */
static void pipes_expect_closed(hctx *h, pipes *ps, const char *what)
{
        int64_t until = avb_now_ms() + 3000 * h->scale;
        size_t held = ps->n;

        for (size_t i = 0; i < ps->n; i++)
                close(ps->rd[i]);
        while (held && avb_now_ms() < until) {
                held = 0;
                for (size_t i = 0; i < ps->n; i++)
                        held += write(ps->wr[i], "", 0) == 0 &&
                                (write(ps->wr[i], "x", 1) >= 0 || errno != EPIPE);
                if (held)
                        cf_sleep_ms(50);
        }
        for (size_t i = 0; i < ps->n; i++)
                close(ps->wr[i]);
        outf(h, "%s: %zu of %zu fds still held by the server", what, held, ps->n);
        if (held)
                failf(h, "%s: the server kept %zu fds it was sent", what, held);
}

void unix_unexpected_fds(hctx *h)
{
        char d[300];
        pipes ps;
        pb p = {0};
        ufrag hd;
        uint8_t in[4096];
        int fd;

        /* A valid isValid call (it takes no fds) with 3 fds. */
        fd = attacker(h, attacker_id(40));
        if (fd < 0) {
                failf(h, "connect: %s", strerror(-fd));
                return;
        }
        is_valid_request(&p, attacker_id(40), 1);
        pipes_open(&ps, 3);
        (void)message(fd, p.b, p.n, ps.rd, ps.n);
        ssize_t n = reply_packet(h, fd, in, sizeof(in), 3000);
        if (n > 0) {
                reply r = {0};

                decode_reply(in, (size_t)n, &r);
                outf(h, "isValid with 3 fds: %s", describe_reply(&r, d, sizeof(d)));
                if (r.decoded && r.exception == AVB_EX_NONE && !r.transport)
                        failf(h, "a call that takes no fds was served with 3 fds");
        } else {
                outf(h, "isValid with 3 fds: %s",
                     n == 0 ? "connection closed" : "no reply (connection left open?)");
                if (n < 0)
                        failf(h, "isValid with 3 fds: neither an error nor a close");
        }
        pipes_expect_closed(h, &ps, "isValid with 3 fds");
        close(fd);

        /* fds the header does not announce. */
        fd = attacker(h, attacker_id(41));
        pipes_open(&ps, 2);
        hd = (ufrag){UFRAG_MAGIC, (uint32_t)p.n, 0, 0};
        (void)packet(fd, &hd, p.b, p.n, ps.rd, ps.n);
        expect_closed(h, fd, "2 fds under a header announcing none");
        pipes_expect_closed(h, &ps, "unannounced fds");

        /* fds on a second fragment. */
        fd = attacker(h, attacker_id(42));
        {
                static uint8_t frag[UFRAG_BYTES];
                int sz = 1 << 20;

                setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
                pipes_open(&ps, 1);
                hd = (ufrag){UFRAG_MAGIC, 2 * UFRAG_BYTES, 0, 0};
                (void)packet(fd, &hd, frag, sizeof(frag), NULL, 0);
                hd = (ufrag){UFRAG_MAGIC, 2 * UFRAG_BYTES, UFRAG_BYTES, 1};
                (void)packet(fd, &hd, frag, sizeof(frag), ps.rd, ps.n);
                expect_closed(h, fd, "an fd on the second fragment");
                pipes_expect_closed(h, &ps, "fd on a later fragment");
        }
        pb_free(&p);
}

void unix_too_many_fds(hctx *h)
{
        static const size_t counts[] = {AVB_MAX_FDS + 1, 64, 250};
        pipes ps;
        pb p = {0};
        char what[96];

        is_valid_request(&p, attacker_id(50), 1);
        for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
                int fd = attacker(h, attacker_id(50 + (unsigned)i));
                ufrag hd = {UFRAG_MAGIC, (uint32_t)p.n, 0, (uint32_t)counts[i]};

                if (fd < 0) {
                        failf(h, "connect: %s", strerror(-fd));
                        break;
                }
                pipes_open(&ps, counts[i]);
                /* More than the server's control buffer holds: MSG_CTRUNC on its side. */
                snprintf(what, sizeof(what), "%zu fds (limit %d)", ps.n, AVB_MAX_FDS);
                if (packet(fd, &hd, p.b, p.n, ps.rd, ps.n) < 0)
                        outf(h, "%s: sendmsg: %s", what, strerror(errno));
                expect_closed(h, fd, what);
                pipes_expect_closed(h, &ps, what);
        }
        pb_free(&p);
}

/* ---- one client floods while another is served ---------------------------- */

typedef struct flood {
        hctx *h;
        int fd;
        atomic_bool stop;
        long sent, answered;
        bool closed;
} flood;

static void *flood_run(void *arg)
{
        flood *f = arg;
        pb p = {0};
        static uint8_t in[4096];

        is_valid_request(&p, attacker_id(60), 1);
        while (!atomic_load(&f->stop)) {
                struct pollfd pfd = {f->fd, POLLIN | POLLOUT, 0};

                if (poll(&pfd, 1, 100) <= 0)
                        continue;
                if (pfd.revents & POLLIN) {
                        ssize_t n = recv(f->fd, in, sizeof(in), MSG_DONTWAIT);
                        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
                                f->closed = true;
                                break;
                        }
                        f->answered += n > 0;
                }
                if (pfd.revents & POLLOUT) {
                        ufrag hd = {UFRAG_MAGIC, (uint32_t)p.n, 0, 0};
                        struct iovec iov[2] = {{&hd, sizeof(hd)}, {p.b, p.n}};
                        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};

                        if (sendmsg(f->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
                                f->sent++;
                }
                if (pfd.revents & (POLLHUP | POLLERR) && !(pfd.revents & POLLIN)) {
                        f->closed = true;
                        break;
                }
        }
        pb_free(&p);
        return NULL;
}

void unix_flood(hctx *h)
{
        flood f = {.h = h};
        pthread_t t;
        char why[300];
        int served = 0;
        int64_t t0, worst = 0;

        f.fd = attacker(h, attacker_id(60));
        if (f.fd < 0) {
                failf(h, "connect: %s", strerror(-f.fd));
                return;
        }
        if (pthread_create(&t, NULL, flood_run, &f) != 0) {
                failf(h, "pthread_create");
                close(f.fd);
                return;
        }
        cf_sleep_ms(200);
        for (int i = 0; i < 5; i++) {
                t0 = avb_now_ms();
                if (healthy(h, why, sizeof(why)))
                        served++;
                else
                        failf(h, "a real client was not served during the flood: %s", why);
                if (avb_now_ms() - t0 > worst)
                        worst = avb_now_ms() - t0;
        }
        atomic_store(&f.stop, true);
        pthread_join(t, NULL);
        close(f.fd);
        outf(h,
             "flood of %ld isValid calls (%ld answered%s); a real client served %d of 5 "
             "times meanwhile (slowest %lld ms)",
             f.sent, f.answered, f.closed ? ", then closed" : "", served, (long long)worst);
}

void unix_never_reads(hctx *h)
{
        int fd = attacker(h, attacker_id(70)), rcv = 4096;
        long sent = 0;
        pb p = {0};
        int64_t until;

        if (fd < 0) {
                failf(h, "connect: %s", strerror(-fd));
                return;
        }
        /* A small receive buffer fills soon: the server's queue for us must overflow. */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        is_valid_request(&p, attacker_id(70), 1);
        until = avb_now_ms() + 5000 * h->scale;
        while (sent < 100000 && avb_now_ms() < until) {
                struct pollfd pfd = {fd, POLLOUT, 0};

                if (message(fd, p.b, p.n, NULL, 0) == 0) {
                        sent++;
                        continue;
                }
                if (errno == EPIPE || errno == ECONNRESET)
                        break;
                if (poll(&pfd, 1, 200) < 0 || pfd.revents & (POLLHUP | POLLERR))
                        break;
        }
        pb_free(&p);
        outf(h, "%ld requests sent, no reply read", sent);
        expect_closed(h, fd, "a client that never reads");
}
