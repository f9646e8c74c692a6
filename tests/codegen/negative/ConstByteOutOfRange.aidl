// expect: 4:20: error: value -129 out of range for byte
package neg;
interface ConstByteOutOfRange {
    const byte B = -129;
}
