/* SPDX-License-Identifier: Apache-2.0 */
package android.hardware.common;

/**
 * A bundle of open file descriptors and plain integers handed from one
 * process to another (the stable-AIDL form of a native handle).
 */
@VintfStability
parcelable NativeHandle {
    /** The descriptors, duplicated into the receiving process. */
    ParcelFileDescriptor[] fds;
    /** Integers that travel with them, meaning agreed by both sides. */
    int[] ints;
}
