// expect: 5:9: error: value 4294967296 out of range for int
package neg;
@Backing(type="int")
enum EnumIntOverflow {
    A = 0x100000000,
}
