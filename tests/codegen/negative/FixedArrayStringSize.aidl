// expect: 4:10: error: the size of a fixed-size array must be a constant int, not string
package neg;
parcelable FixedArrayStringSize {
    byte["x"] values;
}
