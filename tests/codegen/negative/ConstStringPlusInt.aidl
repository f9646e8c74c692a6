// expect: 4:26: error: cannot add string and integer
package neg;
interface ConstStringPlusInt {
    const String S = "a" + 1;
}
