// expect: 4:5: error: unterminated comment
package neg;
interface LexUnterminatedComment {
    /* never closed
}
