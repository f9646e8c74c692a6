// expect: 4:5: error: an array cannot mix fixed-size and dynamic dimensions: 'int[][3]'
package neg;
parcelable FixedArrayMixed2 {
    int[][3] grid;
}
