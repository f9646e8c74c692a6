/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The softvpu driver: the side of softvpu that runs in avbufferd (softvpu.h).
 * It owns the mailbox, starts and watches the firmware, and turns the vpu.h
 * ops into mailbox commands and completions into per-session queues.
 *
 * This file is the command side: the ops and the device's construction;
 * the completion side and the firmware's life are softvpu_supervisor.c
 * (softvpu_internal.h, where the locking is described).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "avb_config.h"
#include "softvpu_internal.h"

#define SVPU_MAX_IN  16 /* coded buffers in flight per session */
#define SVPU_MAX_OUT 32 /* output blocks in flight per session */
#define SVPU_ACK_MS  3000
#define SVPU_FD_BASE 100 /* where our descriptors live, clear of 3..7 */

/* ---- commands ----------------------------------------------------------- */

/* Send a command; with wait, until its ack. Lock held. */
static int send_cmd(struct svpu_sess *s, struct svpu_msg *m, bool wait)
{
        struct softvpu *v = s->vpu;
        uint64_t deadline = avb_now_ms() + SVPU_ACK_MS;
        int e;

        if (s->dead)
                return -ENODEV;
        m->session = s->id;
        m->seq = ++v->seq ? v->seq : ++v->seq;
        e = svpu_ring_push(&v->mb->cmd, m);
        if (e < 0)
                return e;
        svpu_doorbell(v->kick);
        if (!wait)
                return 0;
        s->wait_seq = m->seq;
        s->acked = false;
        while (!s->acked) {
                struct timespec ts;
                uint64_t now = avb_now_ms();
                uint64_t left = deadline > now ? deadline - now : 0;

                if (!left) {
                        s->wait_seq = 0;
                        return -ETIMEDOUT;
                }
                ts = avb_timespec_in_ms(CLOCK_REALTIME, (int64_t)left);
                pthread_cond_timedwait(&v->cond, &v->lock, &ts);
        }
        s->wait_seq = 0;
        return s->dead ? -ENODEV : s->ack_result;
}

static int sess_cmd(void *sess, struct svpu_msg *m)
{
        struct svpu_sess *s = sess;
        int e;

        pthread_mutex_lock(&s->vpu->lock);
        e = send_cmd(s, m, true);
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

/* ---- ops ---------------------------------------------------------------- */

static int sv_open(void *dev, enum avb_vpu_codec codec, bool secure, void **ret_sess)
{
        struct softvpu *v = dev;
        struct svpu_msg m = {.type = SVPU_CMD_OPEN, .secure = secure};
        struct svpu_sess *s = NULL;
        int e;

        if (secure && v->heap_fd[1] < 0)
                return -ENODEV;
        m.fmt.codec = codec;
        pthread_mutex_lock(&v->lock);
        for (uint32_t i = 0; i < SVPU_MAX_SESSIONS && !s; i++)
                if (!v->sess[i].used)
                        s = &v->sess[i];
        if (!s) {
                pthread_mutex_unlock(&v->lock);
                return -EBUSY;
        }
        int efd = s->efd;
        *s = (struct svpu_sess){
            .vpu = v, .id = (uint32_t)(s - v->sess), .used = true, .secure = secure, .efd = efd};
        e = send_cmd(s, &m, true);
        if (e < 0)
                s->used = false;
        pthread_mutex_unlock(&v->lock);
        if (e < 0)
                return e;
        *ret_sess = s;
        return 0;
}

static void sv_close(void *sess)
{
        struct svpu_sess *s = sess;
        struct svpu_msg m = {.type = SVPU_CMD_CLOSE};
        uint64_t n;

        if (!s)
                return;
        pthread_mutex_lock(&s->vpu->lock);
        if (!s->dead)
                (void)send_cmd(s, &m, true);
        s->used = false;
        (void)!read(s->efd, &n, sizeof(n));
        pthread_mutex_unlock(&s->vpu->lock);
}

static int sv_set_format(void *sess, const struct avb_vpu_format *fmt)
{
        struct svpu_msg m = {.type = SVPU_CMD_SET_FORMAT, .fmt = *fmt};

        return sess_cmd(sess, &m);
}

static int sv_get_format(void *sess, struct avb_vpu_format *ret_fmt)
{
        struct svpu_sess *s = sess;
        int e = -EBADFD;

        pthread_mutex_lock(&s->vpu->lock);
        if (s->have_fmt) {
                *ret_fmt = s->fmt;
                e = 0;
        }
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

/* Drop the frames waiting to be dequeued; events stay. Lock held. */
static void drop_output(struct svpu_sess *s)
{
        struct done_fifo keep = {0};

        for (unsigned i = 0; i < s->out_done.n; i++) {
                const struct svpu_msg *d = &s->out_done.m[(s->out_done.head + i) % SVPU_DONE];

                if (d->type == SVPU_CPL_EVENT)
                        svpu_done_push(&keep, d);
        }
        s->out_done = keep;
        s->out_flight = 0;
}

static int sv_stream(void *sess, enum avb_vpu_queue q, bool on)
{
        struct svpu_sess *s = sess;
        struct svpu_msg m = {.type = on ? SVPU_CMD_STREAM_ON : SVPU_CMD_STREAM_OFF, .queue = q};
        int e;

        pthread_mutex_lock(&s->vpu->lock);
        e = send_cmd(s, &m, true);
        if (e == 0 && !on && q == AVB_VPU_INPUT) {
                s->in_flight = 0;
                s->in_done.n = 0;
        } else if (e == 0 && !on) {
                drop_output(s); /* output buffers return to the caller */
        }
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

static int sv_stream_on(void *sess, enum avb_vpu_queue q)
{
        return sv_stream(sess, q, true);
}

static int sv_stream_off(void *sess, enum avb_vpu_queue q)
{
        return sv_stream(sess, q, false);
}

static int sv_queue(void *sess, const struct avb_vpu_buf *buf, bool input)
{
        struct svpu_sess *s = sess;
        struct svpu_msg m = {.type = input ? SVPU_CMD_QUEUE_IN : SVPU_CMD_QUEUE_OUT, .buf = *buf};
        unsigned *flight = input ? &s->in_flight : &s->out_flight;
        int e;

        if (buf->secure != s->secure && !(input && (buf->flags & AVB_VPU_BUF_EOS)))
                return -EINVAL;
        pthread_mutex_lock(&s->vpu->lock);
        if (s->dead)
                e = -ENODEV;
        else if (*flight >= (input ? SVPU_MAX_IN : SVPU_MAX_OUT))
                e = -EAGAIN;
        else
                e = send_cmd(s, &m, false);
        if (e == 0)
                (*flight)++;
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

static int sv_queue_input(void *sess, const struct avb_vpu_buf *buf)
{
        return sv_queue(sess, buf, true);
}

static int sv_queue_output(void *sess, const struct avb_vpu_buf *buf)
{
        return sv_queue(sess, buf, false);
}

/* Take the head of f if it has type `type`. */
static int take(struct svpu_sess *s, struct done_fifo *f, uint32_t type, struct svpu_msg *ret)
{
        int e = -EAGAIN;
        uint64_t n;

        pthread_mutex_lock(&s->vpu->lock);
        if (f->n && f->m[f->head].type == type) {
                *ret = f->m[f->head];
                f->head = (f->head + 1) % SVPU_DONE;
                f->n--;
                e = 0;
        }
        if (!s->in_done.n && !s->out_done.n && !s->ud_n)
                (void)!read(s->efd, &n, sizeof(n));
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

static int sv_dequeue_input(void *sess, struct avb_vpu_buf *ret_buf)
{
        struct svpu_sess *s = sess;
        struct svpu_msg m;
        int e = take(s, &s->in_done, SVPU_CPL_IN_DONE, &m);

        if (e == 0)
                *ret_buf = m.buf;
        return e;
}

static int sv_dequeue_output(void *sess, struct avb_vpu_buf *ret_buf)
{
        struct svpu_sess *s = sess;
        struct svpu_msg m;
        int e = take(s, &s->out_done, SVPU_CPL_OUT_DONE, &m);

        if (e == 0)
                *ret_buf = m.buf;
        return e;
}

static int sv_dequeue_event(void *sess, struct avb_vpu_event *ret_ev)
{
        struct svpu_sess *s = sess;
        struct svpu_msg m;
        int e = take(s, &s->out_done, SVPU_CPL_EVENT, &m);

        if (e < 0)
                return e;
        /* get_format describes the frames after the last change the caller saw */
        if (m.ev.type == AVB_VPU_EVENT_SOURCE_CHANGE) {
                pthread_mutex_lock(&s->vpu->lock);
                s->fmt = m.fmt;
                s->have_fmt = true;
                pthread_mutex_unlock(&s->vpu->lock);
        }
        *ret_ev = m.ev;
        return 0;
}

static int sv_dequeue_user_data(void *sess, struct avb_vpu_user_data *ret)
{
        struct svpu_sess *s = sess;
        int e = -EAGAIN;
        uint64_t n;

        pthread_mutex_lock(&s->vpu->lock);
        if (s->dead) {
                e = -ENODEV;
        } else if (s->ud_n) {
                *ret = s->ud[s->ud_head];
                ret->dropped += s->ud_dropped;
                s->ud_dropped = 0;
                s->ud_head = (s->ud_head + 1) % AVB_VPU_USER_DATA_QUEUE;
                s->ud_n--;
                e = 0;
        }
        if (!s->in_done.n && !s->out_done.n && !s->ud_n)
                (void)!read(s->efd, &n, sizeof(n));
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

/* The bytes go piece by piece, each acknowledged; the last ack is the verdict. */
static int sv_set_codec_data(void *sess, enum avb_vpu_codec_data type, const void *data,
                             size_t size)
{
        struct svpu_sess *s = sess;
        int e = 0;

        if (!data || !size || size > AVB_VPU_CODEC_DATA_MAX)
                return -EINVAL;
        pthread_mutex_lock(&s->vpu->lock);
        for (size_t off = 0; off < size && e == 0; off += SVPU_DATA_PIECE) {
                struct svpu_msg m = {.type = SVPU_CMD_CODEC_DATA,
                                     .data_type = type,
                                     .data_off = (uint32_t)off,
                                     .data_total = (uint32_t)size};

                m.data_len =
                    (uint32_t)(size - off < SVPU_DATA_PIECE ? size - off : SVPU_DATA_PIECE);
                memcpy(m.data, (const uint8_t *)data + off, m.data_len);
                e = send_cmd(s, &m, true);
        }
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

static int sv_drain(void *sess)
{
        struct svpu_sess *s = sess;
        struct svpu_msg m = {.type = SVPU_CMD_DRAIN};
        int e;

        pthread_mutex_lock(&s->vpu->lock);
        e = send_cmd(s, &m, false);
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

static int sv_flush(void *sess)
{
        struct svpu_sess *s = sess;
        struct svpu_msg m = {.type = SVPU_CMD_FLUSH};
        int e;

        pthread_mutex_lock(&s->vpu->lock);
        e = send_cmd(s, &m, true);
        if (e == 0) {
                s->in_flight = 0;
                s->in_done.n = 0;
                s->ud_n = 0;
                s->ud_partial = false;
                drop_output(s);
        }
        pthread_mutex_unlock(&s->vpu->lock);
        return e;
}

static int sv_poll_fd(void *sess)
{
        return ((struct svpu_sess *)sess)->efd;
}

static void sv_device_free(void *dev)
{
        struct softvpu *v = dev;

        if (!v)
                return;
        if (v->thread_started) {
                svpu_doorbell(v->stop_efd);
                pthread_join(v->thread, NULL);
        }
        if (v->pid > 0) {
                kill(v->pid, SIGKILL);
                waitpid(v->pid, NULL, 0);
        }
        for (uint32_t i = 0; i < SVPU_MAX_SESSIONS; i++)
                if (v->sess[i].efd >= 0)
                        close(v->sess[i].efd);
        if (v->mb && v->mb != MAP_FAILED)
                munmap(v->mb, sizeof(*v->mb));
        int fds[] = {v->mbfd, v->kick, v->irq, v->stop_efd, v->heap_fd[0], v->heap_fd[1]};
        for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        pthread_mutex_destroy(&v->lock);
        pthread_cond_destroy(&v->cond);
        free(v->firmware);
        free(v);
}

const struct avb_vpu_ops avb_softvpu_ops = {
    .name = "softvpu",
    .device_free = sv_device_free,
    .open = sv_open,
    .close = sv_close,
    .set_format = sv_set_format,
    .get_format = sv_get_format,
    .stream_on = sv_stream_on,
    .stream_off = sv_stream_off,
    .queue_input = sv_queue_input,
    .queue_output = sv_queue_output,
    .dequeue_input = sv_dequeue_input,
    .dequeue_output = sv_dequeue_output,
    .dequeue_event = sv_dequeue_event,
    .drain = sv_drain,
    .flush = sv_flush,
    .poll_fd = sv_poll_fd,
    .set_codec_data = sv_set_codec_data,
    .dequeue_user_data = sv_dequeue_user_data,
};

/* ---- construction ------------------------------------------------------- */

static int dup_high(int fd)
{
        int d = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, SVPU_FD_BASE);

        return fd >= 0 && d < 0 ? -errno : d;
}

static int setup(struct softvpu *v, const struct avb_vpu_memory *mem,
                 const struct avb_softvpu_options *opts)
{
        const char *fw = opts && opts->firmware ? opts->firmware : getenv("AVB_SOFTVPU_FIRMWARE");

        v->firmware = strdup(fw && *fw ? fw : AVB_SOFTVPU_DEFAULT_FIRMWARE);
        if (!v->firmware)
                return -ENOMEM;
        if (access(v->firmware, X_OK) < 0)
                return -ENOENT;
        v->watchdog_ms = opts && opts->watchdog_ms > 0 ? opts->watchdog_ms : 2000;
        for (int i = 0; i < 2; i++)
                if ((v->heap_fd[i] = dup_high(mem->heap_fd[i])) < -1)
                        return v->heap_fd[i];
        int mb = memfd_create("avb-softvpu-mailbox", MFD_CLOEXEC);
        v->mbfd = dup_high(mb);
        if (mb >= 0)
                close(mb);
        if (v->mbfd < 0 || ftruncate(v->mbfd, sizeof(*v->mb)) < 0)
                return -errno;
        v->mb = mmap(NULL, sizeof(*v->mb), PROT_READ | PROT_WRITE, MAP_SHARED, v->mbfd, 0);
        if (v->mb == MAP_FAILED)
                return -errno;
        v->mb->magic = SVPU_MAGIC;
        v->mb->version = SVPU_VERSION;
        int k = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), q = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        v->kick = dup_high(k);
        v->irq = dup_high(q);
        if (k >= 0)
                close(k);
        if (q >= 0)
                close(q);
        v->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (v->kick < 0 || v->irq < 0 || v->stop_efd < 0)
                return -EMFILE;
        for (uint32_t i = 0; i < SVPU_MAX_SESSIONS; i++)
                if ((v->sess[i].efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
                        return -errno;
        return svpu_spawn_firmware(v);
}

int avb_softvpu_new(const struct avb_vpu_memory *mem, const struct avb_softvpu_options *opts,
                    struct avb_vpu *ret)
{
        struct softvpu *v = calloc(1, sizeof(*v));
        int e;

        if (!v)
                return -ENOMEM;
        pthread_mutex_init(&v->lock, NULL);
        pthread_cond_init(&v->cond, NULL);
        v->pid = -1;
        v->mbfd = v->kick = v->irq = v->stop_efd = v->heap_fd[0] = v->heap_fd[1] = -1;
        for (uint32_t i = 0; i < SVPU_MAX_SESSIONS; i++)
                v->sess[i].efd = -1;
        e = setup(v, mem, opts);
        if (e == 0) {
                e = -pthread_create(&v->thread, NULL, svpu_supervise, v);
                v->thread_started = e == 0;
        }
        if (e < 0) {
                sv_device_free(v);
                return e;
        }
        ret->ops = &avb_softvpu_ops;
        ret->dev = v;
        return 0;
}

pid_t avb_softvpu_firmware_pid(const struct avb_vpu *vpu)
{
        struct softvpu *v = vpu->dev;
        pid_t pid;

        pthread_mutex_lock(&v->lock);
        pid = v->pid;
        pthread_mutex_unlock(&v->lock);
        return pid;
}

unsigned avb_softvpu_restarts(const struct avb_vpu *vpu)
{
        struct softvpu *v = vpu->dev;
        unsigned n;

        pthread_mutex_lock(&v->lock);
        n = v->restarts;
        pthread_mutex_unlock(&v->lock);
        return n;
}
