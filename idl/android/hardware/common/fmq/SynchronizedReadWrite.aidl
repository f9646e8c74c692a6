/* SPDX-License-Identifier: Apache-2.0 */
package android.hardware.common.fmq;

/**
 * Queue flavor, used only as a type argument of MQDescriptor: one reader and
 * one writer; a full queue makes the writer fail instead of overwriting.
 */
@VintfStability
enum SynchronizedReadWrite {
    EMPTY,
}
