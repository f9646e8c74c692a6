// expect: 4:30: error: duplicate argument 'x' in method 'f'
package neg;
interface DuplicateArgument {
    void f(in int x, in long x);
}
