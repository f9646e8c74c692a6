// expect: 5:10: error: duplicate type 'neg.DuplicateNestedType.X'
package neg;
interface DuplicateNestedType {
    parcelable X { int a; }
    enum X { A }
}
