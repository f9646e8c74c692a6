// expect: 4:20: error: 'out' is not allowed on argument 'x' of type 'int'
package neg;
interface OutPrimitive {
    void f(out int x);
}
