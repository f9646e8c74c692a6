// expect: 5:21: error: shift count 32 out of range for int
// expect: 6:23: error: shift count -1 out of range for long
package neg;
interface ConstShiftOutOfRange {
    const int K = 1 << 32;
    const long L = 1L >> -1;
}
