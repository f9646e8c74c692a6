/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb_fmq_desc <-> the generated MQDescriptor (fmq_aidl.h), through the
 * generated wire converters and an fd list as a call would carry them: a
 * queue made on one side is opened from the converted descriptor and reads
 * what the first side wrote; fds are owned where the header says.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include <avbuffer/fmq_aidl.h>

#include "android_hardware_common_fmq.pb-c.h"

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        int n = 0;

        assert_non_null(d);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

static void test_desc_through_the_wire(void **state)
{
        avb_fmq *q = NULL, *p = NULL;
        avb_fmq_desc d, back;
        android_hardware_common_fmq_MQDescriptor m, r;
        struct Android__Hardware__Common__Fmq__MQDescriptor *pb = NULL;
        avb_fd_list out = {0}, in = {0};
        int32_t vals[3] = {7, 8, 9}, got[3] = {0};
        int before = count_fds();

        (void)state;
        assert_int_equal(avb_fmq_create(sizeof(int32_t), 8, AVB_FMQ_SYNCHRONIZED_READ_WRITE, 0, &q),
                         0);
        assert_int_equal(avb_fmq_write(q, vals, 3), 0);
        assert_int_equal(avb_fmq_get_desc(q, &d), 0);
        android_hardware_common_fmq_MQDescriptor_init(&m);
        assert_int_equal(avb_fmq_desc_to_aidl(&d, &m), 0);
        assert_int_equal(m.handle.fds_count, d.n_fds);
        assert_int_equal(m.grantors_count, d.n_grantors);
        avb_fmq_desc_fini(&d);

        /* sender: the fds go into the message's list (borrowed) */
        assert_int_equal(android_hardware_common_fmq_MQDescriptor__to_pb_new(&m, &out, &pb), 0);
        assert_int_equal(out.n, m.handle.fds_count);
        /* receiver: the list it got (its own fds, as a transport gives them) */
        in.fds = calloc(out.n, sizeof(int));
        assert_non_null(in.fds);
        for (size_t i = 0; i < out.n; i++)
                in.fds[i] = fcntl(out.fds[i], F_DUPFD_CLOEXEC, 3);
        in.n = out.n;
        android_hardware_common_fmq_MQDescriptor_init(&r);
        assert_int_equal(android_hardware_common_fmq_MQDescriptor__from_pb(NULL, &in, pb, &r), 0);
        android_hardware_common_fmq_MQDescriptor__pb_free(pb);
        avb_fd_list_fini(&out, false);
        avb_fd_list_fini(&in, true);
        android_hardware_common_fmq_MQDescriptor_fini(&m);

        assert_int_equal(avb_fmq_desc_from_aidl(&r, &back), 0);
        android_hardware_common_fmq_MQDescriptor_fini(&r);
        assert_int_equal(avb_fmq_open(&back, sizeof(int32_t), AVB_FMQ_SYNCHRONIZED_READ_WRITE, &p),
                         0);
        avb_fmq_desc_fini(&back);
        assert_int_equal(avb_fmq_read(p, got, 3), 0);
        assert_memory_equal(got, vals, sizeof(vals));
        avb_fmq_free(p);
        avb_fmq_free(q);
        assert_int_equal(count_fds(), before);
}

/* an index past the list, or a null where none is allowed, is a bad message */
static void test_bad_index(void **state)
{
        avb_fd_list none = {0};
        int fd = 5;

        (void)state;
        assert_int_equal(avb_fd_list_get(&none, 0, false, &fd), -EBADMSG);
        assert_int_equal(avb_fd_list_get(&none, -1, false, &fd), -EBADMSG);
        assert_int_equal(fd, 5);
        assert_int_equal(avb_fd_list_get(&none, -1, true, &fd), 0);
        assert_int_equal(fd, -1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_desc_through_the_wire),
            cmocka_unit_test(test_bad_index),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
