// expect: 5:10: error: the size of a fixed-size array must be a constant int, not long
package neg;
parcelable FixedArrayLongSize {
    const long N = 4;
    byte[N] values;
}
