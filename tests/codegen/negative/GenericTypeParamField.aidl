// expect: 5:5: error: type parameter 'T' cannot be the type of a field
// expect: 6:5: error: type parameter 'T' cannot be the type of a field
package neg;
parcelable GenericTypeParamField<T, U> {
    T value;
    T[] values;
    int n;
}
