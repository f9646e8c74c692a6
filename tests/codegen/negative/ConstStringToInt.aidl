// expect: 4:19: error: cannot use a string value as int
package neg;
interface ConstStringToInt {
    const int K = "seven";
}
