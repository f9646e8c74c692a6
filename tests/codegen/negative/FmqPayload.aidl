// expect: 9:18: error: type argument 'String' of 'MQDescriptor' must be a primitive
// expect: 10:18: warning: message queue payload 'Loose' is not @FixedSize
// expect: 11:18: error: message queue payload 'Varying' must be @FixedSize
// expect: 12:24: error: message queue flavor 'Loose' must be SynchronizedReadWrite or UnsynchronizedWrite
package neg;
import android.hardware.common.fmq.MQDescriptor;
import android.hardware.common.fmq.SynchronizedReadWrite;
parcelable FmqPayload {
    MQDescriptor<String, SynchronizedReadWrite> a;
    MQDescriptor<Loose, SynchronizedReadWrite> b;
    MQDescriptor<Varying, SynchronizedReadWrite> c;
    MQDescriptor<long, Loose> d;
    MQDescriptor<Packed, SynchronizedReadWrite> e;
    MQDescriptor<Level, SynchronizedReadWrite>[] f;
    MQDescriptor<int, SynchronizedReadWrite> g;
}
//// file: r/android/hardware/common/fmq/MQDescriptor.aidl
package android.hardware.common.fmq;
parcelable MQDescriptor<T, Flavor> { int quantum; int flags; }
//// file: r/android/hardware/common/fmq/SynchronizedReadWrite.aidl
package android.hardware.common.fmq;
enum SynchronizedReadWrite { EMPTY }
//// file: r/neg/Loose.aidl
package neg;
parcelable Loose { int a; long[4] b; Level l; Id id; parcelable Id { long v; } }
//// file: r/neg/Varying.aidl
package neg;
parcelable Varying { int a; Inner i; parcelable Inner { String s; } }
//// file: r/neg/Packed.aidl
package neg;
@FixedSize parcelable Packed { int a; }
//// file: r/neg/Level.aidl
package neg;
enum Level { LOW }
