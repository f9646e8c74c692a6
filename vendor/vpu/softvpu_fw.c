/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avb-softvpu: the softvpu "firmware", a process of its own that avbufferd
 * starts and supervises (softvpu.c). It sees what a real VPU would: the
 * mailbox (softvpu_mailbox.h), the AV Buffer heaps mapped read-only, and the
 * frame blocks it is given as output buffers mapped read-write, block by
 * block. It decodes with libavcodec (H.264 in, I420 or NV12 out; MP2/AAC in,
 * S16 PCM out), parsing the coded bytes itself, so the client may cut the
 * stream anywhere.
 *
 * One thread: wait for the kick doorbell (or 100 ms), bump the heartbeat,
 * run the commands, move every session forward, ring the irq doorbell.
 * This file is that loop; the decoding is softvpu_fw_decode.c, the state,
 * completions and memory softvpu_fw_io.c (softvpu_fw_internal.h).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "softvpu_fw_internal.h"

/* ---- commands ----------------------------------------------------------- */

static int command(const struct svpu_msg *m)
{
        struct fw_sess *s;

        if (m->session >= SVPU_MAX_SESSIONS)
                return -EINVAL;
        s = &fw.sess[m->session];
        if (m->type == SVPU_CMD_OPEN) {
                if (s->used)
                        fw_sess_close(s);
                if (m->secure && !fw.heap[1])
                        return -ENODEV;
                return fw_sess_open(s, m->fmt.codec, m->secure);
        }
        if (!s->used)
                return -EBADF;
        switch (m->type) {
        case SVPU_CMD_SET_FORMAT:
                if (m->fmt.pixfmt == AVB_VPU_FMT_NV12 || m->fmt.pixfmt == AVB_VPU_FMT_I420)
                        s->want = m->fmt.pixfmt;
                return 0;
        case SVPU_CMD_STREAM_ON:
                *(m->queue == AVB_VPU_INPUT ? &s->on_in : &s->on_out) = true;
                return 0;
        case SVPU_CMD_STREAM_OFF:
                if (m->queue == AVB_VPU_INPUT) {
                        s->on_in = false;
                        s->in.n = 0;
                        s->in_used = 0;
                } else {
                        s->on_out = false;
                        s->out.n = 0;
                }
                return 0;
        case SVPU_CMD_QUEUE_IN:
                if (s->in.n == FW_QUEUE)
                        return -EAGAIN;
                fw_fifo_put(&s->in, &m->buf);
                return 0;
        case SVPU_CMD_QUEUE_OUT:
                if (s->out.n == FW_QUEUE)
                        return -EAGAIN;
                fw_fifo_put(&s->out, &m->buf);
                return 0;
        case SVPU_CMD_DRAIN:
                s->draining = true;
                return 0;
        case SVPU_CMD_FLUSH:
                fw_sess_reset(s);
                return 0;
        case SVPU_CMD_CLOSE:
                fw_sess_close(s);
                return 0;
        case SVPU_CMD_CODEC_DATA:
                return fw_sess_codec_data(s, m);
        default:
                return -EINVAL;
        }
}

static void run_commands(void)
{
        struct svpu_msg m;

        while (svpu_ring_pop(&fw.mb->cmd, &m) == 0) {
                struct svpu_msg ack = {.type = SVPU_CPL_ACK, .session = m.session, .seq = m.seq};

                ack.result = command(&m);
                if (m.type == SVPU_CMD_QUEUE_IN || m.type == SVPU_CMD_QUEUE_OUT) {
                        if (ack.result == 0)
                                continue; /* no ack: completions follow */
                        fw_push_buf(m.session,
                                    m.type == SVPU_CMD_QUEUE_IN ? SVPU_CPL_IN_DONE
                                                                : SVPU_CPL_OUT_DONE,
                                    &(struct avb_vpu_buf){.cookie = m.buf.cookie,
                                                          .flags = AVB_VPU_BUF_ERROR});
                        continue;
                }
                /* every completion the command caused goes before its ack */
                if (m.session < SVPU_MAX_SESSIONS && fw.sess[m.session].used)
                        fw_sess_pump(m.session, &fw.sess[m.session]);
                fw_push(&ack);
        }
}

/* ---- start -------------------------------------------------------------- */

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"mailbox", required_argument, NULL, 'm'},     {"kick", required_argument, NULL, 'k'},
            {"irq", required_argument, NULL, 'i'},         {"heap", required_argument, NULL, 'h'},
            {"secure-heap", required_argument, NULL, 's'}, {0},
        };
        int mbfd = -1, ch;
        pid_t parent = getppid();

        fw.kick = fw.irq = fw.heap_fd[0] = fw.heap_fd[1] = -1;
        while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                int v = atoi(optarg);

                switch (ch) {
                case 'm':
                        mbfd = v;
                        break;
                case 'k':
                        fw.kick = v;
                        break;
                case 'i':
                        fw.irq = v;
                        break;
                case 'h':
                        fw.heap_fd[0] = v;
                        break;
                case 's':
                        fw.heap_fd[1] = v;
                        break;
                default:
                        fprintf(stderr, "avb-softvpu: started by avbufferd only\n");
                        return 2;
                }
        }
        if (mbfd < 0 || fw.kick < 0 || fw.irq < 0) {
                fprintf(stderr, "avb-softvpu: started by avbufferd only\n");
                return 2;
        }
        fw.mb = mmap(NULL, sizeof(*fw.mb), PROT_READ | PROT_WRITE, MAP_SHARED, mbfd, 0);
        if (fw.mb == MAP_FAILED || fw.mb->magic != SVPU_MAGIC || fw.mb->version != SVPU_VERSION ||
            fw_map_heap(0) < 0 || fw_map_heap(1) < 0) {
                fprintf(stderr, "avb-softvpu: bad mailbox or heaps\n");
                return 1;
        }
        signal(SIGPIPE, SIG_IGN);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
                return 0;
        av_log_set_level(AV_LOG_QUIET);
        for (;;) {
                struct pollfd p = {.fd = fw.kick, .events = POLLIN};
                uint64_t n;

                if (poll(&p, 1, 100) > 0 && read(fw.kick, &n, sizeof(n)) < 0 && errno != EAGAIN)
                        return 1;
                if (getppid() != parent)
                        return 0; /* avbufferd has gone */
                atomic_fetch_add(&fw.mb->heartbeat, 1);
                run_commands();
                for (uint32_t i = 0; i < SVPU_MAX_SESSIONS; i++)
                        if (fw.sess[i].used)
                                fw_sess_pump(i, &fw.sess[i]);
                if (fw.rang) {
                        uint64_t one = 1;

                        fw.rang = false;
                        (void)!write(fw.irq, &one, sizeof(one));
                }
        }
}
