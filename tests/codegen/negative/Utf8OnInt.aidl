// expect: 4:26: error: @utf8InCpp is only allowed on String, not 'int'
package neg;
interface Utf8OnInt {
    void f(in @utf8InCpp int x);
}
