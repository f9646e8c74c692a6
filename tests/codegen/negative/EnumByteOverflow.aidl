// expect: 5:9: error: value 128 out of range for byte
package neg;
enum EnumByteOverflow {
    A = 127,
    B = 128,
}
