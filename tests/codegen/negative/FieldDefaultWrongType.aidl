// expect: 4:17: error: cannot use a string value as boolean
package neg;
parcelable FieldDefaultWrongType {
    boolean b = "yes";
}
