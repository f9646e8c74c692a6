// expect: 5:18: error: 'out' is not allowed on argument 'e' of type 'E'
package neg;
interface OutEnum {
    enum E { A }
    void f(out E e);
}
