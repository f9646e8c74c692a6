// expect: 4:5: error: an array cannot mix fixed-size and dynamic dimensions: 'int[2][]'
package neg;
parcelable FixedArrayMixed {
    int[2][] grid;
}
