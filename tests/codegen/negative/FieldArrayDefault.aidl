// expect: 4:23: error: value 300 out of range for byte
package neg;
parcelable FieldArrayDefault {
    byte[] b = {1, 2, 300};
}
