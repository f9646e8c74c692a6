package avb.avbuffer;

import avb.avbuffer.BufferInfo;
import avb.avbuffer.CopyRange;

/**
 * The part of libavbufferhelper that runs inside avbufferd: writes and
 * copies that reach secure memory, which no client can map. Served by
 * avbufferd as object 1 beside IAVBuffer.
 *
 * Errors: EX_ILLEGAL_ARGUMENT for an unknown handle or a range outside a
 * buffer, EX_SECURITY for a copy from secure memory into non-secure memory.
 */
interface IBufferCopier {
    /** Object id of this interface on the AV Buffer service's endpoint. */
    const int OBJECT_ID = 1;

    /** Copies `data` into the buffer at `offset`. */
    void write(long handle, int offset, in byte[] data);

    /** Copies each range from `src` into `dst`. */
    void copy(long dst, long src, in CopyRange[] ranges);

    /**
     * Where a buffer lives, for a caller that holds the handle.
     * libavbufferhelper resolves handles on the heap socket instead, which
     * also lists them in its own buffer directory. EX_ILLEGAL_ARGUMENT for
     * an unknown handle.
     */
    BufferInfo describe(long handle);
}
