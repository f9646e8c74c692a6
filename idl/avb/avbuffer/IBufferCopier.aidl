package avb.avbuffer;

import avb.avbuffer.BufferInfo;
import avb.avbuffer.CopyRange;

/**
 * The part of libavbufferhelper that runs inside avbufferd: writes and
 * copies that reach secure memory, which no client can map. Served by
 * avbufferd as object 1 beside IAVBuffer.
 *
 * Every call does a bounded amount of work, so that one client's bulk copy
 * cannot hold the service (one thread serves every client) for longer than
 * a few milliseconds: a call above a MAX_* limit below is refused with
 * EX_ILLEGAL_ARGUMENT before any byte moves. libavbufferhelper splits larger
 * writes and copies into calls within the limits.
 *
 * Errors: EX_ILLEGAL_ARGUMENT for an unknown handle, a range outside a
 * buffer or a call above a limit, EX_SECURITY for a copy from secure memory
 * into non-secure memory.
 */
interface IBufferCopier {
    /** Object id of this interface on the AV Buffer service's endpoint. */
    const int OBJECT_ID = 1;

    /** Copies `data` (at most MAX_WRITE_BYTES) into the buffer at `offset`. */
    void write(long handle, int offset, in byte[] data);

    /**
     * Copies each range from `src` into `dst`, in order, each as by memmove.
     * At most MAX_COPY_RANGES ranges whose sizes add up to at most
     * MAX_COPY_BYTES. Every range is checked before any byte moves.
     */
    void copy(long dst, long src, in CopyRange[] ranges);

    /**
     * Where a buffer lives, for a caller that holds the handle.
     * libavbufferhelper resolves handles on the heap socket instead, which
     * also lists them in its own buffer directory. EX_ILLEGAL_ARGUMENT for
     * an unknown handle.
     */
    BufferInfo describe(long handle);

    /** Most bytes of data one write() takes. */
    const int MAX_WRITE_BYTES = 262144;

    /** Most bytes one copy() moves: the sum of its ranges' sizes. */
    const int MAX_COPY_BYTES = 1048576;

    /** Most ranges one copy() takes (each costs the secure heap's access windows). */
    const int MAX_COPY_RANGES = 256;
}
