// expect: 5:5: error: value 128 out of range for byte
package neg;
enum EnumImplicitOverflow {
    A = 127,
    B,
}
