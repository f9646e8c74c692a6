// expect: 4:30: error: unterminated string literal
package neg;
interface LexUnterminatedString {
    const String S = "abc" + "def;
}
