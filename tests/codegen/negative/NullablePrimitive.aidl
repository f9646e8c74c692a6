// expect: 4:15: error: @nullable is not allowed on primitive type 'int'
package neg;
parcelable NullablePrimitive {
    @nullable int x;
}
