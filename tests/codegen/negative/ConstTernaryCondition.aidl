// expect: 4:19: error: condition must be a boolean, not integer
package neg;
interface ConstTernaryCondition {
    const int K = 1 ? 2 : 3;
}
