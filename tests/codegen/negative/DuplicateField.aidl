// expect: 5:10: error: duplicate field 'a' in 'DuplicateField'
package neg;
parcelable DuplicateField {
    int a;
    long a;
}
