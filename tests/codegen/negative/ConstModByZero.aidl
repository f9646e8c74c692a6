// expect: 4:24: error: division by zero
package neg;
interface ConstModByZero {
    const long L = 10L % 0;
}
