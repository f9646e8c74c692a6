// expect: 4:25: error: 'inout' is not allowed on argument 's' of type 'String'
package neg;
interface InoutString {
    void f(inout String s);
}
