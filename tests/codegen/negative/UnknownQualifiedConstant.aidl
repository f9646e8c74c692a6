// expect: 5:19: error: unknown constant 'E.C'
package neg;
interface UnknownQualifiedConstant {
    enum E { A, B }
    const int K = E.C;
}
