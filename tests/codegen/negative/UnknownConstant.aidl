// expect: 4:19: error: unknown constant 'NOPE'
package neg;
interface UnknownConstant {
    const int K = NOPE + 1;
}
