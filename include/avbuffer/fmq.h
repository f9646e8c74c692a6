/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVBUFFER_FMQ_H
#define AVBUFFER_FMQ_H

/*
 * avb_fmq: a fast message queue between two processes, a ring of fixed-size
 * elements in shared memory, with the memory layout and the semantics of
 * Android's libfmq (MessageQueue, EventFlag).
 *
 * Layout (four "grantors", each a byte range of one fd):
 *   grantor 0  read counter, u64     bytes read since creation
 *   grantor 1  write counter, u64    bytes written since creation
 *   grantor 2  the ring, extent = element size x element count
 *   grantor 3  optional event-flag word, u32 (futex), bits below
 * The counters only grow; an element lives at (counter mod ring extent).
 * They count bytes and stay multiples of the element size ("quantum"). A
 * writer copies, then publishes its counter with a release store; the other
 * side loads it with acquire. avb_fmq_create makes one sealed memfd with the
 * grantors at offsets 0, 8, 16 and the next multiple of 8 after the ring.
 *
 * Flavors
 *   AVB_FMQ_SYNCHRONIZED_READ_WRITE  one writer, one reader; a write that
 *     does not fit fails (-EAGAIN), a read of more than is there fails
 *     (-EAGAIN); nothing is lost. Blocking read and write with a timeout.
 *   AVB_FMQ_UNSYNCHRONIZED_WRITE  one writer that never waits and overwrites
 *     the oldest elements; any number of readers, each with a private read
 *     counter that starts at 0 when it opens the queue (grantor 0 is not
 *     used). A reader that fell more than one ring behind gets -EOVERFLOW
 *     once, and its read counter jumps to the write counter (the elements in
 *     between are lost); the next read proceeds from there. As in libfmq, a
 *     reader exactly one ring behind may copy an element the writer is
 *     rewriting at that moment: size the ring so readers keep up.
 *
 * A hostile peer
 *   The other process can write anything into the shared counters and the
 *   event-flag word. Nothing it writes makes this side touch memory outside
 *   its mappings: counters that are not multiples of the quantum, or
 *   (synchronized) further apart than the ring, fail the call with -EBADMSG;
 *   a flag word scribbled on costs at most spurious wake-ups or a timeout.
 *   avb_fmq_open refuses a descriptor whose memory could shrink under the
 *   mapping (every fd must be a memfd sealed with F_SEAL_SHRINK), so the
 *   peer cannot make us fault by truncating it.
 *
 * Threads
 *   An avb_fmq may be used by one writing thread and one reading thread at
 *   the same time. Synchronized queues have one writer and one reader in all
 *   processes together.
 *
 * Errors: 0 or a negative errno. Output parameters are untouched on failure.
 */

#include <stddef.h>
#include <stdint.h>

#include <avbuffer/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MQDescriptor.flags values (android.hardware.common.fmq). */
enum {
        AVB_FMQ_SYNCHRONIZED_READ_WRITE = 1,
        AVB_FMQ_UNSYNCHRONIZED_WRITE = 2,
};

/* Bits of the event-flag word, as libfmq's blocking calls use them. */
enum {
        AVB_FMQ_NOT_FULL = 1u << 0,  /* a reader made room */
        AVB_FMQ_NOT_EMPTY = 1u << 1, /* a writer published elements */
};

/* Grantor positions in a descriptor. */
enum {
        AVB_FMQ_READ_COUNTER = 0,
        AVB_FMQ_WRITE_COUNTER = 1,
        AVB_FMQ_RING = 2,
        AVB_FMQ_EVENT_FLAG = 3,
};

#define AVB_FMQ_MAX_GRANTORS 4
#define AVB_FMQ_MAX_FDS      4

/* GrantorDescriptor {int fdIndex; int offset; long extent;} */
typedef struct avb_fmq_grantor {
        int32_t fd_index; /* index into avb_fmq_desc.fds */
        int32_t offset;   /* byte offset in that fd */
        int64_t extent;   /* length in bytes */
} avb_fmq_grantor;

/*
 * A queue's descriptor: what the creator hands to the other process.
 *
 * Mapping to android.hardware.common.fmq.MQDescriptor<T, Flavor>
 *   {GrantorDescriptor[] grantors; NativeHandle handle; int quantum; int flags;}
 * with NativeHandle {ParcelFileDescriptor[] fds; int[] ints;}:
 *   grantors[i]       <-> grantors[i] (n_grantors = its length, 3 or 4)
 *   handle.fds[i]     <-> fds[i]      (n_fds = its length, at most 4)
 *   handle.ints       not used by libfmq nor here (an adapter ignores them)
 *   quantum           <-> quantum     (sizeof T in bytes)
 *   flags             <-> flags       (the Flavor: AVB_FMQ_*)
 * The fds of a descriptor filled by avb_fmq_get_desc or avb_fmq_desc_recv
 * are owned by it: avb_fmq_desc_fini closes them.
 */
typedef struct avb_fmq_desc {
        avb_fmq_grantor grantors[AVB_FMQ_MAX_GRANTORS];
        size_t n_grantors;
        int fds[AVB_FMQ_MAX_FDS];
        size_t n_fds;
        int32_t quantum;
        int32_t flags;
} avb_fmq_desc;

typedef struct avb_fmq avb_fmq;

/*
 * A new queue of `count` elements of `element_size` bytes in a new memfd
 * (close-on-exec, sealed against shrinking, growing and further sealing),
 * counters at 0. With `with_event_flag`, a fourth grantor holds the
 * event-flag word (needed by the blocking calls). -EINVAL for a zero size or
 * count, an unknown flavor, or a ring larger than 2 GiB.
 */
AVB_EXPORT int avb_fmq_create(size_t element_size, size_t count, int flavor, int with_event_flag,
                              avb_fmq **ret_q);

/*
 * The descriptor of q, with its own duplicates of the fds (close-on-exec):
 * the caller owns them and releases them with avb_fmq_desc_fini.
 */
AVB_EXPORT int avb_fmq_get_desc(const avb_fmq *q, avb_fmq_desc *ret_desc);

/* Closes the fds a descriptor owns and empties it. Accepts NULL. */
AVB_EXPORT void avb_fmq_desc_fini(avb_fmq_desc *desc);

/*
 * Opens the queue a peer described. `desc` is borrowed: the queue keeps its
 * own duplicates of the fds. Refused with -EINVAL unless: quantum ==
 * element_size; flags == flavor; 3 or 4 grantors; 1..AVB_FMQ_MAX_FDS fds;
 * every fd_index in range; offsets and extents >= 0; counters 8 bytes and
 * 8-aligned, the flag word 4 bytes and 4-aligned, the ring 8-aligned with
 * an extent that is a multiple of the quantum and > 0; grantors of one fd
 * not overlapping; every grantor inside its fd (fstat) and the fd sealed
 * against shrinking (F_SEAL_SHRINK). -EBADF for an fd that is not open.
 * Synchronized: the counters are used as they are (the creator zeroed them).
 */
AVB_EXPORT int avb_fmq_open(const avb_fmq_desc *desc, size_t element_size, int flavor,
                            avb_fmq **ret_q);

/* Unmaps and closes. Accepts NULL; returns NULL. */
AVB_EXPORT avb_fmq *avb_fmq_free(avb_fmq *q);

/* Elements the ring holds. */
AVB_EXPORT size_t avb_fmq_capacity(const avb_fmq *q);

/*
 * Elements that can be read now / written now without failing. Unsynchronized
 * writers can always write a whole ring. -EBADMSG when the counters are
 * corrupt; -EOVERFLOW for an unsynchronized reader that fell behind.
 */
AVB_EXPORT int avb_fmq_available_to_read(const avb_fmq *q, size_t *ret_n);
AVB_EXPORT int avb_fmq_available_to_write(const avb_fmq *q, size_t *ret_n);

/*
 * Writes n elements (n x element size bytes from `elems`) as one unit:
 * all or nothing. -EAGAIN when a synchronized queue has no room for them,
 * -EMSGSIZE when n exceeds the capacity, -EBADMSG for corrupt counters.
 * n == 0 does nothing. When the queue has an event-flag word, a successful
 * write sets NOT_EMPTY and wakes a reader waiting for it (libfmq's plain
 * write leaves that to its caller; waking also here lets a blocking reader
 * be fed by plain writes, and costs a system call only when one waits).
 */
AVB_EXPORT int avb_fmq_write(avb_fmq *q, const void *elems, size_t n);

/*
 * Reads n elements into `elems`: all or nothing. -EAGAIN when fewer are
 * there, -EMSGSIZE when n exceeds the capacity, -EBADMSG for corrupt
 * counters, -EOVERFLOW (unsynchronized) when this reader fell more than a
 * ring behind: it resumes at the writer's position. A successful read sets
 * NOT_FULL and wakes a writer waiting for it, as above.
 */
AVB_EXPORT int avb_fmq_read(avb_fmq *q, void *elems, size_t n);

/*
 * As write/read, waiting for room or data up to timeout_ns (negative: no
 * limit; 0: do not wait). Only for synchronized queues with an event-flag
 * word (-EOPNOTSUPP otherwise). Woken through the flag word (futex
 * FUTEX_WAIT_BITSET on NOT_FULL / NOT_EMPTY, shared between processes);
 * spurious wake-ups and signals retry until the deadline. -ETIMEDOUT when
 * it passes. Note: libfmq's timeout 0 means "no limit"; here it is < 0.
 */
AVB_EXPORT int avb_fmq_write_blocking(avb_fmq *q, const void *elems, size_t n, int64_t timeout_ns);
AVB_EXPORT int avb_fmq_read_blocking(avb_fmq *q, void *elems, size_t n, int64_t timeout_ns);

/*
 * Until file descriptors travel through the RPC (ParcelFileDescriptor), a
 * descriptor can be passed over a connected AF_UNIX socket: one message
 * with its fields and its fds as SCM_RIGHTS. send borrows desc.
 * recv fills ret_desc (owning the fds it received, close-on-exec); it
 * refuses (-EBADMSG) a message of the wrong size, with truncated control
 * data, with a number of fds other than announced, or whose fields are out
 * of range, closing every fd it got. -EPIPE when the peer closed.
 */
AVB_EXPORT int avb_fmq_desc_send(int sock, const avb_fmq_desc *desc);
AVB_EXPORT int avb_fmq_desc_recv(int sock, avb_fmq_desc *ret_desc);

#ifdef __cplusplus
}
#endif

#endif
