// expect: 4:19: error: value 3000000000 out of range for int
package neg;
interface ConstIntOutOfRange {
    const int K = 3000000000;
}
