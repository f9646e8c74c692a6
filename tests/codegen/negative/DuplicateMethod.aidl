// expect: 5:10: error: duplicate method 'f' in 'DuplicateMethod'
package neg;
interface DuplicateMethod {
    void f();
    void f(in int x);
}
