// expect: 4:10: error: the size of a fixed-size array must not be negative (-1)
package neg;
parcelable FixedArrayNegative {
    byte[-1] values;
}
