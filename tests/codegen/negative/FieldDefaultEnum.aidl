// expect: 5:11: error: the value of enum type 'E' must be one of its enumerators
package neg;
parcelable FieldDefaultEnum {
    enum E { A, B }
    E e = 1;
}
