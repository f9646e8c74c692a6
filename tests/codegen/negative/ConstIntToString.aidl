// expect: 4:22: error: cannot use a integer value as String
package neg;
interface ConstIntToString {
    const String S = 7;
}
