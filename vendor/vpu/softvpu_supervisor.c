/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The softvpu driver's completion side (softvpu_internal.h): the supervisor
 * thread takes the firmware's completions off the mailbox and routes them to
 * their sessions' queues (user data reassembled from its pieces), and keeps
 * the firmware alive: a firmware that exits or whose heartbeat stalls is
 * killed and started again, its sessions marked dead.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <avbuffer/log.h>

#include "softvpu_internal.h"

extern char **environ;

void svpu_doorbell(int fd)
{
        uint64_t one = 1;

        (void)!write(fd, &one, sizeof(one));
}

void svpu_done_push(struct done_fifo *f, const struct svpu_msg *m)
{
        if (f->n == SVPU_DONE) { /* cannot happen: bounded by the flight limits */
                f->head = (f->head + 1) % SVPU_DONE;
                f->n--;
        }
        f->m[(f->head + f->n) % SVPU_DONE] = *m;
        f->n++;
}

/* ---- firmware life ------------------------------------------------------ */

int svpu_spawn_firmware(struct softvpu *v)
{
        posix_spawn_file_actions_t fa;
        char a[5][16];
        char *argv[] = {v->firmware, "--mailbox", a[0], "--kick",        a[1], "--irq",
                        a[2],        "--heap",    a[3], "--secure-heap", a[4], NULL};
        int src[5] = {v->mbfd, v->kick, v->irq, v->heap_fd[0], v->heap_fd[1]};
        int e;

        posix_spawn_file_actions_init(&fa);
        for (int i = 0; i < 5; i++) {
                snprintf(a[i], sizeof(a[i]), "%d", src[i] < 0 ? -1 : 3 + i);
                if (src[i] >= 0)
                        posix_spawn_file_actions_adddup2(&fa, src[i], 3 + i);
        }
        posix_spawn_file_actions_addclosefrom_np(&fa, 8);
        memset(&v->mb->cmd, 0, sizeof(v->mb->cmd));
        memset(&v->mb->cpl, 0, sizeof(v->mb->cpl));
        e = posix_spawn(&v->pid, v->firmware, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (e) {
                v->pid = -1;
                return -e;
        }
        v->beat = atomic_load(&v->mb->heartbeat);
        v->beat_ms = avb_now_ms();
        avb_log(AVB_LOG_INFO, "softvpu: firmware %s started, pid %d", v->firmware, (int)v->pid);
        return 0;
}

static void mark_dead(struct svpu_sess *s)
{
        struct svpu_msg m = {.type = SVPU_CPL_EVENT, .session = s->id};

        s->dead = true;
        s->in_flight = s->out_flight = 0;
        s->in_done.n = s->out_done.n = 0;
        s->ud_n = 0;
        s->ud_partial = false;
        m.ev.type = AVB_VPU_EVENT_ERROR;
        m.ev.error = -ENODEV;
        svpu_done_push(&s->out_done, &m);
        s->acked = true;
        s->ack_result = -ENODEV;
        svpu_doorbell(s->efd);
}

/* Kill (if alive) and start again. Lock held. */
static void restart_firmware(struct softvpu *v, pid_t pid, const char *why)
{
        avb_log(AVB_LOG_ERROR, "softvpu: firmware pid %d %s; restarting it", (int)pid, why);
        if (v->pid > 0) {
                kill(v->pid, SIGKILL);
                waitpid(v->pid, NULL, 0);
        }
        v->pid = -1;
        v->restarts++;
        for (uint32_t i = 0; i < SVPU_MAX_SESSIONS; i++)
                if (v->sess[i].used && !v->sess[i].dead)
                        mark_dead(&v->sess[i]);
        pthread_cond_broadcast(&v->cond);
        if (svpu_spawn_firmware(v) < 0)
                avb_log(AVB_LOG_ERROR, "softvpu: cannot start the firmware again");
}

static void watchdog(struct softvpu *v)
{
        uint32_t beat = atomic_load(&v->mb->heartbeat);
        int status;

        if (v->pid > 0 && waitpid(v->pid, &status, WNOHANG) == v->pid) {
                pid_t pid = v->pid;

                v->pid = -1;
                restart_firmware(v, pid, WIFSIGNALED(status) ? "was killed" : "exited");
                return;
        }
        if (beat != v->beat) {
                v->beat = beat;
                v->beat_ms = avb_now_ms();
        } else if (avb_now_ms() - v->beat_ms > (uint64_t)v->watchdog_ms) {
                restart_firmware(v, v->pid, "stalled");
        } else if (v->pid < 0 && svpu_spawn_firmware(v) == 0) {
                avb_log(AVB_LOG_INFO, "softvpu: firmware back");
        }
}

/* A piece of a user data item; whole items join the session's queue. Lock held. */
static void user_data_piece(struct svpu_sess *s, const struct svpu_msg *m)
{
        struct avb_vpu_user_data *u = &s->ud_part;

        if (m->data_off == 0) {
                if (s->ud_partial)
                        s->ud_dropped++;
                *u = (struct avb_vpu_user_data){
                    .type = m->data_type, .pts_ns = m->buf.pts_ns, .dropped = m->dropped};
                s->ud_partial = true;
        }
        /* the firmware is trusted less than the memory it writes into */
        if (!s->ud_partial || m->data_off != u->size || m->data_len > SVPU_DATA_PIECE ||
            m->data_total > AVB_VPU_USER_DATA_MAX || u->size + m->data_len > m->data_total) {
                s->ud_dropped += s->ud_partial;
                s->ud_partial = false;
                return;
        }
        memcpy(u->data + u->size, m->data, m->data_len);
        u->size += m->data_len;
        if (u->size < m->data_total)
                return;
        s->ud_partial = false;
        if (s->ud_n == AVB_VPU_USER_DATA_QUEUE) { /* the oldest goes */
                s->ud_dropped += 1 + s->ud[s->ud_head].dropped;
                s->ud_head = (s->ud_head + 1) % AVB_VPU_USER_DATA_QUEUE;
                s->ud_n--;
        }
        s->ud[(s->ud_head + s->ud_n) % AVB_VPU_USER_DATA_QUEUE] = *u;
        s->ud_n++;
        svpu_doorbell(s->efd);
}

/* Route one completion to its session. Lock held. */
static void complete(struct softvpu *v, const struct svpu_msg *m)
{
        struct svpu_sess *s;

        if (m->session >= SVPU_MAX_SESSIONS)
                return;
        s = &v->sess[m->session];
        if (!s->used || s->dead)
                return;
        switch (m->type) {
        case SVPU_CPL_ACK:
                if (m->seq == s->wait_seq) {
                        s->acked = true;
                        s->ack_result = m->result;
                        pthread_cond_broadcast(&v->cond);
                }
                return;
        case SVPU_CPL_IN_DONE:
                if (s->in_flight)
                        s->in_flight--;
                svpu_done_push(&s->in_done, m);
                break;
        case SVPU_CPL_OUT_DONE:
                if (s->out_flight)
                        s->out_flight--;
                svpu_done_push(&s->out_done, m);
                break;
        case SVPU_CPL_EVENT:
                svpu_done_push(&s->out_done, m);
                break;
        case SVPU_CPL_USER_DATA:
                user_data_piece(s, m);
                return;
        default:
                return;
        }
        svpu_doorbell(s->efd);
}

void *svpu_supervise(void *arg)
{
        struct softvpu *v = arg;

        for (;;) {
                struct pollfd p[2] = {{.fd = v->irq, .events = POLLIN},
                                      {.fd = v->stop_efd, .events = POLLIN}};
                struct svpu_msg m;
                uint64_t n;

                (void)poll(p, 2, 100);
                if (p[1].revents)
                        return NULL;
                if (p[0].revents)
                        (void)!read(v->irq, &n, sizeof(n));
                pthread_mutex_lock(&v->lock);
                while (svpu_ring_pop(&v->mb->cpl, &m) == 0)
                        complete(v, &m);
                watchdog(v);
                pthread_mutex_unlock(&v->lock);
        }
}
