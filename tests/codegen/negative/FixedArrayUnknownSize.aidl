// expect: 4:10: error: unknown constant 'SIZE'
package neg;
parcelable FixedArrayUnknownSize {
    byte[SIZE] values;
}
