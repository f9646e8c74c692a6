// expect: 4:21: error: the default value has 2 elements, the array has 3
package neg;
parcelable FixedArrayDefault {
    int[3] values = {1, 2};
}
