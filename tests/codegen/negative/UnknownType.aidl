// expect: 4:15: error: unknown type 'Missing'
package neg;
interface UnknownType {
    void f(in Missing m);
}
