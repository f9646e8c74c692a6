// expect: 4:41: error: overflow in constant expression
package neg;
interface ConstOverflowLong {
    const long L = 9223372036854775807L * 2;
}
