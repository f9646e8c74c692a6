/* SPDX-License-Identifier: Apache-2.0 */
package android.hardware.common.fmq;

/**
 * Queue flavor, used only as a type argument of MQDescriptor: the writer never
 * waits; readers that fall behind lose the elements overwritten.
 */
@VintfStability
enum UnsynchronizedWrite {
    EMPTY,
}
