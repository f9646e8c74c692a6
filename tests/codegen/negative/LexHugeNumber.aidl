// expect: 4:20: error: integer literal too large
package neg;
interface LexHugeNumber {
    const long L = 123456789012345678901234567890;
}
