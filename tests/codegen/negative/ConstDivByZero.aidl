// expect: 4:22: error: division by zero
package neg;
interface ConstDivByZero {
    const int K = 10 / (3 - 3);
}
