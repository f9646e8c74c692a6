// expect: 5:13: error: constant 'K' must have a primitive or String type
package neg;
interface ConstNonPrimitiveType {
    enum E { A }
    const E K = E.A;
}
