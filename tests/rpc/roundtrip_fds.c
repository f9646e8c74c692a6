/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ParcelFileDescriptor across processes through aidlc-generated stubs
 * (part of the round-trip test): memfds and pipes both ways, as arguments,
 * returns, parcelable fields, union members, arrays and @nullable; a
 * non-null -1 refused on either side; the fd counts of both processes flat
 * over many calls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <avbuffer/fmq.h>
#include <avbuffer/fmq_aidl.h>

#include "roundtrip.h"

/* ---- the server --------------------------------------------------------- */

static int dup_fd(int fd)
{
        return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

static avb_status errno_status(const char *what)
{
        return avb_status_from_errno(-errno, what);
}

avb_status srv_echoFd(void *impl, avb_call *call, int fd, int *ret)
{
        (void)impl;
        (void)call;
        *ret = dup_fd(fd); /* the argument is borrowed: keep a copy */
        return *ret < 0 ? errno_status("dup") : avb_status_ok();
}

avb_status srv_echoMaybeFd(void *impl, avb_call *call, int fd, int *ret)
{
        if (fd < 0) {
                *ret = -1;
                return avb_status_ok();
        }
        return srv_echoFd(impl, call, fd, ret);
}

avb_status srv_reverseFds(void *impl, avb_call *call, const int *fds, size_t n, int **ret,
                          size_t *ret_count)
{
        int *v = malloc((n ? n : 1) * sizeof(*v));

        (void)impl;
        (void)call;
        if (!v)
                return avb_status_from_errno(-ENOMEM, "reverseFds");
        for (size_t i = 0; i < n; i++)
                v[i] = dup_fd(fds[n - 1 - i]);
        *ret = v;
        *ret_count = n;
        return avb_status_ok();
}

avb_status srv_echoFds(void *impl, avb_call *call, const test_rt_Fds *f, test_rt_Fds *ret)
{
        (void)impl;
        (void)call;
        ret->fd = dup_fd(f->fd);
        ret->maybe = dup_fd(f->maybe);
        ret->many = malloc((f->many_count ? f->many_count : 1) * sizeof(int));
        if (!ret->many)
                return avb_status_from_errno(-ENOMEM, "echoFds");
        ret->many_count = f->many_count;
        for (size_t i = 0; i < f->many_count; i++)
                ret->many[i] = dup_fd(f->many[i]);
        for (size_t i = 0; i < 2; i++)
                ret->pair[i] = dup_fd(f->pair[i]);
        ret->either.tag = f->either.tag;
        if (f->either.tag == test_rt_FdOrInt_TAG_fd)
                ret->either.u.fd = dup_fd(f->either.u.fd);
        else
                ret->either.u.n = f->either.u.n;
        free(ret->label);
        if (asprintf(&ret->label, "%s!", f->label ? f->label : "") < 0) {
                ret->label = NULL;
                return avb_status_from_errno(-ENOMEM, "echoFds");
        }
        return avb_status_ok();
}

avb_status srv_writeTo(void *impl, avb_call *call, int fd, const char *text)
{
        size_t n = strlen(text);

        (void)impl;
        (void)call;
        if (write(fd, text, n) != (ssize_t)n)
                return errno_status("write");
        return avb_status_ok();
}

avb_status srv_makePipe(void *impl, avb_call *call, const char *text, int *ret)
{
        int p[2];
        avb_status st;

        if (pipe2(p, O_CLOEXEC) < 0)
                return errno_status("pipe2");
        st = srv_writeTo(impl, call, p[1], text);
        close(p[1]);
        if (!avb_status_is_ok(&st)) {
                close(p[0]);
                return st;
        }
        *ret = p[0]; /* handed to the skeleton, which closes it once sent */
        return avb_status_ok();
}

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        int n = 0;

        if (!d)
                return -errno;
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

avb_status srv_fdCount(void *impl, avb_call *call, int32_t *ret)
{
        (void)impl;
        (void)call;
        *ret = count_fds();
        return avb_status_ok();
}

/* A queue of n ints 0 .. n-1: the reply keeps the memory alive (its fds). */
avb_status srv_makeQueue(void *impl, avb_call *call, int32_t n,
                         android_hardware_common_fmq_MQDescriptor *ret)
{
        avb_fmq *q = NULL;
        avb_fmq_desc d;
        int rc;

        (void)impl;
        (void)call;
        if (n < 0 || n > 64)
                return avb_status_exception(AVB_EX_ILLEGAL_ARGUMENT, "n %d", n);
        if ((rc = avb_fmq_create(sizeof(int32_t), 64, AVB_FMQ_SYNCHRONIZED_READ_WRITE, 0, &q)) < 0)
                return avb_status_from_errno(rc, "queue");
        for (int32_t i = 0; i < n && rc == 0; i++)
                rc = avb_fmq_write(q, &i, 1);
        if (rc == 0 && (rc = avb_fmq_get_desc(q, &d)) == 0) {
                rc = avb_fmq_desc_to_aidl(&d, ret);
                avb_fmq_desc_fini(&d);
        }
        avb_fmq_free(q);
        return rc < 0 ? avb_status_from_errno(rc, "queue") : avb_status_ok();
}

/* An MQDescriptor through an AIDL method: opened here, read what the server wrote. */
void test_fmq_through_aidl(void **state)
{
        avb_binder *b = *state;
        android_hardware_common_fmq_MQDescriptor m;
        avb_fmq_desc d;
        avb_fmq *q = NULL;
        int32_t got[5] = {0};
        size_t n = 0;

        android_hardware_common_fmq_MQDescriptor_init(&m);
        assert_ok(test_rt_ITester_makeQueue(b, 5, &m));
        assert_int_equal(avb_fmq_desc_from_aidl(&m, &d), 0);
        android_hardware_common_fmq_MQDescriptor_fini(&m);
        assert_int_equal(avb_fmq_open(&d, sizeof(int32_t), AVB_FMQ_SYNCHRONIZED_READ_WRITE, &q), 0);
        avb_fmq_desc_fini(&d);
        assert_int_equal(avb_fmq_available_to_read(q, &n), 0);
        assert_int_equal(n, 5);
        assert_int_equal(avb_fmq_read(q, got, 5), 0);
        for (int i = 0; i < 5; i++)
                assert_int_equal(got[i], i);
        avb_fmq_free(q);
}

avb_status srv_badFd(void *impl, avb_call *call, int *ret)
{
        (void)impl;
        (void)call;
        *ret = -1;
        return avb_status_ok();
}

/* ---- the client --------------------------------------------------------- */

static int memfd_with(const char *text)
{
        int fd = memfd_create("roundtrip", MFD_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        return fd;
}

/* Whether a and b are the same open file. */
static bool same_file(int a, int b)
{
        struct stat sa, sb;
        return a != b && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
               sa.st_ino == sb.st_ino;
}

/* fd holds text: a file from its start, a pipe from where it is */
static void assert_reads(int fd, const char *text)
{
        char buf[64] = {0};
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n < 0 && errno == ESPIPE)
                n = read(fd, buf, sizeof(buf) - 1);
        assert_int_equal(n, (ssize_t)strlen(text));
        assert_string_equal(buf, text);
}

void test_fds(void **state)
{
        avb_binder *b = *state;
        int m = memfd_with("in a memfd"), p[2], got = -1;
        avb_status st;

        /* a memfd there and back: the same file, a new fd */
        assert_ok(test_rt_ITester_echoFd(b, m, &got));
        assert_true(same_file(m, got));
        assert_reads(got, "in a memfd");
        close(got);
        /* a pipe made by the server, read here */
        assert_ok(test_rt_ITester_makePipe(b, "from the server", &got));
        assert_reads(got, "from the server");
        close(got);
        /* a pipe made here, written by the server */
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_ok(test_rt_ITester_writeTo(b, p[1], "to the server"));
        close(p[1]);
        assert_reads(p[0], "to the server");
        /* @nullable */
        got = 7;
        assert_ok(test_rt_ITester_echoMaybeFd(b, -1, &got));
        assert_int_equal(got, -1);
        assert_ok(test_rt_ITester_echoMaybeFd(b, m, &got));
        assert_true(same_file(m, got));
        close(got);
        /* arrays */
        int in[2] = {m, p[0]}, *out = NULL;
        size_t n = 0;
        assert_ok(test_rt_ITester_reverseFds(b, in, 2, &out, &n));
        assert_int_equal(n, 2);
        assert_true(same_file(out[0], p[0]));
        assert_true(same_file(out[1], m));
        close(out[0]);
        close(out[1]);
        free(out);
        /* a non-null -1: refused before it leaves, and by the server's skeleton */
        got = 7;
        st = test_rt_ITester_echoFd(b, -1, &got);
        assert_int_equal(st.exception, AVB_EX_NULL_POINTER);
        assert_int_equal(got, 7);
        st = test_rt_ITester_badFd(b, &got);
        assert_int_equal(st.exception, AVB_EX_NULL_POINTER);
        assert_int_equal(got, 7);
        close(p[0]);
        close(m);
}

void test_fds_in_parcelable(void **state)
{
        avb_binder *b = *state;
        int m = memfd_with("parcel"), p[2];
        test_rt_Fds f, r;

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        test_rt_Fds_init(&f);
        test_rt_Fds_init(&r);
        assert_int_equal(f.fd, -1);
        assert_int_equal(f.pair[1], -1);
        f.fd = m;
        int many[3] = {p[0], m, p[1]};
        f.many = many;
        f.many_count = 3;
        f.pair[0] = p[1];
        f.pair[1] = m;
        f.either.tag = test_rt_FdOrInt_TAG_fd;
        f.either.u.fd = p[0];
        f.label = "fds";
        assert_ok(test_rt_ITester_echoFds(b, &f, &r));
        assert_true(same_file(r.fd, m));
        assert_int_equal(r.maybe, -1);
        assert_int_equal(r.many_count, 3);
        assert_true(same_file(r.many[0], p[0]));
        assert_true(same_file(r.many[1], m));
        assert_true(same_file(r.many[2], p[1]));
        assert_true(same_file(r.pair[0], p[1]));
        assert_true(same_file(r.pair[1], m));
        assert_int_equal(r.either.tag, test_rt_FdOrInt_TAG_fd);
        assert_true(same_file(r.either.u.fd, p[0]));
        assert_string_equal(r.label, "fds!");
        assert_reads(r.fd, "parcel");
        test_rt_Fds_fini(&r); /* closes the received fds */
        assert_int_equal(r.fd, -1);
        /* a non-null -1 inside a parcelable is refused */
        f.pair[1] = -1;
        test_rt_Fds_init(&r);
        avb_status st = test_rt_ITester_echoFds(b, &f, &r);
        assert_int_equal(st.exception, AVB_EX_NULL_POINTER);
        test_rt_Fds_fini(&r);
        close(p[0]);
        close(p[1]);
        close(m);
}

/* fds of both processes stay flat over many calls */
void test_fds_flat(void **state)
{
        avb_binder *b = *state;
        int m = memfd_with("flat"), got, mine, theirs, n_mine, n_theirs;

        /* warm up (connections, the lifeline) before counting */
        assert_ok(test_rt_ITester_echoFd(b, m, &got));
        close(got);
        mine = count_fds();
        assert_ok(test_rt_ITester_fdCount(b, &theirs));
        for (int i = 0; i < 1000; i++) {
                int p[2];
                assert_ok(test_rt_ITester_echoFd(b, m, &got));
                close(got);
                assert_ok(test_rt_ITester_makePipe(b, "x", &got));
                close(got);
                assert_int_equal(pipe2(p, O_CLOEXEC), 0);
                assert_ok(test_rt_ITester_writeTo(b, p[1], "y"));
                close(p[0]);
                close(p[1]);
        }
        /* the runtime's threads may still be closing what the last calls
         * used: wait (5 s at most) for the counts to come back */
        for (int i = 0; i < 500; i++) {
                n_mine = count_fds();
                assert_ok(test_rt_ITester_fdCount(b, &n_theirs));
                if (n_mine <= mine && n_theirs <= theirs)
                        break;
                usleep(10 * 1000);
        }
        fprintf(stderr, "fds: client %d -> %d, server %d -> %d\n", mine, n_mine, theirs, n_theirs);
        assert_int_equal(n_mine, mine);
        assert_int_equal(n_theirs, theirs);
        close(m);
}
