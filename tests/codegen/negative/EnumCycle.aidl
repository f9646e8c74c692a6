// expect: 4:5: error: circular reference in the value of 'A'
package neg;
enum EnumCycle {
    A = C,
    B,
    C = B + 1,
}
