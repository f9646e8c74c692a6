// expect: 4:30: error: overflow in constant expression
package neg;
interface ConstOverflowInt {
    const int K = 2147483647 + 1;
}
