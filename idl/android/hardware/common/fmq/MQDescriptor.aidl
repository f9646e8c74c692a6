/* SPDX-License-Identifier: Apache-2.0 */
package android.hardware.common.fmq;

import android.hardware.common.NativeHandle;
import android.hardware.common.fmq.GrantorDescriptor;

/**
 * Everything a process needs to attach to a fast message queue created by
 * another: the shared memory and where the queue's parts lie in it.
 * T is the element type, Flavor SynchronizedReadWrite or UnsynchronizedWrite;
 * neither changes the layout of this parcelable.
 */
@VintfStability
parcelable MQDescriptor<T, Flavor> {
    /** The regions: read and write counters, the ring, the event flag word. */
    GrantorDescriptor[] grantors;
    /** The descriptors the regions are mapped from. */
    NativeHandle handle;
    /** Size of one element, in bytes. */
    int quantum;
    /** Creation flags of the queue. */
    int flags;
}
