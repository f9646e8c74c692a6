// expect: 5:5: error: unknown type 'UnknownNestedType.Inner.Deeper'
package neg;
parcelable UnknownNestedType {
    parcelable Inner { int x; }
    UnknownNestedType.Inner.Deeper d;
}
