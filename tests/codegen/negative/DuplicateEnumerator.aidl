// expect: 5:5: error: duplicate enumerator 'A' in 'DuplicateEnumerator'
package neg;
enum DuplicateEnumerator {
    A, B,
    A,
}
