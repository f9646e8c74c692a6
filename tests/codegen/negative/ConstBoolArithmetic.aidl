// expect: 4:24: error: arithmetic needs numbers, not boolean and integer
package neg;
interface ConstBoolArithmetic {
    const int K = true + 1;
}
