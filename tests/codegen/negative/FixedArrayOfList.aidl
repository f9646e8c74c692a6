// expect: 4:5: error: fixed-size arrays of List are not supported
package neg;
parcelable FixedArrayOfList {
    List<String>[2] lists;
}
