// expect: 5:11: error: type 'P' cannot have a default value
package neg;
parcelable FieldDefaultParcelable {
    parcelable P { int x; }
    P p = 1;
}
