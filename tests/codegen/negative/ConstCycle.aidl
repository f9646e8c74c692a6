// expect: 4:15: error: circular reference in the value of 'A'
package neg;
interface ConstCycle {
    const int A = B * 2;
    const int B = A + 1;
}
