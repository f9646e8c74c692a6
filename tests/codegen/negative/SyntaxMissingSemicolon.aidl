// expect: 5:1: error: expected ';', found '}'
package neg;
interface SyntaxMissingSemicolon {
    void f()
}
