/* SPDX-License-Identifier: Apache-2.0 */
package android.hardware.common.fmq;

/** One region of a message queue's shared memory. */
@VintfStability
parcelable GrantorDescriptor {
    /** Which descriptor of the queue's handle maps this region. */
    int fdIndex;
    /** Where the region starts in that mapping, in bytes. */
    int offset;
    /** How many bytes the region spans. */
    long extent;
}
